from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from governance.calls.models import Decision, Proposal
from tests.calls.factories import (
    make_call,
    make_draft,
    make_submitted,
    make_under_review,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def api_for(person):
    api = APIClient()
    api.force_authenticate(person)
    return api


def test_api_calls_list_public_with_tracks(call):
    data = APIClient().get("/api/v1/calls/").json()

    assert data["results"][0]["title"] == "Open call 2026"
    assert data["results"][0]["phase"] == "open"
    assert {t["kind"] for t in data["results"][0]["tracks"]} == {"data_holder", "ai_innovator"}


def test_api_call_create_by_chair(chair):
    response = api_for(chair).post(
        "/api/v1/calls/",
        {
            "title": "API call",
            "summary": "Made by API",
            "opens_at": "2030-01-01T09:00:00+01:00",
            "deadline": "2030-03-01T17:00:00+01:00",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert len(response.json()["criteria"]) == 3


def test_api_call_create_by_applicant_refused(applicant):
    response = api_for(applicant).post(
        "/api/v1/calls/",
        {
            "title": "x",
            "summary": "x",
            "opens_at": "2030-01-01T09:00:00Z",
            "deadline": "2030-02-01T09:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_api_proposal_draft_save_submit(call, applicant, applicant_org):
    api = api_for(applicant)
    created = api.post(
        "/api/v1/proposals/",
        {
            "call": call.pk,
            "track": call.tracks.get(kind="data_holder").pk,
            "organisation": applicant_org.pk,
            "title": "Via the API",
            "answers": {"summary": "Partial"},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    bad = api.patch(f"/api/v1/proposals/{pk}/", {"answers": {"subjects": "-3"}}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_answer"

    incomplete = api.post(f"/api/v1/proposals/{pk}/submit/")
    assert incomplete.status_code == 400
    assert incomplete.json()["code"] == "incomplete"

    api.patch(
        f"/api/v1/proposals/{pk}/",
        {"answers": {"modality": "CT", "subjects": "40", "country": "ES", "federated_only": "no"}},
        format="json",
    )
    uploaded = api.post(
        f"/api/v1/proposals/{pk}/attachments/",
        {"question": "dpo_letter", "file": upload("dpo.pdf", pdf_bytes())},
        format="multipart",
    )
    assert uploaded.status_code == 200, uploaded.json()
    submitted = api.post(f"/api/v1/proposals/{pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["snapshot"]["attachments"][0]["name"] == "dpo.pdf"

    again = api.post(f"/api/v1/proposals/{pk}/submit/")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def test_api_upload_fake_pdf_refused(call, applicant):
    proposal = make_draft(call, applicant)

    response = api_for(applicant).post(
        f"/api/v1/proposals/{proposal.pk}/attachments/",
        {"question": "dpo_letter", "file": upload("dpo.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )

    assert response.status_code == 400
    assert "dpo.pdf is not a PDF, although its name ends in .pdf" in response.json()["detail"]


def test_api_submit_after_deadline_is_deadline_passed(chair, applicant):
    deadline = datetime(2024, 6, 10, 23, 59, tzinfo=ZoneInfo("Europe/Brussels"))
    call = make_call(
        title="2024", opens_at=deadline - timedelta(days=50), deadline=deadline, chair=chair
    )
    proposal = make_draft(call, applicant)

    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        response = api_for(applicant).post(f"/api/v1/proposals/{proposal.pk}/submit/")

    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"


def test_api_withdraw(call, applicant):
    proposal = make_submitted(call, applicant)

    response = api_for(applicant).post(
        f"/api/v1/proposals/{proposal.pk}/withdraw/", {"reason": "x"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


def test_api_withdraw_other_organisation_404(call, applicant, other_applicant):
    proposal = make_submitted(call, applicant)

    assert (
        api_for(other_applicant).post(f"/api/v1/proposals/{proposal.pk}/withdraw/").status_code
        == 404
    )


def test_api_decide_concurrent_second_gets_409(call, applicant, chair, second_chair, evaluator1):
    call.chairs.add(second_chair)
    proposal = make_under_review(call, applicant, chair, [evaluator1])

    first = api_for(chair).post(
        f"/api/v1/proposals/{proposal.pk}/decide/",
        {"outcome": "accept", "reason": "Good"},
        format="json",
    )
    second = api_for(second_chair).post(
        f"/api/v1/proposals/{proposal.pk}/decide/",
        {"outcome": "reject", "reason": "Weak"},
        format="json",
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "concurrent_change"
    assert Decision.objects.get().outcome == "accept"


def test_api_decide_by_evaluator_refused(call, applicant, chair, evaluator1):
    proposal = make_under_review(call, applicant, chair, [evaluator1])

    response = api_for(evaluator1).post(
        f"/api/v1/proposals/{proposal.pk}/decide/",
        {"outcome": "accept", "reason": "x"},
        format="json",
    )

    assert response.status_code == 403


def test_api_decision_letter_before_release_404(call, applicant):
    proposal = make_submitted(call, applicant)

    response = api_for(applicant).get(f"/api/v1/proposals/{proposal.pk}/decision-letter/")

    assert response.status_code == 404


def test_api_reviews_score_and_submit(call, applicant, chair, evaluator1):
    make_under_review(call, applicant, chair, [evaluator1])
    api = api_for(evaluator1)
    review = api.get("/api/v1/reviews/").json()["results"][0]
    scores = [{"criterion": c.pk, "value": 3, "comment": "ok"} for c in call.criteria.all()]

    saved = api.patch(
        f"/api/v1/reviews/{review['id']}/", {"scores": scores, "comment": "Fine"}, format="json"
    )
    assert saved.status_code == 200, saved.json()
    submitted = api.post(f"/api/v1/reviews/{review['id']}/submit/")

    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["weighted_total"] == "3.000"


def test_api_conflicts_declare_and_list(evaluator1, applicant_org):
    api = api_for(evaluator1)

    created = api.post(
        "/api/v1/conflicts/",
        {"organisation": applicant_org.pk, "reason": "Ex-employer"},
        format="json",
    )
    listed = api.get("/api/v1/conflicts/").json()["results"]

    assert created.status_code == 201
    assert [c["organisation"] for c in listed] == [applicant_org.pk]


@pytest.mark.parametrize("count", [1, 3])
def test_api_proposals_list_query_count(django_assert_num_queries, call, applicant, count):
    for i in range(count):
        make_submitted(call, applicant, title=f"P{i}")
    api = api_for(applicant)

    with django_assert_num_queries(4):
        response = api.get("/api/v1/proposals/")

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_proposals_page_query_count(client, django_assert_num_queries, call, applicant, count):
    for i in range(count):
        make_submitted(call, applicant, title=f"P{i}")
    client.force_login(applicant)

    with django_assert_num_queries(8):
        response = client.get("/calls/proposals/")

    assert response.content.decode().count("/calls/proposals/") >= count


@pytest.mark.parametrize("count", [1, 3])
def test_calls_page_query_count(client, django_assert_num_queries, chair, count):
    for i in range(count):
        make_call(title=f"Call {i}", chair=chair)

    with django_assert_num_queries(4):
        response = client.get("/calls/")

    assert response.content.decode().count("Join the federation.") == count
    assert Proposal.objects.count() == 0


def test_api_schema_has_calls_and_reviews(client):
    response = client.get("/api/v1/schema/", {"format": "json"})

    paths = response.json()["paths"]
    for path in (
        "/api/v1/calls/",
        "/api/v1/proposals/{id}/submit/",
        "/api/v1/proposals/{id}/withdraw/",
        "/api/v1/proposals/{id}/decide/",
        "/api/v1/proposals/{id}/decision-letter/",
        "/api/v1/reviews/{id}/submit/",
        "/api/v1/conflicts/",
    ):
        assert path in paths
