"""A reference resource server: how a technical service checks the portal's access tokens.

It verifies each bearer token offline (signature with the portal's published keys through
PyJWT's PyJWKClient, issuer, audience, expiry with 60 s of leeway, `typ: at+jwt`), then asks the
portal's introspection endpoint whether the token is still active, because a revoked grant turns
a token off before it expires. When the keys cannot be fetched it relies on introspection alone.
Set CHECK_REVOCATION=0 to trust the signature for the token's few minutes of life.

    PORTAL_ISSUER=http://127.0.0.1:8000 CLIENT_ID=demo-processing \
    CLIENT_SECRET=demo-processing-secret AUDIENCE=https://processing.demo.example \
    python examples/resource_server/server.py

    curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8080/datasets"
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs
from wsgiref.simple_server import make_server

import jwt
import requests


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        client_id: str,
        client_secret: str,
        *,
        check_revocation: bool = True,
    ):
        metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        self.issuer, self.audience = metadata["issuer"], audience
        self.keys = jwt.PyJWKClient(metadata["jwks_uri"], lifespan=300)
        self.introspection_endpoint = metadata["introspection_endpoint"]
        self.credentials = (client_id, client_secret)
        self.check_revocation = check_revocation

    def verify(self, token: str) -> dict:
        try:
            key = self.keys.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientError:  # keys unreachable or unknown: the portal decides
            return self.introspect(token)
        if jwt.get_unverified_header(token).get("typ") != "at+jwt":
            raise jwt.InvalidTokenError("not an access token")
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["ES256", "RS256"],  # never "none", never HS256
            audience=self.audience,
            issuer=self.issuer,
            leeway=60,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
        return self.introspect(token) if self.check_revocation else claims

    def introspect(self, token: str) -> dict:
        answer = requests.post(
            self.introspection_endpoint, data={"token": token}, auth=self.credentials, timeout=10
        ).json()
        if not answer.get("active"):
            raise jwt.InvalidTokenError("the portal says the token is not active")
        return answer


def make_app(verifier: TokenVerifier):
    def app(environ, start_response):
        def reply(status: str, body: dict):
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]

        auth = environ.get("HTTP_AUTHORIZATION", "")
        if not auth.startswith("Bearer "):
            return reply("401 Unauthorized", {"error": "invalid_token"})
        try:
            claims = verifier.verify(auth[7:])
        except jwt.InvalidTokenError as exc:
            return reply("401 Unauthorized", {"error": "invalid_token", "detail": str(exc)})
        allowed = {d["identifier"]: d["actions"] for d in claims.get("authorization_details", [])}
        wanted = parse_qs(environ.get("QUERY_STRING", "")).get("dataset", [None])[0]
        if wanted is not None and wanted not in allowed:
            return reply("403 Forbidden", {"error": "insufficient_scope", "dataset": wanted})
        return reply("200 OK", {"sub": claims["sub"], "datasets": allowed})

    return app


if __name__ == "__main__":
    verifier = TokenVerifier(
        os.environ.get("PORTAL_ISSUER", "http://127.0.0.1:8000"),
        os.environ.get("AUDIENCE", "https://processing.demo.example"),
        os.environ.get("CLIENT_ID", "demo-processing"),
        os.environ.get("CLIENT_SECRET", "demo-processing-secret"),
        check_revocation=os.environ.get("CHECK_REVOCATION", "1") == "1",
    )
    make_server(
        "127.0.0.1", int(os.environ.get("PORT", "8080")), make_app(verifier)
    ).serve_forever()
