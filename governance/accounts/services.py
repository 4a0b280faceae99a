"""Writes about people: personal API tokens, roles, data export and erasure."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.accounts.models import ApiToken, User
from governance.audit.services import record

API_TOKEN_PREFIX = "gpt_"


def api_token_hash(raw: str) -> str:
    key = settings.PORTAL_TOKEN_HASH_KEY.encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def api_token_create(*, person: User, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a token; returns it with the secret, which is never shown again."""
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        prefix=raw[: len(API_TOKEN_PREFIX) + 6],
        token_hash=api_token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        actor=person, action="api_token.created", obj=token, after={"expires_at": token.expires_at}
    )
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    digest = api_token_hash(raw)
    token = ApiToken.objects.select_related("person").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.person.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
