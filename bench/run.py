"""Benchmark a production-like portal server on loopback and record the figures.

`make bench` runs this. It builds a fresh database (PostgreSQL when DATABASE_URL is set, else a
SQLite file under bench/tmp/), loads the demo data, collects static files, starts gunicorn with
two sync workers and debug off, and loads each endpoint with wrk at 32 connections for a bounded
time. The figures go to bench/results.json under one key per benchmark; keys written by other
benchmarks stay as they are.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TMP = BENCH / "tmp"
RESULTS = BENCH / "results.json"
PYTHON = sys.executable
PERSONA = "researcher@demo.example"
PASSWORD = "demo-pass-2026"
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "portal_bench")  # a run of its own: another name
TOKEN_CLIENT = "demo-processing"
TOKEN_SECRET = "demo-processing-secret"


class BenchError(Exception):
    """Something the person running the benchmark must fix; the message says what."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint (10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds, not recorded (2)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--scale", type=int, default=0, help="add generate_scale_data --scale N (none)"
    )
    parser.add_argument("--output", help="write the figures to this file, not to results.json")
    args = parser.parse_args()
    try:
        run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace) -> None:
    wrk = find_wrk()
    load_before = warn_if_busy()
    with production_server(args.workers, scale=args.scale) as (base, env, database):
        cookie = log_in(base)
        basic, access_token = token_client(base)
        server_config = {
            "server": "gunicorn",
            "workers": args.workers,
            "worker_class": "sync",
            "debug": False,
            "static": "collected with hashed names (manifest), not pre-compressed",
            "database": database,
            "cache": "redis" if env.get("PORTAL_CACHE_URL") else "database",
            "broker": "configured" if env.get("CELERY_BROKER_URL") else "none (tasks in-process)",
            "scale_data": args.scale,
        }
        benchmarks = {
            "healthz": ("/healthz", None, "GET /healthz (database and broker probe)"),
            "dashboard": ("/dashboard/", cookie, f"GET /dashboard/ signed in as {PERSONA}"),
            "bare_view": (
                "/bench/bare",
                None,
                "GET a bare Django JSON view through every middleware",
            ),
            "token_introspection": (
                "/oauth/introspect",
                None,
                f"POST /oauth/introspect (RFC 7662, HTTP Basic as {TOKEN_CLIENT}) of a live token",
                (f"token={access_token}", basic),
            ),
            "token_issuance": (
                "/oauth/token",
                None,
                f"POST /oauth/token client_credentials as {TOKEN_CLIENT} (JWT signed, recorded, "
                "audited)",
                ("grant_type=client_credentials&scope=datasets", basic),
            ),
        }
        if args.scale:
            benchmarks |= {
                "catalogue_page": ("/catalogue/", None, "GET /catalogue/ as a visitor"),
                "datasets_api": ("/api/v1/datasets/", None, "GET /api/v1/datasets/ as a visitor"),
            }
        context = {
            "connections": args.connections,
            "duration_s": args.duration,
            "load_generator": f"{wrk_version(wrk)}, {args.threads} thread(s), same machine",
            "server_config": server_config,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                # Other work on the machine slows the server down: read the figures with it.
                "load_average_1m_before": round(load_before, 2),
            },
            "git_commit": git_commit(),
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        figures = {}
        for key, (path, header, what, *post) in benchmarks.items():
            form = post[0] if post else None
            load(wrk, base + path, header, args.warmup, args.connections, args.threads, form)
            before = cpu_times()
            result = load(
                wrk, base + path, header, args.duration, args.connections, args.threads, form
            )
            result["cpu_steal_pct"] = steal_percent(before, cpu_times())
            figures[key] = {"what": what, **result, **context}
            print(
                f"bench: {key:<19} {result['rps']:>8.1f} req/s   p50 {result['p50_ms']:>7.2f} ms"
                f"   p99 {result['p99_ms']:>7.2f} ms   (CPU steal {result['cpu_steal_pct']}%)"
            )
    compare_with_targets(figures)
    if args.output:
        Path(args.output).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        print(f"bench: figures written to {args.output}")
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"bench: figures written to {RESULTS.relative_to(ROOT)}")


