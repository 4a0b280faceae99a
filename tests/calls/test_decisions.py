import subprocess

import pytest

from governance.calls import services
from governance.calls.letters import letter_of, render_letter
from governance.calls.models import Decision, OnboardingItem, Proposal
from governance.core.errors import ConcurrentChange, InvalidTransition, NotPermitted, PortalError
from governance.notifications.models import OutboundEmail
from tests.calls.factories import make_draft, make_under_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(call, applicant, chair, evaluator1, evaluator2):
    return make_under_review(call, applicant, chair, [evaluator1, evaluator2])


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _release(chair, proposal, outcome="accept", reason="Strong data, ready warehouse."):
    decision = services.decision_stage(
        actor=chair, proposal=proposal, outcome=outcome, reason=reason
    )
    services.decision_review(actor=chair, decision=decision)
    services.decisions_release(actor=chair, call=proposal.call)
    decision.refresh_from_db()
    proposal.refresh_from_db()
    return decision


def test_decision_stage_does_not_change_the_proposal_yet(chair, proposal):
    decision = services.decision_stage(
        actor=chair, proposal=proposal, outcome="accept", reason="Good"
    )

    proposal.refresh_from_db()
    assert decision.stage == "staged"
    assert proposal.state == "under_review"


def test_decision_second_chair_told_of_concurrent_decision(chair, second_chair, proposal):
    proposal.call.chairs.add(second_chair)
    services.decision_stage(actor=chair, proposal=proposal, outcome="accept", reason="Good")

    with pytest.raises(ConcurrentChange, match="already staged “Accept”") as error:
        services.decision_stage(
            actor=second_chair, proposal=proposal, outcome="reject", reason="No"
        )

    assert error.value.code == "concurrent_change"
    assert error.value.status == 409
    assert Decision.objects.filter(proposal=proposal).count() == 1


def test_decision_by_someone_not_chairing_refused(proposal, evaluator1):
    with pytest.raises(NotPermitted):
        services.decision_stage(actor=evaluator1, proposal=proposal, outcome="accept", reason="x")


def test_decision_without_reason_refused(chair, proposal):
    with pytest.raises(PortalError, match="reason"):
        services.decision_stage(actor=chair, proposal=proposal, outcome="accept", reason=" ")


def test_decision_on_draft_refused(chair, call, applicant):
    draft = make_draft(call, applicant)

    refusal = "“Accept” is not possible: the status of this proposal is “Draft”"
    with pytest.raises(InvalidTransition, match=refusal):
        services.decision_stage(actor=chair, proposal=draft, outcome="accept", reason="x")


def test_decision_release_needs_reviewed_decisions(chair, proposal):
    services.decision_stage(actor=chair, proposal=proposal, outcome="accept", reason="Good")

    with pytest.raises(InvalidTransition, match="No reviewed decision"):
        services.decisions_release(actor=chair, call=proposal.call)


def test_decision_release_accepts_opens_checklist_and_emails_letter(
    chair, proposal, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _release(chair, proposal)
    decision.refresh_from_db()

    assert proposal.state == "accepted"
    assert decision.stage == "released" and decision.released_at
    assert OnboardingItem.objects.filter(proposal=proposal).count() == 7
    email = OutboundEmail.objects.get(template="calls/decision_released")
    assert email.to == ["applicant@example.org"]
    assert f"/calls/proposals/{proposal.pk}/decision-letter/" in email.body_text
    assert decision.letter_sha256
    text = pdf_text(letter_of(decision), tmp_path)
    assert "Open call 2026" in text
    assert "Our imaging data" in text
    assert "Outcome: Accepted" in text
    assert "Strong data, ready warehouse." in text


def test_decision_release_several_together(chair, call, applicant, evaluator1, proposal):
    other = make_under_review(call, applicant, chair, [evaluator1], title="Second")
    for p, outcome in ((proposal, "reject"), (other, "waitlist")):
        d = services.decision_stage(actor=chair, proposal=p, outcome=outcome, reason="Because")
        services.decision_review(actor=chair, decision=d)

    released = services.decisions_release(actor=chair, call=call)

    assert len(released) == 2
    assert set(Proposal.objects.values_list("state", flat=True)) == {"rejected", "waitlisted"}


def test_decision_waitlisted_then_accepted(chair, proposal):
    _release(chair, proposal, outcome="waitlist")
    assert proposal.state == "waitlisted"

    _release(chair, proposal, outcome="accept")

    assert proposal.state == "accepted"


def test_decision_rejected_is_final(chair, proposal):
    _release(chair, proposal, outcome="reject")

    with pytest.raises(InvalidTransition, match=r"is “Rejected”\. This status is final\."):
        services.decision_stage(actor=chair, proposal=proposal, outcome="accept", reason="x")


def test_decision_review_twice_refused(chair, proposal):
    decision = services.decision_stage(actor=chair, proposal=proposal, outcome="accept", reason="x")
    services.decision_review(actor=chair, decision=decision)

    with pytest.raises(InvalidTransition):
        services.decision_review(actor=chair, decision=decision)


def test_decision_discarded_lets_another_be_staged(chair, proposal):
    decision = services.decision_stage(actor=chair, proposal=proposal, outcome="accept", reason="x")
    services.decision_discard(actor=chair, decision=decision)

    again = services.decision_stage(actor=chair, proposal=proposal, outcome="reject", reason="y")

    assert again.stage == "staged"


def test_withdraw_after_released_decision_refused(chair, proposal, applicant):
    _release(chair, proposal, outcome="waitlist")

    with pytest.raises(InvalidTransition):
        services.proposal_withdraw(actor=applicant, proposal=proposal)


def test_decision_letter_is_in_the_applicants_language_whoever_releases_it(
    call, applicant, chair, evaluator1, evaluator2, tmp_path
):
    applicant.language = "es"
    applicant.save(update_fields=["language"])
    proposal = make_under_review(call, applicant, chair, [evaluator1, evaluator2])

    decision = _release(chair, proposal)
    text = pdf_text(render_letter(decision), tmp_path)

    assert "Decisión sobre su propuesta" in text
    assert "Resultado: Aceptada" in text
