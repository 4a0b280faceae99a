"""Demo organisations and people (SPEC section 6); run by `seed_demo` through governance.core.demo.

Keys this seed puts into the context for later apps:

- organisations: `org.federation` (EUCAIM Coordination Office, staff and call chair),
  `org.applicant` (the Spanish clinical centre), `org.evaluator1`, `org.evaluator2`,
  `org.repository` (the holder's imaging repository), `org.committee` (the access committee's
  organisation: the repository), `org.ai_company` (the researcher's for-profit AI developer),
  `org.patient` (the patient organisation);
- people: `person.admin`, `person.applicant`, `person.evaluator1`, `person.evaluator2`,
  `person.chair`, `person.holder`, `person.committee`, `person.researcher`, `person.patientorg`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from governance.accounts.models import Membership, Organisation, User
from governance.accounts.roles import MFA_REQUIRED_ROLES, ProviderType, Role
from governance.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext, DemoPerson


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    short_name: str
    country: str
    provider_type: str
    is_for_profit: bool = False
    website: str = ""


@dataclass(frozen=True)
class DemoPersona:
    key: str
    email: str
    full_name: str
    organisation: str  # key of a DemoOrganisation
    roles: tuple[str, ...]
    django_admin: bool = False


ORGANISATIONS = [
    DemoOrganisation(
        "org.federation",
        "EUCAIM Coordination Office",
        "EUCAIM",
        "BE",
        ProviderType.RESEARCH_INFRASTRUCTURE,
    ),
    DemoOrganisation(
        "org.applicant",
        "Hospital Universitario La Fe",
        "La Fe",
        "ES",
        ProviderType.CLINICAL_CENTRE,
    ),
    DemoOrganisation(
        "org.evaluator1",
        "Karolinska Institutet",
        "KI",
        "SE",
        ProviderType.UNIVERSITY,
    ),
    DemoOrganisation(
        "org.evaluator2",
        "Universitat de València",
        "UV",
        "ES",
        ProviderType.UNIVERSITY,
    ),
    DemoOrganisation(
        "org.repository",
        "Milan Oncology Imaging Repository",
        "MOIR",
        "IT",
        ProviderType.RESEARCH_REPOSITORY,
    ),
    DemoOrganisation(
        "org.ai_company",
        "Radiomics Analytics GmbH",
        "Radiomics Analytics",
        "DE",
        ProviderType.AI_DEVELOPER,
        is_for_profit=True,
    ),
    DemoOrganisation(
        "org.patient",
        "European Cancer Patient Coalition",
        "ECPC",
        "BE",
        ProviderType.PATIENT_ORGANISATION,
    ),
]

PERSONAS = [
    DemoPersona(
        "person.admin",
        "admin@demo.example",
        "Anne De Smet",
        "org.federation",
        (Role.STAFF,),
        django_admin=True,
    ),
    DemoPersona(
        "person.applicant",
        "applicant@demo.example",
        "Lucía Martínez García",
        "org.applicant",
        (Role.APPLICANT,),
    ),
    DemoPersona(
        "person.evaluator1",
        "evaluator1@demo.example",
        "Erik Lindqvist",
        "org.evaluator1",
        (Role.EVALUATOR,),
    ),
    DemoPersona(
        "person.evaluator2",
        "evaluator2@demo.example",
        "Pau Ferrer Soler",
        "org.evaluator2",
        (Role.EVALUATOR,),
    ),
    DemoPersona(
        "person.chair",
        "chair@demo.example",
        "Jan Peeters",
        "org.federation",
        (Role.CALL_CHAIR,),
    ),
    DemoPersona(
        "person.holder",
        "holder@demo.example",
        "Giulia Rossi",
        "org.repository",
        (Role.DATA_HOLDER,),
    ),
    DemoPersona(
        "person.committee",
        "committee@demo.example",
        "Marco Bianchi",
        "org.committee",
        (Role.COMMITTEE_MEMBER,),
    ),
    DemoPersona(
        "person.researcher",
        "researcher@demo.example",
        "Jonas Becker",
        "org.ai_company",
        (Role.RESEARCHER,),
    ),
    DemoPersona(
        "person.patientorg",
        "patientorg@demo.example",
        "Sophie Laurent",
        "org.patient",
        (Role.PATIENT_ORG_REP,),
    ),
]


@cache
def _demo_password_hash() -> str:
    # One hash for every demo person: hashing is deliberately slow and this is a published password.
    return make_password(DEMO_PASSWORD)


def seed(context: DemoContext) -> None:
    for spec in ORGANISATIONS:
        context[spec.key] = _organisation(context, spec)
    # The access committee sits at the repository whose datasets it covers.
    context["org.committee"] = context["org.repository"]

    for persona in PERSONAS:
        person = _person(context, persona)
        organisation = context[persona.organisation]
        for role in persona.roles:
            _, created = Membership.objects.get_or_create(
                person=person, organisation=organisation, role=role
            )
            context.tally("memberships", created)
        has_totp = bool(set(persona.roles) & MFA_REQUIRED_ROLES) and _ensure_totp(context, person)
        context[persona.key] = person
        context.people.append(
            DemoPerson(
                email=person.email,
                roles=[str(Role(role).label) for role in persona.roles],
                organisation=organisation.name,
                has_totp=has_totp,
            )
        )


def _organisation(context: DemoContext, spec: DemoOrganisation) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=spec.name,
        defaults={
            "short_name": spec.short_name,
            "country": spec.country,
            "provider_type": spec.provider_type,
            "is_for_profit": spec.is_for_profit,
            "website": spec.website,
        },
    )
    context.tally("organisations", created)
    return organisation


def _person(context: DemoContext, persona: DemoPersona) -> User:
    person, created = User.objects.get_or_create(
        email=persona.email,
        defaults={
            "full_name": persona.full_name,
            "password": _demo_password_hash(),
            "is_staff": persona.django_admin,
            "is_superuser": persona.django_admin,
        },
    )
    context.tally("people", created)
    address, created = EmailAddress.objects.get_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    context.tally("verified email addresses", created)
    return person


def _ensure_totp(context: DemoContext, person: User) -> bool:
    """Give the person the demo TOTP secret unless they already have an authenticator app."""
    exists = Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    if not exists:
        TOTP.activate(person, DEMO_TOTP_SECRET)
    context.tally("TOTP authenticators", not exists)
    return True
