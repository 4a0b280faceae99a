"""Brussels time, the federation's reference, and the zone a visitor chose to read times in.

Times are entered in Brussels wall-clock time (CET/CEST) and shown in Brussels time, in UTC and,
when the visitor picked a zone (`?tz=Europe/Lisbon`, remembered in the session), in that zone.
Calls and engagement (events) share these.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms
from django.utils import timezone

BRUSSELS = ZoneInfo("Europe/Brussels")
SESSION_KEY = "calls_tz"  # the session key the calls pages introduced; kept for sessions in use

_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def is_known_zone(name: str) -> bool:
    return name in _zones()


def viewer_zone(request) -> ZoneInfo | None:
    """The zone the visitor chose (`?tz=` or remembered in the session), or None."""
    if request is None:
        return None
    session = getattr(request, "session", None) or {}
    name = request.GET.get("tz", "") or session.get(SESSION_KEY, "")
    if not name or not is_known_zone(name):
        return None
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return None


class BrusselsDateTimeField(forms.DateTimeField):
    """Entered as Brussels wall-clock time (CET/CEST), stored as an aware datetime."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")
        return value

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        if timezone.is_aware(result):
            result = timezone.make_naive(result, BRUSSELS)
        # fold=0: in the repeated autumn hour, the first (summer-time) occurrence.
        return result.replace(tzinfo=BRUSSELS)


def remember_zone(request) -> None:
    """Keep a zone chosen with `?tz=` for the visitor's next pages (calls, events alike)."""
    if "tz" in request.GET and viewer_zone(request) is not None:
        request.session[SESSION_KEY] = request.GET["tz"]
