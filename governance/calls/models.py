"""Open calls, their tracks, forms and rubrics; proposals, attachments, decisions, onboarding,
subscriptions. The evaluation of proposals (conflicts, assignments, reviews, scores) is the
`reviews` app's, which calls reaches only through `calls.evaluation`.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.accounts.models import Organisation
from governance.accounts.roles import ProviderType
from governance.core.transitions import StateMachine

# The EU member states plus the countries associated to Horizon Europe (2025 list).
EU_COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
ASSOCIATED_COUNTRIES = [
    "AL",
    "AM",
    "BA",
    "CA",
    "CH",
    "FO",
    "GE",
    "GB",
    "IL",
    "IS",
    "KR",
    "MD",
    "ME",
    "MK",
    "NO",
    "NZ",
    "RS",
    "TN",
    "TR",
    "UA",
    "XK",
]
DEFAULT_ELIGIBLE_COUNTRIES = sorted(EU_COUNTRIES + ASSOCIATED_COUNTRIES)


def _default_countries() -> list[str]:
    return list(DEFAULT_ELIGIBLE_COUNTRIES)


class Call(models.Model):
    """An open call for new beneficiaries. Its phase (upcoming, open, closed) follows the clock."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=400)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown; links, lists and emphasis are kept.")
    )
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished calls are seen by chairs only.")
    )
    eligible_countries = models.JSONField(_("eligible countries"), default=_default_countries)
    # {language: {field: text}} for TRANSLATABLE (governance.core.translations)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    evaluators_per_proposal = models.PositiveSmallIntegerField(
        _("evaluators per proposal"), default=2, validators=[MinValueValidator(1)]
    )
    conflict_same_country = models.BooleanField(
        _("an evaluator from the applicant's country is in conflict"), default=False
    )
    hide_scores_until_submitted = models.BooleanField(
        _("hide other evaluators' scores until one's own review is submitted"), default=True
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    chairs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="chaired_calls", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-deadline"]

    TRANSLATABLE = ("title", "summary", "description")

    def __str__(self) -> str:
        return self.title

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        if now <= self.deadline:
            return "open"
        return "closed"

    def is_open(self, now=None) -> bool:
        return self.phase(now) == "open"

    @property
    def disagreement_threshold(self) -> Decimal:
        """Evaluators whose totals differ by more than 30% of the scale disagree."""
        return Decimal(self.scale_max - self.scale_min) * Decimal("0.3")


class Track(models.Model):
    class Kind(models.TextChoices):
        DATA_HOLDER = "data_holder", _("Data holder")
        AI_INNOVATOR = "ai_innovator", _("AI innovator")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="tracks")
    kind = models.CharField(_("track"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("who may apply"), blank=True)
    provider_types = models.JSONField(
        _("eligible organisation types"),
        default=list,
        blank=True,
        help_text=_("Empty: every type of organisation may apply."),
    )

    class Meta:
        ordering = ["call", "kind"]
        constraints = [models.UniqueConstraint(fields=["call", "kind"], name="track_once_per_call")]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def provider_type_labels(self) -> list[str]:
        return [str(ProviderType(value).label) for value in self.provider_types]


class Question(models.Model):
    """One typed question of a track's form. Answers are stored by `key` in the proposal."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        NUMBER = "number", _("Number")
        COUNTRY = "country", _("Country")
        FILE = "file", _("File upload")
        YES_NO = "yes_no", _("Yes or no")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    required = models.BooleanField(default=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    allowed_types = models.JSONField(
        default=list, blank=True, help_text=_("For files: pdf, png, jpeg, docx, xlsx.")
    )
    max_size_mb = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["track", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["track", "key"], name="question_key_once_per_track")
        ]

    def __str__(self) -> str:
        return self.label


class Criterion(models.Model):
    """A rubric criterion: evaluators score it on the call's scale; its weight counts in totals."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ONBOARDING = "onboarding", _("Onboarding")
        ONBOARDED = "onboarded", _("Onboarded")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="proposals")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="proposals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    # What evaluators read: the answers and attachment hashes as submitted.
    snapshot = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.state != self.State.DRAFT


