"""Export (GDPR art. 15/20) and erasure (art. 17): contents, effects on the database, registry."""

import json
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.urls import reverse

from governance.accounts import personal_data, services
from governance.accounts.models import ApiToken, ErasureRequest, Membership, User
from governance.audit.models import AuditEvent
from tests.factories import MembershipFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_alice(alice, organisation):
    """Alice with something in every part of her account."""
    MembershipFactory(person=alice, organisation=organisation, role="researcher")
    EmailAddress.objects.create(user=alice, email="alice@work.example", verified=False)
    give_totp(alice)
    SocialAccount.objects.create(
        user=alice, provider="lslogin", uid="ls-123", extra_data={"sub": "ls-123"}
    )
    services.api_token_create(person=alice, name="notebook", days=30)
    services.person_update_profile(person=alice, actor=alice, full_name="Alice Q. Example")
    return alice


def test_export_holds_everything_about_the_person(rich_alice, organisation):
    document = personal_data.export_person(rich_alice)
    assert document["format"] == personal_data.EXPORT_FORMAT
    assert document["person_id"] == rich_alice.pk
    data = document["data"]["accounts"]
    assert data["profile"]["email"] == "alice@example.org"
    assert data["profile"]["full_name"] == "Alice Q. Example"
    assert {a["email"] for a in data["email_addresses"]} == {
        "alice@example.org",
        "alice@work.example",
    }
    assert data["memberships"][0]["organisation"]["name"] == organisation.name
    assert data["memberships"][0]["role"] == "researcher"
    assert data["two_factor_authenticators"][0]["type"] == "totp"
    assert data["external_accounts"][0]["uid"] == "ls-123"
    assert data["api_tokens"][0]["name"] == "notebook"
    assert {e["action"] for e in data["audit_events_as_actor"]} == {
        "api_token.created",
        "person.profile_changed",
    }
    json.dumps(document)  # serialisable as is


def test_export_never_contains_secrets_or_hashes(rich_alice):
    token = ApiToken.objects.get(person=rich_alice)
    totp = Authenticator.objects.get(user=rich_alice, type="totp")
    text = json.dumps(personal_data.export_person(rich_alice))
    assert token.token_hash not in text
    assert "token_hash" not in text
    assert totp.data["secret"] not in text
    assert "password" not in text


def test_export_holds_nothing_of_other_people(rich_alice, bob):
    services.api_token_create(person=bob, name="bobs-token", days=3)
    text = json.dumps(personal_data.export_person(rich_alice))
    assert "bob" not in text


def test_export_includes_erasure_requests(alice, staff):
    request = services.erasure_request_create(person=alice, reason="moving on")
    services.erasure_request_refuse(erasure_request=request, actor=staff, note="Legal hold.")
    data = personal_data.export_person(alice)["data"]["accounts"]
    assert data["erasure_requests"] == [
        {
            "id": request.pk,
            "state": "refused",
            "reason": "moving on",
            "requested_at": request.requested_at.isoformat(),
            "decided_at": data["erasure_requests"][0]["decided_at"],
            "decision_note": "Legal hold.",
        }
    ]


def test_registry_discovers_the_accounts_part():
    labels = [label for label, _module in personal_data.modules()]
    assert "accounts" in labels
    assert dict(personal_data.modules())["accounts"] is personal_data


def test_registry_runs_every_apps_erase_before_accounts(alice, monkeypatch):
    calls = []

    class OtherApp:
        @staticmethod
        def export(person):
            return {"things": [person.email]}

        @staticmethod
        def erase(person):
            calls.append(("other", person.email))

    real_modules = personal_data.modules
    monkeypatch.setattr(personal_data, "modules", lambda: [*real_modules(), ("other", OtherApp)])
    assert personal_data.export_person(alice)["data"]["other"] == {"things": [alice.email]}
    personal_data.erase_person(alice)
    # The other app still saw the real email address: accounts pseudonymises last.
    assert calls == [("other", "alice@example.org")]
    alice.refresh_from_db()
    assert alice.email.endswith("@erased.invalid")


