import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter

from governance.core.errors import PortalError
from governance.core.uploads import (
    FILE_TOO_LARGE,
    MAX_UPLOAD_BYTES,
    NOT_A_PDF,
    UPLOAD_REJECTED,
    check_pdf,
    check_pdf_pages,
    check_upload,
)

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_HEADER_ONLY = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"  # starts like a PDF, reads as none


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def pdf_bytes(pages: int = 1) -> bytes:
    """A PDF that pyHanko reads, with `pages` blank A4 pages."""
    writer = PdfFileWriter()
    for _ in range(pages):
        writer.insert_page(
            generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/Page"),
                    generic.NameObject("/MediaBox"): generic.ArrayObject(
                        [generic.NumberObject(n) for n in (0, 0, 595, 842)]
                    ),
                }
            )
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def office_bytes(kind: str = "docx") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def zip_bomb_bytes(name="word/document.xml", size=200 * MB) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(name, "w", force_zip64=True) as member:
            chunk = b"\x00" * MB
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def refusal(check, *args, **kwargs) -> PortalError:
    with pytest.raises(PortalError) as caught:
        check(*args, **kwargs)
    return caught.value


# check_upload: any of the portal's types, the name must match the content


def test_upload_pdf_accepted_with_hash():
    checked = check_upload(upload("plan.pdf", PDF_HEADER_ONLY), allowed=["pdf"])

    assert checked.kind == "pdf"
    assert checked.content_type == "application/pdf"
    assert len(checked.sha256) == 64
    assert checked.size == len(PDF_HEADER_ONLY)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("logo.png", PNG, "png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        ("plan.docx", office_bytes("docx"), "docx"),
        ("budget.xlsx", office_bytes("xlsx"), "xlsx"),
    ],
)
def test_upload_recognised_by_content(name, content, kind):
    assert check_upload(upload(name, content)).kind == kind


def test_upload_fake_pdf_with_pdf_extension_is_not_a_pdf():
    error = refusal(check_upload, upload("letter.pdf", b"<html>not a pdf</html>"))

    assert error.code == NOT_A_PDF
    assert "letter.pdf is not a PDF, although its name ends in .pdf" in error.detail
    assert "save or export the document as PDF" in error.detail


def test_upload_other_type_where_only_pdf_is_accepted_is_not_a_pdf():
    error = refusal(check_upload, upload("logo.png", PNG), allowed=["pdf"])

    assert error.code == NOT_A_PDF
    assert "only a PDF is accepted here" in error.detail


def test_upload_type_not_accepted_here_refused():
    error = refusal(check_upload, upload("logo.png", PNG), allowed=["pdf", "docx"])

    assert error.code == UPLOAD_REJECTED
    assert "PNG file, which is not accepted here" in error.detail
    assert "one of these instead: PDF, DOCX" in error.detail


def test_upload_unknown_content_refused():
    error = refusal(check_upload, upload("notes.txt", b"plain text"), allowed=["png", "jpeg"])

    assert error.code == UPLOAD_REJECTED
    assert "one of these instead: PNG, JPEG" in error.detail


def test_upload_pdf_named_png_refused():
    error = refusal(check_upload, upload("scan.png", PDF_HEADER_ONLY))

    assert error.code == UPLOAD_REJECTED
    assert "rename it to .pdf" in error.detail


def test_upload_too_big_refused():
    error = refusal(
        check_upload, upload("big.pdf", PDF_HEADER_ONLY + b"0" * (2 * MB)), max_bytes=MB
    )

    assert error.code == FILE_TOO_LARGE
    assert "big.pdf is 2.1 MB, larger than allowed here (at most 1 MB)" in error.detail
    assert "upload a smaller file" in error.detail


def test_upload_just_over_the_limit_reads_as_over_it():
    content = PDF_HEADER_ONLY + b"0" * (MB + 1 - len(PDF_HEADER_ONLY))

    error = refusal(check_upload, upload("big.pdf", content), max_bytes=MB)

    assert "is 1.1 MB" in error.detail


def test_upload_limit_never_above_the_ceiling():
    content = PDF_HEADER_ONLY + b"0" * MAX_UPLOAD_BYTES

    error = refusal(check_upload, upload("big.pdf", content), max_bytes=2 * MAX_UPLOAD_BYTES)

    assert error.code == FILE_TOO_LARGE
    assert "at most 20 MB" in error.detail


def test_upload_zip_bomb_refused():
    bomb = zip_bomb_bytes()
    assert len(bomb) < MB  # small on the wire

    error = refusal(check_upload, upload("plan.docx", bomb))

    assert error.code == UPLOAD_REJECTED
    assert "zip bomb" in error.detail


def test_upload_zip_that_is_not_office_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hi")

    error = refusal(check_upload, upload("plan.docx", buffer.getvalue()))

    assert error.code == UPLOAD_REJECTED
    assert "named like a DOCX file but its content is not one" in error.detail


def test_upload_empty_refused():
    error = refusal(check_upload, upload("plan.pdf", b""))

    assert error.code == UPLOAD_REJECTED
    assert "plan.pdf is empty" in error.detail


# check_pdf: a PDF by content whatever its name, optionally readable with pages


def test_pdf_by_content_whatever_its_name():
    assert check_pdf(upload("approval", PDF_HEADER_ONLY), max_bytes=MB).kind == "pdf"


def test_pdf_fake_with_pdf_extension_refused():
    error = refusal(check_pdf, upload("approval.pdf", b"GIF89a..."), max_bytes=MB)

    assert error.code == NOT_A_PDF


def test_pdf_of_another_type_refused():
    error = refusal(check_pdf, upload("approval.docx", office_bytes()), max_bytes=MB)

    assert error.code == NOT_A_PDF
    assert "approval.docx is not a PDF, and only a PDF is accepted here" in error.detail


def test_pdf_too_large_refused():
    error = refusal(check_pdf, upload("a.pdf", PDF_HEADER_ONLY + b"0" * MB), max_bytes=MB)

    assert error.code == FILE_TOO_LARGE


def test_pdf_readable_with_pages_accepted():
    content = pdf_bytes(pages=2)

    checked = check_pdf(upload("form.pdf", content), max_bytes=MB, readable=True)

    assert checked.kind == "pdf"
    assert check_pdf_pages(upload("form.pdf", content)) == 2


def test_pdf_header_but_unreadable_body_refused_when_it_must_be_readable():
    unreadable = upload("form.pdf", PDF_HEADER_ONLY)

    error = refusal(check_pdf, unreadable, max_bytes=MB, readable=True)

    assert error.code == NOT_A_PDF
    assert "form.pdf cannot be read as a PDF" in error.detail
    assert check_pdf(unreadable, max_bytes=MB).kind == "pdf"  # the header is all ethics asks


def test_pdf_truncated_refused_when_it_must_be_readable():
    truncated = upload("form.pdf", pdf_bytes()[:300])

    error = refusal(check_pdf, truncated, max_bytes=MB, readable=True)

    assert error.code == NOT_A_PDF


def test_pdf_without_pages_refused_when_it_must_be_readable():
    error = refusal(check_pdf, upload("form.pdf", pdf_bytes(pages=0)), max_bytes=MB, readable=True)

    assert error.code == NOT_A_PDF
    assert "form.pdf is a PDF without pages" in error.detail


def test_pdf_check_leaves_the_file_at_its_start():
    content = pdf_bytes()
    checked_upload = upload("form.pdf", content)

    check_pdf(checked_upload, max_bytes=MB, readable=True)

    assert checked_upload.read() == content
