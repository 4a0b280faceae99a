"""A realistic, consistent data set in bulk, proportional to a scale factor.

`manage.py generate_scale_data --scale N` calls `generate(scale=N)`, which runs each installed
app's `governance.<app>.scale.build(batch)` in INSTALLED_APPS order (the order of dependence:
people before the calls they apply to), all in one transaction, then each `finish(batch)` (the
audit app chains the batch's events there). An app's `PER_SCALE` states what one unit of scale
holds; `--scale N` makes N times each, so a benchmark at scale 10 sees ten times the work of
scale 1. Objects are written with bulk_create, in states their machines allow and with the rows
each state implies; an app's `problems()` says what is inconsistent (empty when nothing is).

The builders bypass the services on purpose: the same data made one service call at a time would
take hours at scale 10. Every run adds a new batch, its names tagged with the run's own suffix.
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.core.discovery import app_modules

# The password of every generated person (the load generator signs in with it).
SCALE_PASSWORD = "scale-pass-2026"  # nosec B105 # synthetic people of a benchmark database

COUNTRIES = ("AT", "BE", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "NL", "PL", "PT", "SE")


@dataclass
class Batch:
    """What one run made so far, for the builders that come after, and the events to audit."""

    scale: int
    tag: str
    now: datetime.datetime
    counts: Counter[str] = field(default_factory=Counter)
    audit: list[dict[str, Any]] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)

    def audited(self, *, actor_id: int | None, action: str, obj, after: dict[str, Any]) -> None:
        """Note an event the service would have recorded; the audit app chains them at the end."""
        self.audit.append(
            {
                "actor_id": actor_id,
                "action": action,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "after": after,
            }
        )


def scale_modules() -> list[ModuleType]:
    """Each app's `scale` module in INSTALLED_APPS order (this one is core's, not a builder)."""
    return [module for _config, module in app_modules("scale", exclude=("core",))]


def per_scale() -> dict[str, int]:
    """What one unit of scale holds, kind by kind, over every app."""
    counts: dict[str, int] = {}
    for module in scale_modules():
        counts |= getattr(module, "PER_SCALE", {})
    return counts


def expected_counts(scale: int) -> dict[str, int]:
    return {kind: count * scale for kind, count in per_scale().items()}


def generate(*, scale: int) -> Batch:
    """Build one batch of `scale` units in one transaction; return what it made."""
    if scale < 1:
        raise ValueError("The scale must be at least 1.")
    batch = Batch(scale=scale, tag=secrets.token_hex(3), now=timezone.now())
    modules = scale_modules()
    with transaction.atomic():
        for module in modules:
            if hasattr(module, "build"):
                module.build(batch)
        for module in modules:
            if hasattr(module, "finish"):
                module.finish(batch)
    return batch


def problems() -> list[str]:
    """What is inconsistent in the data, over every app (empty when nothing is)."""
    return [
        problem
        for module in scale_modules()
        if hasattr(module, "problems")
        for problem in module.problems()
    ]


def unknown_states(machine, model) -> list[str]:
    """A problem if some rows of `model` are in a state `machine` does not know."""
    unknown = model._default_manager.exclude(state__in=machine.states)
    count = unknown.count()
    if not count:
        return []
    return [f"{count} {model.__name__} rows in a state the {machine.name} machine lacks"]