def warn_if_busy() -> float:
    load_before = os.getloadavg()[0]
    if load_before > 1.0:
        print(
            f"bench: warning: the machine is busy (load average {load_before:.1f}); the figures "
            "will be lower than on an idle machine (the load is recorded with them)."
        )
    return load_before


@contextmanager
def production_server(workers: int, *, scale: int = 0) -> Iterator[tuple[str, dict[str, str], str]]:
    """gunicorn (sync workers, debug off) on a fresh database with the demo data, and
    `generate_scale_data --scale N` on top when `scale` is given; yields (base URL, the server's
    environment, "postgresql" or "sqlite") and stops the server after."""
    TMP.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env, database = server_environment(port)
    print(f"bench: preparing a fresh {database} database, static files and demo data")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--clear", "--verbosity", "0")
    seed_demo(env)
    if scale:
        manage(env, "generate_scale_data", "--scale", str(scale))
    server_log = (TMP / "server.log").open("w")
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            f"--workers={workers}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server)
        yield base, env | {"BENCH_SERVER_PID": str(server.pid)}, database
    finally:
        stop(server)
        server_log.close()


# Issue 7's targets for introspection, measured beside the bare view in the same run.
INTROSPECTION_TARGETS = {"share_of_bare_view_min": 0.5, "p99_ms_max": 50.0}


def compare_with_targets(figures: dict) -> None:
    """Record introspection's share of the bare view's throughput and whether it meets its
    targets (the figures say so; the benchmark never fails on them)."""
    introspection, bare = figures.get("token_introspection"), figures.get("bare_view")
    if not introspection or not bare or not bare["rps"]:
        return
    share = round(introspection["rps"] / bare["rps"], 2)
    met = (
        share >= INTROSPECTION_TARGETS["share_of_bare_view_min"]
        and introspection["p99_ms"] < INTROSPECTION_TARGETS["p99_ms_max"]
    )
    introspection |= {
        "share_of_bare_view": share,
        "targets": INTROSPECTION_TARGETS,
        "targets_met": met,
    }
    print(
        f"bench: introspection at {share:.0%} of the bare view's throughput (target at least "
        f"50%), p99 {introspection['p99_ms']} ms (target under 50 ms): "
        + ("targets met" if met else "TARGETS MISSED")
    )


def find_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() != 0:
        raise BenchError(
            "the load generator wrk is not installed; install it (Debian/Ubuntu: "
            "`sudo apt-get install wrk`, macOS: `brew install wrk`) and run make bench again."
        )
    print("bench: installing wrk with apt-get")
    quiet = {
        "stdout": subprocess.DEVNULL,
        "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    }
    subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, **quiet)
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("could not install wrk with apt-get; install it and run make bench again.")
    return wrk


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk \S+", out.stdout + out.stderr)
    return match.group(0) if match else "wrk"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(port: int) -> tuple[dict[str, str], str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PORTAL_DEBUG": "0",
        "PORTAL_TESTING": "0",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(50),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "PORTAL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_STATIC_ROOT": str(TMP / "static"),
        "PORTAL_MEDIA_ROOT": str(TMP / "media"),
        "PORTAL_EMAIL_FILE_PATH": str(TMP / "mail"),
        "PORTAL_LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The token benchmarks hammer one client: its rate limits must not answer 429.
        "PORTAL_TOKEN_RATE_LIMIT": "1000000000",
        "PORTAL_TOKEN_INTROSPECTION_RATE_LIMIT": "1000000000",
    }
    env.pop("PORTAL_SECRET_KEY_FILE", None)
    env.pop("PORTAL_EMAIL_URL", None)  # nothing the benchmark does may reach a real mailbox
    database_url = os.environ.get("DATABASE_URL")
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = fresh_postgres_database(database_url)
        return env, "postgresql"
    if database_url:
        raise BenchError("DATABASE_URL must be a PostgreSQL URL, or unset to use SQLite.")
    sqlite = TMP / "bench.sqlite3"
    for leftover in TMP.glob("bench.sqlite3*"):
        leftover.unlink()
    env["DATABASE_URL"] = f"sqlite:///{sqlite}"
    return env, "sqlite"


