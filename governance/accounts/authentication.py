"""`Authorization: Bearer <personal API token>` for the REST API."""

from rest_framework import authentication, exceptions

from governance.accounts import services


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        if not raw.startswith(services.API_TOKEN_PREFIX):
            return None  # not ours (e.g. an OAuth access token for another endpoint)
        token = services.api_token_authenticate(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This API token is unknown, expired or revoked. Create a new one on your "
                "account page."
            )
        return (token.person, token)

    def authenticate_header(self, request):
        return self.keyword
