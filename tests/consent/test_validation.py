"""Consent forms and records refuse the same input at page and API, naming one field (issue 16)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.consent.models import ConsentForm
from tests.consent.factories import ConsentFormFactory
from tests.consent.test_forms import _payload

pytestmark = pytest.mark.django_db


def test_form_with_a_code_in_use_refused_alike_by_page_and_api(client, holder, holder_org):
    ConsentFormFactory(organisation=holder_org, code="imaging")
    client.force_login(holder)
    message = (
        "A consent form with the code “imaging” exists already. Open it and start a new "
        "version, or choose another code."
    )

    page = client.post(reverse("consent:form_create"), _payload(holder_org))
    api = client.post("/api/v1/consent-forms/", _payload(holder_org))

    assert page.status_code == 200
    assert page.context["form"].errors["code"] == [message]
    assert api.status_code == 400
    assert api.json()["fields"]["code"] == [message]  # `code` itself is the error's code
    assert api.json()["code"] == "invalid"
    assert ConsentForm.objects.count() == 1


def _future() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=3)


RECORD_REFUSALS = [
    pytest.param({"given_on": _future}, "given_on", "is in the future", id="given-in-the-future"),
    pytest.param(
        {"data_altruism": True}, "data_altruism", "does not offer data altruism", id="no-altruism"
    ),
]


@pytest.mark.parametrize(("given", "field", "words"), RECORD_REFUSALS)
def test_record_refused_alike_by_page_and_api(client, holder, dataset, given, field, words):
    consent_form = ConsentFormFactory(organisation=dataset.custodian, offers_data_altruism=False)
    values = {
        "pseudonym": "SUBJ-0100",
        "form": consent_form.pk,
        "given_on": "2024-02-01",
        "scope": "all_uses",
    }
    values |= {name: value() if callable(value) else value for name, value in given.items()}
    client.force_login(holder)

    page = client.post(
        reverse("consent:record_create", args=[dataset.pk]),
        {name: "on" if value is True else value for name, value in values.items()},
    )
    api = client.post(
        "/api/v1/consent-records/",
        {"dataset": dataset.pk, **values},
        content_type="application/json",
    )

    assert page.status_code == 200
    [shown] = page.context["form"].errors[field]
    assert words in shown
    assert api.status_code == 400
    assert api.json()[field] == [shown]
    assert not dataset.consent_records.exists()
