"""Amendments: a new version of an agreement in force, signed like the first."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from governance.agreements import documents, rules, selectors
from governance.agreements.models import (
    Agreement,
)
from governance.agreements.services.drafting import _agreement_summary, _link, agreement_drafted
from governance.audit.services import record
from governance.core.errors import (
    InvalidTransition,
    NotPermitted,
    PortalError,
)
from governance.core.times import format_day
from governance.notifications.services import send_email


@transaction.atomic
def agreement_amend(
    *,
    agreement: Agreement,
    actor,
    ends_on: datetime.date | None = None,
    add_member: Mapping[str, str] | None = None,
) -> Agreement:
    """A new version of an agreement in force, with a later end or one more team member.

    It goes through the same signing flow; once in force it replaces this version (whose grants
    end with reason `basis_lost` and are replaced by the new version's grants).
    """
    if not rules.may_amend(actor, agreement):
        raise NotPermitted(_("Only the parties and portal staff may amend an agreement."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.state != Agreement.State.IN_FORCE:
        raise InvalidTransition(
            _("Only an agreement in force can be amended; this one is %(state)s.")
            % {"state": agreement.get_state_display().lower()}
        )
    if Agreement.objects.filter(supersedes=agreement).exists():
        raise InvalidTransition(
            _("An amendment of this version exists already: sign or read that one.")
        )
    changes = []
    terms = {**agreement.terms, "team": list(agreement.terms.get("team", []))}
    new_ends_on = agreement.ends_on
    if ends_on is not None and ends_on != agreement.ends_on:
        if ends_on < agreement.ends_on:
            raise PortalError(
                _("An amendment extends the period: choose a date after %(date)s.")
                % {"date": format_day(agreement.ends_on)}
            )
        new_ends_on = ends_on
        changes.append(
            _("Period extended from %(old)s to %(new)s.")
            % {"old": format_day(agreement.ends_on), "new": format_day(ends_on)}
        )
    if add_member:
        member = {key: (add_member.get(key) or "").strip() for key in ("name", "email", "role")}
        if not member["name"] or not member["email"]:
            raise PortalError(_("A new team member needs a name and an email address."))
        if any(m.get("email", "").lower() == member["email"].lower() for m in terms["team"]):
            raise PortalError(_("%(email)s is in the team already.") % {"email": member["email"]})
        terms["team"].append(member)
        changes.append(_("Team member added: %(name)s.") % {"name": member["name"]})
    if not changes:
        raise PortalError(_("Nothing to amend: give a later end date or a new team member."))
    template = selectors.current_template()
    if template is not None and template.version != (terms.get("template") or {}).get("version"):
        terms["template"] = {
            "version": template.version,
            "title": template.title,
            "html": documents.template_html(template.body),
        }
    terms["amendment"] = {"of_version": agreement.version, "changes": changes}
    amendment = Agreement.objects.create(
        request_id=agreement.request_id,
        holder_id=agreement.holder_id,
        researcher_id=agreement.researcher_id,
        version=agreement.version + 1,
        supersedes=agreement,
        starts_on=agreement.starts_on,
        ends_on=new_ends_on,
        template=template or agreement.template,
        terms=terms,
    )
    amendment.items.set(agreement.items.all())
    record(
        actor=actor,
        action="agreements.amended",
        obj=amendment,
        after={**_agreement_summary(amendment), "supersedes": agreement.pk, "changes": changes},
    )
    send_email(
        to=agreement.researcher.email,
        template="agreements/agreement_drafted",
        context={"agreement": amendment, "terms": terms, "link": _link(amendment)},
    )
    agreement_drafted.send(sender=Agreement, agreement=amendment)
    return amendment
