"""What the portal holds about a person: export it (GDPR art. 15/20) and erase it (art. 17).

Every governance app may have a `personal_data.py` with two functions:

- `export(person) -> dict`: everything the app holds about the person, JSON-serialisable
  (datetimes are fine); never secrets or hashes.
- `erase(person) -> None`: delete or pseudonymise that data. Runs inside the erasure's
  transaction, before the person's own row is pseudonymised, so the original email address is
  still readable. Records the law requires to keep (decisions, signed agreements, the audit trail)
  stay and keep pointing at the pseudonymised person.

`export_person` and `erase_person` below run every app's part, discovered like the dashboard
sections; this module is also the accounts app's own part.
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType
from typing import Any

from django.conf import settings
from django.utils import timezone

from governance.accounts.models import ApiToken, ErasureRequest, Membership, User
from governance.core.discovery import app_modules

EXPORT_FORMAT = "governance-portal-personal-data/1"


def modules() -> list[tuple[str, ModuleType]]:
    """(app label, module) for every governance app with a `personal_data` module."""
    return [(config.label, module) for config, module in app_modules("personal_data")]


def export_person(person: User) -> dict[str, Any]:
    """The whole export document; each app's part under its label."""
    return {
        "format": EXPORT_FORMAT,
        "portal": settings.PORTAL_BASE_URL,
        "generated_at": timezone.now().isoformat(),
        "person_id": person.pk,
        "data": {label: module.export(person) for label, module in modules()},
    }


def erase_person(person: User) -> None:
    """Every app's erasure; accounts goes last because it replaces the email address."""
    parts = modules()
    for label, module in parts:
        if label != "accounts":
            module.erase(person)
    erase(person)


# The accounts app's own part.


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(person: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from governance.audit.models import AuditEvent

    return {
        "profile": {
            "id": person.pk,
            "email": person.email,
            "full_name": person.full_name,
            "language": person.language,
            "date_joined": _when(person.date_joined),
            "last_login": _when(person.last_login),
            "is_active": person.is_active,
            "erased_at": _when(person.erased_at),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=person).order_by("email")
        ],
        "memberships": [
            {
                "id": membership.pk,
                "organisation": {
                    "id": membership.organisation_id,
                    "name": membership.organisation.name,
                    "country": str(membership.organisation.country),
                },
                "role": membership.role,
                "since": _when(membership.created_at),
            }
            for membership in Membership.objects.filter(person=person).select_related(
                "organisation"
            )
        ],
        "two_factor_authenticators": [
            {
                "type": authenticator.type,
                "created_at": _when(authenticator.created_at),
                "last_used_at": _when(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=person).order_by("pk")
        ],
        "external_accounts": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "date_joined": _when(account.date_joined),
                "last_login": _when(account.last_login),
                "data_from_provider": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=person).order_by("pk")
        ],
        "api_tokens": [
            {
                "id": token.pk,
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _when(token.created_at),
                "expires_at": _when(token.expires_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in ApiToken.objects.filter(person=person).order_by("created_at")
        ],
        "erasure_requests": [
            {
                "id": request.pk,
                "state": request.state,
                "reason": request.reason,
                "requested_at": _when(request.requested_at),
                "decided_at": _when(request.decided_at),
                "decision_note": request.decision_note,
            }
            for request in ErasureRequest.objects.filter(person=person).order_by("requested_at")
        ],
        "audit_events_as_actor": [
            {
                "sequence": event.sequence,
                "at": _when(event.at),
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "object": event.object_repr,
                "before": event.before,
                "after": event.after,
            }
            for event in AuditEvent.objects.filter(actor=person).order_by("sequence")
        ],
    }


def erase(person: User) -> None:
    """Pseudonymise the person's row and remove what lets anyone sign in as them."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    now = timezone.now()
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    SocialAccount.objects.filter(user=person).delete()
    ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)
    _delete_sessions(person)
    person.email = f"erased-{person.pk}@erased.invalid"
    person.full_name = ""
    person.set_unusable_password()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.erased_at = now
    person.save(
        update_fields=[
            "email",
            "full_name",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "erased_at",
        ]
    )
    person.groups.clear()
    person.user_permissions.clear()


def _delete_sessions(person: User) -> None:
    """Sign the person out everywhere (database-backed sessions carry the user id inside), and
    forget where they were signed in (allauth's session list: IP addresses, browsers)."""
    from allauth.usersessions.models import UserSession

    for user_session in UserSession.objects.filter(user=person):
        user_session.end()  # its session, whatever the engine, and the row
    if settings.SESSION_ENGINE not in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }:
        # Other engines cannot be searched; the unusable password already invalidates their
        # sessions at the next request (the session hash no longer matches).
        return
    from django.contrib.sessions.models import Session

    user_id = str(person.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    if doomed:
        if settings.SESSION_ENGINE.endswith("cached_db"):
            from django.contrib.sessions.backends.cached_db import SessionStore

            for key in doomed:
                SessionStore(session_key=key).delete()
        else:
            Session.objects.filter(session_key__in=doomed).delete()
