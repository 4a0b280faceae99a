"""The portal's URLs plus a bare view, to measure what Django and our middleware cost alone."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *portal_urlpatterns]
