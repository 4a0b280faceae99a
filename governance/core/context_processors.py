from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_from_path

from governance.core import navigation


def portal(request):
    return {
        "PORTAL_NAME": "Cancer Imaging Governance Portal",
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        "request_id": getattr(request, "request_id", ""),
        "language_neutral_path": language_neutral_path(request),
        # Computed once, and only when a template shows the header (JSON views never do).
        "nav_areas": SimpleLazyObject(
            lambda: navigation.areas_for(
                getattr(request, "user", None), getattr(request, "resolver_match", None)
            )
        ),
    }


def language_neutral_path(request) -> str:
    """The current path without its language prefix: the language switcher's `next`.

    Django's set_language runs in the default language (its URL has no prefix), so it can
    translate "/dashboard/" into "/es/dashboard/" but cannot resolve "/es/dashboard/" to switch
    back to English.
    """
    path = request.get_full_path()
    code = get_language_from_path(request.path_info)
    if code and path.startswith(f"/{code}/"):
        return path[len(code) + 1 :]
    return path
