"""Demo agreements (SPEC section 6): the researcher's approved request has its data-use agreement
signed by the researcher and countersigned by the holder, so the researcher has one agreement in
force and one active grant. Found by request, so a second run changes nothing.

Uses from the context: `access_request.approved`, `person.researcher`, `person.holder`.
Puts `agreement.researcher` and `grant.researcher`.
"""

from __future__ import annotations

from governance.access.models import RequestedDataset
from governance.agreements import services
from governance.agreements.models import Agreement, Grant
from governance.core.demo import DEMO_PASSWORD, DemoContext


def seed(context: DemoContext) -> None:
    if "access_request.approved" not in context:
        context.notes.append(
            "Agreements: no approved access request in the demo data, so no agreement was made."
        )
        return
    request = context["access_request.approved"]
    agreement = _live_agreement(request)
    if agreement is None:
        items = request.items.filter(outcome=RequestedDataset.Outcome.APPROVED)
        services.agreement_draft_for(request=request, items=list(items))
        agreement = _live_agreement(request)
        if agreement is None:
            context.notes.append("Agreements: the approved request has no approved dataset.")
            return
    context.tally("data-use agreements", agreement.state == Agreement.State.DRAFTED)
    if agreement.state == Agreement.State.DRAFTED:
        agreement = services.agreement_sign(
            agreement=agreement, actor=context["person.researcher"], password=DEMO_PASSWORD
        )
    if agreement.state == Agreement.State.SIGNED_BY_RESEARCHER:
        agreement = services.agreement_sign(
            agreement=agreement, actor=context["person.holder"], password=DEMO_PASSWORD
        )
    context["agreement.researcher"] = agreement
    grant = agreement.grants.filter(state=Grant.State.ACTIVE).order_by("pk").first()
    if grant is not None:
        context["grant.researcher"] = grant


def _live_agreement(request) -> Agreement | None:
    return (
        Agreement.objects.filter(request=request)
        .exclude(state=Agreement.State.TERMINATED)
        .order_by("-version")
        .first()
    )
