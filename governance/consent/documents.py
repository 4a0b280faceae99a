"""The consent form's PDF: checked by what it contains, not by its name or declared type."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from governance.core.errors import PortalError
from governance.core.uploads import check_pdf

MAX_BYTES = 20 * 1024 * 1024


def validate_pdf(upload) -> None:
    """Refuse anything that is not a readable PDF with at least one page, or is too large."""
    try:
        check_pdf(upload, max_bytes=MAX_BYTES, readable=True)
    except PortalError as error:
        # A field validator: forms and serializers expect Django's error, with the same code.
        raise ValidationError(error.detail, code=error.code) from None
