"""Reads of consent forms, records and figures.

Counts are computed by the database with one grouped aggregate per view (the index
`consent_record_counts` covers dataset, status and form), so they are always current and there
is no counter to drift. Figures for patient organisations are suppressed and rounded so that no
cell can single a subject out: see `public_count`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

from governance.accounts.selectors import holder_organisation_ids, is_portal_staff
from governance.catalogue.models import Dataset
from governance.catalogue.selectors import datasets_editable_by
from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal
from governance.core.permissions import may, require

# Cells below this many subjects are not shown to patient organisations.
SMALL_COUNT = 5
ROUND_TO = 10


# Datasets


def datasets_managed_by(person) -> QuerySet[Dataset]:
    """Datasets whose consent records the person manages: their organisations', or all (staff)."""
    return datasets_editable_by(person)


def managed_dataset_for(person, pk: int) -> Dataset:
    try:
        return datasets_managed_by(person).select_related("custodian").get(pk=pk)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def datasets_with_counts(person) -> QuerySet[Dataset]:
    """The person's datasets, each annotated with `given` and `withdrawn` record counts."""
    return (
        datasets_managed_by(person)
        .select_related("custodian")
        .annotate(
            given=Count("consent_records", filter=Q(consent_records__status="given")),
            withdrawn=Count("consent_records", filter=Q(consent_records__status="withdrawn")),
        )
        .order_by("title")
    )


# Forms


def forms_with_details(qs: QuerySet[ConsentForm]) -> QuerySet[ConsentForm]:
    return qs.select_related("organisation", "duo_permission").prefetch_related("duo_modifiers")


def forms_visible_to(person) -> QuerySet[ConsentForm]:
    """Forms in use (and superseded ones) for those who may read the figures (holders, patient
    organisations, staff); drafts only for their holders and staff."""
    qs = ConsentForm.objects.all()
    if is_portal_staff(person):
        return qs
    if not may(person, "consent.view_figures"):
        return qs.none()
    return qs.filter(
        ~Q(state=ConsentForm.State.DRAFT) | Q(organisation_id__in=holder_organisation_ids(person))
    )


def forms_editable_by(person) -> QuerySet[ConsentForm]:
    if is_portal_staff(person):
        return ConsentForm.objects.all()
    return ConsentForm.objects.filter(organisation_id__in=holder_organisation_ids(person))


def form_for(person, pk: int) -> ConsentForm:
    try:
        return forms_with_details(forms_visible_to(person)).get(pk=pk)
    except ConsentForm.DoesNotExist:
        raise Http404("No such consent form") from None


def editable_form_for(person, pk: int) -> ConsentForm:
    """A form the person may change: 404 if they may not see it, 403 if they only read it."""
    form = form_for(person, pk)
    require(person, "consent.change_consentform", form)
    return form


def forms_usable_for(dataset: Dataset) -> QuerySet[ConsentForm]:
    """Versions a record of this dataset may name: in use or superseded, the custodian's or
    federation-wide (a record given under an older version stays valid)."""
    return (
        ConsentForm.objects.exclude(state=ConsentForm.State.DRAFT)
        .filter(Q(organisation__isnull=True) | Q(organisation_id=dataset.custodian_id))
        .order_by("code", "-version")
    )


def versions_of(form: ConsentForm) -> QuerySet[ConsentForm]:
    """Every version of the form (same holder, or federation-wide, and same code)."""
    if form.organisation_id is None:
        return ConsentForm.objects.filter(organisation__isnull=True, code=form.code)
    return ConsentForm.objects.filter(organisation_id=form.organisation_id, code=form.code)


def form_history(form: ConsentForm) -> list[ConsentForm]:
    return list(versions_of(form).order_by("-version"))


# Records


def records_visible_to(person) -> QuerySet[ConsentRecord]:
    """Records with pseudonyms: only for the dataset's holders and staff."""
    return ConsentRecord.objects.filter(dataset__in=datasets_managed_by(person))


def records_with_details(qs: QuerySet[ConsentRecord]) -> QuerySet[ConsentRecord]:
    return qs.select_related("dataset", "dataset__custodian", "form", "withdrawal")


def record_for(person, pk: int) -> ConsentRecord:
    try:
        return records_with_details(records_visible_to(person)).get(pk=pk)
    except ConsentRecord.DoesNotExist:
        raise Http404("No such consent record") from None


def records_of(dataset: Dataset) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(dataset=dataset)
        .select_related("form", "withdrawal")
        .order_by("pseudonym")
    )


def history_of(person, pseudonym: str) -> list[ConsentRecord]:
    """Every record the person may see for one pseudonym, across their datasets."""
    return list(
        records_with_details(records_visible_to(person).filter(pseudonym=pseudonym))
        .select_related("withdrawal__recorded_by")
        .order_by("given_on", "dataset__title")
    )


def recent_withdrawals(person, *, limit: int = 5) -> list[ConsentWithdrawal]:
    return list(
        ConsentWithdrawal.objects.filter(record__dataset__in=datasets_managed_by(person))
        .select_related("record", "record__dataset")
        .order_by("-recorded_at")[:limit]
    )


# Counts


