"""A person's agreements, signatures and grants, for export. Signed agreements are records the
law requires to keep: erasure leaves them, pointing at the pseudonymised person."""

from __future__ import annotations

from typing import Any

from governance.agreements.models import Agreement, AgreementSignature, Grant


def export(person) -> dict[str, Any]:
    return {
        "agreements": [
            {
                "id": agreement.pk,
                "version": agreement.version,
                "state": agreement.state,
                "holder": agreement.holder.name,
                "project": agreement.request.title,
                "starts_on": agreement.starts_on,
                "ends_on": agreement.ends_on,
                "document_sha256": agreement.document_sha256,
            }
            for agreement in Agreement.objects.filter(researcher=person).select_related(
                "holder", "request"
            )
        ],
        "signatures": [
            {
                "agreement": signature.agreement_id,
                "role": signature.role,
                "signed_at": signature.signed_at,
                "ip": signature.ip,
                "document_sha256": signature.document_sha256,
            }
            for signature in AgreementSignature.objects.filter(signer=person)
        ],
        "grants": [
            {
                "id": grant.pk,
                "dataset": grant.dataset.persistent_url,
                "access_condition": grant.access_condition_id,
                "state": grant.state,
                "starts_at": grant.starts_at,
                "ends_at": grant.ends_at,
                "end_reason": grant.end_reason,
            }
            for grant in Grant.objects.filter(person=person).select_related("dataset")
        ],
    }


def erase(person) -> None:
    # Agreements and their signatures are legal records; the IP addresses of signatures are
    # kept with them as evidence of the signature. Nothing else here is about the person.
    return None
