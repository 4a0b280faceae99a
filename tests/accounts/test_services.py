"""Writes about people: each one checks permission, changes state and appends an audit event."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.accounts import selectors, services
from governance.accounts.models import ApiToken, ErasureRequest, Membership
from governance.audit.models import AuditEvent
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from tests.factories import MembershipFactory, OrganisationFactory, person_with_role

pytestmark = pytest.mark.django_db


# Personal API tokens


def test_api_token_create_stores_only_a_keyed_hash(alice):
    token, secret = services.api_token_create(person=alice, name="notebook", days=30)
    assert secret.startswith("gpt_") and len(secret) > 40
    assert token.token_hash == services.api_token_hash(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == secret[:10]
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == alice and secret not in str(event.after)


@pytest.mark.parametrize(("name", "days"), [("", 30), ("   ", 30), ("x", 0), ("x", 366)])
def test_api_token_create_refuses_bad_input(alice, name, days):
    with pytest.raises(PortalError):
        services.api_token_create(person=alice, name=name, days=days)
    assert not ApiToken.objects.exists()


def test_api_token_verify_says_why_a_token_is_refused(alice):
    token, secret = services.api_token_create(person=alice, name="a", days=1)
    assert services.api_token_verify(raw=secret) == token
    with pytest.raises(services.ApiTokenRejected) as unknown:
        services.api_token_verify(raw=secret + "x")
    assert unknown.value.code == "token_unknown"
    with (
        time_machine.travel(timezone.now() + timedelta(days=2)),
        pytest.raises(services.ApiTokenRejected) as expired,
    ):
        services.api_token_verify(raw=secret)
    assert expired.value.code == "token_expired"
    services.api_token_revoke(token=token, actor=alice)
    with pytest.raises(services.ApiTokenRejected) as revoked:
        services.api_token_verify(raw=secret)
    assert revoked.value.code == "token_revoked"
    assert services.api_token_authenticate(raw=secret) is None


def test_api_token_verify_records_last_use_at_most_every_five_minutes(alice):
    token, secret = services.api_token_create(person=alice, name="a", days=1)
    services.api_token_verify(raw=secret)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    services.api_token_verify(raw=secret)
    token.refresh_from_db()
    assert token.last_used_at == first


def test_api_token_revoke_by_someone_else_is_not_permitted(alice, bob):
    token, _secret = services.api_token_create(person=alice, name="a", days=1)
    with pytest.raises(NotPermitted):
        services.api_token_revoke(token=token, actor=bob)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_api_token_revoke_twice_is_an_invalid_transition(alice):
    token, _secret = services.api_token_create(person=alice, name="a", days=1)
    services.api_token_revoke(token=token, actor=alice)
    with pytest.raises(InvalidTransition):
        services.api_token_revoke(token=token, actor=alice)
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


# Profile


def test_profile_update_only_by_the_person(alice, staff):
    with pytest.raises(NotPermitted):
        services.person_update_profile(person=alice, actor=staff, full_name="X")
    services.person_update_profile(person=alice, actor=alice, full_name="Alice B.")
    alice.refresh_from_db()
    assert alice.full_name == "Alice B."


def test_profile_update_without_change_records_nothing(alice):
    services.person_update_profile(person=alice, actor=alice, full_name="Alice Example")
    assert not AuditEvent.objects.exists()


# Organisations and memberships


def test_organisation_create_and_update_are_audited(staff):
    organisation = services.organisation_create(
        actor=staff, name="Karolinska Institutet", country="SE", provider_type="university"
    )
    services.organisation_update(organisation=organisation, actor=staff, short_name="KI")
    organisation.refresh_from_db()
    assert organisation.short_name == "KI"
    changed = AuditEvent.objects.get(action="organisation.changed")
    assert changed.before == {"short_name": ""} and changed.after == {"short_name": "KI"}
    assert AuditEvent.objects.filter(action="organisation.created").count() == 1


def test_organisation_create_refuses_non_staff(alice):
    with pytest.raises(NotPermitted):
        services.organisation_create(
            actor=alice, name="X", country="ES", provider_type="clinical_centre"
        )


def test_organisation_create_validates(staff):
    with pytest.raises(ValidationError):
        services.organisation_create(actor=staff, name="X", country="XX", provider_type="nope")


def test_membership_add_by_email_gives_the_role(staff, alice, organisation):
    membership = services.membership_add_by_email(
        organisation=organisation, email=" ALICE@example.org ", role="data_holder", actor=staff
    )
    assert membership.person == alice
    assert selectors.has_role(alice, "data_holder")
    event = AuditEvent.objects.get(action="membership.added")
    assert "alice" not in event.object_repr.lower()


def test_membership_add_unknown_email_says_to_sign_up_first(staff, organisation):
    with pytest.raises(PortalError, match="has an account yet"):
        services.membership_add_by_email(
            organisation=organisation, email="nobody@example.org", role="researcher", actor=staff
        )


def test_membership_add_twice_is_refused(staff, alice, organisation):
    services.membership_add(organisation=organisation, person=alice, role="researcher", actor=staff)
    with pytest.raises(PortalError) as excinfo:
        services.membership_add(
            organisation=organisation, person=alice, role="researcher", actor=staff
        )
    assert excinfo.value.code == "duplicate_membership"


def test_membership_add_refuses_non_staff(alice, bob, organisation):
    with pytest.raises(NotPermitted):
        services.membership_add(organisation=organisation, person=bob, role="staff", actor=alice)
    assert not Membership.objects.filter(person=bob).exists()


def test_membership_remove_is_audited(staff, alice, organisation):
    membership = MembershipFactory(person=alice, organisation=organisation, role="evaluator")
    services.membership_remove(membership=membership, actor=staff)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.before["role"] == "evaluator" and event.object_id == str(membership.pk)


def test_membership_remove_keeps_the_last_staff_role(staff):
    membership = Membership.objects.get(person=staff, role="staff")
    with pytest.raises(PortalError, match="last staff role"):
        services.membership_remove(membership=membership, actor=staff)


# Erasure requests


def test_erasure_request_one_open_at_a_time(alice):
    first = services.erasure_request_create(person=alice, reason="leaving")
    with pytest.raises(InvalidTransition) as excinfo:
        services.erasure_request_create(person=alice)
    assert excinfo.value.code == "erasure_already_requested"
    assert first.state == "requested"
    assert AuditEvent.objects.filter(action="erasure_request.created", actor=alice).count() == 1


def test_erasure_request_queues_a_confirmation_email(alice):
    from governance.notifications.models import OutboundEmail

    services.erasure_request_create(person=alice)
    email = OutboundEmail.objects.get(template="accounts/erasure_received")
    assert email.to == ["alice@example.org"]
    assert "erasure" in email.subject.lower()


def test_erasure_refuse_needs_a_note_and_staff(alice, staff):
    request = services.erasure_request_create(person=alice)
    with pytest.raises(PortalError, match="Explain why"):
        services.erasure_request_refuse(erasure_request=request, actor=staff, note=" ")
    with pytest.raises(NotPermitted):
        services.erasure_request_refuse(erasure_request=request, actor=alice, note="no")
    refused = services.erasure_request_refuse(
        erasure_request=request, actor=staff, note="Open legal claim."
    )
    assert refused.state == "refused" and refused.decided_by == staff
    alice.refresh_from_db()
    assert alice.is_active and alice.erased_at is None
    # Refused is final for that request; the person may ask again.
    services.erasure_request_create(person=alice)


def test_erasure_decided_twice_is_an_invalid_transition(alice, staff):
    request = services.erasure_request_create(person=alice)
    services.erasure_request_refuse(erasure_request=request, actor=staff, note="No.")
    with pytest.raises(InvalidTransition):
        services.erasure_request_complete(erasure_request=request, actor=staff)


def test_erasure_of_own_request_needs_another_staff_member(staff):
    request = services.erasure_request_create(person=staff)
    with pytest.raises(NotPermitted, match="Another staff member"):
        services.erasure_request_complete(erasure_request=request, actor=staff)
    other = person_with_role("staff")
    services.erasure_request_complete(erasure_request=request, actor=other)
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.COMPLETED


def test_organisation_filter_helpers(staff):
    OrganisationFactory(name="A", country="ES")
    assert selectors.organisations().filter(name="A").get().member_count == 0