@dataclass
class FormCount:
    form: ConsentForm
    given: int = 0
    withdrawn: int = 0

    @property
    def total(self) -> int:
        return self.given + self.withdrawn


@dataclass
class DatasetCounts:
    given: int = 0
    withdrawn: int = 0
    by_form: list[FormCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.given + self.withdrawn


def counts_for(dataset_id: int) -> DatasetCounts:
    """Records of one dataset by status and by form version (two queries)."""
    rows = (
        ConsentRecord.objects.filter(dataset_id=dataset_id)
        .values("form_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_form: dict[int, dict[str, int]] = defaultdict(lambda: {"given": 0, "withdrawn": 0})
    for row in rows:
        per_form[row["form_id"]][row["status"]] += row["n"]
    forms = ConsentForm.objects.in_bulk(list(per_form))
    counts = DatasetCounts()
    for form_id, by_status in sorted(
        per_form.items(), key=lambda item: (forms[item[0]].code, forms[item[0]].version)
    ):
        counts.by_form.append(FormCount(forms[form_id], **by_status))
        counts.given += by_status["given"]
        counts.withdrawn += by_status["withdrawn"]
    return counts


def withdrawals_by_month(
    dataset_ids: list[int] | None = None, *, months: int = 12, today: datetime.date | None = None
) -> list[tuple[datetime.date, int]]:
    """Withdrawals per calendar month for the last `months` months (oldest first, zeros kept)."""
    today = today or datetime.date.today()
    first = _month_start(today, back=months - 1)
    qs = ConsentRecord.objects.filter(status="withdrawn", withdrawn_on__gte=first)
    if dataset_ids is not None:
        qs = qs.filter(dataset_id__in=dataset_ids)
    counted = {
        _as_date(row["month"]): row["n"]
        for row in qs.annotate(month=TruncMonth("withdrawn_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    return [
        (month, counted.get(month, 0))
        for month in (_month_start(today, back=back) for back in range(months - 1, -1, -1))
    ]


def _month_start(day: datetime.date, *, back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# Figures for patient organisations (no pseudonyms, no small cells)


def public_count(n: int, *, rounded: bool = False) -> str:
    """A count as a patient organisation sees it.

    0 stays 0; 1 to 4 become "fewer than 5"; with `rounded`, larger counts are rounded to the
    nearest ten, so that a suppressed cell cannot be recovered by subtracting exact ones.
    """
    if n == 0:
        return "0"
    if n < SMALL_COUNT:
        return _("fewer than %(n)s") % {"n": SMALL_COUNT}
    if rounded:
        return _("about %(n)s") % {"n": max(ROUND_TO, round(n / ROUND_TO) * ROUND_TO)}
    return str(n)


@dataclass
class PublicDatasetFigures:
    dataset_id: int
    title: str
    custodian: str
    given: str
    withdrawn: str
    by_form: list[tuple[str, str]]


def public_figures() -> list[PublicDatasetFigures]:
    """Per dataset with records: consenting subjects (rounded), withdrawals (small ones hidden),
    and subjects per form version (rounded). Two queries whatever the number of datasets."""
    rows = (
        ConsentRecord.objects.values("dataset_id", "form_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_dataset: dict[int, dict] = defaultdict(
        lambda: {"given": 0, "withdrawn": 0, "forms": defaultdict(int)}
    )
    for row in rows:
        entry = per_dataset[row["dataset_id"]]
        entry[row["status"]] += row["n"]
        entry["forms"][row["form_id"]] += row["n"]
    datasets = Dataset.objects.filter(pk__in=list(per_dataset)).select_related("custodian")
    form_ids = {form_id for entry in per_dataset.values() for form_id in entry["forms"]}
    forms = ConsentForm.objects.in_bulk(list(form_ids))
    figures = []
    for dataset in sorted(datasets, key=lambda d: d.title):
        entry = per_dataset[dataset.pk]
        figures.append(
            PublicDatasetFigures(
                dataset_id=dataset.pk,
                title=dataset.title,
                custodian=dataset.custodian.name,
                given=public_count(entry["given"], rounded=True),
                withdrawn=public_count(entry["withdrawn"]),
                by_form=[
                    (str(forms[form_id]), public_count(n, rounded=True))
                    for form_id, n in sorted(entry["forms"].items())
                ],
            )
        )
    return figures


def public_withdrawals_by_quarter(
    *, quarters: int = 8, today: datetime.date | None = None
) -> list[tuple[str, int, str]]:
    """Withdrawals in all datasets together per quarter: (label, value for the chart, shown).

    Small quarters are drawn as 0 and labelled "fewer than 5"."""
    today = today or datetime.date.today()
    # Enough months to cover the current quarter and the `quarters - 1` before it.
    months = withdrawals_by_month(months=quarters * 3 + 2, today=today)
    per_quarter: dict[tuple[int, int], int] = {}
    for month, n in months:
        key = (month.year, (month.month - 1) // 3 + 1)
        per_quarter[key] = per_quarter.get(key, 0) + n
    result = []
    for (year, quarter), total in sorted(per_quarter.items())[-quarters:]:
        shown = public_count(total)
        result.append((f"{year} Q{quarter}", total if total >= SMALL_COUNT else 0, shown))
    return result
