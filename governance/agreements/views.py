"""Pages for agreements and grants. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.accounts.selectors import has_totp
from governance.agreements import rules, selectors, services
from governance.agreements.documents import document_context
from governance.agreements.forms import (
    AgreementFilter,
    AmendForm,
    GrantFilter,
    ReasonForm,
    SignForm,
)
from governance.agreements.models import Agreement
from governance.core.actions import form_action, perform
from governance.core.confirm import confirmation_page, is_confirmed
from governance.core.listing import filtered_page
from governance.core.permissions import require

PAGE_SIZE = 25


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@login_required
@require_GET
def agreement_list(request):
    qs = selectors.with_agreement_details(selectors.agreements_visible_to(request.user)).order_by(
        "-created_at"
    )
    filterset = AgreementFilter(request.GET or None, queryset=qs)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            **filtered_page(request, filterset, page_size=PAGE_SIZE),
            "to_countersign": selectors.agreements_to_countersign(request.user).count(),
        },
    )


def _detail_context(request, agreement: Agreement, **extra) -> dict:
    signatures = list(agreement.signatures.all())
    can_sign = services.can_sign(request.user, agreement)
    return {
        **document_context(agreement, signatures),
        "signatures": signatures,
        "can_sign": can_sign,
        "sign_form": extra.pop("sign_form", None)
        or SignForm(
            initial={"document_sha256": agreement.document_sha256},
            with_code=has_totp(request.user),
        ),
        "signing_as_holder": can_sign and agreement.state == Agreement.State.SIGNED_BY_RESEARCHER,
        "can_terminate": rules.may_terminate(request.user, agreement)
        and agreement.state in {"drafted", "signed_by_researcher", "in_force"},
        "can_amend": rules.may_amend(request.user, agreement)
        and agreement.state == Agreement.State.IN_FORCE
        and not Agreement.objects.filter(supersedes=agreement).exists(),
        "amended_by": Agreement.objects.filter(supersedes=agreement).first(),
        "grants": selectors.with_grant_details(
            selectors.grants_visible_to(request.user).filter(agreement=agreement)
        ),
        "terminate_form": extra.pop("terminate_form", None) or ReasonForm(),
        **extra,
    }


@login_required
@require_GET
def agreement_detail(request, pk: int):
    agreement = selectors.agreement_for(request.user, pk)
    return render(request, "agreements/agreement_detail.html", _detail_context(request, agreement))


@login_required
@require_GET
def agreement_pdf(request, pk: int):
    agreement = selectors.agreement_for(request.user, pk)
    data = services.agreement_document(agreement=agreement)
    agreement.refresh_from_db(fields=["document", "document_sha256"])
    response = FileResponse(
        io.BytesIO(data),
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=f"agreement-{agreement.pk}-v{agreement.version}.pdf",
    )
    response["X-Document-SHA256"] = agreement.document_sha256
    return response


@login_required
@require_POST
def agreement_sign(request, pk: int):
    agreement = selectors.agreement_for(request.user, pk)
    require(request.user, "agreements.sign", agreement)
    form = SignForm(request.POST, with_code=has_totp(request.user))
    if form.is_valid():
        done, signed = form_action(
            form,
            lambda: services.agreement_sign(
                agreement=agreement,
                actor=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data.get("code", ""),
                ip=client_ip(request),
                expected_sha256=form.cleaned_data["document_sha256"],
            ),
        )
        if done:
            agreement = signed
            if agreement.state == Agreement.State.IN_FORCE:
                messages.success(
                    request,
                    _("You countersigned: the agreement is in force and its grants are active."),
                )
            else:
                messages.success(
                    request,
                    _("You signed the agreement. The data holder's signatory countersigns next."),
                )
            return redirect("agreements:detail", pk=agreement.pk)
    agreement = selectors.agreement_for(request.user, pk)
    return render(
        request,
        "agreements/agreement_detail.html",
        _detail_context(request, agreement, sign_form=form),
        status=400,
    )


def _grant_line(grant) -> str:
    return _("%(person)s's access to %(dataset)s (%(access)s) ends now.") % {
        "person": grant.person,
        "dataset": grant.dataset.title,
        "access": grant.access_condition.label,
    }


def _confirm_termination(request, agreement: Agreement, reason: str):
    consequences = [
        _("The agreement is terminated now; it cannot be brought back into force."),
        *(
            _grant_line(grant)
            for grant in selectors.with_grant_details(selectors.grants_ended_with(agreement))
        ),
        *(
            _("Version %(version)s, still being signed, is terminated too.")
            % {"version": amendment.version}
            for amendment in selectors.amendments_ended_with(agreement)
        ),
        _("Every access token that carries one of these grants stops working at once."),
        _("The parties are emailed the reason: %(emails)s.")
        % {"emails": ", ".join(selectors.parties_emails(agreement))},
    ]
    return confirmation_page(
        request,
        title=_("Terminate the agreement?"),
        lead=_("Terminating with the reason “%(reason)s” does this:") % {"reason": reason},
        consequences=consequences,
        button=_("Terminate the agreement"),
        cancel_url=reverse("agreements:detail", args=[agreement.pk]),
        keep=[("reason", reason)],
    )


def _confirm_revocation(request, grant, reason: str):
    return confirmation_page(
        request,
        title=_("Revoke the grant?"),
        lead=_("Revoking with the reason “%(reason)s” does this:") % {"reason": reason},
        consequences=[
            _grant_line(grant),
            _("Every access token that carries this grant stops working at once."),
            _("%(person)s is emailed the reason at %(email)s.")
            % {"person": grant.person, "email": grant.person.email},
        ],
        button=_("Revoke the grant"),
        cancel_url=reverse("agreements:grant", args=[grant.pk]),
        keep=[("reason", reason)],
    )


@login_required
@require_POST
def agreement_terminate(request, pk: int):
    agreement = selectors.agreement_for(request.user, pk)
    require(request.user, "agreements.terminate", agreement)
    form = ReasonForm(request.POST)
    if form.is_valid():
        if not is_confirmed(request):
            return _confirm_termination(request, agreement, form.cleaned_data["reason"])
        return perform(
            request,
            lambda: services.agreement_terminate(
                agreement=agreement, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            success=_("The agreement is terminated; its grants have ended."),
            then="agreements:detail",
            pk=agreement.pk,
        )
    return render(
        request,
        "agreements/agreement_detail.html",
        _detail_context(request, agreement, terminate_form=form),
        status=400,
    )


@login_required
def agreement_amend(request, pk: int):
    agreement = selectors.agreement_for(request.user, pk)
    require(request.user, "agreements.amend", agreement)
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, amendment = form_action(
            form,
            lambda: services.agreement_amend(
                agreement=agreement,
                actor=request.user,
                ends_on=form.cleaned_data["ends_on"],
                add_member=form.add_member(),
            ),
        )
        if done:
            messages.success(
                request,
                _(
                    "Version %(version)s is drafted. Once both parties have signed it, it "
                    "replaces version %(old)s."
                )
                % {"version": amendment.version, "old": agreement.version},
            )
            return redirect("agreements:detail", pk=amendment.pk)
    return render(
        request,
        "agreements/agreement_amend.html",
        {"agreement": agreement, "terms": agreement.terms, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def grant_list(request):
    qs = selectors.with_grant_details(selectors.grants_visible_to(request.user)).order_by(
        "-starts_at", "-pk"
    )
    filterset = GrantFilter(request.GET or None, queryset=qs, request=request)
    return render(
        request,
        "agreements/grant_list.html",
        {
            **filtered_page(request, filterset, page_size=PAGE_SIZE),
        },
    )


def _grant_context(request, grant, form=None) -> dict:
    return {
        "grant": grant,
        "can_revoke": rules.may_revoke(request.user, grant) and grant.state == "active",
        "form": form or ReasonForm(),
    }


@login_required
@require_GET
def grant_detail(request, pk: int):
    grant = selectors.grant_for(request.user, pk)
    return render(request, "agreements/grant_detail.html", _grant_context(request, grant))


@login_required
@require_POST
def grant_revoke(request, pk: int):
    grant = selectors.grant_for(request.user, pk)
    require(request.user, "agreements.revoke_grant", grant)
    form = ReasonForm(request.POST)
    if form.is_valid():
        if not is_confirmed(request):
            return _confirm_revocation(request, grant, form.cleaned_data["reason"])
        done, _revoked = form_action(
            form,
            lambda: services.grant_revoke(
                grant=grant, actor=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(request, _("The grant is revoked; the researcher is told why."))
            return redirect("agreements:grant", pk=grant.pk)
    return render(
        request, "agreements/grant_detail.html", _grant_context(request, grant, form), status=400
    )
