"""django-allauth's pages inside the portal's layout: accessible, no inline script or style."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.accounts.conftest import reauthenticate, sign_in
from tests.factories import PASSWORD, UserFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

OIDC = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "lslogin",
                "name": "LS Login",
                "client_id": "portal",
                "secret": "s3cret",
                "settings": {"server_url": "https://login.example.eu/oidc"},
            }
        ],
    }
}


def assert_portal_page(text: str) -> None:
    """In the portal's layout, and nothing the Content Security Policy would block."""
    assert 'class="skip-link"' in text and '<main id="main"' in text
    assert "css/portal.css" in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script> block"
    assert "style=" not in text and "onclick=" not in text and "onload=" not in text


def assert_every_input_labelled(text: str) -> None:
    for match in re.finditer(r"<(?:input|select|textarea)\b[^>]*>", text):
        tag = match.group(0)
        if 'type="hidden"' in tag or 'type="submit"' in tag:
            continue
        input_id = re.search(r'\bid="([^"]+)"', tag)
        assert input_id, f"input without id: {tag}"
        assert f'for="{input_id.group(1)}"' in text, f"input without label: {tag}"


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_use_the_portal_layout(client, url_name):
    response = client.get(reverse(url_name))
    text = response.content.decode()
    assert response.status_code == 200
    assert_portal_page(text)
    assert_every_input_labelled(text)


def test_login_page_labels_email_and_password_and_links_reset(client):
    text = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_login"' in text and '<label for="id_password"' in text
    assert reverse("account_reset_password") in text
    assert "Sign in with your institution" not in text  # no external login configured


def test_login_page_puts_the_reset_link_after_the_password_and_the_button(client):
    # Tab order follows the document: email, password, then the button, then the reset link.
    text = client.get(reverse("account_login")).content.decode()
    email = text.index('id="id_login"')
    password = text.index('id="id_password"')
    button = text.index(">Sign in</button>")
    reset = text.index(f'href="{reverse("account_reset_password")}"')
    assert email < password < button < reset


def test_login_page_shows_the_external_oidc_button_when_configured(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS=OIDC):
        text = client.get(reverse("account_login")).content.decode()
    assert "Sign in with LS Login" in text
    assert "/accounts/oidc/lslogin/login/" in text
    assert_portal_page(text)


def test_login_error_is_announced(client, alice):
    response = client.post(reverse("account_login"), {"login": alice.email, "password": "wrong"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in text
    assert "<title>Error:" in text
    assert "not correct" in text


def test_signup_sends_verification_and_page_is_accessible(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    text = client.get(response["Location"]).content.decode()
    assert_portal_page(text)
    from governance.notifications.models import OutboundEmail

    assert OutboundEmail.objects.filter(to=["new@example.org"]).count() == 1


def test_signup_errors_are_announced_and_tied_to_fields(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "short", "password2": "other"},
    )
    text = response.content.decode()
    assert 'role="alert"' in text
    assert 'aria-invalid="true"' in text
    assert 'aria-describedby="id_email_error' in text


def test_password_change_page_in_layout(alice_client):
    text = alice_client.get(reverse("account_change_password")).content.decode()
    assert_portal_page(text)
    assert_every_input_labelled(text)


def test_email_management_page_has_no_scripts(alice_client):
    response = alice_client.get(reverse("account_email"))
    text = response.content.decode()
    assert response.status_code == 200
    assert_portal_page(text)
    assert "<script" not in text
    assert "<legend>" in text and "alice@example.org" in text


def test_totp_setup_page_shows_qr_secret_and_labelled_code(client, alice):
    sign_in(client, alice)
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    text = response.content.decode()
    assert response.status_code == 200
    assert_portal_page(text)
    assert_every_input_labelled(text)
    assert 'src="data:image/svg+xml;base64,' in text
    assert response.context["form"].secret in text


def test_recovery_codes_page_has_no_scripts(client, alice):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    give_totp(alice)
    RecoveryCodes.activate(alice)
    sign_in(client, alice)
    reauthenticate(client)
    response = client.get(reverse("mfa_view_recovery_codes"))
    text = response.content.decode()
    assert response.status_code == 200
    assert_portal_page(text)
    assert "<script" not in text
    assert len(re.findall(r"<li><code>\d+</code></li>", text)) == 10


def test_reauthentication_page_in_layout(alice_client):
    response = alice_client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    text = alice_client.get(response["Location"]).content.decode()
    assert_portal_page(text)
    assert_every_input_labelled(text)


def test_mfa_index_page_in_layout(alice_client, alice):
    give_totp(alice)
    text = alice_client.get(reverse("mfa_index")).content.decode()
    assert_portal_page(text)
    assert 'class="card"' in text


def test_mfa_login_page_in_layout_with_labelled_code(client, alice):
    give_totp(alice)
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    text = client.get(reverse("mfa_authenticate")).content.decode()
    assert_portal_page(text)
    assert_every_input_labelled(text)
    assert "<script" not in text


def test_password_reset_sends_email_for_known_address(client):
    UserFactory(email="forgot@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgot@example.org"})
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert_portal_page(text)


def test_totp_deactivate_page_warns_people_whose_role_requires_it(client, staff_with_mfa):
    sign_in(client, staff_with_mfa)
    reauthenticate(client)
    response = client.get(reverse("mfa_deactivate_totp"))
    text = response.content.decode()
    assert response.status_code == 200
    assert_portal_page(text)
    assert "Your role requires two-factor authentication" in text


def test_email_confirmation_page_in_layout_and_confirms(client):
    client.post(
        reverse("account_signup"),
        {"email": "confirm@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    from governance.notifications.models import OutboundEmail

    (message,) = OutboundEmail.objects.filter(to=["confirm@example.org"])
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body_text)
    url = found.group(1)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert_portal_page(text)
    response = client.post(url)
    assert response.status_code == 302
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(email="confirm@example.org").verified
