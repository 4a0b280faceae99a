"""Reads about calls and proposals. `*_for(person, pk)` raise Http404 for what one may not see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.models import User
from governance.accounts.roles import Role
from governance.accounts.selectors import has_role, is_portal_staff
from governance.calls import rules
from governance.calls.evaluation import MissingReviews, evaluation
from governance.calls.models import (
    Attachment,
    Call,
    Decision,
    OnboardingItem,
    Proposal,
    Question,
    Subscription,
    Track,
)

# Calls


def published_calls() -> QuerySet[Call]:
    return Call.objects.filter(is_published=True)


def calls_visible_to(person) -> QuerySet[Call]:
    if is_portal_staff(person):
        return Call.objects.all()
    if has_role(person, Role.CALL_CHAIR):
        chairs = Call.chairs.through.objects.filter(call_id=OuterRef("pk"))
        return Call.objects.filter(
            Q(is_published=True) | Q(chairs=person) | ~Exists(chairs)
        ).distinct()
    return published_calls()


def calls_by_phase(person, now=None) -> dict[str, list[Call]]:
    """Open calls (soonest deadline first), upcoming ones, and past ones (newest first)."""
    now = now or timezone.now()
    calls = calls_visible_to(person).prefetch_related("tracks")
    return {
        "open": list(calls.filter(opens_at__lte=now, deadline__gte=now).order_by("deadline")),
        "upcoming": list(calls.filter(opens_at__gt=now).order_by("opens_at")),
        "past": list(calls.filter(deadline__lt=now).order_by("-deadline")),
    }


def call_for(person, pk: int) -> Call:
    call = (
        calls_visible_to(person)
        .prefetch_related(
            Prefetch("tracks", queryset=Track.objects.prefetch_related("questions")), "criteria"
        )
        .filter(pk=pk)
        .first()
    )
    if call is None:
        raise Http404(_("No such call."))
    return call


def chaired_call_for(person, pk: int) -> Call:
    """The call, if the person may chair it; 404 otherwise (to others it is just a page)."""
    call = Call.objects.prefetch_related("tracks", "criteria").filter(pk=pk).first()
    if call is None or not rules.may_chair(person, call):
        raise Http404(_("No such call."))
    return call


def calls_chaired_by(person) -> QuerySet[Call]:
    if is_portal_staff(person):
        return Call.objects.all()
    if not has_role(person, Role.CALL_CHAIR):
        return Call.objects.none()
    chairs = Call.chairs.through.objects.filter(call_id=OuterRef("pk"))
    return Call.objects.filter(Q(chairs=person) | ~Exists(chairs)).distinct()


# Proposals


def proposals_visible_to(person) -> QuerySet[Proposal]:
    """Applicants: their organisations' proposals. Chairs: non-draft proposals of their calls.
    Evaluators: proposals assigned to them and not blocked by a conflict. Staff: every one."""
    qs = Proposal.objects.all()
    if person is None or not person.is_authenticated:
        return qs.none()
    if is_portal_staff(person):
        return qs
    condition = Q(organisation_id__in=rules.applicant_organisation_ids(person)) | Q(
        created_by=person
    )
    if has_role(person, Role.CALL_CHAIR):
        condition |= Q(call__in=calls_chaired_by(person).values("pk")) & ~Q(
            state=Proposal.State.DRAFT
        )
    if has_role(person, Role.EVALUATOR):
        condition |= evaluation().assigned_to(person) & ~Q(state=Proposal.State.DRAFT)
    return qs.filter(condition)


def with_listing_details(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related("call", "track", "organisation")


def proposal_for(person, pk: int) -> Proposal:
    proposal = with_listing_details(proposals_visible_to(person)).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("No such proposal."))
    # Seen only as an evaluator: a conflict, declared or evident, hides it.
    if (
        not is_portal_staff(person)
        and not rules.is_applicant_of(person, proposal)
        and not rules.may_chair(person, proposal.call)
        and evaluation().conflict_reason(person, proposal) is not None
    ):
        raise Http404(_("No such proposal."))
    return proposal


def own_proposal_for(person, pk: int) -> Proposal:
    """A proposal of one of the person's applicant organisations, or one they wrote (drafting,
    submitting, onboarding)."""
    proposal = (
        with_listing_details(Proposal.objects.all())
        .filter(
            Q(organisation_id__in=rules.applicant_organisation_ids(person)) | Q(created_by=person),
            pk=pk,
        )
        .first()
    )
    if proposal is None:
        raise Http404(_("No such proposal."))
    return proposal


def attachments_of(proposal: Proposal) -> list[Attachment]:
    return list(proposal.attachments.filter(onboarding_item__isnull=True))


def attachment_for(person, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("proposal").filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("No such file."))
    proposal = proposal_for(person, attachment.proposal_id)
    if (
        attachment.onboarding_item_id is None
        and proposal.is_frozen
        and not (rules.is_applicant_of(person, proposal))
    ):
        # Evaluators and chairs read only the files frozen into the submission.
        hashes = {item["id"]: item["sha256"] for item in proposal.snapshot.get("attachments", [])}
        if hashes.get(attachment.pk) != attachment.sha256:
            raise Http404(_("No such file."))
    return attachment


def questions_of(proposal: Proposal) -> list[Question]:
    return list(proposal.track.questions.all())


def current_decision(proposal: Proposal) -> Decision | None:
    return proposal.decisions.exclude(stage=Decision.Stage.DISCARDED).first()


def released_decision(proposal: Proposal) -> Decision | None:
    return proposal.decisions.filter(stage=Decision.Stage.RELEASED).first()


def onboarding_items(proposal: Proposal) -> list[OnboardingItem]:
    return list(
        proposal.onboarding_items.prefetch_related("attachments").select_related("reviewed_by")
    )


def onboarding_waiting_for_staff() -> QuerySet[OnboardingItem]:
    return OnboardingItem.objects.filter(state=OnboardingItem.State.SUBMITTED).select_related(
        "proposal", "proposal__organisation"
    )


# Decisions of a call


def decisions_of(call: Call) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(proposal__call=call)
        .exclude(stage=Decision.Stage.DISCARDED)
        .select_related("proposal", "proposal__organisation", "decided_by", "reviewed_by")
        .order_by("stage", "proposal__title")
    )


def missing_reviews(proposal: Proposal) -> MissingReviews:
    """The reviews a decision on the proposal would be taken without (the reviews app counts)."""
    return evaluation().missing_reviews(proposal)


def decisions_to_release(call: Call) -> QuerySet[Decision]:
    """The reviewed decisions a release sends out, together."""
    return (
        Decision.objects.filter(proposal__call=call, stage=Decision.Stage.REVIEWED)
        .select_related("proposal", "proposal__organisation")
        .order_by("pk")
    )


def letter_recipients(proposal: Proposal) -> list[User]:
    """Who is emailed a proposal's decision letter: every applicant of its organisation."""
    return list(
        User.objects.filter(
            memberships__organisation_id=proposal.organisation_id,
            memberships__role=Role.APPLICANT,
        )
        .distinct()
        .order_by("email")
    )


