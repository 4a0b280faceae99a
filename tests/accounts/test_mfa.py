"""Staff, call chairs and committee members must use a second factor, in pages and API alike."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from governance.accounts import services
from tests.accounts.conftest import bearer, reauthenticate, sign_in
from tests.factories import PASSWORD, person_with_role
from tests.mfa import current_code, give_totp

pytestmark = pytest.mark.django_db

MFA_DETAIL = "set up two-factor authentication"


def test_staff_without_totp_is_sent_to_setup_after_sign_in(client, staff):
    response = sign_in(client, staff)
    assert response["Location"] == reverse("core:dashboard")
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("accounts:profile"))["Location"] == reverse("mfa_activate_totp")


def test_staff_without_totp_sets_it_up_and_then_gets_in(client, staff):
    sign_in(client, staff)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "requires two-factor authentication" in page.content.decode()
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get(response["Location"]).status_code == 200  # recovery codes
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_staff_with_totp_is_asked_for_the_code_then_gets_in(client, staff_with_mfa):
    response = client.post(
        reverse("account_login"), {"login": staff_with_mfa.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("core:dashboard")).status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_staff_with_wrong_code_stays_out(client, staff_with_mfa):
    client.post(reverse("account_login"), {"login": staff_with_mfa.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302


@pytest.mark.parametrize("role", ["call_chair", "committee_member", "committee_chair"])
def test_other_mfa_roles_are_sent_to_setup(client, role):
    person = person_with_role(role)
    client.force_login(person)
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("mfa_activate_totp")


def test_researcher_needs_no_second_factor(client, researcher):
    client.force_login(researcher)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_mfa_rule_can_be_switched_off(client, staff, settings):
    settings.PORTAL_MFA_REQUIRED = False
    client.force_login(staff)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_api_refuses_staff_session_without_totp(client, staff):
    client.force_login(staff)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "mfa_required"
    assert MFA_DETAIL in body["detail"]


def test_api_refuses_staff_token_without_totp(api, staff):
    response = api.get("/api/v1/me/", **bearer(staff))
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert MFA_DETAIL in response.json()["detail"]


def test_api_accepts_staff_token_with_totp(api, staff_with_mfa):
    response = api.get("/api/v1/me/", **bearer(staff_with_mfa))
    assert response.status_code == 200
    assert response.json()["two_factor"]["totp"] is True


def test_api_accepts_staff_session_with_totp(staff_client):
    assert staff_client.get("/api/v1/me/").status_code == 200


def test_chair_token_without_totp_is_refused_until_totp_is_set_up(api):
    chair = person_with_role("call_chair")
    headers = bearer(chair)
    assert api.get("/api/v1/me/", **headers).status_code == 403
    give_totp(chair)
    assert api.get("/api/v1/me/", **headers).status_code == 200


def test_token_created_before_the_role_is_refused_after_it(api, alice, organisation):
    headers = bearer(alice)
    assert api.get("/api/v1/me/", **headers).status_code == 200
    staff = person_with_role("staff")
    services.membership_add(
        organisation=organisation, person=alice, role="committee_member", actor=staff
    )
    assert api.get("/api/v1/me/", **headers).json()["code"] == "mfa_required"
