from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from governance.audit.models import AuditEvent


@permission_required("accounts.view_audit", raise_exception=True)
def event_list(request):
    events = AuditEvent.objects.select_related("actor")[:100]
    return render(request, "audit/event_list.html", {"events": events})
