from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from governance.core import dashboard, directory, health


@require_GET
@never_cache
def healthz(request):
    database = health.database_status()
    broker = health.broker_status()
    ok = database["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "broker": broker},
        status=200 if ok else 503,
    )


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; answer from our own static files.
    path = finders.find("img/favicon.ico")
    if not path:
        raise Http404
    # FileResponse closes the file once it is sent.
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


def home(request):
    return render(request, "core/home.html")


@login_required
def dashboard_view(request):
    roles = directory.roles_of(request.user)
    return render(
        request,
        "core/dashboard.html",
        {
            "sections": dashboard.sections_for(request.user, roles),
            "memberships": directory.memberships_of(request.user),
        },
    )
