"""An event's time span the way the portal shows times: Brussels time, UTC, and the visitor's
chosen zone (`?tz=`, remembered in the session, as on the calls pages)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html

from governance.core.times import BRUSSELS, viewer_zone

register = template.Library()


def _span(start: datetime.datetime, end: datetime.datetime, zone) -> str:
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.date() == last.date():
        return f"{first:%A %-d %B %Y, %H:%M}\N{EN DASH}{last:%H:%M} {last.tzname()}"
    return (
        f"{first:%A %-d %B %Y, %H:%M} {first.tzname()} \N{EN DASH} "
        f"{last:%-d %B %Y, %H:%M} {last.tzname()}"
    )


@register.simple_tag(takes_context=True)
def time_span(context, start, end):
    if start is None or end is None:
        return ""
    utc_start, utc_end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    utc = f"{utc_start:%H:%M}\N{EN DASH}{utc_end:%H:%M} UTC"
    text = f"{_span(start, end, BRUSSELS)} (Brussels) · {utc}"
    zone = viewer_zone(context.get("request"))
    if zone is not None and zone.key not in ("Europe/Brussels", "UTC"):
        text += f" · {_span(start, end, zone)} ({zone.key})"
    return format_html(
        '<time datetime="{}">{}</time>', utc_start.strftime("%Y-%m-%dT%H:%M:%SZ"), text
    )
