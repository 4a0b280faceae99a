from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyViolation(ValueError):
    """Somebody tried to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk changes too. Raw SQL still gets through: on PostgreSQL a trigger stops it."""

    def update(self, **kwargs):
        raise AppendOnlyViolation("Audit events are append-only and cannot be changed.")

    def delete(self):
        raise AppendOnlyViolation("Audit events are append-only and cannot be deleted.")


class AuditEvent(models.Model):
    """One recorded change. Append-only; its hash covers its content and the previous hash.

    Three layers keep it append-only: `save()` refuses an existing row, `delete()` and the
    queryset's `update()`/`delete()` refuse outright, and on PostgreSQL a trigger (migration 0002)
    refuses UPDATE and DELETE from any client. What gets past all three (raw SQL on SQLite, a
    superuser disabling the trigger, TRUNCATE) is caught by `manage.py verify_audit`.
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(_("time"), db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for the system itself (scheduled tasks, imports)."),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyViolation("Audit events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation("Audit events are append-only and cannot be deleted.")

    def changes(self) -> list[tuple[str, str | None, str | None]]:
        """(field, before, after) for each field either summary names, values as display text."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        return [
            (key, _display(before.get(key)), _display(after.get(key)))
            for key in sorted(before.keys() | after.keys())
        ]


def _display(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class AuditChainHead(models.Model):
    """A single row holding the chain's tip; locking it orders concurrent appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head at #{self.sequence}"
