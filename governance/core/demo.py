"""The demo data of SPEC section 6, as a registry that every app extends.

`python manage.py seed_demo` calls `seed_all()`, which runs each installed app's
`governance.<app>.demo.seed(context)` in INSTALLED_APPS order, all in one transaction. An app's
`seed` must be idempotent (look objects up by a natural key, create only what is missing) and
puts what later apps need into the context under a documented key, e.g. `context["org.applicant"]`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.db import transaction

from governance.core import events
from governance.core.discovery import app_modules

DEMO_PASSWORD = "demo-pass-2026"  # nosec B105 # published; seed_demo refuses to run without DEBUG
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # nosec B105 # base32, published: the README and seed_demo print it


@dataclass
class DemoPerson:
    email: str
    roles: list[str]
    organisation: str
    has_totp: bool = False


@dataclass
class DemoContext:
    """What the seeds have made so far, by key, and a tally for the command's report.

    `context["org.applicant"]` finds what an earlier seed stored; `tally(kind, created)` counts
    objects for the report; `people` lists the demo personas; `notes` are paragraphs the
    command prints at the end (e.g. an OAuth client's id and secret).
    """

    objects: dict[str, Any] = field(default_factory=dict)
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    people: list[DemoPerson] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        try:
            return self.objects[key]
        except KeyError:
            raise KeyError(
                f"The demo context has no {key!r} yet: the app that makes it must come earlier "
                f"in INSTALLED_APPS. Known keys: {', '.join(sorted(self.objects))}"
            ) from None

    def __setitem__(self, key: str, value: Any) -> None:
        self.objects[key] = value

    def __contains__(self, key: str) -> bool:
        return key in self.objects

    def tally(self, kind: str, created: bool) -> None:
        """Count one object of `kind` (a plural noun, e.g. "organisations") as new or kept."""
        (self.created if created else self.existing)[kind] += 1

    @property
    def created_anything(self) -> bool:
        return sum(self.created.values()) > 0


def demo_modules() -> list[ModuleType]:
    """The `demo` modules of the portal's apps that define `seed`, in INSTALLED_APPS order."""
    return [
        module for _config, module in app_modules("demo") if callable(getattr(module, "seed", None))
    ]


def seed_all() -> DemoContext:
    """Create whatever demo data is missing; running it again changes nothing."""
    context = DemoContext()
    with transaction.atomic():
        for module in demo_modules():
            module.seed(context)
        if context.created_anything:
            events.demo_seeded.send(sender=DemoContext, created=dict(context.created))
    return context
