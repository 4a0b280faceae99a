"""Demo catalogue (SPEC section 6): the holder's repository offers datasets across modalities and
cancer types, each with a published statement; one is proprietary and federated only, one is
disease-specific (breast cancer) and non-commercial. Five more holders in five countries offer 24
datasets, registered for them by the coordination office (`demo_federation`). Datasets are found
by persistent URL, so a second run changes nothing.

Uses from the context: `org.repository`, `person.holder`, `person.admin`. Puts `dataset.<slug>`
for each of the repository's datasets, and `org.<short name>` for each other holder.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from governance.accounts.models import Organisation
from governance.catalogue import services
from governance.catalogue.demo_federation import FEDERATION, Holder, Offer
from governance.catalogue.duo import DuoVocabulary
from governance.catalogue.models import (
    AccessCondition,
    BodyPart,
    CancerType,
    Dataset,
    DuoTerm,
    Modality,
)
from governance.core.demo import DemoContext

COMMITTEE = "MOIR Data Access Committee"
CONTACT = "dac@moir.example"


@dataclass(frozen=True)
class DemoDataset:
    slug: str
    dataset: dict[str, Any]
    statement: dict[str, Any]
    modifiers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    draft_next_version: bool = False


DATASETS = [
    DemoDataset(
        "breast",
        {
            "title": "Breast cancer screening and staging: MRI, mammography and ultrasound",
            "description": (
                "Women referred from screening with suspected breast cancer, 2015-2022: "
                "mammography, breast ultrasound and dynamic contrast-enhanced MRI, with "
                "histology-confirmed outcomes and radiation-dose reports for mammography."
            ),
            "cancer_types": ["breast"],
            "modalities": ["MG", "US", "MR"],
            "body_parts": ["BREAST"],
            "subject_count": 2140,
            "study_count": 6385,
            "source": Dataset.Source.REAL_WORLD,
            "hosting": Dataset.Hosting.CENTRAL,
            "has_radiation_reports": True,
            "quality_score": "87.50",
            "quality_method": "MOIR imaging-quality checklist v2, applied by two radiographers.",
            "biobank_links": ["https://biobank.moir.example/collections/breast-histology"],
        },
        {
            "access_rights": "restricted",
            "access_conditions": ["download", "in_situ_processing"],
            "permission": "DS",
            "disease": "breast",
            "licence_name": "MOIR data-use agreement",
            "plain_summary": (
                "Images of about two thousand women examined for breast cancer, for research "
                "on breast cancer by non-commercial researchers."
            ),
        },
        [("NCU", {}), ("PUB", {})],
    ),
    DemoDataset(
        "lung",
        {
            "title": "Non-small-cell lung cancer CT and PET-CT with dose reports",
            "description": (
                "Staging and follow-up CT and FDG PET-CT of patients with non-small-cell lung "
                "cancer, with DICOM radiation dose structured reports for every CT."
            ),
            "cancer_types": ["lung_nsclc"],
            "modalities": ["CT", "PT"],
            "body_parts": ["CHEST", "LUNG"],
            "subject_count": 980,
            "study_count": 3120,
            "source": Dataset.Source.REAL_WORLD,
            "hosting": Dataset.Hosting.CENTRAL,
            "has_radiation_reports": True,
            "quality_score": "79.00",
            "quality_method": "Automated DICOM conformance and completeness checks.",
        },
        {
            "access_rights": "restricted",
            "access_conditions": ["download", "in_situ_processing"],
            "permission": "HMB",
        },
        [("IRB", {}), ("PUB", {})],
        draft_next_version=True,
    ),
    DemoDataset(
        "prostate-trial",
        {
            "title": "Prostate MRI from a completed phase III trial (industry-sponsored)",
            "description": (
                "Multiparametric prostate MRI of the participants of a completed phase III "
                "trial. The images stay at the hospital; analyses run there."
            ),
            "cancer_types": ["prostate"],
            "modalities": ["MR"],
            "body_parts": ["PROSTATE", "PELVIS"],
            "subject_count": 612,
            "study_count": 1830,
            "source": Dataset.Source.CLINICAL_TRIAL,
            "trial_sponsor": "Oncopharma S.p.A.",
            "industry_sponsored": True,
            "hosting": Dataset.Hosting.FEDERATED,
            "has_radiation_reports": False,
        },
        {
            "access_rights": "restricted",
            "access_conditions": ["remote_processing"],
            "permission": "HMB",
            "is_proprietary": True,
            "proprietor": "Oncopharma S.p.A.",
            "federated_use_restrictions": (
                "Only aggregate results may leave the hospital; no image or derived image."
            ),
            "reuse_restrictions": "Results may not be used to support a marketing authorisation.",
        },
        [("TS", {"months": 24}), ("COL", {})],
    ),
    DemoDataset(
        "colorectal",
        {
            "title": "Colorectal cancer and liver metastases: CT and PET-CT",
            "description": (
                "Contrast-enhanced CT and PET-CT of colorectal cancer patients, including "
                "those with liver metastases, with follow-up to five years."
            ),
            "cancer_types": ["colorectal", "liver"],
            "modalities": ["CT", "PT"],
            "body_parts": ["ABDOMEN", "LIVER", "COLON", "RECTUM"],
            "subject_count": 1315,
            "study_count": 4470,
            "source": Dataset.Source.REAL_WORLD,
            "hosting": Dataset.Hosting.CENTRAL,
            "has_radiation_reports": True,
        },
        {
            "access_rights": "restricted",
            "access_conditions": ["download"],
            "permission": "GRU",
            "retention": "until 31 December 2035",
        },
        [("PUB", {})],
    ),
    DemoDataset(
        "paediatric",
        {
            "title": "Paediatric neuroblastoma and DIPG: MRI, CT and SPECT",
            "description": (
                "Diagnostic MRI of diffuse intrinsic pontine glioma, and CT and MIBG SPECT of "
                "neuroblastoma, in children treated 2012-2023. Federated: the images stay at "
                "the hospital."
            ),
            "cancer_types": ["neuroblastoma", "dipg"],
            "modalities": ["MR", "CT", "NM"],
            "body_parts": ["BRAINSTEM", "ABDOMEN", "WHOLEBODY"],
            "subject_count": 164,
            "study_count": 702,
            "source": Dataset.Source.REAL_WORLD,
            "hosting": Dataset.Hosting.FEDERATED,
            "has_radiation_reports": False,
        },
        {
            "access_rights": "restricted",
            "access_conditions": ["in_situ_processing"],
            "permission": "DS",
            "disease": "paediatric",
        },
        [("IRB", {}), ("GS", {"area": "European Economic Area"})],
    ),
    DemoDataset(
        "chest-xray",
        {
            "title": "Chest X-ray follow-up of treated lung cancer (open)",
            "description": "Anonymised chest radiographs from lung cancer follow-up, 2018-2021.",
            "cancer_types": ["lung"],
            "modalities": ["DX", "CR"],
            "body_parts": ["CHEST"],
            "subject_count": 450,
            "study_count": 1900,
            "source": Dataset.Source.REAL_WORLD,
            "hosting": Dataset.Hosting.CENTRAL,
            "has_radiation_reports": False,
        },
        {
            "access_rights": "public",
            "access_conditions": ["download"],
            "permission": "GRU",
            "licence_name": "CC BY 4.0",
            "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        },
        [("PUB", {})],
    ),
]


def seed(context: DemoContext) -> None:
    holder = context["person.holder"]
    repository = context["org.repository"]
    duo = DuoVocabulary.from_database()
    for spec in DATASETS:
        url = f"https://data.moir.example/datasets/{spec.slug}"
        dataset = Dataset.objects.filter(persistent_url=url).first()
        context.tally("datasets", dataset is None)
        if dataset is None:
            dataset = _create(spec, url, holder, repository, duo)
            context.tally("availability statements", True)
        context[f"dataset.{spec.slug}"] = dataset
    _seed_federation(context, duo)


OPEN_LICENCE = {
    "licence_name": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
}
# The parameters of the modifiers that take one, for the federation's offers.
MODIFIER_PARAMETERS: dict[str, dict[str, Any]] = {
    "TS": {"months": 36},
    "GS": {"area": "European Union"},
}


def _seed_federation(context: DemoContext, duo: DuoVocabulary) -> None:
    staff = context["person.admin"]
    for holder, offers in FEDERATION.items():
        organisation = _holder(context, holder)
        for offer in offers:
            spec = _as_demo_dataset(holder, offer)
            url = f"https://data.{holder.domain}/datasets/{offer.slug}"
            exists = Dataset.objects.filter(persistent_url=url).exists()
            context.tally("datasets", not exists)
            if not exists:
                _create(spec, url, staff, organisation, duo)
                context.tally("availability statements", True)


def _holder(context: DemoContext, holder: Holder) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=holder.name,
        defaults={
            "short_name": holder.short_name,
            "country": holder.country,
            "provider_type": holder.provider_type,
            "website": f"https://www.{holder.domain}",
        },
    )
    context.tally("organisations", created)
    context[f"org.{holder.short_name}"] = organisation
    return organisation


def _as_demo_dataset(holder: Holder, offer: Offer) -> DemoDataset:
    return DemoDataset(
        offer.slug,
        {
            "title": offer.title,
            "description": offer.description,
            "cancer_types": list(offer.cancer_types),
            "modalities": list(offer.modalities),
            "body_parts": list(offer.body_parts),
            "subject_count": offer.subjects,
            "study_count": offer.studies,
            "source": offer.source,
            "trial_sponsor": offer.trial_sponsor,
            "industry_sponsored": offer.industry_sponsored,
            "hosting": offer.hosting,
            "has_radiation_reports": offer.dose_reports,
        },
        {
            "access_rights": offer.access_rights,
            "access_conditions": list(offer.conditions),
            "permission": offer.permission,
            "disease": offer.disease,
            "access_committee_name": holder.committee,
            "contact_email": f"dac@{holder.domain}",
            **(OPEN_LICENCE if offer.access_rights == "public" else {}),
        },
        [(shorthand, MODIFIER_PARAMETERS.get(shorthand, {})) for shorthand in offer.modifiers],
    )


def _create(spec: DemoDataset, url: str, actor, custodian, duo: DuoVocabulary) -> Dataset:
    values = dict(spec.dataset)
    values["persistent_url"] = url
    values["cancer_types"] = list(CancerType.objects.filter(code__in=values["cancer_types"]))
    values["modalities"] = list(Modality.objects.filter(code__in=values["modalities"]))
    values["body_parts"] = list(BodyPart.objects.filter(code__in=values.get("body_parts", [])))
    dataset = services.dataset_create(actor=actor, custodian=custodian, data=values)

    statement_values = dict(spec.statement)
    statement_values["access_conditions"] = list(
        AccessCondition.objects.filter(code__in=statement_values["access_conditions"])
    )
    statement_values["duo_permission"] = DuoTerm.objects.get(
        pk=duo.id_of(statement_values.pop("permission"))
    )
    disease = statement_values.pop("disease", None)
    statement_values["disease"] = CancerType.objects.get(code=disease) if disease else None
    statement_values.setdefault("access_committee_name", COMMITTEE)
    statement_values.setdefault("contact_email", CONTACT)
    statement_values["modifiers"] = [
        {"duo_term": DuoTerm.objects.get(pk=duo.id_of(shorthand)), **params}
        for shorthand, params in spec.modifiers
    ]
    statement = services.statement_create_draft(actor=actor, dataset=dataset, data=statement_values)
    services.statement_publish(actor=actor, statement=statement)
    if spec.draft_next_version:
        services.statement_create_draft(
            actor=actor,
            dataset=dataset,
            data={"embargo_until": None, "retention": f"until {datetime.date.today().year + 10}"},
        )
    dataset.refresh_from_db()
    return dataset
