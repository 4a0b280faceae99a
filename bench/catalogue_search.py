"""Benchmark the catalogue search with facet counts over 20,000 datasets (selector, page, API).

Builds a throwaway database (Django's test database: in memory for SQLite, `test_<name>` on
PostgreSQL when DATABASE_URL points there), fills it with bulk_create, times
`selectors.search_datasets` plus the first result page for a few typical searches, and merges
`{"catalogue_search": {...}}` into bench/results.json, leaving every other key as it was.

    .venv/bin/python bench/catalogue_search.py [--datasets 20000] [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from common import kept_database, merge_results, start_django, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 25

SEARCHES: dict[str, dict] = {
    "no_filter": {},
    "cancer_and_modality": {"cancer_types": ("breast",), "modalities": ("MR",)},
    "country_hosting_condition": {
        "countries": ("IT", "ES"),
        "hosting": ("federated",),
        "access_conditions": ("in_situ_processing",),
    },
    "text": {"query": "cohort 7"},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per search (median)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    parser.add_argument(
        "--keep-database",
        metavar="NAME",
        help="use (and keep) this database, building the datasets only when it has none",
    )
    args = parser.parse_args()

    start_django()
    from django.db import connection

    with kept_database(args.keep_database) if args.keep_database else throwaway_database():
        from governance.catalogue.models import Dataset

        started = time.perf_counter()
        if not (args.keep_database and Dataset.objects.count() == args.datasets):
            build(args.datasets)
        build_seconds = time.perf_counter() - started
        figures = {name: timed(filters, args) for name, filters in SEARCHES.items()}
        pages = {
            name: timed_request("/catalogue/", filters, args) for name, filters in SEARCHES.items()
        }
        api = {
            name: timed_request("/api/v1/datasets/", filters, args)
            for name, filters in SEARCHES.items()
        }

    result = {
        "datasets": args.datasets,
        "runs": args.runs,
        "database": connection.vendor,
        "build_seconds": round(build_seconds, 1),
        "searches": figures,
        "pages": pages,
        "api": api,
        "median_ms": figures["no_filter"]["median_ms"],
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps({"catalogue_search": result}, indent=2))
    if not args.no_write:
        merge_results("catalogue_search", result)
    return 0


def build(count: int) -> None:
    from django.db import transaction

    from governance.accounts.models import Organisation
    from governance.accounts.roles import ProviderType
    from governance.catalogue.models import (
        AccessCondition,
        AvailabilityStatement,
        BodyPart,
        CancerType,
        Dataset,
        DuoTerm,
        Modality,
    )

    rng = random.Random(20_000)
    countries = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "NL", "PL", "PT", "SE"]
    cancer = list(CancerType.objects.values_list("code", flat=True))
    modalities = list(Modality.objects.values_list("code", flat=True))
    parts = list(BodyPart.objects.values_list("code", flat=True))
    conditions = list(AccessCondition.objects.values_list("code", flat=True))
    permissions = list(
        DuoTerm.objects.filter(kind="permission", deprecated=False).values_list("id", flat=True)
    )
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench site {index}",
                country=countries[index % len(countries)],
                provider_type=rng.choice(
                    [ProviderType.CLINICAL_CENTRE, ProviderType.RESEARCH_REPOSITORY]
                ),
            )
            for index in range(80)
        )
        datasets = Dataset.objects.bulk_create(
            (
                Dataset(
                    persistent_url=f"https://bench.example/datasets/{index}",
                    title=f"Imaging cohort {index}",
                    description=f"Synthetic cohort {index} for the catalogue benchmark.",
                    custodian=rng.choice(organisations),
                    subject_count=rng.randint(20, 5000),
                    study_count=rng.randint(20, 15000),
                    source=rng.choice(["real_world", "real_world", "clinical_trial"]),
                    hosting=rng.choice(["central", "federated"]),
                    has_radiation_reports=rng.random() < 0.3,
                )
                for index in range(count)
            ),
            batch_size=2000,
        )
        through = Dataset.cancer_types.through
        through.objects.bulk_create(
            (
                through(dataset_id=dataset.pk, cancertype_id=code)
                for dataset in datasets
                for code in rng.sample(cancer, rng.randint(1, 2))
            ),
            batch_size=5000,
        )
        modality_through = Dataset.modalities.through
        modality_through.objects.bulk_create(
            (
                modality_through(dataset_id=dataset.pk, modality_id=code)
                for dataset in datasets
                for code in rng.sample(modalities, rng.randint(1, 3))
            ),
            batch_size=5000,
        )
        part_through = Dataset.body_parts.through
        part_through.objects.bulk_create(
            (
                part_through(dataset_id=dataset.pk, bodypart_id=code)
                for dataset in datasets
                for code in rng.sample(parts, rng.randint(1, 2))
            ),
            batch_size=5000,
        )
        # Nine in ten datasets are published.
        statements = AvailabilityStatement.objects.bulk_create(
            (
                AvailabilityStatement(
                    dataset=dataset,
                    version=1,
                    state="published",
                    access_rights="restricted",
                    duo_permission_id=rng.choice(permissions),
                )
                for dataset in datasets
                if rng.random() < 0.9
            ),
            batch_size=2000,
        )
        condition_through = AvailabilityStatement.access_conditions.through
        condition_through.objects.bulk_create(
            (
                condition_through(availabilitystatement_id=statement.pk, accesscondition_id=code)
                for statement in statements
                for code in rng.sample(conditions, rng.randint(1, 2))
            ),
            batch_size=5000,
        )
        by_dataset = {statement.dataset_id: statement.pk for statement in statements}
        for dataset in datasets:
            dataset.current_statement_id = by_dataset.get(dataset.pk)
        Dataset.objects.bulk_update(datasets, ["current_statement"], batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a table at rest


def timed_request(path: str, filters: dict, args) -> dict:
    """GET the search page or the API's list with the filters, through the whole Django stack
    (in-process test client: no network, no server), as a visitor."""
    from django.test import Client

    client = Client()
    params = {("q" if key == "query" else key): value for key, value in filters.items()}

    def once() -> None:
        response = client.get(path, params)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    for _ in range(args.warmup):
        once()
    durations = []
    for _ in range(args.runs):
        started = time.perf_counter()
        once()
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "path": path,
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(min(durations), 1),
        "max_ms": round(max(durations), 1),
    }


def timed(filters: dict, args) -> dict:
    from governance.catalogue import selectors

    search = selectors.SearchFilters(**filters)

    def once() -> int:
        result = selectors.search_datasets(search)
        page = result.page(1, PAGE_SIZE)
        for dataset in page.object_list:
            list(dataset.cancer_types.all())
        return page.paginator.count

    for _ in range(args.warmup):
        once()
    durations = []
    for _ in range(args.runs):
        started = time.perf_counter()
        matches = once()
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "filters": {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in filters.items()
        },
        "matches": matches,
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(min(durations), 1),
        "max_ms": round(max(durations), 1),
    }


if __name__ == "__main__":
    sys.exit(main())
