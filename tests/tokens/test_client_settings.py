"""Staff change a technical service's settings and rotate its webhook secret (pages and
services); token-shaping changes revoke the service's live tokens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.core.errors import NotPermitted, PortalError
from governance.tokens import services
from governance.tokens.models import IssuedToken
from tests.tokens.test_pages import _token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


def _form(service, **changes) -> dict:
    data = services.describe_client(service)
    data = {**data, **changes}
    return {key: value for key, value in data.items() if value not in (False, "", None)}


def test_changing_what_tokens_say_revokes_the_live_tokens(staff_client, processing, researcher):
    live = _token_for(researcher, processing)
    response = staff_client.post(
        reverse("tokens:client_edit", args=[processing.service.pk]),
        _form(processing.service, access_conditions=["in_situ_processing"]),
        follow=True,
    )
    assert "live tokens were revoked" in response.content.decode()
    processing.service.refresh_from_db()
    assert processing.service.access_conditions == ["in_situ_processing"]
    live.refresh_from_db()
    assert live.revoked_at is not None and live.revoked_reason == "service settings changed"
    event = AuditEvent.objects.get(action="tokens.client_updated")
    assert event.before == {"access_conditions": ["in_situ_processing", "remote_processing"]}
    assert event.after == {"access_conditions": ["in_situ_processing"], "tokens_revoked": 1}


def test_renaming_a_service_keeps_its_tokens(staff_client, processing, researcher):
    live = _token_for(researcher, processing)
    response = staff_client.post(
        reverse("tokens:client_edit", args=[processing.service.pk]),
        _form(processing.service, name="Processing back end"),
    )
    assert response.status_code == 302
    processing.service.application.refresh_from_db()
    assert processing.service.application.name == "Processing back end"
    assert IssuedToken.objects.get(pk=live.pk).revoked_at is None


def test_the_edit_form_shows_what_to_fix(staff_client, processing):
    response = staff_client.post(
        reverse("tokens:client_edit", args=[processing.service.pk]),
        _form(processing.service, redirect_uris=""),
    )
    assert response.status_code == 200
    assert "needs at least one redirect URI" in response.content.decode()
    processing.service.application.refresh_from_db()
    assert processing.service.application.redirect_uris  # unchanged


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"scopes": ["datasets", "admin"]}, "invalid_scopes"),
        ({"grant_types": ["password"]}, "invalid_grant_types"),
        ({"access_conditions": ["teleportation"]}, "invalid_access_conditions"),
        ({"grant_types": ["authorization_code"], "redirect_uris": " "}, "redirect_uri_required"),
    ],
)
def test_update_refuses_settings_a_token_could_not_honour(
    staff_with_mfa, processing, changes, code
):
    with pytest.raises(PortalError) as refused:
        services.update_client(actor=staff_with_mfa, service=processing.service, **changes)
    assert refused.value.code == code
    processing.service.refresh_from_db()
    assert processing.service.scopes == [
        "openid",
        "profile",
        "email",
        "datasets",
        "ga4gh_passport_v1",
    ]


def test_only_staff_change_settings(researcher, processing):
    with pytest.raises(NotPermitted):
        services.update_client(actor=researcher, service=processing.service, name="Mine now")
    with pytest.raises(NotPermitted):
        services.rotate_webhook_secret(actor=researcher, service=processing.service)


def test_settings_page_does_not_exist_for_others(client, researcher, processing):
    client.force_login(researcher)
    assert (
        client.get(reverse("tokens:client_edit", args=[processing.service.pk])).status_code == 404
    )


def test_adding_a_webhook_shows_its_secret_once_and_rotation_replaces_it(staff_client, processing):
    url = reverse("tokens:client_edit", args=[processing.service.pk])
    added = staff_client.post(
        url, _form(processing.service, webhook_url="https://processing.example/hooks")
    )
    first = added.context["webhook_secret"]
    assert first and first in added.content.decode()
    processing.service.refresh_from_db()
    assert services.webhook_secret_of(processing.service) == first
    rotated = staff_client.post(
        reverse("tokens:client_rotate_webhook", args=[processing.service.pk])
    )
    second = rotated.context["webhook_secret"]
    assert second and second != first and second in rotated.content.decode()
    processing.service.refresh_from_db()
    assert services.webhook_secret_of(processing.service) == second
    assert AuditEvent.objects.filter(action="tokens.webhook_secret_rotated").count() == 1
    detail = staff_client.get(reverse("tokens:client", args=[processing.service.pk]))
    assert second not in detail.content.decode()
    # Removing the webhook forgets its secret.
    staff_client.post(url, _form(processing.service, webhook_url=""))
    processing.service.refresh_from_db()
    assert processing.service.webhook_secret_encrypted == ""


def test_rotating_a_webhook_secret_without_a_webhook_says_what_to_do(staff_client, processing):
    response = staff_client.post(
        reverse("tokens:client_rotate_webhook", args=[processing.service.pk]), follow=True
    )
    assert "add one before rotating" in response.content.decode()


def test_withdrawing_twice_changes_nothing_the_second_time(researcher, processing):
    from governance.tokens.models import ServiceAuthorization

    authorization = services.remember_consent(
        person=researcher, client=processing.service.application, scopes=["datasets"]
    )
    services.withdraw_authorization(actor=researcher, authorization=authorization)
    first = ServiceAuthorization.objects.get(pk=authorization.pk).revoked_at
    services.withdraw_authorization(actor=researcher, authorization=authorization)
    assert ServiceAuthorization.objects.get(pk=authorization.pk).revoked_at == first
    assert AuditEvent.objects.filter(action="tokens.authorisation_withdrawn").count() == 1
