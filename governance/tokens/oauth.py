"""The portal's rules plugged into Django OAuth Toolkit: the JWT access-token generator and the
request validator. The protocol itself (grants, PKCE, refresh rotation, OIDC) stays the toolkit's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ObjectDoesNotExist
from django.db import router, transaction
from oauth2_provider.models import Application, IDToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from governance.tokens import claims as token_claims
from governance.tokens import keys, ratelimit
from governance.tokens.models import IssuedToken, ServiceClient

GA4GH_SCOPE = "ga4gh_passport_v1"

logger = logging.getLogger(__name__)


@dataclass
class PendingToken:
    """What the generator decided, for the validator to record when the toolkit saves the token."""

    claims: dict[str, Any]
    kid: str
    carried: list[tuple[int, int]] = field(default_factory=list)  # (grant id, dataset id)


def checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_access_token(request) -> str:
    """ACCESS_TOKEN_GENERATOR: an RFC 9068 JWT for the client (and person) of this request."""
    application = request.client
    service = application.service
    person = None if request.grant_type == "client_credentials" else request.user
    scopes = list(request.scopes or [])
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.PORTAL_BASE_URL,
        "sub": application.client_id,
        "aud": service.audience,
        "client_id": application.client_id,
        "iat": now,
        "exp": now + int(request.expires_in or settings.PORTAL_TOKEN_LIFETIME),
        "jti": uuid.uuid4().hex,
        "scope": " ".join(scopes),
    }
    carried: list[tuple[int, int]] = []
    if person is not None and person.is_authenticated:
        claims["sub"] = token_claims.subject_of(person)
        if "datasets" in scopes:
            details, entitlements, carried = token_claims.dataset_access(person, service)
            claims["authorization_details"] = details
            claims["eduperson_entitlement"] = entitlements
            claims["exp"] = capped_expiry(claims["exp"], details)
    token, kid = keys.sign(claims, typ="at+jwt")
    request.portal_token = PendingToken(claims=claims, kid=kid, carried=carried)
    return token


def capped_expiry(exp: int, details: list[dict[str, Any]]) -> int:
    """A token ends no later than the first of its grants: each entry names the grant that
    ends first for its dataset, and its `expires` (the grant's end, rounded down to the
    second) caps `exp`. Introspection then turns the token inactive at that grant's end by
    its expiry alone, before the expire-grants task revokes it."""
    return min([exp, *(int(entry["expires"]) for entry in details)])


class _SecretMemo:
    """Verified (stored hash, presented secret) pairs, so a client's secret is not re-hashed with
    a slow password hasher on every request. Keyed by the stored hash: rotating a secret changes
    it, so an old secret is never accepted from memory."""

    def __init__(self, size: int = 256):
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def check(self, presented: str, stored: str) -> bool:
        key = hashlib.sha256(f"{stored}\0{presented}".encode()).hexdigest()
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return True
        # Each wrong secret costs a slow hash: past a few a minute for one client, refuse
        # without hashing (a secret already verified above keeps working meanwhile).
        client = hashlib.sha256(stored.encode()).hexdigest()[:32]
        if ratelimit.failures(client) >= settings.PORTAL_TOKEN_AUTH_FAILURE_LIMIT:
            logger.warning("Too many wrong client secrets for one client; refused unchecked.")
            return False
        if not check_password(presented, stored):
            ratelimit.count_failure(client)
            return False
        with self._lock:
            self._seen[key] = None
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
        return True


_secrets = _SecretMemo()


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """(client id, secret) from an HTTP Basic header, decoded as the toolkit decodes them
    (RFC 6749 section 2.3.1: each part form-urlencoded), or None when there are none."""
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def secret_matches(presented: str, stored: str) -> bool:
    """The client secret check of the validator below, for views that authenticate themselves."""
    return _secrets.check(presented, stored)


def service_of(application) -> ServiceClient | None:
    try:
        return application.service
    except ObjectDoesNotExist:
        return None


class PortalValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        GA4GH_SCOPE: GA4GH_SCOPE,
        "eduperson_entitlement": "datasets",
    }

    # --- clients: HTTP Basic only, registered and active services only ----------------------
    def _load_application(self, client_id, request):
        client = request.client
        if not (isinstance(client, Application) and client.client_id == client_id):
            request.client = None
            try:
                client = Application.objects.select_related("service").get(client_id=client_id)
            except (Application.DoesNotExist, ValueError):
                return None
        service = service_of(client)
        if service is None or not service.is_active:
            return None
        request.client = client
        return client

    def _authenticate_request_body(self, request):
        return False  # client_secret_basic only (the discovery documents say so)

    def _check_secret(self, provided_secret, stored_secret):
        return _secrets.check(provided_secret, stored_secret)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        service = service_of(client)
        return bool(service and service.allows(grant_type))

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        service = service_of(client)
        return response_type == "code" and bool(
            service and service.allows(ServiceClient.GrantType.AUTHORIZATION_CODE)
        )

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        service = service_of(client)
        if service is None:
            return False
        allowed = set(service.scopes) & set(settings.OAUTH2_PROVIDER["SCOPES"])  # type: ignore[call-overload]
        if request.grant_type == "client_credentials":
            allowed -= {"openid", "profile", "email", GA4GH_SCOPE}
        return set(scopes) <= allowed

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        service = service_of(request.client) if request.client else None
        return ["datasets"] if service and "datasets" in service.scopes else []

    # --- token records ----------------------------------------------------------------------
    def _save_bearer_token(self, token, request, *args, **kwargs):
        # The generator may have cut the token at a grant's end (`capped_expiry`): the
        # toolkit's row and the response's expires_in end with it.
        pending: PendingToken | None = getattr(request, "portal_token", None)
        if pending is not None and "expires_in" in token:
            left = pending.claims["exp"] - pending.claims["iat"]
            token["expires_in"] = max(0, min(int(token["expires_in"]), left))
        return super()._save_bearer_token(token, request, *args, **kwargs)

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        access_token = super()._create_access_token(
            expires, request, token, source_refresh_token=source_refresh_token
        )
        pending: PendingToken | None = getattr(request, "portal_token", None)
        if pending is not None:
            from governance.tokens import services

            services.record_issued(
                access_token=access_token,
                raw_token=token["access_token"],
                claims=pending.claims,
                kid=pending.kid,
                carried=pending.carried,
                grant_type=request.grant_type,
            )
        return access_token

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        from governance.tokens import services

        if request.client is not None:
            services.revoke_by_client(client=request.client, token_checksum=checksum(token))
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        # The toolkit knows the token; the portal may have turned it off (grant revoked).
        return IssuedToken.objects.filter(
            token_checksum=checksum(token), revoked_at__isnull=True
        ).exists()

    # --- OpenID Connect: our keys, our subject identifiers, GA4GH visas in userinfo ---------
    def get_additional_claims(self, request):
        person = request.user
        return {
            "sub": token_claims.subject_of(person),
            "name": person.get_full_name(),
            "email": person.email,
            "email_verified": True,
        }

    def get_userinfo_claims(self, request):
        claims = super().get_userinfo_claims(request)
        if GA4GH_SCOPE in request.scopes:
            claims[GA4GH_SCOPE] = token_claims.visas_for(request.user)
        return claims

    def finalize_id_token(self, id_token, token, token_handler, request):
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        signed, _kid = keys.sign(dict(id_token), typ="JWT")
        with transaction.atomic(using=router.db_for_write(IDToken)):
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return signed

    def _load_id_token(self, token):
        try:
            claims = keys.verify(token)
        except Exception:  # any malformed or foreign token is simply not ours
            return None
        return IDToken.objects.filter(jti=claims.get("jti")).first()

    def validate_silent_authorization(self, request):
        return False

    def validate_silent_login(self, request):
        return False
