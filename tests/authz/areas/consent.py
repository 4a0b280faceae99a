"""Consent forms and records: the pages of `consent:` and the API's consent forms and records.

SPEC 2 and governance/consent/rules.py: consent records are personal data under pseudonyms, so
only the data holders of the dataset's custodian organisation and staff see and write them (to
anyone else a record or a dataset's records are 404); a holder writes their organisation's
consent forms, staff every form. Patient-organisation representatives (and holders, staff) read
the aggregated, non-identifying figures and the forms in use, never a pseudonym; to the other
personas these pages are 404, and their API lists are empty.
"""

from __future__ import annotations

from tests.authz.table import (
    SIGNED_IN,
    api,
    api_prefixes,
    page,
    who,
)

PREFIXES = ("consent:", *api_prefixes("consent-forms", "consent-records"))

FORM_CODE = "moir-imaging-research"
MOIR_BREAST = "Breast cancer screening and staging: MRI, mammography and ultrasound"


def _dataset(title: str):
    from governance.catalogue.models import Dataset

    return Dataset.objects.get(title=title)


def _foreign_dataset():
    from governance.catalogue.models import Dataset

    return (
        Dataset.objects.exclude(custodian=_dataset(MOIR_BREAST).custodian).order_by("title").first()
    )


def _record(pseudonym: str):
    from governance.consent.models import ConsentRecord

    return ConsentRecord.objects.get(dataset__title=MOIR_BREAST, pseudonym=pseudonym)


def _form():
    from governance.consent.models import ConsentForm

    return ConsentForm.objects.get(organisation__short_name="MOIR", code=FORM_CODE, version=1)


SUBJECTS = {
    "dataset.moir": (
        "the repository's breast dataset, with consent records",
        lambda: _dataset(MOIR_BREAST),
    ),
    "dataset.foreign": ("a dataset of another data holder of the federation", _foreign_dataset),
    "record.moir": (
        "a consent record (pseudonym MOIR-BR-0001) on the holder's breast dataset",
        lambda: _record("MOIR-BR-0001"),
    ),
    "record.withdrawn": (
        "the withdrawn consent record (MOIR-BR-0007) on the holder's breast dataset",
        lambda: _record("MOIR-BR-0007"),
    ),
    "form.published": ("the repository's consent form in use (version 1)", _form),
}

MANAGERS = who("holder", "admin")  # the dataset's holders and staff: the pseudonyms
READERS = who("holder", "admin", "patientorg")  # figures and the forms in use
# The published form is seen by its readers: a reader who may not write it should get 403.
SEEN = {"*": 404, "patientorg": 403}


PAGES = [
    # The patient organisation is sent on to the figures (a redirect).
    page("consent:overview", READERS, denied=404),
    page("consent:figures", READERS, denied=404),
    page("consent:history", MANAGERS, denied=404),
    page("consent:dataset", MANAGERS, subject="dataset.moir", denied=404),
    page("consent:dataset", who("admin"), subject="dataset.foreign", denied=404),
    page("consent:record_create", MANAGERS, subject="dataset.moir", denied=404),
    page("consent:record_create", who("admin"), subject="dataset.foreign", denied=404),
    page("consent:import", MANAGERS, subject="dataset.moir", denied=404),
    page("consent:dataset_fhir", MANAGERS, subject="dataset.moir", denied=404),
    page("consent:dataset_fhir", who("admin"), subject="dataset.foreign", denied=404),
    page("consent:record", MANAGERS, subject="record.moir", denied=404),
    page("consent:record", MANAGERS, subject="record.withdrawn", denied=404),
    page("consent:record_withdraw", MANAGERS, "POST", subject="record.moir", denied=404),
    page("consent:record_withdraw", MANAGERS, "POST", subject="record.withdrawn", denied=404),
    page("consent:forms", READERS, denied=404),
    page("consent:form_create", MANAGERS, denied=404),
    page("consent:form", READERS, subject="form.published", denied=404),
    page("consent:form_document", READERS, subject="form.published", denied=404),
    # In use: the editors are sent back to the form (a redirect), the publication is refused.
    page("consent:form_edit", MANAGERS, subject="form.published", denied=SEEN),
    page(
        "consent:form_publish",
        MANAGERS,
        "POST",
        subject="form.published",
        denied=SEEN,
    ),
    page(
        "consent:form_new_version",
        MANAGERS,
        "POST",
        subject="form.published",
        denied=SEEN,
    ),
]

API = [
    api("GET /api/v1/consent-forms/", SIGNED_IN),
    api("POST /api/v1/consent-forms/", MANAGERS),
    api("GET /api/v1/consent-forms/{id}/", READERS, "form.published", denied=404),
    api("PUT /api/v1/consent-forms/{id}/", MANAGERS, "form.published", denied=SEEN),
    api("PATCH /api/v1/consent-forms/{id}/", MANAGERS, "form.published", denied=SEEN),
    api(
        "POST /api/v1/consent-forms/{id}/publish/",
        MANAGERS,
        "form.published",
        denied=SEEN,
    ),
    api(
        "POST /api/v1/consent-forms/{id}/new-version/",
        MANAGERS,
        "form.published",
        denied=SEEN,
    ),
    # Lists: everyone signed in gets one, empty but for the managers.
    api("GET /api/v1/consent-records/", SIGNED_IN),
    api("POST /api/v1/consent-records/", MANAGERS),
    api("GET /api/v1/consent-records/{id}/", MANAGERS, "record.moir", denied=404),
    api("GET /api/v1/consent-records/{id}/", MANAGERS, "record.withdrawn", denied=404),
    api("POST /api/v1/consent-records/{id}/withdraw/", MANAGERS, "record.moir", denied=404),
    api("POST /api/v1/consent-records/{id}/withdraw/", MANAGERS, "record.withdrawn", denied=404),
    api("GET /api/v1/consent-records/{id}/fhir/", MANAGERS, "record.moir", denied=404),
    # The import takes a CSV file: the matrix sends an empty multipart body.
    api("POST /api/v1/consent-records/import/", MANAGERS, multipart=True),
    api("GET /api/v1/consent-records/fhir-bundle/", MANAGERS),
    api("GET /api/v1/consent-records/figures/", READERS),
]

ROWS = [*PAGES, *API]
