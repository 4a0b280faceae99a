import pytest

from tests.calls.factories import make_draft, make_under_review

pytestmark = pytest.mark.django_db


def test_dashboard_shows_what_waits_per_role(client, call, applicant, chair, evaluator1):
    make_draft(call, applicant, title="My draft")
    make_under_review(call, applicant, chair, [evaluator1], title="To score")

    client.force_login(applicant)
    applicant_page = client.get("/dashboard/").content.decode()
    client.force_login(evaluator1)
    evaluator_page = client.get("/dashboard/").content.decode()
    client.force_login(chair)
    chair_page = client.get("/dashboard/").content.decode()

    assert "My draft" in applicant_page and "Your proposals" in applicant_page
    assert "To score" in evaluator_page and "Proposals to evaluate" in evaluator_page
    assert "Open call 2026" in chair_page and "Calls you chair" in chair_page


def test_personal_data_export_and_erase(call, applicant):
    from governance.calls import personal_data, services

    make_draft(call, applicant, title="Mine")
    services.subscribe(email="applicant@example.org")

    exported = personal_data.export(applicant)
    personal_data.erase(applicant)

    assert [p["title"] for p in exported["proposals_started"]] == ["Mine"]
    assert len(exported["call_subscriptions"]) == 1
    assert personal_data.export(applicant)["call_subscriptions"] == []
