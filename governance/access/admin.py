from django.contrib import admin

from governance.access.models import (
    AccessRequest,
    Committee,
    CommitteeConflict,
    CommitteeMember,
    RequestedDataset,
)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "decision_rule", "quorum", "reminder_days"]
    filter_horizontal = ["datasets"]
    inlines = [CommitteeMemberInline]


@admin.register(CommitteeConflict)
class CommitteeConflictAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "declared_at"]
    raw_id_fields = ["person"]


class RequestedDatasetInline(admin.TabularInline):
    model = RequestedDataset
    extra = 0
    readonly_fields = ["dataset", "access_condition", "committee", "outcome", "decided_by"]
    can_delete = False


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change state only through the services (and are audited there)."""

    list_display = ["title", "researcher", "organisation", "state", "version", "submitted_at"]
    list_filter = ["state"]
    inlines = [RequestedDatasetInline]

    def has_change_permission(self, request, obj=None):
        return False
