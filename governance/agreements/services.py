"""Writes for data-use agreements and grants (SPEC section 4 "Agreement", "Grant").

Each service runs in one transaction, locks what it changes, moves state only through
AGREEMENT_MACHINE / GRANT_MACHINE and appends an audit event in the same transaction. A grant
that stops being usable is announced with `grant_ended` inside that transaction, so the token
service's receivers commit or roll back with it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access.models import AccessRequest, RequestedDataset
from governance.accounts.models import User
from governance.accounts.roles import Role
from governance.accounts.selectors import has_totp
from governance.agreements import documents, rules, selectors
from governance.agreements.models import (
    AGREEMENT_MACHINE,
    GRANT_MACHINE,
    Agreement,
    AgreementSignature,
    Grant,
)
from governance.audit.services import record
from governance.catalogue.duo import ResearchPurpose, UseConditions, compatibility
from governance.catalogue.models import AvailabilityStatement
from governance.catalogue.plain import describe
from governance.core import events
from governance.core.errors import (
    ConcurrentChange,
    Invalid,
    InvalidTransition,
    NotPermitted,
    PortalError,
)
from governance.core.times import format_day
from governance.notifications.services import send_email


class WrongCredentials(PortalError):
    """Re-authentication before signing failed; nothing was recorded."""

    code = "wrong_credentials"


# Drafting


def _modifier_parameters(modifier) -> dict[str, str]:
    return {
        "months": str(modifier.months) if modifier.months else "",
        "date": modifier.until_date.isoformat() if modifier.until_date else "",
        "area": modifier.area,
        "detail": modifier.detail,
    }


def _dataset_terms(request: AccessRequest, item: RequestedDataset) -> dict[str, Any]:
    dataset = item.dataset
    statement: AvailabilityStatement | None = dataset.current_statement
    conditions: list[str] = []
    obligations: list[str] = []
    if statement is not None:
        conditions = describe(statement).sentences
        if statement.duo_permission_id:
            result = compatibility(
                ResearchPurpose(
                    permission=request.purpose_id,
                    disease=request.disease_id or "",
                    commercial=request.commercial,
                    for_profit=request.for_profit,
                ),
                UseConditions(
                    permission=statement.duo_permission_id,
                    disease=statement.disease_id or "",
                    modifiers={
                        modifier.duo_term_id: _modifier_parameters(modifier)
                        for modifier in statement.modifiers.all()
                    },
                ),
            )
            obligations = [str(obligation) for obligation in result.obligations]
    return {
        "item": item.pk,
        "dataset": dataset.pk,
        "title": dataset.title,
        "persistent_url": dataset.persistent_url,
        "access_condition": item.access_condition.label,
        "access_condition_code": item.access_condition_id,
        "statement_version": statement.version if statement else None,
        "committee": item.committee.name if item.committee else "",
        "conditions": conditions,
        "obligations": obligations,
    }


def _signatories(holder_id: int) -> list[str]:
    people = User.objects.filter(
        memberships__organisation_id=holder_id,
        memberships__role=Role.DATA_HOLDER,
        erased_at__isnull=True,
    ).order_by("full_name", "email")
    return [str(person) for person in people]


def _terms(request: AccessRequest, holder, items: Sequence[RequestedDataset], template) -> dict:
    researcher = request.researcher
    purpose_code = request.purpose.shorthand or request.purpose_id
    return {
        "template": {
            "version": template.version if template else None,
            "title": template.title if template else _("Data-use agreement"),
            "html": documents.template_html(template.body) if template else "",
        },
        "researcher": {"name": str(researcher), "email": researcher.email},
        "researcher_organisation": {
            "name": request.organisation.name,
            "country": str(request.organisation.country.name),  # type: ignore[attr-defined]
        },
        "holder": {"name": holder.name, "country": str(holder.country.name)},  # type: ignore[attr-defined]
        "signatories": _signatories(holder.pk),
        "project": {
            "title": request.title,
            "lay_summary": request.lay_summary,
            "purpose": f"{request.purpose.label} ({purpose_code})",
            "disease": request.disease.label if request.disease else "",
            "commercial": request.commercial,
            "for_profit": request.for_profit,
        },
        "team": [dict(member) for member in request.team or []],
        "datasets": [_dataset_terms(request, item) for item in items],
        "amendment": None,
    }


def _period(request: AccessRequest) -> tuple[datetime.date, datetime.date]:
    starts_on = max(request.starts_on, timezone.localdate())
    return starts_on, max(request.ends_on, starts_on)


def _agreement_summary(agreement: Agreement) -> dict[str, Any]:
    return {
        "state": agreement.state,
        "version": agreement.version,
        "request": agreement.request_id,
        "holder": agreement.holder_id,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "document_sha256": agreement.document_sha256,
    }


def _link(agreement: Agreement) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.PORTAL_BASE_URL + reverse("agreements:detail", args=[agreement.pk])


def _signatory_emails(holder_id: int) -> list[str]:
    return selectors.signatory_emails(holder_id)


@transaction.atomic
def agreement_draft_for(
    *, request: AccessRequest, items: Iterable[RequestedDataset], actor=None
) -> list[Agreement]:
    """Draft one agreement per data holder for approved items not yet under an agreement.

    Called by the receiver of `access_items_approved`; running it again for the same items
    changes nothing. Items of a holder whose agreement is still a draft join that draft.
    """
    request = (
        AccessRequest.objects.select_related("researcher", "organisation", "purpose", "disease")
        .select_for_update(of=("self",))
        .get(pk=request.pk)
    )
    item_ids = [item.pk for item in items]
    fresh = list(
        RequestedDataset.objects.filter(
            pk__in=item_ids, request=request, outcome=RequestedDataset.Outcome.APPROVED
        )
        .exclude(agreements__state__in=[s for s in Agreement.State.values if s != "terminated"])
        .select_related(
            "dataset__custodian",
            "dataset__current_statement__duo_permission",
            "dataset__current_statement__disease",
            "access_condition",
            "committee",
        )
        .order_by("pk")
    )
    by_holder: dict[int, list[RequestedDataset]] = defaultdict(list)
    for item in fresh:
        by_holder[item.dataset.custodian_id].append(item)
    template = selectors.current_template()
    drafted = []
    for holder_id, holder_items in by_holder.items():
        holder = holder_items[0].dataset.custodian
        agreement = (
            Agreement.objects.select_for_update()
            .filter(
                request=request,
                holder_id=holder_id,
                state=Agreement.State.DRAFTED,
                supersedes__isnull=True,
            )
            .first()
        )
        created = agreement is None
        if agreement is None:
            starts_on, ends_on = _period(request)
            agreement = Agreement.objects.create(
                request=request,
                holder=holder,
                researcher=request.researcher,
                starts_on=starts_on,
                ends_on=ends_on,
                template=template,
            )
        agreement.items.add(*holder_items)
        all_items = list(
            agreement.items.select_related(
                "dataset__current_statement", "access_condition", "committee"
            ).order_by("pk")
        )
        agreement.terms = _terms(request, holder, all_items, agreement.template)
        agreement.document = ""
        agreement.document_sha256 = ""
        agreement.save(update_fields=["terms", "document", "document_sha256"])
        record(
            actor=actor,
            action="agreements.drafted" if created else "agreements.redrafted",
            obj=agreement,
            after={**_agreement_summary(agreement), "items": [i.pk for i in all_items]},
        )
        send_email(
            to=request.researcher.email,
            template="agreements/agreement_drafted",
            context={"agreement": agreement, "terms": agreement.terms, "link": _link(agreement)},
        )
        _render_later(agreement)
        drafted.append(agreement)
    return drafted


def _render_later(agreement: Agreement) -> None:
    from governance.agreements.tasks import render_document

    agreement_id = agreement.pk
    transaction.on_commit(lambda: render_document.delay(agreement_id))


# Documents


def _signatures(agreement: Agreement) -> list[AgreementSignature]:
    return list(agreement.signatures.select_related("signer").order_by("signed_at"))


def _store_document(agreement: Agreement, pdf: bytes) -> None:
    digest = documents.sha256(pdf)
    name = f"dua-{agreement.pk}-v{agreement.version}-{agreement.state}-{digest[:12]}.pdf"
    agreement.document.save(name, ContentFile(pdf), save=False)
    agreement.document_sha256 = digest
    agreement.save(update_fields=["document", "document_sha256"])


@transaction.atomic
def agreement_document(*, agreement: Agreement) -> bytes:
    """The agreement's current PDF, rendered and stored on first use; its hash is stored too."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not agreement.document:
        _store_document(agreement, documents.render_pdf(agreement, _signatures(agreement)))
    with agreement.document.open("rb") as stored:
        return stored.read()


