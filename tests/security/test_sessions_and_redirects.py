"""Abuse cases around signing in: session fixation, signing out everywhere, open redirects,
user enumeration and clickjacking."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example/phish"


def _sign_in(client, person, password, next_url=None):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    data = {"login": person.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


@pytest.fixture
def alice(password):
    return UserFactory(email="alice@example.org", password=password)


def test_signing_in_gives_a_new_session_key(client, alice, password):
    """Session fixation: a key planted before sign-in is worthless after it."""
    client.get(reverse("account_login"))
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key

    response = _sign_in(client, alice, password)

    assert response.status_code == 302
    assert client.session.session_key != planted_key
    attacker = Client()
    attacker.cookies["sessionid"] = planted_key
    assert attacker.get(reverse("core:dashboard")).status_code == 302  # to the sign-in page


def test_signing_out_other_sessions_ends_them(alice, password):
    laptop, phone = Client(), Client()
    _sign_in(laptop, alice, password)
    _sign_in(phone, alice, password)
    assert phone.get(reverse("core:dashboard")).status_code == 200

    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200 and "Sign Out Other Sessions" in page.content.decode()
    laptop.post(reverse("usersessions_list"))

    assert laptop.get(reverse("core:dashboard")).status_code == 200
    assert phone.get(reverse("core:dashboard")).status_code == 302


def test_changing_the_password_signs_out_every_other_browser(alice, password):
    laptop, phone = Client(), Client()
    _sign_in(laptop, alice, password)
    _sign_in(phone, alice, password)
    new = "another-long-pass-2026"
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("core:dashboard")).status_code == 200
    assert phone.get(reverse("core:dashboard")).status_code == 302


@pytest.mark.parametrize("target", [EVIL, "//evil.example/phish", "https:evil.example"])
def test_sign_in_never_redirects_off_site(client, alice, password, target):
    response = _sign_in(client, alice, password, next_url=target)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("target", [EVIL, "//evil.example/phish"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post(reverse("set_language"), {"language": "es", "next": target})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_sign_out_never_redirects_off_site(client, alice, password):
    _sign_in(client, alice, password)
    response = client.post(reverse("account_logout"), {"next": EVIL})
    assert "evil.example" not in response.get("Location", "")


def test_password_reset_does_not_tell_who_has_an_account(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": alice.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done = client.get(known["Location"]).content.decode()
    assert alice.email not in done and "nobody@example.org" not in done


def test_sign_up_does_not_tell_who_has_an_account(client, alice):
    data = {"password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!"}
    taken = client.post(reverse("account_signup"), {"email": alice.email, **data})
    fresh = client.post(reverse("account_signup"), {"email": "new@example.org", **data})
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert "already" not in taken.content.decode().lower()


@pytest.mark.parametrize("path", ["/", "/catalogue/", "/accounts/login/", "/api/v1/datasets/"])
def test_no_page_can_be_framed(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_erasure_forgets_where_the_person_was_signed_in(alice, password):
    from allauth.usersessions.models import UserSession

    from governance.accounts.personal_data import erase

    browser = Client()
    _sign_in(browser, alice, password)
    assert UserSession.objects.filter(user=alice).exists()
    erase(alice)
    assert not UserSession.objects.filter(user=alice).exists()
    assert browser.get(reverse("core:dashboard")).status_code == 302
