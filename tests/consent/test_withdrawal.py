import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.agreements.models import Grant
from governance.audit.models import AuditEvent
from governance.consent import selectors
from governance.consent.models import ConsentRecord, ConsentWithdrawal
from governance.consent.services import record_withdraw
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.core.events import dataset_consent_changed
from governance.notifications.models import OutboundEmail
from tests.agreements.factories import CommitteeFactory, CommitteeMemberFactory, GrantFactory
from tests.catalogue.factories import DatasetFactory
from tests.consent.factories import ConsentRecordFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(dataset, consent_form):
    ConsentRecordFactory(dataset=dataset, form=consent_form, pseudonym="SUBJ-0002")
    return ConsentRecordFactory(dataset=dataset, form=consent_form, pseudonym="SUBJ-0001")


@pytest.fixture
def heard():
    """What the token service would hear: every dataset_consent_changed, with its arguments."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    dataset_consent_changed.connect(receiver, weak=False)
    yield calls
    dataset_consent_changed.disconnect(receiver)


def _committee(dataset, *emails):
    committee = CommitteeFactory()
    committee.datasets.add(dataset)
    for email in emails:
        CommitteeMemberFactory(committee=committee, person=UserFactory(email=email))
    return committee


def test_withdrawal_has_every_effect_at_once(holder, record, heard):
    committee = _committee(record.dataset, "chair@dac.example", "member@dac.example")
    researcher = UserFactory(email="researcher@ai.example")
    GrantFactory(person=researcher, dataset=record.dataset, committee=committee)
    GrantFactory(person=researcher, dataset=record.dataset, committee=committee)  # one notice
    GrantFactory(person=UserFactory(email="elsewhere@ai.example"), dataset=DatasetFactory())
    GrantFactory(
        person=UserFactory(email="revoked@ai.example"),
        dataset=record.dataset,
        state=Grant.State.REVOKED,
    )
    assert selectors.counts_for(record.dataset_id).given == 2

    withdrawal = record_withdraw(
        actor=holder,
        record=record,
        withdrawn_on=timezone.localdate(),
        scope="removal",
        reason="Moved abroad.",
    )

    record.refresh_from_db()
    assert record.status == "withdrawn"
    assert record.withdrawn_on == timezone.localdate()
    counts = selectors.counts_for(record.dataset_id)
    assert (counts.given, counts.withdrawn) == (1, 1)
    assert withdrawal.notified_grants == 2
    emails = {tuple(email.to): email for email in OutboundEmail.objects.all()}
    assert set(emails) == {
        ("researcher@ai.example",),
        ("chair@dac.example",),
        ("member@dac.example",),
    }
    to_researcher = emails[("researcher@ai.example",)]
    assert "SUBJ-0001" in to_researcher.body_text
    assert "remove" in to_researcher.body_text.lower()
    assert "SUBJ-0001" in emails[("member@dac.example",)].body_text
    event = AuditEvent.objects.get(action="consent.withdrawn")
    assert event.object_id == str(record.pk)
    assert event.after["withdrawal_scope"] == "removal"
    assert event.after["grants_notified"] == 2
    assert event.after["reason_given"] is True
    assert "Moved abroad" not in str(event.after)
    [call] = heard
    assert call["sender"] is ConsentWithdrawal
    assert call["dataset_id"] == record.dataset_id
    assert call["pseudonym"] == "SUBJ-0001"
    assert call["withdrawal"] == withdrawal


def test_withdrawal_receiver_failure_rolls_everything_back(holder, record):
    def refuse(sender, **kwargs):
        raise RuntimeError("token service down")

    dataset_consent_changed.connect(refuse, weak=False)
    try:
        with pytest.raises(RuntimeError):
            record_withdraw(
                actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use"
            )
    finally:
        dataset_consent_changed.disconnect(refuse)

    record.refresh_from_db()
    assert record.status == "given"
    assert not ConsentWithdrawal.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.withdrawn").exists()


def test_withdrawal_is_final(holder, record):
    record_withdraw(actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use")

    with pytest.raises(InvalidTransition) as refused:
        record_withdraw(
            actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use"
        )

    assert refused.value.detail.endswith("is “Withdrawn”. This status is final.")


@pytest.mark.parametrize(
    ("days", "says"), [(-1, "before consent was given"), (None, "in the future")]
)
def test_withdrawal_date_must_be_plausible(holder, record, days, says):
    when = (
        record.given_on + datetime.timedelta(days=days)
        if days
        else timezone.localdate() + datetime.timedelta(days=1)
    )

    with pytest.raises(PortalError) as refused:
        record_withdraw(actor=holder, record=record, withdrawn_on=when, scope="future_use")

    assert says in refused.value.detail
    record.refresh_from_db()
    assert record.status == "given"


def test_withdrawal_by_another_holder_is_not_permitted(other_holder, record):
    with pytest.raises(NotPermitted):
        record_withdraw(
            actor=other_holder, record=record, withdrawn_on=record.given_on, scope="future_use"
        )


def test_withdraw_page_records_it(client, holder, record):
    client.force_login(holder)

    response = client.post(
        reverse("consent:record_withdraw", args=[record.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "scope": "future_use", "reason": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert "The withdrawal is recorded" in response.content.decode()
    assert ConsentRecord.objects.get(pk=record.pk).status == "withdrawn"


def test_withdraw_page_bad_input_says_what_to_fix(client, holder, record):
    client.force_login(holder)

    response = client.post(
        reverse("consent:record_withdraw", args=[record.pk]),
        {"withdrawn_on": "2000-01-01", "scope": "future_use"},
    )

    assert response.status_code == 400
    assert "before consent was given" in response.content.decode()


def test_withdraw_page_of_another_holder_is_404(client, other_holder, record):
    client.force_login(other_holder)

    response = client.post(
        reverse("consent:record_withdraw", args=[record.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "scope": "future_use"},
    )

    assert response.status_code == 404
    assert ConsentRecord.objects.get(pk=record.pk).status == "given"


def test_api_withdraw_returns_the_record(client, holder, record):
    client.force_login(holder)

    response = client.post(
        f"/api/v1/consent-records/{record.pk}/withdraw/",
        {"scope": "future_use", "withdrawn_on": record.given_on.isoformat()},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["withdrawal"]["scope"] == "future_use"


def test_api_withdraw_twice_is_409(client, holder, record):
    client.force_login(holder)
    url = f"/api/v1/consent-records/{record.pk}/withdraw/"
    client.post(url, {"scope": "future_use"}, content_type="application/json")

    response = client.post(url, {"scope": "future_use"}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
