"""What waits for a person in agreements: agreements to sign or countersign, grants ending."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.accounts.roles import Role
from governance.agreements import selectors
from governance.agreements.models import Grant
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area
from governance.core.times import format_day, last_day


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    if Role.RESEARCHER in roles:
        result.append(_researcher_section(person))
    if Role.DATA_HOLDER in roles:
        result.append(_holder_section(person))
    return result


def _researcher_section(person) -> Section:
    items = [
        Item(
            text=agreement.request.title,
            people=True,
            url=reverse("agreements:detail", args=[agreement.pk]),
            note=_("data-use agreement (version %(version)s) waiting for your signature")
            % {"version": agreement.version},
        )
        for agreement in selectors.agreements_to_sign(person).select_related("request")
    ]
    items += [
        Item(
            text=grant.dataset.title,
            people=True,
            url=reverse("agreements:grant", args=[grant.pk]),
            note=_("your access ends on %(date)s") % {"date": format_day(last_day(grant.ends_at))},
        )
        for grant in selectors.grants_ending_soon(person).select_related("dataset")
    ]
    # The same selector as the grants page filtered on "Active" and "Only my own grants", which
    # the link opens: the figure and the list it leads to cannot disagree.
    active = selectors.grants_standing(
        selectors.grants_visible_to(person).filter(person=person), Grant.Standing.ACTIVE
    ).count()
    return Section(
        title=_("Your agreements and grants"),
        role=Role.RESEARCHER,
        items=items,
        empty_text=_("No agreement waits for your signature."),
        links=[
            Item(_("Your agreements"), reverse("agreements:list")),
            Item(
                ngettext("Your active grants: %(count)d", "Your active grants: %(count)d", active)
                % {"count": active},
                reverse("agreements:grants") + "?state=active&mine=on",
            ),
            Item(_("All your grants"), reverse("agreements:grants") + "?mine=on"),
        ],
    )


def _holder_section(person) -> Section:
    items = [
        Item(
            text=agreement.request.title,
            people=True,
            url=reverse("agreements:detail", args=[agreement.pk]),
            note=_("signed by %(researcher)s: waiting for your countersignature")
            % {"researcher": agreement.researcher},
        )
        for agreement in selectors.agreements_to_countersign(person).select_related(
            "request", "researcher"
        )
    ]
    return Section(
        title=_("Agreements to countersign"),
        role=Role.DATA_HOLDER,
        items=items,
        empty_text=_("No agreement waits for your countersignature."),
        links=[
            Item(_("Agreements on your datasets"), reverse("agreements:list")),
            Item(_("Grants on your datasets"), reverse("agreements:grants")),
        ],
    )


def areas(person, roles: frozenset[str]) -> list[Area]:
    if not roles & {Role.RESEARCHER, Role.DATA_HOLDER, Role.STAFF}:
        return []
    waiting = 0
    if Role.RESEARCHER in roles:
        waiting += selectors.agreements_to_sign(person).count()
    if Role.DATA_HOLDER in roles:
        waiting += selectors.agreements_to_countersign(person).count()
    return [
        Area(_("Agreements and grants"), reverse("agreements:list"), "agreements", waiting=waiting)
    ]
