"""The authorization matrix: every area's rows (tests/authz/areas/), collected.

How a row reads is in tests/authz/table.py. Each area (tests/authz/areas/<name>.py) has `ROWS`,
the endpoint prefixes it owns (`PREFIXES`: URL names' namespaces, "METHOD /api/v1/resource/"),
and may name demo objects of its own (`SUBJECTS`, merged into subjects.SUBJECTS). Each area is
one test (the demo data seeded once for it).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from tests.authz import subjects
from tests.authz.table import ANONYMOUS, PERSONAS, Row

__all__ = ["ANONYMOUS", "AREAS", "OWNERS", "PERSONAS", "ROWS", "Row"]


def _area_modules():
    package = Path(__file__).parent / "areas"
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        yield info.name, importlib.import_module(f"tests.authz.areas.{info.name}")


AREAS: dict[str, list[Row]] = {}
OWNERS: dict[str, tuple[str, ...]] = {}
for _name, _module in _area_modules():
    AREAS[_name] = list(_module.ROWS)
    OWNERS[_name] = tuple(_module.PREFIXES)
    subjects.SUBJECTS.update(getattr(_module, "SUBJECTS", {}))

ROWS: list[Row] = [row for rows in AREAS.values() for row in rows]
