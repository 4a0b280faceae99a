"""Grants: revocation, expiry by the periodic task, renewal reminders, amendments, and the
`grant_ended` event the token service listens to."""

import datetime
from contextlib import contextmanager

import pytest
import time_machine
from django.utils import timezone

from governance.agreements import dashboard, services, tasks
from governance.agreements.models import Agreement, Grant
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.core.events import grant_ended
from governance.core.times import format_day
from governance.notifications.models import OutboundEmail
from tests.agreements.factories import CommitteeMemberFactory
from tests.agreements.helpers import approved_request, in_force, sign
from tests.factories import UserFactory, person_with_role

pytestmark = pytest.mark.django_db


@contextmanager
def ended_grants():
    """Collects (grant id, reason) of every `grant_ended` sent meanwhile."""
    seen: list[tuple[int, str]] = []

    def receiver(sender, grant, reason, **kwargs):
        seen.append((grant.pk, reason))

    grant_ended.connect(receiver, dispatch_uid="test-ended-grants")
    try:
        yield seen
    finally:
        grant_ended.disconnect(dispatch_uid="test-ended-grants")


@pytest.fixture
def grant(setup, password):
    in_force(setup, password)
    return Grant.objects.get(agreement=setup.agreement)


# Revocation


def test_committee_member_revokes_with_a_reason(setup, grant):
    with ended_grants() as seen:
        revoked = services.grant_revoke(grant=grant, actor=setup.member, reason="Data misuse")
    assert (revoked.state, revoked.end_reason, revoked.revoked_reason) == (
        "revoked",
        "revoked",
        "Data misuse",
    )
    assert revoked.revoked_by == setup.member
    assert not revoked.is_usable()
    assert seen == [(grant.pk, "revoked")]
    email = OutboundEmail.objects.get(template="agreements/grant_revoked")
    assert email.to == ["jonas@example.org"]
    assert "Data misuse" in email.body_text


def test_staff_revoke(grant, staff):
    assert services.grant_revoke(grant=grant, actor=staff, reason="Audit").state == "revoked"


@pytest.mark.parametrize("who", ["researcher", "other_researcher", "other_committee", "holder"])
def test_revoke_refused(setup, grant, who):
    person = {
        "researcher": lambda: setup.researcher,
        "other_researcher": lambda: person_with_role("researcher"),
        "other_committee": lambda: CommitteeMemberFactory(person=UserFactory()).person,
        "holder": lambda: setup.holder,
    }[who]()
    with ended_grants() as seen, pytest.raises(NotPermitted):
        services.grant_revoke(grant=grant, actor=person, reason="No")
    grant.refresh_from_db()
    assert grant.state == "active" and seen == []


def test_revoke_needs_a_reason_and_an_active_grant(setup, grant):
    with pytest.raises(PortalError, match="reason"):
        services.grant_revoke(grant=grant, actor=setup.member, reason="  ")
    services.grant_revoke(grant=grant, actor=setup.member, reason="Once")
    with pytest.raises(InvalidTransition):
        services.grant_revoke(grant=grant, actor=setup.member, reason="Twice")


def test_termination_ends_grants_with_basis_lost(setup, grant, staff):
    with ended_grants() as seen:
        services.agreement_terminate(agreement=setup.agreement, actor=staff, reason="Breach")
    grant.refresh_from_db()
    assert (grant.state, grant.end_reason) == ("revoked", "basis_lost")
    assert seen == [(grant.pk, "basis_lost")]


# Expiry


def test_periodic_task_expires_grants_past_their_end(setup, grant, password):
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() - datetime.timedelta(seconds=1))
    other = in_force(approved_request(tag="-2"), password)
    with ended_grants() as seen:
        result = tasks.expire_grants.delay()
    assert result.get() == 1
    grant.refresh_from_db()
    assert (grant.state, grant.end_reason) == ("expired", "expired")
    assert seen == [(grant.pk, "expired")]
    assert Grant.objects.get(agreement=other).state == "active"


def test_agreement_past_its_period_expires_with_its_grants(setup, grant):
    day_after = setup.agreement.ends_on + datetime.timedelta(days=1)
    with (
        time_machine.travel(
            datetime.datetime.combine(
                day_after, datetime.time(0, 5), tzinfo=timezone.get_current_timezone()
            ),
            tick=False,
        ),
        ended_grants() as seen,
    ):
        assert tasks.expire_grants.delay().get() == 1
    agreement = Agreement.objects.get(pk=setup.agreement.pk)
    grant.refresh_from_db()
    assert (agreement.state, grant.state) == ("expired", "expired")
    assert seen == [(grant.pk, "expired")]
    with pytest.raises(InvalidTransition):
        services.agreement_terminate(
            agreement=agreement, actor=person_with_role("staff"), reason="x"
        )


def test_expiry_leaves_current_grants(grant):
    assert tasks.expire_grants.delay().get() == 0
    grant.refresh_from_db()
    assert grant.state == "active"


# Renewal reminders


def test_renewal_reminder_goes_once_30_days_before_the_end(setup, grant):
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() + datetime.timedelta(days=31))
    assert tasks.remind_renewals.delay().get() == 0
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() + datetime.timedelta(days=29))
    assert tasks.remind_renewals.delay().get() == 1
    assert tasks.remind_renewals.delay().get() == 0
    email = OutboundEmail.objects.get(template="agreements/grant_renewal")
    assert email.to == ["jonas@example.org"]
    assert "Breast MRI collection 1" in email.body_text
    grant.refresh_from_db()
    assert grant.renewal_reminded_at is not None


