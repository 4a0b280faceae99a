"""Writing the audit trail. Call `record` inside the transaction that makes the change."""

from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import selectors
from governance.audit.hashing import GENESIS_HASH, event_hash, hashed_fields
from governance.audit.models import AuditChainHead, AuditEvent
from governance.core.errors import NotPermitted
from governance.core.middleware import current_request_id
from governance.core.permissions import may

__all__ = ["GENESIS_HASH", "event_hash", "hashed_fields", "record", "verify_trail"]


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `actor` is the person who acted, or None for the system. `obj` names the changed object;
    without it give `object_type` and `object_id`. `before`/`after` are short summaries of the
    fields that changed, not copies of personal data.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:200],
            before=_jsonable(before or {}),
            after=_jsonable(after or {}),
            request_id=current_request_id(),
            prev_hash=head.hash,
        )
        event.hash = event_hash(prev_hash=head.hash, fields=hashed_fields(event))
        event.save()
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def verify_trail(*, actor) -> selectors.ChainReport:
    """Staff check the chain from the audit page; the check and its outcome are recorded too."""
    if not may(actor, "audit.view_trail"):
        raise NotPermitted(_("Only portal staff may verify the audit trail."))
    report = selectors.verify_chain()
    record(
        actor=actor,
        action="audit.verified",
        object_type="audit.auditchainhead",
        object_id=1,
        object_repr="Audit trail",
        after={
            "intact": report.intact,
            "events": report.events,
            "last_sequence": report.last_sequence,
            "bad_sequence": report.bad_sequence,
        },
    )
    return report


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    # Round-trip so the stored JSON hashes the same as it will read back (dates become strings).
    return json.loads(json.dumps(summary, default=str))
