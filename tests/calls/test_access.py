"""Who gets into which page and endpoint of the calls and reviews (a matrix).

The proposal is under review, assigned to evaluator1 and to evaluator2, who then declared a
conflict with the applicant organisation; evaluator3 is an evaluator with no assignment.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.calls import services
from governance.calls.models import Attachment
from governance.reviews import services as review_services
from tests.calls.factories import make_draft, pdf_bytes, upload

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "applicant",
    "other_applicant",
    "evaluator1",
    "conflicted",
    "evaluator3",
    "chair",
    "staff",
]


@pytest.fixture
def world(
    call,
    applicant,
    other_applicant,
    chair,
    evaluator1,
    evaluator2,
    evaluator3,
    staff_with_mfa,
    applicant_org,
):
    proposal = make_draft(call, applicant)
    services.proposal_save(
        actor=applicant, proposal=proposal, files={"dpo_letter": upload("dpo.pdf", pdf_bytes())}
    )
    services.proposal_submit(actor=applicant, proposal=proposal)
    review_services.assign(actor=chair, proposal=proposal, evaluator=evaluator1)
    review_services.assign(actor=chair, proposal=proposal, evaluator=evaluator2)
    review_services.conflict_declare(
        actor=evaluator2, organisation=applicant_org, reason="Ex-employer"
    )
    return {
        "call": call,
        "proposal": proposal,
        "attachment": Attachment.objects.get(proposal=proposal),
        "people": {
            "anonymous": None,
            "applicant": applicant,
            "other_applicant": other_applicant,
            "evaluator1": evaluator1,
            "conflicted": evaluator2,
            "evaluator3": evaluator3,
            "chair": chair,
            "staff": staff_with_mfa,
        },
    }


LOGIN = 302
# path template -> expected status per persona (in PERSONAS order)
PAGES = {
    "/calls/": [200] * 8,
    "/calls/{call}/": [200] * 8,
    "/calls/proposals/": [LOGIN, 200, 200, 200, 200, 200, 200, 200],
    "/calls/proposals/{proposal}/": [LOGIN, 200, 404, 200, 404, 404, 200, 200],
    "/calls/proposals/{proposal}/edit/": [LOGIN, 302, 404, 404, 404, 404, 404, 404],
    "/calls/attachments/{attachment}/": [LOGIN, 200, 404, 200, 404, 404, 200, 200],
    "/calls/proposals/{proposal}/decision-letter/": [LOGIN, 404, 404, 404, 404, 404, 404, 404],
    "/calls/{call}/edit/": [LOGIN, 404, 404, 404, 404, 404, 200, 200],
    "/calls/{call}/dashboard/": [LOGIN, 404, 404, 404, 404, 404, 200, 200],
    "/calls/{call}/decisions/": [LOGIN, 404, 404, 404, 404, 404, 200, 200],
    "/calls/{call}/apply/": [LOGIN, 200, 200, 403, 403, 403, 403, 403],
    "/calls/new/": [LOGIN, 403, 403, 403, 403, 403, 200, 200],
    "/reviews/": [LOGIN, 403, 403, 200, 200, 200, 403, 403],
    "/reviews/conflicts/": [LOGIN, 403, 403, 200, 200, 200, 403, 403],
    "/reviews/proposals/{proposal}/": [LOGIN, 404, 404, 200, 404, 404, 404, 404],
    "/reviews/calls/{call}/assign/": [LOGIN, 404, 404, 404, 404, 404, 200, 200],
    "/reviews/calls/{call}/ranking/": [LOGIN, 404, 404, 404, 404, 404, 200, 200],
}


def _path(template, world):
    return template.format(
        call=world["call"].pk, proposal=world["proposal"].pk, attachment=world["attachment"].pk
    )


@pytest.mark.parametrize("template", list(PAGES))
def test_page_access_matrix(client, world, template):
    path = _path(template, world)
    got = []
    for name in PERSONAS:
        client.logout()
        person = world["people"][name]
        if person is not None:
            client.force_login(person)
        got.append(client.get(path).status_code)

    expected = PAGES[template]
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True))


# API: list visibility and object access


API = {
    "/api/v1/proposals/{proposal}/": [401, 200, 404, 200, 404, 404, 200, 200],
    "/api/v1/calls/{call}/": [200] * 8,
}


@pytest.mark.parametrize("template", list(API))
def test_api_access_matrix(world, template):
    path = _path(template, world)
    got = []
    for name in PERSONAS:
        api = APIClient()
        person = world["people"][name]
        if person is not None:
            api.force_authenticate(person)
        got.append(api.get(path).status_code)

    expected = API[template]
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True))


def test_api_proposal_list_shows_only_what_each_may_see(world):
    seen = {}
    for name in PERSONAS[1:]:
        api = APIClient()
        api.force_authenticate(world["people"][name])
        seen[name] = [item["id"] for item in api.get("/api/v1/proposals/").json()["results"]]

    pk = world["proposal"].pk
    assert seen == {
        "applicant": [pk],
        "other_applicant": [],
        "evaluator1": [pk],
        "conflicted": [],
        "evaluator3": [],
        "chair": [pk],
        "staff": [pk],
    }


def test_api_reviews_of_conflicted_evaluator_hidden(world):
    api = APIClient()
    api.force_authenticate(world["people"]["conflicted"])

    assert api.get("/api/v1/reviews/").json()["results"] == []
    review = world["proposal"].reviews.get(evaluator=world["people"]["conflicted"])
    assert api.get(f"/api/v1/reviews/{review.pk}/").status_code == 404


def test_api_evaluator_reads_snapshot_not_live_answers(world):
    api = APIClient()
    api.force_authenticate(world["people"]["evaluator1"])

    data = api.get(f"/api/v1/proposals/{world['proposal'].pk}/").json()

    assert "answers" not in data
    assert data["snapshot"]["answers"]["modality"] == "MRI"
    assert len(data["snapshot"]["attachments"][0]["sha256"]) == 64


def test_letter_after_release_only_for_applicant_and_chairs(
    client, world, django_capture_on_commit_callbacks
):
    chair = world["people"]["chair"]
    decision = services.decision_stage(
        actor=chair, proposal=world["proposal"], outcome="accept", reason="Good"
    )
    services.decision_review(actor=chair, decision=decision)
    with django_capture_on_commit_callbacks(execute=True):
        services.decisions_release(actor=chair, call=world["call"])
    path = reverse("calls:decision_letter", args=[world["proposal"].pk])

    got = {}
    for name in ("applicant", "other_applicant", "evaluator1", "chair"):
        client.force_login(world["people"][name])
        response = client.get(path)
        got[name] = response.status_code
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(
                response.streaming_content if response.streaming else [response.content]
            ).startswith(b"%PDF-")

    assert got == {"applicant": 200, "other_applicant": 404, "evaluator1": 404, "chair": 200}
