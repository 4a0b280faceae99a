"""Access requests and committees: the pages of `access:` and the API's access requests and
committees.

SPEC 2: a researcher drafts and submits requests and sees only their own; an access committee
member sees a submitted request that names a dataset of their committee, discusses it, votes
and decides on their committee's datasets; the coordination office (staff) sees every request
and manages the committees, but does not vote or decide for a committee. The public register
of granted access is public.
"""

from __future__ import annotations

from tests.authz.table import (
    PUBLIC,
    SIGNED_IN,
    STAFF,
    api,
    api_prefixes,
    page,
    who,
)

PREFIXES = (
    "access:",
    *api_prefixes("access-requests", "committees"),
)

PENDING = "Automated liver-metastasis detection in colorectal cancer CT"


def _request(title: str):
    from governance.access.models import AccessRequest

    return AccessRequest.objects.get(title=title)


def _pending_item():
    item = _request(PENDING).items.order_by("pk").first()
    return {"pk": item.request_id, "item_pk": item.pk}


def _committee():
    from governance.access.models import Committee
    from governance.catalogue.demo import COMMITTEE

    return Committee.objects.get(name=COMMITTEE)


def _seat():
    seat = _committee().members.get(person__email="committee@demo.example")
    return {"pk": seat.committee_id, "member_pk": seat.pk}


SUBJECTS = {
    "request.pending": (
        "the researcher's submitted request, waiting for the committee",
        lambda: _request(PENDING),
    ),
    "item.pending": ("a dataset asked for in the waiting request", _pending_item),
    "committee.repository": ("the repository's access committee", _committee),
    "seat.committee": ("the committee persona's seat on that committee", _seat),
}

READERS = who("researcher", "committee", "admin")
COMMITTEE = who("committee")
# Those who see the request but may not take this action get 403; the others 404.
SEEN = {"*": 404, "researcher": 403, "committee": 403, "admin": 403}

PAGES = [
    page("access:home", PUBLIC, anonymous="allowed"),
    page("access:requests", SIGNED_IN),
    page("access:request_new", who("researcher")),
    page("access:register", PUBLIC),
    page("access:request", READERS, subject="request.pending", denied=404),
    page(
        "access:request_edit",
        who("researcher"),
        subject="request.pending",
        denied=SEEN,
    ),
    page(
        "access:request_submit",
        who("researcher"),
        "POST",
        subject="request.pending",
        denied=SEEN,
    ),
    page(
        "access:request_withdraw",
        who("researcher"),
        "POST",
        subject="request.pending",
        denied=SEEN,
    ),
    page(
        "access:request_return",
        COMMITTEE,
        "POST",
        subject="request.pending",
        denied=SEEN,
    ),
    page(
        "access:comment_add",
        COMMITTEE,
        "POST",
        subject="request.pending",
        denied=SEEN,
    ),
    page(
        "access:conflict_declare",
        COMMITTEE,
        "POST",
        subject="request.pending",
        denied=SEEN,
    ),
    # The waiting request carries no ethics file: 404 for everyone, its readers too.
    page("access:ethics_file", (), subject="request.pending", denied=404),
    page(
        "access:item_vote",
        COMMITTEE,
        "POST",
        subject="item.pending",
        denied=SEEN,
    ),
    page(
        "access:item_decide",
        COMMITTEE,
        "POST",
        subject="item.pending",
        denied=SEEN,
    ),
    page("access:committees", who("committee", "admin")),
    page("access:committee_new", STAFF),
    # A committee is invisible to whoever neither sits on it nor manages committees.
    page("access:committee", who("committee", "admin"), subject="committee.repository", denied=404),
    page("access:committee_edit", STAFF, subject="committee.repository"),
    page("access:member_add", STAFF, "POST", subject="committee.repository"),
    page("access:member_remove", STAFF, "POST", subject="seat.committee"),
]

API = [
    api("GET /api/v1/access-requests/", SIGNED_IN),
    api("POST /api/v1/access-requests/", who("researcher")),
    api("GET /api/v1/access-requests/{id}/", READERS, "request.pending", denied=404),
    api(
        "PUT /api/v1/access-requests/{id}/",
        who("researcher"),
        "request.pending",
        denied=SEEN,
    ),
    api("PATCH /api/v1/access-requests/{id}/", who("researcher"), "request.pending", denied=SEEN),
    api(
        "POST /api/v1/access-requests/{id}/submit/",
        who("researcher"),
        "request.pending",
        denied=SEEN,
    ),
    api(
        "POST /api/v1/access-requests/{id}/withdraw/",
        who("researcher"),
        "request.pending",
        denied=SEEN,
    ),
    api("POST /api/v1/access-requests/{id}/return/", COMMITTEE, "request.pending", denied=SEEN),
    api(
        "POST /api/v1/access-requests/{id}/vote/",
        COMMITTEE,
        "request.pending",
        denied=SEEN,
    ),
    api(
        "POST /api/v1/access-requests/{id}/decide/",
        COMMITTEE,
        "request.pending",
        denied=SEEN,
    ),
    api("GET /api/v1/access-requests/{id}/comments/", READERS, "request.pending", denied=404),
    api(
        "POST /api/v1/access-requests/{id}/comments/",
        COMMITTEE,
        "request.pending",
        denied=SEEN,
    ),
    api(
        "GET /api/v1/access-requests/{id}/compatibility/",
        READERS,
        "request.pending",
        denied=404,
    ),
    api("GET /api/v1/access-requests/{id}/", (), "missing", denied=404),
    # The list holds the committees one sits on (none for most): the page says 403 instead.
    api("GET /api/v1/committees/", SIGNED_IN),
    api(
        "GET /api/v1/committees/{id}/",
        who("committee", "admin"),
        "committee.repository",
        denied=404,
    ),
]

ROWS = [*PAGES, *API]