def test_every_governance_personal_data_module_has_export_and_erase():
    for label, module in personal_data.modules():
        assert callable(getattr(module, "export", None)), label
        assert callable(getattr(module, "erase", None)), label


def test_erasure_complete_pseudonymises_and_removes_sign_in(client, rich_alice, staff):
    client.force_login(rich_alice)
    assert Session.objects.count() == 1
    membership_ids = list(Membership.objects.filter(person=rich_alice).values_list("pk", flat=True))
    events_before = AuditEvent.objects.filter(actor=rich_alice).count()
    request = services.erasure_request_create(person=rich_alice, reason="")

    services.erasure_request_complete(erasure_request=request, actor=staff, note="Done.")

    person = User.objects.get(pk=rich_alice.pk)
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert person.full_name == ""
    assert not person.has_usable_password()
    assert not person.is_active and person.erased_at is not None
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not SocialAccount.objects.filter(user=person).exists()
    assert Session.objects.count() == 0
    assert not ApiToken.objects.filter(person=person, revoked_at__isnull=True).exists()
    # Kept: roles as history, the audit trail, the request itself.
    assert list(Membership.objects.filter(person=person).values_list("pk", flat=True)) == (
        membership_ids
    )
    assert AuditEvent.objects.filter(actor=person).count() == events_before + 1  # + the request
    assert ErasureRequest.objects.get(pk=request.pk).state == "completed"
    erased = AuditEvent.objects.get(action="person.erased")
    assert erased.actor == staff and erased.object_repr == f"person #{person.pk}"
    # Nothing in the audit trail names her.
    trail = json.dumps(list(AuditEvent.objects.values("object_repr", "before", "after")))
    assert "alice" not in trail.lower()
    # Signed out: the old session no longer works.
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_erased_person_cannot_sign_in_or_use_tokens(client, api, alice, staff):
    _token, secret = services.api_token_create(person=alice, name="x", days=3)
    request = services.erasure_request_create(person=alice)
    services.erasure_request_complete(erasure_request=request, actor=staff)
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": "whatever"}
    )
    assert response.status_code == 200
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_erasure_completion_is_emailed_to_the_original_address(alice, staff):
    from governance.notifications.models import OutboundEmail

    request = services.erasure_request_create(person=alice)
    services.erasure_request_complete(erasure_request=request, actor=staff)
    email = OutboundEmail.objects.get(template="accounts/erasure_completed")
    assert email.to == ["alice@example.org"]


def test_erasure_leaves_no_address_or_text_in_the_outbox(
    alice, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from governance.notifications.models import OutboundEmail

    with django_capture_on_commit_callbacks(execute=True):
        request = services.erasure_request_create(person=alice)
    received = OutboundEmail.objects.get(template="accounts/erasure_received")
    assert received.to == ["alice@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        services.erasure_request_complete(erasure_request=request, actor=staff)
    assert mailoutbox[-1].to == ["alice@example.org"]
    assert "alice@example.org" not in json.dumps(list(OutboundEmail.objects.values()), default=str)
    completed = OutboundEmail.objects.get(template="accounts/erasure_completed")
    assert completed.state == "sent" and completed.to == [] and completed.body_withheld


def test_erasure_failure_in_an_app_rolls_everything_back(alice, staff, monkeypatch):
    class Broken:
        @staticmethod
        def export(person):
            return {}

        @staticmethod
        def erase(person):
            raise RuntimeError("disk full")

    real_modules = personal_data.modules
    monkeypatch.setattr(personal_data, "modules", lambda: [("broken", Broken), *real_modules()])
    request = services.erasure_request_create(person=alice)
    with pytest.raises(RuntimeError):
        services.erasure_request_complete(erasure_request=request, actor=staff)
    alice.refresh_from_db()
    assert alice.email == "alice@example.org" and alice.is_active
    assert ErasureRequest.objects.get(pk=request.pk).state == "requested"


def test_other_apps_personal_data_modules_import():
    for label, module in personal_data.modules():
        assert import_module(module.__name__) is module, label
