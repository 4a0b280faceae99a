import datetime

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from governance.consent import dashboard, demo
from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal
from governance.core.demo import DemoContext
from tests.consent.factories import ConsentRecordFactory

pytestmark = pytest.mark.django_db


def seeded() -> DemoContext:
    from governance.accounts import demo as accounts_demo
    from governance.catalogue import demo as catalogue_demo

    context = DemoContext()
    accounts_demo.seed(context)
    catalogue_demo.seed(context)
    demo.seed(context)
    return context


def test_demo_consent_has_a_form_records_in_two_datasets_and_a_withdrawal():
    context = seeded()

    form = context["consent_form.repository"]
    assert form.state == ConsentForm.State.PUBLISHED
    assert form.document.read(5) == b"%PDF-"
    datasets = set(ConsentRecord.objects.values_list("dataset_id", flat=True))
    assert datasets == {context["dataset.breast"].pk, context["dataset.lung"].pk}
    withdrawal = ConsentWithdrawal.objects.get()
    assert withdrawal.record.pseudonym == "MOIR-BR-0007"
    assert withdrawal.record.status == "withdrawn"


def test_demo_consent_is_idempotent():
    seeded()
    counts = (
        ConsentForm.objects.count(),
        ConsentRecord.objects.count(),
        ConsentWithdrawal.objects.count(),
    )

    context = seeded()

    after = (
        ConsentForm.objects.count(),
        ConsentRecord.objects.count(),
        ConsentWithdrawal.objects.count(),
    )
    assert after == counts == (1, 40, 1)
    assert context.created["consent records"] == 0
    assert context.created["consent withdrawals"] == 0


def test_dashboard_for_the_holder_lists_datasets_and_withdrawals(holder, dataset, consent_form):
    from governance.consent.services import record_withdraw

    record = ConsentRecordFactory(dataset=dataset, form=consent_form, pseudonym="SUBJ-0009")
    record_withdraw(actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use")

    (section,) = dashboard.sections(holder, frozenset({"data_holder"}))

    texts = [item.text for item in section.items]
    assert "Breast MRI cohort" in texts
    assert "Withdrawal of SUBJ-0009" in texts
    assert section.items[0].note == "0 consents given, 1 withdrawn"


def test_dashboard_dates_a_withdrawal_the_way_every_page_does(holder, dataset, consent_form):
    from governance.consent.services import record_withdraw

    record = ConsentRecordFactory(
        dataset=dataset, form=consent_form, given_on=datetime.date(2026, 3, 4)
    )
    record_withdraw(actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use")

    (section,) = dashboard.sections(holder, frozenset({"data_holder"}))

    assert strip_tags(section.items[-1].note) == "Breast MRI cohort, 4 March 2026"
    assert "<span data-people-content>Breast MRI cohort</span>" in section.items[-1].note


def test_dashboard_for_patient_organisations_links_the_figures(patient_rep):
    (section,) = dashboard.sections(patient_rep, frozenset({"patient_org_rep"}))

    assert section.items[0].url == reverse("consent:figures")


def test_dashboard_page_shows_the_consent_section(client, holder, dataset):
    client.force_login(holder)

    response = client.get(reverse("core:dashboard"))

    assert "Consent records" in response.content.decode()
