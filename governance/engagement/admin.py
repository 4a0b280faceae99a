from django.contrib import admin

from governance.engagement import models


def _is_published(version) -> bool:
    return version is not None and version.state == models.PolicyVersion.State.PUBLISHED


class SectionInline(admin.StackedInline):
    """Published versions never change: their sections are read-only here as in the portal."""

    model = models.PolicySection
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


class TranslationInline(admin.StackedInline):
    model = models.PolicyTranslation
    extra = 0


@admin.register(models.PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]


@admin.register(models.PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["document", "number", "state", "published_at"]
    inlines = [SectionInline, TranslationInline]

    def get_readonly_fields(self, request, obj=None):
        if _is_published(obj):
            return ["document", "number", "state", "plain_summary", "change_note", "published_at"]
        return ["state", "published_at"]


@admin.register(models.Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "closes_at"]
    readonly_fields = ["state", "opened_at", "response_published_at"]


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "capacity", "is_published"]


@admin.register(models.Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "access", "anonymous", "closes_at"]
    readonly_fields = ["state", "opened_at", "closed_at", "results_published_at"]
