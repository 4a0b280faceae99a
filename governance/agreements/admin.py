"""Read-mostly admin: agreements, signatures and grants change only through the services."""

from django.contrib import admin

from governance.agreements.models import Agreement, AgreementSignature, AgreementTemplate, Grant


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A version that agreements were drafted from never changes: add a new version instead.
        return ["version", "title", "body"] if obj is not None and obj.agreements.exists() else []


class SignatureInline(admin.TabularInline):
    model = AgreementSignature
    extra = 0
    can_delete = False
    readonly_fields = ("signer", "role", "signed_at", "ip", "method", "document_sha256")
    fields = ("signer", "role", "signed_at", "ip", "method", "document_sha256")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["pk", "request", "version", "holder", "researcher", "state", "ends_on"]
    list_filter = ["state"]
    search_fields = ["request__title", "researcher__email", "holder__name"]
    inlines = [SignatureInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["pk", "person", "dataset", "access_condition", "state", "starts_at", "ends_at"]
    list_filter = ["state", "access_condition"]
    search_fields = ["person__email", "dataset__title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
