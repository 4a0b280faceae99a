import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from governance.catalogue.models import AccessCondition, CancerType, DataUseCondition, DuoTerm
from governance.catalogue.vocabularies import VOCABULARY_DIR

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vocabularies"


@pytest.mark.django_db
def test_vocabularies_loaded_by_migration_with_hierarchy():
    with (VOCABULARY_DIR / "duo_terms.csv").open(encoding="utf-8") as handle:
        assert DuoTerm.objects.count() == len(list(csv.DictReader(handle)))
    assert (
        DuoTerm.objects.get(shorthand="DS").parent_code == DuoTerm.objects.get(shorthand="HMB").id
    )
    assert set(AccessCondition.objects.values_list("code", flat=True)) == {
        "download",
        "in_situ_processing",
        "remote_processing",
    }
    assert CancerType.objects.get(code="dipg").parent_id == "paediatric"


@pytest.mark.django_db
def test_vocabularies_data_use_conditions_map_to_duo_terms_despite_upstream_iri_typo():
    prohibited = DataUseCondition.objects.get(
        code="population_origins_ancestry_research_prohibited"
    )
    assert prohibited.duo_term.shorthand == "NPOA"
    assert DataUseCondition.objects.get(code="non_commercial_use_only").duo_term.shorthand == "NCU"


@pytest.mark.django_db
def test_load_vocabularies_command_is_idempotent():
    before = (DuoTerm.objects.count(), DataUseCondition.objects.count(), CancerType.objects.count())
    call_command("load_vocabularies", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_vocabularies", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = (DuoTerm.objects.count(), DataUseCondition.objects.count(), CancerType.objects.count())
    assert before == after


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/ folder beside the checkout")
@pytest.mark.parametrize(
    "name", ["duo_terms.csv", "access_conditions.csv", "data_use_conditions.csv"]
)
def test_vocabulary_copies_match_shared(name):
    assert (VOCABULARY_DIR / name).read_bytes() == (SHARED / name).read_bytes()
