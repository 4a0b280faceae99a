"""Consequential actions ask first: a page that says what will happen to whom, then a POST.

The action's own URL shows the page (on GET, or on a POST that is not confirmed yet) and
performs the action on a POST carrying `confirmed=yes`, so it works without JavaScript. The
API has no such step: calling its endpoint is the client's confirmation.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "yes"


def confirmation_page(
    request,
    *,
    title: str,
    lead: str,
    consequences: Sequence[str],
    button: str,
    cancel_url: str,
    keep: Sequence[tuple[str, str]] = (),
    warning: str = "",
    danger: bool = True,
) -> HttpResponse:
    """`keep` carries what the person already entered (name, value pairs) to the confirming POST."""
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "lead": lead,
            "consequences": consequences,
            "warning": warning,
            "button": button,
            "cancel_url": cancel_url,
            "keep": list(keep),
            "danger": danger,
            "confirmed_name": CONFIRMED,
        },
    )
