"""Loading the controlled vocabularies shipped in `vocabularies/` (copies of shared/data).

Idempotent: rows are created or updated by their identifier, never duplicated. The loader takes
the model classes so that a data migration can pass its historical models.
"""

from __future__ import annotations

import csv
from pathlib import Path

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabularies"


def _rows(name: str) -> list[dict[str, str]]:
    with (VOCABULARY_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fragment_code(iri: str) -> str:
    return iri.rsplit("#", 1)[1].lower()


def duo_id_from_iri(iri: str) -> str:
    """`http://purl.obolibrary.org/obo/DUO_0000007` -> `DUO:0000007`."""
    return iri.rsplit("/", 1)[1].replace("_", ":", 1)


def load_vocabularies(*, DuoTerm, AccessCondition, DataUseCondition, CancerType) -> dict[str, int]:
    counts: dict[str, int] = {}
    duo_rows = _rows("duo_terms.csv")
    for row in duo_rows:
        DuoTerm.objects.update_or_create(
            id=row["id"],
            defaults={
                "shorthand": row["shorthand"],
                "label": row["label"],
                "definition": row["definition"],
                "kind": row["kind"],
                "parent_code": row["parent"],
                "deprecated": row["deprecated"].lower() == "true",
                "iri": row["iri"],
            },
        )
    counts["duo_terms"] = len(duo_rows)

    access_rows = _rows("access_conditions.csv")
    for row in access_rows:
        AccessCondition.objects.update_or_create(
            code=_fragment_code(row["conceptIRI"]),
            defaults={"label": row["label"], "iri": row["conceptIRI"]},
        )
    counts["access_conditions"] = len(access_rows)

    use_rows = _rows("data_use_conditions.csv")
    for row in use_rows:
        # Linked by the DUO id in the IRI: upstream misspells one term's own IRI (see SOURCES.md).
        DataUseCondition.objects.update_or_create(
            code=_fragment_code(row["conceptIRI"]),
            defaults={
                "label": row["label"],
                "iri": row["conceptIRI"],
                "duo_term_id": duo_id_from_iri(row["duoIRI"]),
            },
        )
    counts["data_use_conditions"] = len(use_rows)

    cancer_rows = _rows("cancer_types.csv")
    for row in cancer_rows:  # parents come before their children in the file
        CancerType.objects.update_or_create(
            code=row["code"],
            defaults={"label": row["label"], "parent_id": row["parent"] or None},
        )
    counts["cancer_types"] = len(cancer_rows)
    return counts


def load_imaging_vocabularies(*, Modality, BodyPart) -> dict[str, int]:
    """The portal's own small lists: DICOM modalities and body parts."""
    modality_rows = _rows("modalities.csv")
    for row in modality_rows:
        Modality.objects.update_or_create(
            code=row["code"], defaults={"label": row["label"], "iri": row["iri"]}
        )
    body_rows = _rows("body_parts.csv")
    for row in body_rows:
        BodyPart.objects.update_or_create(code=row["code"], defaults={"label": row["label"]})
    return {"modalities": len(modality_rows), "body_parts": len(body_rows)}
