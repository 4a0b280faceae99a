"""Ending agreements and grants: termination, revocation, expiry, renewal reminders."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.agreements import rules, selectors
from governance.agreements.models import (
    AGREEMENT_MACHINE,
    GRANT_MACHINE,
    Agreement,
    Grant,
)
from governance.agreements.services.drafting import _agreement_summary, _link
from governance.audit.services import record
from governance.core import events
from governance.core.errors import (
    NotPermitted,
    PortalError,
)
from governance.notifications.services import send_email


def _end_grant(grant: Grant, *, actor, reason: str, note: str = "") -> Grant:
    """Move one locked, active grant to its end state and announce it (inside the transaction)."""
    action = "expire" if reason == "expired" else "revoke"
    before = {"state": grant.state}
    grant.state = GRANT_MACHINE.target(grant.state, action)
    now = timezone.now()
    grant.ended_at = now
    grant.end_reason = reason
    fields = ["state", "ended_at", "end_reason"]
    if action == "revoke":
        grant.revoked_at = now
        grant.revoked_by = actor if actor is not None and actor.is_authenticated else None
        grant.revoked_reason = note
        fields += ["revoked_at", "revoked_by", "revoked_reason"]
    grant.save(update_fields=fields)
    record(
        actor=actor,
        action=f"agreements.grant_{'expired' if reason == 'expired' else reason}",
        obj=grant,
        before=before,
        after={"state": grant.state, "reason": reason, "note": note},
    )
    events.grant_ended.send(sender=Grant, grant=grant, reason=reason)
    return grant


def _end_agreement(
    agreement: Agreement, *, actor, action: str, reason: str, grant_reason: str
) -> Agreement:
    before = _agreement_summary(agreement)
    agreement.state = AGREEMENT_MACHINE.target(agreement.state, action)
    agreement.ended_at = timezone.now()
    agreement.ended_reason = reason
    agreement.save(update_fields=["state", "ended_at", "ended_reason"])
    record(
        actor=actor,
        action=f"agreements.{'expired' if action == 'expire' else 'terminated'}",
        obj=agreement,
        before=before,
        after={**_agreement_summary(agreement), "reason": reason},
    )
    for grant in selectors.grants_ended_with(agreement).select_for_update():
        _end_grant(grant, actor=actor, reason=grant_reason, note=reason)
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """Staff end an agreement (e.g. for a breach); its grants lose their basis at once."""
    if not rules.may_terminate(actor, agreement):
        raise NotPermitted(_("Only portal staff may terminate an agreement."))
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("Give the reason for terminating the agreement; the parties see it."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _end_agreement(
        agreement, actor=actor, action="terminate", reason=reason, grant_reason="basis_lost"
    )
    # An amendment still being signed must not bring back what was just terminated.
    for pending in selectors.amendments_ended_with(agreement).select_for_update():
        _end_agreement(
            pending,
            actor=actor,
            action="terminate",
            reason=_("Version %(version)s, which it amends, was terminated: %(reason)s")
            % {"version": agreement.version, "reason": reason},
            grant_reason="basis_lost",
        )
    send_email(
        to=selectors.parties_emails(agreement),
        template="agreements/agreement_terminated",
        context={"agreement": agreement, "terms": agreement.terms, "reason": reason},
    )
    return agreement


@transaction.atomic
def grant_revoke(*, grant: Grant, actor, reason: str) -> Grant:
    """Staff or a member of the grant's committee revoke it, with a reason the researcher reads."""
    if not rules.may_revoke(actor, grant):
        raise NotPermitted(
            _("Only portal staff and the members of the committee that decided may revoke a grant.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("Give the reason for revoking the grant; the researcher reads it."))
    grant = Grant.objects.select_for_update().select_related("dataset", "person").get(pk=grant.pk)
    _end_grant(grant, actor=actor, reason="revoked", note=reason)
    send_email(
        to=grant.person.email,
        template="agreements/grant_revoked",
        context={"grant": grant, "reason": reason},
    )
    return grant


def expire_due(*, now: datetime.datetime | None = None) -> int:
    """Agreements past their period and grants past their end become expired; how many grants.

    One short transaction per object with SKIP LOCKED, so several workers can run it at once.
    """
    now = now or timezone.now()
    count = 0
    for agreement_id in list(
        selectors.agreements_due_to_expire(timezone.localdate(now)).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            agreement = (
                Agreement.objects.select_for_update(skip_locked=True)
                .filter(pk=agreement_id, state=Agreement.State.IN_FORCE)
                .first()
            )
            if agreement is None:
                continue
            count += agreement.grants.filter(state=Grant.State.ACTIVE).count()
            _end_agreement(
                agreement,
                actor=None,
                action="expire",
                reason=_("The agreed period ended."),
                grant_reason="expired",
            )
    for grant_id in list(selectors.grants_due_to_expire(now).values_list("pk", flat=True)):
        with transaction.atomic():
            grant = (
                Grant.objects.select_for_update(skip_locked=True)
                .filter(pk=grant_id, state=Grant.State.ACTIVE)
                .first()
            )
            if grant is None:
                continue
            _end_grant(grant, actor=None, reason="expired")
            count += 1
    return count


def remind_renewals(*, now: datetime.datetime | None = None, days: int = 30) -> int:
    """Email each researcher once about grants ending within `days`; how many emails."""
    now = now or timezone.now()
    sent = 0
    due: dict[int, list[int]] = defaultdict(list)
    for grant_id, agreement_id in selectors.grants_to_remind(now, days=days).values_list(
        "pk", "agreement_id"
    ):
        due[agreement_id].append(grant_id)
    for agreement_id, grant_ids in due.items():
        with transaction.atomic():
            grants = list(
                Grant.objects.select_for_update(skip_locked=True)
                .filter(pk__in=grant_ids, renewal_reminded_at__isnull=True)
                .select_related("dataset", "person", "access_condition")
            )
            if not grants:
                continue
            Grant.objects.filter(pk__in=[g.pk for g in grants]).update(renewal_reminded_at=now)
            agreement = Agreement.objects.get(pk=agreement_id)
            send_email(
                to=grants[0].person.email,
                template="agreements/grant_renewal",
                context={"agreement": agreement, "grants": grants, "link": _link(agreement)},
            )
            record(
                actor=None,
                action="agreements.renewal_reminded",
                obj=agreement,
                after={"grants": [g.pk for g in grants]},
            )
            sent += 1
    return sent
