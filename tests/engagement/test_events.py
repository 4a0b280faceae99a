"""Events: registration, waiting list, promotion, the .ics invitation, reminders, attendance."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from governance.engagement import services
from governance.engagement.models import Registration
from tests.engagement.factories import event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_full_event_puts_people_on_the_waiting_list_and_promotes_on_cancel(
    mailoutbox, django_capture_on_commit_callbacks
):
    webinar = event(capacity=1)
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.event_register(person=first, event=webinar)
        b = services.event_register(person=second, event=webinar)
    assert (a.status, b.status) == ("confirmed", "waitlisted")
    assert f"/engagement/events/{webinar.pk}/invite.ics" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(person=first, registration=a)
    b.refresh_from_db()
    assert b.status == "confirmed"
    assert "A place has freed up" in mailoutbox[-1].body


def test_registering_twice_keeps_one_registration():
    webinar = event()
    person = UserFactory()
    services.event_register(person=person, event=webinar)
    services.event_register(person=person, event=webinar)
    assert Registration.objects.count() == 1


def test_ics_invitation_is_a_calendar_event(client):
    webinar = event()
    response = client.get(reverse("engagement:event_ics", args=[webinar.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Technical demonstration webinar"
    assert entry.decoded("dtstart") == webinar.starts_at.replace(microsecond=0)


def test_event_page_shows_cet_time_and_register_button(client):
    webinar = event()
    webinar.starts_at = datetime.datetime(2027, 3, 14, 9, 0, tzinfo=datetime.UTC)
    webinar.ends_at = webinar.starts_at + datetime.timedelta(minutes=90)
    webinar.save()
    page = client.get(reverse("engagement:event", args=[webinar.pk])).content.decode()
    assert "10:00\N{EN DASH}11:30 CET" in page
    assert "Sign in to register" in page


def test_register_view_needs_sign_in_and_registers(client):
    webinar = event()
    assert client.post(reverse("engagement:event_register", args=[webinar.pk])).status_code == 302
    assert not Registration.objects.exists()
    client.force_login(UserFactory())
    client.post(reverse("engagement:event_register", args=[webinar.pk]))
    assert Registration.objects.get().status == "confirmed"


def test_reminders_go_once_to_confirmed_people_of_events_within_a_day(
    mailoutbox, django_capture_on_commit_callbacks
):
    soon = event(days=0)
    soon.starts_at = timezone.now() + datetime.timedelta(hours=5)
    soon.save()
    services.event_register(person=UserFactory(), event=soon)
    services.event_register(person=UserFactory(), event=event(days=5, title="Later"))
    mailoutbox.clear()
    from governance.engagement.tasks import send_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == {"invitees": 0, "registrants": 1}
        assert send_reminders() == {"invitees": 0, "registrants": 0}
    assert len(mailoutbox) == 1


def test_attendance_export_is_staff_only(manager, manager_client, client):
    webinar = event()
    person = UserFactory(email="attendee@example.org")
    registration = services.event_register(person=person, event=webinar)
    manager_client.post(
        reverse("engagement:event_attendance", args=[webinar.pk]), {"attended": [registration.pk]}
    )
    csv_text = manager_client.get(
        reverse("engagement:event_attendance", args=[webinar.pk]) + "?format=csv"
    ).content.decode()
    assert "attendee@example.org,confirmed" in csv_text and csv_text.strip().endswith("yes")
    client.force_login(person)
    assert client.get(reverse("engagement:event_attendance", args=[webinar.pk])).status_code == 404


def test_register_api_returns_waitlisted_when_full():
    from rest_framework.test import APIClient

    webinar = event(capacity=1)
    services.event_register(person=UserFactory(), event=webinar)
    api = APIClient()
    api.force_authenticate(UserFactory())
    assert api.post(f"/api/v1/events/{webinar.pk}/register/").json()["status"] == "waitlisted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overbook():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (CI runs this on PostgreSQL)")
    webinar = event(capacity=5)
    people = [UserFactory() for _ in range(20)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        try:
            barrier.wait()
            services.event_register(person=person, event=webinar)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = list(Registration.objects.filter(event=webinar).values_list("status", flat=True))
    assert statuses.count("confirmed") == 5
    assert statuses.count("waitlisted") == 15