def fresh_postgres_database(database_url: str) -> str:
    """Recreate the database `portal_bench` on the server of DATABASE_URL; return its URL."""
    import psycopg

    url = urlparse(database_url)
    admin_url = urlunparse(url._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    except psycopg.Error as exc:
        raise BenchError(
            f"could not create the database {BENCH_DATABASE} on the server of DATABASE_URL "
            f"({exc}); the benchmark needs a role that may create databases."
        ) from exc
    return urlunparse(url._replace(path=f"/{BENCH_DATABASE}"))


def manage(env: dict[str, str], *command: str) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(
            f"`manage.py {' '.join(command)}` failed:\n{done.stdout}{done.stderr}".rstrip()
        )
    print(f"bench:   manage.py {' '.join(command)} ({time.monotonic() - started:.1f} s)")
    return done.stdout


def seed_demo(env: dict[str, str]) -> None:
    """seed_demo refuses to run with debug off unless forced; older versions had no --force."""
    try:
        usage = manage(env, "help", "seed_demo")
    except BenchError as exc:
        raise BenchError(
            "the demo data command `manage.py seed_demo` is not available; the dashboard "
            f"benchmark signs in as {PERSONA}, whom it creates."
        ) from exc
    if "--force" in usage:
        manage(env, "seed_demo", "--force")
    else:
        manage({**env, "PORTAL_DEBUG": "1"}, "seed_demo")


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped at start; see {TMP / 'server.log'}.")
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or a worker still loading the portal
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within 60 s; see {TMP / 'server.log'}.")


def log_in(base: str) -> str:
    """Sign in through the login form like a person; return the Cookie header for wrk."""
    import requests

    with requests.Session() as session:
        page = session.get(f"{base}/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or not token:
            raise BenchError(f"the login page answered {page.status_code} without a form.")
        session.post(
            f"{base}/accounts/login/",
            data={"login": PERSONA, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        dashboard = session.get(f"{base}/dashboard/", allow_redirects=False, timeout=10)
        if dashboard.status_code != 200:
            raise BenchError(
                f"signing in as {PERSONA} did not lead to the dashboard (it answered "
                f"{dashboard.status_code}); is the demo data loaded?"
            )
        return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def load(
    wrk: str,
    url: str,
    cookie: str | None,
    seconds: int,
    connections: int,
    threads: int,
    form: tuple[str, str] | None = None,
) -> dict:
    """Load `url` with GETs, or with POSTs of `form` = (urlencoded body, Authorization header)."""
    script = BENCH / ("post.lua" if form else "report.lua")
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={script}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    env = os.environ.copy()
    if form:
        env |= {
            "BENCH_BODY": form[0],
            "BENCH_AUTHORIZATION": form[1],
            "BENCH_REPORT_LUA": str(BENCH / "report.lua"),
        }
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=False, env=env
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    if raw["not_200"] or raw["socket_errors"] or raw["timeouts"]:
        raise BenchError(
            f"{url} answered {raw['not_200']} non-200 responses, {raw['socket_errors']} socket "
            f"errors and {raw['timeouts']} timeouts under load; see {TMP / 'server.log'}."
        )
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "requests": raw["requests"],
    }


def token_client(base: str) -> tuple[str, str]:
    """The demo service's Basic header and one live access token (for introspection)."""
    import base64

    import requests

    basic = "Basic " + base64.b64encode(f"{TOKEN_CLIENT}:{TOKEN_SECRET}".encode()).decode()
    answer = requests.post(
        f"{base}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "datasets"},
        headers={"Authorization": basic},
        timeout=10,
    )
    if answer.status_code != 200:
        raise BenchError(
            f"the demo client {TOKEN_CLIENT} got no token ({answer.status_code}: "
            f"{answer.text[:200]}); is the demo data loaded?"
        )
    return basic, answer.json()["access_token"]


def cpu_times() -> list[int]:
    """The machine's CPU counters (Linux /proc/stat), or [] where there are none."""
    try:
        with open("/proc/stat") as stat:
            return [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return []


def steal_percent(before: list[int], after: list[int]) -> float | None:
    """Share of CPU time the hypervisor gave to other machines: high values mean low figures."""
    if len(before) < 8 or len(after) < 8:
        return None
    deltas = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(deltas[:8])
    return round(100 * deltas[7] / total, 1) if total else None


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD") or "unknown"
    return commit + ("+uncommitted" if git("status", "--porcelain") else "")


if __name__ == "__main__":
    sys.exit(main())
