"""The short path for the endpoints that only machines call (see MachineEndpointMiddleware)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import get_script_prefix, resolve, reverse


class MachineEndpointMiddleware:
    """Serves the endpoints that only machines call without the browser middleware below it.

    The OAuth token, introspection and revocation endpoints, the JWKS and the discovery
    documents (the URL names in PORTAL_MACHINE_ENDPOINTS) authenticate each request by itself
    and never use a session, a language, messages, CSRF (they are exempt) or the sign-in and
    two-factor checks; skipping that middleware is most of what an introspection costs beyond
    its one query. The middleware above this one (security headers, CSP, static files,
    request ids) still applies, and an exception still becomes Django's error response.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self._paths: frozenset[str] | None = None

    def paths(self) -> frozenset[str]:
        if self._paths is None:
            prefix = get_script_prefix()
            self._paths = frozenset(
                "/" + reverse(name).removeprefix(prefix)
                for name in settings.PORTAL_MACHINE_ENDPOINTS
            )
        return self._paths

    def __call__(self, request):
        if request.path_info not in self.paths():
            return self.get_response(request)
        match = resolve(request.path_info)
        request.resolver_match = match
        request.user = AnonymousUser()
        return match.func(request, *match.args, **match.kwargs)
