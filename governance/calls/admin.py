from django.contrib import admin

from governance.calls.models import (
    Call,
    Criterion,
    Decision,
    Proposal,
    Question,
    Subscription,
    Track,
)


class TrackInline(admin.StackedInline):
    model = Track
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "opens_at", "deadline", "is_published")
    inlines = [TrackInline, CriterionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("label", "track", "kind", "required")
    list_filter = ("kind",)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    # State changes go through the services (audited); the admin only reads.
    list_display = ("title", "call", "organisation", "state", "submitted_at")
    list_filter = ("state", "call")
    readonly_fields = ("state", "snapshot", "answers", "submitted_at", "withdrawn_at")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("proposal", "outcome", "stage", "decided_by", "released_at")
    readonly_fields = ("stage", "released_at", "letter", "letter_sha256")


admin.site.register(Subscription)
