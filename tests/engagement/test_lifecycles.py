"""The transition tables of policy versions and event registrations, the services that follow
them, and the pages and API that offer what they allow (`allowed_actions`)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.core.errors import InvalidTransition, NotPermitted
from governance.core.permissions import allowed_actions
from governance.engagement import services
from governance.engagement.models import (
    POLICY_VERSION_MACHINE,
    REGISTRATION_MACHINE,
    PolicyDocument,
    PolicyVersion,
    Registration,
)
from tests.engagement.factories import event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [("draft", "edit", "draft"), ("draft", "publish", "published")],
)
def test_policy_version_table_allows(state, action, target):
    assert POLICY_VERSION_MACHINE.target(state, action) == target


@pytest.mark.parametrize("action", ["edit", "publish"])
def test_policy_version_table_keeps_published_words(action):
    with pytest.raises(InvalidTransition, match=r"is “Published”\. This status is final\."):
        POLICY_VERSION_MACHINE.target("published", action)


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        ("waitlisted", "promote", "confirmed"),
        ("confirmed", "cancel", "cancelled"),
        ("waitlisted", "cancel", "cancelled"),
        ("cancelled", "register", "confirmed"),
        ("cancelled", "join_waiting_list", "waitlisted"),
    ],
)
def test_registration_table_allows(state, action, target):
    assert REGISTRATION_MACHINE.target(state, action) == target


@pytest.mark.parametrize(
    ("state", "action"),
    [("confirmed", "promote"), ("cancelled", "cancel"), ("confirmed", "register")],
)
def test_registration_table_refuses(state, action):
    with pytest.raises(InvalidTransition):
        REGISTRATION_MACHINE.target(state, action)


def _draft(actor) -> PolicyVersion:
    document = services.policy_document_create(actor=actor, title="Data sharing policy")
    return services.policy_version_create(
        actor=actor, document=document, plain_summary="In short.", sections=[("Scope", "All.")]
    )


def test_publishing_a_published_version_is_refused(manager):
    version = services.policy_version_publish(actor=manager, version=_draft(manager))
    with pytest.raises(InvalidTransition, match="already published"):
        services.policy_version_publish(actor=manager, version=version)
    with pytest.raises(InvalidTransition, match="never change"):
        services.policy_version_update(
            actor=manager, version=version, plain_summary="Other.", sections=[("A", "a")]
        )


def test_policy_version_actions_are_staffs_while_draft(manager):
    version = _draft(manager)
    assert allowed_actions(manager, version, POLICY_VERSION_MACHINE) == ["edit", "publish"]
    assert allowed_actions(UserFactory(), version, POLICY_VERSION_MACHINE) == []
    version = services.policy_version_publish(actor=manager, version=version)
    assert allowed_actions(manager, version, POLICY_VERSION_MACHINE) == []


def test_policy_version_page_offers_the_drafts_actions_only(manager, manager_client):
    version = _draft(manager)
    page = manager_client.get(reverse("engagement:policy_version", args=[version.pk]))
    assert "Publish this version" in page.content.decode()
    assert "Edit the draft" in page.content.decode()
    services.policy_version_publish(actor=manager, version=version)
    page = manager_client.get(reverse("engagement:policy_version", args=[version.pk]))
    assert "Publish this version" not in page.content.decode()
    assert "Start a consultation on this version" in page.content.decode()


def test_policy_version_api_says_what_the_person_may_do(manager):
    version = _draft(manager)
    staff = APIClient()
    staff.force_login(manager)
    answer = staff.get(f"/api/v1/policy-versions/{version.pk}/").json()
    assert answer["allowed_actions"] == ["edit", "publish"]
    answer = staff.post(f"/api/v1/policy-versions/{version.pk}/publish/").json()
    assert answer["allowed_actions"] == []
    assert APIClient().get(f"/api/v1/policy-versions/{version.pk}/").json()["allowed_actions"] == []
    assert PolicyDocument.objects.count() == 1


def test_registering_again_after_cancelling_follows_the_table():
    webinar = event(capacity=1)
    person, other = UserFactory(), UserFactory()
    registration = services.event_register(person=person, event=webinar)
    services.registration_cancel(person=person, registration=registration)
    services.event_register(person=other, event=webinar)
    again = services.event_register(person=person, event=webinar)
    assert (again.pk, again.status) == (registration.pk, Registration.Status.WAITLISTED)


def test_cancelling_someone_elses_registration_is_refused():
    webinar = event()
    registration = services.event_register(person=UserFactory(), event=webinar)
    stranger = UserFactory()
    assert allowed_actions(stranger, registration, REGISTRATION_MACHINE) == []
    with pytest.raises(NotPermitted, match="Only the registered person"):
        services.registration_cancel(person=stranger, registration=registration)


def test_event_page_offers_cancel_from_the_registrations_actions(client):
    webinar = event()
    person = UserFactory()
    client.force_login(person)
    url = reverse("engagement:event", args=[webinar.pk])
    assert "Cancel my registration" not in client.get(url).content.decode()
    registration = services.event_register(person=person, event=webinar)
    page = client.get(url).content.decode()
    assert "You are registered." in page and "Cancel my registration" in page
    services.registration_cancel(person=person, registration=registration)
    page = client.get(url).content.decode()
    assert "Cancel my registration" not in page and "Register" in page


def test_registration_api_says_what_the_person_may_do():
    webinar = event()
    api = APIClient()
    api.force_login(UserFactory())
    answer = api.post(f"/api/v1/events/{webinar.pk}/register/").json()
    assert (answer["status"], answer["allowed_actions"]) == ("confirmed", ["cancel"])
    answer = api.post(f"/api/v1/events/{webinar.pk}/cancel/").json()
    assert (answer["status"], answer["allowed_actions"]) == ("cancelled", [])
