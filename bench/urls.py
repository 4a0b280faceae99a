"""The portal's URLs plus a bare JSON view, to measure what Django and our middleware cost alone."""

from django.http import JsonResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare", bare), *portal_urlpatterns]
