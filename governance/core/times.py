"""Brussels time, the federation's reference, and the zone a visitor chose to read times in.

Times are entered in Brussels wall-clock time (CET/CEST) and shown in Brussels time, in UTC and,
when the visitor picked a zone (`?tz=Europe/Lisbon`, remembered in the session), in that zone.
Calls and engagement (events) share these, and every page, email and PDF writes dates, times
and numbers with the `format_*` functions below (in templates, `{% load formatting %}`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_noop

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


# Django's own Italian catalogue writes the months with a capital ("28 Ottobre 2026"); Italian
# writes them in lower case, as portal/formats/it/formats.py shows. The portal's catalogues come
# first, so its translations of the month names (the same as Django's in the other languages)
# are the ones dates use.
MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


# How a person reads dates, times and numbers: one rule for pages, emails and PDFs, in the
# active language's formats (portal/formats/<lang>/formats.py). Templates use the same functions
# through `{% load formatting %}`.


def format_day(value: date | datetime | None, zone: tzinfo | None = None) -> str:
    """A date, or the day of an instant in Brussels (or `zone`) time: "5 December 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    return formats.date_format(value, "DATE_FORMAT")


def format_moment(value: date | datetime | None, zone: tzinfo | None = None) -> str:
    """An instant in Brussels (or `zone`) time, its zone named: "5 December 2026, 22:02 CET"."""
    if value is None:
        return ""
    if not isinstance(value, datetime):  # a day has no time to show
        return format_day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    return formats.date_format(value, "DATETIME_FORMAT")


def format_time(value: datetime, zone: tzinfo | None = None) -> str:
    """The clock time of an instant, for a span whose day is already written: "22:02"."""
    return formats.time_format(timezone.localtime(value, zone), "TIME_FORMAT")


def format_span(start: datetime, end: datetime, zone: tzinfo | None = None) -> str:
    """When an event happens, in one zone: "Tuesday 5 December 2026, 10:00 to 11:30 CET"."""
    first, last = timezone.localtime(start, zone), timezone.localtime(end, zone)
    weekday = formats.date_format(first, "l")
    if first.date() == last.date():
        return (
            f"{weekday} {format_day(first, zone)}, {format_time(first, zone)}\N{EN DASH}"
            f"{format_time(last, zone)} {last.tzname()}"
        )
    return f"{weekday} {format_moment(first, zone)} \N{EN DASH} {format_moment(last, zone)}"


def last_day(end: datetime | None) -> date | None:
    """The last day a period covers, given the instant it ends (exclusive).

    A grant until 1 January 2028 00:00 is valid on 31 December 2027 and not after: people read
    periods by their last day, as the agreement that made the grant does.
    """
    if end is None:
        return None
    return timezone.localtime(end - timedelta(microseconds=1)).date()


def format_number(value: int | Decimal | float | str | None, *, grouping: bool = True) -> str:
    """A number the locale's way: integers as integers ("10,000,000", never "8E+2"), decimals
    with the locale's separator ("2.5"; in Spanish "10.000.000" and "2,5").

    `grouping=False` is for the value of an input field, which is read back as typed.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = Decimal(int(number)) if number == number.to_integral_value() else number.normalize()
    return formats.number_format(number, use_l10n=True, force_grouping=grouping)


def parse_number(text: str) -> str:
    """A number as typed in the active language ("2,5" in Spanish) in the form "2.5"."""
    return str(formats.sanitize_separators(text.strip()))
