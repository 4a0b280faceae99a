"""The API's error shape: `{"detail": "<what to do>", "code": "<stable code>"}`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from governance.core.errors import NOT_ONE_FIELD, Invalid, PortalError


def _answer_in_json(request) -> None:
    # An error is JSON even where the answer would have been a file (a PDF): otherwise the JSON
    # body would go out labelled with the file's content type. The browsable API keeps its page.
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format not in {"json", "api"}:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def field_errors(error: Invalid) -> ValidationError:
    """The domain's field-keyed refusal as DRF's, keyed by the same fields."""
    return ValidationError(
        {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NOT_ONE_FIELD else field): messages
            for field, messages in error.errors.items()
        }
    )


def exception_handler(exc, context):
    if isinstance(exc, Invalid):
        exc = field_errors(exc)
    elif isinstance(exc, PortalError):
        _answer_in_json(context.get("request"))
        return Response({"detail": exc.detail, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    _answer_in_json(context.get("request"))
    if isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    elif response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response.data, dict):
        # Field messages stay keyed by field; a summary and a code are added beside them. A field
        # named `code` (a consent form's) would hide the error's code: its messages go under
        # `fields` instead.
        fields = dict(response.data)
        clashing = {"code": fields.pop("code")} if "code" in fields else {}
        response.data = {
            **fields,
            **({"fields": clashing} if clashing else {}),
            "detail": _("Some fields are not valid; see the message under each field."),
            "code": "invalid",
        }
    elif response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = {"detail": " ".join(map(str, response.data)), "code": "invalid"}
    return response


@csrf_exempt  # a POST here changes nothing; without this it would be the HTML CSRF page
def not_found(request) -> JsonResponse:
    """Any address under /api/ that no route matches: the API's 404, never the HTML page."""
    return JsonResponse(
        {
            "detail": _("Nothing is at this address; the schema at /api/v1/schema/ lists the API."),
            "code": "not_found",
        },
        status=404,
    )
