"""The evaluation of proposals: evaluators' conflicts of interest, their assignments, their
reviews and the scores against the call's criteria; and the review's lifecycle.

The tables were created by the calls app and keep their names (`calls_review`, ...): the models
moved here in state only (calls 0002, reviews 0001), the rows stayed where they were.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.accounts.models import Organisation
from governance.calls.models import Criterion, Proposal
from governance.core.transitions import StateMachine


class ConflictOfInterest(models.Model):
    """An evaluator's declared conflict with an organisation or with one proposal."""

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="conflicts"
    )
    reason = models.CharField(max_length=500)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "calls_conflictofinterest"
        ordering = ["-declared_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(proposal__isnull=False),
                name="conflict_names_organisation_or_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator}: {self.organisation or self.proposal}"


class Assignment(models.Model):
    class Method(models.TextChoices):
        MANUAL = "manual", _("By hand")
        AUTOMATIC = "automatic", _("Automatic")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    # A conflict declared after assignment blocks it: the evaluator loses access at once.
    blocked_at = models.DateTimeField(null=True, blank=True)
    blocked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "calls_assignment"
        ordering = ["proposal", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "evaluator"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.proposal}"

    @property
    def is_active(self) -> bool:
        return self.blocked_at is None


class Review(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    comment = models.TextField(blank=True)
    # Weighted mean of the scores on the call's scale, set when submitted (for ranking in SQL).
    weighted_total = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "calls_review"
        ordering = ["proposal", "pk"]
        # The name the index was created with in calls (the table keeps its name too).
        indexes = [
            models.Index(fields=["proposal", "state"], name="calls_revie_proposa_d4e3d1_idx")
        ]

    def __str__(self) -> str:
        return f"Review by {self.evaluator} of {self.proposal}"


REVIEW_MACHINE = StateMachine(
    "review",
    ("draft", "submitted"),
    {"submit": (["draft"], "submitted")},
    noun=pgettext_lazy("after “the status of”", "this review"),
    state_labels=dict(Review.State.choices),
    action_labels={"submit": pgettext_lazy("action", "Submit")},
)


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    comment = models.TextField(blank=True)

    class Meta:
        db_table = "calls_score"
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
