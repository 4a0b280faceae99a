"""Accounts, sign-in and the portal's own pages: `accounts:`, django-allauth's pages, `audit:`,
`notifications:`, `core:`, the API's documentation, and the API's people, memberships and audit
trail."""

from __future__ import annotations

from tests.authz.subjects import MISSING_ID
from tests.authz.table import ALLOWED, LOGIN, PUBLIC, SIGNED_IN, STAFF, api, page, who

PREFIXES = (
    "accounts:",
    "account_",
    "mfa_",
    "socialaccount_",
    "usersessions_",
    "accounts/social/",
    "audit:",
    "notifications:",
    "core:",
    "api-schema",
    "api-docs",
    "api/",
    "favicon",
    "healthz",
    "livez",
    "readyz",
    "set_language",
    *(
        f"{method} /api/v1/{resource}/"
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        for resource in ("me", "people", "memberships", "audit-events", "erasure-requests")
    ),
)

LAFE = "Hospital Universitario La Fe"


def _organisation(name: str):
    from governance.accounts.models import Organisation

    return Organisation.objects.get(name=name)


def _person(persona: str):
    from governance.accounts.models import User

    return User.objects.get(email=f"{persona}@demo.example")


def _membership_of(persona: str):
    from governance.accounts.models import Membership

    return Membership.objects.filter(person__email=f"{persona}@demo.example").first()


def _first_email():
    from governance.notifications.models import OutboundEmail

    return OutboundEmail.objects.order_by("pk").first() or MISSING_ID


def _first_event():
    from governance.audit.models import AuditEvent

    event = AuditEvent.objects.order_by("sequence").first()
    return {"sequence": event.sequence} if event else {"sequence": MISSING_ID}


def _first_event_id():
    from governance.audit.models import AuditEvent

    return AuditEvent.objects.order_by("sequence").first()


def _erasure_request_of(persona: str):
    from governance.accounts import selectors, services

    person = _person(persona)
    return selectors.open_erasure_request_of(person) or services.erasure_request_create(
        person=person, reason="Leaving the field."
    )


SUBJECTS = {
    "erasure.applicant": (
        "the applicant's open request to be erased (made for the matrix; the demo has none)",
        lambda: _erasure_request_of("applicant"),
    ),
    "organisation.lafe": ("the applicant's organisation, La Fe", lambda: _organisation(LAFE)),
    "membership.applicant": (
        "the applicant's membership of La Fe",
        lambda: _membership_of("applicant"),
    ),
    "person.applicant": ("the applicant", lambda: _person("applicant")),
    "email.first": ("the first email in the outbox", _first_email),
    "event.first": ("the audit trail's first event (by sequence)", _first_event),
    "event.first_id": ("the audit trail's first event (by id)", _first_event_id),
}

# Staff pages do not exist for anyone else (404, STYLE: ids and pages leak nothing).
STAFF_ONLY = {"denied": 404}

ACCOUNT = [
    page("accounts:profile", SIGNED_IN),
    page("accounts:profile_name", SIGNED_IN, "POST"),
    page("accounts:token_create", SIGNED_IN),
    # Another person's token (or none) is invisible: everyone 404.
    page("accounts:token_revoke", (), "POST", subject="missing", denied=404),
    page("accounts:data_export", SIGNED_IN, "POST"),
    page("accounts:erasure", SIGNED_IN),
    page("accounts:erasure_request_list", STAFF, **STAFF_ONLY),
    page("accounts:erasure_request_detail", STAFF, subject="erasure.applicant", **STAFF_ONLY),
    page("accounts:people_list", STAFF, **STAFF_ONLY),
    page("accounts:organisation_list", STAFF, **STAFF_ONLY),
    page("accounts:organisation_create", STAFF, **STAFF_ONLY),
    page("accounts:organisation_detail", STAFF, subject="organisation.lafe", **STAFF_ONLY),
    page("accounts:organisation_edit", STAFF, subject="organisation.lafe", **STAFF_ONLY),
    page("accounts:membership_add", STAFF, "POST", subject="organisation.lafe", **STAFF_ONLY),
    page(
        "accounts:membership_remove",
        STAFF,
        "POST",
        subject="membership.applicant",
        **STAFF_ONLY,
    ),
]

