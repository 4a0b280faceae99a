"""The catalogue's rules refuse the same input at both doors, naming the same field (issue 16)."""

import pytest
from django.urls import reverse

from governance.catalogue.models import Dataset
from tests.catalogue.factories import DatasetFactory, draft, duo
from tests.catalogue.test_views import dataset_form_data, statement_form_data
from tests.doors import api_as, assert_refused_alike

pytestmark = pytest.mark.django_db

DATASET_REFUSALS = [
    pytest.param(
        {"source": "real_world", "industry_sponsored": True},
        "industry_sponsored",
        "Only a clinical trial can be industry-sponsored: untick this.",
        id="real-world-industry-sponsored",
    ),
    pytest.param(
        {"source": "real_world", "trial_sponsor": "Pharma SpA"},
        "trial_sponsor",
        "Real-world data has no trial sponsor: clear it or choose “clinical trial”.",
        id="real-world-with-sponsor",
    ),
    pytest.param(
        {"source": "clinical_trial", "trial_sponsor": ""},
        "trial_sponsor",
        "Name the sponsor of the clinical trial.",
        id="trial-without-sponsor",
    ),
    pytest.param(
        {"quality_score": "80.00", "quality_method": ""},
        "quality_method",
        "Say how the quality score was obtained.",
        id="score-without-method",
    ),
]


def dataset_api_data(organisation, **overrides) -> dict:
    data = {
        "custodian": organisation.pk,
        "persistent_url": "https://doi.org/10.1234/new",
        "title": "Liver CT",
        "description": "Contrast CT of liver cancer.",
        "cancer_types": ["liver"],
        "modalities": ["CT"],
        "body_parts": ["LIVER"],
        "subject_count": 40,
        "study_count": 80,
        "source": "real_world",
        "hosting": "central",
        "biobank_links": ["https://biobank.example.org/liver"],
    }
    data.update(overrides)
    return data


def as_form_values(overrides: dict) -> dict:
    return {name: "on" if value is True else value for name, value in overrides.items()}


@pytest.mark.parametrize(("given", "field", "message"), DATASET_REFUSALS)
def test_dataset_create_refused_alike_by_page_and_api(
    client, holder, holder_org, given, field, message
):
    client.force_login(holder)

    page = client.post(
        reverse("catalogue:dataset_create"), dataset_form_data(holder_org, **as_form_values(given))
    )
    api = api_as(holder).post(
        "/api/v1/datasets/", dataset_api_data(holder_org, **given), format="json"
    )

    assert page.status_code == 200
    assert_refused_alike(page, api, field, message)
    assert api.json()["code"] == "invalid"
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(("given", "field", "message"), DATASET_REFUSALS)
def test_dataset_update_refused_alike_by_page_and_api(
    client, holder, holder_org, given, field, message
):
    dataset = DatasetFactory(custodian=holder_org, source="clinical_trial", trial_sponsor="EORTC")
    client.force_login(holder)

    page = client.post(
        reverse("catalogue:dataset_edit", args=[dataset.pk]),
        dataset_form_data(
            holder_org,
            **{"source": "clinical_trial", "trial_sponsor": "EORTC"} | as_form_values(given),
        ),
    )
    api = api_as(holder).patch(f"/api/v1/datasets/{dataset.pk}/", given, format="json")

    assert_refused_alike(page, api, field, message)
    dataset.refresh_from_db()
    assert (dataset.source, dataset.trial_sponsor, dataset.quality_score) == (
        "clinical_trial",
        "EORTC",
        None,
    )


def test_statement_modifier_twice_refused_alike_by_page_and_api(client, holder, holder_org):
    statement = draft(DatasetFactory(custodian=holder_org))
    client.force_login(holder)
    message = f"The modifier {duo('TS')} is listed twice; keep one."

    page = client.post(
        reverse("catalogue:statement_edit", args=[statement.pk]),
        statement_form_data(**{"modifiers-1-duo_term": "DUO:0000025"}),
    )
    api = api_as(holder).patch(
        f"/api/v1/statements/{statement.pk}/",
        {"modifiers": [{"duo_term": "DUO:0000025"}, {"duo_term": "DUO:0000025", "months": 6}]},
        format="json",
    )

    assert page.status_code == 200
    assert page.context["modifiers"].non_form_errors() == [message]
    assert api.status_code == 400
    assert api.json()["modifiers"] == [message]
    assert not statement.modifiers.exists()
