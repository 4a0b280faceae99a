"""Event pages: the programme, registration with a waiting list, the .ics invitation, and the
attendance list for staff (marked in the page, exported as CSV)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.core.errors import PortalError
from governance.core.permissions import allowed_actions, may, require_or_404
from governance.core.spreadsheets import safe_row
from governance.core.times import remember_zone
from governance.engagement import ics, selectors, services
from governance.engagement.forms import EventForm
from governance.engagement.models import REGISTRATION_MACHINE, Registration


@require_GET
def event_list(request):
    remember_zone(request)
    return render(
        request,
        "engagement/event_list.html",
        {
            "events": list(selectors.events_upcoming(request.user)),
            "is_staff": may(request.user, "engagement.change_event"),
        },
    )


@login_required
def event_edit(request, pk: int | None = None):
    """Staff plan an event or change one (same rules as the API: `services.event_save`)."""
    event = selectors.event_for_staff(request.user, pk) if pk else None
    if event is None:
        require_or_404(request.user, "engagement.change_event")
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_save(actor=request.user, event=event, data=form.cleaned_data)
        except services.FieldInvalid as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        except PortalError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("engagement:event", pk=event.pk)
    return render(request, "engagement/event_form.html", {"form": form, "event": event})


@require_GET
def event_detail(request, pk: int):
    remember_zone(request)
    event = selectors.event_for(request.user, pk)
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    registration = selectors.registration_of(request.user, event)
    return render(
        request,
        "engagement/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "registration_actions": (
                allowed_actions(request.user, registration, REGISTRATION_MACHINE)
                if registration is not None
                else []
            ),
            "places_left": max(event.capacity - confirmed, 0),
            "is_past": event.starts_at <= timezone.now(),
            "is_staff": may(request.user, "engagement.change_event", event),
        },
    )


@login_required
@require_POST
def event_register(request, pk: int):
    event = selectors.event_for(request.user, pk)
    try:
        registration = services.event_register(person=request.user, event=event)
    except PortalError as error:
        messages.error(request, error.detail)
    else:
        if registration.has_place:
            messages.success(request, _("You are registered. A confirmation email is on its way."))
        else:
            messages.info(
                request,
                _(
                    "The event is full: you are on the waiting list. We will email you if a "
                    "place frees up."
                ),
            )
    return redirect("engagement:event", pk=event.pk)


@login_required
@require_POST
def event_cancel(request, pk: int):
    event = selectors.event_for(request.user, pk)
    registration = selectors.registration_of(request.user, event)
    if registration is None:
        raise Http404
    services.registration_cancel(person=request.user, registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("engagement:event", pk=event.pk)


@require_GET
def event_ics(request, pk: int):
    event = selectors.event_for(request.user, pk)
    response = HttpResponse(
        ics.invitation(event, request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
def event_attendance(request, pk: int):
    require_or_404(request.user, "engagement.change_event")
    event = selectors.event_for(request.user, pk)
    registrations = event.registrations.select_related("person").exclude(
        status=Registration.Status.CANCELLED
    )
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("attended") if value.isdigit()]
        services.attendance_mark(actor=request.user, event=event, attended_ids=ids)
        messages.success(request, _("Attendance is saved."))
        return redirect("engagement:event_attendance", pk=event.pk)
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["name", "email", "status", "registered", "attended"])
        for registration in registrations:
            writer.writerow(
                safe_row(
                    [
                        registration.person.full_name,
                        registration.person.email,
                        registration.status,
                        timezone.localtime(registration.created_at).isoformat(timespec="minutes"),
                        "yes" if registration.attended else "no",
                    ]
                )
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-attendance.csv"'
        return response
    return render(
        request,
        "engagement/event_attendance.html",
        {"event": event, "registrations": registrations},
    )
