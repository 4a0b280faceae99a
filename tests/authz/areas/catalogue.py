"""The catalogue: the pages of `catalogue:` and the API's datasets, statements, organisations."""

from __future__ import annotations

from tests.authz.table import (
    PUBLIC,
    STAFF,
    api,
    api_prefixes,
    page,
    who,
)

PREFIXES = (
    "catalogue:",
    *api_prefixes("datasets", "statements", "organisations"),
)

MOIR_BREAST = "Breast cancer screening and staging: MRI, mammography and ultrasound"
MOIR_CHEST = "Chest X-ray follow-up of treated lung cancer (open)"
MOIR_LUNG = "Non-small-cell lung cancer CT and PET-CT with dose reports"
CHARITE_GLIOMA = "Adult glioma MRI before and after surgery"
REPOSITORY = "Milan Oncology Imaging Repository"
CHARITE = "Charité - Universitätsmedizin Berlin"


def _dataset(title: str):
    from governance.catalogue.models import Dataset

    return Dataset.objects.get(title=title)


def _published(title: str):
    return _dataset(title).current_statement


def _draft(title: str):
    from governance.catalogue.models import AvailabilityStatement

    return _dataset(title).statements.get(state=AvailabilityStatement.State.DRAFT)


def _organisation(name: str):
    from governance.accounts.models import Organisation

    return Organisation.objects.get(name=name)


SUBJECTS = {
    "dataset.moir_restricted": (
        "the repository's restricted breast dataset (published): the holder's own",
        lambda: _dataset(MOIR_BREAST),
    ),
    "dataset.moir_public": (
        "the repository's public chest X-ray dataset (published): the holder's own",
        lambda: _dataset(MOIR_CHEST),
    ),
    "dataset.charite": (
        "Charité's glioma dataset (published): another holder's",
        lambda: _dataset(CHARITE_GLIOMA),
    ),
    "statement.moir_published": (
        "the published statement of the repository's breast dataset",
        lambda: _published(MOIR_BREAST),
    ),
    "statement.moir_draft": (
        "the draft next version of the repository's lung dataset statement: the holder's own",
        lambda: _draft(MOIR_LUNG),
    ),
    "statement.charite": (
        "the published statement of Charité's glioma dataset",
        lambda: _published(CHARITE_GLIOMA),
    ),
    "organisation.repository": ("the holder's repository", lambda: _organisation(REPOSITORY)),
    "organisation.charite": ("another data holder, Charité", lambda: _organisation(CHARITE)),
}

# SPEC 2: the data holder registers datasets and publishes statements; staff administer all.
HOLDERS = who("holder", "admin")
# A published entry may be seen by anyone, so an edit refused is 403; a draft stays invisible.
EDIT_OWN_MOIR = {"denied": 403}
EDIT_STAFF = {"denied": 403}

PAGES = [
    page("catalogue:search", PUBLIC),
    page("catalogue:sites", PUBLIC),
    page("catalogue:coverage", PUBLIC),
    page("catalogue:mine", HOLDERS),
    page("catalogue:dataset_create", HOLDERS),
    *(
        page("catalogue:dataset", PUBLIC, subject=subject)
        for subject in ("dataset.moir_restricted", "dataset.moir_public", "dataset.charite")
    ),
    page("catalogue:dataset", (), subject="missing", denied=404, anonymous=404),
    page("catalogue:dataset_edit", HOLDERS, subject="dataset.moir_restricted", **EDIT_OWN_MOIR),
    page("catalogue:dataset_edit", STAFF, subject="dataset.charite", **EDIT_STAFF),
    page("catalogue:dataset_edit", (), subject="missing", denied=404),
    page(
        "catalogue:statement_new",
        HOLDERS,
        "POST",
        subject="dataset.moir_restricted",
        **EDIT_OWN_MOIR,
    ),
    page("catalogue:statement_new", STAFF, "POST", subject="dataset.charite", **EDIT_STAFF),
    page("catalogue:statement", PUBLIC, subject="statement.moir_published"),
    page("catalogue:statement", PUBLIC, subject="statement.charite"),
    page("catalogue:statement", HOLDERS, subject="statement.moir_draft", denied=404, anonymous=404),
    page("catalogue:statement", (), subject="missing", denied=404, anonymous=404),
    page("catalogue:statement_edit", HOLDERS, subject="statement.moir_draft", denied=404),
    page("catalogue:statement_edit", STAFF, subject="statement.charite", **EDIT_STAFF),
    page(
        "catalogue:statement_publish",
        HOLDERS,
        "POST",
        subject="statement.moir_draft",
        denied=404,
    ),
    page("catalogue:statement_publish", STAFF, "POST", subject="statement.charite", **EDIT_STAFF),
]

