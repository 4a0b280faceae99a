"""Benchmark data-use agreement PDFs: rendering time per agreement and agreements per minute.

Builds a throwaway database (Django's test database: in memory for SQLite, `test_<name>` on
PostgreSQL when DATABASE_URL points there) with agreements drafted through the services, then

- times `documents.render_pdf` (WeasyPrint) for a draft and for a countersigned agreement (with
  the PAdES signature if PORTAL_PDF_SIGNING_CERT_FILE/KEY_FILE are set), median of --runs;
- renders --agreements documents through the `render_document` Celery task: with
  CELERY_BROKER_URL and PostgreSQL, through a real `celery worker` process started here on a
  queue of its own (--concurrency processes); otherwise eagerly in this process, which the
  figures say (`"mode": "eager"`).

Merges `{"agreements_pdf": {...}}` into bench/results.json, leaving every other key as it was.

    .venv/bin/python bench/agreements_pdf.py [--runs 15] [--agreements 40] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from common import merge_results

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"  # the factories' password


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed renders (median)")
    parser.add_argument("--agreements", type=int, default=40, help="documents through Celery")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_TESTING", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from portal.celery import app

    app.conf.task_always_eager = True  # building runs follow-up tasks in-process
    settings.MEDIA_ROOT = ROOT / "bench" / "tmp" / "media"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        agreements = build(args.agreements + 1)
        build_seconds = time.perf_counter() - started
        rendering = time_rendering(agreements[0], args.runs)
        throughput = through_celery(agreements[1:], args.concurrency)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    result = {
        "runs": args.runs,
        "database": connection.vendor,
        "build_seconds": round(build_seconds, 1),
        "render_draft_median_ms": rendering["draft"],
        "render_final_median_ms": rendering["final"],
        "pades_signed": rendering["pades"],
        "pdf_bytes": rendering["bytes"],
        **throughput,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps({"agreements_pdf": result}, indent=2))
    if not args.no_write:
        merge_results("agreements_pdf", result)
    return 0


def build(count: int) -> list:
    from django.db import transaction

    from tests.agreements.helpers import approved_request

    agreements = []
    with transaction.atomic():
        for index in range(count):
            setup = approved_request(datasets=2, tag=f"-{index}")
            agreements.append(setup.agreement)
    return agreements


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def time_rendering(agreement, runs: int) -> dict:
    from governance.agreements import documents, services

    def timed(signatures) -> tuple[float, int]:
        documents.render_pdf(agreement, signatures)  # warm-up: fonts, templates
        samples, size = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            size = len(documents.render_pdf(agreement, signatures))
            samples.append(time.perf_counter() - started)
        return _median_ms(samples), size

    draft_ms, size = timed([])
    request = agreement.request
    services.agreement_sign(agreement=agreement, actor=request.researcher, password=PASSWORD)
    holder = agreement.holder.memberships.get(role="data_holder").person
    agreement = services.agreement_sign(agreement=agreement, actor=holder, password=PASSWORD)
    final_ms, _size = timed(list(agreement.signatures.select_related("signer")))
    return {
        "draft": draft_ms,
        "final": final_ms,
        "pades": documents.signing_configured(),
        "bytes": size,
    }


def through_celery(agreements: list, concurrency: int) -> dict:
    from django.db import connection

    from governance.agreements.models import Agreement
    from governance.agreements.tasks import render_document
    from portal.celery import app

    ids = [agreement.pk for agreement in agreements]
    Agreement.objects.filter(pk__in=ids).update(document="", document_sha256="")
    use_worker = bool(os.environ.get("CELERY_BROKER_URL")) and connection.vendor == "postgresql"
    worker = None
    if use_worker:
        queue = f"bench-{uuid.uuid4().hex[:10]}"
        worker = _start_worker(queue, concurrency)
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
    else:
        app.conf.task_always_eager = True
    try:
        started = time.perf_counter()
        for agreement_id in ids:
            render_document.delay(agreement_id)
        deadline = time.monotonic() + 600
        while Agreement.objects.filter(pk__in=ids, document_sha256="").exists():
            if time.monotonic() > deadline:
                raise SystemExit("The worker did not render every agreement within 10 minutes.")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            _delete_queue(app, app.conf.task_default_queue)
    return {
        "mode": f"celery worker, {concurrency} processes" if use_worker else "eager (no broker)",
        "agreements_rendered": len(ids),
        "render_seconds": round(seconds, 2),
        "agreements_per_minute": round(len(ids) / seconds * 60, 1),
    }


def _start_worker(queue: str, concurrency: int) -> subprocess.Popen:
    from django.db import connection

    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    url = f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"
    log = ROOT / "bench" / "tmp" / f"{queue}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_TESTING": "1",
        "DATABASE_URL": url,
        "PORTAL_DB_CONN_MAX_AGE": "0",
        "PORTAL_MEDIA_ROOT": str(ROOT / "bench" / "tmp" / "media"),
    }
    celery = Path(sys.executable).parent / "celery"
    process = subprocess.Popen(
        [
            str(celery),
            "-A",
            "portal",
            "worker",
            f"--concurrency={concurrency}",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    from portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The Celery worker exited; see {log}")
        replies = app.control.ping(destination=[f"{queue}@{platform.node()}"], timeout=0.5)
        if replies:
            return process
    process.kill()
    raise SystemExit(f"The Celery worker did not start within 60 s; see {log}")


def _delete_queue(app, name: str) -> None:
    from kombu import Exchange, Queue

    try:
        with app.connection_for_write() as conn:
            queue = Queue(name, Exchange(name), routing_key=name)(conn.default_channel)
            queue.declare()
            queue.delete()
    except Exception:  # a leftover bench queue in the broker is harmless
        pass


if __name__ == "__main__":
    sys.exit(main())
