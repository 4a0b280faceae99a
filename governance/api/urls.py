"""Everything under /api/v1/. Each context registers its viewsets on the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from governance.api import registry

# Paths work with and without the trailing slash (the SPEC writes `{id}/fhir`, `{id}/submit/`).
router = DefaultRouter()
router.trailing_slash = "/?"  # the constructor takes only True/False; the pattern takes a regex
registry.register_all(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
