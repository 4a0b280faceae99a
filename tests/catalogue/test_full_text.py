"""The catalogue's full-text search on PostgreSQL: the stored tsvector, ranking, prefixes, and
text that must never be read as tsquery syntax."""

import pytest
from django.db import connection

from governance.catalogue import selectors
from governance.catalogue.selectors import SearchFilters, text_query
from tests.catalogue.factories import DatasetFactory, published
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite matches plain text (CI runs this on PostgreSQL)")


def titles(filters: SearchFilters) -> list[str]:
    return [dataset.title for dataset in selectors.search_datasets(filters).datasets]


@pytest.fixture
def catalogue():
    hospital = OrganisationFactory(name="Hospital Clínic de Barcelona")
    published(DatasetFactory(title="Neuroblastoma MR", description="Paediatric tumours."))
    published(
        DatasetFactory(
            title="Whole-body CT",
            description="Staging scans of neuroblastoma patients.",
            custodian=hospital,
        )
    )
    published(DatasetFactory(title="Prostate cohorts", description="Biopsy-confirmed imaging."))
    DatasetFactory(title="Neuroblastoma draft", description="Not published.")


def test_full_text_the_last_word_is_a_prefix(catalogue):
    assert set(titles(SearchFilters(query="neur"))) == {"Neuroblastoma MR", "Whole-body CT"}


def test_full_text_ranks_a_title_match_above_a_description_match(catalogue):
    assert titles(SearchFilters(query="neuroblastoma")) == ["Neuroblastoma MR", "Whole-body CT"]


def test_full_text_stems_english_words(catalogue):
    assert titles(SearchFilters(query="cohort prostate")) == ["Prostate cohorts"]
    # "imagin" is not the English stem of "imaging" ("imag"): the words as written match it.
    assert titles(SearchFilters(query="imagin")) == ["Prostate cohorts"]


def test_full_text_finds_the_custodian_and_follows_its_new_name(catalogue):
    assert titles(SearchFilters(query="barcelona")) == ["Whole-body CT"]

    from governance.accounts.models import Organisation

    hospital = Organisation.objects.get(name="Hospital Clínic de Barcelona")
    hospital.name = "Hospital Universitari de Girona"
    hospital.save(update_fields=["name"])

    assert titles(SearchFilters(query="barcelona")) == []
    assert titles(SearchFilters(query="girona")) == ["Whole-body CT"]


def test_full_text_every_word_must_match(catalogue):
    assert titles(SearchFilters(query="neuroblastoma paediatric")) == ["Neuroblastoma MR"]
    assert titles(SearchFilters(query="neuroblastoma prostate")) == []
    assert titles(SearchFilters(query="neuroblastoma | prostate")) == []  # "|" is no "or"


def test_full_text_follows_an_edited_title(catalogue):
    from governance.catalogue.models import Dataset

    dataset = Dataset.objects.get(title="Prostate cohorts")
    dataset.title = "Kidney cohorts"
    dataset.save()

    assert titles(SearchFilters(query="kidney")) == ["Kidney cohorts"]


@pytest.mark.parametrize(
    "text",
    [
        "neur'",
        "'neur",
        "neur:*",
        "neur & !",
        "neur |",
        "(neur",
        "neur) <-> (",
        "neur\\",
        'neur"',
        "neur%",
        "neur\x00",
        "!neur",
    ],
)
def test_full_text_special_characters_are_words_apart_never_syntax(catalogue, text):
    filters = selectors.filters_from(_params(text))

    assert set(titles(filters)) == {"Neuroblastoma MR", "Whole-body CT"}


@pytest.mark.parametrize("text", ["!!!", "'", ":*", "&|", "\\"])
def test_full_text_without_a_word_matches_nothing(catalogue, text):
    result = selectors.search_datasets(selectors.filters_from(_params(text)))

    assert list(result.datasets) == []
    assert result.count == 0
    assert text_query(text) is None


def test_full_text_api_ranks_and_filters(catalogue, client):
    response = client.get("/api/v1/datasets/", {"q": "neuroblastoma"})

    assert [item["title"] for item in response.json()["results"]] == [
        "Neuroblastoma MR",
        "Whole-body CT",
    ]


def test_full_text_search_page_lists_the_matches(catalogue, client):
    response = client.get("/catalogue/", {"q": "neur"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2


def _params(text: str):
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["q"] = text
    return params
