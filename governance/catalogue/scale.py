"""The scale data's datasets and availability statements (see core.scale)."""

from __future__ import annotations

import datetime

from django.db.models import F

from governance.catalogue.models import (
    STATEMENT_MACHINE,
    AccessCondition,
    AvailabilityStatement,
    CancerType,
    Dataset,
    DuoTerm,
    Modality,
)
from governance.core.scale import Batch, unknown_states

PER_SCALE = {
    "datasets": 1000,
    "statements": 1000,  # one per dataset: nine in ten published, the others drafts
}


def build(batch: Batch) -> None:
    holders = batch.objects["holders"]
    cancers = list(CancerType.objects.order_by("code").values_list("code", flat=True))
    modalities = list(Modality.objects.order_by("code").values_list("code", flat=True))
    conditions = list(AccessCondition.objects.order_by("code").values_list("code", flat=True))
    permissions = list(
        DuoTerm.objects.filter(kind="permission", deprecated=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    datasets = [
        Dataset(
            persistent_url=f"https://scale.example/datasets/{batch.tag}-{i}",
            title=f"{cancers[i % len(cancers)].replace('_', ' ').title()} imaging cohort {i}",
            description=f"Retrospective imaging cohort {i} of the scale data set.",
            custodian=holders[i % len(holders)],
            subject_count=20 + (i * 37) % 5000,
            study_count=40 + (i * 53) % 15000,
            source="clinical_trial" if i % 5 == 0 else "real_world",
            hosting="federated" if i % 2 else "central",
            has_radiation_reports=i % 3 == 0,
        )
        for i in range(PER_SCALE["datasets"] * batch.scale)
    ]
    Dataset.objects.bulk_create(datasets, batch_size=2000)
    cancer_through = Dataset.cancer_types.through
    cancer_through.objects.bulk_create(
        (
            cancer_through(dataset_id=d.pk, cancertype_id=cancers[i % len(cancers)])
            for i, d in enumerate(datasets)
        ),
        batch_size=5000,
    )
    modality_through = Dataset.modalities.through
    modality_through.objects.bulk_create(
        (
            modality_through(dataset_id=d.pk, modality_id=modalities[(i + k) % len(modalities)])
            for i, d in enumerate(datasets)
            for k in range(1 + i % 2)
        ),
        batch_size=5000,
    )
    statements = [
        AvailabilityStatement(
            dataset=dataset,
            version=1,
            state="draft" if i % 10 == 9 else "published",
            access_rights="restricted",
            duo_permission_id=permissions[i % len(permissions)],
            published_at=None if i % 10 == 9 else batch.now - datetime.timedelta(days=60),
        )
        for i, dataset in enumerate(datasets)
    ]
    AvailabilityStatement.objects.bulk_create(statements, batch_size=2000)
    condition_through = AvailabilityStatement.access_conditions.through
    condition_through.objects.bulk_create(
        (
            condition_through(
                availabilitystatement_id=s.pk, accesscondition_id=conditions[i % len(conditions)]
            )
            for i, s in enumerate(statements)
        ),
        batch_size=5000,
    )
    for dataset, statement in zip(datasets, statements, strict=True):
        if statement.state == "published":
            dataset.current_statement = statement
    Dataset.objects.bulk_update(datasets, ["current_statement"], batch_size=2000)
    batch.objects |= {
        "all_datasets": datasets,
        "datasets": [d for d in datasets if d.current_statement_id],
        "conditions": conditions,
        "permissions": permissions,
    }
    batch.counts["datasets"] = len(datasets)
    batch.counts["statements"] = len(statements)


def problems() -> list[str]:
    found = unknown_states(STATEMENT_MACHINE, AvailabilityStatement)
    listed = Dataset.objects.filter(current_statement__isnull=False)
    if listed.exclude(current_statement__state="published").exists():
        found.append("a dataset's current statement is not published")
    if listed.exclude(current_statement__dataset=F("pk")).exists():
        found.append("a dataset's current statement is another dataset's")
    return found
