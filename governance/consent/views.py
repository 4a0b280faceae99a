"""Consent pages. Holders (and staff) see their datasets' records; patient-organisation
representatives see aggregated figures and the forms in use, never a pseudonym."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.accounts.selectors import holder_organisation_ids, organisations
from governance.consent import importing, selectors, services
from governance.consent.charts import column_chart
from governance.consent.fhir import bundle_chunks
from governance.consent.forms import (
    ConsentFormForm,
    ConsentRecordForm,
    ImportForm,
    PseudonymForm,
    RecordFilter,
    WithdrawalForm,
)
from governance.consent.plain import permitted_uses
from governance.core.actions import attempt, form_action, perform
from governance.core.errors import PortalError
from governance.core.forms import show_error
from governance.core.listing import filtered_page
from governance.core.permissions import may

PAGE_SIZE = 50


def _require(request, permission: str, obj=None) -> None:
    # Pages a person has no business on are as unknown to them as a missing page.
    if not may(request.user, permission, obj):
        raise Http404


@login_required
@require_GET
def overview(request):
    """The holder's datasets with their consent counts, the forms, recent withdrawals."""
    if not may(request.user, "consent.manage_records"):
        if may(request.user, "consent.view_figures"):
            return redirect("consent:figures")
        raise Http404
    datasets = list(selectors.datasets_with_counts(request.user))
    return render(
        request,
        "consent/overview.html",
        {
            "datasets": datasets,
            "withdrawals": selectors.recent_withdrawals(request.user, limit=10),
            "pseudonym_form": PseudonymForm(),
        },
    )


@login_required
@require_GET
def dataset_records(request, pk: int):
    dataset = selectors.managed_dataset_for(request.user, pk)
    counts = selectors.counts_for(dataset.pk)
    months = selectors.withdrawals_by_month([dataset.pk], today=timezone.localdate())
    chart = column_chart(
        _("Withdrawals per month, last 12 months"),
        [(month.strftime("%Y-%m"), n, str(n)) for month, n in months],
    )
    filterset = RecordFilter(request.GET, queryset=selectors.records_of(dataset))
    return render(
        request,
        "consent/dataset.html",
        {
            "dataset": dataset,
            "counts": counts,
            "chart": chart,
            **filtered_page(request, filterset, page_size=PAGE_SIZE),
        },
    )


