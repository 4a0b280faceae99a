"""Writes of the token service: clients, token records, revocations, consent, webhooks."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application, RefreshToken, revoke_access_token

from governance.accounts.selectors import is_portal_staff
from governance.audit.services import record
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.tokens import keys, ratelimit
from governance.tokens.models import (
    TOKEN_MACHINE,
    WEBHOOK_DELIVERY_MACHINE,
    CarriedGrant,
    IntrospectionCount,
    IssuedToken,
    ServiceAuthorization,
    ServiceClient,
    WebhookDelivery,
)

CONFIDENTIAL = Application.CLIENT_CONFIDENTIAL

# Webhook deliveries were created, sent inside that transaction with `delivery_ids`. The tokens
# tasks module listens and delivers each once the transaction commits.
webhooks_queued = Signal()


def _require_staff(actor) -> None:
    if not is_portal_staff(actor):
        raise NotPermitted(_("Only portal staff may manage technical services."))


# --- clients ---------------------------------------------------------------------------------
def check_client_spec(
    *,
    grant_types: list[str],
    scopes: list[str],
    access_conditions: list[str],
    redirect_uris: str,
) -> None:
    """What a service may be registered with; a PortalError saying what to fix otherwise."""
    from governance.catalogue.models import AccessCondition

    unknown = sorted(set(grant_types) - set(ServiceClient.GrantType.values))
    if unknown or not grant_types:
        raise PortalError(
            _("Choose grant types among: %(known)s.")
            % {"known": ", ".join(ServiceClient.GrantType.values)},
            code="invalid_grant_types",
        )
    known_scopes = set(settings.OAUTH2_PROVIDER["SCOPES"])  # type: ignore[call-overload]
    unknown = sorted(set(scopes) - known_scopes)
    if unknown or not scopes:
        raise PortalError(
            _("Choose scopes among: %(known)s.") % {"known": ", ".join(sorted(known_scopes))},
            code="invalid_scopes",
        )
    known_conditions = set(AccessCondition.objects.values_list("code", flat=True))
    unknown = sorted(set(access_conditions) - known_conditions)
    if unknown:
        raise PortalError(
            _("Unknown access conditions: %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known_conditions))},
            code="invalid_access_conditions",
        )
    if ServiceClient.GrantType.AUTHORIZATION_CODE in grant_types and not redirect_uris.strip():
        raise PortalError(
            _("The authorization code flow needs at least one redirect URI."),
            code="redirect_uri_required",
        )


def register_client(
    *,
    actor,
    name: str,
    audience: str,
    grant_types: list[str],
    scopes: list[str],
    access_conditions: list[str],
    may_read_ga4gh: bool = False,
    redirect_uris: str = "",
    webhook_url: str = "",
    client_id: str | None = None,
    client_secret: str | None = None,
    check_permission: bool = True,
) -> tuple[ServiceClient, str, str]:
    """Register a service; returns it with its client secret and webhook secret (shown once)."""
    if check_permission:
        _require_staff(actor)
    check_client_spec(
        grant_types=grant_types,
        scopes=scopes,
        access_conditions=access_conditions,
        redirect_uris=redirect_uris,
    )
    secret = client_secret or secrets.token_urlsafe(48)
    webhook_secret = secrets.token_urlsafe(32) if webhook_url else ""
    code_flow = ServiceClient.GrantType.AUTHORIZATION_CODE in grant_types
    with transaction.atomic():
        application = Application(
            name=name,
            client_type=CONFIDENTIAL,
            authorization_grant_type=(
                Application.GRANT_AUTHORIZATION_CODE
                if code_flow
                else Application.GRANT_CLIENT_CREDENTIALS
            ),
            client_secret=secret,
            hash_client_secret=True,
            redirect_uris=redirect_uris.strip(),
        )
        if client_id:
            application.client_id = client_id
        try:
            application.clean()
        except ValidationError as exc:
            raise PortalError(" ".join(exc.messages)) from exc
        application.save()
        service = ServiceClient.objects.create(
            application=application,
            audience=audience,
            grant_types=list(grant_types),
            scopes=list(scopes),
            access_conditions=list(access_conditions),
            may_read_ga4gh=may_read_ga4gh,
            webhook_url=webhook_url,
            webhook_secret_encrypted=keys.encrypt(webhook_secret) if webhook_secret else "",
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record(
            actor=actor,
            action="tokens.client_registered",
            obj=service,
            after={
                "client_id": application.client_id,
                "audience": audience,
                "grant_types": grant_types,
                "scopes": scopes,
                "access_conditions": access_conditions,
                "may_read_ga4gh": may_read_ga4gh,
                "webhook": bool(webhook_url),
            },
        )
    return service, secret, webhook_secret


def rotate_secret(*, actor, service: ServiceClient) -> str:
    """A new client secret (the old one stops working at once); returned to show once."""
    _require_staff(actor)
    secret = secrets.token_urlsafe(48)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=service.application_id)
        application.client_secret = secret
        application.save(update_fields=["client_secret", "updated"])
        service.secret_rotated_at = timezone.now()
        service.save(update_fields=["secret_rotated_at"])
        record(actor=actor, action="tokens.client_secret_rotated", obj=service)
    return secret


EDITABLE = (
    "name",
    "audience",
    "grant_types",
    "scopes",
    "access_conditions",
    "may_read_ga4gh",
    "redirect_uris",
    "webhook_url",
)


# Settings that decide what a token of the service says or may do.
TOKEN_SHAPING = {"audience", "grant_types", "scopes", "access_conditions", "may_read_ga4gh"}


def describe_client(service: ServiceClient) -> dict[str, Any]:
    """The editable settings of a service, as update_client takes them."""
    application = service.application
    return {
        "name": application.name,
        "audience": service.audience,
        "grant_types": list(service.grant_types),
        "scopes": list(service.scopes),
        "access_conditions": list(service.access_conditions),
        "may_read_ga4gh": service.may_read_ga4gh,
        "redirect_uris": application.redirect_uris,
        "webhook_url": service.webhook_url,
    }


def update_client(*, actor, service: ServiceClient, **changes: Any) -> tuple[ServiceClient, str]:
    """Change a service's settings (the keys of EDITABLE); returns it with a webhook secret
    to show once when a webhook was added, else "". A change to what its tokens say
    (TOKEN_SHAPING) revokes the service's live tokens at once."""
    _require_staff(actor)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise PortalError(
            _("These settings cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    with transaction.atomic():
        service = (
            ServiceClient.objects.select_for_update()
            .select_related("application")
            .get(pk=service.pk)
        )
        before = describe_client(service)
        after = {**before, **changes}
        after["redirect_uris"] = after["redirect_uris"].strip()
        check_client_spec(
            grant_types=after["grant_types"],
            scopes=after["scopes"],
            access_conditions=after["access_conditions"],
            redirect_uris=after["redirect_uris"],
        )
        application = service.application
        application.name = after["name"]
        application.redirect_uris = after["redirect_uris"]
        application.authorization_grant_type = (
            Application.GRANT_AUTHORIZATION_CODE
            if ServiceClient.GrantType.AUTHORIZATION_CODE in after["grant_types"]
            else Application.GRANT_CLIENT_CREDENTIALS
        )
        try:
            application.clean()
        except ValidationError as exc:
            raise PortalError(" ".join(exc.messages)) from exc
        application.save(
            update_fields=["name", "redirect_uris", "authorization_grant_type", "updated"]
        )
        webhook_secret = ""  # nosec B105 # no new webhook secret yet
        if after["webhook_url"] and not service.webhook_secret_encrypted:
            webhook_secret = secrets.token_urlsafe(32)
            service.webhook_secret_encrypted = keys.encrypt(webhook_secret)
        elif not after["webhook_url"]:
            service.webhook_secret_encrypted = ""  # nosec B105 # forgets the webhook secret
        for field in ("audience", "grant_types", "scopes", "access_conditions"):
            setattr(service, field, list(after[field]) if field != "audience" else after[field])
        service.may_read_ga4gh = bool(after["may_read_ga4gh"])
        service.webhook_url = after["webhook_url"]
        service.save(
            update_fields=[
                "audience",
                "grant_types",
                "scopes",
                "access_conditions",
                "may_read_ga4gh",
                "webhook_url",
                "webhook_secret_encrypted",
            ]
        )
        changed = {key for key in EDITABLE if before[key] != after[key]}
        revoked = []
        if changed & TOKEN_SHAPING:
            # Live tokens were minted under the old settings: they stop now, new ones follow
            # the new settings.
            revoked = _revoke_carrying(
                filters={"client_id": service.application_id}, reason="service settings changed"
            )
        record(
            actor=actor,
            action="tokens.client_updated",
            obj=service,
            before={key: before[key] for key in sorted(changed)},
            after={
                **{key: after[key] for key in sorted(changed)},
                "tokens_revoked": len(revoked),
            },
        )
    return service, webhook_secret


def rotate_webhook_secret(*, actor, service: ServiceClient) -> str:
    """A new webhook signing secret (deliveries from now on use it); returned to show once."""
    _require_staff(actor)
    if not service.webhook_url:
        raise PortalError(
            _("This service has no webhook URL; add one before rotating its webhook secret."),
            code="no_webhook",
        )
    webhook_secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        ServiceClient.objects.filter(pk=service.pk).update(
            webhook_secret_encrypted=keys.encrypt(webhook_secret)
        )
        service.refresh_from_db(fields=["webhook_secret_encrypted"])
        record(actor=actor, action="tokens.webhook_secret_rotated", obj=service)
    return webhook_secret


def set_active(*, actor, service: ServiceClient, active: bool) -> ServiceClient:
    _require_staff(actor)
    with transaction.atomic():
        before = service.is_active
        service.is_active = active
        service.save(update_fields=["is_active"])
        record(
            actor=actor,
            action="tokens.client_activated" if active else "tokens.client_deactivated",
            obj=service,
            before={"active": before},
            after={"active": active},
        )
    return service


def webhook_secret_of(service: ServiceClient) -> str:
    return (
        keys.decrypt(service.webhook_secret_encrypted) if service.webhook_secret_encrypted else ""
    )


# --- issued tokens ---------------------------------------------------------------------------
def record_issued(
    *,
    access_token: AccessToken,
    raw_token: str,
    claims: dict[str, Any],
    kid: str,
    carried: list[tuple[int, int]],
    grant_type: str,
) -> IssuedToken:
    """Called by the validator inside the toolkit's transaction that saves the token."""
    issued = IssuedToken.objects.create(
        jti=claims["jti"],
        token_checksum=hashlib.sha256(raw_token.encode()).hexdigest(),
        access_token=access_token,
        client_id=access_token.application_id,
        person=access_token.user,
        grant_type=grant_type,
        kid=kid,
        claims=claims,
        issued_at=datetime.datetime.fromtimestamp(claims["iat"], tz=datetime.UTC),
        expires_at=datetime.datetime.fromtimestamp(claims["exp"], tz=datetime.UTC),
    )
    if carried:
        CarriedGrant.objects.bulk_create(
            CarriedGrant(token=issued, grant_id=grant_id, dataset_id=dataset_id)
            for grant_id, dataset_id in carried
        )
    record(
        actor=access_token.user,
        action="tokens.issued",
        obj=issued,
        object_repr=f"{grant_type} token for {access_token.application}",
        after={
            "client_id": claims["client_id"],
            "grant_type": grant_type,
            "jti": claims["jti"],
            "grants": [grant_id for grant_id, _dataset in carried],
            "exp": claims["exp"],
        },
    )
    return issued


def revoke_by_client(*, client: Application, token_checksum: str) -> None:
    """RFC 7009 at /oauth/revoke: only the client's own tokens; unknown tokens are ignored."""
    with transaction.atomic():
        issued = (
            IssuedToken.objects.select_for_update()
            .filter(token_checksum=token_checksum, client=client, revoked_at__isnull=True)
            .first()
        )
        if issued is None or not TOKEN_MACHINE.can(issued.state, "revoke"):
            return  # unknown, or expired already: RFC 7009 answers 200 all the same
        issued.revoked_at = timezone.now()
        issued.revoked_reason = "revoked by the client"
        issued.save(update_fields=["revoked_at", "revoked_reason"])
        record(
            actor=None,
            action="tokens.revoked",
            obj=issued,
            after={"jti": issued.jti, "reason": issued.revoked_reason},
        )


def revoke_token(*, actor, token: IssuedToken) -> IssuedToken:
    """A person revokes one of their own tokens on their page (its refresh token dies too)."""
    if token.person_id != getattr(actor, "pk", None):
        raise NotPermitted(_("You can only revoke your own tokens."))
    with transaction.atomic():
        token = IssuedToken.objects.select_for_update().get(pk=token.pk)
        if token.state == "revoked":
            return token  # revoked already (a second click, two tabs): nothing to do
        if not TOKEN_MACHINE.can(token.state, "revoke"):
            raise InvalidTransition(
                _("This token has expired already: the service can no longer use it.")
            )
        token.revoked_at = timezone.now()
        token.revoked_reason = "revoked by the person"
        token.save(update_fields=["revoked_at", "revoked_reason"])
        if token.access_token_id:
            access_token = AccessToken.objects.filter(pk=token.access_token_id).first()
            if access_token is not None:
                revoke_access_token(access_token)
        record(
            actor=actor,
            action="tokens.revoked",
            obj=token,
            after={"jti": token.jti, "reason": token.revoked_reason},
        )
    return token


def remember_consent(*, person, client: Application, scopes: list[str]) -> ServiceAuthorization:
    with transaction.atomic():
        authorization, created = ServiceAuthorization.objects.select_for_update().get_or_create(
            person=person, client=client, defaults={"scopes": sorted(scopes)}
        )
        if not created:
            authorization.scopes = sorted(set(authorization.scopes) | set(scopes))
            authorization.revoked_at = None
            authorization.granted_at = timezone.now()
            authorization.save(update_fields=["scopes", "revoked_at", "granted_at"])
        record(
            actor=person,
            action="tokens.service_authorised",
            obj=authorization,
            after={"client_id": client.client_id, "scopes": authorization.scopes},
        )
    return authorization


def withdraw_authorization(*, actor, authorization: ServiceAuthorization) -> ServiceAuthorization:
    """The person withdraws consent: the service's tokens and refresh tokens for them end."""
    if authorization.person_id != getattr(actor, "pk", None):
        raise NotPermitted(_("You can only withdraw your own authorisations."))
    with transaction.atomic():
        authorization = ServiceAuthorization.objects.select_for_update().get(pk=authorization.pk)
        if authorization.revoked_at is not None:
            return authorization  # withdrawn already (a second click, two tabs): nothing to do
        now = timezone.now()
        authorization.revoked_at = now
        authorization.save(update_fields=["revoked_at"])
        revoked = IssuedToken.objects.filter(
            person=actor, client_id=authorization.client_id, revoked_at__isnull=True
        ).update(revoked_at=now, revoked_reason="authorisation withdrawn")
        for refresh in RefreshToken.objects.filter(
            user=actor, application_id=authorization.client_id, revoked__isnull=True
        ):
            refresh.revoke()
        AccessToken.objects.filter(user=actor, application_id=authorization.client_id).delete()
        record(
            actor=actor,
            action="tokens.authorisation_withdrawn",
            obj=authorization,
            after={"tokens_revoked": revoked},
        )
    return authorization


# --- revocation on domain events -------------------------------------------------------------
def _revoke_carrying(*, filters: dict[str, Any], reason: str) -> list[tuple[int, str, int]]:
    now = timezone.now()
    rows = list(
        IssuedToken.objects.filter(
            revoked_at__isnull=True, expires_at__gt=now - datetime.timedelta(seconds=60), **filters
        )
        .distinct()
        .values_list("pk", "jti", "client_id")
    )
    if rows:
        IssuedToken.objects.filter(pk__in=[pk for pk, _jti, _client in rows]).update(
            revoked_at=now, revoked_reason=reason[:200]
        )
    return rows


def revoke_tokens_for_grant(*, grant, reason: str) -> int:
    """Every token carrying the grant stops being active; services are told after commit."""
    rows = _revoke_carrying(filters={"carried__grant": grant}, reason=f"grant {reason}")
    record(
        actor=None,
        action="tokens.revoked_for_grant",
        object_type="agreements.grant",
        object_id=grant.pk,
        object_repr=f"Tokens carrying grant {grant.pk}",
        after={"reason": reason, "tokens": len(rows)},
    )
    payload = {
        "event": "grant.ended",
        "reason": reason,
        "grant": str(grant.pk),
        "dataset": grant.dataset.persistent_url,
        "access_condition": grant.access_condition_id,
        "sub": _subject_of(grant.person),
    }
    _notify(
        rows=rows,
        event="grant.ended",
        payload=payload,
        access_condition=grant.access_condition_id,
    )
    return len(rows)


def revoke_tokens_for_dataset(*, dataset_id: int, reason: str) -> int:
    """A consent change on a dataset: every token carrying it stops being active."""
    from governance.catalogue.models import Dataset

    rows = _revoke_carrying(filters={"carried__dataset_id": dataset_id}, reason=reason)
    record(
        actor=None,
        action="tokens.revoked_for_dataset",
        object_type="catalogue.dataset",
        object_id=dataset_id,
        object_repr=f"Tokens carrying dataset {dataset_id}",
        after={"reason": reason, "tokens": len(rows)},
    )
    persistent_url = Dataset.objects.filter(pk=dataset_id).values_list("persistent_url", flat=True)
    _notify(
        rows=rows,
        event="dataset.consent_changed",
        payload={"event": "dataset.consent_changed", "dataset": persistent_url.first()},
        access_condition=None,
    )
    return len(rows)


def _subject_of(person) -> str:
    from governance.tokens.claims import subject_of

    return subject_of(person)


def _notify(*, rows, event: str, payload: dict[str, Any], access_condition: str | None) -> None:
    """One delivery per service with a webhook that held such tokens or serves the condition."""
    by_client: dict[int, list[str]] = {}
    for _pk, jti, client_id in rows:
        by_client.setdefault(client_id, []).append(jti)
    services = [
        service
        for service in ServiceClient.objects.filter(is_active=True).exclude(webhook_url="")
        if service.application_id in by_client
        or (access_condition is not None and access_condition in service.access_conditions)
    ]
    deliveries = [
        WebhookDelivery.objects.create(
            service=service,
            event=event,
            payload={
                **payload,
                "revoked_tokens": sorted(by_client.get(service.application_id, [])),
                "occurred_at": int(time.time()),
            },
        )
        for service in services
    ]
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        webhooks_queued.send(sender=WebhookDelivery, delivery_ids=ids)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def attempt_delivery(*, delivery_id: int) -> bool:
    """POST the signed payload once; True when delivered (or nothing left to do)."""
    delivery = WebhookDelivery.objects.select_related("service").get(pk=delivery_id)
    if delivery.state == WebhookDelivery.State.DELIVERED:
        return True
    WEBHOOK_DELIVERY_MACHINE.target(delivery.state, "deliver")  # given up on: never sent again
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Portal-Event": delivery.event,
        "X-Portal-Delivery": str(delivery.pk),
        "X-Portal-Timestamp": timestamp,
        "X-Portal-Signature": signature(webhook_secret_of(delivery.service), timestamp, body),
    }
    status, error = None, ""
    try:
        response = requests.post(
            delivery.service.webhook_url, data=body, headers=headers, timeout=10
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except requests.RequestException as exc:
        error = type(exc).__name__
    # No lock is held over the POST: the row changes only if it is still in a source state.
    transition = WEBHOOK_DELIVERY_MACHINE.transitions["retry" if error else "deliver"]
    WebhookDelivery.objects.filter(pk=delivery.pk, state__in=transition.sources).update(
        attempts=F("attempts") + 1,
        last_status=status,
        last_error=error[:500],
        state=transition.target,
        delivered_at=timezone.now() if not error else None,
    )
    return not error


@transaction.atomic
def give_up_delivery(*, delivery_id: int) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    delivery.state = WEBHOOK_DELIVERY_MACHINE.target(delivery.state, "give_up")
    delivery.save(update_fields=["state"])
    return delivery


# --- statistics --------------------------------------------------------------------------------
def flush_introspection_counts() -> int:
    """Move the cache counters of today and yesterday into IntrospectionCount rows."""
    moved = 0
    today = timezone.localdate()
    clients = ServiceClient.objects.values_list("application_id", "application__client_id")
    for application_id, client_id in clients:
        for day in (today - datetime.timedelta(days=1), today):
            count = ratelimit.take_introspections(client_id, day)
            if not count:
                continue
            row, _created = IntrospectionCount.objects.get_or_create(
                client_id=application_id, day=day
            )
            IntrospectionCount.objects.filter(pk=row.pk).update(count=F("count") + count)
            moved += count
    return moved
