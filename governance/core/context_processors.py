from django.conf import settings


def portal(request):
    return {
        "PORTAL_NAME": "Cancer Imaging Governance Portal",
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        "request_id": getattr(request, "request_id", ""),
    }
