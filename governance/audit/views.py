"""Staff pages for the audit trail. People without `audit.view_trail` get 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.audit import selectors, services
from governance.audit.forms import AuditEventFilter
from governance.core.listing import filtered_page
from governance.core.permissions import may

PAGE_SIZE = 50


def _require_audit_reader(request) -> None:
    if not may(request.user, "audit.view_trail"):
        raise Http404


@require_GET
@login_required
def event_list(request):
    _require_audit_reader(request)
    filterset = AuditEventFilter(request.GET, queryset=selectors.events())
    return render(
        request, "audit/event_list.html", filtered_page(request, filterset, page_size=PAGE_SIZE)
    )


@require_GET
@login_required
def event_detail(request, sequence: int):
    _require_audit_reader(request)
    event = get_object_or_404(selectors.events(), sequence=sequence)
    return render(request, "audit/event_detail.html", {"event": event})


@require_POST
@login_required
def verify(request):
    _require_audit_reader(request)
    report = services.verify_trail(actor=request.user)
    if report.intact:
        messages.success(request, report.summary())
    else:
        messages.error(
            request,
            _(
                "The audit trail is broken. %(problem)s. Do not repair it by hand: report it to "
                "the security contact, restore the trail from a backup, and find out who had "
                "write access to the database."
            )
            % {"problem": report.summary()},
        )
    return redirect("audit:list")