# SPEC §4 "Proposal". Withdrawal is open until a decision, so also while under review.
PROPOSAL_MACHINE = StateMachine(
    "proposal",
    (
        "draft",
        "submitted",
        "under_review",
        "accepted",
        "rejected",
        "waitlisted",
        "withdrawn",
        "onboarding",
        "onboarded",
    ),
    {
        "submit": (["draft"], "submitted"),
        "start_review": (["submitted"], "under_review"),
        "accept": (["under_review", "waitlisted"], "accepted"),
        "reject": (["under_review", "waitlisted"], "rejected"),
        "waitlist": (["under_review"], "waitlisted"),
        "withdraw": (["draft", "submitted", "under_review"], "withdrawn"),
        "start_onboarding": (["accepted"], "onboarding"),
        "complete_onboarding": (["onboarding"], "onboarded"),
    },
    noun=pgettext_lazy("after “the status of”", "this proposal"),
    state_labels=dict(Proposal.State.choices),
    action_labels={
        "submit": pgettext_lazy("action", "Submit"),
        "start_review": pgettext_lazy("action", "Start the review"),
        "accept": pgettext_lazy("action", "Accept"),
        "reject": pgettext_lazy("action", "Reject"),
        "waitlist": pgettext_lazy("action", "Put on the waiting list"),
        "withdraw": pgettext_lazy("action", "Withdraw"),
        "start_onboarding": pgettext_lazy("action", "Start onboarding"),
        "complete_onboarding": pgettext_lazy("action", "Complete onboarding"),
    },
)


def attachment_path(instance: Attachment, filename: str) -> str:
    # The name on disk is random; the person's file name is kept only in the row.
    return f"calls/proposals/{instance.proposal_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded file, checked by content, kept under MEDIA_ROOT and served by a view."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    question_key = models.SlugField(max_length=50, blank=True)
    onboarding_item = models.ForeignKey(
        "OnboardingItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Decision(models.Model):
    """A chair's decision on a proposal: staged, reviewed by a chair, released with the others."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        REJECT = "reject", _("Reject")
        WAITLIST = "waitlist", _("Waitlist")

    class Stage(models.TextChoices):
        STAGED = "staged", _("Staged")
        REVIEWED = "reviewed", _("Reviewed")
        RELEASED = "released", _("Released")
        DISCARDED = "discarded", _("Discarded")

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason for the applicant"))
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.STAGED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    letter = models.FileField(upload_to="calls/letters/", blank=True, max_length=200)
    letter_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            # At most one pending (staged or reviewed) decision per proposal.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(stage__in=["staged", "reviewed"]),
                name="decision_one_pending_per_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.proposal}"


DECISION_MACHINE = StateMachine(
    "decision",
    ("staged", "reviewed", "released", "discarded"),
    {
        "review": (["staged"], "reviewed"),
        "release": (["reviewed"], "released"),
        "discard": (["staged", "reviewed"], "discarded"),
    },
    noun=pgettext_lazy("after “the status of”", "this decision"),
    state_labels=dict(Decision.Stage.choices),
    action_labels={
        "review": pgettext_lazy("action", "Mark as reviewed"),
        "release": pgettext_lazy("action", "Release to the applicant"),
        "discard": pgettext_lazy("action", "Discard"),
    },
)


class OnboardingItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("To do")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="onboarding_items"
    )
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=400, blank=True)
    required = models.BooleanField(default=True)
    needs_evidence = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    statement = models.TextField(blank=True)
    review_note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "key"], name="onboarding_item_once")
        ]

    def __str__(self) -> str:
        return self.label


ONBOARDING_ITEM_MACHINE = StateMachine(
    "onboarding_item",
    ("pending", "submitted", "approved", "returned"),
    {
        "submit": (["pending", "returned"], "submitted"),
        "approve": (["submitted"], "approved"),
        "return": (["submitted"], "returned"),
    },
    noun=pgettext_lazy("after “the status of”", "this onboarding item"),
    state_labels=dict(OnboardingItem.State.choices),
    action_labels={
        "submit": pgettext_lazy("action", "Submit"),
        "approve": pgettext_lazy("action", "Approve"),
        "return": pgettext_lazy("action", "Return for changes"),
    },
)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    """A visitor's wish to be told when calls open and when deadlines near (double opt-in)."""

    email = models.EmailField()
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class CallNotice(models.Model):
    """One notice sent to one subscription: the unique constraint sends each notice once."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Call opened")
        DEADLINE_NEAR = "deadline_near", _("Deadline near")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="notices")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "subscription", "kind"], name="call_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.call_id} → {self.subscription_id}"
