"""The language of an API answer: the one the client asks for, else the account's, else English.

Pages carry their language in the address (`/es/...`); the API's addresses carry none, so
Django's LocaleMiddleware answers every API request in the default language. A client names the
language it wants with `Accept-Language` (the standard header), and a person who chose a language
on their account reads the API's messages (`detail`, field errors) in it when the client names
none. `ApiLanguageMiddleware` follows the header for every request under /api/;
`follow_account` is called once DRF knows who is calling (token or session), by the API's
permission class, which is the first thing every viewset runs after authenticating.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


def _supported(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def asked_language(request) -> str:
    """The best language of the request's Accept-Language that the portal speaks ("" if none)."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if not header.strip():
        return ""
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            found = translation.get_supported_language_variant(code)
        except LookupError:
            continue
        if _supported(found):
            return found
    return ""


class ApiLanguageMiddleware:
    """After LocaleMiddleware: an API request is answered in the language its client asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            language = asked_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            response.headers.setdefault("Content-Language", translation.get_language())
            patch_vary_headers(response, ["Accept-Language"])
        return response


def follow_account(request) -> None:
    """No language asked: the caller's account language, if they chose one."""
    if asked_language(request):
        return
    user = getattr(request, "user", None)
    language = getattr(user, "language", "") if user is not None else ""
    if language and _supported(language):
        translation.activate(language)
        request.LANGUAGE_CODE = language
