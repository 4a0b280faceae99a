"""A person's data in the token service: subject, authorised services, token records."""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import AccessToken, IDToken, RefreshToken
from oauth2_provider.models import Grant as OAuthGrant

from governance.tokens.models import IssuedToken, ServiceAuthorization, Subject


def export(person) -> dict[str, Any]:
    subject = Subject.objects.filter(person=person).first()
    return {
        "subject": subject.sub if subject else None,
        "authorised_services": [
            {
                "service": authorization.client.name,
                "scopes": authorization.scopes,
                "granted_at": authorization.granted_at,
                "revoked_at": authorization.revoked_at,
            }
            for authorization in ServiceAuthorization.objects.filter(person=person).select_related(
                "client"
            )
        ],
        # Records only: the portal never keeps the tokens themselves.
        "tokens": [
            {
                "jti": token.jti,
                "service": token.client.name,
                "issued_at": token.issued_at,
                "expires_at": token.expires_at,
                "revoked_at": token.revoked_at,
                "datasets": [
                    detail["identifier"] for detail in token.claims.get("authorization_details", [])
                ],
            }
            for token in IssuedToken.objects.filter(person=person).select_related("client")
        ],
    }


def erase(person) -> None:
    # The toolkit's tokens and codes of the person go too: nothing can act for them any more.
    for model in (RefreshToken, AccessToken, OAuthGrant, IDToken):
        model.objects.filter(user=person).delete()
    ServiceAuthorization.objects.filter(person=person).delete()
    IssuedToken.objects.filter(person=person).delete()
    Subject.objects.filter(person=person).delete()
