"""Consent on the dashboard: holders see their datasets and recent withdrawals; patient
organisations get the aggregated figures and the forms in use."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts.roles import Role
from governance.consent import selectors
from governance.core.content import people, sentence
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area
from governance.core.permissions import may
from governance.core.times import format_day


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    if Role.DATA_HOLDER in roles:
        items = [
            Item(
                text=dataset.title,
                people=True,
                url=reverse("consent:dataset", args=[dataset.pk]),
                note=_("%(given)s consents given, %(withdrawn)s withdrawn")
                # annotated by the selector
                % {
                    "given": getattr(dataset, "given", 0),
                    "withdrawn": getattr(dataset, "withdrawn", 0),
                },
            )
            for dataset in selectors.datasets_with_counts(person)[:10]
        ]
        items += [
            Item(
                text=_("Withdrawal of %(pseudonym)s") % {"pseudonym": withdrawal.record.pseudonym},
                url=reverse("consent:record", args=[withdrawal.record_id]),
                note=sentence(
                    _("%(dataset)s, %(date)s"),
                    dataset=people(withdrawal.record.dataset.title),
                    date=format_day(withdrawal.withdrawn_on),
                ),
            )
            for withdrawal in selectors.recent_withdrawals(person, limit=3)
        ]
        result.append(
            Section(
                title=_("Consent records"),
                role=Role.DATA_HOLDER,
                items=items,
                empty_text=_("No dataset yet."),
                links=[
                    Item(_("All consent records"), reverse("consent:overview")),
                    Item(_("Consent forms"), reverse("consent:forms")),
                ],
            )
        )
    if Role.PATIENT_ORG_REP in roles:
        result.append(
            Section(
                title=_("Consent in figures"),
                role=Role.PATIENT_ORG_REP,
                items=[
                    Item(
                        _("How many people consented and withdrew, per dataset"),
                        reverse("consent:figures"),
                        note=_("aggregated; no figure can point to a person"),
                    ),
                    Item(
                        _("The consent forms in plain language"),
                        reverse("consent:forms"),
                    ),
                ],
            )
        )
    return result


def areas(person, roles: frozenset[str]) -> list[Area]:
    # The same permissions as the consent pages: records for those who keep them, the
    # aggregated figures for patient organisations.
    if may(person, "consent.manage_records"):
        return [Area(_("Consent records"), reverse("consent:overview"), "consent")]
    if may(person, "consent.view_figures"):
        return [Area(_("Consent figures"), reverse("consent:figures"), "consent")]
    return []
