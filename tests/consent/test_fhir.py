import json

import fhir.resources
import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.consent import Consent

from governance.consent.services import record_withdraw
from tests.consent.factories import ConsentRecordFactory

pytestmark = pytest.mark.django_db


def test_fhir_package_is_r5():

    assert fhir.resources.__fhir_version__.startswith("5.")  # R5


def test_fhir_consent_of_a_given_record(client, holder, dataset, consent_form):
    record = ConsentRecordFactory(
        dataset=dataset, form=consent_form, pseudonym="SUBJ-0001", scope="own_disease"
    )
    client.force_login(holder)

    response = client.get(f"/api/v1/consent-records/{record.pk}/fhir/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    consent = Consent.model_validate(response.json())
    assert consent.status == "active"
    assert consent.decision == "permit"
    assert str(consent.period.start) == "2024-03-01"
    assert consent.period.end is None
    assert consent.subject.identifier.value == "SUBJ-0001"
    assert consent.policyBasis.url.endswith(f"/consent/forms/{consent_form.pk}/")
    assert consent.regulatoryBasis[0].coding[0].code == "consent"
    codes = {coding.code for coding in consent.provision[0].purpose}
    # HMB from the form, NCU its modifier, DS from the subject's narrower scope
    assert codes == {"DUO:0000006", "DUO:0000046", "DUO:0000007"}
    assert consent.sourceAttachment[0].contentType == "application/pdf"


def test_fhir_consent_of_a_withdrawn_record(client, holder, dataset, consent_form):
    record = ConsentRecordFactory(dataset=dataset, form=consent_form)
    record_withdraw(actor=holder, record=record, withdrawn_on=record.given_on, scope="removal")
    client.force_login(holder)

    consent = Consent.model_validate(
        client.get(f"/api/v1/consent-records/{record.pk}/fhir/").json()
    )

    assert consent.status == "inactive"
    assert consent.decision == "deny"
    assert str(consent.period.end) == record.given_on.isoformat()


def test_fhir_spec_path_without_slash_answers_directly(client, holder, dataset, consent_form):
    record = ConsentRecordFactory(dataset=dataset, form=consent_form)
    client.force_login(holder)

    response = client.get(f"/api/v1/consent-records/{record.pk}/fhir")

    assert response.status_code == 200  # not a redirect: the SPEC's path is served as written
    assert response.json()["resourceType"] == "Consent"


def test_fhir_of_another_holders_record_is_404(client, other_holder, dataset, consent_form):
    record = ConsentRecordFactory(dataset=dataset, form=consent_form)
    client.force_login(other_holder)

    assert client.get(f"/api/v1/consent-records/{record.pk}/fhir/").status_code == 404


def test_fhir_bundle_streams_every_record(client, holder, dataset, consent_form):
    records = [
        ConsentRecordFactory(dataset=dataset, form=consent_form, data_altruism=True)
        for _ in range(3)
    ]
    record_withdraw(
        actor=holder, record=records[0], withdrawn_on=records[0].given_on, scope="future_use"
    )
    client.force_login(holder)

    response = client.get("/api/v1/consent-records/fhir-bundle/", {"dataset": dataset.pk})

    assert response.status_code == 200
    assert response.streaming
    bundle = Bundle.model_validate(json.loads(b"".join(response.streaming_content)))
    assert bundle.type == "collection"
    assert len(bundle.entry) == 3
    statuses = sorted(entry.resource.status for entry in bundle.entry)
    assert statuses == ["active", "active", "inactive"]
    # data altruism is a second provision
    assert all(len(entry.resource.provision) == 2 for entry in bundle.entry)


def test_fhir_bundle_page_link_and_404(client, holder, other_holder, dataset, consent_form):
    ConsentRecordFactory(dataset=dataset, form=consent_form)
    client.force_login(other_holder)
    assert client.get(f"/consent/datasets/{dataset.pk}/fhir/").status_code == 404
    assert (
        client.get("/api/v1/consent-records/fhir-bundle/", {"dataset": dataset.pk}).status_code
        == 404
    )
    client.force_login(holder)
    response = client.get(f"/consent/datasets/{dataset.pk}/fhir/")
    assert Bundle.model_validate(json.loads(b"".join(response.streaming_content))).entry
