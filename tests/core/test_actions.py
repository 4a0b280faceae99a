"""The one helper pages use to run an action and tell the person what happened."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from governance.core.actions import attempt, form_action, perform, refusal
from governance.core.errors import Invalid, InvalidTransition


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_perform_says_the_success_and_redirects():
    request = _request()
    response = perform(request, lambda: 7, success=lambda n: f"Saved {n}.", then="/back/")
    assert response.status_code == 302
    assert response["Location"] == "/back/"
    assert _said(request) == [("success", "Saved 7.")]


def test_perform_says_the_refusal_instead_of_the_success():
    request = _request()

    def refuse():
        raise InvalidTransition("Cannot submit a proposal that is submitted.")

    response = perform(request, refuse, success="Submitted.", then="/back/")
    assert response["Location"] == "/back/"
    assert _said(request) == [("error", "Cannot submit a proposal that is submitted.")]


def test_perform_lets_other_errors_through():
    def crash():
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        perform(_request(), crash, success="never", then="/back/")


class _Form(forms.Form):
    title = forms.CharField()


def test_form_action_puts_a_field_error_beside_its_field():
    form = _Form(data={"title": "x"})
    assert form.is_valid()

    def refuse():
        raise Invalid({"title": ["Too short."]})

    done, result = form_action(form, refuse)
    assert (done, result) == (False, None)
    assert form.errors["title"] == ["Too short."]


def test_form_action_returns_the_result():
    form = _Form(data={"title": "x"})
    assert form.is_valid()
    assert form_action(form, lambda: "made") == (True, "made")


def test_form_action_beside_puts_the_whole_refusal_beside_that_field():
    form = _Form(data={"title": "x"})
    assert form.is_valid()

    def refuse():
        raise InvalidTransition("Not now.")

    assert form_action(form, refuse, beside="title") == (False, None)
    assert form.errors["title"] == ["Not now."]
    assert not form.non_field_errors()


def test_attempt_returns_the_result_and_says_nothing():
    request = _request()
    assert attempt(request, lambda: "made") == (True, "made")
    assert _said(request) == []


def test_attempt_says_the_refusal():
    request = _request()

    def refuse():
        raise InvalidTransition("Not now.")

    assert attempt(request, refuse) == (False, None)
    assert _said(request) == [("error", "Not now.")]


def test_refusal_hands_back_the_detail_or_none():
    def refuse():
        raise InvalidTransition("Not now.")

    assert refusal(lambda: 1) is None
    assert refusal(refuse) == "Not now."
    with pytest.raises(RuntimeError):
        refusal(lambda: (_ for _ in ()).throw(RuntimeError("bug")))
