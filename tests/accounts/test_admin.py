"""The Django admin: people with email login, organisations, roles, tokens without hashes."""

import pytest
from django.urls import reverse

from governance.accounts import services
from governance.accounts.models import Membership, Organisation, User
from governance.audit.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root@example.org", "a-long-admin-password")
    give_totp(admin)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["user", "organisation", "membership", "apitoken", "erasurerequest"]
)
def test_admin_changelists_load(admin_client, alice, model):
    response = admin_client.get(reverse(f"admin:accounts_{model}_changelist"))
    assert response.status_code == 200


def test_admin_adds_a_person_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.org",
            "full_name": "New Person",
            "password1": "a-long-password-123",
            "password2": "a-long-password-123",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(email="new@example.org")
    assert person.check_password("a-long-password-123")
    assert AuditEvent.objects.filter(action="person.created_in_admin").exists()


def test_admin_person_page_loads_and_cannot_delete(admin_client, alice):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    assert response.status_code == 200
    assert (
        admin_client.get(reverse("admin:accounts_user_delete", args=[alice.pk])).status_code == 403
    )


def test_admin_api_token_hides_the_hash(admin_client, alice):
    token, _secret = services.api_token_create(person=alice, name="notebook", days=3)
    response = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert response.status_code == 200
    assert token.token_hash not in response.content.decode()
    assert token.prefix in response.content.decode()


def test_admin_organisation_change_goes_through_the_service(admin_client):
    organisation = OrganisationFactory(name="Old name")
    response = admin_client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {"name": "New name", "short_name": "", "country": "ES", "provider_type": "clinical_centre"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "New name"
    event = AuditEvent.objects.get(action="organisation.changed")
    assert event.before == {"name": "Old name"} and event.after == {"name": "New name"}


def test_admin_organisation_add_goes_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {
            "name": "Sano",
            "short_name": "",
            "country": "PL",
            "provider_type": "research_infrastructure",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Sano").exists()
    assert AuditEvent.objects.filter(action="organisation.created").count() == 1


def test_admin_membership_add_and_delete_are_audited(admin_client, alice, organisation):
    MembershipFactory(role="staff")  # someone else keeps the staff role
    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"person": alice.pk, "organisation": organisation.pk, "role": "evaluator"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=alice)
    response = admin_client.post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(person=alice).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.added", "membership.removed"} <= actions
