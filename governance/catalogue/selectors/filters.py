"""The search's filters and results, the full-text matching and the cancer-type hierarchy.

Within a facet the chosen values are alternatives (OR); facets combine with AND.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.catalogue.models import AvailabilityStatement, CancerType, Dataset
from governance.catalogue.selectors.visibility import published_datasets, with_listing_details

CancerThrough = Dataset.cancer_types.through
ModalityThrough = Dataset.modalities.through
BodyPartThrough = Dataset.body_parts.through
ConditionThrough = AvailabilityStatement.access_conditions.through


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    cancer_types: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    body_parts: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    hosting: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    access_conditions: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    radiation_reports: tuple[str, ...] = ()  # "yes" / "no"

    def selected(self, facet: str) -> tuple[str, ...]:
        return getattr(self, facet)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    depth: int = 0  # for the cancer-type hierarchy

    @property
    def indent(self) -> str:
        return "— " * self.depth


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def vocabulary(self) -> bool:
        """Its values are terms of a controlled vocabulary (DUO, DICOM, the EUCAIM lists), shown
        with their English labels in every language."""
        return self.name in VOCABULARY_FACETS


FACET_LABELS = {
    "cancer_types": _("Cancer type"),
    "modalities": _("Imaging modality"),
    "body_parts": _("Body part"),
    "countries": _("Country of the custodian"),
    "hosting": _("Hosting"),
    "sources": _("Source"),
    "access_conditions": _("Access condition"),
    "permissions": _("Data-use permission (DUO)"),
    "radiation_reports": _("Radiation-exposure reports (RDSR)"),
}
VOCABULARY_FACETS = frozenset(
    {"cancer_types", "modalities", "body_parts", "access_conditions", "permissions"}
)
RDSR_LABELS = {"yes": _("Present"), "no": _("Not present")}


MAX_VALUES_PER_FACET = 50
MAX_WORDS = 8


def filters_from(params) -> SearchFilters:
    """Search filters from a query string (QueryDict); unknown values simply match nothing."""
    # A NUL byte cannot be stored or compared in a PostgreSQL text: it is dropped, not a 500.
    chosen = {
        name: tuple(
            value.replace("\x00", "")[:60]
            for value in params.getlist(name)[:MAX_VALUES_PER_FACET]
            if value
        )
        for name in FACET_LABELS
    }
    query = params.get("q", "").replace("\x00", "").strip()[:200]
    return SearchFilters(query=query, **chosen)


@dataclass
class SearchResult:
    datasets: QuerySet[Dataset]
    facets: list[Facet]
    count: int | None = None  # the number of matches, when the facet counts already gave it

    def page(self, number, per_page: int) -> Page:
        """One page of the matches, without counting them a second time."""
        paginator = Paginator(self.datasets, per_page)
        if self.count is not None:
            paginator.__dict__["count"] = self.count  # Paginator.count is a cached property
        return paginator.get_page(number)


# Full-text search (PostgreSQL)


WORD = re.compile(r"\w+")


def full_text_search() -> bool:
    """PostgreSQL searches the stored tsvector (migration 0005); SQLite matches plain text."""
    return connection.vendor == "postgresql"


def text_query(text: str) -> SearchQuery | None:
    """What a person typed as a tsquery: every word must appear, the last one may be the start
    of a word (they may still be typing it); English stems or the words as written. Only word
    characters reach the query, each quoted as a literal, so no text is read as tsquery syntax.
    None when there is no word at all."""
    words = WORD.findall(text)[:MAX_WORDS]
    query: SearchQuery | None = None
    for index, word in enumerate(words):
        literal = f"'{word}'" + (":*" if index == len(words) - 1 else "")
        either = SearchQuery(literal, config="english", search_type="raw") | SearchQuery(
            literal, config="simple", search_type="raw"
        )
        query = either if query is None else query & either
    return query


def _matching_text(qs: QuerySet[Dataset], text: str) -> QuerySet[Dataset]:
    if full_text_search():
        query = text_query(text)
        return qs.none() if query is None else qs.filter(search_vector=query)
    for word in text.split()[:MAX_WORDS]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(custodian__name__icontains=word)
        )
    return qs


def _in_result_order(qs: QuerySet[Dataset], filters: SearchFilters) -> QuerySet[Dataset]:
    """Best matches first for a text search on PostgreSQL (title, description, custodian weigh
    in that order); otherwise by title."""
    query = text_query(filters.query) if filters.query and full_text_search() else None
    if query is None:
        return qs
    return qs.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "title", "pk")


def cancer_type_tree() -> dict[str, tuple[str, str | None]]:
    """code -> (label, parent code), in the vocabulary's order (one query)."""
    return {
        code: (label, parent)
        for code, label, parent in CancerType.objects.values_list("code", "label", "parent_id")
    }


def descendants(tree: Mapping[str, tuple[str, str | None]], code: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for child, (_label, parent) in tree.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [code]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def _filtered(
    qs: QuerySet[Dataset],
    filters: SearchFilters,
    tree: Mapping[str, tuple[str, str | None]],
    skip: str = "",
) -> QuerySet[Dataset]:
    if filters.query:
        qs = _matching_text(qs, filters.query)
    if filters.cancer_types and skip != "cancer_types":
        codes = set().union(*(descendants(tree, code) for code in filters.cancer_types))
        qs = qs.filter(
            Exists(CancerThrough.objects.filter(dataset_id=OuterRef("pk"), cancertype_id__in=codes))
        )
    if filters.modalities and skip != "modalities":
        qs = qs.filter(
            Exists(
                ModalityThrough.objects.filter(
                    dataset_id=OuterRef("pk"), modality_id__in=filters.modalities
                )
            )
        )
    if filters.body_parts and skip != "body_parts":
        qs = qs.filter(
            Exists(
                BodyPartThrough.objects.filter(
                    dataset_id=OuterRef("pk"), bodypart_id__in=filters.body_parts
                )
            )
        )
    if filters.countries and skip != "countries":
        qs = qs.filter(custodian__country__in=filters.countries)
    if filters.hosting and skip != "hosting":
        qs = qs.filter(hosting__in=filters.hosting)
    if filters.sources and skip != "sources":
        qs = qs.filter(source__in=filters.sources)
    if filters.access_conditions and skip != "access_conditions":
        qs = qs.filter(
            Exists(
                ConditionThrough.objects.filter(
                    availabilitystatement_id=OuterRef("current_statement_id"),
                    accesscondition_id__in=filters.access_conditions,
                )
            )
        )
    if filters.permissions and skip != "permissions":
        qs = qs.filter(current_statement__duo_permission_id__in=filters.permissions)
    if filters.radiation_reports and skip != "radiation_reports":
        wanted = {value == "yes" for value in filters.radiation_reports}
        qs = qs.filter(has_radiation_reports__in=wanted)
    return qs


def matching_datasets(
    filters: SearchFilters, *, base: QuerySet[Dataset] | None = None
) -> QuerySet[Dataset]:
    """The datasets matching the filters, without facet counts (for the API's list)."""
    base = published_datasets() if base is None else base
    tree = cancer_type_tree() if filters.cancer_types else {}
    return with_listing_details(_in_result_order(_filtered(base, filters, tree), filters))


def _depth(tree: Mapping[str, tuple[str, str | None]], code: str) -> int:
    return len(_path(tree, code)) - 1


def _path(tree: Mapping[str, tuple[str, str | None]], code: str) -> list[str]:
    path: list[str] = []
    current: str | None = code
    while current and current not in path:
        path.insert(0, tree[current][0])
        current = tree[current][1]
    return path
