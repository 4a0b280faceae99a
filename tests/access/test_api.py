"""access-requests and committees in the REST API."""

from __future__ import annotations

import pytest

from governance.access.models import AccessRequest
from governance.access.selectors import purpose_of
from governance.catalogue.duo import compatibility
from governance.catalogue.selectors import use_conditions_of
from tests.access.conftest import make_request, submitted
from tests.doors import api_as

pytestmark = pytest.mark.django_db


def body(dataset, **overrides) -> dict:
    data = {
        "title": "Nodule malignancy",
        "lay_summary": "Telling harmless lung spots from cancer.",
        "scientific_abstract": "3D CNN on staging CT.",
        "purpose": "DUO:0000006",
        "commercial": True,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "team": [{"name": "Jonas Becker", "email": "jonas@example.org", "role": "PI"}],
        "public_register_consent": True,
        "datasets": [{"dataset": dataset.pk, "access_condition": "download"}],
    }
    data.update(overrides)
    return data


def test_create_update_submit_flow(researcher, dataset, chair):
    client = api_as(researcher)
    response = client.post("/api/v1/access-requests/", body(dataset), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "draft"
    assert created["for_profit"] is True  # from the organisation
    assert created["items"][0]["dataset"] == dataset.pk

    pk = created["id"]
    response = client.patch(f"/api/v1/access-requests/{pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"

    response = client.post(f"/api/v1/access-requests/{pk}/submit/")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert response.json()["items"][0]["committee_name"] == "Milan DAC"

    response = client.post(f"/api/v1/access-requests/{pk}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"

    response = client.patch(f"/api/v1/access-requests/{pk}/", {"title": "Late"}, format="json")
    assert response.status_code == 409


def test_create_bad_input_is_400(researcher, dataset):
    response = api_as(researcher).post(
        "/api/v1/access-requests/", body(dataset, purpose="DUO:0000007"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["disease"] == [
        "Disease-specific research needs the disease studied: choose it."
    ]


def test_submit_incompatible_without_justification_is_400(researcher, breast_ds_ncu):
    request = make_request(researcher, breast_ds_ncu)
    response = api_as(researcher).post(f"/api/v1/access-requests/{request.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["code"] == "justification_required"
    assert breast_ds_ncu.title in response.json()["detail"]


def test_compatibility_endpoint_equals_catalogue(researcher, dataset, breast_ds_ncu):
    request = make_request(researcher, dataset, breast_ds_ncu)
    rows = api_as(researcher).get(f"/api/v1/access-requests/{request.pk}/compatibility/").json()
    for row in rows:
        item = request.items.get(pk=row["item"])
        expected = compatibility(
            purpose_of(request), use_conditions_of(item.dataset.current_statement)
        )
        assert row["compatible"] == expected.compatible
        assert row["reasons"] == list(expected.reasons)
        assert [o["shorthand"] for o in row["obligations"]] == [
            o.shorthand for o in expected.obligations
        ]


def test_decide_vote_return_comments(
    researcher, dataset, other_dataset, chair, member, other_chair
):
    request = submitted(researcher, dataset, other_dataset)
    mine = request.items.get(dataset=dataset)
    theirs = request.items.get(dataset=other_dataset)
    url = f"/api/v1/access-requests/{request.pk}"

    response = api_as(member).post(f"{url}/vote/", {"item": mine.pk, "choice": "approve"})
    assert response.status_code == 200
    assert response.json()["state"] == "under_review"
    assert [i["dataset"] for i in response.json()["items"]] == [dataset.pk]

    response = api_as(chair).post(
        f"{url}/decide/", {"item": theirs.pk, "outcome": "approved", "reasons": "x"}
    )
    assert response.status_code == 404  # another committee's dataset

    response = api_as(chair).post(f"{url}/comments/", {"body": "Note", "visibility": "committee"})
    assert response.status_code == 201
    assert api_as(researcher).get(f"{url}/comments/").json() == []

    response = api_as(chair).post(f"{url}/return/", {"reason": "Add the ethics approval."})
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    response = api_as(chair).post(
        f"{url}/decide/", {"item": mine.pk, "outcome": "approved", "reasons": "x"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"

    api_as(researcher).post(f"{url}/submit/")
    response = api_as(chair).post(
        f"{url}/decide/", {"item": mine.pk, "outcome": "approved", "reasons": "Fine."}
    )
    assert response.status_code == 200
    response = api_as(other_chair).post(
        f"{url}/decide/", {"item": theirs.pk, "outcome": "rejected", "reasons": "No."}
    )
    assert response.json()["state"] == "approved"


def test_member_cannot_decide_for_chair_rule(researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    response = api_as(member).post(
        f"/api/v1/access-requests/{request.pk}/decide/",
        {"item": request.items.get().pk, "outcome": "approved", "reasons": "x"},
    )
    assert response.status_code == 403


def test_withdraw_api(researcher, dataset, chair):
    request = submitted(researcher, dataset)
    response = api_as(researcher).post(f"/api/v1/access-requests/{request.pk}/withdraw/")
    assert response.json()["state"] == "withdrawn"
    response = api_as(researcher).post(f"/api/v1/access-requests/{request.pk}/withdraw/")
    assert response.status_code == 409


@pytest.fixture
def personas(researcher, other_researcher, chair, other_chair, holder, staff):
    return {
        "researcher": researcher,
        "other_researcher": other_researcher,
        "chair": chair,
        "other_committee": other_chair,
        "holder": holder,
        "staff": staff,
        "anonymous": None,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("researcher", 200),
        ("chair", 200),
        ("staff", 200),
        ("other_researcher", 404),
        ("other_committee", 404),
        ("holder", 404),
        ("anonymous", 401),
    ],
)
def test_retrieve_permissions(personas, dataset, who, status):
    request = submitted(personas["researcher"], dataset)
    response = api_as(personas[who]).get(f"/api/v1/access-requests/{request.pk}/")
    assert response.status_code == status
    listed = api_as(personas[who]).get("/api/v1/access-requests/")
    if status == 200:
        assert [r["id"] for r in listed.json()["results"]] == [request.pk]
    elif who != "anonymous":
        assert listed.json()["results"] == []


@pytest.mark.parametrize(
    ("who", "status"),
    [
        # Those who may not see a draft get 404; staff see it, and are told they may not act.
        ("chair", 404),
        ("other_researcher", 404),
        ("other_committee", 404),
        ("holder", 404),
        ("staff", 403),
    ],
)
def test_only_the_researcher_submits_or_edits(personas, dataset, who, status):
    request = make_request(personas["researcher"], dataset)
    client = api_as(personas[who])
    submitted = client.post(f"/api/v1/access-requests/{request.pk}/submit/")
    assert submitted.status_code == status
    assert client.patch(f"/api/v1/access-requests/{request.pk}/", {"title": "x"}).status_code == (
        status
    )
    if status == 403:
        assert "Only the researcher who wrote this request" in submitted.json()["detail"]
    request.refresh_from_db()
    assert request.state == "draft" and request.title != "x"


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count(researcher, dataset, django_assert_num_queries, count):
    for number in range(count):
        make_request(researcher, dataset, title=f"Project {number}")
    client = api_as(researcher)
    # roles (staff?), committee seats, count, page, items with datasets
    with django_assert_num_queries(5):
        response = client.get("/api/v1/access-requests/")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_committees_list_query_count(staff, holder_org, django_assert_num_queries, count):
    from tests.agreements.factories import CommitteeFactory, CommitteeMemberFactory

    for _ in range(count):
        CommitteeMemberFactory(committee=CommitteeFactory(organisation=holder_org))
    client = api_as(staff)
    # roles, count, page, datasets, members, their people
    with django_assert_num_queries(6):
        response = client.get("/api/v1/committees/")
    assert response.json()["count"] == count


def test_committees_visible_to_members_only(chair, committee, other_chair, researcher):
    assert [c["id"] for c in api_as(chair).get("/api/v1/committees/").json()["results"]] == [
        committee.pk
    ]
    assert api_as(other_chair).get(f"/api/v1/committees/{committee.pk}/").status_code == 404
    assert api_as(researcher).get("/api/v1/committees/").json()["results"] == []


def test_state_filter(researcher, dataset, chair):
    make_request(researcher, dataset, title="Draft one")
    submitted(researcher, dataset, title="Submitted one")
    rows = api_as(researcher).get("/api/v1/access-requests/?state=submitted").json()["results"]
    assert [r["title"] for r in rows] == ["Submitted one"]
    assert AccessRequest.objects.count() == 2
