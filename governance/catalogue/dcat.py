"""A dataset and its published statement as JSON-LD aligned with DCAT-AP and HealthDCAT-AP.

The context is inline so that no consumer needs to fetch anything to read it. Data-use
conditions are given three ways: the federation's DCAT-AP condition IRIs and DUO IRIs in
`dct:rights`, and an ODRL policy whose constraints and duties carry the DUO IRIs and parameters.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from governance.catalogue.models import AvailabilityStatement, Dataset, DataUseCondition

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "healthdcatap": "http://healthdataportal.eu/ns/health#",
}
ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHTS_CODES = {"public": "PUBLIC", "restricted": "RESTRICTED", "non_public": "NON_PUBLIC"}
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
OBLIGATIONS = frozenset({"IRB", "PUB", "COL", "RTN", "MOR"})


def duo_iri(term_id: str) -> str:
    """`DUO:0000007` -> its OBO IRI (built from the id, which upstream never misspells)."""
    return "http://purl.obolibrary.org/obo/" + term_id.replace(":", "_")


def organisation_iri(organisation, base: str) -> str:
    return organisation.website or f"{base}/api/v1/organisations/{organisation.pk}/"


def _iri(value: str) -> dict[str, str]:
    return {"@id": value}


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "en"}


def _typed(value: Any, datatype: str) -> dict[str, Any]:
    return {"@value": str(value), "@type": datatype}


def dataset_jsonld(dataset: Dataset, statement: AvailabilityStatement) -> dict[str, Any]:
    base = settings.PORTAL_BASE_URL
    landing = base + reverse("catalogue:dataset", args=[dataset.pk])
    custodian = dataset.custodian
    conditions = list(statement.access_conditions.all())
    modifiers = list(statement.modifiers.all())
    duo_ids = [
        term_id
        for term_id in [statement.duo_permission_id, *(m.duo_term_id for m in modifiers)]
        if term_id
    ]
    use_conditions = dict(
        DataUseCondition.objects.filter(duo_term_id__in=duo_ids).values_list("duo_term_id", "iri")
    )
    rights = [_iri(condition.iri) for condition in conditions]
    rights += [_iri(use_conditions[term_id]) for term_id in duo_ids if term_id in use_conditions]
    rights += [_iri(duo_iri(term_id)) for term_id in duo_ids]

    country: Any = custodian.country  # a django-countries Country
    publisher: dict[str, Any] = {
        "@id": organisation_iri(custodian, base),
        "@type": "foaf:Organization",
        "foaf:name": custodian.name,
        "dct:spatial": _iri(COUNTRY + (country.alpha3 or "")),
    }
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": dataset.persistent_url,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.persistent_url,
        "dct:title": _text(dataset.title),
        "dct:description": _text(dataset.description),
        "dcat:landingPage": _iri(landing),
        "dct:publisher": publisher,
        "dct:accessRights": _iri(ACCESS_RIGHTS + ACCESS_RIGHTS_CODES[statement.access_rights]),
        "dct:rights": rights,
        "dct:issued": _typed(statement.published_at.isoformat(), "xsd:dateTime")
        if statement.published_at
        else None,
        "dct:modified": _typed(dataset.updated_at.isoformat(), "xsd:dateTime"),
        "dcat:version": str(statement.version),
        "dct:provenance": _text(str(dataset.get_source_display())),
        "healthdcatap:numberOfUniqueIndividuals": _typed(
            dataset.subject_count, "xsd:nonNegativeInteger"
        ),
        "healthdcatap:numberOfRecords": _typed(dataset.study_count, "xsd:nonNegativeInteger"),
        "dcat:keyword": [_text(item.label) for item in dataset.cancer_types.all()]
        + [_text(item.label) for item in dataset.modalities.all()],
        "dct:subject": [
            {
                "@type": "skos:Concept",
                "skos:notation": item.code,
                "skos:prefLabel": _text(item.label),
            }
            for item in dataset.cancer_types.all()
        ],
        "dcat:theme": [_iri(item.iri) for item in dataset.modalities.all() if item.iri],
        "dct:relation": [_iri(link) for link in dataset.biobank_links],
        "odrl:hasPolicy": _policy(dataset, statement, modifiers, base),
    }
    if statement.licence_url or statement.licence_name:
        licence: dict[str, Any] = {"@type": "dct:LicenseDocument"}
        if statement.licence_url:
            licence["@id"] = statement.licence_url
        if statement.licence_name:
            licence["dct:title"] = statement.licence_name
        document["dct:license"] = licence
    if statement.access_committee_name or statement.contact_email:
        contact: dict[str, Any] = {"@type": "vcard:Kind"}
        if statement.access_committee_name:
            contact["vcard:fn"] = statement.access_committee_name
        if statement.contact_email:
            contact["vcard:hasEmail"] = _iri("mailto:" + statement.contact_email)
        document["dcat:contactPoint"] = contact
    return {key: value for key, value in document.items() if value not in (None, [])}


def _policy(dataset, statement, modifiers, base: str) -> dict[str, Any]:
    constraints: list[dict[str, Any]] = []
    duties: list[dict[str, Any]] = []
    if statement.duo_permission_id:
        constraints.append(
            {
                "odrl:leftOperand": _iri("odrl:purpose"),
                "odrl:operator": _iri("odrl:isA"),
                "odrl:rightOperand": _iri(duo_iri(statement.duo_permission_id)),
            }
        )
    if statement.disease_id:
        constraints.append(
            {
                "odrl:leftOperand": _iri("odrl:purpose"),
                "odrl:operator": _iri("odrl:isPartOf"),
                "odrl:rightOperand": _text(statement.disease.label),
            }
        )
    for modifier in modifiers:
        shorthand = modifier.duo_term.shorthand
        if shorthand in OBLIGATIONS:
            duty: dict[str, Any] = {
                "@type": "odrl:Duty",
                "odrl:action": _iri(duo_iri(modifier.duo_term_id)),
            }
            if modifier.until_date:
                duty["odrl:constraint"] = {
                    "odrl:leftOperand": _iri("odrl:dateTime"),
                    "odrl:operator": _iri("odrl:gteq"),
                    "odrl:rightOperand": _typed(modifier.until_date.isoformat(), "xsd:date"),
                }
            duties.append(duty)
            continue
        constraint: dict[str, Any] = {
            "odrl:leftOperand": _iri("odrl:purpose"),
            "odrl:operator": _iri("odrl:eq"),
            "odrl:rightOperand": _iri(duo_iri(modifier.duo_term_id)),
        }
        constraints.append(constraint)
        if modifier.months:
            constraints.append(
                {
                    "odrl:leftOperand": _iri("odrl:elapsedTime"),
                    "odrl:operator": _iri("odrl:lteq"),
                    "odrl:rightOperand": _typed(f"P{modifier.months}M", "xsd:duration"),
                }
            )
        if modifier.area:
            constraints.append(
                {
                    "odrl:leftOperand": _iri("odrl:spatial"),
                    "odrl:operator": _iri("odrl:eq"),
                    "odrl:rightOperand": _text(modifier.area),
                }
            )
    permission: dict[str, Any] = {
        "@type": "odrl:Permission",
        "odrl:target": _iri(dataset.persistent_url),
        "odrl:action": _iri("odrl:use"),
        "odrl:assigner": _iri(organisation_iri(dataset.custodian, base)),
    }
    if constraints:
        permission["odrl:constraint"] = constraints
    if duties:
        permission["odrl:duty"] = duties
    return {
        "@id": base + reverse("catalogue:statement", args=[statement.pk]) + "#policy",
        "@type": "odrl:Offer",
        "odrl:permission": permission,
    }
