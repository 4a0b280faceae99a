"""Drafting: one agreement per data holder for the datasets a committee approved, its terms."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access.models import AccessRequest, RequestedDataset
from governance.accounts.models import User
from governance.accounts.roles import Role
from governance.agreements import documents, selectors
from governance.agreements.models import (
    Agreement,
)
from governance.audit.services import record
from governance.catalogue.duo import ResearchPurpose, UseConditions, compatibility
from governance.catalogue.models import AvailabilityStatement
from governance.catalogue.plain import describe
from governance.notifications.services import send_email

# An agreement (or an amendment) was drafted, sent inside the drafting transaction with
# `agreement`. The agreements tasks module listens and renders its PDF once the draft commits.
agreement_drafted = Signal()


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
        agreement_drafted.send(sender=Agreement, agreement=agreement)
        drafted.append(agreement)
    return drafted