def test_renewal_reminder_names_the_last_day_of_access(setup, grant):
    last = timezone.localdate() + datetime.timedelta(days=20)
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    Grant.objects.filter(pk=grant.pk).update(ends_at=end)

    tasks.remind_renewals.delay().get()

    email = OutboundEmail.objects.get(template="agreements/grant_renewal")
    assert f"until {format_day(last)}" in email.body_text


def test_researchers_dashboard_names_the_last_day_of_access(setup, grant):
    last = timezone.localdate() + datetime.timedelta(days=20)
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    Grant.objects.filter(pk=grant.pk).update(ends_at=end)

    notes = [
        item.note
        for section in dashboard.sections(setup.researcher, frozenset({"researcher"}))
        for item in section.items
    ]

    assert f"your access ends on {format_day(last)}" in notes


# Amendments


def test_amendment_extends_period_and_replaces_the_old_version(setup, grant, password):
    old = setup.agreement
    new_end = old.ends_on + datetime.timedelta(days=180)
    amendment = services.agreement_amend(
        agreement=old,
        actor=setup.researcher,
        ends_on=new_end,
        add_member={"name": "Li Wei", "email": "li@example.org", "role": "engineer"},
    )
    assert (amendment.version, amendment.supersedes, amendment.state) == (2, old, "drafted")
    assert amendment.terms["amendment"]["of_version"] == 1
    assert [m["name"] for m in amendment.terms["team"]] == ["Ana Team", "Li Wei"]
    # Until the amendment is in force, the old version and its grant stand.
    sign(amendment, setup.researcher, password)
    grant.refresh_from_db()
    assert grant.state == "active"
    with ended_grants() as seen:
        amendment = sign(amendment, setup.holder, password)
    old.refresh_from_db()
    grant.refresh_from_db()
    assert (amendment.state, old.state) == ("in_force", "terminated")
    assert (grant.state, grant.end_reason) == ("revoked", "basis_lost")
    assert seen == [(grant.pk, "basis_lost")]
    (new_grant,) = amendment.grants.all()
    assert new_grant.is_usable()
    assert timezone.localtime(new_grant.ends_at).date() == new_end + datetime.timedelta(days=1)


def test_amendment_refused_unless_in_force_or_without_change(setup, password):
    with pytest.raises(InvalidTransition):
        services.agreement_amend(agreement=setup.agreement, actor=setup.researcher, ends_on=None)
    in_force(setup, password)
    with pytest.raises(PortalError, match="Nothing to amend"):
        services.agreement_amend(agreement=setup.agreement, actor=setup.researcher)
    with pytest.raises(PortalError, match="extends the period"):
        services.agreement_amend(
            agreement=setup.agreement,
            actor=setup.researcher,
            ends_on=setup.agreement.ends_on - datetime.timedelta(days=1),
        )
    with pytest.raises(NotPermitted):
        services.agreement_amend(
            agreement=setup.agreement,
            actor=person_with_role("researcher"),
            ends_on=setup.agreement.ends_on + datetime.timedelta(days=1),
        )
    services.agreement_amend(
        agreement=setup.agreement,
        actor=setup.holder,
        ends_on=setup.agreement.ends_on + datetime.timedelta(days=1),
    )
    with pytest.raises(InvalidTransition, match="exists already"):
        services.agreement_amend(
            agreement=setup.agreement,
            actor=setup.researcher,
            ends_on=setup.agreement.ends_on + datetime.timedelta(days=2),
        )


# The transition tables, cell by cell

AGREEMENT_TABLE = {
    "drafted": {"sign", "terminate"},
    "signed_by_researcher": {"countersign", "terminate"},
    "in_force": {"expire", "terminate"},
    "expired": set(),
    "terminated": set(),
}


@pytest.mark.parametrize("state", list(AGREEMENT_TABLE))
@pytest.mark.parametrize("action", ["sign", "countersign", "expire", "terminate"])
def test_agreement_transition_table(state, action):
    from governance.agreements.models import AGREEMENT_MACHINE

    allowed = action in AGREEMENT_TABLE[state]
    assert AGREEMENT_MACHINE.can(state, action) is allowed
    if not allowed:
        with pytest.raises(InvalidTransition):
            AGREEMENT_MACHINE.target(state, action)


@pytest.mark.parametrize("state", ["active", "expired", "revoked"])
@pytest.mark.parametrize("action", ["expire", "revoke"])
def test_grant_transition_table(state, action):
    from governance.agreements.models import GRANT_MACHINE

    assert GRANT_MACHINE.can(state, action) is (state == "active")


def test_terminating_an_agreement_also_ends_its_pending_amendment(setup, password, staff):
    in_force(setup, password)
    amendment = services.agreement_amend(
        agreement=setup.agreement,
        actor=setup.researcher,
        ends_on=setup.agreement.ends_on + datetime.timedelta(days=30),
    )
    sign(amendment, setup.researcher, password)
    services.agreement_terminate(agreement=setup.agreement, actor=staff, reason="Breach")
    amendment.refresh_from_db()
    assert amendment.state == "terminated"
    assert "Breach" in amendment.ended_reason
    with pytest.raises(InvalidTransition):
        sign(amendment, setup.holder, password)
    assert not Grant.objects.filter(agreement=amendment).exists()
