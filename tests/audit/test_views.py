"""The staff pages of the audit trail."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.audit.models import AuditEvent
from tests.audit.helpers import record_events, tamper
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


@pytest.mark.parametrize("count", [1, 3])
def test_event_list_query_count_does_not_grow_with_events(
    staff_client, django_assert_num_queries, count
):
    record_events(count, actor=UserFactory())
    # session, person, roles, TOTP, count, page (events with their actors)
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count


def test_event_list_shows_each_event_with_time_actor_and_request_id(staff_client):
    actor = UserFactory(email="clinician@example.org")
    record_events(2, actor=actor)
    response = staff_client.get(reverse("audit:list"), headers={"X-Request-ID": "req-12345678"})
    text = response.content.decode()
    assert "clinician@example.org" in text
    assert "thing.changed" in text
    assert "Thing 2" in text
    assert "Time (Europe/Brussels)" in text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', text)
    assert reverse("audit:detail", args=[2]) in text


def test_event_list_filters_by_actor_action_and_object(staff_client):
    someone, other = UserFactory(email="someone@example.org"), UserFactory()
    record_events(2, actor=someone, action="proposal.submitted")
    record_events(1, actor=other, action="grant.revoked")
    url = reverse("audit:list")
    assert staff_client.get(url, {"actor_email": "SOMEONE@"}).context["page"].paginator.count == 2
    assert staff_client.get(url, {"action": "revoked"}).context["page"].paginator.count == 1
    page = staff_client.get(url, {"object_type": "tests.thing", "object_id": "2"}).context["page"]
    assert [event.action for event in page] == ["proposal.submitted"]


def test_event_list_filters_by_date(staff_client):
    record_events(2)
    url = reverse("audit:list")
    today = timezone.localdate(AuditEvent.objects.first().at).isoformat()
    assert staff_client.get(url, {"date_from": today}).context["page"].paginator.count == 2
    assert staff_client.get(url, {"date_to": "2000-01-01"}).context["page"].paginator.count == 0


def test_event_list_bad_date_says_what_to_fix(staff_client):
    record_events(1)
    response = staff_client.get(reverse("audit:list"), {"date_from": "last tuesday"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter a valid date." in text
    assert "correct the fields marked below" in text


def test_event_list_pages_by_fifty(staff_client):
    record_events(51)
    first = staff_client.get(reverse("audit:list"))
    assert len(first.context["page"].object_list) == 50
    assert "?page=2" in first.content.decode()
    second = staff_client.get(reverse("audit:list"), {"page": 2, "action": "thing"})
    assert [event.sequence for event in second.context["page"]] == [1]
    assert "action=thing" in second.content.decode()


def test_event_list_is_404_for_people_without_audit_permission(client, alice):
    client.force_login(alice)
    assert client.get(reverse("audit:list")).status_code == 404


def test_event_list_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_event_detail_shows_changes_and_hashes(staff_client):
    first, second = record_events(2)
    response = staff_client.get(reverse("audit:detail", args=[2]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Audit event #2" in text
    assert second.hash in text and first.hash in text
    assert "draft" in text and "submitted" in text


def test_event_detail_unknown_sequence_is_404(staff_client):
    assert staff_client.get(reverse("audit:detail", args=[999])).status_code == 404


def test_event_detail_is_404_for_people_without_audit_permission(client, alice):
    record_events(1)
    client.force_login(alice)
    assert client.get(reverse("audit:detail", args=[1])).status_code == 404


def test_verify_button_reports_an_intact_chain_and_records_the_check(staff_client, staff):
    record_events(3)
    response = staff_client.post(reverse("audit:verify"), follow=True)
    assert "Audit trail intact: 3 events, last #3" in response.content.decode()
    check = AuditEvent.objects.get(sequence=4)
    assert (check.action, check.actor, check.after["intact"]) == ("audit.verified", staff, True)


def test_verify_button_names_the_first_bad_event(staff_client):
    record_events(3)
    tamper(("UPDATE audit_auditevent SET object_id = %s WHERE sequence = %s", ["9", 2]))
    response = staff_client.post(reverse("audit:verify"), follow=True)
    text = response.content.decode()
    assert "The audit trail is broken. Event #2 was altered" in text
    assert AuditEvent.objects.get(sequence=4).after["bad_sequence"] == 2


def test_verify_button_is_404_for_people_without_audit_permission(client, alice):
    client.force_login(alice)
    assert client.post(reverse("audit:verify")).status_code == 404
    assert not AuditEvent.objects.exists()


def test_verify_needs_post(staff_client):
    assert staff_client.get(reverse("audit:verify")).status_code == 405
