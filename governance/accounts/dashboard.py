"""One dashboard section per role the person holds; later issues fill them with real items.

Each section opens with what the role does in the portal; staff also see the erasure requests
that wait for a decision.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.accounts import selectors
from governance.accounts.roles import Role
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area
from governance.core.permissions import may
from governance.core.times import format_day

SHOWN_ERASURE_REQUESTS = 5


def _role_sections() -> list[tuple[tuple[str, ...], str, str]]:
    """(roles, title, what the role does), in the order the dashboard shows them.

    A section with several roles carries the most senior one the person holds (the last).
    """
    return [
        (
            (Role.APPLICANT,),
            _("Applicant"),
            _(
                "You draft proposals for your organisation in answer to open calls and submit "
                "them before the deadline."
            ),
        ),
        (
            (Role.EVALUATOR,),
            _("Evaluator"),
            _(
                "You review the proposals assigned to you, declare any conflict of interest and "
                "score them against the call's rubric."
            ),
        ),
        (
            (Role.CALL_CHAIR,),
            _("Call chair"),
            _(
                "You configure calls and their rubrics, assign evaluators, decide on proposals "
                "and send the decision letters."
            ),
        ),
        (
            (Role.DATA_HOLDER,),
            _("Data holder"),
            _(
                "You register datasets, publish their availability statements, keep consent "
                "records and countersign data-use agreements."
            ),
        ),
        (
            (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR),
            _("Access committee"),
            _(
                "You review access requests for the datasets your committee covers, vote and "
                "decide."
            ),
        ),
        (
            (Role.RESEARCHER,),
            _("Researcher"),
            _(
                "You request access to datasets for a stated research purpose, sign data-use "
                "agreements and use your grants through the federation's services."
            ),
        ),
        (
            (Role.PATIENT_ORG_REP,),
            _("Patient-organisation representative"),
            _(
                "You read plain-language policies, comment in public consultations and answer "
                "stakeholder surveys."
            ),
        ),
    ]


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    for held, title, explanation in _role_sections():
        present = [role for role in held if role in roles]
        if present:
            result.append(
                Section(
                    title=title,
                    role=str(present[-1]),
                    roles=tuple(str(role) for role in held),
                    intro=explanation,
                    # Dropped by core.dashboard when another section of the role lists something.
                    empty_text=_("Nothing waits for you yet."),
                )
            )
    if selectors.is_portal_staff(person):
        result.append(_staff_section())
    return result


def _staff_section() -> Section:
    pending = selectors.pending_erasure_requests()
    count = pending.count()
    items = [
        Item(
            text=_("Erasure request #%(id)d") % {"id": request.pk},
            url=reverse("accounts:erasure_request_detail", args=[request.pk]),
            note=_("received %(date)s") % {"date": format_day(request.requested_at)},
        )
        for request in pending[:SHOWN_ERASURE_REQUESTS]
    ]
    return Section(
        title=_("Staff"),
        role=Role.STAFF,
        items=items,
        roles=(str(Role.STAFF),),
        intro=_(
            "You administer organisations, roles and people's data requests, and read the audit "
            "trail."
        ),
        empty_text=_("Nothing waits for you yet."),
        links=[
            Item(
                text=ngettext(
                    "Erasure requests waiting: %(count)d",
                    "Erasure requests waiting: %(count)d",
                    count,
                )
                % {"count": count},
                url=reverse("accounts:erasure_request_list"),
            ),
            Item(text=_("Organisations"), url=reverse("accounts:organisation_list")),
            Item(text=_("People"), url=reverse("accounts:people_list")),
        ],
    )


def areas(person, roles: frozenset[str]) -> list[Area]:
    if not may(person, "audit.view_trail"):
        return []
    return [
        Area(_("Audit trail"), reverse("audit:list"), "audit"),
        Area(_("Outbox"), reverse("notifications:outbox"), "notifications"),
    ]
