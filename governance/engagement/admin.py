from django.contrib import admin

from governance.engagement import models


class SectionInline(admin.StackedInline):
    model = models.PolicySection
    extra = 0


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
