"""The person's own account page: name, roles, two-factor status, API tokens, export, erasure."""

import json

import pytest
from django.urls import reverse

from governance.accounts import services
from governance.accounts.models import ApiToken, ErasureRequest
from governance.audit.models import AuditEvent
from tests.factories import MembershipFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

PROFILE = "/account/"


def test_profile_shows_name_email_roles_and_security(alice_client, alice):
    MembershipFactory(person=alice, role="researcher", organisation__name="Quantitative AI SL")
    response = alice_client.get(PROFILE)
    text = response.content.decode()
    assert response.status_code == 200
    assert "alice@example.org" in text
    assert 'value="Alice Example"' in text
    assert "Quantitative AI SL" in text and "Researcher" in text
    assert reverse("account_email") in text
    assert reverse("account_change_password") in text
    assert reverse("mfa_activate_totp") in text
    assert "Download my data" in text


def test_profile_shows_totp_on_with_link_to_manage_it(alice_client, alice):
    give_totp(alice)
    text = alice_client.get(PROFILE).content.decode()
    assert "On: authenticator app" in text
    assert reverse("mfa_index") in text


def test_profile_requires_sign_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_has_no_inline_script_or_style(alice_client):
    text = alice_client.get(PROFILE).content.decode()
    assert "<script>" not in text and "style=" not in text and "onclick" not in text


def test_name_change_is_saved_and_audited(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:profile_name"), {"full_name": "  Alice  Q. Example "}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.full_name == "Alice Q. Example"
    event = AuditEvent.objects.get(action="person.profile_changed")
    assert event.actor == alice
    assert "Alice" not in event.object_repr  # personal data stays out of the trail


def test_name_change_too_long_shows_the_error(alice_client, alice):
    response = alice_client.post(reverse("accounts:profile_name"), {"full_name": "x" * 201})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in text and 'aria-invalid="true"' in text
    alice.refresh_from_db()
    assert alice.full_name == "Alice Example"


def test_name_change_needs_post(alice_client):
    assert alice_client.get(reverse("accounts:profile_name")).status_code == 405


def test_token_create_shows_the_secret_once(alice_client, alice):
    response = alice_client.post(reverse("accounts:token_create"), {"name": "notebook", "days": 30})
    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(person=alice)
    secret = response.context["secret"]
    assert secret.startswith("gpt_") and secret in text
    assert "only time it is shown" in text
    assert token.token_hash != secret and secret not in token.token_hash
    profile = alice_client.get(PROFILE).content.decode()
    assert secret not in profile
    assert token.prefix in profile and "notebook" in profile


def test_token_create_refuses_more_days_than_allowed(alice_client, alice, settings):
    settings.PORTAL_API_TOKEN_MAX_DAYS = 60
    response = alice_client.post(reverse("accounts:token_create"), {"name": "x", "days": 61})
    assert response.status_code == 200
    assert "less than or equal to 60" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_create_form_defaults_to_90_days(alice_client):
    response = alice_client.get(reverse("accounts:token_create"))
    assert response.context["form"].fields["days"].initial == 90


def test_token_revoke_revokes_and_audits(alice_client, alice):
    token, _secret = services.api_token_create(person=alice, name="ci", days=5)
    response = alice_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=alice).count() == 1
    assert "Revoked" in alice_client.get(PROFILE).content.decode()


def test_token_revoke_of_someone_elses_token_is_404(alice_client, bob):
    token, _secret = services.api_token_create(person=bob, name="bob's", days=5)
    response = alice_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_revoke_twice_says_it_is_already_revoked(alice_client, alice):
    token, _secret = services.api_token_create(person=alice, name="ci", days=5)
    alice_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    response = alice_client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "already revoked" in response.content.decode()


def test_data_export_downloads_json_attachment(alice_client, alice):
    response = alice_client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    document = json.loads(response.content)
    assert document["data"]["accounts"]["profile"]["email"] == "alice@example.org"
    assert AuditEvent.objects.filter(action="person.data_exported", actor=alice).exists()


def test_data_export_needs_post(alice_client):
    assert alice_client.get(reverse("accounts:data_export")).status_code == 405


def test_erasure_request_needs_confirmation(alice_client, alice):
    response = alice_client.post(reverse("accounts:erasure"), {"reason": "leaving"})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_erasure_request_is_created_and_shown(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:erasure"), {"reason": "leaving the project", "confirm": "on"}
    )
    assert response.status_code == 302
    request = ErasureRequest.objects.get(person=alice)
    assert request.state == "requested" and request.reason == "leaving the project"
    page = alice_client.get(reverse("accounts:erasure")).content.decode()
    assert "Staff have not decided yet" in page
    assert "Send my erasure request" not in page  # one open request at a time
    assert "staff have not decided yet" in alice_client.get(PROFILE).content.decode()


def test_erasure_request_second_one_is_refused(alice_client, alice):
    services.erasure_request_create(person=alice)
    response = alice_client.post(reverse("accounts:erasure"), {"confirm": "on"})
    assert response.status_code == 200
    assert ErasureRequest.objects.filter(person=alice).count() == 1


def test_erasure_page_requires_sign_in(client):
    assert client.get(reverse("accounts:erasure")).status_code == 302


@pytest.mark.parametrize(("count", "queries"), [(1, 10), (3, 10)])
def test_profile_query_count(alice_client, alice, django_assert_num_queries, count, queries):
    for index in range(count):
        MembershipFactory(person=alice, role="researcher")
        services.api_token_create(person=alice, name=f"token {index}", days=3)
    with django_assert_num_queries(queries):
        response = alice_client.get(PROFILE)
    assert len(response.context["tokens"]) == count
    assert len(response.context["memberships"]) == count


@pytest.mark.parametrize(("count", "queries"), [(1, 6), (3, 6)])
def test_erasure_page_query_count(
    alice_client, alice, staff, django_assert_num_queries, count, queries
):
    for _index in range(count):
        request = services.erasure_request_create(person=alice)
        services.erasure_request_refuse(erasure_request=request, actor=staff, note="No.")
    with django_assert_num_queries(queries):
        response = alice_client.get(reverse("accounts:erasure"))
    assert len(response.context["requests"]) == count
