"""With a signing certificate configured, the final PDF carries a PAdES signature that verifies."""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from governance.agreements import services
from tests.agreements.helpers import in_force, pdf_text, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_certificate(settings, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test governance portal")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file = tmp_path / "cert.pem"
    key_file = tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"key-password"),
        )
    )
    settings.PORTAL_PDF_SIGNING_CERT_FILE = str(cert_file)
    settings.PORTAL_PDF_SIGNING_KEY_FILE = str(key_file)
    settings.PORTAL_PDF_SIGNING_KEY_PASSWORD = "key-password"
    return cert_file


def test_final_pdf_carries_a_pades_signature_that_verifies(setup, password, signing_certificate):
    agreement = in_force(setup, password)
    data = services.agreement_document(agreement=agreement)
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_certificate))])
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.human_friendly == "Common Name: Test governance portal"
    assert "Countersigned electronically by Giulia Signatory" in pdf_text(data)


def test_a_changed_byte_breaks_the_pades_signature(setup, password, signing_certificate):
    agreement = in_force(setup, password)
    data = bytearray(services.agreement_document(agreement=agreement))
    position = data.index(b"Milan") if b"Milan" in data else len(data) // 3
    data[position] ^= 0x01
    (signature,) = PdfFileReader(io.BytesIO(bytes(data))).embedded_signatures
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_certificate))])
    assert not validate_pdf_signature(signature, trust).intact


def test_drafts_are_not_pades_signed(setup, password, signing_certificate):
    agreement = sign(setup.agreement, setup.researcher, password)
    data = services.agreement_document(agreement=agreement)
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
