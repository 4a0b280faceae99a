import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.catalogue.models import DuoTerm
from governance.consent.documents import MAX_BYTES, validate_pdf
from governance.consent.models import ConsentForm, FormIsFinal
from governance.consent.services import form_create, form_new_version, form_publish
from tests.consent.factories import ConsentFormFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def _pdf(name="form.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes(), "application/pdf")


def _payload(holder_org, **overrides):
    data = {
        "organisation": holder_org.pk,
        "code": "imaging",
        "title": "Use of your images",
        "language": "it",
        "duo_permission": "DUO:0000006",  # HMB
        "duo_modifiers": ["DUO:0000046"],  # NCU
        "legal_basis": "consent",
        "offers_data_altruism": "true",
        "plain_summary": "Your scans may be used for health research.",
        "document": _pdf(),
    }
    data.update(overrides)
    return data


def test_api_form_create_publish_and_version(client, holder, holder_org):
    client.force_login(holder)

    created = client.post("/api/v1/consent-forms/", _payload(holder_org))
    assert created.status_code == 201, created.json()
    form_id = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert created.json()["duo_modifiers"] == ["DUO:0000046"]

    published = client.post(f"/api/v1/consent-forms/{form_id}/publish/")
    assert published.status_code == 200
    assert published.json()["state"] == "published"

    changed = client.patch(
        f"/api/v1/consent-forms/{form_id}/",
        {"title": "Changed"},
        content_type="application/json",
    )
    assert changed.status_code == 409
    assert "Start a new version" in changed.json()["detail"]

    version = client.post(f"/api/v1/consent-forms/{form_id}/new-version/")
    assert version.status_code == 201
    assert version.json()["version"] == 2
    assert version.json()["state"] == "draft"
    assert version.json()["supersedes"] == form_id
    client.post(f"/api/v1/consent-forms/{version.json()['id']}/publish/")
    assert ConsentForm.objects.get(pk=form_id).state == "superseded"
    assert AuditEvent.objects.filter(action="consent.form_superseded").count() == 1


def test_api_form_document_must_really_be_a_pdf(client, holder, holder_org):
    client.force_login(holder)

    response = client.post(
        "/api/v1/consent-forms/",
        _payload(holder_org, document=_pdf(content=b"I am plain text, whatever my name says")),
    )

    assert response.status_code == 400
    assert "not a PDF" in response.json()["document"][0]


def test_api_form_document_truncated_pdf_is_refused(client, holder, holder_org):
    client.force_login(holder)

    response = client.post(
        "/api/v1/consent-forms/", _payload(holder_org, document=_pdf(content=pdf_bytes()[:300]))
    )

    assert response.status_code == 400
    assert "cannot be read" in response.json()["document"][0]


@pytest.mark.parametrize(
    "content",
    [b"I am plain text", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"],
    ids=["not-a-pdf", "unreadable"],
)
def test_validate_pdf_refuses_what_is_no_readable_pdf_as_not_a_pdf(content):
    with pytest.raises(ValidationError) as caught:
        validate_pdf(_pdf(content=content))

    assert caught.value.code == "not_a_pdf"


def test_validate_pdf_refuses_a_large_file_as_file_too_large():
    with pytest.raises(ValidationError) as caught:
        validate_pdf(_pdf(content=b"%PDF-1.7\n" + b"0" * MAX_BYTES))

    assert caught.value.code == "file_too_large"
    assert "at most 20 MB" in caught.value.messages[0]


def test_federation_wide_forms_are_for_staff(client, holder, holder_org):
    client.force_login(holder)

    response = client.post("/api/v1/consent-forms/", _payload(holder_org, organisation=""))

    assert response.status_code == 403
    assert "federation-wide" in response.json()["detail"]


def test_form_in_use_never_changes(holder, holder_org):
    form = ConsentFormFactory(organisation=holder_org)
    form.title = "Rewritten"

    with pytest.raises(FormIsFinal):
        form.save()


def test_publish_needs_the_document(holder, holder_org):
    from governance.core.errors import PortalError

    draft = form_create(
        actor=holder,
        organisation=holder_org,
        data={
            "code": "no-pdf",
            "title": "T",
            "language": "en",
            "duo_permission": DuoTerm.objects.get(shorthand="GRU"),
            "legal_basis": "consent",
            "plain_summary": "S",
        },
    )

    with pytest.raises(PortalError) as refused:
        form_publish(actor=holder, form=draft)
    assert refused.value.code == "document_missing"


def test_new_version_while_a_draft_exists_is_refused(holder, holder_org):
    from governance.core.errors import InvalidTransition

    form = ConsentFormFactory(organisation=holder_org)
    form_new_version(actor=holder, form=form)

    with pytest.raises(InvalidTransition):
        form_new_version(actor=holder, form=form)


def test_form_pages_for_the_holder(client, holder, holder_org):
    client.force_login(holder)

    response = client.post(
        reverse("consent:form_create"),
        {**_payload(holder_org, duo_modifiers=["DUO:0000046"])},
    )
    form = ConsentForm.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("consent:form", args=[form.pk]))
    html = detail.content.decode()
    assert "Only non-commercial use is allowed." in html
    assert "Put this version in use" in html
    document = client.get(reverse("consent:form_document", args=[form.pk]))
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF-")


def test_form_page_bad_pdf_says_so(client, holder, holder_org):
    client.force_login(holder)

    response = client.post(
        reverse("consent:form_create"), _payload(holder_org, document=_pdf(content=b"GIF89a..."))
    )

    assert response.status_code == 200
    assert "not a PDF" in response.content.decode()
    assert response.context["form"].errors.as_data()["document"][0].code == "not_a_pdf"
    assert not ConsentForm.objects.exists()


def test_draft_form_of_another_holder_is_404(client, other_holder, holder_org):
    draft = ConsentFormFactory(organisation=holder_org, state="draft", published_at=None)
    client.force_login(other_holder)

    assert client.get(reverse("consent:form", args=[draft.pk])).status_code == 404
    assert client.get(reverse("consent:form_edit", args=[draft.pk])).status_code == 404


def test_patient_organisation_reads_forms_in_plain_language(client, patient_rep, holder_org):
    form = ConsentFormFactory(organisation=holder_org)
    ConsentFormFactory(organisation=holder_org, state="draft", title="Secret draft")
    client.force_login(patient_rep)

    listing = client.get(reverse("consent:forms"))
    detail = client.get(reverse("consent:form", args=[form.pk]))

    assert "Secret draft" not in listing.content.decode()
    assert form.plain_summary in detail.content.decode()
    assert "health, medical or biomedical research" in detail.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_api_forms_list_query_count(client, holder, holder_org, count, django_assert_num_queries):
    for _ in range(count):
        ConsentFormFactory(organisation=holder_org)
    client.force_login(holder)
    client.get("/api/v1/consent-forms/")

    # session, user, roles, holder orgs, count, page, modifiers
    with django_assert_num_queries(7):
        response = client.get("/api/v1/consent-forms/")
    assert response.json()["count"] == count