# Signing


def _reauthenticate(actor, *, password: str, code: str) -> str:
    """Check the password (or TOTP code) again; the method used, or WrongCredentials."""
    if not password and not code:
        raise Invalid(
            {"password": _("Enter your password (or an authenticator code) to sign.")}  # nosec B105 # a message about the password field
        )
    if code:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        authenticator = Authenticator.objects.filter(
            user=actor, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise WrongCredentials(
                _("You have no authenticator app set up: sign with your password instead.")
            )
        if not TOTP(authenticator).validate_code(code.strip()):
            raise WrongCredentials(
                _(
                    "That code is not correct (or was used already). Enter the current code "
                    "from your authenticator app; nothing was signed."
                )
            )
        return "totp"
    if not password or not actor.check_password(password):
        hint = _(" or a code from your authenticator app") if has_totp(actor) else ""
        raise WrongCredentials(
            _(
                "The password is not correct. Enter your portal password%(hint)s to sign; "
                "nothing was signed."
            )
            % {"hint": hint}
        )
    return "password"


def _signing_role(agreement: Agreement, actor) -> str:
    """Which signature the actor would give now, or the error saying why they cannot."""
    is_researcher = rules.is_researcher_of(actor, agreement)
    is_signatory = rules.is_signatory_of(actor, agreement)
    if not (is_researcher or is_signatory):
        raise NotPermitted(
            _(
                "Only the researcher and the data holder's signatories sign this agreement. "
                "You can read it but not sign it."
            )
        )
    state = agreement.state
    if state == Agreement.State.DRAFTED:
        if is_researcher:
            return AgreementSignature.Role.RESEARCHER
        raise InvalidTransition(
            _("The researcher signs first; you can countersign once they have signed.")
        )
    if state == Agreement.State.SIGNED_BY_RESEARCHER:
        if is_signatory:
            return AgreementSignature.Role.HOLDER
        raise InvalidTransition(
            _("You have signed already; the data holder's signatory countersigns next.")
        )
    AGREEMENT_MACHINE.target(state, "sign")  # raises: explains that the state is final
    raise InvalidTransition(_("This agreement cannot be signed."))  # pragma: no cover


def can_sign(person, agreement: Agreement) -> bool:
    try:
        _signing_role(agreement, person)
    except PortalError:
        return False
    return True


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    actor,
    password: str = "",
    code: str = "",
    ip: str | None = None,
    expected_sha256: str = "",
) -> Agreement:
    """The researcher signs, then the holder's signatory countersigns, each re-authenticating.

    The signature records the SHA-256 of the exact PDF the signer had (`expected_sha256`, if
    given, must still be the current one). Countersigning puts the agreement in force: the final
    PDF is stored, grants are created, and an amendment replaces the version it supersedes.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    role = _signing_role(agreement, actor)
    method = _reauthenticate(actor, password=password, code=code)
    if not agreement.document:
        _store_document(agreement, documents.render_pdf(agreement, _signatures(agreement)))
    if expected_sha256 and expected_sha256 != agreement.document_sha256:
        raise ConcurrentChange(
            _("The document changed since you opened it. Read the current version and sign again.")
        )
    before = _agreement_summary(agreement)
    now = timezone.now()
    signature = AgreementSignature.objects.create(
        agreement=agreement,
        signer=actor,
        role=role,
        signed_at=now,
        ip=ip or None,
        method=method,
        document=agreement.document.name,
        document_sha256=agreement.document_sha256,
    )
    action = "sign" if role == AgreementSignature.Role.RESEARCHER else "countersign"
    agreement.state = AGREEMENT_MACHINE.target(agreement.state, action)
    if agreement.state == Agreement.State.IN_FORCE:
        agreement.in_force_at = now
    agreement.save(update_fields=["state", "in_force_at"])
    _store_document(agreement, documents.render_pdf(agreement, _signatures(agreement)))
    record(
        actor=actor,
        action=f"agreements.{'signed' if action == 'sign' else 'countersigned'}",
        obj=agreement,
        before=before,
        after={
            **_agreement_summary(agreement),
            "signed_document_sha256": signature.document_sha256,
            "method": method,
        },
    )
    if agreement.state == Agreement.State.SIGNED_BY_RESEARCHER:
        recipients = _signatory_emails(agreement.holder_id)
        if recipients:
            send_email(
                to=recipients,
                template="agreements/agreement_to_countersign",
                context={
                    "agreement": agreement,
                    "terms": agreement.terms,
                    "link": _link(agreement),
                },
            )
    else:
        _come_into_force(agreement, actor=actor, now=now)
    return agreement


def _come_into_force(agreement: Agreement, *, actor, now: datetime.datetime) -> None:
    previous = agreement.supersedes
    if previous is not None:
        previous = Agreement.objects.select_for_update().get(pk=previous.pk)
        if previous.state in AGREEMENT_MACHINE.transitions["terminate"].sources:
            _end_agreement(
                previous,
                actor=actor,
                action="terminate",
                reason=_("Replaced by version %(version)s.") % {"version": agreement.version},
                grant_reason="basis_lost",
            )
    grants = _create_grants(agreement, now=now)
    record(
        actor=actor,
        action="agreements.in_force",
        obj=agreement,
        after={"grants": [grant.pk for grant in grants], "supersedes": agreement.supersedes_id},
    )
    events.agreement_in_force.send(sender=Agreement, agreement=agreement)
    send_email(
        to=[agreement.researcher.email, *_signatory_emails(agreement.holder_id)],
        template="agreements/agreement_in_force",
        context={
            "agreement": agreement,
            "terms": agreement.terms,
            "grants": grants,
            "link": _link(agreement),
        },
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _create_grants(agreement: Agreement, *, now: datetime.datetime) -> list[Grant]:
    starts_at = max(_start_of(agreement.starts_on), now)
    ends_at = _start_of(agreement.ends_on + datetime.timedelta(days=1))  # end of ends_on
    grants = []
    for item in agreement.items.select_related("dataset", "access_condition").order_by("pk"):
        grants.append(
            Grant.objects.create(
                agreement=agreement,
                person=agreement.researcher,
                dataset=item.dataset,
                access_condition=item.access_condition,
                committee_id=item.committee_id,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    return grants


# Ending agreements and grants


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


# Amendments


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
    _render_later(amendment)
    return amendment
