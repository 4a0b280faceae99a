"""Filters for the audit trail, shared by the staff page and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from governance.audit.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor_email = django_filters.CharFilter(
        field_name="actor__email",
        lookup_expr="icontains",
        label=_("Actor email"),
        help_text=_("Part of the address is enough."),
    )
    action = django_filters.CharFilter(
        lookup_expr="icontains",
        label=_("Action"),
        help_text=_("For example proposal.submitted, or just submitted."),
    )
    object_type = django_filters.CharFilter(
        lookup_expr="iexact",
        label=_("Object type"),
        help_text=_("For example accounts.apitoken."),
    )
    object_id = django_filters.CharFilter(label=_("Object id"))
    date_from = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From (date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To (date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["actor_email", "action", "object_type", "object_id", "date_from", "date_to"]
