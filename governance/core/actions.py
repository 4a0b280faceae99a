"""One way for a page to run a domain action: a message for the person, then a redirect.

Every page that posts an action (submit, withdraw, approve, ...) asks a service and shows the
outcome the same way: the success message, or the `PortalError`'s own explanation, and back to
the page the person came from. `perform` is that sentence written once; `form_action` is its
twin for forms, where the error goes beside its field instead. `attempt` is for pages that need
the action's result to choose what comes next: the refusal is said, the page decides the rest;
`refusal` runs one action of many (a bulk decision) and hands back what refused it, if anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from governance.core.errors import PortalError
from governance.core.forms import show_error


def perform(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    then: Any,
    **then_kwargs: Any,
) -> HttpResponse:
    """Run `action`; on success say `success`, on a PortalError say its detail; redirect to `then`.

    `then` is what `django.shortcuts.redirect` takes (a URL name with `then_kwargs`, a URL or a
    model). `success` may be a function of the action's result, for messages that name it.
    """
    try:
        result = action()
    except PortalError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(then, **then_kwargs)


def attempt(request: HttpRequest, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run `action`: (True, result), or (False, None) with the PortalError's detail said."""
    try:
        result = action()
    except PortalError as error:
        messages.error(request, error.detail)
        return False, None
    return True, result


def refusal(action: Callable[[], Any]) -> str | None:
    """Run `action`: None if it went through, else the detail of the PortalError that refused it."""
    try:
        action()
    except PortalError as error:
        return error.detail
    return None


def form_action(
    form: forms.BaseForm,
    action: Callable[[], Any],
    *,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
    beside: str | None = None,
) -> tuple[bool, Any]:
    """Run `action` for a valid form: (True, result), or (False, None) with its error shown.

    The error goes where `show_error` puts it, or, with `beside`, whole beside that one field
    (for a form of one field whose service names no field).
    """
    try:
        result = action()
    except PortalError as error:
        if beside is None:
            show_error(form, error, formsets=formsets)
        else:
            form.add_error(beside, error.detail)
        return False, None
    return True, result
