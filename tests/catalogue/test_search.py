import pytest
from django.http import QueryDict

from governance.catalogue import selectors
from governance.catalogue.selectors import SearchFilters
from tests.catalogue.factories import DatasetFactory, conditions, duo, published
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    spain = OrganisationFactory(country="ES")
    italy = OrganisationFactory(country="IT")
    breast = DatasetFactory(
        title="Breast MR",
        custodian=spain,
        cancer_types=["breast_triple_negative"],
        modalities=["MR", "MG"],
        has_radiation_reports=True,
    )
    lung = DatasetFactory(
        title="Lung CT",
        custodian=italy,
        cancer_types=["lung_nsclc"],
        modalities=["CT"],
        body_parts=["CHEST"],
        hosting="federated",
    )
    prostate = DatasetFactory(
        title="Prostate MR",
        custodian=italy,
        cancer_types=["prostate"],
        modalities=["MR"],
        body_parts=["PROSTATE"],
        source="clinical_trial",
        trial_sponsor="Pharma",
    )
    published(breast, access_conditions=conditions("download"), duo_permission=duo("GRU"))
    published(lung, access_conditions=conditions("remote_processing"), duo_permission=duo("HMB"))
    published(prostate, access_conditions=conditions("download", "in_situ_processing"))
    DatasetFactory(title="Unpublished MR", modalities=["MR"])
    return {"breast": breast, "lung": lung, "prostate": prostate}


def counts(result, facet: str) -> dict[str, int]:
    (found,) = [f for f in result.facets if f.name == facet]
    return {value.value: value.count for value in found.values}


def titles(result) -> list[str]:
    return [dataset.title for dataset in result.datasets]


def test_search_without_filters_lists_published_datasets_with_counts(catalogue):
    result = selectors.search_datasets(SearchFilters())

    assert titles(result) == ["Breast MR", "Lung CT", "Prostate MR"]
    assert counts(result, "modalities") == {"CT": 1, "MG": 1, "MR": 2}
    assert counts(result, "countries") == {"ES": 1, "IT": 2}
    assert counts(result, "hosting") == {"central": 2, "federated": 1}
    assert counts(result, "sources") == {"clinical_trial": 1, "real_world": 2}
    assert counts(result, "access_conditions") == {
        "download": 2,
        "in_situ_processing": 1,
        "remote_processing": 1,
    }
    assert counts(result, "permissions") == {"DUO:0000042": 2, "DUO:0000006": 1}
    assert counts(result, "radiation_reports") == {"yes": 1, "no": 2}
    assert counts(result, "body_parts") == {"BREAST": 1, "CHEST": 1, "PROSTATE": 1}


def test_search_cancer_type_counts_roll_up_the_hierarchy(catalogue):
    result = selectors.search_datasets(SearchFilters())

    cancer = counts(result, "cancer_types")
    assert cancer["cancer"] == 3
    assert cancer["breast"] == 1
    assert cancer["breast_triple_negative"] == 1
    assert cancer["lung"] == 1
    assert "liver" not in cancer


def test_search_filter_by_parent_cancer_type_finds_sub_types(catalogue):
    result = selectors.search_datasets(SearchFilters(cancer_types=("breast",)))

    assert titles(result) == ["Breast MR"]


def test_search_facet_counts_ignore_their_own_filter(catalogue):
    result = selectors.search_datasets(SearchFilters(modalities=("CT",), countries=("IT",)))

    assert titles(result) == ["Lung CT"]
    # Modalities are counted with the country filter only; countries with the modality only.
    assert counts(result, "modalities") == {"CT": 1, "MR": 1}
    assert counts(result, "countries") == {"IT": 1}
    assert counts(result, "hosting") == {"federated": 1}


def test_search_values_within_a_facet_are_alternatives(catalogue):
    result = selectors.search_datasets(
        SearchFilters(access_conditions=("remote_processing", "in_situ_processing"))
    )

    assert titles(result) == ["Lung CT", "Prostate MR"]


def test_search_text_and_rdsr(catalogue):
    assert titles(selectors.search_datasets(SearchFilters(query="prostate"))) == ["Prostate MR"]
    assert titles(selectors.search_datasets(SearchFilters(radiation_reports=("yes",)))) == [
        "Breast MR"
    ]


def test_search_unknown_values_match_nothing(catalogue):
    filters = selectors.filters_from(QueryDict("modalities=XX&q="))

    result = selectors.search_datasets(filters)

    assert titles(result) == []
    assert counts(result, "modalities")["XX"] == 0


@pytest.mark.parametrize("count", [1, 3])
def test_search_query_count_is_constant(django_assert_num_queries, count):
    for _ in range(count):
        published(DatasetFactory())
    filters = SearchFilters(cancer_types=("breast",), modalities=("MR",), query="Dataset")
    # tree + the term labels + the facets of own columns (one grouped query) + cancer types,
    # modalities, body parts, access conditions + results + 2 prefetches
    with django_assert_num_queries(10):
        result = selectors.search_datasets(filters)
        assert len(titles(result)) == count
