"""What the engagement API views share: a service's field errors as 400."""

from __future__ import annotations

from rest_framework.response import Response

from governance.engagement import services


class FieldProblems:
    """Answers a service's `FieldInvalid` as 400 with its code, its message, and the message
    under the field it is about, like the serializers' own field errors."""

    def handle_exception(self, exc) -> Response:
        if isinstance(exc, services.FieldInvalid):
            data: dict = {"detail": exc.detail, "code": exc.code}
            if exc.field:
                data[exc.field] = [exc.detail]
            return Response(data, status=400)
        return super().handle_exception(exc)  # type: ignore[misc]
