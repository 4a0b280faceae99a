"""HTML and Markdown injection: text people type is never markup on a page, in an email or in a
PDF, except through the sanitisers, and no template switches escaping off outside this list."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from governance.agreements.documents import template_html

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "<iframe src=https://evil.example></iframe>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "<style>body{display:none}</style>",
]
DANGER = re.compile(r"<script|onerror|onload|javascript:|<iframe|data:text/html|<style", re.I)

# Where a template writes markup unescaped, and why that markup is safe.
UNESCAPED = {
    # The agreement template's Markdown, sanitised by nh3 (agreements.documents.template_html).
    ("agreements/_document.html", "terms.template.html|safe"),
    # Form help texts, written by the portal's developers in the form classes, never by users.
    ("accounts/includes/form_fields.html", "field.help_text|safe"),
}


def test_no_template_switches_escaping_off_outside_the_list():
    found = set()
    for path in TEMPLATES.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert "{% autoescape off" not in text, path
        for match in re.finditer(r"\{\{\s*([^}]*\|safe(?:seq)?)\s*\}\}", text):
            found.add((str(path.relative_to(TEMPLATES)), match.group(1).strip()))
    assert found == UNESCAPED


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_of_calls_keeps_no_active_markup(payload):
    html = Template("{% load calls_tags %}{{ text|markdown }}").render(
        Context({"text": f"Intro\n\n{payload}\n\n**bold**"})
    )
    assert not DANGER.search(html), html
    assert "<strong>bold</strong>" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_agreement_template_markdown_keeps_no_active_markup(payload):
    html = template_html(f"## Terms\n\n{payload}")
    assert not DANGER.search(html), html
    assert "<h2>Terms</h2>" in html


@pytest.mark.django_db
def test_text_typed_by_an_applicant_is_escaped_on_their_pages(client, chair, applicant):
    from tests.calls.factories import make_call, make_draft

    payload = " ".join(PAYLOADS[:4])  # the script, img, link and svg payloads fit a title
    assert len(payload) <= 200
    proposal = make_draft(make_call(chair=chair), applicant, title=payload)
    client.force_login(applicant)
    for url in (f"/calls/proposals/{proposal.pk}/", "/calls/proposals/", "/dashboard/"):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "<script>alert(1)" not in html and "<svg onload" not in html, url
        assert '<img src=x onerror="alert(1)">' not in html, url


TRAVERSAL = ["../../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "a/../../b.pdf"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRAVERSAL)
def test_no_upload_can_choose_where_it_is_written(name):
    """Every FileField of the portal writes under its own folder of MEDIA_ROOT, whatever name the
    uploader gave the file: the name is replaced, or Django refuses it (a 400 at the door; the
    multipart parser already keeps only a name's last part)."""
    from django.apps import apps
    from django.core.exceptions import SuspiciousFileOperation
    from django.db.models import FileField

    fields = [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("governance.")
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    ]
    assert len(fields) >= 5
    for model, field in fields:
        try:
            path = field.generate_filename(model(), name)
        except SuspiciousFileOperation:
            continue
        parts = path.replace("\\", "/").split("/")
        assert ".." not in parts and not path.startswith("/"), (model.__name__, path)
        assert "etc" not in parts and "boot.ini" not in path, (model.__name__, path)


@pytest.mark.django_db
def test_an_uploaded_file_is_served_as_a_download_that_no_browser_runs(client, chair, applicant):
    """A hostile name cannot break out of the header, and a PDF/HTML polyglot is served as a PDF
    download that the browser may not sniff into a page."""
    from django.core.files.base import ContentFile

    from governance.calls.models import Attachment
    from tests.calls.factories import make_call, make_draft, pdf_bytes

    proposal = make_draft(make_call(chair=chair), applicant)
    attachment = Attachment(
        proposal=proposal,
        question_key="dpo_letter",
        original_name='../evil".pdf\r\nSet-Cookie: x=1',
        kind="pdf",
        size=len(pdf_bytes()),
        sha256="0" * 64,
        uploaded_by=applicant,
    )
    polyglot = pdf_bytes() + b"<html><script>alert(document.cookie)</script></html>"
    attachment.file.save("x", ContentFile(polyglot), save=False)
    attachment.save()
    client.force_login(applicant)
    response = client.get(f"/calls/attachments/{attachment.pk}/")
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and "Set-Cookie" not in response.headers
    assert "../" not in header
    assert header.startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
