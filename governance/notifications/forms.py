"""Filters for the outbox page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from governance.notifications.models import OutboundEmail


class OutboundEmailFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=OutboundEmail.State.choices, label=_("State"), empty_label=_("Any state")
    )
    recipient = django_filters.CharFilter(
        field_name="to",
        lookup_expr="icontains",
        label=_("Recipient"),
        help_text=_("Part of the address is enough."),
    )
    template = django_filters.CharFilter(
        lookup_expr="icontains",
        label=_("Template"),
        help_text=_("For example password_reset or accounts/."),
    )
    date_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Queued from (date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Queued until (date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = OutboundEmail
        fields = ["state", "recipient", "template", "date_from", "date_to"]