@dataclass(frozen=True)
class ReleaseLine:
    decision: Decision
    recipients: list[User]


def release_preview(call: Call) -> list[ReleaseLine]:
    """What releasing now would do: each decision and whom its letter goes to."""
    return [
        ReleaseLine(decision, letter_recipients(decision.proposal))
        for decision in decisions_to_release(call)
    ]


def decidable_proposals(call: Call) -> QuerySet[Proposal]:
    pending = Decision.objects.filter(
        proposal_id=OuterRef("pk"), stage__in=[Decision.Stage.STAGED, Decision.Stage.REVIEWED]
    )
    return (
        with_listing_details(call.proposals.all())
        .filter(state__in=[Proposal.State.UNDER_REVIEW, Proposal.State.WAITLISTED])
        .annotate(has_pending=Exists(pending))
        .order_by("title")
    )


# Subscriptions


def subscription_by_token(token: str) -> Subscription:
    subscription = Subscription.objects.filter(token=token).select_related("call").first()
    if subscription is None:
        raise Http404(_("This link is not valid (any more)."))
    return subscription


# Reporting


@dataclass
class CallReport:
    by_track: list[tuple[str, int]]
    by_state: list[tuple[str, int]]
    by_country: list[tuple[str, int, bool]]  # country name, count, under-represented
    score_bins: list[tuple[str, int]]
    total: int  # submitted proposals (every state but draft): what every chart adds up to
    drafts: int = 0  # not yet submitted: counted here only, in no chart (chairs see no drafts)


def call_report(call: Call) -> CallReport:
    from django_countries import countries

    submitted = call.proposals.exclude(state=Proposal.State.DRAFT)
    by_track = Counter(
        dict(
            submitted.values_list("track__kind")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("track__kind", "n")
        )
    )
    track_labels = dict(Track.Kind.choices)
    states = dict(
        call.proposals.values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("state", "n")
    )
    drafts = states.pop(Proposal.State.DRAFT, 0)
    per_country = dict(
        submitted.values_list("organisation__country")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organisation__country", "n")
    )
    total = sum(states.values())
    eligible = list(call.eligible_countries)
    # A country counts as under-represented below a third of the mean per eligible country.
    mean = total / len(eligible) if eligible else 0
    rows = [
        (str(countries.name(code) or code), per_country.get(code, 0), code)
        for code in set(eligible) | set(per_country)
    ]
    with_proposals = sorted((r for r in rows if r[1]), key=lambda r: (-r[1], r[0]))
    without = sorted(r for r in rows if not r[1] and r[2] in eligible)
    by_country = [(name, n, n < mean / 3 or n == 0) for name, n, _c in with_proposals]
    by_country += [(name, 0, True) for name, _n, _c in without]
    totals = evaluation().submitted_totals(call)
    bins: list[tuple[str, int]] = []
    for low in range(call.scale_min, call.scale_max):
        high = low + 1
        count = sum(
            1
            for t in totals
            if (t is not None and low <= t < high) or (high == call.scale_max and t == high)
        )
        bins.append((f"{low} to {high}", count))
    return CallReport(
        by_track=[(str(track_labels[k]), n) for k, n in sorted(by_track.items())],
        by_state=[
            (str(label), states.get(value, 0))
            for value, label in Proposal.State.choices
            if states.get(value)
        ],
        by_country=by_country,
        score_bins=bins,
        total=total,
        drafts=drafts,
    )
