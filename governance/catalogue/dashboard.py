"""What waits for a data holder in the catalogue: statements to write or to publish."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts.roles import Role
from governance.catalogue import selectors
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area


def sections(person, roles: frozenset[str]) -> list[Section]:
    if Role.DATA_HOLDER not in roles:
        return []
    items = []
    for dataset in selectors.datasets_with_drafts(person):
        draft_id = getattr(dataset, "draft_id", None)  # annotated by the selector
        if draft_id:
            items.append(
                Item(
                    text=dataset.title,
                    people=True,
                    url=reverse("catalogue:statement_edit", args=[draft_id]),
                    note=_("draft statement waiting to be published"),
                )
            )
        else:
            items.append(
                Item(
                    text=dataset.title,
                    people=True,
                    url=reverse("catalogue:dataset", args=[dataset.pk]),
                    note=_("no availability statement yet: not in the public catalogue"),
                )
            )
    return [
        Section(
            title=_("Your datasets"),
            role=Role.DATA_HOLDER,
            items=items,
            empty_text=_("Every dataset of yours has a published statement."),
            links=[
                Item(_("All your datasets"), reverse("catalogue:mine")),
                Item(_("Register a dataset"), reverse("catalogue:dataset_create")),
            ],
        )
    ]


# The holder's own pages; a dataset's page belongs to the public catalogue.
HOLDER_PAGES = (
    "mine",
    "dataset_create",
    "dataset_edit",
    "statement_new",
    "statement_edit",
    "statement_publish",
)


def areas(person, roles: frozenset[str]) -> list[Area]:
    if Role.DATA_HOLDER not in roles:
        return []
    return [
        Area(
            _("Your datasets"),
            reverse("catalogue:mine"),
            "catalogue",
            waiting=selectors.datasets_with_drafts(person).count(),
            url_names=HOLDER_PAGES,
        )
    ]
