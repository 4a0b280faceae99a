"""/api/v1/: service-clients (staff), the person's service-authorisations and service-tokens,
and the GA4GH permissions endpoint in the schema. Tokens come from the real /oauth/token."""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import uuid
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client as DjangoClient
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from oauth2_provider.models import Application
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.tokens import keys, services
from governance.tokens.models import (
    IssuedToken,
    ServiceAuthorization,
    ServiceClient,
    WebhookDelivery,
)
from tests.factories import UserFactory
from tests.tokens.conftest import make_client
from tests.tokens.flows import form_fields

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/service-clients/"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # Rate-limit and introspection counters of this test alone, and no cache queries counted.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }


@pytest.fixture
def staff_api(staff_with_mfa):
    api = APIClient()
    api.force_login(staff_with_mfa)
    return api


def api_as(person) -> APIClient:
    api = APIClient()
    api.force_login(person)
    return api


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _token_request(client_id: str, secret: str):
    keys.ensure_current_key()
    return DjangoClient().post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(client_id, secret),
    )


def _token(client) -> str:
    response = _token_request(client.client_id, client.secret)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _is_active(client, token: str) -> bool:
    response = DjangoClient().post(
        "/oauth/introspect",
        {"token": token},
        HTTP_AUTHORIZATION=_basic(client.client_id, client.secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["active"]


def _person_token(person, client, redirect_uri: str, scope: str = "datasets") -> str:
    """The authorization code flow with PKCE, in-process: consent (once), code, token."""
    keys.ensure_current_key()
    browser = DjangoClient()
    browser.force_login(person)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client.client_id,
            "scope": scope,
            "redirect_uri": redirect_uri,
            "state": "s",
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    answer = browser.get(f"/oauth/authorize?{query}")
    if answer.status_code == 200:  # the consent page; remembered consent redirects at once
        answer = browser.post(
            f"/oauth/authorize?{query}", {**form_fields(answer.content.decode()), "allow": "on"}
        )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    response = DjangoClient().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=_basic(client.client_id, client.secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _code_flow_client(client_id: str):
    return make_client(
        client_id,
        grant_types=["client_credentials", "authorization_code"],
        scopes=["openid", "datasets"],
        redirect_uris=f"https://{client_id}.example/callback",
    )


def _callback(client) -> str:
    return f"https://{client.client_id}.example/callback"


REGISTRATION = {
    "name": "Download service",
    "audience": "https://download.example",
    "grant_types": ["client_credentials"],
    "scopes": ["datasets"],
    "access_conditions": ["download"],
    "webhook_url": "https://download.example/hooks/portal",
}


# Who may manage service clients


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("anonymous", 401, "not_authenticated"), ("person", 403, "permission_denied")],
)
def test_service_clients_are_for_staff_only(processing, researcher, who, status, code):
    api = APIClient() if who == "anonymous" else api_as(researcher)
    pk = processing.service.pk
    for method, path in [
        ("get", CLIENTS),
        ("get", f"{CLIENTS}{pk}/"),
        ("post", CLIENTS),
        ("patch", f"{CLIENTS}{pk}/"),
        ("post", f"{CLIENTS}{pk}/rotate-secret/"),
        ("post", f"{CLIENTS}{pk}/deactivate/"),
        ("get", f"{CLIENTS}{pk}/statistics/"),
        ("get", f"{CLIENTS}{pk}/deliveries/"),
    ]:
        response = getattr(api, method)(path, REGISTRATION if method != "get" else None)
        assert response.status_code == status, (method, path)
        assert response.json()["code"] == code
    if who == "person":
        assert "Only portal staff" in response.json()["detail"]
    assert ServiceClient.objects.count() == 1
    processing.service.refresh_from_db()
    assert processing.service.is_active
    assert _token_request(processing.client_id, processing.secret).status_code == 200


def test_staff_list_services_with_issuance_counts_and_no_secrets(staff_api, processing):
    downloader = make_client("downloader", webhook_url="https://downloader.example/hook")
    _token(processing)
    _token(processing)
    response = staff_api.get(CLIENTS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["client_id"]: row for row in body["results"]}
    assert rows["processing"]["issued_today"] == 2
    assert rows["processing"]["issued_week"] == 2
    assert rows["downloader"]["issued_today"] == 0
    assert rows["downloader"]["has_webhook_secret"] is True
    assert rows["processing"]["has_webhook_secret"] is False
    assert rows["processing"]["redirect_uris"] == "https://processing.example/callback"
    assert rows["processing"]["grant_types"] == ["client_credentials", "authorization_code"]
    text = response.content.decode()
    for secret in (processing.secret, downloader.secret, downloader.webhook_secret):
        assert secret not in text
    application = Application.objects.get(client_id="processing")
    assert application.client_secret not in text  # nor the stored hash
    assert downloader.service.webhook_secret_encrypted not in text
    assert all(not {"client_secret", "webhook_secret"} & set(row) for row in body["results"])


def test_list_filters_by_active(staff_api, processing, downloader):
    ServiceClient.objects.filter(pk=downloader.service.pk).update(is_active=False)
    results = staff_api.get(CLIENTS, {"is_active": "false"}).json()["results"]
    assert [row["client_id"] for row in results] == ["downloader"]


def test_unknown_service_is_404(staff_api):
    assert staff_api.get(f"{CLIENTS}999999/").status_code == 404
    assert staff_api.post(f"{CLIENTS}999999/rotate-secret/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_service_clients_list_query_count(staff_api, count, django_assert_num_queries):
    for n in range(count):
        make_client(f"svc-{n}")
    # session, person, roles (MFA rule and staff check), TOTP, count, page with the counts
    with django_assert_num_queries(6):
        response = staff_api.get(CLIENTS)
    assert response.json()["count"] == count


# Registering


def test_create_returns_the_secrets_once(staff_api, staff_with_mfa):
    response = staff_api.post(CLIENTS, REGISTRATION, format="json")
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    service = ServiceClient.objects.select_related("application").get(pk=body["id"])
    assert body["client_id"] == service.application.client_id
    assert body["name"] == "Download service"
    assert body["access_conditions"] == ["download"]
    assert body["has_webhook_secret"] is True
    assert body["is_active"] is True
    assert body["issued_today"] == 0
    secret, webhook_secret = body["client_secret"], body["webhook_secret"]
    assert check_password(secret, service.application.client_secret)
    assert services.webhook_secret_of(service) == webhook_secret
    assert service.created_by == staff_with_mfa
    assert AuditEvent.objects.filter(
        action="tokens.client_registered", actor=staff_with_mfa
    ).exists()
    # The secret works at the token endpoint, and no later answer shows either secret.
    assert _token_request(body["client_id"], secret).status_code == 200
    for later in (staff_api.get(CLIENTS), staff_api.get(f"{CLIENTS}{service.pk}/")):
        text = later.content.decode()
        assert secret not in text and webhook_secret not in text
        assert "client_secret" not in text
        assert later.get("Cache-Control") != "no-store"


def test_create_without_webhook_has_no_webhook_secret(staff_api):
    registration = {key: value for key, value in REGISTRATION.items() if key != "webhook_url"}
    body = staff_api.post(CLIENTS, registration, format="json").json()
    assert body["webhook_secret"] is None
    assert body["has_webhook_secret"] is False
    assert body["client_secret"]


def test_create_with_missing_fields_says_which(staff_api):
    response = staff_api.post(CLIENTS, {"name": "No audience"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"audience", "grant_types", "scopes"} <= set(body)
    assert not ServiceClient.objects.exists()


def test_create_with_an_unknown_scope_is_400_with_what_to_choose(staff_api):
    response = staff_api.post(
        CLIENTS, {**REGISTRATION, "scopes": ["datasets", "admin"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_scopes"
    assert "Choose scopes among" in response.json()["detail"]
    assert "ga4gh_passport_v1" in response.json()["detail"]
    assert not ServiceClient.objects.exists()


# Changing settings


def test_patch_changes_settings(staff_api, downloader):
    response = staff_api.patch(
        f"{CLIENTS}{downloader.service.pk}/",
        {"name": "Downloads", "scopes": ["datasets", "openid"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Downloads"
    assert body["scopes"] == ["datasets", "openid"]
    assert body["audience"] == "https://downloader.example"  # untouched
    assert body["webhook_secret"] is None
    service = ServiceClient.objects.select_related("application").get(pk=downloader.service.pk)
    assert service.application.name == "Downloads"
    assert service.scopes == ["datasets", "openid"]


def test_patch_with_an_unknown_scope_is_400_and_changes_nothing(staff_api, downloader):
    response = staff_api.patch(
        f"{CLIENTS}{downloader.service.pk}/", {"scopes": ["everything"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_scopes"
    assert "Choose scopes among: datasets, email" in response.json()["detail"]
    downloader.service.refresh_from_db()
    assert downloader.service.scopes == ["datasets"]


def test_patch_to_the_code_flow_without_redirect_uri_is_400(staff_api, downloader):
    response = staff_api.patch(
        f"{CLIENTS}{downloader.service.pk}/",
        {"grant_types": ["authorization_code"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The authorization code flow needs at least one redirect URI.",
        "code": "redirect_uri_required",
    }
    downloader.service.refresh_from_db()
    assert downloader.service.grant_types == ["client_credentials"]


def test_patch_of_access_conditions_revokes_the_live_tokens(staff_api, downloader):
    token = _token(downloader)
    assert _is_active(downloader, token)
    response = staff_api.patch(
        f"{CLIENTS}{downloader.service.pk}/",
        {"access_conditions": ["download", "in_situ_processing"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert not _is_active(downloader, token)
    assert IssuedToken.objects.get().revoked_reason == "service settings changed"
    assert _is_active(downloader, _token(downloader))  # new tokens follow the new settings


def test_patch_of_the_name_keeps_the_live_tokens(staff_api, downloader):
    token = _token(downloader)
    response = staff_api.patch(
        f"{CLIENTS}{downloader.service.pk}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    assert _is_active(downloader, token)


def test_patch_adding_a_webhook_returns_its_secret_once(staff_api, downloader):
    path = f"{CLIENTS}{downloader.service.pk}/"
    response = staff_api.patch(
        path, {"webhook_url": "https://downloader.example/hook"}, format="json"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    webhook_secret = response.json()["webhook_secret"]
    assert webhook_secret
    assert response.json()["has_webhook_secret"] is True
    assert services.webhook_secret_of(ServiceClient.objects.get()) == webhook_secret
    again = staff_api.patch(path, {"name": "Renamed"}, format="json")
    assert again.json()["webhook_secret"] is None
    assert webhook_secret not in staff_api.get(path).content.decode()


# Secrets and activation


def test_rotate_secret_retires_the_old_one(staff_api, downloader):
    response = staff_api.post(f"{CLIENTS}{downloader.service.pk}/rotate-secret/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_secret = response.json()["client_secret"]
    assert new_secret != downloader.secret
    assert response.json()["secret_rotated_at"] is not None
    old = _token_request(downloader.client_id, downloader.secret)
    assert old.status_code == 401
    assert _token_request(downloader.client_id, new_secret).status_code == 200
    assert new_secret not in staff_api.get(f"{CLIENTS}{downloader.service.pk}/").content.decode()


def test_rotate_webhook_secret_without_a_webhook_is_400(staff_api, downloader):
    response = staff_api.post(f"{CLIENTS}{downloader.service.pk}/rotate-webhook-secret/")
    assert response.status_code == 400
    assert response.json()["code"] == "no_webhook"
    assert "add one before rotating" in response.json()["detail"]


def test_rotate_webhook_secret_returns_the_new_secret_once(staff_api):
    hooked = make_client("hooked", webhook_url="https://hooked.example/hook")
    response = staff_api.post(f"{CLIENTS}{hooked.service.pk}/rotate-webhook-secret/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_secret = response.json()["webhook_secret"]
    assert new_secret and new_secret != hooked.webhook_secret
    assert services.webhook_secret_of(ServiceClient.objects.get()) == new_secret
    assert new_secret not in staff_api.get(f"{CLIENTS}{hooked.service.pk}/").content.decode()


def test_deactivate_and_activate(staff_api, downloader):
    path = f"{CLIENTS}{downloader.service.pk}/"
    response = staff_api.post(f"{path}deactivate/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert _token_request(downloader.client_id, downloader.secret).status_code == 401
    response = staff_api.post(f"{path}activate/")
    assert response.json()["is_active"] is True
    assert _token_request(downloader.client_id, downloader.secret).status_code == 200
    actions = list(
        AuditEvent.objects.filter(action__startswith="tokens.client_").values_list(
            "action", flat=True
        )
    )
    assert "tokens.client_deactivated" in actions and "tokens.client_activated" in actions


# Statistics and deliveries


def test_statistics_count_issued_tokens_and_introspections(staff_api, downloader, processing):
    token = _token(downloader)
    _token(downloader)
    _token(processing)  # another service's
    _is_active(downloader, token)
    response = staff_api.get(f"{CLIENTS}{downloader.service.pk}/statistics/")
    assert response.status_code == 200
    days = response.json()
    today = timezone.localdate()
    assert [day["day"] for day in days] == [
        (today - datetime.timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    assert days[-1] == {"day": today.isoformat(), "issued": 2, "introspections": 1}
    assert all(day["issued"] == 0 and day["introspections"] == 0 for day in days[:-1])


def _delivery(service, event: str, **fields) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        service=service, event=event, payload={"event": event}, **fields
    )


def test_deliveries_list_the_services_log(staff_api):
    hooked = make_client("hooked", webhook_url="https://hooked.example/hook")
    other = make_client("other", webhook_url="https://other.example/hook")
    _delivery(other.service, "grant.ended")
    failed = _delivery(
        hooked.service,
        "grant.ended",
        state=WebhookDelivery.State.FAILED,
        attempts=5,
        last_status=503,
        last_error="HTTP 503",
    )
    delivered = _delivery(
        hooked.service,
        "dataset.consent_changed",
        state=WebhookDelivery.State.DELIVERED,
        attempts=1,
        last_status=204,
        delivered_at=timezone.now(),
    )
    response = staff_api.get(f"{CLIENTS}{hooked.service.pk}/deliveries/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [delivered.pk, failed.pk]
    assert body["results"][1] == {
        "id": failed.pk,
        "event": "grant.ended",
        "state": "failed",
        "attempts": 5,
        "last_status": 503,
        "last_error": "HTTP 503",
        "created_at": body["results"][1]["created_at"],
        "delivered_at": None,
    }
    assert hooked.webhook_secret not in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_deliveries_query_count(staff_api, count, django_assert_num_queries):
    hooked = make_client("hooked", webhook_url="https://hooked.example/hook")
    for n in range(count):
        _delivery(hooked.service, f"event-{n}")
    # session, person, roles, TOTP, the service, count, page
    with django_assert_num_queries(7):
        response = staff_api.get(f"{CLIENTS}{hooked.service.pk}/deliveries/")
    assert response.json()["count"] == count


# The person's authorisations and tokens


def test_person_sees_and_withdraws_an_authorisation(researcher, processing):
    token = _person_token(researcher, processing, _callback(processing))
    api = api_as(researcher)
    response = api.get("/api/v1/service-authorisations/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    authorization = ServiceAuthorization.objects.get()
    assert row == {
        "id": authorization.pk,
        "client_id": "processing",
        "service_name": "Processing",
        "scopes": ["datasets"],
        "granted_at": row["granted_at"],
        "revoked_at": None,
    }
    response = api.post(f"/api/v1/service-authorisations/{authorization.pk}/withdraw/")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert not _is_active(processing, token)
    assert api.get("/api/v1/service-authorisations/").json()["results"] == []
    # Once withdrawn it is no longer among yours.
    again = api.post(f"/api/v1/service-authorisations/{authorization.pk}/withdraw/")
    assert again.status_code == 404


def test_someone_elses_authorisation_is_404(researcher, processing, staff_with_mfa):
    token = _person_token(researcher, processing, _callback(processing))
    authorization = ServiceAuthorization.objects.get()
    for person in (UserFactory(), staff_with_mfa):
        api = api_as(person)
        assert api.get("/api/v1/service-authorisations/").json()["results"] == []
        assert api.get(f"/api/v1/service-authorisations/{authorization.pk}/").status_code == 404
        response = api.post(f"/api/v1/service-authorisations/{authorization.pk}/withdraw/")
        assert response.status_code == 404
    authorization.refresh_from_db()
    assert authorization.revoked_at is None
    assert _is_active(processing, token)


def test_person_sees_live_tokens_with_their_datasets(researcher, processing, in_situ_grant):
    token = _person_token(researcher, processing, _callback(processing))
    _token(processing)  # the service's own token: not the person's
    response = api_as(researcher).get("/api/v1/service-tokens/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    issued = IssuedToken.objects.get(person=researcher)
    assert row["id"] == issued.pk
    assert row["client_id"] == "processing"
    assert row["service_name"] == "Processing"
    assert row["jti"] == issued.jti
    assert row["scope"] == "datasets"
    assert row["datasets"] == [in_situ_grant.dataset.persistent_url]
    assert row["revoked_at"] is None
    assert token not in response.content.decode()


def test_person_revokes_a_token(researcher, processing):
    token = _person_token(researcher, processing, _callback(processing))
    issued = IssuedToken.objects.get()
    api = api_as(researcher)
    response = api.post(f"/api/v1/service-tokens/{issued.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert not _is_active(processing, token)
    assert api.get("/api/v1/service-tokens/").json()["results"] == []
    assert AuditEvent.objects.filter(action="tokens.revoked", actor=researcher).exists()


def test_someone_elses_token_is_404(researcher, processing, staff_with_mfa):
    token = _person_token(researcher, processing, _callback(processing))
    issued = IssuedToken.objects.get()
    for person in (UserFactory(), staff_with_mfa):
        api = api_as(person)
        assert api.get("/api/v1/service-tokens/").json()["results"] == []
        assert api.get(f"/api/v1/service-tokens/{issued.pk}/").status_code == 404
        assert api.post(f"/api/v1/service-tokens/{issued.pk}/revoke/").status_code == 404
    assert _is_active(processing, token)


@pytest.mark.parametrize("path", ["/api/v1/service-authorisations/", "/api/v1/service-tokens/"])
def test_the_persons_lists_need_sign_in(path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("count", [1, 3])
def test_person_lists_query_count(researcher, count, django_assert_num_queries):
    for n in range(count):
        client = _code_flow_client(f"svc-{n}")
        _person_token(researcher, client, _callback(client))
    api = api_as(researcher)
    # session, person, roles (MFA rule), count, page with the services
    with django_assert_num_queries(5):
        authorisations = api.get("/api/v1/service-authorisations/").json()
    with django_assert_num_queries(5):
        tokens = api.get("/api/v1/service-tokens/").json()
    assert authorisations["count"] == tokens["count"] == count


# Schema


def test_schema_builds_with_the_token_endpoints(staff_api):
    GENERATOR_STATS.reset()
    response = staff_api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/service-clients/",
        "/api/v1/service-clients/{id}/rotate-secret/",
        "/api/v1/service-clients/{id}/rotate-webhook-secret/",
        "/api/v1/service-clients/{id}/statistics/",
        "/api/v1/service-clients/{id}/deliveries/",
        "/api/v1/service-authorisations/{id}/withdraw/",
        "/api/v1/service-tokens/{id}/revoke/",
    ):
        assert path in paths
    ga4gh = paths["/api/v1/ga4gh/permissions/{sub}"]["get"]
    assert [p["name"] for p in ga4gh["parameters"]] == ["sub"]
    assert set(ga4gh["responses"]) == {"200", "401", "403", "404"}
    scheme = response.json()["components"]["securitySchemes"]["brokerToken"]
    assert scheme["scheme"] == "bearer"
    ours = [
        message
        for message in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if "governance/tokens" in message
    ]
    assert ours == []
