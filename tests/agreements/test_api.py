"""/api/v1/agreements/ and /api/v1/grants/: the same services as the pages."""

import datetime
import hashlib

import pytest

from governance.agreements.models import AgreementSignature, Grant
from tests.agreements.conftest import api_as
from tests.agreements.factories import CommitteeMemberFactory
from tests.agreements.helpers import approved_request, in_force, pdf_text
from tests.factories import MembershipFactory, UserFactory, person_with_role
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


def test_sign_then_countersign_through_the_api(setup, password):
    url = f"/api/v1/agreements/{setup.agreement.pk}/sign/"
    response = api_as(setup.researcher).post(url, {"password": password})
    assert response.status_code == 200
    assert response.json()["state"] == "signed_by_researcher"
    response = api_as(setup.holder).post(url, {"password": password})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "in_force"
    assert [s["signed_as"] for s in body["signatures"]] == ["researcher", "holder"]
    assert body["document_sha256"] == setup.agreement.document_sha256


def test_wrong_password_is_400_with_a_message(setup):
    response = api_as(setup.researcher).post(
        f"/api/v1/agreements/{setup.agreement.pk}/sign/", {"password": "wrong"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_credentials"
    assert "password is not correct" in response.json()["detail"]
    assert not AgreementSignature.objects.exists()


def test_sign_without_credentials_is_400(setup):
    response = api_as(setup.researcher).post(f"/api/v1/agreements/{setup.agreement.pk}/sign/", {})
    assert response.status_code == 400
    assert "password" in response.json()


def test_out_of_turn_signature_is_409(setup, password):
    response = api_as(setup.holder).post(
        f"/api/v1/agreements/{setup.agreement.pk}/sign/", {"password": password}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_agreement_unknown_to_the_caller_is_404(setup, password):
    outsider = api_as(person_with_role("researcher"))
    assert outsider.get(f"/api/v1/agreements/{setup.agreement.pk}/").status_code == 404
    response = outsider.post(f"/api/v1/agreements/{setup.agreement.pk}/sign/", {"password": "x"})
    assert response.status_code == 404
    assert outsider.get("/api/v1/agreements/").json()["count"] == 0


def test_pdf_is_the_stored_document(setup, password):
    agreement = in_force(setup, password)
    response = api_as(setup.researcher).get(f"/api/v1/agreements/{agreement.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == agreement.document_sha256
    assert "Giulia Signatory" in pdf_text(response.content)


def test_pdf_of_an_unknown_agreement_is_404(setup):
    response = api_as(UserFactory()).get(f"/api/v1/agreements/{setup.agreement.pk}/pdf/")
    assert response.status_code == 404


def test_terminate_is_for_staff(setup, staff_with_mfa):
    url = f"/api/v1/agreements/{setup.agreement.pk}/terminate/"
    assert api_as(setup.researcher).post(url, {"reason": "x"}).status_code == 403
    assert api_as(staff_with_mfa).post(url, {}).status_code == 400
    response = api_as(staff_with_mfa).post(url, {"reason": "Project cancelled"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["ended_reason"]) == (
        "terminated",
        "Project cancelled",
    )
    assert api_as(staff_with_mfa).post(url, {"reason": "Again"}).status_code == 409


def test_amend_creates_the_next_version(setup, password):
    agreement = in_force(setup, password)
    url = f"/api/v1/agreements/{agreement.pk}/amend/"
    new_end = agreement.ends_on + datetime.timedelta(days=90)
    response = api_as(setup.researcher).post(url, {"ends_on": new_end.isoformat()})
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["supersedes"], body["state"]) == (2, agreement.pk, "drafted")
    assert body["ends_on"] == new_end.isoformat()
    assert api_as(setup.researcher).post(url, {"ends_on": new_end.isoformat()}).status_code == 409


# Grants and revocation: the permissions matrix


@pytest.fixture
def grant(setup, password):
    in_force(setup, password)
    return Grant.objects.get()


def _person(setup, who):
    if who == "researcher":
        return setup.researcher
    if who == "other_researcher":
        return person_with_role("researcher")
    if who == "other_committee":
        member = CommitteeMemberFactory(person=UserFactory()).person
        give_totp(member)
        return member
    if who == "holder":
        return setup.holder
    if who == "committee":
        return setup.member
    staff = UserFactory()
    MembershipFactory(person=staff, role="staff")
    give_totp(staff)
    return staff


@pytest.mark.parametrize(
    ("who", "status", "state"),
    [
        ("researcher", 403, "active"),
        ("other_researcher", 404, "active"),
        ("other_committee", 404, "active"),
        ("holder", 403, "active"),
        ("committee", 200, "revoked"),
        ("staff", 200, "revoked"),
    ],
)
def test_revoke_permissions(setup, grant, who, status, state):
    response = _person_api(setup, who).post(
        f"/api/v1/grants/{grant.pk}/revoke/", {"reason": "Misuse"}
    )
    assert response.status_code == status, response.content
    grant.refresh_from_db()
    assert grant.state == state


def _person_api(setup, who):
    return api_as(_person(setup, who))


def test_revoke_without_a_reason_is_400_and_twice_is_409(setup, grant):
    api = api_as(setup.member)
    assert api.post(f"/api/v1/grants/{grant.pk}/revoke/", {}).status_code == 400
    assert api.post(f"/api/v1/grants/{grant.pk}/revoke/", {"reason": "x"}).status_code == 200
    response = api.post(f"/api/v1/grants/{grant.pk}/revoke/", {"reason": "x"})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_grants_list_shows_the_researcher_only_their_own(setup, grant, password):
    other = approved_request(tag="-2")
    in_force(other, password)
    body = api_as(setup.researcher).get("/api/v1/grants/").json()
    assert [g["id"] for g in body["results"]] == [grant.pk]
    assert body["results"][0]["usable"] is True
    assert body["results"][0]["persistent_url"] == setup.datasets[0].persistent_url


def _many(count, password):
    made = [approved_request(tag=f"-{n}") for n in range(count)]
    for setup in made:
        in_force(setup, password)
    return _person(made[0], "staff")


@pytest.mark.parametrize(("count", "queries"), [(1, 8), (3, 8)])
def test_agreement_list_query_count(django_assert_num_queries, password, count, queries):
    api = api_as(_many(count, password))
    with django_assert_num_queries(queries):
        body = api.get("/api/v1/agreements/").json()
    assert body["count"] == count


@pytest.mark.parametrize(("count", "queries"), [(1, 6), (3, 6)])
def test_grant_list_query_count(django_assert_num_queries, password, count, queries):
    api = api_as(_many(count, password))
    with django_assert_num_queries(queries):
        body = api.get("/api/v1/grants/").json()
    assert body["count"] == count


def test_schema_lists_the_endpoints(setup):
    response = api_as(setup.researcher).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for path in [
        "/api/v1/agreements/{id}/sign/",
        "/api/v1/agreements/{id}/pdf/",
        "/api/v1/grants/{id}/revoke/",
    ]:
        assert path in text
