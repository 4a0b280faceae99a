import pytest

from governance.calls.uploads import UploadRejected, check_upload
from tests.calls.factories import PNG, office_bytes, pdf_bytes, upload, zip_bomb_bytes


def test_upload_pdf_accepted_with_hash():
    checked = check_upload(upload("plan.pdf", pdf_bytes()), allowed=["pdf"])

    assert checked.kind == "pdf"
    assert len(checked.sha256) == 64
    assert checked.size == len(pdf_bytes())


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


def test_upload_fake_pdf_refused():
    with pytest.raises(UploadRejected, match="named like a PDF file but its content is not one"):
        check_upload(upload("letter.pdf", b"<html>not a pdf</html>"), allowed=["pdf"])


def test_upload_wrong_type_for_question_refused():
    with pytest.raises(UploadRejected, match="this question accepts PDF"):
        check_upload(upload("logo.png", PNG), allowed=["pdf"])


def test_upload_pdf_named_png_refused():
    with pytest.raises(UploadRejected, match=r"rename it to \.pdf"):
        check_upload(upload("scan.png", pdf_bytes()))


def test_upload_too_big_refused():
    content = pdf_bytes() + b"0" * (2 * 1024 * 1024)

    with pytest.raises(UploadRejected, match="at most 1 MB"):
        check_upload(upload("big.pdf", content), max_bytes=1024 * 1024)


def test_upload_zip_bomb_refused():
    bomb = zip_bomb_bytes()
    assert len(bomb) < 1024 * 1024  # small on the wire

    with pytest.raises(UploadRejected, match="zip bomb"):
        check_upload(upload("plan.docx", bomb))


def test_upload_zip_that_is_not_office_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hi")

    with pytest.raises(UploadRejected, match="named like a DOCX"):
        check_upload(upload("plan.docx", buffer.getvalue()))


def test_upload_empty_refused():
    with pytest.raises(UploadRejected, match="empty"):
        check_upload(upload("plan.pdf", b""))
