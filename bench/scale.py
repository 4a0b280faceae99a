"""Run the benchmarks at two scales and record, per benchmark, the ratio of their costs.

`make bench` runs this after the full-size benchmarks. At each scale N (BENCH_SCALES, default
"1 10"):

- bench/run.py serves a database with the demo data plus `generate_scale_data --scale N` and loads
  every endpoint with wrk (cost: the median latency);
- the stand-alone benchmarks build N times their unit: catalogue_search 2,000 datasets,
  calls_ranking 1,000 proposals, engagement_results 5,000 responses, consent_import 10,000 rows
  (cost: their medians, and the import's seconds).

agreements_pdf is left out: one agreement's PDF does not depend on how many others there are.
The figures go to bench/results.json under `scale`: each benchmark's cost at both scales and the
ratio. A page, search or introspection should stay flat (ratio within 1.3); one that grows with
the data is listed under `findings`. An import grows with its file by nature (`grows_by_nature`).

    .venv/bin/python bench/scale.py [--scales 1 10] [--duration 5] [--only catalogue_search ...]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
FLAT_RATIO = 1.3

Figures = Callable[[dict], dict[str, float]]


def _catalogue(out: dict) -> dict[str, float]:
    found = {}
    for part in ("searches", "pages", "api"):
        for name, figure in out[part].items():
            found[f"{part}.{name}"] = figure["median_ms"]
    return found


def _ranking(out: dict) -> dict[str, float]:
    return {name: figure["median_ms"] for name, figure in out["pages"].items()}


def _survey(out: dict) -> dict[str, float]:
    return {
        "staff_view": out["staff_view"]["median_ms"],
        "public_view": out["public_view"]["median_ms"],
    }


def _consent(out: dict) -> dict[str, float]:
    run = out["runs"][0]
    return {"import_seconds": run["import_seconds"], "reimport_seconds": run["reimport_seconds"]}


# name: (its unit at scale 1, its arguments for a size, its costs read off its figures)
SCRIPTS: dict[str, tuple[int, list[str], Figures]] = {
    "catalogue_search": (2000, ["--datasets", "{n}", "--runs", "7"], _catalogue),
    "calls_ranking": (1000, ["--proposals", "{n}", "--runs", "7"], _ranking),
    "engagement_results": (5000, ["--responses", "{n}", "--runs", "5"], _survey),
    "consent_import": (10_000, ["--rows", "{n}"], _consent),
}
# What grows with the data by nature (an import reads every row it is given).
GROWS_BY_NATURE = {"consent_import.import_seconds", "consent_import.reimport_seconds"}
# Endpoints of bench/run.py: the median under load is their cost.
SERVER_KEYS = (
    "healthz",
    "dashboard",
    "bare_view",
    "token_introspection",
    "token_issuance",
    "catalogue_page",
    "datasets_api",
)


class ScaleError(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    parser.add_argument("--scales", type=int, nargs=2, default=default_scales[:2])
    parser.add_argument("--duration", type=int, default=5, help="wrk seconds per endpoint (5)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["server", *SCRIPTS],
        help="run only these benchmarks (default: all)",
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    args = parser.parse_args()
    low, high = sorted(args.scales)
    if low < 1 or low == high:
        parser.error("--scales needs two different scales of at least 1")
    chosen = args.only or ["server", *SCRIPTS]
    try:
        costs = {scale: measure(scale, chosen, args.duration) for scale in (low, high)}
    except ScaleError as exc:
        print(f"bench/scale: {exc}", file=sys.stderr)
        return 1
    result = compare(costs[low], costs[high], low, high)
    result |= {
        "benchmarks": chosen,
        "database": "postgresql"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "sqlite",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }
    print(json.dumps({"scale": result}, indent=2))
    if not args.no_write:
        from common import merge_results

        merge_results("scale", result)
    return 0


def measure(scale: int, chosen: list[str], duration: int) -> dict[str, float]:
    costs: dict[str, float] = {}
    if "server" in chosen:
        costs |= {f"server.{k}": v for k, v in server_costs(scale, duration).items()}
    for name in chosen:
        if name == "server":
            continue
        unit, template, figures = SCRIPTS[name]
        command = [arg.replace("{n}", str(unit * scale)) for arg in template]
        print(f"bench/scale: {name} at scale {scale} ({' '.join(command)})", flush=True)
        out = run_json([PYTHON, str(BENCH / f"{name}.py"), *command, "--no-write"], name)
        costs |= {f"{name}.{k}": v for k, v in figures(out).items()}
    return costs


def server_costs(scale: int, duration: int) -> dict[str, float]:
    print(f"bench/scale: bench/run.py at scale {scale}", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        done = subprocess.run(
            [
                PYTHON,
                str(BENCH / "run.py"),
                "--scale",
                str(scale),
                "--duration",
                str(duration),
                "--warmup",
                "1",
                "--output",
                output.name,
            ],
            cwd=ROOT,
            check=False,
        )
        if done.returncode:
            raise ScaleError(f"bench/run.py failed at scale {scale}")
        figures = json.loads(Path(output.name).read_text())
    return {key: figures[key]["p50_ms"] for key in SERVER_KEYS if key in figures}


def run_json(command: list[str], name: str) -> dict:
    """Run a benchmark with --no-write; its figures are the JSON object it prints last."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise ScaleError(f"{name} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    start = done.stdout.rfind(f'{{\n  "{name}": ')
    if start < 0:
        raise ScaleError(f"{name} printed no figures:\n{done.stdout[-2000:]}")
    figures, _end = json.JSONDecoder().raw_decode(done.stdout[start:])
    return figures[name]


def compare(low: dict[str, float], high: dict[str, float], at_low: int, at_high: int) -> dict:
    """Each benchmark's cost at both scales and their ratio; the ones that should stay flat but
    grow beyond FLAT_RATIO are the findings."""
    ratios = {}
    for key in sorted(low.keys() & high.keys()):
        ratio = round(high[key] / low[key], 2) if low[key] else None
        ratios[key] = {
            f"at_scale_{at_low}": low[key],
            f"at_scale_{at_high}": high[key],
            "ratio": ratio,
            "grows_by_nature": key in GROWS_BY_NATURE,
        }
    findings = [
        key
        for key, figure in ratios.items()
        if not figure["grows_by_nature"] and figure["ratio"] is not None
        if figure["ratio"] > FLAT_RATIO
    ]
    return {
        "scales": [at_low, at_high],
        "cost": "median latency in ms (server endpoints under wrk load: p50), import: seconds",
        "target": f"list pages, searches and introspection within {FLAT_RATIO}x",
        "ratios": ratios,
        "findings": findings,
    }


if __name__ == "__main__":
    sys.exit(main())
