"""Reads of access committees and requests.

`request_for(person, pk)` and friends raise Http404 for what the person may not see, so ids
leak nothing. A committee member's view of a request holds only their committee's datasets.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from governance.access.models import (
    AccessRequest,
    Committee,
    CommitteeMember,
    RequestComment,
    RequestedDataset,
    RequestVersion,
    Vote,
)
from governance.access.rules import chaired_committee_ids_of, committee_ids_of, conflict_reason
from governance.accounts.selectors import is_portal_staff
from governance.catalogue.duo import (
    Compatibility,
    DiseaseTree,
    DuoVocabulary,
    ResearchPurpose,
    check_compatibility,
)
from governance.catalogue.models import AvailabilityStatement, Dataset
from governance.catalogue.selectors import statements_with_details, use_conditions_of
from governance.core.permissions import may

OPEN_STATES = (AccessRequest.State.SUBMITTED, AccessRequest.State.UNDER_REVIEW)


# Committees


def committee_for(dataset: Dataset) -> Committee | None:
    """The dataset's responsible committee: the holder's own first, else a federation-wide one."""
    committees = list(Committee.objects.filter(datasets=dataset).order_by("name"))
    own = [c for c in committees if c.organisation_id == dataset.custodian_id]
    return (own or committees or [None])[0]  # type: ignore[list-item]


def committees_by_dataset(dataset_ids) -> dict[int, Committee]:
    """committee_for for many datasets in one query."""
    through = Committee.datasets.through
    rows = (
        through.objects.filter(dataset_id__in=list(dataset_ids))
        .select_related("committee", "dataset")
        .order_by("committee__name")
    )
    found: dict[int, Committee] = {}
    for row in rows:
        current = found.get(row.dataset_id)
        own = row.committee.organisation_id == row.dataset.custodian_id
        if current is None or (own and current.organisation_id != row.dataset.custodian_id):
            found[row.dataset_id] = row.committee
    return found


def datasets_without_committee() -> QuerySet[Dataset]:
    return Dataset.objects.filter(
        current_statement__isnull=False, committees__isnull=True
    ).order_by("title")


def committees_visible_to(person) -> QuerySet[Committee]:
    qs = Committee.objects.select_related("organisation")
    if is_portal_staff(person):
        return qs
    return qs.filter(pk__in=committee_ids_of(person))


def committee_for_person(person, pk: int) -> Committee:
    try:
        return committees_visible_to(person).get(pk=pk)
    except Committee.DoesNotExist:
        raise Http404("No such committee") from None


def committee_members(committee: Committee) -> QuerySet[CommitteeMember]:
    return committee.members.select_related("person").order_by("-is_chair", "person__email")


def member_emails(committee_ids) -> list[str]:
    return sorted(
        set(
            CommitteeMember.objects.filter(
                committee_id__in=list(committee_ids), person__is_active=True
            ).values_list("person__email", flat=True)
        )
    )


# Requests


def requests_visible_to(person) -> QuerySet[AccessRequest]:
    """Staff: all; a researcher: their own; a committee member: submitted ones naming a dataset
    of their committee."""
    qs = AccessRequest.objects.all()
    if is_portal_staff(person):
        return qs
    if person is None or not person.is_authenticated:
        return qs.none()
    committees = committee_ids_of(person)
    condition = Q(researcher=person)
    if committees:
        touches = RequestedDataset.objects.filter(
            request_id=OuterRef("pk"), committee_id__in=committees
        )
        condition |= Q(Exists(touches)) & ~Q(state=AccessRequest.State.DRAFT)
    return qs.filter(condition)


def with_list_details(qs: QuerySet[AccessRequest]) -> QuerySet[AccessRequest]:
    return qs.select_related("researcher", "organisation", "purpose", "disease").prefetch_related(
        Prefetch(
            "items",
            queryset=RequestedDataset.objects.select_related(
                "dataset", "access_condition", "committee"
            ).order_by("pk"),
        )
    )


def request_for(person, pk: int) -> AccessRequest:
    try:
        return with_list_details(requests_visible_to(person)).get(pk=pk)
    except AccessRequest.DoesNotExist:
        raise Http404("No such access request") from None


def own_request_for(person, pk: int) -> AccessRequest:
    """The researcher's own request (for editing, submitting, withdrawing): 404 for those who
    may not see it, 403 for those who see it (staff) but did not write it."""
    access_request = request_for(person, pk)
    if not may(person, "access.change_request", access_request):
        raise PermissionDenied(
            _("Only the researcher who wrote this request may change, submit or withdraw it.")
        )
    return access_request


def sees_whole_request(person, request: AccessRequest) -> bool:
    return is_portal_staff(person) or request.researcher_id == getattr(person, "pk", None)


def items_visible_to(person, request: AccessRequest) -> list[RequestedDataset]:
    """The request's datasets the person may see: all for its researcher and staff, else only
    those of the person's committees."""
    items = list(request.items.all())
    if sees_whole_request(person, request):
        return items
    committees = committee_ids_of(person)
    return [item for item in items if item.committee_id in committees]


