"""Benchmark the consent-record CSV import: 100,000 and 1,000,000 generated rows.

Each size runs in a fresh child process (so its peak memory is its own) against a throwaway
database (Django's test database: `test_<name>` on PostgreSQL when DATABASE_URL points there,
else SQLite, which the result notes). The CSV is generated on disk first, outside the
measurement. Measured: the first import (validate every row, then insert), and a second import
of the same file (idempotent: validates and compares, inserts nothing). Memory: the process's
resident set size is sampled every 20 ms during the import; `peak_memory_growth_mb` is the peak
above the size when the import began, `peak_rss_mb` the peak itself (compare it across sizes:
it should not grow with the file). Merges `{"consent_import": {...}}` into bench/results.json,
leaving every other key as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \
        .venv/bin/python bench/consent_import.py [--rows 100000 1000000] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import merge_results, start_django, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return 0

    runs = []
    for rows in args.rows:
        completed = subprocess.run(
            [sys.executable, __file__, "--child", str(rows)],
            check=True,
            capture_output=True,
            text=True,
        )
        run = json.loads(completed.stdout.strip().splitlines()[-1])
        print(json.dumps(run), flush=True)
        runs.append(run)
    largest = max(runs, key=lambda run: run["rows"])
    result = {
        "runs": runs,
        "database": runs[0]["database"],
        "target": f"1,000,000 rows in under {TARGET_SECONDS} s, memory not growing with the file",
        "largest_rows": largest["rows"],
        "largest_seconds": largest["import_seconds"],
        "largest_rows_per_second": largest["rows_per_second"],
        "meets_target": bool(
            largest["rows"] >= 1_000_000 and largest["import_seconds"] < TARGET_SECONDS
        ),
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    if result["database"] != "postgresql":
        result["note"] = (
            "Measured on SQLite because DATABASE_URL did not point at PostgreSQL; the target "
            "is stated for PostgreSQL."
        )
    print(json.dumps({"consent_import": result}, indent=2))
    if not args.no_write:
        merge_results("consent_import", result)
    return 0


def run_one(rows: int) -> dict:
    start_django()
    from django.db import connection

    with throwaway_database():
        with tempfile.TemporaryDirectory() as folder:
            actor, dataset, form = build()
            path = Path(folder) / "consent.csv"
            write_csv(path, rows, form)
            size_mb = path.stat().st_size / 1_000_000
            first = timed_import(actor, dataset, path)
            second = timed_import(actor, dataset, path)
        from governance.consent.models import ConsentRecord

        stored = ConsentRecord.objects.filter(dataset=dataset).count()
    assert first["report"]["created"] == rows and second["report"]["created"] == 0
    assert stored == rows
    return {
        "rows": rows,
        "database": connection.vendor,
        "file_mb": round(size_mb, 1),
        "import_seconds": first["seconds"],
        "rows_per_second": round(rows / first["seconds"]),
        "peak_memory_growth_mb": first["rss_growth_mb"],
        "peak_rss_mb": first["peak_rss_mb"],
        "reimport_seconds": second["seconds"],
        "reimport_rows_per_second": round(rows / second["seconds"]),
        "reimport_peak_memory_growth_mb": second["rss_growth_mb"],
        "reimport_peak_rss_mb": second["peak_rss_mb"],
    }


def build():
    from django.utils import timezone

    from governance.accounts.models import Organisation, User
    from governance.accounts.roles import ProviderType
    from governance.catalogue.models import Dataset, DuoTerm
    from governance.consent.models import ConsentForm

    actor = User.objects.create(email="bench@example.org", is_superuser=True)
    holder = Organisation.objects.create(
        name="Bench hospital", country="IT", provider_type=ProviderType.CLINICAL_CENTRE
    )
    dataset = Dataset.objects.create(
        persistent_url="https://bench.example/datasets/consent",
        title="Bench consent dataset",
        description="Synthetic.",
        custodian=holder,
        subject_count=1,
        study_count=1,
        source="real_world",
        hosting="central",
    )
    form = ConsentForm.objects.create(
        organisation=holder,
        code="bench",
        title="Bench form",
        duo_permission=DuoTerm.objects.get(shorthand="HMB"),
        plain_summary="Synthetic.",
        offers_data_altruism=True,
        document="consent/forms/bench.pdf",  # a name only: the import never reads it
        state=ConsentForm.State.PUBLISHED,
        published_at=timezone.now(),
    )
    return actor, dataset, form


def write_csv(path: Path, rows: int, form) -> None:
    scopes = ("all_uses", "non_commercial", "own_disease")
    start = datetime.date(2020, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("pseudonym,form,form_version,given_on,scope,data_altruism\n")
        for number in range(rows):
            given_on = start + datetime.timedelta(days=number % 1500)
            out.write(
                f"BENCH-{number:08d},{form.code},{form.version},{given_on.isoformat()},"
                f"{scopes[number % 3]},{'yes' if number % 5 == 0 else 'no'}\n"
            )


def timed_import(actor, dataset, path: Path) -> dict:
    import gc

    from governance.consent.importing import import_records

    gc.collect()
    sampler = PeakRss()
    started = time.perf_counter()
    with sampler, path.open("rb") as file:
        report = import_records(actor=actor, dataset=dataset, file=file)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "rss_growth_mb": round(sampler.growth_mb, 1),
        "peak_rss_mb": round(sampler.peak / 1_000_000, 1),
        "report": {"created": report.created, "unchanged": report.unchanged},
    }


class PeakRss:
    """Peak resident memory while the block runs, above what it was when it started.

    ru_maxrss is the peak of the whole process (migrations included), so it cannot show the
    import's own growth; this samples the current RSS every 20 ms instead."""

    def __enter__(self):
        import threading

        self.start = self.peak = _rss_bytes()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, _rss_bytes())

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, _rss_bytes())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1_000_000


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: fall back to the process's peak so far
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    sys.exit(main())
