"""Benchmark the chair's ranked table and the proposals list of a call with 10,000 proposals
and 3 submitted reviews each.

Builds a throwaway database (Django's test database: in memory for SQLite, `test_<name>` on
PostgreSQL when DATABASE_URL points there), fills it with bulk_create, renders the two pages
through Django's test client as a signed-in chair, checks that the number of queries is the
same for a call of 10 proposals and for the big one, and merges `{"calls_ranking": {...}}`
into bench/results.json, leaving every other key as it was.

    .venv/bin/python bench/calls_ranking.py [--proposals 10000] [--runs 15]
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
from decimal import Decimal
from pathlib import Path

from common import merge_results, start_django, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
REVIEWS_PER_PROPOSAL = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per page (median)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    args = parser.parse_args()

    start_django()
    from django.db import connection

    with throwaway_database():
        started = time.perf_counter()
        chair, small, big = build(args.proposals)
        build_seconds = time.perf_counter() - started
        pages = {
            "ranking": "/reviews/calls/{call}/ranking/",
            "proposals_list": "/calls/proposals/?state=under_review&call={call}",
        }
        figures = {}
        for name, template in pages.items():
            small_queries = queries(chair, template.format(call=small.pk))
            figures[name] = timed(chair, template.format(call=big.pk), args)
            figures[name]["queries_small_call"] = small_queries
            figures[name]["constant_queries"] = small_queries == figures[name]["queries"]

    result = {
        "proposals": args.proposals,
        "reviews": args.proposals * REVIEWS_PER_PROPOSAL,
        "runs": args.runs,
        "database": connection.vendor,
        "build_seconds": round(build_seconds, 1),
        "pages": figures,
        "median_ms": figures["ranking"]["median_ms"],
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps({"calls_ranking": result}, indent=2))
    if not args.no_write:
        merge_results("calls_ranking", result)
    return 0 if all(f["constant_queries"] for f in figures.values()) else 1


def build(count: int):
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import transaction
    from django.utils import timezone

    from governance.accounts.models import Membership, Organisation, User
    from governance.accounts.roles import ProviderType, Role
    from governance.calls.defaults import DEFAULT_CONFIGURATION
    from governance.calls.models import Call, Proposal
    from governance.calls.services import _configure
    from governance.reviews.models import Assignment, Review

    rng = random.Random(10_000)
    countries = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "NL", "PL", "PT", "SE"]
    now = timezone.now()
    with transaction.atomic():
        office = Organisation.objects.create(
            name="Bench office", country="BE", provider_type=ProviderType.RESEARCH_INFRASTRUCTURE
        )
        chair = User.objects.create_user("chair@bench.example", "bench-pass")
        Membership.objects.create(person=chair, organisation=office, role=Role.CALL_CHAIR)
        TOTP.activate(chair, "JBSWY3DPEHPK3PXP")
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench applicant {index}",
                country=countries[index % len(countries)],
                provider_type=ProviderType.CLINICAL_CENTRE,
            )
            for index in range(200)
        )
        evaluators = User.objects.bulk_create(
            User(email=f"evaluator{index}@bench.example", full_name=f"Evaluator {index}")
            for index in range(30)
        )
        calls = []
        for title, n in (("Small bench call", 10), ("Big bench call", count)):
            call = Call.objects.create(
                title=title,
                summary="Benchmark",
                opens_at=now - datetime.timedelta(days=60),
                deadline=now - datetime.timedelta(days=1),
                is_published=True,
            )
            _configure(call, DEFAULT_CONFIGURATION)
            call.chairs.add(chair)
            track = call.tracks.get(kind="data_holder")
            proposals = Proposal.objects.bulk_create(
                (
                    Proposal(
                        call=call,
                        track=track,
                        organisation=rng.choice(organisations),
                        created_by=chair,
                        title=f"{title} proposal {index}",
                        state="under_review",
                        submitted_at=now - datetime.timedelta(days=2),
                        snapshot={"answers": {}},
                    )
                    for index in range(n)
                ),
                batch_size=2000,
            )
            assignments = Assignment.objects.bulk_create(
                (
                    Assignment(proposal=proposal, evaluator=evaluator, method="automatic")
                    for proposal in proposals
                    for evaluator in rng.sample(evaluators, REVIEWS_PER_PROPOSAL)
                ),
                batch_size=5000,
            )
            Review.objects.bulk_create(
                (
                    Review(
                        assignment=assignment,
                        proposal_id=assignment.proposal_id,
                        evaluator_id=assignment.evaluator_id,
                        state="submitted",
                        weighted_total=Decimal(rng.randint(0, 5000)) / 1000,
                        submitted_at=now,
                    )
                    for assignment in assignments
                ),
                batch_size=5000,
            )
            calls.append(call)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return chair, calls[0], calls[1]


def _client(chair):
    from django.test import Client

    client = Client()
    client.force_login(chair)
    return client


def queries(chair, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(chair)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def timed(chair, path: str, args) -> dict:
    client = _client(chair)
    for _ in range(args.warmup):
        client.get(path)
    durations = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "path": path,
        "queries": queries(chair, path),
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(min(durations), 1),
        "max_ms": round(max(durations), 1),
    }


if __name__ == "__main__":
    sys.exit(main())