# django-allauth: signing in, signing up and resetting a password are for visitors (a signed-in
# person is sent on, which counts as reaching the page); managing one's account needs sign-in.
VISITOR_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
]
SIGNED_IN_PAGES = [
    "account_change_password",
    "account_set_password",
    "account_email",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
    "usersessions_list",
    "socialaccount_connections",
]
# Personas whose role requires a second factor have one (SPEC 6); without one there is nothing
# to deactivate (404). No demo persona has recovery codes yet: their pages are 404 for everyone.
HAS_TOTP = who("admin", "chair", "committee")
ALLAUTH = [
    *(page(name, PUBLIC) for name in VISITOR_PAGES),
    *(page(name, SIGNED_IN) for name in SIGNED_IN_PAGES),
    page("mfa_deactivate_totp", HAS_TOTP, denied=404),
    page("mfa_view_recovery_codes", (), denied=404),
    page("mfa_download_recovery_codes", (), denied=404),
    page("account_logout", SIGNED_IN, "POST", anonymous=ALLOWED),
    # Steps of a sign-in in progress: a visitor without one is sent back to sign in, a signed-in
    # person is sent on.
    page("account_confirm_login_code", SIGNED_IN),
    page("mfa_authenticate", SIGNED_IN),
    page("socialaccount_signup", (), denied=LOGIN, anonymous=LOGIN),
    page("socialaccount_login_cancelled", PUBLIC),
    # allauth answers its sign-in error page with 401, whoever asks.
    page("socialaccount_login_error", (), denied=401, anonymous=401),
    # The old `accounts/social/` addresses redirect to their `accounts/3rdparty/` pages.
    page("accounts/social/connections/", PUBLIC),
    page("accounts/social/signup/", PUBLIC),
    page("accounts/social/login/cancelled/", PUBLIC),
    page("accounts/social/login/error/", PUBLIC),
]

PORTAL = [
    page("core:home", PUBLIC),
    page("core:dashboard", SIGNED_IN),
    page("favicon", PUBLIC),
    page("healthz", PUBLIC),
    page("livez", PUBLIC),
    page("readyz", PUBLIC),
    page("set_language", PUBLIC, "POST"),
    page("api-schema", PUBLIC),
    page("api-docs", PUBLIC),
    # Anything under /api/ that is not an operation is the API's 404, for everyone.
    page("api/", (), denied=404, anonymous=404),
    # SPEC 2: staff read the audit trail; for anyone else its pages do not exist.
    page("audit:list", STAFF, **STAFF_ONLY),
    page("audit:detail", STAFF, subject="event.first", **STAFF_ONLY),
    page("audit:verify", STAFF, "POST", **STAFF_ONLY),
    page("notifications:outbox", STAFF, **STAFF_ONLY),
    page("notifications:detail", STAFF, subject="email.first", **STAFF_ONLY),
    page("notifications:resend", STAFF, "POST", subject="email.first", **STAFF_ONLY),
    page("notifications:send_test", STAFF, "POST", **STAFF_ONLY),
]

# The API: one's own person and memberships are visible to oneself and staff, another's are not
# (404); staff alone change memberships (the own membership is visible: 403).
API = [
    api("GET /api/v1/me/", SIGNED_IN),
    api("GET /api/v1/me/export/", SIGNED_IN),
    api("GET /api/v1/people/", SIGNED_IN),
    api("GET /api/v1/people/{id}/", who("applicant", "admin"), "person.applicant", denied=404),
    # Staff see everyone but rename nobody: a person's name is theirs to change.
    api(
        "PATCH /api/v1/people/{id}/",
        who("applicant"),
        "person.applicant",
        denied={"*": 404, "admin": 403},
    ),
    api("GET /api/v1/memberships/", SIGNED_IN),
    api("POST /api/v1/memberships/", STAFF),
    api(
        "GET /api/v1/memberships/{id}/",
        who("applicant", "admin"),
        "membership.applicant",
        denied=404,
    ),
    api(
        "DELETE /api/v1/memberships/{id}/",
        STAFF,
        "membership.applicant",
        denied={"*": 404, "applicant": 403},
    ),
    # The trail exists for everyone signed in (403 on the list); one event stays hidden (404).
    # A person files and follows their own request; staff decide. Another's is invisible.
    api("GET /api/v1/erasure-requests/", SIGNED_IN),
    api("POST /api/v1/erasure-requests/", SIGNED_IN),
    api(
        "GET /api/v1/erasure-requests/{id}/",
        who("applicant", "admin"),
        "erasure.applicant",
        denied=404,
    ),
    *(
        api(
            f"POST /api/v1/erasure-requests/{{id}}/{verb}/",
            STAFF,
            "erasure.applicant",
            denied={"*": 404, "applicant": 403},
        )
        for verb in ("complete", "refuse")
    ),
    api("GET /api/v1/audit-events/", STAFF),
    api("GET /api/v1/audit-events/{id}/", STAFF, "event.first_id", denied=404),
]

ROWS = [*ACCOUNT, *ALLAUTH, *PORTAL, *API]
