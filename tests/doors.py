"""What the tests that send one input through both doors, the page and the API, share (issue 16).

A rule lives once, in the domain; these tests prove that the page and the API give the same
refusal, naming the same field, and that nothing was written.
"""

from __future__ import annotations

from rest_framework.test import APIClient


def api_as(person) -> APIClient:
    """An API client signed in as `person` (anonymous for None)."""
    client = APIClient()
    if person is not None:
        client.force_authenticate(person)
    return client


def assert_refused_alike(page, api, field: str, message: str, *, form: str = "form") -> None:
    """The page shows `message` on `field` of its form and the API answers 400 with the same
    message under the same field."""
    assert page.context[form].errors[field] == [message], page.context[form].errors
    assert api.status_code == 400, api.content
    assert api.json()[field] == [message], api.json()
