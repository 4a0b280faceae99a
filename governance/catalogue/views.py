from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.accounts.roles import ProviderType
from governance.catalogue import selectors, services
from governance.catalogue.contradictions import contradictions
from governance.catalogue.forms import DatasetForm, ModifierFormSet, StatementForm, modifier_initial
from governance.catalogue.plain import describe
from governance.catalogue.selectors import Facet, SearchFilters
from governance.core.charts import bar_chart
from governance.core.errors import PortalError
from governance.core.forms import show_error
from governance.core.permissions import may, require

PAGE_SIZE = 25


@require_GET
def search(request):
    filters = selectors.filters_from(request.GET)
    result = selectors.search_datasets(filters)
    page = result.page(request.GET.get("page"), PAGE_SIZE)
    chips = filter_chips(request.GET, filters, result.facets)
    return render(
        request,
        "catalogue/search.html",
        {
            "filters": filters,
            "facets": result.facets,
            "page": page,
            "chips": chips,
            "any_filter": bool(chips),
        },
    )


@dataclass
class FilterChip:
    """One chosen filter, and the same search without it."""

    facet: str
    value: str
    url: str


def filter_chips(params, filters: SearchFilters, facets: list[Facet]) -> list[FilterChip]:
    chips = []
    if filters.query:
        chips.append(FilterChip(_("Words"), f"“{filters.query}”", _search_without(params, "q")))
    for facet in facets:
        for value in facet.values:
            if value.selected:
                chips.append(
                    FilterChip(
                        facet.label, value.label, _search_without(params, facet.name, value.value)
                    )
                )
    return chips


def _search_without(params, name: str, value: str | None = None) -> str:
    """The catalogue URL of `params` without one value of `name` (all of them if None)."""
    query = QueryDict(mutable=True)
    for key in params:
        if key == "page":
            continue
        kept = [
            kept
            for kept in params.getlist(key)
            if kept and not (key == name and (value is None or kept[:60] == value))
        ]
        if kept:
            query.setlist(key, kept)
    encoded = query.urlencode()
    return reverse("catalogue:search") + (f"?{encoded}" if encoded else "")


@require_GET
def dataset_detail(request, pk: int):
    dataset = selectors.dataset_for(request.user, pk)
    current = dataset.current_statement
    can_edit = may(request.user, "catalogue.change_dataset", dataset)
    return render(
        request,
        "catalogue/dataset_detail.html",
        {
            "dataset": dataset,
            "statement": current,
            "plain": describe(current) if current else None,
            "history": selectors.statement_history(dataset, request.user),
            "can_edit": can_edit,
            "draft": selectors.draft_of(dataset) if can_edit else None,
        },
    )


@require_GET
def statement_detail(request, pk: int):
    statement = selectors.statement_for(request.user, pk)
    return render(
        request,
        "catalogue/statement_detail.html",
        {
            "statement": statement,
            "dataset": statement.dataset,
            "plain": describe(statement),
            "can_edit": may(request.user, "catalogue.change_statement", statement),
        },
    )


@login_required
@require_GET
def my_datasets(request):
    require(request.user, "catalogue.add_dataset")
    datasets = selectors.with_listing_details(
        selectors.datasets_editable_by(request.user)
    ).order_by("title")
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/my_datasets.html", {"page": page})


