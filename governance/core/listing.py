"""The context every filtered, paginated list page shares (used with includes/filter_form.html
and includes/pagination.html)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


def filtered_page(request, filterset, *, page_size: int) -> dict[str, Any]:
    return {
        "filter": filterset,
        "filters_invalid": filterset.is_bound and not filterset.is_valid(),
        "filtered": any(request.GET.get(name) for name in filterset.filters),
        "page": Paginator(filterset.qs, page_size).get_page(request.GET.get("page")),
    }
