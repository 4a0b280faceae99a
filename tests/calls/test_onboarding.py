import pytest

from governance.calls import services
from governance.calls.models import OnboardingItem
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from tests.calls.factories import make_under_review, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(call, applicant, chair, evaluator1):
    proposal = make_under_review(call, applicant, chair, [evaluator1])
    decision = services.decision_stage(
        actor=chair, proposal=proposal, outcome="accept", reason="Good"
    )
    services.decision_review(actor=chair, decision=decision)
    services.decisions_release(actor=chair, call=call)
    proposal.refresh_from_db()
    return proposal


def _items(proposal):
    return {item.key: item for item in OnboardingItem.objects.filter(proposal=proposal)}


def test_onboarding_checklist_for_data_holders(accepted):
    assert list(_items(accepted)) == [
        "legal_entity",
        "dpo_contact",
        "ethics_approval",
        "warehouse_readiness",
        "dicom_conformance",
        "network_test",
        "statement_drafted",
    ]


def test_onboarding_first_item_starts_onboarding(accepted, applicant):
    services.onboarding_submit(
        actor=applicant, item=_items(accepted)["dpo_contact"], statement="dpo@lafe.example"
    )

    accepted.refresh_from_db()
    assert accepted.state == "onboarding"


def test_onboarding_evidence_required_where_asked(accepted, applicant):
    with pytest.raises(PortalError, match="Upload the evidence"):
        services.onboarding_submit(
            actor=applicant, item=_items(accepted)["ethics_approval"], statement="Approved"
        )


def test_onboarding_all_approved_makes_onboarded(accepted, applicant, staff):
    for item in _items(accepted).values():
        evidence = upload("evidence.pdf", pdf_bytes()) if item.needs_evidence else None
        services.onboarding_submit(actor=applicant, item=item, statement="Done", upload=evidence)
    items = list(_items(accepted).values())
    for item in items[:-1]:
        services.onboarding_review(actor=staff, item=item, approve=True)
    accepted.refresh_from_db()
    assert accepted.state == "onboarding"

    services.onboarding_review(actor=staff, item=items[-1], approve=True)

    accepted.refresh_from_db()
    assert accepted.state == "onboarded"


def test_onboarding_returned_item_can_be_sent_again(accepted, applicant, staff):
    item = (
        _items(accepted)["team"] if "team" in _items(accepted) else _items(accepted)["dpo_contact"]
    )
    services.onboarding_submit(actor=applicant, item=item, statement="x")
    services.onboarding_review(actor=staff, item=item, approve=False, note="Give an email address")

    item = services.onboarding_submit(actor=applicant, item=item, statement="dpo@lafe.example")

    assert item.state == "submitted"


def test_onboarding_review_by_non_staff_refused(accepted, applicant, chair):
    item = services.onboarding_submit(
        actor=applicant, item=_items(accepted)["dpo_contact"], statement="x"
    )

    with pytest.raises(NotPermitted):
        services.onboarding_review(actor=chair, item=item, approve=True)


def test_onboarding_approve_unsubmitted_refused(accepted, staff):
    with pytest.raises(InvalidTransition):
        services.onboarding_review(actor=staff, item=_items(accepted)["dpo_contact"], approve=True)
