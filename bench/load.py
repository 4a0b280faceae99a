"""Replay a realistic mix of requests for a fixed time against a production-like server.

`make load` (60 s) and `make soak` (10 minutes) run this. bench/run.py's server (gunicorn with
sync workers, debug off, a fresh database with the demo data and `generate_scale_data`) is
loaded by simulated people, each a loop that picks its next request by weight:

- visitors browse the catalogue, search it (page and API);
- applicants create a proposal, save its answers and submit it (personal API tokens);
- evaluators score a draft review and submit it;
- committee members vote on a dataset of a request under review;
- services introspect a live token and ask for new ones (OAuth client credentials).

Each write is made once (its target is taken from a queue); afterwards bench/load_db.py checks
that every write is in the database exactly once. Throughput, p50/p95/p99 per request kind and
the errors go to bench/results.json under `load` (or `soak`, with each worker's resident memory
at the start and the end).

The load generator is a plain asyncio script over aiohttp (already locked): Locust would add
gevent, pyzmq, Flask and a dozen more packages to requirements.lock for what fits in one file.

    .venv/bin/python bench/load.py [--duration 60] [--users 16] [--workers 3] [--soak]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
from common import merge_results
from run import (
    PYTHON,
    ROOT,
    BenchError,
    git_commit,
    production_server,
    token_client,
    warn_if_busy,
)

# Relative weights of the request kinds (a visitor's request is far more common than a vote).
MIX = {
    "catalogue_browse": 30,
    "catalogue_search": 20,
    "datasets_api_search": 10,
    "applicant_proposal": 6,
    "evaluator_review": 4,
    "committee_vote": 3,
    "service_introspect": 20,
    "service_token": 7,
}
WORDS = ("cohort", "imaging", "breast", "lung", "prostate", "colorectal", "MR", "CT")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak", action="store_true", help="record memory per worker (soak)")
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("LOAD_DURATION", "0")) or None,
        help="seconds of load (LOAD_DURATION; 60, or 600 with --soak)",
    )
    parser.add_argument("--users", type=int, default=16, help="simulated people at once (16)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--scale", type=int, default=1, help="generate_scale_data --scale (1)")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    args = parser.parse_args()
    args.duration = args.duration or (600 if args.soak else 60)
    try:
        result = run(args)
    except BenchError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 1
    key = "soak" if args.soak else "load"
    print(json.dumps({key: result}, indent=2))
    if not args.no_write:
        merge_results(key, result)
    failed = result["errors"]["total"] or any(
        figure["lost"] or figure["duplicated"] for figure in result["writes"].values()
    )
    return 1 if failed else 0


def run(args: argparse.Namespace) -> dict:
    load_before = warn_if_busy()
    with production_server(args.workers, scale=args.scale) as (base, env, database):
        targets = database_side(env, "setup")
        basic, live_token = token_client(base)
        workers = worker_pids(int(env["BENCH_SERVER_PID"]))
        memory_start = {pid: rss_mb(pid) for pid in workers}
        # Tokens carry their issue time in whole seconds: start on the next second, so that the
        # check counts the load's tokens and not the one introspected.
        time.sleep(1.1)
        started_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        load = Load(base, targets, basic, live_token)
        seconds = asyncio.run(load.run(args.duration, args.users))
        memory_end = {pid: rss_mb(pid) for pid in workers}
        writes = load.writes | {"call": targets["call"], "started_at": started_at.isoformat()}
        (ROOT / "bench" / "tmp" / "load-writes.json").write_text(json.dumps(writes))
        checked = database_side(env, "verify", writes)
    kinds = {
        kind: figures(samples, seconds, load.errors.get(kind, {}))
        for kind, samples in sorted(load.samples.items())
    }
    total = sum(len(samples) for samples in load.samples.values())
    result = {
        "duration_s": args.duration,
        "users": args.users,
        "requests": total,
        "rps": round(total / seconds, 1),
        "kinds": kinds,
        "errors": {
            "total": sum(sum(by_status.values()) for by_status in load.errors.values()),
            "by_kind": {kind: dict(by_status) for kind, by_status in load.errors.items()},
            "target": 0,
        },
        "writes": checked,
        "mix": MIX,
        "server": {
            "server": "gunicorn",
            "workers": args.workers,
            "worker_class": "sync",
            "database": database,
            "cache": "redis" if env.get("PORTAL_CACHE_URL") else "database",
            "broker": "configured" if env.get("CELERY_BROKER_URL") else "none (tasks in-process)",
            "scale_data": args.scale,
        },
        "load_generator": "bench/load.py (asyncio, aiohttp), same machine",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m_before": round(load_before, 2),
        },
        "git_commit": git_commit(),
        "date": started_at.isoformat(timespec="seconds"),
    }
    if args.soak:
        result["memory_per_worker_mb"] = {
            str(pid): {"start": memory_start[pid], "end": memory_end[pid]} for pid in workers
        }
        result["memory_growth_mb_max"] = max(
            (memory_end[pid] - memory_start[pid] for pid in workers), default=0.0
        )
    return result


def figures(samples: list[float], seconds: float, errors: dict) -> dict:
    ordered = sorted(samples)

    def percentile(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "requests": len(ordered),
        "rps": round(len(ordered) / seconds, 2),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "errors": sum(errors.values()),
    }


class Load:
    """The simulated people's requests, their latencies and errors, and the writes they made."""

    def __init__(self, base: str, targets: dict, basic: str, live_token: str) -> None:
        self.base, self.basic, self.live_token = base, basic, live_token
        self.call, self.track = targets["call"], targets["track"]
        self.applicants = targets["applicants"]
        self.reviews = [(e["token"], r) for e in targets["evaluators"] for r in e["reviews"]]
        self.votes = [(m["token"], v) for m in targets["committee"] for v in m["votes"]]
        random.Random(17).shuffle(self.reviews)
        random.Random(17).shuffle(self.votes)
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.writes: dict = {
            "proposals_created": [],
            "proposals_submitted": [],
            "reviews_submitted": [],
            "votes": [],
            "tokens_issued": 0,
        }
        self.numbers = iter(range(1, 10**9))

    async def run(self, duration: int, users: int) -> float:
        started = time.monotonic()
        deadline = started + duration
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            await asyncio.gather(
                *(self.person(session, deadline, random.Random(n)) for n in range(users))
            )
        return time.monotonic() - started

    async def person(self, session, deadline: float, rng: random.Random) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            await getattr(self, kind)(session, rng)

    async def request(self, session, kind: str, method: str, path: str, ok: int = 200, **kw):
        """One timed request; a status other than `ok` counts as an error of its kind."""
        started = time.perf_counter()
        try:
            async with session.request(method, self.base + path, **kw) as response:
                body = await response.read()
                status = response.status
        except (TimeoutError, OSError, aiohttp.ClientError) as exc:
            self.errors[kind][type(exc).__name__] += 1
            return None
        finally:
            self.samples[kind].append((time.perf_counter() - started) * 1000)
        if status != ok:
            self.errors[kind][str(status)] += 1
            return None
        return json.loads(body) if body and body[:1] in (b"{", b"[") else {}

    async def catalogue_browse(self, session, rng) -> None:
        await self.request(
            session, "catalogue_browse", "GET", f"/catalogue/?page={rng.randint(1, 5)}"
        )

    async def catalogue_search(self, session, rng) -> None:
        q = f"{rng.choice(WORDS)} {rng.randint(1, 99)}"
        await self.request(session, "catalogue_search", "GET", "/catalogue/", params={"q": q})

    async def datasets_api_search(self, session, rng) -> None:
        params = {"q": rng.choice(WORDS)}
        await self.request(
            session, "datasets_api_search", "GET", "/api/v1/datasets/", params=params
        )

    async def applicant_proposal(self, session, rng) -> None:
        applicant = rng.choice(self.applicants)
        headers = {"Authorization": f"Bearer {applicant['token']}"}
        title = f"Load proposal {next(self.numbers)}"
        body = {
            "call": self.call,
            "track": self.track,
            "organisation": applicant["organisation"],
            "title": title,
        }
        made = await self.request(
            session,
            "proposal_create",
            "POST",
            "/api/v1/proposals/",
            201,
            json=body,
            headers=headers,
        )
        if made is None:
            return
        self.writes["proposals_created"].append(title)
        path = f"/api/v1/proposals/{made['id']}/"
        answers = {"answers": {"summary": "Images of 2,000 patients, federated."}}
        if (
            await self.request(
                session, "proposal_save", "PATCH", path, json=answers, headers=headers
            )
            is None
        ):
            return
        if (
            await self.request(
                session, "proposal_submit", "POST", path + "submit/", headers=headers
            )
            is not None
        ):
            self.writes["proposals_submitted"].append(made["id"])

    async def evaluator_review(self, session, rng) -> None:
        if not self.reviews:
            return await self.catalogue_browse(session, rng)
        token, review = self.reviews.pop()
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/reviews/{review['id']}/"
        scores = [{"criterion": c, "value": rng.randint(1, 5)} for c in review["criteria"]]
        body = {"scores": scores, "comment": "Clear aims; the cohort fits the call."}
        if (
            await self.request(session, "review_score", "PATCH", path, json=body, headers=headers)
            is None
        ):
            return
        if (
            await self.request(session, "review_submit", "POST", path + "submit/", headers=headers)
            is not None
        ):
            self.writes["reviews_submitted"].append(review["id"])

    async def committee_vote(self, session, rng) -> None:
        if not self.votes:
            return await self.catalogue_search(session, rng)
        token, vote = self.votes.pop()
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/access-requests/{vote['request']}/vote/"
        body = {"item": vote["item"], "choice": rng.choice(["approve", "reject"])}
        if (
            await self.request(session, "committee_vote", "POST", path, json=body, headers=headers)
            is not None
        ):
            self.writes["votes"].append(vote)

    async def service_introspect(self, session, rng) -> None:
        await self.request(
            session,
            "service_introspect",
            "POST",
            "/oauth/introspect",
            data={"token": self.live_token},
            headers={"Authorization": self.basic},
        )

    async def service_token(self, session, rng) -> None:
        answer = await self.request(
            session,
            "service_token",
            "POST",
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "datasets"},
            headers={"Authorization": self.basic},
        )
        if answer is not None:
            self.writes["tokens_issued"] += 1


def database_side(env: dict[str, str], mode: str, payload: dict | None = None) -> dict:
    """Run bench/load_db.py in the server's environment; return the JSON it prints."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "load_db.py"), mode],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload or {}),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BenchError(f"bench/load_db.py {mode} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the master's children (Linux /proc)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(pid) for pid in children)


def rss_mb(pid: int) -> float:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError):
        return 0.0
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000, 1)


if __name__ == "__main__":
    sys.exit(main())
