"""Everything under /api/v1/. Each context registers its viewsets on the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from governance.api import registry, schema  # noqa: F401 # schema: registers its extension
from governance.api.routers import PortalRouter

router = PortalRouter()
registry.register_all(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
