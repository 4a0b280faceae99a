from django.contrib import admin

from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal


@admin.register(ConsentForm)
class ConsentFormAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "title", "organisation", "state", "language"]
    list_filter = ["state", "language", "legal_basis"]
    search_fields = ["code", "title"]
    readonly_fields = ["state", "version", "published_at", "supersedes"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "dataset", "form", "given_on", "status"]
    list_filter = ["status", "scope"]
    search_fields = ["pseudonym"]
    raw_id_fields = ["dataset", "form"]
    readonly_fields = ["status", "withdrawn_on"]


@admin.register(ConsentWithdrawal)
class ConsentWithdrawalAdmin(admin.ModelAdmin):
    list_display = ["record", "withdrawn_on", "scope", "recorded_by"]
    raw_id_fields = ["record"]
    readonly_fields = ["notified_grants"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a withdrawal is final; record it through the portal
