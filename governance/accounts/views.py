"""The person's account page and the staff pages for people, organisations and erasure."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from governance.accounts import forms, selectors, services
from governance.accounts.models import ErasureRequest, Membership, Organisation
from governance.core.errors import PortalError
from governance.core.permissions import rule_required

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# The person's own account


def _profile_context(request, **overrides) -> dict:
    person = request.user
    context = {
        "memberships": selectors.memberships_of(person),
        "mfa": selectors.mfa_status(person),
        "tokens": selectors.api_tokens_with_state(person),
        "name_form": forms.NameForm(initial={"full_name": person.full_name}),
        "token_form": forms.ApiTokenForm(),
        "open_erasure_request": selectors.open_erasure_request_of(person),
    }
    context.update(overrides)
    return context


@require_POST
def set_language(request):
    """The language switcher: Django's own view, and the choice kept on a signed-in account."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.person_set_language(person=request.user, language=language)
    return response


@login_required
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def profile_name(request):
    form = forms.NameForm(request.POST)
    if form.is_valid():
        try:
            services.person_update_profile(
                person=request.user, actor=request.user, full_name=form.cleaned_data["full_name"]
            )
        except PortalError as exc:
            form.add_error("full_name", exc.detail)
        else:
            messages.success(request, _("Your name is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, name_form=form))


@login_required
@never_cache
def token_create(request):
    form = forms.ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(
                person=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            # Rendered straight from the POST (never cached) so the secret is stored nowhere.
            return render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=token_id)
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name},
        )
    return redirect("accounts:profile")


@login_required
@require_POST
def data_export(request):
    document = services.personal_data_export(person=request.user, actor=request.user)
    body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def erasure(request):
    person = request.user
    open_request = selectors.open_erasure_request_of(person)
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and open_request is None and form.is_valid():
        try:
            services.erasure_request_create(person=person, reason=form.cleaned_data["reason"])
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request,
                _(
                    "Your erasure request is received. Staff will decide on it; you can follow "
                    "it here."
                ),
            )
            return redirect("accounts:erasure")
    return render(
        request,
        "accounts/erasure.html",
        {
            "form": form,
            "open_request": open_request,
            "requests": selectors.erasure_requests_of(person),
        },
    )


# Staff: erasure requests


@rule_required("accounts.decide_erasure")
def erasure_request_list(request):
    filterset = forms.ErasureRequestFilter(
        request.GET or {"state": ErasureRequest.State.REQUESTED},
        queryset=selectors.erasure_requests_for_staff(),
    )
    return render(
        request,
        "accounts/erasure_request_list.html",
        {
            "filter": filterset,
            "page": _page(request, filterset.qs),
        },
    )


@rule_required("accounts.decide_erasure")
def erasure_request_detail(request, request_id: int):
    erasure_request = get_object_or_404(selectors.erasure_requests_for_staff(), pk=request_id)
    form = forms.ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.erasure_request_complete
            if form.cleaned_data["decision"] == "complete"
            else services.erasure_request_refuse
        )
        try:
            decide(
                erasure_request=erasure_request,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except PortalError as exc:
            messages.error(request, exc.detail)
            return redirect("accounts:erasure_request_detail", request_id=erasure_request.pk)
        else:
            if form.cleaned_data["decision"] == "complete":
                messages.success(request, _("The person is erased."))
            else:
                messages.success(request, _("The request is refused; the person is told why."))
            return redirect("accounts:erasure_request_list")
    return render(
        request,
        "accounts/erasure_request_detail.html",
        {
            "erasure_request": erasure_request,
            "form": form,
            "is_own": erasure_request.person_id == request.user.pk,
        },
    )


# Staff: people


@rule_required("accounts.list_people")
def people_list(request):
    query = request.GET.get("q", "").strip()
    people = selectors.people_for_staff(query=query).prefetch_related("authenticator_set")
    return render(
        request,
        "accounts/people_list.html",
        {"page": _page(request, people), "q": query},
    )


# Staff: organisations and memberships


@rule_required("accounts.manage_organisations")
def organisation_list(request):
    filterset = forms.OrganisationFilter(request.GET, queryset=selectors.organisations())
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "filter": filterset,
            "page": _page(request, filterset.qs),
        },
    )


@rule_required("accounts.manage_organisations")
def organisation_create(request):
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The organisation is added."))
            return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@rule_required("accounts.manage_organisations")
def organisation_edit(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    # The form gets its own copy: validation writes into its instance, the heading must not change.
    form = forms.OrganisationForm(
        request.POST or None, instance=Organisation.objects.get(pk=organisation.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


def _organisation_detail(request, organisation, membership_form):
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": selectors.organisation_memberships(organisation),
            "membership_form": membership_form,
        },
    )


@rule_required("accounts.manage_organisations")
def organisation_detail(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    return _organisation_detail(request, organisation, forms.MembershipAddForm())


@rule_required("accounts.manage_memberships")
@require_POST
def membership_add(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    form = forms.MembershipAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.membership_add_by_email(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s at %(organisation)s.")
                % {
                    "person": membership.person.email,
                    "role": membership.get_role_display(),
                    "organisation": organisation.name,
                },
            )
            return redirect("accounts:organisation_detail", organisation_id=organisation.pk)
    return _organisation_detail(request, organisation, form)


@rule_required("accounts.manage_memberships")
@require_POST
def membership_remove(request, membership_id: int):
    membership = get_object_or_404(
        Membership.objects.select_related("person", "organisation"), pk=membership_id
    )
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("%(person)s no longer holds the role %(role)s at %(organisation)s.")
            % {
                "person": membership.person.email,
                "role": membership.get_role_display(),
                "organisation": membership.organisation.name,
            },
        )
    return redirect("accounts:organisation_detail", organisation_id=membership.organisation_id)
