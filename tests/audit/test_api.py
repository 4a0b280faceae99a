"""`/api/v1/audit-events/`: read-only, staff only."""

import pytest
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from tests.audit.helpers import record_events
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/audit-events/"


@pytest.fixture
def staff_api(staff_with_mfa):
    client = APIClient()
    client.force_authenticate(staff_with_mfa)
    return client


@pytest.fixture
def alice_api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.mark.parametrize("count", [1, 3])
def test_audit_events_list_query_count(staff_api, django_assert_num_queries, count):
    record_events(count, actor=UserFactory())
    # roles, count, page (events with their actors)
    with django_assert_num_queries(3):
        response = staff_api.get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_audit_events_list_gives_the_chain_fields(staff_api):
    actor = UserFactory(email="holder@example.org")
    first, second = record_events(2, actor=actor)
    body = staff_api.get(LIST).json()
    newest = body["results"][0]
    assert newest["sequence"] == 2
    assert newest["actor_email"] == "holder@example.org"
    assert newest["hash"] == second.hash and newest["prev_hash"] == first.hash
    assert newest["after"] == {"state": "submitted", "n": 2}


def test_audit_events_list_system_events_have_no_actor(staff_api):
    record_events(1)
    result = staff_api.get(LIST).json()["results"][0]
    assert result["actor"] is None and result["actor_email"] is None


def test_audit_events_list_filters_and_orders(staff_api):
    record_events(2, actor=UserFactory(email="one@example.org"), action="proposal.submitted")
    record_events(1, action="grant.revoked")
    assert staff_api.get(LIST, {"actor_email": "one@"}).json()["count"] == 2
    assert staff_api.get(LIST, {"action": "grant"}).json()["count"] == 1
    ordered = staff_api.get(LIST, {"ordering": "sequence"}).json()["results"]
    assert [event["sequence"] for event in ordered] == [1, 2, 3]


def test_audit_events_list_bad_filter_is_400_with_field_message(staff_api):
    response = staff_api.get(LIST, {"date_from": "yesterday"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "date_from" in body


def test_audit_events_list_is_paginated(staff_api):
    record_events(3)
    body = staff_api.get(LIST, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_audit_event_detail(staff_api):
    (event,) = record_events(1)
    body = staff_api.get(f"{LIST}{event.pk}/").json()
    assert body["id"] == event.pk and body["hash"] == event.hash


def test_audit_events_list_is_403_for_non_staff(alice_api):
    record_events(1)
    response = alice_api.get(LIST)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only portal staff may read the audit trail.",
        "code": "permission_denied",
    }


def test_audit_event_detail_is_404_for_non_staff(alice_api):
    (event,) = record_events(1)
    assert alice_api.get(f"{LIST}{event.pk}/").status_code == 404
    assert alice_api.get(f"{LIST}{event.pk + 100}/").status_code == 404


def test_audit_events_need_authentication():
    response = APIClient().get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_audit_events_are_read_only(staff_api):
    (event,) = record_events(1)
    assert staff_api.post(LIST, {"action": "forged"}).status_code == 405
    assert staff_api.delete(f"{LIST}{event.pk}/").status_code == 405
    assert staff_api.patch(f"{LIST}{event.pk}/", {"action": "forged"}).status_code == 405
    assert AuditEvent.objects.get().action == "thing.changed"
