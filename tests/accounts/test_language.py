"""The language a person chooses is kept on their account: emails and letters follow it."""

import pytest

from governance.audit.models import AuditEvent
from governance.notifications.services import send_email

pytestmark = pytest.mark.django_db


def test_language_switcher_keeps_the_choice_on_the_account(alice_client, alice):
    response = alice_client.post("/i18n/setlang/", {"language": "es", "next": "/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/es/"
    alice.refresh_from_db()
    assert alice.language == "es"
    event = AuditEvent.objects.get(action="person.profile_changed", object_id=alice.pk)
    assert event.after["language"] == "es"


def test_language_switcher_for_a_visitor_sets_only_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})

    assert response.cookies["django_language"].value == "es"


def test_language_switcher_ignores_an_unknown_language(alice_client, alice):
    alice_client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    alice.refresh_from_db()
    assert alice.language == ""


def test_email_is_written_in_the_recipients_language(alice):
    alice.language = "es"
    alice.save(update_fields=["language"])

    email = send_email(
        to=alice.email.upper(),
        template="calls/decision_released",
        context={"proposal": _Stub(), "decision": _Stub(), "letter_url": "L", "url": "U"},
    )

    assert email.language == "es"
    assert email.subject == "Decisión sobre su propuesta: Imaging"


def test_email_to_someone_without_a_choice_is_in_the_default_language(alice):
    email = send_email(
        to=alice.email,
        template="calls/decision_released",
        context={"proposal": _Stub(), "decision": _Stub(), "letter_url": "L", "url": "U"},
    )

    assert email.language == "en"
    assert email.subject == "Decision on your proposal: Imaging"


class _Stub:
    title = "Imaging"
    call = None
    reason = ""

    def get_outcome_display(self):
        return "Accept"
