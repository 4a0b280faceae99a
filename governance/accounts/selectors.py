"""Reads about people, organisations and their roles."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.accounts.models import Membership, Organisation, User
from governance.accounts.roles import MFA_REQUIRED_ROLES, Role


def roles_of(person) -> frozenset[str]:
    """The roles a person holds in any organisation (cached on the instance for the request)."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_portal_roles", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(person=person).values_list("role", flat=True).distinct()
        )
        person._portal_roles = cached
    return cached


def has_role(person, *roles: str) -> bool:
    return bool(roles_of(person) & set(roles))


def is_portal_staff(person) -> bool:
    return bool(
        person and person.is_authenticated and (person.is_superuser or has_role(person, Role.STAFF))
    )


def requires_mfa(person) -> bool:
    return is_portal_staff(person) or has_role(person, *MFA_REQUIRED_ROLES)


def organisations_of(person, *roles: str) -> QuerySet[Organisation]:
    memberships = Membership.objects.filter(person=person)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def memberships_of(person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("organisation")


def people() -> QuerySet[User]:
    return User.objects.filter(erased_at__isnull=True)


def has_totp(person) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