@login_required
def dataset_create(request):
    require(request.user, "catalogue.add_dataset")
    custodians = selectors.custodians_for(request.user)
    form = DatasetForm(request.POST or None, custodians=custodians)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_create(
                actor=request.user,
                custodian=form.cleaned_data["custodian"],
                data=form.service_data(),
            )
        except PortalError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The dataset is registered. Write its availability statement to publish it."),
            )
            return redirect("catalogue:dataset", pk=dataset.pk)
    return render(request, "catalogue/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request, pk: int):
    dataset = selectors.editable_dataset_for(request.user, pk)
    custodians = selectors.custodians_for(request.user)
    form = DatasetForm(request.POST or None, instance=dataset, custodians=custodians)
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_update(
                actor=request.user,
                dataset=dataset,
                data={"custodian": form.cleaned_data["custodian"], **form.service_data()},
            )
        except PortalError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The dataset is saved."))
            return redirect("catalogue:dataset", pk=dataset.pk)
    return render(request, "catalogue/dataset_form.html", {"form": form, "dataset": dataset})


@login_required
@require_POST
def statement_new(request, pk: int):
    dataset = selectors.editable_dataset_for(request.user, pk)
    try:
        statement = services.statement_create_draft(actor=request.user, dataset=dataset)
    except PortalError as error:
        messages.error(request, error.detail)
        return redirect("catalogue:dataset", pk=dataset.pk)
    return redirect("catalogue:statement_edit", pk=statement.pk)


@login_required
def statement_edit(request, pk: int):
    statement = selectors.editable_statement_for(request.user, pk)
    if not statement.is_draft:
        messages.info(
            request,
            _("Version %(version)s is %(state)s and cannot change; start a new version to edit.")
            % {"version": statement.version, "state": statement.get_state_display().lower()},
        )
        return redirect("catalogue:statement", pk=statement.pk)
    if request.method == "POST":
        form = StatementForm(request.POST, instance=statement)
        modifiers = ModifierFormSet(request.POST, prefix="modifiers")
        if form.is_valid() and modifiers.is_valid():
            data = {**form.service_data(), "modifiers": modifiers.service_data()}  # type: ignore[attr-defined]
            try:
                services.statement_update_draft(actor=request.user, statement=statement, data=data)
            except PortalError as error:
                show_error(form, error, formsets={"modifiers": modifiers})
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("catalogue:statement_edit", pk=statement.pk)
    else:
        form = StatementForm(instance=statement)
        modifiers = ModifierFormSet(initial=modifier_initial(statement), prefix="modifiers")
    return render(
        request,
        "catalogue/statement_form.html",
        {
            "statement": statement,
            "dataset": statement.dataset,
            "form": form,
            "modifiers": modifiers,
            "problems": contradictions(statement),
        },
    )


@login_required
@require_POST
def statement_publish(request, pk: int):
    statement = selectors.editable_statement_for(request.user, pk)
    try:
        services.statement_publish(actor=request.user, statement=statement)
    except services.ContradictoryStatement:
        messages.error(
            request,
            _("The statement was not published: fix the problems listed on this page first."),
        )
        return redirect("catalogue:statement_edit", pk=statement.pk)
    except PortalError as error:
        messages.error(request, error.detail)
        return redirect("catalogue:dataset", pk=statement.dataset_id)
    messages.success(
        request,
        _("Version %(version)s is published; the catalogue now shows it.")
        % {"version": statement.version},
    )
    return redirect("catalogue:dataset", pk=statement.dataset_id)


@require_GET
def sites(request):
    chosen = [value for value in request.GET.getlist("provider_type") if value in ProviderType]
    groups = selectors.participating_sites(provider_types=chosen)
    chart = bar_chart(
        _("Participating organisations per country"),
        [(group.name, len(group.sites)) for group in groups],
    )
    return render(
        request,
        "catalogue/sites.html",
        {
            "groups": groups,
            "chart": chart,
            "total": sum(len(group.sites) for group in groups),
            "provider_types": [
                (value, label, value in chosen) for value, label in ProviderType.choices
            ],
            "type_labels": dict(ProviderType.choices),
        },
    )


@require_GET
def coverage(request):
    figures = selectors.coverage()
    charts = {
        name: bar_chart(title, [(row.label.strip(), row.subjects) for row in figures[name]])
        for name, title in (
            ("cancer_types", _("Subjects by cancer type")),
            ("modalities", _("Subjects by imaging modality")),
            ("countries", _("Subjects by country of the custodian")),
            ("hosting", _("Subjects by hosting")),
        )
    }
    sections = [
        (name, title, figures[name], charts[name])
        for name, title in (
            ("cancer_types", _("By cancer type")),
            ("modalities", _("By imaging modality")),
            ("countries", _("By country")),
            ("hosting", _("By hosting")),
        )
    ]
    return render(
        request, "catalogue/coverage.html", {"total": figures["total"], "sections": sections}
    )
