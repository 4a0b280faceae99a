"""The scale data's agreements, signatures and grants (see core.scale)."""

from __future__ import annotations

import datetime

from governance.agreements.models import (
    AGREEMENT_MACHINE,
    GRANT_MACHINE,
    Agreement,
    AgreementSignature,
    Grant,
)
from governance.core.scale import Batch, unknown_states

PER_SCALE = {
    "agreements": 30,  # one per approved request
    "grants": 40,  # one per requested dataset of an agreement in force
}
# Three approved requests in a row: their agreements' states.
STATES = ("in_force", "in_force", "signed_by_researcher")


def build(batch: Batch) -> None:
    now, objects = batch.now, batch.objects
    holder_person = {
        org.pk: person
        for org, person in zip(objects["holders"], objects["holder_people"], strict=True)
    }
    items_of: dict[int, list] = {}
    for item in objects["items"]:
        items_of.setdefault(item.request.pk, []).append(item)
    agreements = []
    for i, request in enumerate(objects["approved_requests"]):
        state = STATES[i % len(STATES)]
        agreements.append(
            Agreement(
                request=request,
                holder=items_of[request.pk][0].dataset.custodian,
                researcher=request.researcher,
                state=state,
                starts_on=request.starts_on,
                ends_on=request.ends_on,
                in_force_at=now - datetime.timedelta(days=10) if state == "in_force" else None,
                terms={"purpose": "HMB"},
                document=f"agreements/scale-{batch.tag}-{i}.pdf",  # a name only: never read
            )
        )
    Agreement.objects.bulk_create(agreements, batch_size=1000)
    signatures, grants = [], []
    for agreement in agreements:
        signers = [("researcher", agreement.researcher)]
        if agreement.state == "in_force":
            signers.append(("holder", holder_person[agreement.holder.pk]))
        for role, signer in signers:
            signatures.append(
                AgreementSignature(
                    agreement=agreement,
                    signer=signer,
                    role=role,
                    signed_at=now - datetime.timedelta(days=11),
                    method="password",
                    document=agreement.document,
                    document_sha256="0" * 64,
                )
            )
        if agreement.state != "in_force":
            continue
        batch.audited(
            actor_id=holder_person[agreement.holder.pk].pk,
            action="agreements.in_force",
            obj=agreement,
            after={"state": "in_force"},
        )
        for item in items_of[agreement.request.pk]:
            grants.append(
                Grant(
                    agreement=agreement,
                    person=agreement.researcher,
                    dataset=item.dataset,
                    access_condition_id=item.access_condition_id,
                    committee=item.committee,
                    state="active",
                    starts_at=now - datetime.timedelta(days=10),
                    ends_at=now + datetime.timedelta(days=700),
                )
            )
    AgreementSignature.objects.bulk_create(signatures, batch_size=2000)
    Grant.objects.bulk_create(grants, batch_size=2000)
    batch.counts["agreements"] = len(agreements)
    batch.counts["grants"] = len(grants)


def problems() -> list[str]:
    found = unknown_states(AGREEMENT_MACHINE, Agreement) + unknown_states(GRANT_MACHINE, Grant)
    if Agreement.objects.filter(state="in_force").exclude(signatures__role="holder").exists():
        found.append("an agreement in force lacks the holder's signature")
    if Grant.objects.exclude(agreement__state__in=["in_force", "expired", "terminated"]).exists():
        found.append("a grant belongs to an agreement that never came into force")
    if Agreement.objects.exclude(request__state="approved").exists():
        found.append("an agreement belongs to a request that was not approved")
    return found
