"""What the audit trail records when another context announces an event."""

from __future__ import annotations

from governance.audit.services import record


def on_demo_seeded(sender, *, created: dict[str, int], **kwargs) -> None:
    record(
        actor=None,
        action="demo.seeded",
        object_type="demo",
        object_id="seed_demo",
        object_repr="Demo data",
        after={"created": created},
    )
