"""Writes about people: profile, personal API tokens, organisations, roles, export and erasure.

Each function runs in one transaction, checks that the actor may act, and appends an audit
event. Audit events name people as `person #<id>`, never by name or email: the trail is
append-only and must not keep personal data that an erasure has to remove.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts import personal_data, selectors
from governance.accounts.models import (
    ERASURE_REQUEST_MACHINE,
    ApiToken,
    ErasureRequest,
    Membership,
    Organisation,
    User,
)
from governance.accounts.roles import Role
from governance.audit.services import record
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.core.permissions import may
from governance.core.times import format_day, format_moment
from governance.notifications.services import send_email

API_TOKEN_PREFIX = "gpt_"  # nosec B105 # the public prefix of API tokens, not a secret
API_TOKEN_DEFAULT_DAYS = 90


def person_repr(person: User) -> str:
    return f"person #{person.pk}"


def _require(actor, permission: str, obj=None, message: str = "") -> None:
    if actor is None or not may(actor, permission, obj):
        raise NotPermitted(message or _("You are not allowed to do this."))


def _notify(
    *, to: str, template: str, context: dict[str, Any], forget_recipient: bool = False
) -> None:
    """Queue an email in the caller's transaction; it leaves once the transaction commits."""
    send_email(to=to, template=template, context=context, forget_recipient=forget_recipient)


# Profile


@transaction.atomic
def person_update_profile(*, person: User, actor: User, full_name: str) -> User:
    _require(actor, "accounts.change_person", person, _("You can only change your own name."))
    full_name = " ".join(full_name.split())
    if len(full_name) > 200:
        raise PortalError(_("Your name can be at most 200 characters long."))
    if full_name == person.full_name:
        return person
    person.full_name = full_name
    person.save(update_fields=["full_name"])
    _record_profile_change(person, actor=actor, after={"changed": ["full_name"]})
    return person


def _record_profile_change(person: User, *, actor: User, after: dict) -> None:
    record(
        actor=actor,
        action="person.profile_changed",
        object_type="accounts.user",
        object_id=person.pk,
        object_repr=person_repr(person),
        after=after,
    )


def person_set_language(*, person: User, language: str) -> User:
    """Keep the language the person chose: their emails and letters are written in it."""
    if language not in dict(settings.LANGUAGES):
        raise PortalError(_("Choose one of the portal's languages."))
    if person.language == language:
        return person
    person.language = language
    person.save(update_fields=["language"])
    _record_profile_change(
        person, actor=person, after={"changed": ["language"], "language": language}
    )
    return person


# Personal API tokens


class ApiTokenRejected(PortalError):
    """A personal API token that cannot be used; the message says what to do."""

    status = 401
    code = "token_invalid"


def api_token_hash(raw: str) -> str:
    key = settings.PORTAL_TOKEN_HASH_KEY.encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


def api_token_max_days() -> int:
    return max(1, settings.PORTAL_API_TOKEN_MAX_DAYS)


def api_token_default_days() -> int:
    return min(API_TOKEN_DEFAULT_DAYS, api_token_max_days())


@transaction.atomic
def api_token_create(*, person: User, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a token; returns it with the secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise PortalError(
            _("Give the token a name that says where you use it, e.g. 'analysis notebook'.")
        )
    if len(name) > 100:
        raise PortalError(_("A token name can be at most 100 characters long."))
    max_days = api_token_max_days()
    if not 1 <= days <= max_days:
        raise PortalError(
            _("A token can be valid for 1 to %(max)d days; choose a number in that range.")
            % {"max": max_days}
        )
    if not person.is_active:
        raise NotPermitted(_("This account is not active, so it cannot have API tokens."))
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        prefix=raw[: len(API_TOKEN_PREFIX) + 6],
        token_hash=api_token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        actor=person,
        action="api_token.created",
        obj=token,
        after={"prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    _require(actor, "accounts.revoke_api_token", token, _("You can only revoke your own tokens."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise InvalidTransition(
            _("This token was already revoked on %(date)s; nothing more to do.")
            % {"date": format_moment(token.revoked_at)}
        )
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="api_token.revoked",
        obj=token,
        before={"state": "active"},
        after={"state": "revoked"},
    )
    return token


