"""`/api/v1/audit-events/`: the audit trail, read-only, for portal staff.

Other people get 403 on the list (the resource exists, they may not read it) and 404 on any one
event, whether it exists or not, so ids leak nothing.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from governance.api.permissions import SIGNED_IN
from governance.audit import selectors
from governance.audit.forms import AuditEventFilter
from governance.audit.models import AuditEvent
from governance.core.permissions import may


class AuditEventSerializer(serializers.ModelSerializer):
    actor_email = serializers.EmailField(
        source="actor.email",
        read_only=True,
        allow_null=True,
        help_text="Email of the person who acted; null for the system itself.",
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "sequence",
            "at",
            "actor",
            "actor_email",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "request_id",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Every recorded change, newest first. Filter like the staff page; order by `sequence` or
    `at` (prefix `-` for descending)."""

    serializer_class = AuditEventSerializer
    # Single events are hidden by the queryset instead (404), so ids leak nothing.
    action_rules = {"list": "audit.view_trail", "retrieve": SIGNED_IN}
    filterset_class = AuditEventFilter
    ordering_fields = ["sequence", "at"]
    ordering = ["-sequence"]

    def permission_denied(self, request, message=None, code=None):
        super().permission_denied(
            request, message=_("Only portal staff may read the audit trail."), code=code
        )

    def get_queryset(self):
        if not may(self.request.user, "audit.view_trail"):
            return AuditEvent.objects.none()
        return selectors.events()


def register(router) -> None:
    router.register("audit-events", AuditEventViewSet, basename="audit-event")
