"""Checking uploaded files by what they contain, not by their names.

A PDF starts with `%PDF-`, a PNG and a JPEG with their signatures; DOCX and XLSX are zip
archives that must hold the members Office writes. Zip archives are also checked for bombs:
the uncompressed total and the compression ratio are capped before anything is extracted.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from governance.core.errors import PortalError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # hard ceiling, whatever a question allows
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


class UploadRejected(PortalError):
    code = "upload_rejected"


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][1]


def check_upload(upload, *, allowed: list[str] | None = None, max_bytes: int | None = None):
    """What the file is, its size and hash; UploadRejected says why it cannot be accepted."""
    allowed = allowed or list(KINDS)
    limit = min(max_bytes or MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES)
    size = upload.size
    if size > limit:
        raise UploadRejected(
            _("%(name)s is %(size)s MB; files here may be at most %(limit)s MB.")
            % {"name": upload.name, "size": _mb(size), "limit": _mb(limit)}
        )
    if size == 0:
        raise UploadRejected(_("%(name)s is empty.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = _kind_from_signature(head)
    if kind == "zip":
        kind = _office_kind(upload)
    named = EXTENSIONS.get(_extension(upload.name))
    if kind is None:
        if named:
            raise UploadRejected(
                _("%(name)s is named like a %(kind)s file but its content is not one.")
                % {"name": upload.name, "kind": named.upper()}
            )
        raise UploadRejected(
            _("%(name)s is not a file type the portal accepts (%(allowed)s).")
            % {"name": upload.name, "allowed": ", ".join(k.upper() for k in allowed)}
        )
    if named != kind:
        raise UploadRejected(
            _(
                "%(name)s contains a %(kind)s file but its name says otherwise; rename it to "
                "%(ext)s."
            )
            % {"name": upload.name, "kind": kind.upper(), "ext": KINDS[kind][0]}
        )
    if kind not in allowed:
        raise UploadRejected(
            _("%(name)s is a %(kind)s file; this question accepts %(allowed)s.")
            % {
                "name": upload.name,
                "kind": kind.upper(),
                "allowed": ", ".join(k.upper() for k in allowed),
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(kind=kind, size=size, sha256=digest.hexdigest())


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


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
                raise UploadRejected(_("The archive has too many parts to be a document."))
            uncompressed = sum(member.file_size for member in members)
            compressed = sum(member.compress_size for member in members) or 1
            if uncompressed > MAX_UNCOMPRESSED_BYTES or uncompressed / compressed > (
                MAX_COMPRESSION_RATIO
            ):
                raise UploadRejected(
                    _(
                        "%(name)s expands to far more than its size (a zip bomb?) and was "
                        "refused. Save the document again from your office program."
                    )
                    % {"name": upload.name}
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
