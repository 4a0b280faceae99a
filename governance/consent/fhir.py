"""Consent records as HL7 FHIR R5 Consent resources, one at a time or as a streamed Bundle.

Mapping: a given record is `status: active, decision: permit`; a withdrawn one is
`status: inactive, decision: deny` with its period ending on the withdrawal date. The subject is
referenced by identifier only (the pseudonym, in a system naming the dataset): the portal holds
no identity. The form version is the `policyBasis` (and the PDF a `sourceAttachment`); the legal
basis is `regulatoryBasis`; the permitted uses are DUO codes in `provision.purpose`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from governance.catalogue.models import DuoTerm
from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal, Scope

DUO_SYSTEM = "http://purl.obolibrary.org/obo/duo.owl"
LEGAL_BASIS_SYSTEM = "https://eucaim.example/fhir/CodeSystem/legal-basis"
CATEGORY_SYSTEM = "http://loinc.org"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _url(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _coding(term: DuoTerm) -> dict[str, str]:
    return {"system": DUO_SYSTEM, "code": term.id, "display": term.label}


def _purposes(record: ConsentRecord, modifiers: list[DuoTerm], extra: dict[str, DuoTerm]):
    codings = [_coding(record.form.duo_permission)]
    codings += [_coding(term) for term in modifiers]
    # The subject's narrower scope adds the DUO term that says so.
    wanted = {Scope.NON_COMMERCIAL.value: "NCU", Scope.OWN_DISEASE.value: "DS"}.get(record.scope)
    if wanted and wanted in extra and all(c["code"] != extra[wanted].id for c in codings):
        codings.append(_coding(extra[wanted]))
    return codings


def scope_terms() -> dict[str, DuoTerm]:
    """DUO terms the record scopes map to (NCU, DS), looked up once per export."""
    return {term.shorthand: term for term in DuoTerm.objects.filter(shorthand__in=["NCU", "DS"])}


def consent_resource(
    record: ConsentRecord,
    *,
    modifiers: list[DuoTerm] | None = None,
    extra: dict[str, DuoTerm] | None = None,
) -> dict[str, Any]:
    """The record as a FHIR R5 Consent (a dict ready for JSON)."""
    form: ConsentForm = record.form
    if modifiers is None:
        modifiers = list(form.duo_modifiers.all())
    if extra is None:
        extra = scope_terms()
    withdrawn = record.status == ConsentRecord.Status.WITHDRAWN
    period: dict[str, str] = {"start": record.given_on.isoformat()}
    if withdrawn and record.withdrawn_on:
        period["end"] = record.withdrawn_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": f"consent-record-{record.pk}",
        "meta": {"lastUpdated": _instant(record.updated_at)},
        "identifier": [{"system": _url("/consent/records"), "value": str(record.pk)}],
        "status": "inactive" if withdrawn else "active",
        "category": [
            {
                "coding": [
                    {
                        "system": CATEGORY_SYSTEM,
                        "code": "59284-0",
                        "display": "Patient Consent",
                    }
                ]
            },
            {
                "coding": [
                    {
                        "system": ACT_CODE_SYSTEM,
                        "code": "RESEARCH",
                        "display": "research information access",
                    }
                ]
            },
        ],
        "subject": {
            "identifier": {
                "system": f"{record.dataset.persistent_url}#pseudonym",
                "value": record.pseudonym,
            }
        },
        "date": record.given_on.isoformat(),
        "period": period,
        "controller": [{"display": record.dataset.custodian.name}],
        "regulatoryBasis": [
            {
                "coding": [
                    {
                        "system": LEGAL_BASIS_SYSTEM,
                        "code": form.legal_basis,
                        "display": str(form.get_legal_basis_display()),
                    }
                ]
            }
        ],
        "policyBasis": {"url": _url(reverse("consent:form", args=[form.pk]))},
        "decision": "deny" if withdrawn else "permit",
        "provision": [
            {
                "period": period,
                "purpose": _purposes(record, modifiers, extra),
                "data": [
                    {
                        "meaning": "related",
                        "reference": {
                            "identifier": {"value": record.dataset.persistent_url},
                            "display": record.dataset.title,
                        },
                    }
                ],
            }
        ],
    }
    if form.document:
        resource["sourceAttachment"] = [
            {
                "contentType": "application/pdf",
                "language": form.language,
                "url": _url(reverse("consent:form_document", args=[form.pk])),
                "title": f"{form.title} (version {form.version})",
            }
        ]
    if record.data_altruism:
        resource["provision"].append(
            {
                "period": period,
                "purpose": [
                    {
                        "system": _url("/fhir/CodeSystem/consent-purpose"),
                        "code": "data-altruism",
                        "display": "Data altruism (EU Data Governance Act)",
                    }
                ],
            }
        )
    withdrawal: ConsentWithdrawal | None = (
        getattr(record, "withdrawal", None) if withdrawn else None
    )
    if withdrawal is not None and withdrawal.scope == ConsentWithdrawal.Scope.REMOVAL:
        resource["provision"][0]["action"] = [
            {"text": "Remove the subject's data from the dataset where feasible"}
        ]
    return resource


def bundle_chunks(records, *, title: str) -> Iterator[str]:
    """A FHIR `collection` Bundle of the records, as JSON text in pieces (for streaming).

    `records` should be an iterator over a queryset (`.iterator()`), with form and dataset
    selected; each form's modifiers are read once.
    """
    modifiers_of: dict[int, list[DuoTerm]] = {}
    extra = scope_terms()
    header = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(timezone.now()),
        "meta": {"tag": [{"display": title}]},
    }
    yield json.dumps(header)[:-1] + ', "entry": ['
    first = True
    for record in records:
        if record.form_id not in modifiers_of:
            modifiers_of[record.form_id] = list(record.form.duo_modifiers.all())
        resource = consent_resource(record, modifiers=modifiers_of[record.form_id], extra=extra)
        entry = {"fullUrl": _url(f"/api/v1/consent-records/{record.pk}/fhir"), "resource": resource}
        yield ("" if first else ",") + json.dumps(entry)
        first = False
    yield "]}"


def _instant(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
