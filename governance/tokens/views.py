"""Pages of the token service: a person's authorised services and tokens; staff's clients."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.core.actions import attempt, form_action, perform
from governance.core.permissions import allowed_actions, rule_required
from governance.tokens import selectors, services
from governance.tokens.forms import ServiceClientForm
from governance.tokens.models import TOKEN_MACHINE

PAGE_SIZE = 25


@login_required
@require_GET
def my_services(request):
    return render(
        request,
        "tokens/my_services.html",
        {
            "authorizations": selectors.authorizations_of(request.user),
            "tokens": [
                (token, allowed_actions(request.user, token, TOKEN_MACHINE))
                for token in selectors.live_tokens_of(request.user)
            ],
        },
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = selectors.token_of(request.user, pk)
    return perform(
        request,
        lambda: services.revoke_token(actor=request.user, token=token),
        success=_("The token was revoked: the service can no longer use it."),
        then="tokens:mine",
    )


@login_required
@require_POST
def withdraw_authorization(request, pk: int):
    authorization = selectors.authorization_of(request.user, pk)
    services.withdraw_authorization(actor=request.user, authorization=authorization)
    messages.success(
        request,
        _("You withdrew your authorisation; the service's tokens for you were revoked."),
    )
    return redirect("tokens:mine")


@rule_required("tokens.manage_services")
@require_GET
def clients(request):
    return render(
        request, "tokens/clients.html", {"services": selectors.services_with_statistics()}
    )


@rule_required("tokens.manage_services")
@require_http_methods(["GET", "POST"])
def client_create(request):
    form = ServiceClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, made = form_action(
            form, lambda: services.register_client(actor=request.user, **form.cleaned_data)
        )
        if done:
            service, secret, webhook_secret = made
            return render(
                request,
                "tokens/client_secret.html",
                {"service": service, "secret": secret, "webhook_secret": webhook_secret},
            )
    return render(request, "tokens/client_form.html", {"form": form, "service": None})


@rule_required("tokens.manage_services")
@require_http_methods(["GET", "POST"])
def client_edit(request, pk: int):
    service = selectors.service_for_staff(pk)
    before = services.describe_client(service)
    form = ServiceClientForm(request.POST or None, initial=before)
    if request.method == "POST" and form.is_valid():
        done, updated = form_action(
            form,
            lambda: services.update_client(
                actor=request.user, service=service, **form.cleaned_data
            ),
        )
        if done:
            service, webhook_secret = updated
            after = services.describe_client(service)
            if any(before[key] != after[key] for key in services.TOKEN_SHAPING):
                messages.success(
                    request,
                    _(
                        "The settings are saved. The service's live tokens were revoked: "
                        "it must ask for new ones, which follow the new settings."
                    ),
                )
            else:
                messages.success(request, _("The settings are saved."))
            if webhook_secret:
                return render(
                    request,
                    "tokens/client_secret.html",
                    {"service": service, "secret": "", "webhook_secret": webhook_secret},  # nosec B105 # no client secret to show
                )
            return redirect("tokens:client", pk=service.pk)
    return render(request, "tokens/client_form.html", {"form": form, "service": service})


@rule_required("tokens.manage_services")
@require_GET
def client_detail(request, pk: int):
    service = selectors.service_for_staff(pk)
    return render(
        request,
        "tokens/client_detail.html",
        {
            "service": service,
            "issuance": selectors.issuance(service),
            "introspections": selectors.introspections(service),
            "deliveries": selectors.deliveries(service)[:10],
        },
    )


@rule_required("tokens.manage_services")
@require_POST
def client_rotate_secret(request, pk: int):
    service = selectors.service_for_staff(pk)
    secret = services.rotate_secret(actor=request.user, service=service)
    return render(
        request,
        "tokens/client_secret.html",
        {"service": service, "secret": secret, "webhook_secret": "", "rotated": True},  # nosec B105 # no webhook secret to show
    )


@rule_required("tokens.manage_services")
@require_POST
def client_rotate_webhook_secret(request, pk: int):
    service = selectors.service_for_staff(pk)
    done, webhook_secret = attempt(
        request, lambda: services.rotate_webhook_secret(actor=request.user, service=service)
    )
    if not done:
        return redirect("tokens:client", pk=service.pk)
    return render(
        request,
        "tokens/client_secret.html",
        {"service": service, "secret": "", "webhook_secret": webhook_secret, "rotated": True},  # nosec B105 # no client secret to show
    )


@rule_required("tokens.manage_services")
@require_POST
def client_toggle(request, pk: int):
    service = selectors.service_for_staff(pk)
    services.set_active(actor=request.user, service=service, active=not service.is_active)
    return redirect("tokens:client", pk=service.pk)


@rule_required("tokens.manage_services")
@require_GET
def deliveries(request):
    page = Paginator(selectors.deliveries(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tokens/deliveries.html", {"page": page})
