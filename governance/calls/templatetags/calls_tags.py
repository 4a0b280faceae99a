"""Times shown three ways, and sanitised Markdown.

A call's times are shown in Brussels time (CET/CEST, the federation's reference), in UTC, and,
when the visitor picked a zone (`?tz=Europe/Lisbon`, remembered in the session), in that zone.
The `<time datetime>` element carries the exact instant in UTC for software and assistive tools.
"""

from __future__ import annotations

import datetime

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from governance.core.times import BRUSSELS, format_moment, viewer_zone

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


@register.simple_tag(takes_context=True)
def when(context, moment):
    if moment is None:
        return ""
    utc = moment.astimezone(datetime.UTC)
    text = f"{format_moment(moment, BRUSSELS)} (Brussels) · {utc:%H:%M} UTC"
    zone = viewer_zone(context.get("request"))
    if zone is not None and zone.key not in ("Europe/Brussels", "UTC"):
        text += f" · {format_moment(moment, zone)} ({zone.key})"
    return format_html('<time datetime="{}">{}</time>', utc.strftime("%Y-%m-%dT%H:%M:%SZ"), text)


@register.filter
def markdown(text: str) -> str:
    html = markdown_lib.markdown(text or "", extensions=["extra"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308  # nosec B308 B703 # sanitised by nh3 just above


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def chosen_zone(context) -> str:
    zone = viewer_zone(context.get("request"))
    return zone.key if zone else ""
