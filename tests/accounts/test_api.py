"""/api/v1/: me, people, organisations, memberships, personal API tokens, erasure requests."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from governance.accounts import services
from governance.accounts.models import ApiToken, ErasureRequest, Membership, Organisation
from governance.audit.models import AuditEvent
from tests.accounts.conftest import bearer
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(api, staff_with_mfa):
    api.force_login(staff_with_mfa)
    return api


@pytest.fixture
def alice_api(api, alice):
    api.force_login(alice)
    return api


# Personal tokens as authentication


def test_personal_token_reads_me(api, alice, organisation):
    MembershipFactory(person=alice, organisation=organisation, role="researcher")
    response = api.get("/api/v1/me/", **bearer(alice))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "alice@example.org"
    assert body["full_name"] == "Alice Example"
    assert body["roles"] == ["researcher"]
    assert body["memberships"][0]["organisation"]["name"] == organisation.name
    assert body["memberships"][0]["organisation"]["country"] == "ES"
    assert body["is_staff"] is False
    assert body["two_factor"] == {"totp": False, "recovery_codes": False, "required": False}


def test_no_credentials_is_401(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_token_is_401_with_a_clear_detail(api):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer gpt_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["code"] == "token_unknown"
    assert "create a new one on your account page" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_401(api, alice):
    token, secret = services.api_token_create(person=alice, name="x", days=3)
    services.api_token_revoke(token=token, actor=alice)
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This API token was revoked. Create a new one on your account page.",
        "code": "token_revoked",
    }


def test_expired_token_is_401(api, alice):
    _token, secret = services.api_token_create(person=alice, name="x", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "expired on" in response.json()["detail"]


def test_token_use_records_last_use(api, alice):
    token, secret = services.api_token_create(person=alice, name="x", days=1)
    api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_export_through_the_api(api, alice):
    response = api.get("/api/v1/me/export/", **bearer(alice))
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["accounts"]["profile"]["email"] == "alice@example.org"
    assert body["data"]["accounts"]["api_tokens"][0]["name"] == "test"
    assert "token_hash" not in response.content.decode()
    assert AuditEvent.objects.filter(action="person.data_exported", actor=alice).exists()


# People


def test_people_list_for_staff_has_everyone(staff_api, alice, bob):
    emails = {p["email"] for p in staff_api.get("/api/v1/people/").json()["results"]}
    assert {"alice@example.org", "bob@example.org", "staff@example.org"} <= emails


def test_people_list_for_others_has_only_themselves(alice_api, bob):
    results = alice_api.get("/api/v1/people/").json()["results"]
    assert [p["email"] for p in results] == ["alice@example.org"]


def test_people_detail_of_someone_else_is_404(alice_api, bob):
    assert alice_api.get(f"/api/v1/people/{bob.pk}/").status_code == 404


def test_people_patch_own_name(alice_api, alice):
    response = alice_api.patch(f"/api/v1/people/{alice.pk}/", {"full_name": "Alice Z."})
    assert response.status_code == 200
    assert response.json()["full_name"] == "Alice Z."
    alice.refresh_from_db()
    assert alice.full_name == "Alice Z."


def test_people_patch_email_is_ignored(alice_api, alice):
    alice_api.patch(f"/api/v1/people/{alice.pk}/", {"email": "evil@example.org"})
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"


def test_people_patch_someone_else_is_403_for_staff(staff_api, alice):
    response = staff_api.patch(f"/api/v1/people/{alice.pk}/", {"full_name": "X"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("count", "queries"), [(1, 8), (3, 8)])
def test_people_list_query_count(staff_api, django_assert_num_queries, count, queries):
    for _index in range(count):
        MembershipFactory()
    with django_assert_num_queries(queries):
        response = staff_api.get("/api/v1/people/")
    assert response.json()["count"] == count + 1


# Organisations


def test_organisations_readable_by_anyone_signed_in(alice_api, organisation):
    response = alice_api.get("/api/v1/organisations/")
    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "id": organisation.pk,
        "name": organisation.name,
        "short_name": "",
        "country": "ES",
        "provider_type": "clinical_centre",
        "is_for_profit": False,
        "website": "",
        "created_at": response.json()["results"][0]["created_at"],
    }
    assert alice_api.get(f"/api/v1/organisations/{organisation.pk}/").status_code == 200


def test_organisations_filter_by_country_and_provider_type(alice_api):
    OrganisationFactory(name="Charité", country="DE", provider_type="clinical_centre")
    OrganisationFactory(name="EBRAINS", country="BE", provider_type="research_infrastructure")
    names = [
        o["name"] for o in alice_api.get("/api/v1/organisations/?country=DE").json()["results"]
    ]
    assert names == ["Charité"]
    response = alice_api.get("/api/v1/organisations/?provider_type=research_infrastructure")
    assert [o["name"] for o in response.json()["results"]] == ["EBRAINS"]
    response = alice_api.get("/api/v1/organisations/?country=XX")
    assert response.status_code == 400


def test_organisations_are_public_as_the_sites_page_is(api, organisation):
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["results"]] == [organisation.name]
    assert api.get(f"/api/v1/organisations/{organisation.pk}/").status_code == 200
    assert api.get("/api/v1/organisations/987654321/").status_code == 404


def test_organisation_writes_by_visitors_are_401(api, organisation):
    body = {"name": "X", "country": "IT", "provider_type": "other"}
    assert api.post("/api/v1/organisations/", body).status_code == 401
    assert api.patch(f"/api/v1/organisations/{organisation.pk}/", body).status_code == 401
    assert not Organisation.objects.filter(name="X").exists()


def test_organisation_create_by_staff(staff_api):
    response = staff_api.post(
        "/api/v1/organisations/",
        {"name": "Euro-BioImaging", "country": "IT", "provider_type": "research_infrastructure"},
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Euro-BioImaging"
    assert Organisation.objects.filter(name="Euro-BioImaging").exists()
    assert AuditEvent.objects.filter(action="organisation.created").count() == 1


def test_organisation_create_by_others_is_403(alice_api):
    response = alice_api.post(
        "/api/v1/organisations/", {"name": "X", "country": "IT", "provider_type": "other"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only staff can change this."
    assert not Organisation.objects.filter(name="X").exists()


def test_organisation_create_bad_input_is_400_with_field_messages(staff_api):
    response = staff_api.post(
        "/api/v1/organisations/", {"name": "", "country": "XX", "provider_type": "nope"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"name", "country", "provider_type"} <= set(body)


def test_organisation_patch_by_staff(staff_api, organisation):
    response = staff_api.patch(f"/api/v1/organisations/{organisation.pk}/", {"is_for_profit": True})
    assert response.status_code == 200
    assert response.json()["is_for_profit"] is True
    assert AuditEvent.objects.get(action="organisation.changed").after == {"is_for_profit": "True"}


@pytest.mark.parametrize(("count", "queries"), [(1, 5), (3, 5)])
def test_organisations_list_query_count(alice_api, django_assert_num_queries, count, queries):
    for _index in range(count):
        OrganisationFactory()
    with django_assert_num_queries(queries):
        response = alice_api.get("/api/v1/organisations/")
    assert response.json()["count"] == count


# Memberships


def test_memberships_person_sees_only_their_own(alice_api, alice, bob, organisation):
    mine = MembershipFactory(person=alice, organisation=organisation)
    theirs = MembershipFactory(person=bob, organisation=organisation)
    ids = [m["id"] for m in alice_api.get("/api/v1/memberships/").json()["results"]]
    assert ids == [mine.pk]
    assert alice_api.get(f"/api/v1/memberships/{theirs.pk}/").status_code == 404


def test_memberships_filter_by_organisation(staff_api, organisation):
    MembershipFactory(organisation=organisation)
    MembershipFactory()
    response = staff_api.get(f"/api/v1/memberships/?organisation={organisation.pk}")
    assert [m["organisation"]["id"] for m in response.json()["results"]] == [organisation.pk]


def test_membership_create_by_staff_with_email(staff_api, alice, organisation):
    response = staff_api.post(
        "/api/v1/memberships/",
        {"organisation": organisation.pk, "email": "alice@example.org", "role": "evaluator"},
    )
    assert response.status_code == 201
    assert response.json()["person"]["email"] == "alice@example.org"
    assert Membership.objects.filter(person=alice, role="evaluator").exists()


def test_membership_create_by_staff_with_person_id(staff_api, alice, organisation):
    response = staff_api.post(
        "/api/v1/memberships/",
        {"organisation": organisation.pk, "person": alice.pk, "role": "researcher"},
    )
    assert response.status_code == 201


def test_membership_create_unknown_email_is_400(staff_api, organisation):
    response = staff_api.post(
        "/api/v1/memberships/",
        {"organisation": organisation.pk, "email": "nobody@example.org", "role": "evaluator"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_person"


def test_membership_create_needs_a_person(staff_api, organisation):
    response = staff_api.post(
        "/api/v1/memberships/", {"organisation": organisation.pk, "role": "evaluator"}
    )
    assert response.status_code == 400
    assert "email" in response.json()


def test_membership_create_by_others_is_403(alice_api, alice, organisation):
    response = alice_api.post(
        "/api/v1/memberships/",
        {"organisation": organisation.pk, "email": "alice@example.org", "role": "staff"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(person=alice).exists()


def test_membership_delete_by_staff(staff_api, alice, organisation):
    membership = MembershipFactory(person=alice, organisation=organisation)
    assert staff_api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.removed").count() == 1


def test_membership_delete_of_own_role_by_non_staff_is_403(alice_api, alice, organisation):
    membership = MembershipFactory(person=alice, organisation=organisation)
    assert alice_api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_membership_delete_of_someone_elses_role_by_non_staff_is_404(alice_api, bob, organisation):
    # The membership is outside what alice sees: 404, not the staff-only write's 403.
    membership = MembershipFactory(person=bob, organisation=organisation)
    assert alice_api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(("count", "queries"), [(1, 6), (3, 6)])
def test_memberships_list_query_count(staff_api, django_assert_num_queries, count, queries):
    for _index in range(count):
        MembershipFactory()
    with django_assert_num_queries(queries):
        response = staff_api.get("/api/v1/memberships/")
    assert response.json()["count"] == count + 1


# Personal API tokens


def test_api_token_create_returns_the_secret_once(alice_api, alice):
    response = alice_api.post("/api/v1/api-tokens/", {"name": "pipeline"})
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("gpt_")
    assert body["state"] == "active"
    token = ApiToken.objects.get(pk=body["id"])
    assert abs(token.expires_at - token.created_at - timedelta(days=90)) < timedelta(minutes=1)
    listed = alice_api.get("/api/v1/api-tokens/").json()["results"][0]
    assert "token" not in listed and "token_hash" not in listed
    assert listed["prefix"] == body["token"][:10]


def test_api_token_create_too_long_is_400(alice_api, settings):
    settings.PORTAL_API_TOKEN_MAX_DAYS = 30
    response = alice_api.post("/api/v1/api-tokens/", {"name": "x", "days": 31})
    assert response.status_code == 400
    assert "1 to 30 days" in response.json()["detail"]


def test_api_token_revoke_through_the_api(api, alice):
    headers = bearer(alice)
    token = ApiToken.objects.get(person=alice)
    response = api.post(f"/api/v1/api-tokens/{token.pk}/revoke/", **headers)
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    # The token revoked itself: the next call is refused.
    assert api.get("/api/v1/me/", **headers).status_code == 401


def test_api_token_of_someone_else_is_404(alice_api, bob):
    token, _secret = services.api_token_create(person=bob, name="x", days=3)
    assert alice_api.get(f"/api/v1/api-tokens/{token.pk}/").status_code == 404
    assert alice_api.post(f"/api/v1/api-tokens/{token.pk}/revoke/").status_code == 404


def test_api_token_revoke_twice_is_409(alice_api, alice):
    token, _secret = services.api_token_create(person=alice, name="x", days=3)
    alice_api.post(f"/api/v1/api-tokens/{token.pk}/revoke/")
    response = alice_api.post(f"/api/v1/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(("count", "queries"), [(1, 5), (3, 5)])
def test_api_tokens_list_query_count(alice_api, alice, django_assert_num_queries, count, queries):
    for index in range(count):
        services.api_token_create(person=alice, name=f"t{index}", days=3)
    with django_assert_num_queries(queries):
        response = alice_api.get("/api/v1/api-tokens/")
    assert response.json()["count"] == count


# Erasure requests


def test_erasure_request_through_the_api(alice_api, alice):
    response = alice_api.post("/api/v1/erasure-requests/", {"reason": "done with research"})
    assert response.status_code == 201
    assert response.json()["state"] == "requested"
    response = alice_api.post("/api/v1/erasure-requests/", {})
    assert response.status_code == 409
    assert response.json()["code"] == "erasure_already_requested"


def test_erasure_requests_person_sees_only_their_own(alice_api, alice, bob):
    services.erasure_request_create(person=alice)
    other = services.erasure_request_create(person=bob)
    assert alice_api.get("/api/v1/erasure-requests/").json()["count"] == 1
    assert alice_api.get(f"/api/v1/erasure-requests/{other.pk}/").status_code == 404


def test_erasure_complete_by_staff(staff_api, alice):
    request = services.erasure_request_create(person=alice)
    response = staff_api.post(f"/api/v1/erasure-requests/{request.pk}/complete/", {})
    assert response.status_code == 200
    assert response.json()["state"] == "completed"
    alice.refresh_from_db()
    assert alice.erased_at is not None


def test_erasure_refuse_without_note_is_400(staff_api, alice):
    request = services.erasure_request_create(person=alice)
    response = staff_api.post(f"/api/v1/erasure-requests/{request.pk}/refuse/", {"note": ""})
    assert response.status_code == 400
    assert response.json()["code"] == "note_required"


def test_erasure_complete_by_the_person_is_403(alice_api, alice):
    request = services.erasure_request_create(person=alice)
    response = alice_api.post(f"/api/v1/erasure-requests/{request.pk}/complete/", {})
    assert response.status_code == 403
    assert ErasureRequest.objects.get(pk=request.pk).state == "requested"


def test_erasure_refuse_by_the_person_without_a_body_is_403_not_400(alice_api, alice):
    # The rule is asked before the body: the person learns nothing from a 400.
    erasure_request = services.erasure_request_create(person=alice, reason="")
    response = alice_api.post(f"/api/v1/erasure-requests/{erasure_request.pk}/refuse/", {})
    assert response.status_code == 403


def test_erasure_complete_twice_is_409(staff_api, alice):
    request = services.erasure_request_create(person=alice)
    staff_api.post(f"/api/v1/erasure-requests/{request.pk}/complete/", {})
    response = staff_api.post(f"/api/v1/erasure-requests/{request.pk}/complete/", {})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_erasure_requests_filter_by_state(staff_api, alice, bob, staff_with_mfa):
    services.erasure_request_create(person=alice)
    refused = services.erasure_request_create(person=bob)
    services.erasure_request_refuse(erasure_request=refused, actor=staff_with_mfa, note="No.")
    response = staff_api.get("/api/v1/erasure-requests/?state=refused")
    assert [r["id"] for r in response.json()["results"]] == [refused.pk]


@pytest.mark.parametrize(("count", "queries"), [(1, 6), (3, 6)])
def test_erasure_requests_list_query_count(staff_api, django_assert_num_queries, count, queries):
    for _index in range(count):
        services.erasure_request_create(person=UserFactory())
    with django_assert_num_queries(queries):
        response = staff_api.get("/api/v1/erasure-requests/")
    assert response.json()["count"] == count


def test_schema_builds_with_the_accounts_endpoints(staff_api):
    response = staff_api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ["/api/v1/me/", "/api/v1/organisations/", "/api/v1/api-tokens/{id}/revoke/"]:
        assert path in text
