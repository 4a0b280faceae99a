"""The technical admin site. Portal roles, organisations and erasure are managed in the portal's
own pages, where every change goes through a service and is audited; here changes to
organisations and memberships go through the same services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from governance.accounts import forms, services
from governance.accounts.models import ApiToken, ErasureRequest, Membership, Organisation, User
from governance.audit.services import record
from governance.core.errors import PortalError


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "created_at"]
    readonly_fields = ["organisation", "role", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # roles are given on the organisation's page (audited)


@admin.register(User)
class PersonAdmin(UserAdmin):
    form = forms.PersonChangeForm
    add_form = forms.PersonCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined", "erased_at"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "erased_at"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (
            _("Admin site access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("date_joined", "last_login", "erased_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # people are erased through an erasure request, never deleted

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="person.changed_in_admin" if change else "person.created_in_admin",
            object_type="accounts.user",
            object_id=obj.pk,
            object_repr=services.person_repr(obj),
            after={"changed": sorted(form.changed_data)},
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "provider_type", "is_for_profit"]
    list_filter = ["provider_type", "is_for_profit", "country"]
    search_fields = ["name", "short_name"]

    def has_delete_permission(self, request, obj=None):
        return False  # memberships and history point at organisations

    def save_model(self, request, obj, form, change):
        values = {field: form.cleaned_data[field] for field in services.ORGANISATION_FIELDS}
        if change:
            obj.refresh_from_db()
            services.organisation_update(organisation=obj, actor=request.user, **values)
            obj.refresh_from_db()
        else:
            created = services.organisation_create(actor=request.user, **values)
            obj.pk = created.pk


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "organisation", "created_at"]
    list_filter = ["role"]
    search_fields = ["person__email", "organisation__name"]
    list_select_related = ["person", "organisation"]
    raw_id_fields = ["person", "organisation"]

    def has_change_permission(self, request, obj=None):
        return False  # a role is added or removed, never edited

    def save_model(self, request, obj, form, change):
        created = services.membership_add(
            organisation=obj.organisation, person=obj.person, role=obj.role, actor=request.user
        )
        obj.pk = created.pk

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj, actor=request.user)
        except PortalError as exc:
            messages.error(request, exc.detail)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)


# Everything but the hash.
TOKEN_FIELDS = (
    "person",
    "name",
    "prefix",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "person", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["person"]
    search_fields = ["name", "prefix", "person__email"]
    fields = TOKEN_FIELDS
    readonly_fields = TOKEN_FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "person", "state", "requested_at", "decided_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["person", "decided_by"]
    readonly_fields = [
        "person",
        "state",
        "reason",
        "requested_at",
        "decided_at",
        "decided_by",
        "decision_note",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided on the portal's erasure page, which runs the erasure

    def has_delete_permission(self, request, obj=None):
        return False
