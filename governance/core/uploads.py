"""Checking uploaded files by what they contain, not by their names.

A PDF starts with `%PDF-`, a PNG and a JPEG with their signatures; DOCX and XLSX are zip
archives that must hold the members Office writes. Zip archives are also checked for bombs:
the uncompressed total and the compression ratio are capped before anything is extracted.

Every refusal is a PortalError with one of the portal's upload codes: FILE_TOO_LARGE,
NOT_A_PDF (the file must be a PDF, or is named like one, and is not a readable one) and
UPLOAD_REJECTED (any other type or content problem). Form and serializer validators turn it
into a ValidationError with the same message and code.
"""

from __future__ import annotations

import hashlib
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from governance.core.errors import PortalError

FILE_TOO_LARGE = "file_too_large"
NOT_A_PDF = "not_a_pdf"
UPLOAD_REJECTED = "upload_rejected"

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # hard ceiling, whatever a caller allows
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 2000

KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "docx": (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
EXTENSIONS = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".docx": "docx",
    ".xlsx": "xlsx",
}
OFFICE_MEMBERS = {
    "docx": {"[Content_Types].xml", "word/document.xml"},
    "xlsx": {"[Content_Types].xml", "xl/workbook.xml"},
}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][1]


def check_upload(
    upload,
    *,
    allowed: Sequence[str] | None = None,
    max_bytes: int | None = None,
    name_must_match: bool = True,
    readable_pdf: bool = False,
) -> CheckedFile:
    """What the file is, its size and hash; the PortalError says why it cannot be accepted.

    `name_must_match` refuses a file whose extension disagrees with its content (where the
    original name is kept and shown); `readable_pdf` also has pyHanko open a PDF and count
    its pages.
    """
    allowed = list(allowed or KINDS)
    limit = min(max_bytes or MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES)
    size = upload.size or 0
    if size > limit:
        raise PortalError(
            _(
                "%(name)s is %(size)s MB, larger than allowed here (at most %(limit)s MB); "
                "upload a smaller file."
            )
            % {"name": upload.name, "size": _mb(size), "limit": _mb(limit)},
            code=FILE_TOO_LARGE,
        )
    if size == 0:
        raise PortalError(
            _("%(name)s is empty; upload the file again.") % {"name": upload.name},
            code=UPLOAD_REJECTED,
        )
    kind = _kind_of(upload)
    named = EXTENSIONS.get(_extension(upload.name))
    if kind != "pdf" and (named == "pdf" or allowed == ["pdf"]):
        raise PortalError(_not_a_pdf_message(upload.name, named), code=NOT_A_PDF)
    if kind is None:
        if named:
            raise PortalError(
                _(
                    "%(name)s is named like a %(kind)s file but its content is not one; save it "
                    "again as %(kind)s and upload that file."
                )
                % {"name": upload.name, "kind": named.upper()},
                code=UPLOAD_REJECTED,
            )
        raise PortalError(
            _(
                "%(name)s is not a file type accepted here; upload it as one of these instead: "
                "%(allowed)s."
            )
            % {"name": upload.name, "allowed": _listed(allowed)},
            code=UPLOAD_REJECTED,
        )
    if name_must_match and named != kind:
        raise PortalError(
            _(
                "%(name)s contains a %(kind)s file but its name says otherwise; rename it to "
                "%(ext)s."
            )
            % {"name": upload.name, "kind": kind.upper(), "ext": KINDS[kind][0]},
            code=UPLOAD_REJECTED,
        )
    if kind not in allowed:
        raise PortalError(
            _(
                "%(name)s is a %(kind)s file, which is not accepted here; upload it as one of "
                "these instead: %(allowed)s."
            )
            % {"name": upload.name, "kind": kind.upper(), "allowed": _listed(allowed)},
            code=UPLOAD_REJECTED,
        )
    if kind == "pdf" and readable_pdf:
        check_pdf_pages(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(kind=kind, size=size, sha256=digest.hexdigest())


def check_pdf(upload, *, max_bytes: int, readable: bool = False) -> CheckedFile:
    """A PDF by its content, whatever its name; `readable` also asks for at least one page."""
    return check_upload(
        upload,
        allowed=["pdf"],
        max_bytes=max_bytes,
        name_must_match=False,
        readable_pdf=readable,
    )


def check_pdf_pages(upload) -> int:
    """The number of pages, when pyHanko can read the PDF and it has at least one."""
    # Imported here: pyHanko is large and only the PDF checks need it.
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    upload.seek(0)
    try:
        reader = PdfFileReader(io.BytesIO(upload.read()), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError):
        raise PortalError(
            _(
                "%(name)s cannot be read as a PDF (it may be damaged or incomplete); export it "
                "as PDF again and upload that file."
            )
            % {"name": upload.name},
            code=NOT_A_PDF,
        ) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise PortalError(
            _(
                "%(name)s is a PDF without pages; export the document again with its pages "
                "and upload that file."
            )
            % {"name": upload.name},
            code=NOT_A_PDF,
        )
    return pages


def _not_a_pdf_message(name: str, named: str | None) -> str:
    if named == "pdf":
        return _(
            "%(name)s is not a PDF, although its name ends in .pdf; save or export the document "
            "as PDF and upload that file."
        ) % {"name": name}
    return _(
        "%(name)s is not a PDF, and only a PDF is accepted here; save or export the document "
        "as PDF and upload that file."
    ) % {"name": name}


def _mb(size: int) -> str:
    # Rounded up, so that a file just over the limit never reads as "10 MB, at most 10 MB".
    tenths = math.ceil(size * 10 / (1024 * 1024)) / 10
    return f"{tenths:.1f}".rstrip("0").rstrip(".")


def _listed(kinds: Sequence[str]) -> str:
    return ", ".join(kind.upper() for kind in kinds)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _kind_of(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = _kind_from_signature(head)
    if kind == "zip":
        kind = _office_kind(upload)
    return kind


def _kind_from_signature(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _office_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise PortalError(
                    _(
                        "%(name)s has too many parts to be a document; save the document again "
                        "from your office program."
                    )
                    % {"name": upload.name},
                    code=UPLOAD_REJECTED,
                )
            uncompressed = sum(member.file_size for member in members)
            compressed = sum(member.compress_size for member in members) or 1
            if uncompressed > MAX_UNCOMPRESSED_BYTES or uncompressed / compressed > (
                MAX_COMPRESSION_RATIO
            ):
                raise PortalError(
                    _(
                        "%(name)s expands to far more than its size (a zip bomb?) and was "
                        "refused. Save the document again from your office program."
                    )
                    % {"name": upload.name},
                    code=UPLOAD_REJECTED,
                )
            names = {member.filename for member in members}
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    for kind, required in OFFICE_MEMBERS.items():
        if required <= names:
            return kind
    return None
