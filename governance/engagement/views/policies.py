"""Staff pages for policy documents: versions written section by section (a new version starts
as a copy of the latest one), drafts edited until published, translations of a version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.core.errors import PortalError
from governance.core.permissions import allowed_actions, require, require_or_404
from governance.engagement import selectors, services
from governance.engagement.forms import (
    PolicyDocumentForm,
    PolicyTranslationForm,
    PolicyVersionForm,
    section_formset,
)
from governance.engagement.models import POLICY_VERSION_MACHINE, PolicyVersion


def _staff_only(request) -> None:
    require_or_404(request.user, "engagement.edit_policy")


def _show(form, error: PortalError) -> None:
    """Put a service's message beside the field it is about (or above the form)."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, error.detail)


@login_required
@require_GET
def policy_list(request):
    _staff_only(request)
    return render(
        request,
        "engagement/policy_list.html",
        {"documents": list(selectors.policy_documents_for_list())},
    )


@login_required
def policy_create(request):
    _staff_only(request)
    form = PolicyDocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.policy_document_create(actor=request.user, **form.cleaned_data)
        except PortalError as error:
            _show(form, error)
        else:
            messages.success(request, _("The policy is created: write its first version."))
            return redirect("engagement:policy_version_create", pk=document.pk)
    return render(request, "engagement/policy_form.html", {"form": form})


@login_required
@require_GET
def policy_detail(request, pk: int):
    document = selectors.policy_document_for_staff(request.user, pk)
    versions = list(selectors.policy_versions_of(document))
    return render(
        request,
        "engagement/policy_detail.html",
        {
            "document": document,
            "versions": versions,
            "has_draft": any(v.state == PolicyVersion.State.DRAFT for v in versions),
        },
    )


def _version_form(request, *, version=None, initial_sections=()):
    """The version page's form: summary, change note and sections; "Add a section" re-renders
    the same form with one more empty section."""
    adding = "add_section" in request.POST
    if request.method == "POST":
        # Adding a section is not saving: keep what was typed without marking it wrong.
        form = (
            PolicyVersionForm(initial=request.POST.dict())
            if adding
            else PolicyVersionForm(request.POST)
        )
        sections = section_formset(request.POST, add=1 if adding else 0)
    else:
        form = PolicyVersionForm(
            initial={"plain_summary": version.plain_summary, "change_note": version.change_note}
            if version
            else {}
        )
        sections = section_formset(
            initial=[{"heading": h, "body": b} for h, b in initial_sections],
            add=0 if initial_sections else 2,
        )
    return form, sections, request.method == "POST" and not adding


@login_required
def policy_version_create(request, pk: int):
    document = selectors.policy_document_for_staff(request.user, pk)
    latest = selectors.latest_version(document)
    copied = [(s.heading, s.body) for s in selectors.version_sections(latest)] if latest else []
    form, sections, saving = _version_form(request, initial_sections=copied)
    if saving and form.is_valid() and sections.is_valid():
        try:
            version = services.policy_version_create(
                actor=request.user,
                document=document,
                plain_summary=form.cleaned_data["plain_summary"],
                change_note=form.cleaned_data["change_note"],
                sections=sections.sections(),
            )
        except PortalError as error:
            _show(form, error)
        else:
            messages.success(
                request,
                _("Version %(n)d is saved as a draft. Publish it when it is final.")
                % {"n": version.number},
            )
            return redirect("engagement:policy_version", pk=version.pk)
    return render(
        request,
        "engagement/policy_version_form.html",
        {
            "document": document,
            "version": None,
            "copied_from": latest if copied else None,
            "form": form,
            "sections": sections,
        },
    )


@login_required
def policy_version_edit(request, pk: int):
    version = selectors.policy_version_for_staff(request.user, pk)
    if "edit" not in allowed_actions(request.user, version, POLICY_VERSION_MACHINE):
        messages.error(
            request,
            _("Published versions never change: write a new version to change the policy."),
        )
        return redirect("engagement:policy_version", pk=version.pk)
    current = [(s.heading, s.body) for s in selectors.version_sections(version)]
    form, sections, saving = _version_form(request, version=version, initial_sections=current)
    if saving and form.is_valid() and sections.is_valid():
        try:
            services.policy_version_update(
                actor=request.user,
                version=version,
                plain_summary=form.cleaned_data["plain_summary"],
                change_note=form.cleaned_data["change_note"],
                sections=sections.sections(),
            )
        except PortalError as error:
            _show(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("engagement:policy_version", pk=version.pk)
    return render(
        request,
        "engagement/policy_version_form.html",
        {
            "document": version.document,
            "version": version,
            "copied_from": None,
            "form": form,
            "sections": sections,
        },
    )


@login_required
@require_GET
def policy_version_detail(request, pk: int):
    version = selectors.policy_version_for_staff(request.user, pk)
    return render(
        request,
        "engagement/policy_version.html",
        {
            "version": version,
            "actions": allowed_actions(request.user, version, POLICY_VERSION_MACHINE),
            "document": version.document,
            "sections": selectors.version_sections(version),
            "translations": list(version.translations.order_by("language")),
            "consultations": list(version.consultations.order_by("-created_at")),
        },
    )


@login_required
@require_POST
def policy_version_publish(request, pk: int):
    # A published version is public (the API shows it to anyone): refused, 403; a draft, 404.
    version = selectors.policy_versions_visible_to(request.user).filter(pk=pk).first()
    if version is None:
        raise Http404
    require(request.user, "engagement.edit_policy", version)
    try:
        version = services.policy_version_publish(actor=request.user, version=version)
    except PortalError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("Version %(n)d is published. From now on its text never changes.")
            % {"n": version.number},
        )
    return redirect("engagement:policy_version", pk=version.pk)


@login_required
def policy_translation(request, pk: int):
    """Add a translation (`?language=` empty) or correct one (`?language=es`)."""
    version = selectors.policy_version_for_staff(request.user, pk)
    originals = selectors.version_sections(version)
    existing = version.translations.filter(language=request.GET.get("language", "")).first()
    if request.method == "POST":
        form = PolicyTranslationForm(request.POST)
        sections = section_formset(request.POST)
    else:
        form = PolicyTranslationForm(
            initial={"language": existing.language, "plain_summary": existing.plain_summary}
            if existing
            else {}
        )
        given = existing.sections if existing else []
        sections = section_formset(
            initial=[
                {
                    "heading": given[i].get("heading", "") if i < len(given) else "",
                    "body": given[i].get("body", "") if i < len(given) else "",
                }
                for i in range(len(originals))
            ]
        )
    if request.method == "POST" and form.is_valid() and sections.is_valid():
        try:
            translation = services.policy_translation_save(
                actor=request.user,
                version=version,
                language=form.cleaned_data["language"],
                plain_summary=form.cleaned_data["plain_summary"],
                sections=sections.sections(),
            )
        except PortalError as error:
            _show(form, error)
        else:
            messages.success(
                request,
                _("The translation (%(language)s) is saved.") % {"language": translation.language},
            )
            return redirect("engagement:policy_version", pk=version.pk)
    return render(
        request,
        "engagement/policy_translation_form.html",
        {
            "version": version,
            "document": version.document,
            "form": form,
            "pairs": list(zip(originals, sections.forms, strict=False)),
            "sections": sections,
            "existing": existing,
        },
    )
