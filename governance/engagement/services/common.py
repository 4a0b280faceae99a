"""Shared helpers of the engagement services: permission check, field errors, tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from governance.accounts.selectors import is_portal_staff
from governance.core.errors import NotPermitted, PortalError


def token_hash(raw: str) -> str:
    key = f"engagement:{settings.SECRET_KEY}".encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _check_staff(actor) -> None:
    if not is_portal_staff(actor):
        raise NotPermitted(_("Only portal staff may manage surveys, consultations and events."))


class FieldInvalid(PortalError):
    """A value someone entered breaks a rule; `field` names the form or API field to fix."""

    def __init__(self, detail: str, *, code: str, field: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.field = field


def _short(value: Any) -> Any:
    """An audit summary keeps values short (a description is not copied whole)."""
    return value[:100] if isinstance(value, str) else value


def _abs(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path
