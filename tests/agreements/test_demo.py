"""Demo data: the researcher ends with one agreement in force and one active grant."""

import pytest

from governance.access import demo as access_demo
from governance.agreements import demo
from governance.agreements.models import Agreement, AgreementSignature, Grant
from governance.agreements.selectors import usable_grants_for
from governance.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def seeded() -> DemoContext:
    from governance.accounts import demo as accounts_demo
    from governance.catalogue import demo as catalogue_demo

    context = DemoContext()
    for module in (accounts_demo, catalogue_demo, access_demo, demo):
        module.seed(context)
    return context


def test_demo_researcher_has_one_agreement_in_force_and_one_active_grant():
    context = seeded()
    researcher = context["person.researcher"]
    (agreement,) = Agreement.objects.filter(researcher=researcher)
    assert agreement.state == "in_force"
    assert set(agreement.signatures.values_list("signer__email", flat=True)) == {
        "researcher@demo.example",
        "holder@demo.example",
    }
    (grant,) = usable_grants_for(researcher)
    assert context["grant.researcher"] == grant
    assert grant.dataset == context["dataset.lung"]


def test_demo_twice_changes_nothing():
    seeded()
    counts = (Agreement.objects.count(), AgreementSignature.objects.count(), Grant.objects.count())
    context = seeded()
    assert (
        Agreement.objects.count(),
        AgreementSignature.objects.count(),
        Grant.objects.count(),
    ) == counts
    assert context.existing["data-use agreements"] == 1


def test_demo_without_an_approved_request_skips_with_a_note():
    context = DemoContext()
    demo.seed(context)
    assert "no approved access request" in context.notes[0]


def test_personal_data_export_lists_agreements_signatures_and_grants(setup, password):
    from governance.agreements import personal_data
    from tests.agreements.helpers import in_force

    in_force(setup, password)
    exported = personal_data.export(setup.researcher)
    assert [a["state"] for a in exported["agreements"]] == ["in_force"]
    assert [s["role"] for s in exported["signatures"]] == ["researcher"]
    assert [g["dataset"] for g in exported["grants"]] == [setup.datasets[0].persistent_url]
    assert personal_data.export(setup.holder)["signatures"][0]["role"] == "holder"
