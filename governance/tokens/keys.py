"""Signing keys: generated, encrypted at rest, rotated, published, and loaded once per process.

Parsing a PEM key costs tens of milliseconds, so each process keeps the loaded keys by kid.
Which key is current is re-read from the database at most every few seconds, so a rotation in
another process (`manage.py rotate_signing_keys`) is picked up without a restart; a retired key
still verifies (and stays in the JWKS) until every token it signed has expired.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from governance.tokens.models import SigningKey

CURRENT_KID_TTL = 5.0  # seconds a process trusts its idea of the current key
CLOCK_SKEW = 60  # seconds of clock difference tolerated wherever the portal verifies a token


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    alg: str
    private_key: Any
    public_jwk: dict[str, Any]


_lock = threading.Lock()
_loaded: dict[str, LoadedKey] = {}
_current: tuple[str, float] | None = None


def _fernet() -> Fernet:
    secret = settings.PORTAL_TOKEN_KEY_ENCRYPTION_KEY or f"signing-keys:{settings.SECRET_KEY}"
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored signing key or webhook secret cannot be decrypted: "
            "PORTAL_TOKEN_KEY_ENCRYPTION_KEY (or PORTAL_SECRET_KEY, if that is unset) is not the "
            "one it was encrypted with. Restore it, or run `manage.py rotate_signing_keys`."
        ) from None


def max_token_lifetime() -> int:
    """The longest any token we sign lives: a retired key stays published this long (+ skew)."""
    return max(settings.PORTAL_TOKEN_LIFETIME, settings.PORTAL_TOKEN_VISA_LIFETIME) + CLOCK_SKEW


def _public_jwk(private_key, alg: str) -> dict[str, Any]:
    algorithm = jwt.get_algorithm_by_name(alg)
    jwk = algorithm.to_jwk(private_key.public_key(), as_dict=True)
    members = {name: jwk[name] for name in ("crv", "e", "kty", "n", "x", "y") if name in jwk}
    # RFC 7638 thumbprint: the required members, sorted, without whitespace.
    thumbprint = hashlib.sha256(
        json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    ).digest()
    kid = base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "use": "sig", "alg": alg}


def _alg_of(private_key) -> str:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return "ES256"
    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RS256"
    raise ImproperlyConfigured("PORTAL_TOKEN_SIGNING_KEY must be an EC P-256 or an RSA key.")


def _from_pem(pem: str) -> LoadedKey:
    private_key = serialization.load_pem_private_key(pem.encode(), password=None)
    alg = _alg_of(private_key)
    jwk = _public_jwk(private_key, alg)
    return LoadedKey(kid=jwk["kid"], alg=alg, private_key=private_key, public_jwk=jwk)


def _file_key() -> LoadedKey | None:
    pem = settings.PORTAL_TOKEN_SIGNING_KEY
    if not pem:
        return None
    digest = hashlib.sha256(pem.encode()).hexdigest()
    cached = _loaded.get(f"file:{digest}")
    if cached is None:
        cached = _from_pem(pem)
        _loaded[f"file:{digest}"] = cached
    return cached


def new_private_key(alg: str):
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def create_key(*, alg: str | None = None) -> SigningKey:
    """A new key, not yet current (see `rotate`)."""
    alg = alg or settings.PORTAL_TOKEN_ALGORITHM
    private_key = new_private_key(alg)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk = _public_jwk(private_key, alg)
    return SigningKey.objects.create(
        kid=jwk["kid"], alg=alg, public_jwk=jwk, private_key_encrypted=encrypt(pem)
    )


def rotate(*, alg: str | None = None) -> SigningKey:
    """Make a new key current; the old ones retire but stay published until their tokens die."""
    with transaction.atomic():
        now = timezone.now()
        SigningKey.objects.select_for_update().filter(retired_at__isnull=True).update(
            retired_at=now
        )
        key = create_key(alg=alg)
        # The retirement above must not catch the new key: its row is made after it.
    forget_current()
    return key


def ensure_current_key() -> SigningKey:
    """The current database key, making one when there is none (first run, demo, tests)."""
    key = SigningKey.objects.filter(retired_at__isnull=True).order_by("-created_at").first()
    return key or create_key()


def forget_current() -> None:
    global _current
    with _lock:
        _current = None


def _load(row: SigningKey) -> LoadedKey:
    loaded = _loaded.get(row.kid)
    if loaded is None:
        private_key = serialization.load_pem_private_key(
            decrypt(row.private_key_encrypted).encode(), password=None
        )
        loaded = LoadedKey(
            kid=row.kid, alg=row.alg, private_key=private_key, public_jwk=row.public_jwk
        )
        with _lock:
            _loaded[row.kid] = loaded
    return loaded


def current_key() -> LoadedKey:
    """The key to sign with now: the file key if configured, else the newest unretired row."""
    global _current
    file_key = _file_key()
    if file_key is not None:
        return file_key
    now = time.monotonic()
    current = _current
    if current is not None and current[1] > now and current[0] in _loaded:
        return _loaded[current[0]]
    row = ensure_current_key()
    loaded = _load(row)
    with _lock:
        _current = (row.kid, now + CURRENT_KID_TTL)
    return loaded


def published_keys() -> list[dict[str, Any]]:
    """The JWKS: the current key and every retired key whose tokens may still be alive."""
    cutoff = timezone.now() - datetime.timedelta(seconds=max_token_lifetime())
    keys = [
        row.public_jwk
        for row in SigningKey.objects.exclude(retired_at__lt=cutoff).order_by("-created_at")
    ]
    file_key = _file_key()
    if file_key is not None:
        keys.insert(0, file_key.public_jwk)
    return keys


def public_key_for(kid: str):
    """The public key of a published kid (for verifying our own tokens), or None."""
    for jwk in published_keys():
        if jwk["kid"] == kid:
            return jwt.PyJWK(jwk)
    return None


def sign(
    claims: dict[str, Any], *, typ: str, extra_headers: dict[str, Any] | None = None
) -> tuple[str, str]:
    """Sign `claims` with the current key; returns (jwt, kid)."""
    key = current_key()
    headers = {"typ": typ, "kid": key.kid, **(extra_headers or {})}
    return jwt.encode(claims, key.private_key, algorithm=key.alg, headers=headers), key.kid


def verify(token: str, *, audience: str | None = None, typ: str | None = None) -> dict[str, Any]:
    """Verify a token the portal signed: known kid, its own algorithm only, 60 s of skew.

    The algorithm comes from our key, never from the token header, so `alg: none` and
    HS256-with-the-public-key tokens fail.
    """
    header = jwt.get_unverified_header(token)
    if typ is not None and header.get("typ") != typ:
        raise jwt.InvalidTokenError("unexpected token type")
    key = public_key_for(str(header.get("kid", "")))
    if key is None:
        raise jwt.InvalidTokenError("unknown key")
    return jwt.decode(
        token,
        key.key,
        algorithms=[key.algorithm_name],
        audience=audience,
        issuer=settings.PORTAL_BASE_URL,
        leeway=CLOCK_SKEW,
        options={"verify_aud": audience is not None, "require": ["exp", "iat", "iss"]},
    )
