"""Releasing decisions and staging one with reviews missing ask first, and say what happens."""

import pytest

from governance.calls import services
from governance.calls.models import Decision
from governance.notifications.models import OutboundEmail
from tests.calls.factories import make_under_review, score_and_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(call, applicant, chair, evaluator1):
    proposal = make_under_review(call, applicant, chair, [evaluator1], title="Lung archive")
    decision = services.decision_stage(
        actor=chair, proposal=proposal, outcome="accept", reason="Well described."
    )
    return services.decision_review(actor=chair, decision=decision)


def test_release_page_names_each_applicant_and_outcome_and_releases_nothing(
    client, chair, applicant, reviewed
):
    client.force_login(chair)

    response = client.get(f"/calls/{reviewed.proposal.call_id}/decisions/release/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "This applicant will be emailed the decision letter:" in html
    assert "Hospital La Fe (Lung archive): Accept, emailed to" in html
    assert f"&lt;{applicant.email}&gt;" in html
    assert 'name="confirmed" value="yes"' in html
    reviewed.refresh_from_db()
    assert reviewed.stage == Decision.Stage.REVIEWED
    assert not OutboundEmail.objects.filter(template="calls/decision_released").exists()


def test_release_counts_the_applicants_when_several(
    client, call, chair, applicant, other_applicant, evaluator1, reviewed
):
    other = make_under_review(call, other_applicant, chair, [evaluator1], title="Bone scans")
    decision = services.decision_stage(
        actor=chair, proposal=other, outcome="reject", reason="Out of scope."
    )
    services.decision_review(actor=chair, decision=decision)
    client.force_login(chair)

    html = client.get(f"/calls/{call.pk}/decisions/release/").content.decode()

    assert "These 2 applicants will be emailed their decision letters:" in html
    assert "Lisbon Cancer Centre (Bone scans): Reject" in html


def test_release_post_without_confirmation_only_asks(client, chair, reviewed):
    client.force_login(chair)

    response = client.post(f"/calls/{reviewed.proposal.call_id}/decisions/release/")

    assert "Release the reviewed decisions?" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.stage == Decision.Stage.REVIEWED


def test_release_confirmed_releases_and_emails(
    client, chair, applicant, reviewed, django_capture_on_commit_callbacks
):
    client.force_login(chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/calls/{reviewed.proposal.call_id}/decisions/release/",
            {"confirmed": "yes"},
            follow=True,
        )

    assert "1 decision(s) released" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.stage == Decision.Stage.RELEASED
    email = OutboundEmail.objects.get(template="calls/decision_released")
    assert applicant.email in email.to


def test_release_page_with_nothing_reviewed_says_so(client, call, chair):
    client.force_login(chair)

    response = client.get(f"/calls/{call.pk}/decisions/release/", follow=True)

    assert "No reviewed decision is waiting" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/calls/{call.pk}/decisions/"


def test_release_page_is_404_for_someone_not_chairing(client, applicant, reviewed):
    client.force_login(applicant)

    response = client.get(f"/calls/{reviewed.proposal.call_id}/decisions/release/")

    assert response.status_code == 404


def test_staging_with_a_review_missing_names_it_and_stages_nothing(
    client, call, applicant, chair, evaluator1, evaluator2
):
    proposal = make_under_review(call, applicant, chair, [evaluator1, evaluator2])
    score_and_submit(evaluator1, proposal, [4] * call.criteria.count())
    client.force_login(chair)

    response = client.post(
        f"/calls/proposals/{proposal.pk}/decide/", {"outcome": "accept", "reason": "Good."}
    )

    html = response.content.decode()
    assert "Decide with reviews missing?" in html
    assert f"no submitted review from {evaluator2}" in html
    assert str(evaluator1) not in html
    assert "1 missing" in html
    assert 'name="reason" value="Good."' in html
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_staging_counts_evaluators_not_yet_assigned(client, call, applicant, chair, evaluator1):
    proposal = make_under_review(call, applicant, chair, [evaluator1])  # the call asks for 2
    client.force_login(chair)

    html = client.post(
        f"/calls/proposals/{proposal.pk}/decide/", {"outcome": "reject", "reason": "No."}
    ).content.decode()

    assert "2 missing" in html and "1 evaluator not assigned" in html


def test_staging_with_reviews_missing_once_confirmed_stages(
    client, call, applicant, chair, evaluator1
):
    proposal = make_under_review(call, applicant, chair, [evaluator1])
    client.force_login(chair)

    client.post(
        f"/calls/proposals/{proposal.pk}/decide/",
        {"outcome": "accept", "reason": "Good.", "confirmed": "yes"},
    )

    assert Decision.objects.get(proposal=proposal).outcome == "accept"


def test_staging_with_every_review_in_does_not_ask(
    client, call, applicant, chair, evaluator1, evaluator2
):
    proposal = make_under_review(call, applicant, chair, [evaluator1, evaluator2])
    for evaluator in (evaluator1, evaluator2):
        score_and_submit(evaluator, proposal, [4] * call.criteria.count())
    client.force_login(chair)

    response = client.post(
        f"/calls/proposals/{proposal.pk}/decide/", {"outcome": "accept", "reason": "Good."}
    )

    assert response.status_code == 302
    assert Decision.objects.get(proposal=proposal).outcome == "accept"


def test_bulk_staging_with_reviews_missing_asks_then_stages_all_chosen(
    client, call, applicant, chair, evaluator1
):
    proposals = [
        make_under_review(call, applicant, chair, [evaluator1], title=f"P{i}") for i in range(2)
    ]
    client.force_login(chair)
    data = {"proposals": [p.pk for p in proposals], "outcome": "reject", "reason": "Out of scope"}

    asked = client.post(f"/calls/{call.pk}/decisions/", data).content.decode()
    assert "P0: 2 missing" in asked and "P1: 2 missing" in asked
    assert not Decision.objects.exists()

    done = client.post(f"/calls/{call.pk}/decisions/", {**data, "confirmed": "yes"}, follow=True)
    assert "2 decision(s) staged." in done.content.decode()
    assert Decision.objects.filter(proposal__in=proposals).count() == 2
