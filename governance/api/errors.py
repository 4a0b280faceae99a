"""The API's error shape: `{"detail": "<what to do>", "code": "<stable code>"}`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.core.errors import PortalError


def exception_handler(exc, context):
    if isinstance(exc, PortalError):
        return Response({"detail": exc.detail, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    elif response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response.data, dict):
        # Field messages stay keyed by field; a summary and a code are added beside them.
        response.data = {
            **response.data,
            "detail": "Some fields are not valid; see the message under each field.",
            "code": "invalid",
        }
    elif response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = {"detail": " ".join(map(str, response.data)), "code": "invalid"}
    return response
