"""The evaluation's models moved from calls to reviews in state only: a database that holds
conflicts, assignments, reviews and scores keeps every row, read through the reviews models."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.reviews.models import Assignment, ConflictOfInterest, Review

# The calls migration that gives the models up (reviews 0001 takes them over).
MOVE = ("calls", "0003_move_review_models")
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _migrate(targets):
    """Migrate to the targets; the project state of every migration then applied."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets)


def _before_the_move():
    graph = MigrationExecutor(connection).loader.graph
    return [parent.key for parent in graph.node_map[MOVE].parents if parent.key[0] == "calls"]


def _populate(apps) -> dict[str, int]:
    User = apps.get_model("accounts", "User")
    Organisation = apps.get_model("accounts", "Organisation")
    Call = apps.get_model("calls", "Call")
    Track = apps.get_model("calls", "Track")
    Criterion = apps.get_model("calls", "Criterion")
    Proposal = apps.get_model("calls", "Proposal")
    OldConflict = apps.get_model("calls", "ConflictOfInterest")
    OldAssignment = apps.get_model("calls", "Assignment")
    OldReview = apps.get_model("calls", "Review")
    OldScore = apps.get_model("calls", "Score")

    applicant = User.objects.create(email="applicant@example.org")
    evaluator = User.objects.create(email="evaluator@example.org")
    chair = User.objects.create(email="chair@example.org")
    organisation = Organisation.objects.create(name="La Fe", country="ES", provider_type="hospital")
    call = Call.objects.create(
        title="Open call", summary="Join.", opens_at=WHEN, deadline=WHEN, eligible_countries=[]
    )
    track = Track.objects.create(call=call, kind="data_holder")
    quality = Criterion.objects.create(call=call, name="Quality", weight=Decimal("2"))
    proposal = Proposal.objects.create(
        call=call,
        track=track,
        organisation=organisation,
        created_by=applicant,
        title="Breast MRI",
        state="under_review",
    )
    conflict = OldConflict.objects.create(
        evaluator=chair, organisation=organisation, reason="Joint projects", declared_at=WHEN
    )
    assignment = OldAssignment.objects.create(
        proposal=proposal, evaluator=evaluator, method="automatic", assigned_by=chair
    )
    review = OldReview.objects.create(
        assignment=assignment,
        proposal=proposal,
        evaluator=evaluator,
        state="submitted",
        comment="Solid.",
        weighted_total=Decimal("4.000"),
        submitted_at=WHEN,
    )
    OldScore.objects.create(review=review, criterion=quality, value=4, comment="Good")
    return {
        "conflict": conflict.pk,
        "assignment": assignment.pk,
        "review": review.pk,
        "proposal": proposal.pk,
        "evaluator": evaluator.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_keeps_the_evaluation_rows():
    before = _before_the_move()
    ids = _populate(_migrate(before).apps)
    review_type = ContentType.objects.filter(app_label="calls", model="review").first()

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    conflict = ConflictOfInterest.objects.get(pk=ids["conflict"])
    assert (conflict.reason, conflict.organisation.name) == ("Joint projects", "La Fe")
    assignment = Assignment.objects.select_related("review").get(pk=ids["assignment"])
    assert assignment.proposal_id == ids["proposal"] and assignment.is_active
    review = Review.objects.get(pk=ids["review"])
    assert review == assignment.review
    assert (review.state, review.weighted_total, review.evaluator_id) == (
        Review.State.SUBMITTED,
        Decimal("4.000"),
        ids["evaluator"],
    )
    assert [(s.criterion.name, s.value, s.comment) for s in review.scores.all()] == [
        ("Quality", 4, "Good")
    ]
    # The rows are read from the tables calls made; the content type moved with the model.
    assert Review._meta.db_table == "calls_review"
    assert review_type is not None
    assert ContentType.objects.get_for_model(Review).pk == review_type.pk
    assert not ContentType.objects.filter(app_label="calls", model="review").exists()
