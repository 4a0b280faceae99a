"""Failed sign-ins are rate-limited through the shared cache (django-allauth `login_failed`)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_is_refused_after_too_many_failures_even_with_the_right_password(
    client, alice, settings
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "10/m/ip,3/5m/key",
    }
    for _attempt in range(3):
        response = client.post(reverse("account_login"), {"login": alice.email, "password": "nope"})
        assert "not correct" in response.content.decode()
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    text = response.content.decode()
    assert response.status_code in {200, 429}
    assert "Too many failed login attempts" in text
    assert 'role="alert"' in text or response.status_code == 429
    assert client.get(reverse("core:dashboard")).status_code == 302  # still signed out


def test_login_limit_uses_the_configured_default(client, alice):
    # The portal's own setting: 5 failures per address in 5 minutes.
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": alice.email, "password": "nope"})
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_login_limit_is_per_address(client, alice, bob):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": alice.email, "password": "nope"})
    response = client.post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    data = {"password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!"}
    for number in range(3):
        response = client.post(
            reverse("account_signup"), {"email": f"n{number}@example.org", **data}
        )
        assert response.status_code == 302
    response = client.post(reverse("account_signup"), {"email": "n9@example.org", **data})
    assert response.status_code == 429


def test_password_reset_is_rate_limited_per_email(client, alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "reset_password": "20/m/ip,2/m/key",
    }
    for _attempt in range(2):
        response = client.post(reverse("account_reset_password"), {"email": alice.email})
        assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 429 or "Too many" in response.content.decode()
