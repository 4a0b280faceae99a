"""Drafting and signing: the agreement state machine, re-authentication, the stored PDF."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from governance.access.models import AccessRequest
from governance.agreements import services
from governance.agreements.models import Agreement, AgreementSignature, Grant
from governance.audit.models import AuditEvent
from governance.core.errors import ConcurrentChange, InvalidTransition, NotPermitted, PortalError
from governance.core.events import access_items_approved
from tests.agreements.factories import RequestedDatasetFactory
from tests.agreements.helpers import approved_request, in_force, pdf_text, sign
from tests.catalogue.factories import DatasetFactory, published
from tests.factories import UserFactory
from tests.mfa import current_code, give_totp

pytestmark = pytest.mark.django_db


def test_approval_event_drafts_one_agreement_per_data_holder(password):
    made = approved_request(datasets=2, draft=False)
    other_dataset = DatasetFactory(title="Lung CT of another holder")
    published(other_dataset)
    other_item = RequestedDatasetFactory(
        request=made.request, dataset=other_dataset, outcome="approved"
    )
    access_items_approved.send(
        sender=AccessRequest, request=made.request, items=[*made.items, other_item]
    )
    agreements = list(Agreement.objects.order_by("pk"))
    assert [(a.holder_id, a.state, a.items.count()) for a in agreements] == [
        (made.holder_org.pk, "drafted", 2),
        (other_dataset.custodian_id, "drafted", 1),
    ]
    assert AuditEvent.objects.filter(action="agreements.drafted").count() == 2


def test_drafting_twice_changes_nothing(setup):
    again = services.agreement_draft_for(request=setup.request, items=setup.items)
    assert again == []
    assert Agreement.objects.count() == 1


def test_draft_states_parties_purpose_period_team_conditions_and_obligations(setup):
    agreement = setup.agreement
    terms = agreement.terms
    assert terms["researcher"]["name"] == "Jonas Researcher"
    assert terms["holder"]["name"] == "Milan Imaging Repository"
    assert terms["signatories"] == ["Giulia Signatory"]
    assert "(HMB)" in terms["project"]["purpose"]
    assert terms["team"] == [
        {"name": "Ana Team", "email": "ana@example.org", "role": "radiologist"}
    ]
    (dataset,) = terms["datasets"]
    assert dataset["access_condition_code"] == "download"
    assert any("ethics committee" in sentence for sentence in dataset["conditions"])
    assert len(dataset["obligations"]) == 2  # IRB and PUB, as the DUO compatibility names them
    assert terms["template"]["version"] == 1
    assert "<h2>1. Purpose and scope</h2>" in terms["template"]["html"]
    assert (agreement.starts_on, agreement.ends_on) == (
        setup.request.starts_on,
        setup.request.ends_on,
    )


def test_template_markdown_is_sanitised():
    from governance.agreements.documents import template_html

    html = template_html("## Title\n\n<script>alert(1)</script>\n\n<a href='javascript:x'>x</a>")
    assert "<h2>Title</h2>" in html
    assert "<script" not in html and "javascript:" not in html


# Transitions


def test_researcher_signs_then_holder_countersigns(setup, password):
    agreement = sign(setup.agreement, setup.researcher, password)
    assert agreement.state == "signed_by_researcher"
    agreement = sign(agreement, setup.holder, password)
    assert agreement.state == "in_force"
    assert agreement.in_force_at is not None
    roles = list(agreement.signatures.values_list("role", "signer__email"))
    assert roles == [("researcher", "jonas@example.org"), ("holder", "signatory@example.org")]
    assert list(
        AuditEvent.objects.filter(object_type="agreements.agreement")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "agreements.drafted",
        "agreements.signed",
        "agreements.countersigned",
        "agreements.in_force",
    ]


def test_holder_cannot_sign_before_the_researcher(setup, password):
    with pytest.raises(InvalidTransition, match="researcher signs first"):
        sign(setup.agreement, setup.holder, password)
    assert setup.agreement.state == "drafted"


def test_researcher_cannot_sign_twice(setup, password):
    sign(setup.agreement, setup.researcher, password)
    with pytest.raises(InvalidTransition, match="countersigns next"):
        sign(setup.agreement, setup.researcher, password)


@pytest.mark.parametrize("final", ["in_force", "expired", "terminated"])
def test_no_signature_on_an_agreement_past_signing(setup, password, final):
    Agreement.objects.filter(pk=setup.agreement.pk).update(state=final)
    for person in (setup.researcher, setup.holder):
        with pytest.raises(InvalidTransition):
            sign(setup.agreement, person, password)


def test_someone_else_cannot_sign(setup, password):
    for person in (UserFactory(), setup.member):
        with pytest.raises(NotPermitted):
            sign(setup.agreement, person, password)


def test_wrong_password_records_nothing(setup):
    events = AuditEvent.objects.count()
    with pytest.raises(services.WrongCredentials, match="password is not correct"):
        sign(setup.agreement, setup.researcher, "not-my-password")
    assert setup.agreement.state == "drafted"
    assert not AgreementSignature.objects.exists()
    assert AuditEvent.objects.count() == events


def test_signing_with_an_authenticator_code(setup):
    give_totp(setup.researcher)
    with pytest.raises(services.WrongCredentials, match="code is not correct"):
        services.agreement_sign(agreement=setup.agreement, actor=setup.researcher, code="000000")
    agreement = services.agreement_sign(
        agreement=setup.agreement, actor=setup.researcher, code=current_code()
    )
    assert agreement.signatures.get().method == "totp"


def test_code_without_an_authenticator_is_refused(setup):
    with pytest.raises(services.WrongCredentials, match="no authenticator"):
        services.agreement_sign(agreement=setup.agreement, actor=setup.researcher, code="123456")


def test_signing_a_document_that_changed_is_refused(setup, password):
    with pytest.raises(ConcurrentChange):
        services.agreement_sign(
            agreement=setup.agreement,
            actor=setup.researcher,
            password=password,
            expected_sha256="0" * 64,
        )
    assert not AgreementSignature.objects.exists()


@pytest.mark.parametrize("state", ["drafted", "signed_by_researcher", "in_force"])
def test_staff_terminate(setup, password, staff, state):
    if state != "drafted":
        sign(setup.agreement, setup.researcher, password)
    if state == "in_force":
        sign(setup.agreement, setup.holder, password)
    agreement = services.agreement_terminate(
        agreement=setup.agreement, actor=staff, reason="Breach"
    )
    assert (agreement.state, agreement.ended_reason) == ("terminated", "Breach")


@pytest.mark.parametrize("final", ["expired", "terminated"])
def test_terminate_refused_once_ended(setup, staff, final):
    Agreement.objects.filter(pk=setup.agreement.pk).update(state=final)
    with pytest.raises(InvalidTransition):
        services.agreement_terminate(agreement=setup.agreement, actor=staff, reason="Breach")


def test_terminate_needs_staff_and_a_reason(setup, staff):
    for person in (setup.researcher, setup.holder, setup.member):
        with pytest.raises(NotPermitted):
            services.agreement_terminate(agreement=setup.agreement, actor=person, reason="x")
    with pytest.raises(PortalError, match="reason"):
        services.agreement_terminate(agreement=setup.agreement, actor=staff, reason=" ")


# The documents


def test_each_signature_hashes_the_exact_pdf_signed(setup, password):
    draft_pdf = services.agreement_document(agreement=setup.agreement)
    agreement = sign(setup.agreement, setup.researcher, password)
    researcher_signature = agreement.signatures.get()
    assert researcher_signature.document_sha256 == hashlib.sha256(draft_pdf).hexdigest()
    with agreement.document.open("rb") as stored:
        to_countersign = stored.read()
    assert "Signed electronically by Jonas Researcher" in pdf_text(to_countersign)
    agreement = sign(agreement, setup.holder, password)
    holder_signature = agreement.signatures.get(role="holder")
    assert holder_signature.document_sha256 == hashlib.sha256(to_countersign).hexdigest()


def test_final_pdf_shows_parties_conditions_signers_and_hashes(setup, password):
    agreement = in_force(setup, password)
    final = services.agreement_document(agreement=agreement)
    assert hashlib.sha256(final).hexdigest() == agreement.document_sha256
    text = " ".join(pdf_text(final).split())
    for expected in [
        "Jonas Researcher",
        "Berlin AI Lab",
        "Milan Imaging Repository",
        "Breast MRI collection 1",
        "Researchers must show the approval of an ethics committee.",
        "Signed electronically by Jonas Researcher",
        "Countersigned electronically by Giulia Signatory",
        "Signed by both parties: in force.",
        *[s.document_sha256 for s in agreement.signatures.all()],
    ]:
        assert expected in text, expected


def test_in_force_creates_one_grant_per_item(password):
    made = approved_request(datasets=3)
    agreement = in_force(made, password)
    grants = list(Grant.objects.filter(agreement=agreement).order_by("dataset_id"))
    assert [(g.person, g.dataset, g.committee, g.state) for g in grants] == [
        (made.researcher, d, made.committee, "active") for d in made.datasets
    ]
    assert all(g.is_usable() for g in grants)
    # Usable through the whole last day, in the portal's time zone.
    ends_at = timezone.localtime(grants[0].ends_at)
    assert (ends_at.date(), ends_at.time()) == (
        agreement.ends_on + datetime.timedelta(days=1),
        datetime.time(0, 0),
    )


def test_first_template_is_the_text_in_the_repository():
    from pathlib import Path

    from governance import agreements
    from governance.agreements.models import AgreementTemplate

    text = Path(agreements.__file__).parent / "texts" / "template_v1.md"
    assert AgreementTemplate.objects.get(version=1).body == text.read_text(encoding="utf-8")
