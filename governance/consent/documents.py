"""The consent form's PDF: checked by what it contains, not by its name or declared type."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024


def validate_pdf(upload) -> None:
    """Refuse anything that is not a readable PDF with at least one page, or is too large."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB; upload a smaller PDF.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in head:
        raise ValidationError(
            _("This file is not a PDF (it does not start like one); save the form as PDF first."),
            code="not_pdf",
        )
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(upload.read()), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("This PDF cannot be read (it may be damaged or incomplete); export it again."),
            code="not_pdf",
        ) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="not_pdf")
