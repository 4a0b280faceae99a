"""Reads about people, organisations and their roles."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.accounts.models import ApiToken, ErasureRequest, Membership, Organisation, User
from governance.accounts.roles import MFA_REQUIRED_ROLES, Role


def roles_of(person) -> frozenset[str]:
    """The roles a person holds in any organisation (cached on the instance for the request)."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_portal_roles", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(person=person)
            .order_by()
            .values_list("role", flat=True)
            .distinct()
        )
        person._portal_roles = cached
    return cached


def forget_cached_roles(person) -> None:
    """After a membership change, the next `roles_of` reads the database again."""
    for name in ("_portal_roles", "_holder_organisation_ids"):
        if hasattr(person, name):
            delattr(person, name)


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


def holder_organisation_ids(person) -> frozenset[int]:
    """Ids of the organisations where the person is a data holder (cached for the request).

    The data holders of an organisation register its datasets, manage its consent and
    countersign its agreements.
    """
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_holder_organisation_ids", None)
    if cached is None:
        cached = frozenset(organisations_of(person, Role.DATA_HOLDER).values_list("pk", flat=True))
        person._holder_organisation_ids = cached
    return cached


def memberships_of(person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("organisation")


def people() -> QuerySet[User]:
    return User.objects.filter(erased_at__isnull=True)


def people_visible_to(person) -> QuerySet[User]:
    """The people a person sees through the API: themselves (staff: everyone)."""
    if is_portal_staff(person):
        return User.objects.all()
    return User.objects.filter(pk=person.pk)


def people_for_staff(*, query: str = "") -> QuerySet[User]:
    """Everyone with an account, erased people last, with their memberships in one query."""
    qs = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    ).order_by("erased_at", "email")
    if query:
        qs = qs.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    return qs


def person_by_email(email: str) -> User | None:
    return people().filter(email__iexact=email.strip()).first()


def has_totp(person) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


def mfa_status(person) -> dict[str, object]:
    """What the account page shows about the second factor."""
    from allauth.mfa.models import Authenticator

    types = set(Authenticator.objects.filter(user=person).values_list("type", flat=True))
    return {
        "totp": Authenticator.Type.TOTP in types,
        "recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
        "required": requires_mfa(person),
    }


def missing_required_totp(person) -> bool:
    """True when the person's role needs a second factor that is not set up yet."""
    return requires_mfa(person) and not has_totp(person)


# Organisations


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(member_count=Count("memberships")).order_by("name")


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("person")
        .order_by("role", "person__email")
    )


def memberships_visible_to(person) -> QuerySet[Membership]:
    """Staff see every membership; anyone else sees their own."""
    qs = Membership.objects.select_related("person", "organisation")
    if is_portal_staff(person):
        return qs
    return qs.filter(person=person)


# Personal API tokens


def api_tokens_of(person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person)


def api_tokens_with_state(person) -> list[tuple[ApiToken, str]]:
    """The person's tokens, newest first, each with its state (active, expired, revoked)."""
    now = timezone.now()
    return [(token, api_token_state(token, now)) for token in api_tokens_of(person)]


def api_token_state(token: ApiToken, now=None) -> str:
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    return "active"


# Erasure requests


def erasure_requests_of(person) -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.filter(person=person).select_related("decided_by")


def open_erasure_request_of(person) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        person=person, state=ErasureRequest.State.REQUESTED
    ).first()


def erasure_requests_for_staff(*, state: str = "") -> QuerySet[ErasureRequest]:
    qs = ErasureRequest.objects.select_related("person", "decided_by")
    if state:
        qs = qs.filter(state=state)
    return qs


def erasure_requests_visible_to(person) -> QuerySet[ErasureRequest]:
    qs = ErasureRequest.objects.select_related("person", "decided_by")
    if is_portal_staff(person):
        return qs
    return qs.filter(person=person)


def pending_erasure_requests() -> QuerySet[ErasureRequest]:
    return (
        ErasureRequest.objects.filter(state=ErasureRequest.State.REQUESTED)
        .select_related("person")
        .order_by("requested_at")
    )


def language_of(email: str) -> str:
    """The language a person at this address chose, or "" (then the portal's default)."""
    return User.objects.filter(email__iexact=email).values_list("language", flat=True).first() or ""
