import pytest

from governance.catalogue.duo import DuoVocabulary, ResearchPurpose, UseConditions, compatibility

pytestmark = pytest.mark.django_db


def duo(shorthand: str) -> str:
    return DuoVocabulary.from_database().id_of(shorthand)


def purpose(permission: str, disease: str = "", **context) -> ResearchPurpose:
    return ResearchPurpose(permission=duo(permission), disease=disease, **context)


def conditions(permission: str, disease: str = "", *modifiers: str, **params) -> UseConditions:
    return UseConditions(
        permission=duo(permission),
        disease=disease,
        modifiers={duo(m): params.get(m, {}) for m in modifiers},
    )


# (name, purpose, dataset conditions, compatible?), built lazily: the vocabulary is in the DB.
CASES = [
    ("NRES covers health research", lambda: purpose("HMB"), lambda: conditions("NRES"), True),
    ("NRES covers ancestry research", lambda: purpose("POA"), lambda: conditions("NRES"), True),
    ("GRU covers disease-specific", lambda: purpose("DS", "lung"), lambda: conditions("GRU"), True),
    ("GRU covers ancestry research", lambda: purpose("POA"), lambda: conditions("GRU"), True),
    ("HMB covers health research", lambda: purpose("HMB"), lambda: conditions("HMB"), True),
    (
        "HMB covers disease-specific",
        lambda: purpose("DS", "breast"),
        lambda: conditions("HMB"),
        True,
    ),
    ("HMB excludes ancestry research", lambda: purpose("POA"), lambda: conditions("HMB"), False),
    ("HMB excludes general research", lambda: purpose("GRU"), lambda: conditions("HMB"), False),
    (
        "DS covers its own disease",
        lambda: purpose("DS", "breast"),
        lambda: conditions("DS", "breast"),
        True,
    ),
    (
        "DS covers a sub-disease",
        lambda: purpose("DS", "breast_triple_negative"),
        lambda: conditions("DS", "breast"),
        True,
    ),
    (
        "DS paediatric covers DIPG",
        lambda: purpose("DS", "dipg"),
        lambda: conditions("DS", "paediatric"),
        True,
    ),
    (
        "DS excludes another disease",
        lambda: purpose("DS", "lung"),
        lambda: conditions("DS", "breast"),
        False,
    ),
    (
        "DS excludes the parent disease",
        lambda: purpose("DS", "cancer"),
        lambda: conditions("DS", "breast"),
        False,
    ),
    (
        "DS excludes health research in general",
        lambda: purpose("HMB"),
        lambda: conditions("DS", "breast"),
        False,
    ),
    (
        "DS needs a disease in the purpose",
        lambda: purpose("DS"),
        lambda: conditions("DS", "breast"),
        False,
    ),
    ("POA covers ancestry research", lambda: purpose("POA"), lambda: conditions("POA"), True),
    ("POA excludes health research", lambda: purpose("HMB"), lambda: conditions("POA"), False),
    (
        "NCU excludes commercial purpose",
        lambda: purpose("HMB", commercial=True),
        lambda: conditions("HMB", "", "NCU"),
        False,
    ),
    (
        "NCU allows non-commercial",
        lambda: purpose("HMB"),
        lambda: conditions("HMB", "", "NCU"),
        True,
    ),
    (
        "NCU allows a for-profit organisation's non-commercial purpose",
        lambda: purpose("HMB", for_profit=True),
        lambda: conditions("HMB", "", "NCU"),
        True,
    ),
    (
        "NPU excludes for-profit organisations",
        lambda: purpose("HMB", for_profit=True),
        lambda: conditions("HMB", "", "NPU"),
        False,
    ),
    (
        "NPUNCU excludes commercial purpose",
        lambda: purpose("HMB", commercial=True),
        lambda: conditions("HMB", "", "NPUNCU"),
        False,
    ),
    (
        "NMDS excludes methods development",
        lambda: purpose("HMB", method_development=True),
        lambda: conditions("HMB", "", "NMDS"),
        False,
    ),
    (
        "GSO excludes non-genetic studies",
        lambda: purpose("HMB"),
        lambda: conditions("HMB", "", "GSO"),
        False,
    ),
    (
        "GSO allows genetic studies",
        lambda: purpose("HMB", genetic_study=True),
        lambda: conditions("HMB", "", "GSO"),
        True,
    ),
    (
        "NPOA excludes ancestry research",
        lambda: purpose("POA"),
        lambda: conditions("GRU", "", "NPOA"),
        False,
    ),
    (
        "obligations do not refuse",
        lambda: purpose("HMB"),
        lambda: conditions("HMB", "", "IRB", "PUB"),
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "research_purpose", "dataset_conditions", "expected"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_compatibility_table(name, research_purpose, dataset_conditions, expected):
    result = compatibility(research_purpose(), dataset_conditions())
    assert result.compatible is expected, result.reasons
    assert bool(result.reasons) is not expected


def test_compatibility_disease_specific_with_non_commercial_demo_case():
    dataset = conditions("DS", "colorectal", "NCU")
    assert compatibility(purpose("DS", "colon"), dataset).compatible
    commercial = compatibility(purpose("DS", "colon", commercial=True), dataset)
    assert not commercial.compatible
    assert commercial.reasons == (
        "The dataset is for non-commercial use only; the purpose is commercial.",
    )


def test_compatibility_refusal_names_both_diseases():
    result = compatibility(purpose("DS", "lung"), conditions("DS", "breast"))
    assert "Breast cancer" in result.reasons[0]
    assert "Lung cancer" in result.reasons[0]


def test_compatibility_lists_obligations_with_parameters():
    dataset = conditions(
        "HMB",
        "",
        "IRB",
        "TS",
        "MOR",
        "GS",
        "NCU",
        TS={"months": "24"},
        MOR={"date": "2027-06-30"},
        GS={"area": "European Union"},
    )
    result = compatibility(purpose("HMB"), dataset)
    by_code = {obligation.shorthand: obligation for obligation in result.obligations}
    assert set(by_code) == {"IRB", "TS", "MOR", "GS"}
    assert by_code["TS"].detail == "time limit: 24 months"
    assert by_code["MOR"].detail == "until 2027-06-30"
    assert str(by_code["GS"]) == "geographical restriction (area: European Union)"
    assert by_code["IRB"].label == "ethics approval required"
