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
    # A broker outage keeps the portal serving (emails wait in the outbox): degraded, not down.
    status = ("degraded" if broker["status"] == "down" else "ok") if ok else "error"
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if ok else 503,
    )


@require_GET
@never_cache
def livez(request):
    """The process answers; nothing else is checked (no database)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """Ready for traffic: the database and the cache answer; 503 naming what is down."""
    checks = {"database": health.database_status(), "cache": health.cache_status()}
    down = [name for name, check in checks.items() if check["status"] != "ok"]
    return JsonResponse(
        {"status": "error" if down else "ok", "down": down, **checks},
        status=503 if down else 200,
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
