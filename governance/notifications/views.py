from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from governance.notifications.models import OutboundEmail


@permission_required("accounts.manage_outbox", raise_exception=True)
def outbox(request):
    return render(
        request, "notifications/outbox.html", {"emails": OutboundEmail.objects.all()[:100]}
    )
