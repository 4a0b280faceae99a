"""Driving the authorization code + PKCE flow over HTTP like a browser and a service would."""

from __future__ import annotations

import html
import re

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client as DjangoClient

from tests.tokens.conftest import Client

REDIRECT_URI = "https://processing.example/callback"


def signed_in_browser(person) -> requests.Session:
    """A requests session carrying a Django session cookie of `person`."""
    django_client = DjangoClient()
    django_client.force_login(person)
    browser = requests.Session()
    for name, morsel in django_client.cookies.items():
        browser.cookies.set(name, morsel.value)
    return browser


def form_fields(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
    }


def service_session(client: Client, scope: str) -> OAuth2Session:
    return OAuth2Session(
        client.client_id,
        client.secret,
        scope=scope,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def authorize(base: str, client: Client, browser: requests.Session, scope: str, *, allow=True):
    """Run the flow up to the redirect; returns (service session, code verifier, response)."""
    session = service_session(client, scope)
    verifier = generate_token(48)
    url, _state = session.create_authorization_url(
        f"{base}/oauth/authorize", code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    page = browser.get(url, allow_redirects=False, timeout=10)
    if page.status_code == 302:  # consent remembered: straight back to the service
        return session, verifier, page
    assert page.status_code == 200, page.text
    data = form_fields(page.text)
    if allow:
        data["allow"] = "on"
    answer = browser.post(
        url, data=data, allow_redirects=False, timeout=10, headers={"Referer": url}
    )
    return session, verifier, answer


def code_flow_token(base: str, client: Client, person, scope: str) -> dict:
    browser = signed_in_browser(person)
    session, verifier, answer = authorize(base, client, browser, scope)
    assert answer.status_code == 302, answer.text
    return session.fetch_token(
        f"{base}/oauth/token",
        authorization_response=answer.headers["Location"],
        code_verifier=verifier,
    )
