"""Events, registrations and attendance."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit.services import record
from governance.core.errors import DeadlinePassed, NotPermitted
from governance.core.permissions import may
from governance.engagement.models import (
    REGISTRATION_MACHINE,
    Event,
    Registration,
)
from governance.engagement.services.common import (
    FieldInvalid,
    _abs,
    _check_staff,
    _short,
)
from governance.notifications.services import send_email

EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "audience",
    "starts_at",
    "ends_at",
    "location",
    "join_url",
    "capacity",
    "is_published",
)


@transaction.atomic
def event_save(*, actor, event: Event | None = None, data: Mapping[str, Any]) -> Event:
    """Plan an event or change it.

    It must end after it starts. A new start cannot be in the past; an event that has already
    started keeps its start and can still be corrected otherwise. Capacity cannot drop below
    the confirmed registrations (nobody loses a confirmed place); raised, it gives the new places
    to the waiting list.
    """
    _check_staff(actor)
    creating = event is None
    before: dict[str, Any] = {}
    if event is None:
        event = Event()
    else:
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = {n: getattr(event, n) for n in EVENT_FIELDS}
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    old_start = before.get("starts_at")
    # Forms send minutes; an unchanged start must not count as moved because of its seconds.
    if (
        old_start is not None
        and event.starts_at is not None
        and abs(event.starts_at - old_start) < datetime.timedelta(minutes=1)
    ):
        event.starts_at = old_start
    event.full_clean()
    if event.ends_at <= event.starts_at:
        raise FieldInvalid(
            _("The event must end after it starts: set the end later than the start."),
            code="ends_before_start",
            field="ends_at",
        )
    now = timezone.now()
    if event.starts_at < now and event.starts_at != old_start:
        raise FieldInvalid(
            _("The start is in the past: give a date and time still to come (Brussels time)."),
            code="starts_in_past",
            field="starts_at",
        )
    if not creating:
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        if event.capacity < confirmed:
            raise FieldInvalid(
                _(
                    "%(n)d people have a confirmed place, so the event needs at least %(n)d "
                    "places. Nobody loses a confirmed place: keep %(n)d or more."
                )
                % {"n": confirmed},
                code="capacity_below_confirmed",
                field="capacity",
            )
    changed = [n for n in EVENT_FIELDS if creating or before[n] != getattr(event, n)]
    if creating:
        event.save()
    else:
        event.save(update_fields=changed)
    record(
        actor=actor,
        action="engagement.event_created" if creating else "engagement.event_updated",
        obj=event,
        before={n: _short(before[n]) for n in changed} if not creating else None,
        after={n: _short(getattr(event, n)) for n in changed},
    )
    if not creating and event.capacity > before["capacity"] and event.starts_at > now:
        _promote_waiting(event)
    return event


@transaction.atomic
def event_register(*, person, event: Event) -> Registration:
    """Confirm a place, or put the person on the waiting list when the event is full."""
    if person is None or not person.is_authenticated:
        raise NotPermitted(_("Sign in to register."))
    # Locking the event row serialises registrations, so the capacity check cannot race.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at <= timezone.now():
        raise DeadlinePassed(_("This event has started; registration is closed."))
    registration = Registration.objects.filter(event=event, person=person).first()
    if registration is not None and not REGISTRATION_MACHINE.can(registration.status, "register"):
        return registration  # registered already (a second click, two tabs): nothing to do
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    action = "register" if confirmed < event.capacity else "join_waiting_list"
    # A first registration starts where taking a cancelled one up again leads.
    status = REGISTRATION_MACHINE.transitions[action].target
    if registration is None:
        registration = Registration.objects.create(event=event, person=person, status=status)
    else:
        registration.status = REGISTRATION_MACHINE.target(registration.status, action)
        registration.created_at = timezone.now()
        registration.save(update_fields=["status", "created_at"])
    record(
        actor=person,
        action="engagement.registered",
        obj=registration,
        after={"event": event.pk, "status": status},
    )
    _send_registration_email(registration)
    return registration


@transaction.atomic
def registration_cancel(*, person, registration: Registration) -> Registration:
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not may(person, "engagement.cancel_registration", registration):
        raise NotPermitted(_("Only the registered person may cancel this registration."))
    if registration.status == Registration.Status.CANCELLED:
        return registration  # cancelled already (a second click, two tabs): nothing to do
    was_confirmed = registration.has_place
    registration.status = REGISTRATION_MACHINE.target(registration.status, "cancel")
    registration.save(update_fields=["status"])
    record(
        actor=person,
        action="engagement.registration_cancelled",
        obj=registration,
        after={"event": event.pk},
    )
    if was_confirmed and event.starts_at > timezone.now():
        _promote_waiting(event)
    return registration


def _promote_waiting(event: Event) -> int:
    """Give free places to the waiting list, first come first served. The caller holds the
    event's row lock."""
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    promoted = 0
    for waiting in event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )[: max(event.capacity - confirmed, 0)]:
        waiting.status = REGISTRATION_MACHINE.target(waiting.status, "promote")
        waiting.save(update_fields=["status"])
        record(
            actor=None,
            action="engagement.registration_promoted",
            obj=waiting,
            after={"event": event.pk},
        )
        _send_registration_email(waiting, promoted=True)
        promoted += 1
    return promoted


def _send_registration_email(registration: Registration, *, promoted: bool = False) -> None:
    event = registration.event
    send_email(
        to=registration.person.email,
        template="engagement/event_registration",
        context={
            "event": event,
            "registration": registration,
            "confirmed": registration.has_place,
            "promoted": promoted,
            "ics_link": _abs(reverse("engagement:event_ics", args=[event.pk])),
            "event_link": _abs(reverse("engagement:event", args=[event.pk])),
        },
    )


@transaction.atomic
def attendance_mark(*, actor, event: Event, attended_ids: Sequence[int]) -> int:
    _check_staff(actor)
    registrations = event.registrations.filter(status=Registration.Status.CONFIRMED)
    registrations.update(attended=False)
    count = registrations.filter(pk__in=list(attended_ids)).update(attended=True)
    record(actor=actor, action="engagement.attendance_marked", obj=event, after={"attended": count})
    return count


def remind_registrants(*, now=None) -> int:
    """Remind confirmed people of events starting within the next day, once."""
    now = now or timezone.now()
    count = 0
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + datetime.timedelta(days=1),
    ).select_related("event", "person")
    for registration in due:
        with transaction.atomic():
            locked = Registration.objects.select_for_update().get(pk=registration.pk)
            if locked.reminded_at is not None:
                continue
            send_email(
                to=registration.person.email,
                template="engagement/event_reminder",
                context={
                    "event": registration.event,
                    "ics_link": _abs(reverse("engagement:event_ics", args=[registration.event_id])),
                    "event_link": _abs(reverse("engagement:event", args=[registration.event_id])),
                },
            )
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            count += 1
    return count