def item_for(person, request: AccessRequest, item_pk: int) -> RequestedDataset:
    for item in items_visible_to(person, request):
        if item.pk == item_pk:
            return item
    raise Http404("No such dataset in this request")


# Compatibility


def purpose_of(request: AccessRequest) -> ResearchPurpose:
    return ResearchPurpose(
        permission=request.purpose_id,
        disease=request.disease_id or "",
        commercial=request.commercial,
        for_profit=request.for_profit,
        method_development=request.method_development,
        genetic_study=request.genetic_study,
    )


@dataclass
class ItemReview:
    """One requested dataset as shown to the researcher and the committee."""

    item: RequestedDataset
    compatibility: Compatibility
    committee: Committee | None
    statement_version: int | None
    offered_conditions: list[str]
    votes: list[Vote]
    my_vote: Vote | None = None
    can_act: bool = False
    is_chair: bool = False
    # A committee decides only what was submitted to it: a draft's datasets have no outcome yet.
    has_outcome: bool = True
    vote_form: Any = None
    decision_form: Any = None

    @property
    def needs_justification(self) -> bool:
        return not self.compatibility.compatible and not self.item.justification.strip()


NO_STATEMENT = Compatibility(
    False, ("The dataset has no published availability statement any more; it cannot be used.",)
)


def compatibility_of(request: AccessRequest, items: list[RequestedDataset]) -> dict[int, tuple]:
    """item id -> (Compatibility, statement) with the catalogue's own matching function."""
    vocabulary = DuoVocabulary.from_database()
    diseases = DiseaseTree.from_database()
    statement_ids = [item.dataset.current_statement_id for item in items]
    statements = {
        statement.pk: statement
        for statement in statements_with_details(
            AvailabilityStatement.objects.filter(pk__in=[pk for pk in statement_ids if pk])
        )
    }
    purpose = purpose_of(request)
    result = {}
    for item in items:
        statement = statements.get(item.dataset.current_statement_id)
        if statement is None:
            result[item.pk] = (NO_STATEMENT, None)
            continue
        conditions = use_conditions_of(statement)
        if not conditions.permission:
            result[item.pk] = (
                Compatibility(
                    False,
                    ("The dataset's statement names no data-use permission; ask its holder.",),
                ),
                statement,
            )
            continue
        result[item.pk] = (
            check_compatibility(purpose, conditions, vocabulary=vocabulary, diseases=diseases),
            statement,
        )
    return result


def item_reviews(person, request: AccessRequest) -> list[ItemReview]:
    items = items_visible_to(person, request)
    matches = compatibility_of(request, items)
    committees = committees_by_dataset(item.dataset_id for item in items)
    votes: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(item__in=items, version=request.version).select_related(
        "voter"
    ):
        votes.setdefault(vote.item_id, []).append(vote)
    mine = committee_ids_of(person)
    chaired = chaired_committee_ids_of(person)
    conflicted = bool(mine) and bool(conflict_reason(person, request.organisation))
    reviews = []
    for item in items:
        compatibility, statement = matches[item.pk]
        committee = item.committee or committees.get(item.dataset_id)
        item_votes = votes.get(item.pk, [])
        acting = (
            item.committee_id in mine
            and not conflicted
            and item.outcome == RequestedDataset.Outcome.PENDING
            and request.state in OPEN_STATES
        )
        reviews.append(
            ItemReview(
                item=item,
                compatibility=compatibility,
                committee=committee,
                statement_version=statement.version if statement else None,
                offered_conditions=[c.label for c in statement.access_conditions.all()]
                if statement
                else [],
                votes=item_votes,
                my_vote=next((v for v in item_votes if v.voter_id == person.pk), None),
                can_act=acting,
                is_chair=item.committee_id in chaired,
                has_outcome=request.submitted_at is not None,
            )
        )
    return reviews


# Comments and versions


def comments_visible_to(person, request: AccessRequest) -> QuerySet[RequestComment]:
    qs = request.comments.select_related("author", "committee")
    if is_portal_staff(person):
        return qs
    if request.researcher_id == person.pk and not (committee_ids_of(person)):
        return qs.filter(visibility=RequestComment.Visibility.RESEARCHER)
    return qs.filter(
        Q(visibility=RequestComment.Visibility.RESEARCHER)
        | Q(committee_id__in=committee_ids_of(person))
    )


def versions_of(request: AccessRequest) -> list[RequestVersion]:
    return list(request.versions.order_by("version"))


