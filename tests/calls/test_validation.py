"""A call's and a proposal's rules refuse the same input at page and API, naming one field
(issue 16)."""

import json

import pytest
from django.urls import reverse

from governance.calls.defaults import DEFAULT_CONFIGURATION
from governance.calls.models import Call, Decision, Proposal
from tests.calls.factories import make_under_review, score_and_submit
from tests.doors import api_as, assert_refused_alike

pytestmark = pytest.mark.django_db

CALL_REFUSALS = [
    pytest.param(
        {"opens_at": "2030-03-01T09:00", "deadline": "2030-02-01T09:00"},
        "deadline",
        "The deadline must come after the opening.",
        id="deadline-before-opening",
    ),
    pytest.param(
        {"scale_min": "5", "scale_max": "5"},
        "scale_max",
        "The highest score must be above the lowest.",
        id="scale-without-range",
    ),
]

TITLE_REFUSALS = [
    pytest.param("   ", id="blank-title"),
    pytest.param("x" * 201, id="title-too-long"),
]


def call_form_data(**overrides) -> dict:
    data = {
        "title": "Paediatric call",
        "summary": "Neuroblastoma and DIPG",
        "description": "",
        "opens_at": "2030-03-01T09:00",
        "deadline": "2030-03-30T12:00",
        "evaluators_per_proposal": "3",
        "scale_min": "0",
        "scale_max": "10",
        "eligible_countries_text": "ES IT NO",
        "configuration": json.dumps(DEFAULT_CONFIGURATION),
    }
    return {**data, **overrides}


def call_api_data(**overrides) -> dict:
    """The form's data as the API takes it: times with their offset (Brussels in winter)."""
    data = {
        "title": "Paediatric call",
        "summary": "Neuroblastoma and DIPG",
        "opens_at": "2030-03-01T09:00:00+01:00",
        "deadline": "2030-03-30T12:00:00+02:00",
        "evaluators_per_proposal": 3,
        "scale_min": 0,
        "scale_max": 10,
    }
    for name in ("opens_at", "deadline"):
        if name in overrides:
            overrides[name] = f"{overrides[name]}:00+01:00"
    return {**data, **overrides}


@pytest.mark.parametrize(("given", "field", "message"), CALL_REFUSALS)
def test_call_create_refused_alike_by_page_and_api(client, chair, given, field, message):
    client.force_login(chair)

    page = client.post(reverse("calls:call_create"), call_form_data(**given))
    api = api_as(chair).post("/api/v1/calls/", call_api_data(**given), format="json")

    assert page.status_code == 200
    assert_refused_alike(page, api, field, message)
    assert not Call.objects.filter(title="Paediatric call").exists()


@pytest.mark.parametrize(("given", "field", "message"), CALL_REFUSALS)
def test_call_update_refused_alike_by_page_and_api(client, chair, call, given, field, message):
    client.force_login(chair)
    before = (call.deadline, call.scale_max)

    page = client.post(
        reverse("calls:call_edit", args=[call.pk]),
        call_form_data(**given, title=call.title, configuration=json.dumps(DEFAULT_CONFIGURATION)),
    )
    api = api_as(chair).patch(
        f"/api/v1/calls/{call.pk}/", call_api_data(**given, title=call.title), format="json"
    )

    assert_refused_alike(page, api, field, message)
    call.refresh_from_db()
    assert (call.deadline, call.scale_max) == before


@pytest.mark.parametrize("title", TITLE_REFUSALS)
def test_proposal_start_refused_alike_by_page_and_api(
    client, call, applicant, applicant_org, title
):
    track = call.tracks.get(kind="data_holder")
    message = "Give the proposal a title of at most 200 characters."
    client.force_login(applicant)

    page = client.post(
        reverse("calls:proposal_start", args=[call.pk]),
        {"title": title, "track": track.pk, "organisation": applicant_org.pk},
    )
    api = api_as(applicant).post(
        "/api/v1/proposals/",
        {"call": call.pk, "track": track.pk, "organisation": applicant_org.pk, "title": title},
        format="json",
    )

    assert page.status_code == 200
    assert_refused_alike(page, api, "title", message)
    assert not Proposal.objects.exists()


def test_decision_without_a_reason_refused_alike_by_page_and_api(
    client, call, applicant, chair, evaluator1, evaluator2
):
    proposal = make_under_review(call, applicant, chair, [evaluator1, evaluator2])
    for evaluator in (evaluator1, evaluator2):
        score_and_submit(evaluator, proposal, [4] * call.criteria.count())
    message = "Give the applicant a reason."
    client.force_login(chair)

    page = client.post(
        reverse("calls:decision_stage", args=[proposal.pk]),
        {"outcome": "accept", "reason": "  "},
        follow=True,
    )
    api = api_as(chair).post(
        f"/api/v1/proposals/{proposal.pk}/decide/",
        {"outcome": "accept", "reason": "  "},
        format="json",
    )

    assert [str(m) for m in page.context["messages"]] == [message]
    assert api.status_code == 400
    assert api.json()["reason"] == [message]
    assert not Decision.objects.filter(proposal=proposal).exists()