API = [
    api("GET /api/v1/datasets/", PUBLIC),
    api("POST /api/v1/datasets/", HOLDERS),
    *(
        api(f"GET /api/v1/datasets/{{id}}/{tail}", PUBLIC, subject)
        for subject in ("dataset.moir_restricted", "dataset.moir_public", "dataset.charite")
        for tail in ("", "dcat/")
    ),
    api("GET /api/v1/datasets/{id}/", (), "missing", denied=404, anonymous=404),
    api("GET /api/v1/datasets/{id}/dcat/", (), "missing", denied=404, anonymous=404),
    *(
        api(f"{method} /api/v1/datasets/{{id}}/", allow, subject, **edit)
        for method in ("PUT", "PATCH")
        for allow, subject, edit in (
            (HOLDERS, "dataset.moir_restricted", EDIT_OWN_MOIR),
            (STAFF, "dataset.charite", EDIT_STAFF),
        )
    ),
    *(
        api(f"{method} /api/v1/datasets/{{id}}/", (), "missing", denied=404)
        for method in ("PUT", "PATCH")
    ),
    api("GET /api/v1/statements/", PUBLIC),
    api("POST /api/v1/statements/", HOLDERS),
    api("GET /api/v1/statements/{id}/", PUBLIC, "statement.moir_published"),
    api("GET /api/v1/statements/{id}/", PUBLIC, "statement.charite"),
    api("GET /api/v1/statements/{id}/", HOLDERS, "statement.moir_draft", denied=404, anonymous=404),
    api("GET /api/v1/statements/{id}/", (), "missing", denied=404, anonymous=404),
    *(
        api(f"{method} /api/v1/statements/{{id}}/", HOLDERS, "statement.moir_draft", denied=404)
        for method in ("PUT", "PATCH")
    ),
    *(
        api(f"{method} /api/v1/statements/{{id}}/", STAFF, "statement.charite", **EDIT_STAFF)
        for method in ("PUT", "PATCH")
    ),
    api("POST /api/v1/statements/{id}/publish/", HOLDERS, "statement.moir_draft", denied=404),
    api("POST /api/v1/statements/{id}/publish/", STAFF, "statement.charite", **EDIT_STAFF),
    api("POST /api/v1/statements/{id}/publish/", (), "missing", denied=404),
    # SPEC 2: the visitor reads the participating sites; only staff change organisations.
    api("GET /api/v1/organisations/", PUBLIC),
    api("POST /api/v1/organisations/", STAFF),
    *(
        api("GET /api/v1/organisations/{id}/", PUBLIC, subject)
        for subject in ("organisation.repository", "organisation.charite")
    ),
    api("GET /api/v1/organisations/{id}/", (), "missing", denied=404, anonymous=404),
    *(
        api(f"{method} /api/v1/organisations/{{id}}/", STAFF, subject)
        for method in ("PUT", "PATCH")
        for subject in ("organisation.repository", "organisation.charite")
    ),
    # An id that exists nowhere is 404 to everyone who may write at all, and to the others.
    api("PATCH /api/v1/organisations/{id}/", (), "missing", denied=404),
]

ROWS = [*PAGES, *API]
