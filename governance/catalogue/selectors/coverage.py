"""Coverage of the catalogue, participating sites, and a statement's data-use conditions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_countries import countries

from governance.accounts.roles import ProviderType
from governance.accounts.selectors import organisations
from governance.catalogue.models import AvailabilityStatement, Dataset
from governance.catalogue.selectors.filters import (
    CancerThrough,
    ModalityThrough,
    _depth,
    _path,
    cancer_type_tree,
    descendants,
)
from governance.catalogue.selectors.visibility import published_datasets


@dataclass
class CoverageRow:
    label: str
    datasets: int
    subjects: int


def coverage() -> dict[str, list[CoverageRow] | CoverageRow]:
    """Published datasets and their subjects by cancer type, modality, country and hosting."""
    public = published_datasets()
    tree = cancer_type_tree()
    codes = list(tree)
    aggregates: dict[str, Count | Sum] = {}
    for index, code in enumerate(codes):
        within = Q(
            Exists(
                CancerThrough.objects.filter(
                    dataset_id=OuterRef("pk"), cancertype_id__in=descendants(tree, code)
                )
            )
        )
        aggregates[f"d{index}"] = Count("pk", filter=within)
        aggregates[f"s{index}"] = Sum("subject_count", filter=within)
    aggregates["total_datasets"] = Count("pk")
    aggregates["total_subjects"] = Sum("subject_count")
    figures = public.aggregate(**aggregates)
    by_cancer = [
        CoverageRow(
            "\u2003" * _depth(tree, code) + tree[code][0],
            figures[f"d{index}"] or 0,
            figures[f"s{index}"] or 0,
        )
        for index, code in sorted(enumerate(codes), key=lambda item: _path(tree, item[1]))
    ]
    by_modality = [
        CoverageRow(row["modality__label"], row["datasets"], row["subjects"] or 0)
        for row in ModalityThrough.objects.filter(dataset_id__in=public.values("pk"))
        .values("modality__label")
        .annotate(datasets=Count("dataset_id"), subjects=Sum("dataset__subject_count"))
        .order_by("-subjects", "modality__label")
    ]
    by_country = [
        CoverageRow(
            str(countries.name(row["custodian__country"])), row["datasets"], row["subjects"]
        )
        for row in public.order_by()
        .values("custodian__country")
        .annotate(datasets=Count("pk"), subjects=Sum("subject_count"))
        .order_by("-subjects")
    ]
    by_hosting = [
        CoverageRow(str(Dataset.Hosting(row["hosting"]).label), row["datasets"], row["subjects"])
        for row in public.order_by()
        .values("hosting")
        .annotate(datasets=Count("pk"), subjects=Sum("subject_count"))
        .order_by("hosting")
    ]
    return {
        "total": CoverageRow("", figures["total_datasets"] or 0, figures["total_subjects"] or 0),
        "cancer_types": by_cancer,
        "modalities": by_modality,
        "countries": by_country,
        "hosting": by_hosting,
    }


@dataclass
class Site:
    name: str
    short_name: str
    provider_type: str
    website: str
    datasets: int


@dataclass
class CountrySites:
    code: str
    name: str
    sites: list[Site]
    by_type: dict[str, int]


def participating_sites(*, provider_types: Sequence[str] = ()) -> list[CountrySites]:
    """Member organisations grouped by country, with their published datasets (one query)."""
    published = (
        published_datasets()
        .filter(custodian_id=OuterRef("pk"))
        .order_by()
        .values("custodian_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = organisations().annotate(
        published_datasets=Coalesce(Subquery(published, output_field=IntegerField()), Value(0))
    )
    if provider_types:
        qs = qs.filter(provider_type__in=provider_types)
    result: dict[str, CountrySites] = {}
    for org in qs.order_by("country", "name"):
        country = org.country  # a django-countries Country
        code = str(country.code)  # type: ignore[attr-defined]
        group = result.setdefault(code, CountrySites(code, str(country.name), [], {}))  # type: ignore[attr-defined]
        group.sites.append(
            Site(
                org.name,
                org.short_name,
                str(ProviderType(org.provider_type).label)
                if org.provider_type in ProviderType.values
                else org.provider_type,
                org.website,
                org.published_datasets,
            )
        )
        group.by_type[org.provider_type] = group.by_type.get(org.provider_type, 0) + 1
    return sorted(result.values(), key=lambda group: group.name)


# Data-use conditions for matching a research purpose (used by access requests)


def use_conditions_of(statement: AvailabilityStatement):
    """The statement's DUO conditions as `duo.UseConditions`: permission and modifier DUO ids,
    the disease's code, and each modifier's parameters. Reads `statement.modifiers.all()`, so
    prefetch them (with `statements_with_details`) when doing this for many statements."""
    from governance.catalogue.duo import UseConditions

    modifiers = {
        modifier.duo_term_id: {
            "months": str(modifier.months) if modifier.months else "",
            "date": modifier.until_date.isoformat() if modifier.until_date else "",
            "area": modifier.area,
            "detail": modifier.detail,
        }
        for modifier in statement.modifiers.all()
    }
    return UseConditions(
        permission=statement.duo_permission_id or "",
        disease=statement.disease_id or "",
        modifiers=modifiers,
    )