def snapshot_lines(snapshot: dict, dataset_ids: set[int] | None = None) -> list[str]:
    """A submitted version as lines of text, for a readable diff."""
    lines = [
        f"Title: {snapshot.get('title', '')}",
        f"Purpose: {snapshot.get('purpose', '')}"
        + (f" ({snapshot['disease']})" if snapshot.get("disease") else ""),
        f"Commercial: {'yes' if snapshot.get('commercial') else 'no'}",
        f"For-profit organisation: {'yes' if snapshot.get('for_profit') else 'no'}",
        f"Methods development: {'yes' if snapshot.get('method_development') else 'no'}",
        f"Genetic study: {'yes' if snapshot.get('genetic_study') else 'no'}",
        f"Period: {snapshot.get('starts_on', '')} to {snapshot.get('ends_on', '')}",
        f"Ethics approval: {snapshot.get('ethics_approval') or 'none'}",
        "Lay summary:",
        *[f"  {line}" for line in str(snapshot.get("lay_summary", "")).splitlines()],
        "Scientific abstract:",
        *[f"  {line}" for line in str(snapshot.get("scientific_abstract", "")).splitlines()],
        "Team:",
        *[
            f"  {member.get('name', '')}, {member.get('email', '')}, {member.get('role', '')}"
            for member in snapshot.get("team", [])
        ],
        "Datasets:",
    ]
    for item in snapshot.get("items", []):
        if dataset_ids is not None and item.get("dataset_id") not in dataset_ids:
            continue
        lines.append(f"  {item.get('dataset')} — {item.get('access_condition')}")
        if item.get("justification"):
            lines.append(f"    Justification: {item['justification']}")
    return lines


@dataclass
class VersionDiff:
    older: int
    newer: int
    lines: list[tuple[str, str]]  # (kind: "add" | "remove" | "context" | "hunk", text)


def version_diffs(person, request: AccessRequest) -> list[VersionDiff]:
    """What changed from each submitted version to the next (newest first)."""
    versions = versions_of(request)
    dataset_ids = (
        None
        if sees_whole_request(person, request)
        else {item.dataset_id for item in items_visible_to(person, request)}
    )
    diffs = []
    for older, newer in itertools.pairwise(versions):
        lines = []
        for line in difflib.unified_diff(
            snapshot_lines(older.snapshot, dataset_ids),
            snapshot_lines(newer.snapshot, dataset_ids),
            f"version {older.version}",
            f"version {newer.version}",
            lineterm="",
        ):
            if line.startswith(("---", "+++")):
                continue
            kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "context")
            lines.append((kind, line))
        diffs.append(VersionDiff(older.version, newer.version, lines))
    return list(reversed(diffs))


# Dashboards, reminders and the public register


def items_awaiting(person) -> QuerySet[RequestedDataset]:
    """Pending datasets of the person's committees in open requests that wait for them: a vote
    they have not cast on this version, or (chairs of chair-decides committees) a decision."""
    committees = committee_ids_of(person)
    if not committees:
        return RequestedDataset.objects.none()
    voted = Vote.objects.filter(
        item_id=OuterRef("pk"), voter=person, version=OuterRef("request__version")
    )
    chaired = chaired_committee_ids_of(person)
    return (
        RequestedDataset.objects.filter(
            committee_id__in=committees,
            outcome=RequestedDataset.Outcome.PENDING,
            request__state__in=OPEN_STATES,
        )
        .filter(
            Q(committee_id__in=chaired, committee__decision_rule=Committee.DecisionRule.CHAIR)
            | ~Q(Exists(voted))
        )
        .select_related("request", "request__organisation", "dataset", "committee")
        .order_by("request__submitted_at", "pk")
    )


def items_due_for_reminder(now: datetime.datetime) -> list[RequestedDataset]:
    """Pending items whose committee has not acted for `reminder_days` since the submission or
    the last reminder."""
    candidates = (
        RequestedDataset.objects.filter(
            outcome=RequestedDataset.Outcome.PENDING,
            request__state__in=OPEN_STATES,
            committee__isnull=False,
        )
        .select_related("request", "dataset", "committee")
        .order_by("committee_id", "pk")
    )
    due = []
    for item in candidates:
        since = max(filter(None, [item.request.submitted_at, item.reminded_at]))
        days = item.committee.reminder_days if item.committee else 0
        if now - since >= datetime.timedelta(days=days):
            due.append(item)
    return due


def public_register() -> QuerySet[AccessRequest]:
    """Approved requests whose researcher agreed to publish them, with their approved datasets."""
    return (
        AccessRequest.objects.filter(
            state=AccessRequest.State.APPROVED, public_register_consent=True
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=RequestedDataset.objects.filter(
                    outcome=RequestedDataset.Outcome.APPROVED
                ).select_related("dataset"),
                to_attr="approved_items",
            )
        )
        .order_by("-decided_at", "-pk")
    )


def requests_of(person) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(researcher=person).order_by("-created_at")
