"""The agreement as a document: HTML for the page, PDF (WeasyPrint) for signing and keeping.

Each stage has its own PDF: the draft, the draft with the researcher's signature (what the data
holder countersigns), and the final one with both signatures and the hashes of the versions
signed. The final PDF carries a PAdES signature (pyHanko) when the portal has a signing
certificate (`PORTAL_PDF_SIGNING_CERT_FILE`, `PORTAL_PDF_SIGNING_KEY_FILE`).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

from governance.agreements.models import Agreement, AgreementSignature

# WeasyPrint logs every layout step at INFO; only its warnings (missing fonts, bad CSS) matter.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def template_html(body: str) -> str:
    """The template's Markdown as sanitised HTML (only harmless tags survive)."""
    return nh3.clean(markdown.markdown(body, extensions=["sane_lists"]))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_context(agreement: Agreement, signatures: Sequence[AgreementSignature]) -> dict:
    by_role = {signature.role: signature for signature in signatures}
    return {
        "agreement": agreement,
        "terms": agreement.terms,
        "researcher_signature": by_role.get(AgreementSignature.Role.RESEARCHER),
        "holder_signature": by_role.get(AgreementSignature.Role.HOLDER),
        "final": AgreementSignature.Role.HOLDER in by_role,
    }


def render_pdf(agreement: Agreement, signatures: Sequence[AgreementSignature]) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "agreements/document_pdf.html", document_context(agreement, signatures)
        )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    if pdf is None:  # only when given a target to write to, which is not the case here
        raise RuntimeError("WeasyPrint returned no PDF.")
    if signatures and AgreementSignature.Role.HOLDER in {s.role for s in signatures}:
        pdf = pades_sign(pdf, agreement)
    return pdf


def signing_configured() -> bool:
    return bool(settings.PORTAL_PDF_SIGNING_CERT_FILE and settings.PORTAL_PDF_SIGNING_KEY_FILE)


@cache
def _signer(cert_file: str, key_file: str, password: str):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(
        key_file, cert_file, key_passphrase=password.encode() if password else None
    )
    if signer is None:
        raise ImproperlyConfigured(
            f"The PDF signing key {key_file} or certificate {cert_file} could not be loaded: "
            "check PORTAL_PDF_SIGNING_KEY_FILE, PORTAL_PDF_SIGNING_CERT_FILE and the password."
        )
    return signer


def pades_sign(pdf: bytes, agreement: Agreement) -> bytes:
    """A PAdES signature by the portal over the whole final PDF, if a certificate is set up."""
    if not signing_configured():
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    for path in (settings.PORTAL_PDF_SIGNING_CERT_FILE, settings.PORTAL_PDF_SIGNING_KEY_FILE):
        if not Path(path).is_file():
            raise ImproperlyConfigured(f"The PDF signing file {path} does not exist.")
    signer = _signer(
        settings.PORTAL_PDF_SIGNING_CERT_FILE,
        settings.PORTAL_PDF_SIGNING_KEY_FILE,
        settings.PORTAL_PDF_SIGNING_KEY_PASSWORD,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="PortalSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"Data-use agreement {agreement.pk} version {agreement.version} in force",
        location=settings.PORTAL_BASE_URL,
    )
    out = signers.sign_pdf(writer, metadata, signer=signer)
    return out.getvalue()