def api_token_verify(*, raw: str) -> ApiToken:
    """The usable token behind `raw`, or ApiTokenRejected saying why not."""
    digest = api_token_hash(raw)
    token = ApiToken.objects.select_related("person").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise ApiTokenRejected(
            _(
                "This API token is unknown. Check that you copied all of it, or create a new "
                "one on your account page."
            ),
            code="token_unknown",
        )
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApiTokenRejected(
            _("This API token was revoked. Create a new one on your account page."),
            code="token_revoked",
        )
    if token.expires_at <= now:
        raise ApiTokenRejected(
            _("This API token expired on %(date)s. Create a new one on your account page.")
            % {"date": format_day(token.expires_at)},
            code="token_expired",
        )
    if not token.person.is_active:
        raise ApiTokenRejected(
            _("The account this API token belongs to is no longer active."),
            code="account_inactive",
        )
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The usable token behind `raw`, or None."""
    try:
        return api_token_verify(raw=raw)
    except ApiTokenRejected:
        return None


# Organisations and memberships

ORGANISATION_FIELDS = ("name", "short_name", "country", "provider_type", "is_for_profit", "website")


def _organisation_summary(organisation: Organisation) -> dict[str, Any]:
    return {field: str(getattr(organisation, field)) for field in ORGANISATION_FIELDS}


@transaction.atomic
def organisation_create(*, actor: User, **fields: Any) -> Organisation:
    _require(actor, "accounts.manage_organisations", message=_("Only staff add organisations."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    record(
        actor=actor,
        action="organisation.created",
        obj=organisation,
        after=_organisation_summary(organisation),
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields: Any) -> Organisation:
    _require(actor, "accounts.manage_organisations", message=_("Only staff edit organisations."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _organisation_summary(organisation)
    for field, value in fields.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    after = _organisation_summary(organisation)
    changed = [field for field in ORGANISATION_FIELDS if before[field] != after[field]]
    if not changed:
        return organisation
    organisation.save(update_fields=changed)
    record(
        actor=actor,
        action="organisation.changed",
        obj=organisation,
        before={field: before[field] for field in changed},
        after={field: after[field] for field in changed},
    )
    return organisation


def _membership_repr(membership: Membership) -> str:
    return (
        f"membership #{membership.pk}: {person_repr(membership.person)} as "
        f"{membership.role} at {membership.organisation.name}"
    )


@transaction.atomic
def membership_add(
    *, organisation: Organisation, person: User, role: str, actor: User
) -> Membership:
    _require(actor, "accounts.manage_memberships", message=_("Only staff give roles."))
    if role not in Role.values:
        raise PortalError(_("Choose one of the portal's roles."), code="invalid_role")
    if person.erased_at is not None or not person.is_active:
        raise PortalError(
            _("This account is not active; only active people can be given a role."),
            code="person_inactive",
        )
    if Membership.objects.filter(person=person, organisation=organisation, role=role).exists():
        raise PortalError(
            _("%(person)s already holds the role %(role)s at %(organisation)s.")
            % {
                "person": person.email,
                "role": Role(role).label,
                "organisation": organisation.name,
            },
            code="duplicate_membership",
        )
    membership = Membership.objects.create(person=person, organisation=organisation, role=role)
    selectors.forget_cached_roles(person)
    record(
        actor=actor,
        action="membership.added",
        obj=membership,
        object_repr=_membership_repr(membership),
        after={"person": person.pk, "organisation": organisation.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_add_by_email(
    *, organisation: Organisation, email: str, role: str, actor: User
) -> Membership:
    person = selectors.person_by_email(email)
    if person is None:
        raise PortalError(
            _(
                "Nobody with the email address %(email)s has an account yet. Ask them to create "
                "one (and confirm their address), then add them."
            )
            % {"email": email.strip()},
            code="unknown_person",
        )
    return membership_add(organisation=organisation, person=person, role=role, actor=actor)


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    _require(actor, "accounts.manage_memberships", message=_("Only staff remove roles."))
    membership = Membership.objects.select_related("person", "organisation").get(pk=membership.pk)
    if (
        membership.role == Role.STAFF
        and not Membership.objects.filter(role=Role.STAFF).exclude(pk=membership.pk).exists()
    ):
        raise PortalError(
            _("This is the last staff role in the portal. Give someone else the staff role first."),
            code="last_staff",
        )
    summary = {
        "person": membership.person_id,
        "organisation": membership.organisation_id,
        "role": membership.role,
    }
    description = _membership_repr(membership)
    membership_id = membership.pk
    membership.delete()
    selectors.forget_cached_roles(membership.person)
    record(
        actor=actor,
        action="membership.removed",
        object_type="accounts.membership",
        object_id=membership_id,
        object_repr=description,
        before=summary,
    )


# Personal data: export and erasure


@transaction.atomic
def personal_data_export(*, person: User, actor: User) -> dict[str, Any]:
    """The export document of `person`; a person exports their own data."""
    _require(actor, "accounts.change_person", person, _("You can only download your own data."))
    document = personal_data.export_person(person)
    record(
        actor=actor,
        action="person.data_exported",
        object_type="accounts.user",
        object_id=person.pk,
        object_repr=person_repr(person),
    )
    return document


@transaction.atomic
def erasure_request_create(*, person: User, reason: str = "") -> ErasureRequest:
    if person.erased_at is not None or not person.is_active:
        raise NotPermitted(_("This account is no longer active."))
    # Lock the person so two requests sent at once cannot both pass the check below.
    User.objects.select_for_update().filter(pk=person.pk).first()
    existing = selectors.open_erasure_request_of(person)
    if existing is not None:
        raise InvalidTransition(
            _(
                "You already asked for erasure on %(date)s. Staff will decide on that request; "
                "you can follow it on your account page."
            )
            % {"date": format_day(existing.requested_at)},
            code="erasure_already_requested",
        )
    request = ErasureRequest.objects.create(person=person, reason=reason.strip())
    record(
        actor=person,
        action="erasure_request.created",
        obj=request,
        object_repr=f"erasure request #{request.pk} of {person_repr(person)}",
        after={"state": request.state},
    )
    _notify(
        to=person.email,
        template="accounts/erasure_received",
        context={"person_name": person.get_short_name(), "request_id": request.pk},
    )
    return request


def _decide_erasure(
    *, erasure_request: ErasureRequest, actor: User, action: str, note: str
) -> tuple[ErasureRequest, User]:
    _require(actor, "accounts.decide_erasure", message=_("Only staff decide on erasure."))
    request = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
    target = ERASURE_REQUEST_MACHINE.target(request.state, action)
    if request.person_id == actor.pk:
        raise NotPermitted(_("Another staff member must decide on your own erasure request."))
    person = User.objects.select_for_update().get(pk=request.person_id)
    request.state = target
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_note = note.strip()
    return request, person


@transaction.atomic
def erasure_request_complete(
    *, erasure_request: ErasureRequest, actor: User, note: str = ""
) -> ErasureRequest:
    """Erase the person: every app's part, then the pseudonymised account row."""
    request, person = _decide_erasure(
        erasure_request=erasure_request, actor=actor, action="complete", note=note
    )
    original_email = person.email
    personal_data.erase_person(person)
    request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    record(
        actor=actor,
        action="erasure_request.completed",
        obj=request,
        object_repr=f"erasure request #{request.pk} of {person_repr(person)}",
        before={"state": "requested"},
        after={"state": request.state},
    )
    record(
        actor=actor,
        action="person.erased",
        object_type="accounts.user",
        object_id=person.pk,
        object_repr=person_repr(person),
        after={"erased_at": person.erased_at},
    )
    _notify(
        to=original_email,
        template="accounts/erasure_completed",
        context={"request_id": request.pk},
        forget_recipient=True,
    )
    return request


@transaction.atomic
def erasure_request_refuse(
    *, erasure_request: ErasureRequest, actor: User, note: str
) -> ErasureRequest:
    _require(actor, "accounts.decide_erasure", message=_("Only staff decide on erasure."))
    if not note.strip():
        raise PortalError(
            _("Explain why the request is refused; the person reads this note."),
            code="note_required",
        )
    request, person = _decide_erasure(
        erasure_request=erasure_request, actor=actor, action="refuse", note=note
    )
    request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    record(
        actor=actor,
        action="erasure_request.refused",
        obj=request,
        object_repr=f"erasure request #{request.pk} of {person_repr(person)}",
        before={"state": "requested"},
        after={"state": request.state},
    )
    _notify(
        to=person.email,
        template="accounts/erasure_refused",
        context={
            "person_name": person.get_short_name(),
            "request_id": request.pk,
            "note": request.decision_note,
        },
    )
    return request
