"""Access committees and access requests (SPEC section 4 "Access request").

A request names one or more datasets (`RequestedDataset`); each dataset's committee answers its
part, so one request can be approved for one holder's dataset and rejected for another's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.transitions import StateMachine


class Committee(models.Model):
    """An access committee: a data holder's own, or federation-wide (no organisation)."""

    class DecisionRule(models.TextChoices):
        CHAIR = "chair", _("The chair decides")
        MAJORITY = "majority", _("Majority vote with quorum")

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("data holder"),
        help_text=_("Leave empty for a federation-wide committee."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    decision_rule = models.CharField(
        _("decision rule"), max_length=20, choices=DecisionRule.choices, default="chair"
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), default=2, help_text=_("Votes needed before a majority decision counts.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        default=7,
        help_text=_("Members are reminded of requests left without action this long."),
    )
    datasets = models.ManyToManyField(
        "catalogue.Dataset", related_name="committees", blank=True, verbose_name=_("datasets")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access committee")
        verbose_name_plural = _("access committees")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="committee_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.committee}"


class AccessRequest(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="access_requests"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    title = models.CharField(_("project title"), max_length=300)
    lay_summary = models.TextField(
        _("lay summary"), help_text=_("For the public register: plain words, no jargon.")
    )
    scientific_abstract = models.TextField(_("scientific abstract"))
    # The research purpose, coded with DUO: the purpose's class (DS, HMB, GRU, POA, ...).
    purpose = models.ForeignKey(
        "catalogue.DuoTerm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("research purpose (DUO)"),
    )
    disease = models.ForeignKey(
        "catalogue.CancerType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disease"),
        help_text=_("Required when the purpose is disease-specific research."),
    )
    commercial = models.BooleanField(_("commercial use"), default=False)
    for_profit = models.BooleanField(_("for-profit organisation"), default=False)
    method_development = models.BooleanField(
        _("develops methods (software, algorithms)"), default=False
    )
    genetic_study = models.BooleanField(_("genetic study"), default=False)
    starts_on = models.DateField(_("access from"))
    ends_on = models.DateField(_("access until"))
    team = models.JSONField(
        _("team members"),
        default=list,
        blank=True,
        help_text=_("Each member: name, email, role in the project."),
    )
    ethics_approval = models.FileField(
        _("ethics approval"), upload_to="access/ethics/%Y/", blank=True
    )
    public_register_consent = models.BooleanField(
        _("I agree that the title, lay summary, organisation and datasets are made public"),
        default=False,
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class RequestedDataset(models.Model):
    """One dataset in a request, answered by that dataset's committee."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    dataset = models.ForeignKey(
        "catalogue.Dataset", on_delete=models.PROTECT, related_name="requested_in"
    )
    access_condition = models.ForeignKey(
        "catalogue.AccessCondition",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("access wanted"),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_("Required when the purpose is not compatible with the dataset's conditions."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the committee was last reminded of this item.")
    )

    class Meta:
        verbose_name = _("requested dataset")
        verbose_name_plural = _("requested datasets")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "dataset", "access_condition"], name="requested_dataset_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.access_condition_id})"


class CommitteeConflict(models.Model):
    """A declared conflict of interest: the person may not vote or decide on the organisation's
    requests in any committee they sit on."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_conflicts"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="committee_conflict_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} / {self.organisation}"


class RequestVersion(models.Model):
    """What the researcher submitted, frozen: one row per submitted version, for diffs."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="request_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.request} v{self.version}"


class Vote(models.Model):
    """One committee member's vote on one requested dataset, for one version of the request."""

    class Choice(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    item = models.ForeignKey(RequestedDataset, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("reason"), blank=True)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cast_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "voter", "version"], name="vote_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter}: {self.choice} on {self.item}"


class RequestComment(models.Model):
    """A committee's comment on its part of a request: private, or shown to the researcher."""

    class Visibility(models.TextChoices):
        COMMITTEE = "committee", _("Committee only")
        RESEARCHER = "researcher", _("Also the researcher")

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="comments")
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    body = models.TextField(_("comment"))
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.COMMITTEE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.request}"


# SPEC section 4: draft -> submitted -> under_review -> returned -> submitted ... -> approved |
# rejected; withdrawn by the researcher before a decision.
REQUEST_MACHINE = StateMachine(
    "access_request",
    tuple(AccessRequest.State.values),
    {
        "submit": (["draft", "returned"], "submitted"),
        "start_review": (["submitted"], "under_review"),
        "return": (["submitted", "under_review"], "returned"),
        "approve": (["submitted", "under_review"], "approved"),
        "reject": (["submitted", "under_review"], "rejected"),
        "withdraw": (["draft", "submitted", "under_review", "returned"], "withdrawn"),
    },
    noun=pgettext_lazy("after “the status of”", "this access request"),
    state_labels=dict(AccessRequest.State.choices),
    action_labels={
        "submit": pgettext_lazy("action", "Submit"),
        "start_review": pgettext_lazy("action", "Start the review"),
        "return": pgettext_lazy("action", "Return for changes"),
        "approve": pgettext_lazy("action", "Approve"),
        "reject": pgettext_lazy("action", "Reject"),
        "withdraw": pgettext_lazy("action", "Withdraw"),
    },
)
