"""An event as an iCalendar invitation (RFC 5545), built with `icalendar`.

The outbox's `send_email` sends no attachments, so emails carry a link to this file instead.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from governance.engagement.models import Event


def invitation(event: Event, request=None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Cancer Imaging Governance Portal//engagement//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    host = settings.PORTAL_BASE_URL.rstrip("/").split("://")[-1]
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("dtstamp", event.created_at)
    entry.add("location", event.join_url or event.location)
    entry.add("description", event.description)
    entry.add(
        "url", settings.PORTAL_BASE_URL.rstrip("/") + reverse("engagement:event", args=[event.pk])
    )
    calendar.add_component(entry)
    return calendar.to_ical()
