"""The person's services page and the staff pages for technical services."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from governance.tokens import services
from governance.tokens.models import IssuedToken, ServiceAuthorization, ServiceClient
from tests.agreements.factories import GrantFactory
from tests.factories import UserFactory
from tests.tokens.conftest import make_client

pytestmark = pytest.mark.django_db


def _token_for(person, client, n: int = 0) -> IssuedToken:
    access = AccessToken.objects.create(
        user=person,
        application=client.service.application,
        token_checksum=hashlib.sha256(f"{person.pk}-{n}".encode()).hexdigest(),
        expires=timezone.now() + datetime.timedelta(minutes=10),
        scope="datasets",
    )
    now = int(timezone.now().timestamp())
    grant = GrantFactory(person=person)
    return services.record_issued(
        access_token=access,
        raw_token=f"raw-{person.pk}-{n}",
        claims={
            "jti": f"jti-{person.pk}-{n}",
            "iat": now,
            "exp": now + 600,
            "client_id": client.client_id,
        },
        kid="k",
        carried=[(grant.pk, grant.dataset_id)],
        grant_type="authorization_code",
    )


@pytest.fixture
def person_client(client, researcher):
    client.force_login(researcher)
    return client


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


@pytest.mark.parametrize("count", [1, 3])
def test_my_services_lists_authorisations_and_live_tokens(
    person_client, researcher, processing, count, django_assert_num_queries
):
    for n in range(count):
        _token_for(researcher, processing, n)
    services.remember_consent(
        person=researcher, client=processing.service.application, scopes=["datasets"]
    )
    # session, person, roles, authorisations, tokens
    with django_assert_num_queries(6):
        response = person_client.get(reverse("tokens:mine"))
    assert response.status_code == 200
    assert response.content.decode().count("Revoke token") == count
    assert "Withdraw authorisation of Processing" in response.content.decode()


def test_my_services_needs_sign_in(client):
    response = client.get(reverse("tokens:mine"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_person_revokes_their_token(person_client, researcher, processing):
    token = _token_for(researcher, processing)
    response = person_client.post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active()
    assert not AccessToken.objects.filter(pk=token.access_token_id).exists()


def test_person_cannot_revoke_someone_elses_token(person_client, processing):
    token = _token_for(UserFactory(), processing)
    assert person_client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_withdrawing_an_authorisation_revokes_the_services_tokens(
    person_client, researcher, processing
):
    token = _token_for(researcher, processing)
    authorization = services.remember_consent(
        person=researcher, client=processing.service.application, scopes=["datasets"]
    )
    response = person_client.post(reverse("tokens:withdraw", args=[authorization.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ServiceAuthorization.objects.get().revoked_at is not None


def test_withdraw_needs_post(person_client, researcher, processing):
    authorization = services.remember_consent(
        person=researcher, client=processing.service.application, scopes=["datasets"]
    )
    assert person_client.get(reverse("tokens:withdraw", args=[authorization.pk])).status_code == 405


@pytest.mark.parametrize("count", [1, 3])
def test_staff_see_clients_with_issuance_counts(
    staff_client, researcher, count, django_assert_num_queries
):
    clients = [make_client(f"svc-{n}") for n in range(count)]
    _token_for(researcher, clients[0])
    # session, person, roles, TOTP, services with counts
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("tokens:clients"))
    assert response.status_code == 200
    rows = response.context["services"]
    assert len(rows) == count
    assert next(row for row in rows if row.application.client_id == "svc-0").issued_today == 1


def test_clients_page_does_not_exist_for_others(person_client):
    assert person_client.get(reverse("tokens:clients")).status_code == 404


def test_staff_register_a_service_and_see_its_secret_once(staff_client):
    response = staff_client.post(
        reverse("tokens:client_create"),
        {
            "name": "Download service",
            "audience": "https://download.example",
            "grant_types": ["client_credentials"],
            "scopes": ["datasets"],
            "access_conditions": ["download"],
            "webhook_url": "https://download.example/hooks/portal",
        },
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert response.context["webhook_secret"]
    service = ServiceClient.objects.get(audience="https://download.example")
    assert service.application.client_secret != secret
    assert check_password(secret, service.application.client_secret)
    assert secret not in service.webhook_secret_encrypted
    detail = staff_client.get(reverse("tokens:client", args=[service.pk]))
    assert secret not in detail.content.decode()


def test_registering_a_code_flow_client_needs_a_redirect_uri(staff_client):
    response = staff_client.post(
        reverse("tokens:client_create"),
        {
            "name": "Viewer",
            "audience": "https://viewer.example",
            "grant_types": ["authorization_code"],
            "scopes": ["datasets"],
        },
    )
    assert response.status_code == 200
    assert "redirect_uris" in response.context["form"].errors
    assert not Application.objects.exists()


def test_rotating_the_secret_retires_the_old_one(staff_client, processing):
    response = staff_client.post(reverse("tokens:client_rotate", args=[processing.service.pk]))
    new_secret = response.context["secret"]
    application = Application.objects.get(pk=processing.service.application_id)
    assert check_password(new_secret, application.client_secret)
    assert not check_password(processing.secret, application.client_secret)


def test_client_detail_shows_statistics_and_deliveries(staff_client, processing):
    response = staff_client.get(reverse("tokens:client", args=[processing.service.pk]))
    assert response.status_code == 200
    assert len(response.context["issuance"]) == 7
    assert staff_client.get(reverse("tokens:deliveries")).status_code == 200
    assert staff_client.get(reverse("tokens:client", args=[999999])).status_code == 404


def test_staff_disable_a_service_and_it_can_no_longer_get_tokens(staff_client, processing):
    staff_client.post(reverse("tokens:client_toggle", args=[processing.service.pk]))
    assert not ServiceClient.objects.get(pk=processing.service.pk).is_active
    import base64

    basic = base64.b64encode(f"{processing.client_id}:{processing.secret}".encode()).decode()
    response = staff_client.post(
        "/oauth/token", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 401


def test_dashboard_links_researchers_and_staff_to_the_token_pages(researcher, processing, staff):
    from governance.tokens import dashboard

    services.remember_consent(
        person=researcher, client=processing.service.application, scopes=["datasets"]
    )
    [section] = dashboard.sections(researcher, frozenset({"researcher"}))
    assert [item.text for item in section.items] == ["Processing"]
    [staff_section] = dashboard.sections(staff, frozenset({"staff"}))
    assert staff_section.links[0].url == reverse("tokens:clients")
    assert dashboard.sections(researcher, frozenset({"applicant"})) == []


def test_personal_data_export_and_erasure(researcher, processing):
    from governance.tokens import personal_data

    token = _token_for(researcher, processing)
    services.remember_consent(
        person=researcher, client=processing.service.application, scopes=["datasets"]
    )
    exported = personal_data.export(researcher)
    assert exported["tokens"][0]["jti"] == token.jti
    assert exported["authorised_services"][0]["service"] == "Processing"
    assert "raw-" not in str(exported)
    personal_data.erase(researcher)
    assert not IssuedToken.objects.filter(person=researcher).exists()
    assert not AccessToken.objects.filter(user=researcher).exists()
    assert personal_data.export(researcher)["authorised_services"] == []


def test_consent_page_lets_its_form_redirect_to_the_service_only(person_client, processing):
    response = person_client.get(
        "/oauth/authorize?response_type=code&client_id=processing&scope=datasets"
        "&redirect_uri=https://processing.example/callback&state=s"
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    )
    assert response.status_code == 200
    assert "Allow Processing to act for you?" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://processing.example;" in policy
    assert (
        "form-action 'self';"
        in person_client.get(reverse("tokens:mine"))["Content-Security-Policy"]
    )


def test_authorize_with_an_unregistered_redirect_uri_shows_an_error_page(person_client, processing):
    response = person_client.get(
        "/oauth/authorize?response_type=code&client_id=processing&scope=datasets"
        "&redirect_uri=https://evil.example/callback&state=s"
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    )
    assert response.status_code == 400
    assert "evil.example" not in response.get("Location", "")
    assert "cannot be accepted" in response.content.decode()
