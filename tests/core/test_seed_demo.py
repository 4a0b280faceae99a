import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import CommandError, call_command

from governance.accounts.models import Membership, Organisation, User
from governance.accounts.selectors import roles_of
from governance.audit.models import AuditEvent
from governance.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext
from governance.notifications.models import OutboundEmail
from governance.notifications.services import queue_rendered_email
from governance.tokens.models import ServiceClient
from tests.factories import UserFactory
from tests.mfa import current_code

PERSONAS = {
    "admin@demo.example": {"staff"},
    "applicant@demo.example": {"applicant"},
    "evaluator1@demo.example": {"evaluator"},
    "evaluator2@demo.example": {"evaluator"},
    "chair@demo.example": {"call_chair"},
    "holder@demo.example": {"data_holder"},
    "committee@demo.example": {"committee_member"},
    "researcher@demo.example": {"researcher"},
    "patientorg@demo.example": {"patient_org_rep"},
}
WITH_TOTP = {"admin@demo.example", "chair@demo.example", "committee@demo.example"}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def table_sizes() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Organisation,
            Membership,
            EmailAddress,
            Authenticator,
            AuditEvent,
            ServiceClient,
        )
    }


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_seed_demo_creates_each_persona_with_their_role(debug_on):
    seed()

    for email, roles in PERSONAS.items():
        person = User.objects.get(email=email)
        assert set(roles_of(person)) == roles, email
        assert person.full_name
        assert person.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=person, email=email, verified=True, primary=True
        ).exists()
    admin = User.objects.get(email="admin@demo.example")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(pk=admin.pk).exists()


@pytest.mark.django_db
def test_seed_demo_gives_the_demo_totp_secret_only_to_roles_that_require_it(debug_on):
    seed()

    with_totp = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__email", flat=True
        )
    )
    assert with_totp == WITH_TOTP
    chair = User.objects.get(email="chair@demo.example")
    totp = TOTP(Authenticator.objects.get(user=chair, type=Authenticator.Type.TOTP))
    assert totp.validate_code(current_code(DEMO_TOTP_SECRET))


@pytest.mark.django_db
def test_seed_demo_organisations_have_country_and_provider_type(debug_on):
    seed()

    applicant_org = Organisation.objects.get(memberships__person__email="applicant@demo.example")
    assert (applicant_org.country.code, applicant_org.provider_type) == ("ES", "clinical_centre")
    company = Organisation.objects.get(memberships__person__email="researcher@demo.example")
    assert company.provider_type == "ai_developer" and company.is_for_profit
    patients = Organisation.objects.get(memberships__person__email="patientorg@demo.example")
    assert patients.provider_type == "patient_organisation"
    holder_org = Organisation.objects.get(memberships__person__email="holder@demo.example")
    assert holder_org.provider_type == "research_repository"
    committee_org = Organisation.objects.get(memberships__person__email="committee@demo.example")
    assert committee_org == holder_org
    assert all(org.country for org in Organisation.objects.all())


@pytest.mark.django_db
def test_seed_demo_prints_passwords_and_the_totp_secret(debug_on):
    output = seed()

    assert DEMO_PASSWORD in output
    assert DEMO_TOTP_SECRET in output
    for email in PERSONAS:
        assert email in output
    marked = {line.split()[0] for line in output.splitlines() if line.endswith("[TOTP]")}
    assert marked == WITH_TOTP


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(debug_on):
    seed()
    after_first = table_sizes()

    output = seed()

    assert table_sizes() == after_first
    assert "nothing was changed" in output
    assert AuditEvent.objects.filter(action="demo.seeded").count() == 1


def links_in(email: OutboundEmail) -> set[str]:
    return set(re.findall(r"https?://[^/\s\"'<>]+", email.body_text + email.body_html))


@pytest.mark.django_db
def test_seeded_emails_link_to_the_portal_base_url_even_when_it_changes(debug_on, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    seed()
    someone_else = queue_rendered_email(
        to="someone@example.org",
        subject="Not a demo person's",
        body_text="See http://127.0.0.1:8000/calls/\n-- \nSent by: http://127.0.0.1:8000/\nBye.\n",
    )
    settings.PORTAL_BASE_URL = "https://demo.portal.test:8443"

    output = seed()

    demo_emails = OutboundEmail.objects.exclude(pk=someone_else.pk)
    assert demo_emails.exists()
    for email in demo_emails:
        assert links_in(email) == {"https://demo.portal.test:8443"}, email.template
    someone_else.refresh_from_db()
    assert links_in(someone_else) == {"http://127.0.0.1:8000"}
    assert "now link to https://demo.portal.test:8443" in output


@pytest.mark.django_db
def test_seed_demo_keeps_a_persons_own_authenticator(debug_on):
    admin = UserFactory(email="admin@demo.example")
    own_secret = generate_totp_secret()
    TOTP.activate(admin, own_secret)

    seed()

    totp = Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP)
    assert TOTP(totp).validate_code(current_code(own_secret))
    assert roles_of(admin) == {"staff"}


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force") as excinfo:
        seed()

    assert "DEBUG" in str(excinfo.value)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_force_seeds_when_debug_is_off(settings):
    settings.DEBUG = False

    seed("--force")

    assert set(User.objects.values_list("email", flat=True)) == set(PERSONAS)


def test_demo_context_names_the_missing_key():
    context = DemoContext()
    context["org.applicant"] = "La Fe"

    with pytest.raises(KeyError, match=r"org\.applicant"):
        context["org.unknown"]
