"""The transition tables of issued tokens and webhook deliveries, the services that follow them,
and the page and API that offer what a token allows (`allowed_actions`)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from governance.core.errors import InvalidTransition
from governance.core.permissions import allowed_actions
from governance.tokens import services
from governance.tokens.models import (
    TOKEN_MACHINE,
    WEBHOOK_DELIVERY_MACHINE,
    IssuedToken,
    WebhookDelivery,
)
from tests.factories import UserFactory
from tests.tokens.test_pages import _token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("action", "target"), [("revoke", "revoked"), ("expire", "expired")])
def test_token_table_allows(action, target):
    assert TOKEN_MACHINE.target("active", action) == target


@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_token_table_ends_in_final_states(state):
    assert TOKEN_MACHINE.is_final(state)
    with pytest.raises(InvalidTransition):
        TOKEN_MACHINE.target(state, "revoke")


@pytest.mark.parametrize(
    ("action", "target"),
    [("deliver", "delivered"), ("retry", "pending"), ("give_up", "failed")],
)
def test_webhook_delivery_table_allows(action, target):
    assert WEBHOOK_DELIVERY_MACHINE.target("pending", action) == target


@pytest.mark.parametrize("state", ["delivered", "failed"])
def test_webhook_delivery_table_ends_in_final_states(state):
    assert WEBHOOK_DELIVERY_MACHINE.is_final(state)
    with pytest.raises(InvalidTransition):
        WEBHOOK_DELIVERY_MACHINE.target(state, "deliver")


def test_token_state_is_read_off_its_record(researcher, processing):
    token = _token_for(researcher, processing)
    assert token.state == "active"
    token.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    assert token.state == "expired"
    token.revoked_at = timezone.now()
    assert token.state == "revoked"


def test_revoking_an_expired_token_is_refused(researcher, processing):
    token = _token_for(researcher, processing)
    IssuedToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(InvalidTransition, match="expired already"):
        services.revoke_token(actor=researcher, token=token)
    assert IssuedToken.objects.get(pk=token.pk).revoked_at is None


def test_revoking_twice_keeps_the_first_revocation(researcher, processing):
    token = services.revoke_token(actor=researcher, token=_token_for(researcher, processing))
    again = services.revoke_token(actor=researcher, token=token)
    assert again.revoked_at == token.revoked_at


def _delivery(processing, state: str) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        service=processing.service, event="grant.ended", payload={}, state=state
    )


def test_giving_up_a_delivered_webhook_is_refused(processing):
    delivery = _delivery(processing, WebhookDelivery.State.DELIVERED)
    with pytest.raises(InvalidTransition, match=r"is “Delivered”\. This status is final\."):
        services.give_up_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED


def test_a_webhook_given_up_on_is_never_sent_again(processing):
    delivery = _delivery(processing, WebhookDelivery.State.FAILED)
    with pytest.raises(InvalidTransition, match=r"is “Failed”\. This status is final\."):
        services.attempt_delivery(delivery_id=delivery.pk)
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 0


def test_only_the_person_may_revoke_their_token(researcher, processing):
    token = _token_for(researcher, processing)
    assert allowed_actions(researcher, token, TOKEN_MACHINE) == ["revoke"]
    assert allowed_actions(UserFactory(), token, TOKEN_MACHINE) == []


def test_page_and_api_offer_revoke_from_the_tokens_actions(client, researcher, processing):
    token = _token_for(researcher, processing)
    client.force_login(researcher)
    page = client.get(reverse("tokens:mine")).content.decode()
    assert "Revoke token" in page
    api = APIClient()
    api.force_login(researcher)
    [listed] = api.get("/api/v1/service-tokens/").json()["results"]
    assert (listed["id"], listed["allowed_actions"]) == (token.pk, ["revoke"])
    answer = api.post(f"/api/v1/service-tokens/{token.pk}/revoke/").json()
    assert answer["allowed_actions"] == []
