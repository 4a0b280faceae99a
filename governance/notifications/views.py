"""The outbox: staff see every email, why it failed, and resend it. Others get 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.core.actions import attempt
from governance.core.listing import filtered_page
from governance.core.permissions import allowed_actions, may
from governance.notifications import selectors, services
from governance.notifications.forms import OutboundEmailFilter
from governance.notifications.models import EMAIL_STATES

PAGE_SIZE = 50


def _require_outbox_manager(request) -> None:
    if not may(request.user, "notifications.manage_outbox"):
        raise Http404


@require_GET
@login_required
def outbox(request):
    _require_outbox_manager(request)
    filterset = OutboundEmailFilter(request.GET, queryset=selectors.outbox())
    return render(
        request,
        "notifications/outbox.html",
        {
            **filtered_page(request, filterset, page_size=PAGE_SIZE),
            "counts": selectors.counts_by_state(),
        },
    )


@require_GET
@login_required
def email_detail(request, pk: int):
    _require_outbox_manager(request)
    email = get_object_or_404(selectors.outbox(), pk=pk)
    return render(
        request,
        "notifications/email_detail.html",
        {"email": email, "actions": allowed_actions(request.user, email, EMAIL_STATES)},
    )


@require_POST
@login_required
def email_resend(request, pk: int):
    _require_outbox_manager(request)
    email = get_object_or_404(selectors.outbox(), pk=pk)
    done, _sent = attempt(request, lambda: services.resend(email=email, actor=request.user))
    if done:
        email.refresh_from_db(fields=["state"])
        if email.state == email.State.SENT:
            messages.success(request, _("The email was sent again."))
        elif email.state == email.State.FAILED:
            messages.error(
                request,
                _(
                    "Sending failed again; the error is shown below. Check the mail server "
                    "settings (PORTAL_EMAIL_URL) before you try once more."
                ),
            )
        else:
            messages.success(request, _("The email is queued and will be sent shortly."))
    return redirect("notifications:detail", pk=email.pk)


@require_POST
@login_required
def send_test(request):
    _require_outbox_manager(request)
    email = services.send_test_email(actor=request.user)
    messages.success(
        request,
        _("A test message to %(address)s was queued; its row is shown below.")
        % {"address": request.user.email},
    )
    return redirect("notifications:detail", pk=email.pk)