@login_required
def record_create(request, pk: int):
    dataset = selectors.managed_dataset_for(request.user, pk)
    form = ConsentRecordForm(
        request.POST or None, forms_queryset=selectors.forms_usable_for(dataset)
    )
    if request.method == "POST" and form.is_valid():
        done, record = form_action(
            form,
            lambda: services.record_create(
                actor=request.user, dataset=dataset, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The consent record is saved."))
            return redirect("consent:record", pk=record.pk)
    return render(request, "consent/record_form.html", {"dataset": dataset, "form": form})


@login_required
def import_records(request, pk: int):
    dataset = selectors.managed_dataset_for(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = importing.import_records(
                actor=request.user, dataset=dataset, file=getattr(upload, "file", upload)
            )
        except importing.ImportRefused as refused:
            report = refused.report
            form.add_error(None, refused.detail)
        except PortalError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Imported %(rows)s rows: %(created)s new records, %(unchanged)s already "
                    "recorded and unchanged."
                )
                % {"rows": report.rows, "created": report.created, "unchanged": report.unchanged},
            )
            return redirect("consent:dataset", pk=dataset.pk)
    return render(
        request,
        "consent/import.html",
        {
            "dataset": dataset,
            "form": form,
            "report": report,
            "usable_forms": selectors.forms_usable_for(dataset),
        },
    )


@login_required
@require_GET
def record_detail(request, pk: int):
    record = selectors.record_for(request.user, pk)
    return render(
        request,
        "consent/record_detail.html",
        {
            "record": record,
            "withdrawal_form": None
            if record.is_withdrawn
            else WithdrawalForm(initial={"withdrawn_on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def record_withdraw(request, pk: int):
    record = selectors.record_for(request.user, pk)
    form = WithdrawalForm(request.POST)
    if form.is_valid():
        done, _withdrawn = form_action(
            form,
            lambda: services.record_withdraw(
                actor=request.user, record=record, **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request,
                _(
                    "The withdrawal is recorded. Researchers and committees with access to the "
                    "dataset are told to exclude %(pseudonym)s."
                )
                % {"pseudonym": record.pseudonym},
            )
            return redirect("consent:record", pk=record.pk)
    return render(
        request,
        "consent/record_detail.html",
        {"record": record, "withdrawal_form": form},
        status=400,
    )


@login_required
@require_GET
def pseudonym_history(request):
    _require(request, "consent.manage_records")
    form = PseudonymForm(request.GET or None)
    records = (
        selectors.history_of(request.user, form.cleaned_data["pseudonym"].strip())
        if (form.is_valid())
        else []
    )
    return render(request, "consent/history.html", {"form": form, "records": records})


@login_required
@require_GET
def dataset_fhir_bundle(request, pk: int):
    dataset = selectors.managed_dataset_for(request.user, pk)
    return fhir_bundle_response(dataset)


def fhir_bundle_response(dataset) -> StreamingHttpResponse:
    records = (
        selectors.records_of(dataset)
        .select_related("dataset", "dataset__custodian", "form")
        .iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        bundle_chunks(records, title=dataset.title), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="consent-dataset-{dataset.pk}.json"'
    return response


# Forms


@login_required
@require_GET
def form_list(request):
    _require(request, "consent.view_figures")
    forms = selectors.forms_with_details(selectors.forms_visible_to(request.user)).order_by(
        "organisation__name", "code", "-version"
    )
    return render(
        request,
        "consent/form_list.html",
        {
            "forms": forms,
            "can_write": may(request.user, "consent.manage_records"),
        },
    )


@login_required
@require_GET
def form_detail(request, pk: int):
    _require(request, "consent.view_figures")
    form = selectors.form_for(request.user, pk)
    return render(
        request,
        "consent/form_detail.html",
        {
            "form": form,
            "history": [
                version
                for version in selectors.form_history(form)
                if not version.is_draft or may(request.user, "consent.change_consentform", form)
            ],
            "can_edit": may(request.user, "consent.change_consentform", form),
            "plain_uses": permitted_uses(form),
        },
    )


@login_required
@require_GET
def form_document(request, pk: int):
    _require(request, "consent.view_figures")
    form = selectors.form_for(request.user, pk)
    if not form.document:
        raise Http404
    return FileResponse(
        form.document.open("rb"),
        content_type="application/pdf",
        filename=f"{form.code}-v{form.version}.pdf",
    )


def _form_organisations(person):
    qs = organisations().order_by("name")
    if may(person, "consent.write_federation_form"):
        return qs
    return qs.filter(pk__in=holder_organisation_ids(person))


@login_required
def form_create(request):
    _require(request, "consent.manage_records")
    form = ConsentFormForm(
        request.POST or None,
        request.FILES or None,
        organisations=_form_organisations(request.user),
        federation_allowed=may(request.user, "consent.write_federation_form"),
    )
    if request.method == "POST" and form.is_valid():
        done, created = form_action(
            form,
            lambda: services.form_create(
                actor=request.user,
                organisation=form.cleaned_data.get("organisation"),
                data=form.service_data(),
            ),
        )
        if done:
            messages.success(request, _("The draft form is saved. Put it in use when it is final."))
            return redirect("consent:form", pk=created.pk)
    return render(request, "consent/form_form.html", {"form": form, "consent_form": None})


@login_required
def form_edit(request, pk: int):
    consent_form = selectors.editable_form_for(request.user, pk)
    if not consent_form.is_draft:
        messages.info(
            request, _("This version is in use and cannot change; start a new version to edit.")
        )
        return redirect("consent:form", pk=consent_form.pk)
    form = ConsentFormForm(request.POST or None, request.FILES or None, instance=consent_form)
    if request.method == "POST" and form.is_valid():
        done, _saved = form_action(
            form,
            lambda: services.form_update_draft(
                actor=request.user, form=consent_form, data=form.service_data()
            ),
        )
        if done:
            messages.success(request, _("The draft form is saved."))
            return redirect("consent:form", pk=consent_form.pk)
    return render(request, "consent/form_form.html", {"form": form, "consent_form": consent_form})


@login_required
@require_POST
def form_publish(request, pk: int):
    consent_form = selectors.editable_form_for(request.user, pk)
    return perform(
        request,
        lambda: services.form_publish(actor=request.user, form=consent_form),
        success=_("This version is now in use; it can no longer change."),
        then="consent:form",
        pk=consent_form.pk,
    )


@login_required
@require_POST
def form_new_version(request, pk: int):
    consent_form = selectors.editable_form_for(request.user, pk)
    done, draft = attempt(
        request, lambda: services.form_new_version(actor=request.user, form=consent_form)
    )
    if not done:
        return redirect("consent:form", pk=consent_form.pk)
    return redirect("consent:form_edit", pk=draft.pk)


# Figures for patient organisations


@login_required
@require_GET
def figures(request):
    _require(request, "consent.view_figures")
    quarters = selectors.public_withdrawals_by_quarter(today=timezone.localdate())
    return render(
        request,
        "consent/figures.html",
        {
            "figures": selectors.public_figures(),
            "chart": column_chart(_("Withdrawals per quarter, all datasets"), quarters),
            "quarters": quarters,
            "small_count": selectors.SMALL_COUNT,
            "round_to": selectors.ROUND_TO,
            "forms": selectors.forms_with_details(
                selectors.forms_visible_to(request.user).exclude(state="draft")
            ).filter(state="published"),
        },
    )
