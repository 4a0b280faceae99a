"""Data-use agreements and grants: the pages of `agreements:` and the API's agreements and
grants.

SPEC 2 and governance/agreements/rules.py: an agreement's parties see it (the researcher; the
data holders of the holding organisation, who countersign); the committee that decided sees the
agreements and grants of its datasets; staff see everything; to anyone else they are 404. The
parties sign (once each, in turn) and ask for amendments; staff terminate; staff and the
deciding committee revoke a grant.
"""

from __future__ import annotations

from tests.authz.table import SIGNED_IN, STAFF, api, api_prefixes, page, who

PREFIXES = (
    "agreements:",
    *api_prefixes("agreements", "grants"),
)

APPROVED = "Lung nodule malignancy prediction with deep learning"


def _agreement():
    from governance.agreements.models import Agreement

    return Agreement.objects.filter(request__title=APPROVED).order_by("-version").first()


def _grant():
    return _agreement().grants.order_by("pk").first()


SUBJECTS = {
    "agreement.researcher": (
        "the researcher's agreement in force, countersigned by the holder",
        _agreement,
    ),
    "grant.researcher": ("the researcher's active grant", _grant),
}

READERS = who("researcher", "holder", "committee", "admin")
SEEN = {"*": 404, "researcher": 403, "holder": 403, "committee": 403, "admin": 403}

PAGES = [
    page("agreements:list", SIGNED_IN),
    page("agreements:grants", SIGNED_IN),
    page("agreements:detail", READERS, subject="agreement.researcher", denied=404),
    page("agreements:pdf", READERS, subject="agreement.researcher", denied=404),
    # Both parties signed: signing again is the state's refusal (409), not the rule's.
    page(
        "agreements:sign",
        who("researcher", "holder"),
        "POST",
        subject="agreement.researcher",
        denied=SEEN,
    ),
    page("agreements:terminate", STAFF, "POST", subject="agreement.researcher", denied=SEEN),
    page(
        "agreements:amend",
        who("researcher", "holder", "admin"),
        "POST",
        subject="agreement.researcher",
        denied=SEEN,
    ),
    page("agreements:grant", READERS, subject="grant.researcher", denied=404),
    page(
        "agreements:grant_revoke",
        who("committee", "admin"),
        "POST",
        subject="grant.researcher",
        denied=SEEN,
    ),
]

API = [
    api("GET /api/v1/agreements/", SIGNED_IN),
    api("GET /api/v1/agreements/{id}/", READERS, "agreement.researcher", denied=404),
    api("GET /api/v1/agreements/{id}/pdf/", READERS, "agreement.researcher", denied=404),
    api(
        "POST /api/v1/agreements/{id}/sign/",
        who("researcher", "holder"),
        "agreement.researcher",
        denied=SEEN,
    ),
    api("POST /api/v1/agreements/{id}/terminate/", STAFF, "agreement.researcher", denied=SEEN),
    api(
        "POST /api/v1/agreements/{id}/amend/",
        who("researcher", "holder", "admin"),
        "agreement.researcher",
        denied=SEEN,
    ),
    api("GET /api/v1/grants/", SIGNED_IN),
    api("GET /api/v1/grants/{id}/", READERS, "grant.researcher", denied=404),
    api(
        "POST /api/v1/grants/{id}/revoke/",
        who("committee", "admin"),
        "grant.researcher",
        denied=SEEN,
    ),
]

ROWS = [*PAGES, *API]
