from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from governance.accounts import views as accounts_views
from governance.api.errors import not_found as api_not_found
from governance.core import views as core_views

# The admin signs in through the portal's login, so the second factor applies there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Governance portal administration"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("api/v1/", include("governance.api.urls")),
    path("django-admin/", admin.site.urls),
    # OAuth 2.0 / OIDC protocol endpoints and /.well-known/ documents: never language-prefixed.
    path("", include("governance.tokens.protocol_urls")),
    # Last of the API's addresses (the GA4GH endpoint above is one): the rest is a JSON 404.
    re_path(r"^api/", api_not_found),  # any rest, a newline in it too
]
urlpatterns += i18n_patterns(
    path("", include("governance.core.urls")),
    path("account/", include("governance.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("audit/", include("governance.audit.urls")),
    path("outbox/", include("governance.notifications.urls")),
    path("catalogue/", include("governance.catalogue.urls")),
    path("access/", include("governance.access.urls")),
    path("agreements/", include("governance.agreements.urls")),
    path("consent/", include("governance.consent.urls")),
    path("tokens/", include("governance.tokens.urls")),
    path("calls/", include("governance.calls.urls")),
    path("reviews/", include("governance.reviews.urls")),
    path("engagement/", include("governance.engagement.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
