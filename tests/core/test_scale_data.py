"""`manage.py generate_scale_data`: the stated counts, proportional to the scale, consistent data
and an audit chain that verify_audit accepts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from governance.access.models import AccessRequest, RequestedDataset, Vote
from governance.accounts.models import Organisation, User
from governance.agreements.models import Agreement, Grant
from governance.audit.models import AuditEvent
from governance.calls.models import Call, Proposal
from governance.catalogue.models import AvailabilityStatement, Dataset
from governance.consent.models import ConsentRecord, ConsentWithdrawal
from governance.core.management.commands.generate_scale_data import Command
from governance.core.scale import SCALE_PASSWORD, expected_counts, per_scale, problems
from governance.engagement.models import SurveyResponse
from governance.reviews.models import Review

pytestmark = pytest.mark.django_db

MODELS = {
    "organisations": Organisation,
    "people": User,
    "calls": Call,
    "proposals": Proposal,
    "reviews": Review,
    "datasets": Dataset,
    "statements": AvailabilityStatement,
    "consent_records": ConsentRecord,
    "consent_withdrawals": ConsentWithdrawal,
    "access_requests": AccessRequest,
    "requested_datasets": RequestedDataset,
    "votes": Vote,
    "agreements": Agreement,
    "grants": Grant,
    "survey_responses": SurveyResponse,
}


def table_counts() -> dict[str, int]:
    return {kind: model._default_manager.count() for kind, model in MODELS.items()}


def generate(scale: int) -> dict[str, int]:
    """Run the command; return how many rows of each kind it added."""
    before = table_counts()
    call_command("generate_scale_data", "--scale", str(scale), stdout=StringIO())
    return {kind: count - before[kind] for kind, count in table_counts().items()}


def test_scale_one_builds_the_stated_counts():
    added = generate(1)
    assert added == {kind: per_scale()[kind] for kind in MODELS}


def test_scale_two_doubles_every_count():
    assert generate(2) == {kind: 2 * count for kind, count in generate(1).items()}
    assert expected_counts(2)["proposals"] == 2 * per_scale()["proposals"]


def test_the_audit_chain_verifies_after_two_batches():
    generate(1)
    generate(1)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    submitted = AuditEvent.objects.filter(action="calls.proposal_submitted")
    assert submitted.count() == Proposal.objects.exclude(submitted_at=None).count()


def test_the_records_are_consistent():
    generate(1)
    assert problems() == []
    assert not Proposal.objects.exclude(call__in=Call.objects.all()).exists()
    assert not Proposal.objects.exclude(track__call=F("call")).exists()
    assert not Review.objects.exclude(proposal=F("assignment__proposal")).exists()
    # A decided access request has every committee member's vote on each of its datasets.
    decided = RequestedDataset.objects.exclude(outcome="pending")
    assert Vote.objects.count() == 4 * decided.count()
    assert not Grant.objects.exclude(agreement__state="in_force").exists()
    assert (
        not Dataset.objects.filter(current_statement__isnull=False)
        .exclude(current_statement__state="published")
        .exists()
    )


def test_an_inconsistent_state_is_reported():
    generate(1)
    Proposal.objects.filter(pk=Proposal.objects.first().pk).update(state="lost")
    assert problems() == ["1 Proposal rows in a state the proposal machine lacks"]


def test_a_review_of_a_draft_proposal_is_reported():
    generate(1)
    review = Review.objects.first()
    Proposal.objects.filter(pk=review.proposal_id).update(state="draft")
    assert problems() == ["a proposal not yet under review has reviews"]


def test_the_help_states_the_counts_of_one_unit():
    usage = Command().create_parser("manage.py", "generate_scale_data").format_help()
    assert "400 proposals" in " ".join(usage.split())


def test_generated_people_sign_in_with_the_stated_password():
    generate(1)
    person = User.objects.filter(email__startswith="researcher-").first()
    assert person.check_password(SCALE_PASSWORD)


def test_a_scale_below_one_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_scale_data", "--scale", "0", stdout=StringIO())
