"""An event's time span the way the portal shows times: Brussels time, UTC, and the visitor's
chosen zone (`?tz=`, remembered in the session, as on the calls pages)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html

from governance.core.times import BRUSSELS, format_span, viewer_zone

register = template.Library()


@register.simple_tag(takes_context=True)
def time_span(context, start, end):
    if start is None or end is None:
        return ""
    utc_start, utc_end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    utc = f"{utc_start:%H:%M}\N{EN DASH}{utc_end:%H:%M} UTC"
    text = f"{format_span(start, end, BRUSSELS)} (Brussels) · {utc}"
    zone = viewer_zone(context.get("request"))
    if zone is not None and zone.key not in ("Europe/Brussels", "UTC"):
        text += f" · {format_span(start, end, zone)} ({zone.key})"
    return format_html(
        '<time datetime="{}">{}</time>', utc_start.strftime("%Y-%m-%dT%H:%M:%SZ"), text
    )
