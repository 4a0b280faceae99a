import datetime

import pytest

from governance.catalogue.contradictions import contradictions
from governance.catalogue.models import CancerType
from tests.catalogue.factories import DatasetFactory, conditions, draft, duo

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def codes(statement) -> list[str]:
    return [problem.code for problem in contradictions(statement, today=TODAY)]


def make(hosting="central", cancer_types=("breast",), **overrides):
    dataset = DatasetFactory(hosting=hosting, cancer_types=list(cancer_types))
    return draft(dataset, **overrides)


def test_contradictions_none_for_a_consistent_statement():
    assert codes(make()) == []


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (
            {"hosting": "federated", "access_conditions": "download"},
            "download_on_federated_data",
        ),
        ({"access_conditions": ""}, "no_access_condition"),
        ({"duo_permission": None}, "no_permission"),
        ({"duo_permission": "DS"}, "disease_missing"),
        (
            {"duo_permission": "HMB", "disease": "breast"},
            "disease_without_disease_specific_permission",
        ),
        ({"duo_permission": "DS", "disease": "lung"}, "disease_not_in_dataset"),
        ({"modifiers": [("TS", {})]}, "modifier_parameter_missing"),
        ({"modifiers": [("MOR", {})]}, "modifier_parameter_missing"),
        ({"modifiers": [("GS", {})]}, "modifier_parameter_missing"),
        (
            {"modifiers": [("MOR", {"until_date": datetime.date(2026, 1, 1)})]},
            "moratorium_in_past",
        ),
        (
            {"duo_permission": "NRES", "modifiers": [("NCU", {})]},
            "restrictions_on_unrestricted_data",
        ),
        (
            {"access_rights": "public", "modifiers": [("US", {})]},
            "public_access_with_approval",
        ),
        ({"access_committee_name": ""}, "committee_missing"),
        ({"is_proprietary": True, "proprietor": ""}, "proprietor_missing"),
        ({"licence_url": "https://example.org/licence"}, "licence_name_missing"),
        ({"embargo_until": datetime.date(2026, 5, 31)}, "embargo_in_past"),
    ],
)
def test_contradictions_found(setup, expected):
    setup = dict(setup)
    hosting = setup.pop("hosting", "central")
    if "access_conditions" in setup:
        setup["access_conditions"] = conditions(*filter(None, [setup["access_conditions"]]))
    if setup.get("duo_permission"):
        setup["duo_permission"] = duo(setup["duo_permission"])
    if setup.get("disease"):
        setup["disease"] = CancerType.objects.get(code=setup["disease"])
    if "modifiers" in setup:
        setup["modifiers"] = [
            {"duo_term": duo(short), **params} for short, params in setup["modifiers"]
        ]

    found = codes(make(hosting=hosting, **setup))

    assert found == [expected]


def test_contradictions_disease_may_be_broader_than_the_dataset():
    statement = make(
        cancer_types=("neuroblastoma",),
        duo_permission=duo("DS"),
        disease=CancerType.objects.get(code="paediatric"),
    )

    assert codes(statement) == []


def test_contradictions_parameters_given_are_accepted():
    statement = make(
        modifiers=[
            {"duo_term": duo("TS"), "months": 24},
            {"duo_term": duo("MOR"), "until_date": datetime.date(2027, 1, 1)},
            {"duo_term": duo("GS"), "area": "European Economic Area"},
        ]
    )

    assert codes(statement) == []


def test_contradictions_messages_say_what_to_fix():
    statement = make(hosting="federated", access_conditions=conditions("download"))

    (problem,) = contradictions(statement, today=TODAY)

    assert problem.field == "access_conditions"
    assert "Remove “Download access”" in problem.message


def test_contradictions_nres_allows_obligations_only():
    statement = make(duo_permission=duo("NRES"), modifiers=[{"duo_term": duo("PUB")}])

    assert codes(statement) == []
