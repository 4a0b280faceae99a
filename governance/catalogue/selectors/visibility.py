"""Who sees which datasets and statements, and what a list of datasets reads with them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from governance.accounts.selectors import holder_organisation_ids, is_portal_staff, organisations
from governance.catalogue.models import AvailabilityStatement, Dataset, StatementModifier
from governance.core.permissions import require


def published_datasets() -> QuerySet[Dataset]:
    """Datasets with a published statement: the public catalogue."""
    return Dataset.objects.filter(current_statement__isnull=False)


def datasets_editable_by(person) -> QuerySet[Dataset]:
    if is_portal_staff(person):
        return Dataset.objects.all()
    return Dataset.objects.filter(custodian_id__in=holder_organisation_ids(person))


def datasets_visible_to(person) -> QuerySet[Dataset]:
    if is_portal_staff(person):
        return Dataset.objects.all()
    return Dataset.objects.filter(
        Q(current_statement__isnull=False) | Q(custodian_id__in=holder_organisation_ids(person))
    )


def with_listing_details(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """What a list of datasets shows, in a constant number of queries."""
    return qs.select_related(
        "custodian", "current_statement", "current_statement__duo_permission"
    ).prefetch_related("cancer_types", "modalities")


def custodians_for(person) -> QuerySet:
    """The organisations whose datasets the person may register."""
    qs = organisations().order_by("name")
    if is_portal_staff(person):
        return qs
    return qs.filter(pk__in=holder_organisation_ids(person))


def dataset_for(person, pk: int) -> Dataset:
    """The dataset page's dataset, or 404 if the person may not see it."""
    try:
        return (
            with_listing_details(datasets_visible_to(person))
            .prefetch_related("body_parts", "current_statement__access_conditions")
            .get(pk=pk)
        )
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def editable_dataset_for(person, pk: int) -> Dataset:
    """A dataset the person may change: 404 if they may not see it, 403 if they only see it."""
    try:
        dataset = datasets_visible_to(person).select_related("custodian").get(pk=pk)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None
    require(person, "catalogue.change_dataset", dataset)
    return dataset


def statements_with_details(qs: QuerySet[AvailabilityStatement]) -> QuerySet:
    return qs.select_related(
        "dataset", "dataset__custodian", "duo_permission", "disease", "published_by"
    ).prefetch_related(
        "access_conditions",
        Prefetch("modifiers", queryset=StatementModifier.objects.select_related("duo_term")),
    )


def statements_visible_to(person) -> QuerySet[AvailabilityStatement]:
    """Published and superseded versions are public; drafts only for the dataset's holders."""
    qs = AvailabilityStatement.objects.all()
    if is_portal_staff(person):
        return qs
    return qs.filter(
        ~Q(state=AvailabilityStatement.State.DRAFT)
        | Q(dataset__custodian_id__in=holder_organisation_ids(person))
    )


def statement_for(person, pk: int) -> AvailabilityStatement:
    try:
        return statements_with_details(statements_visible_to(person)).get(pk=pk)
    except AvailabilityStatement.DoesNotExist:
        raise Http404("No such statement") from None


def editable_statement_for(person, pk: int) -> AvailabilityStatement:
    """A statement the person may change or publish: 404 unseen, 403 seen but not theirs."""
    statement = statement_for(person, pk)
    require(person, "catalogue.change_statement", statement)
    return statement


def statement_history(dataset: Dataset, person) -> list[AvailabilityStatement]:
    return list(
        statements_visible_to(person)
        .filter(dataset=dataset)
        .select_related("published_by")
        .order_by("-version")
    )


def draft_of(dataset: Dataset) -> AvailabilityStatement | None:
    return dataset.statements.filter(state=AvailabilityStatement.State.DRAFT).first()


def datasets_with_drafts(person) -> QuerySet[Dataset]:
    """The holder's datasets whose statement waits to be published (or was never written)."""
    drafts = AvailabilityStatement.objects.filter(
        dataset=OuterRef("pk"), state=AvailabilityStatement.State.DRAFT
    )
    return (
        Dataset.objects.filter(custodian_id__in=holder_organisation_ids(person))
        .filter(Exists(drafts) | Q(current_statement__isnull=True))
        .annotate(draft_id=Subquery(drafts.values("pk")[:1]))
        .order_by("title")
    )
