"""Reads of the catalogue: search with facet counts, dataset pages, coverage and sites.

Facet counts are computed by the database, one query per facet whatever the number of datasets.
Within a facet the chosen values are alternatives (OR); facets combine with AND; each facet's
counts apply every filter except its own, so a person sees what choosing another value would give.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from governance.accounts.roles import ProviderType
from governance.accounts.selectors import holder_organisation_ids, is_portal_staff, organisations
from governance.catalogue.models import (
    AccessCondition,
    AvailabilityStatement,
    BodyPart,
    CancerType,
    Dataset,
    Modality,
    StatementModifier,
)
from governance.core.permissions import require

CancerThrough = Dataset.cancer_types.through
ModalityThrough = Dataset.modalities.through
BodyPartThrough = Dataset.body_parts.through
ConditionThrough = AvailabilityStatement.access_conditions.through


# Visibility


def published_datasets() -> QuerySet[Dataset]:
    """Datasets with a published statement: the public catalogue."""
    return Dataset.objects.filter(current_statement__isnull=False)


def datasets_editable_by(person) -> QuerySet[Dataset]:
    if is_portal_staff(person):
        return Dataset.objects.all()
    return Dataset.objects.filter(custodian_id__in=holder_organisation_ids(person))


def datasets_visible_to(person) -> QuerySet[Dataset]:
    if is_portal_staff(person):
        return Dataset.objects.all()
    return Dataset.objects.filter(
        Q(current_statement__isnull=False) | Q(custodian_id__in=holder_organisation_ids(person))
    )


def with_listing_details(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """What a list of datasets shows, in a constant number of queries."""
    return qs.select_related(
        "custodian", "current_statement", "current_statement__duo_permission"
    ).prefetch_related("cancer_types", "modalities")


def custodians_for(person) -> QuerySet:
    """The organisations whose datasets the person may register."""
    qs = organisations().order_by("name")
    if is_portal_staff(person):
        return qs
    return qs.filter(pk__in=holder_organisation_ids(person))


def dataset_for(person, pk: int) -> Dataset:
    """The dataset page's dataset, or 404 if the person may not see it."""
    try:
        return (
            with_listing_details(datasets_visible_to(person))
            .prefetch_related("body_parts", "current_statement__access_conditions")
            .get(pk=pk)
        )
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None


def editable_dataset_for(person, pk: int) -> Dataset:
    """A dataset the person may change: 404 if they may not see it, 403 if they only see it."""
    try:
        dataset = datasets_visible_to(person).select_related("custodian").get(pk=pk)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset") from None
    require(person, "catalogue.change_dataset", dataset)
    return dataset


def statements_with_details(qs: QuerySet[AvailabilityStatement]) -> QuerySet:
    return qs.select_related(
        "dataset", "dataset__custodian", "duo_permission", "disease", "published_by"
    ).prefetch_related(
        "access_conditions",
        Prefetch("modifiers", queryset=StatementModifier.objects.select_related("duo_term")),
    )


def statements_visible_to(person) -> QuerySet[AvailabilityStatement]:
    """Published and superseded versions are public; drafts only for the dataset's holders."""
    qs = AvailabilityStatement.objects.all()
    if is_portal_staff(person):
        return qs
    return qs.filter(
        ~Q(state=AvailabilityStatement.State.DRAFT)
        | Q(dataset__custodian_id__in=holder_organisation_ids(person))
    )


def statement_for(person, pk: int) -> AvailabilityStatement:
    try:
        return statements_with_details(statements_visible_to(person)).get(pk=pk)
    except AvailabilityStatement.DoesNotExist:
        raise Http404("No such statement") from None


def editable_statement_for(person, pk: int) -> AvailabilityStatement:
    """A statement the person may change or publish: 404 unseen, 403 seen but not theirs."""
    statement = statement_for(person, pk)
    require(person, "catalogue.change_statement", statement)
    return statement


def statement_history(dataset: Dataset, person) -> list[AvailabilityStatement]:
    return list(
        statements_visible_to(person)
        .filter(dataset=dataset)
        .select_related("published_by")
        .order_by("-version")
    )


def draft_of(dataset: Dataset) -> AvailabilityStatement | None:
    return dataset.statements.filter(state=AvailabilityStatement.State.DRAFT).first()


def datasets_with_drafts(person) -> QuerySet[Dataset]:
    """The holder's datasets whose statement waits to be published (or was never written)."""
    drafts = AvailabilityStatement.objects.filter(
        dataset=OuterRef("pk"), state=AvailabilityStatement.State.DRAFT
    )
    return (
        Dataset.objects.filter(custodian_id__in=holder_organisation_ids(person))
        .filter(Exists(drafts) | Q(current_statement__isnull=True))
        .annotate(draft_id=Subquery(drafts.values("pk")[:1]))
        .order_by("title")
    )


# Search


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


def search_datasets(
    filters: SearchFilters, *, base: QuerySet[Dataset] | None = None
) -> SearchResult:
    """The matching published datasets (a lazy queryset), their number and every facet's counts.

    The facets of a dataset's own columns are counted together, in one grouped query over the
    matching datasets, which also gives their number; a facet with chosen values is counted
    apart, without its own filter. Each facet of related terms is one grouped query.
    """
    base = published_datasets() if base is None else base
    tree = cancer_type_tree()
    fields, count = _field_facets(base, filters, tree)
    labels = _term_labels()
    facets = [
        _cancer_type_facet(_filtered(base, filters, tree, "cancer_types"), filters, tree),
        _through_facet(
            "modalities",
            ModalityThrough.objects.filter(
                dataset_id__in=_filtered(base, filters, tree, "modalities").values("pk")
            ),
            "modality_id",
            labels["modalities"],
            filters,
        ),
        _through_facet(
            "body_parts",
            BodyPartThrough.objects.filter(
                dataset_id__in=_filtered(base, filters, tree, "body_parts").values("pk")
            ),
            "bodypart_id",
            labels["body_parts"],
            filters,
        ),
        fields["countries"],
        fields["hosting"],
        fields["sources"],
        _through_facet(
            "access_conditions",
            ConditionThrough.objects.filter(
                availabilitystatement_id__in=_filtered(
                    base, filters, tree, "access_conditions"
                ).values("current_statement_id")
            ),
            "accesscondition_id",
            labels["access_conditions"],
            filters,
        ),
        fields["permissions"],
        fields["radiation_reports"],
    ]
    datasets = with_listing_details(_in_result_order(_filtered(base, filters, tree), filters))
    return SearchResult(datasets=datasets, facets=facets, count=count)


@dataclass(frozen=True)
class FieldFacet:
    """A facet of the dataset's own columns (or its custodian's, its statement's): the columns
    grouped on, then how a group's key gives the facet's value (None: not counted) and label."""

    fields: tuple[str, ...]
    value: Callable[[tuple], str | None]
    label: Callable[[tuple], str]


FIELD_FACETS = {
    "countries": FieldFacet(
        ("custodian__country",),
        lambda key: key[0],
        lambda key: str(countries.name(key[0])) or key[0],
    ),
    "hosting": FieldFacet(
        ("hosting",), lambda key: key[0], lambda key: str(Dataset.Hosting(key[0]).label)
    ),
    "sources": FieldFacet(
        ("source",), lambda key: key[0], lambda key: str(Dataset.Source(key[0]).label)
    ),
    "permissions": FieldFacet(
        ("current_statement__duo_permission_id", "current_statement__duo_permission__label"),
        lambda key: key[0],
        lambda key: key[1],
    ),
    "radiation_reports": FieldFacet(
        ("has_radiation_reports",),
        lambda key: "yes" if key[0] else "no",
        lambda key: str(RDSR_LABELS["yes" if key[0] else "no"]),
    ),
}


def _field_facets(
    base: QuerySet[Dataset], filters: SearchFilters, tree: Mapping[str, tuple[str, str | None]]
) -> tuple[dict[str, Facet], int | None]:
    """The facets of FIELD_FACETS, and the number of matches when it comes with them."""
    groups: dict[str, Counter] = {name: Counter() for name in FIELD_FACETS}
    together = [name for name in FIELD_FACETS if not filters.selected(name)]
    count = None
    if together:
        columns = [column for name in together for column in FIELD_FACETS[name].fields]
        count = 0
        for row in _grouped(_filtered(base, filters, tree), columns):
            count += row["n"]
            for name in together:
                groups[name][tuple(row[column] for column in FIELD_FACETS[name].fields)] += row["n"]
    for name in FIELD_FACETS:
        if name not in together:
            columns = list(FIELD_FACETS[name].fields)
            for row in _grouped(_filtered(base, filters, tree, name), columns):
                groups[name][tuple(row[column] for column in columns)] += row["n"]
    facets = {}
    for name, spec in FIELD_FACETS.items():
        facet = Facet(name, str(FACET_LABELS[name]))
        selected = set(filters.selected(name))
        for key, n in groups[name].items():
            value = spec.value(key)
            if value is not None:
                facet.values.append(FacetValue(value, spec.label(key), n, value in selected))
        facet.values.sort(key=lambda value: value.label)
        _add_missing_selected(facet, selected)
        facets[name] = facet
    return facets, count


def _grouped(qs: QuerySet[Dataset], columns: list[str]):
    return qs.order_by().values(*columns).annotate(n=Count("pk"))


def _cancer_type_facet(
    qs: QuerySet[Dataset], filters: SearchFilters, tree: Mapping[str, tuple[str, str | None]]
) -> Facet:
    """Counts roll up: a dataset of triple-negative breast cancer counts under breast cancer,
    and a dataset of two kinds of breast cancer counts once."""
    counts = _rolled_up_counts(qs, tree)
    facet = Facet("cancer_types", str(FACET_LABELS["cancer_types"]))
    for code in tree:
        count = counts.get(code, 0)
        selected = code in filters.cancer_types
        if count or selected:
            facet.values.append(
                FacetValue(code, tree[code][0], count, selected, _depth(tree, code))
            )
    facet.values.sort(key=lambda value: _path(tree, value.value))
    return facet


def _rolled_up_counts(
    qs: QuerySet[Dataset], tree: Mapping[str, tuple[str, str | None]]
) -> dict[str, int]:
    """code -> matching datasets of that cancer type or of one below it, in one query: each
    dataset's cancer types become a bit mask, the datasets are counted per mask, and each mask's
    count goes to every cancer type its bits fall under (so a dataset counts once under each)."""
    codes = list(tree)
    try:
        matching, matching_params = qs.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return {}
    if not codes:
        return {}
    through = connection.ops.quote_name(CancerThrough._meta.db_table)
    bits = ", ".join(["(%s, %s)"] * len(codes))
    # Only our own SQL is formatted in; every value (codes, the filters' values) is a parameter.
    sql = (
        f"WITH bits (code, bit) AS (VALUES {bits}) "  # noqa: S608  # nosec B608
        "SELECT mask, COUNT(*) FROM (SELECT t.dataset_id, SUM(bits.bit) AS mask "
        f"FROM {through} t JOIN bits ON bits.code = t.cancertype_id "
        f"WHERE t.dataset_id IN ({matching}) GROUP BY t.dataset_id) AS masks GROUP BY mask"
    )
    params = [value for bit, code in enumerate(codes) for value in (code, 1 << bit)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *matching_params])
        rows = cursor.fetchall()
    under = {
        code: {ancestor for ancestor in codes if code in descendants(tree, ancestor)}
        for code in codes
    }
    counts: Counter = Counter()
    for mask, n in rows:
        mask = int(mask)
        covered = set().union(*(under[code] for bit, code in enumerate(codes) if mask >> bit & 1))
        for code in covered:
            counts[code] += n
    return counts


def _depth(tree: Mapping[str, tuple[str, str | None]], code: str) -> int:
    return len(_path(tree, code)) - 1


def _path(tree: Mapping[str, tuple[str, str | None]], code: str) -> list[str]:
    path: list[str] = []
    current: str | None = code
    while current and current not in path:
        path.insert(0, tree[current][0])
        current = tree[current][1]
    return path


def _through_facet(
    name: str, qs: QuerySet, value_field: str, labels: Mapping[str, str], filters: SearchFilters
) -> Facet:
    """Counted per term's code before its label is looked up: the join is of a few groups,
    not of every matching row."""
    rows = qs.order_by().values(value_field).annotate(n=Count("pk"))
    facet = Facet(name, str(FACET_LABELS[name]))
    selected = set(filters.selected(name))
    for row in rows:
        code = row[value_field]
        if code is not None:
            facet.values.append(
                FacetValue(code, labels.get(code, code), row["n"], code in selected)
            )
    facet.values.sort(key=lambda value: value.label)
    _add_missing_selected(facet, selected)
    return facet


def _term_labels() -> dict[str, dict[str, str]]:
    """facet -> code -> label, for the facets of related vocabulary terms (one query)."""
    terms = [
        (name, model.objects.annotate(facet=Value(name)).order_by())
        for name, model in (
            ("modalities", Modality),
            ("body_parts", BodyPart),
            ("access_conditions", AccessCondition),
        )
    ]
    first, *others = (qs.values_list("facet", "code", "label") for _name, qs in terms)
    labels: dict[str, dict[str, str]] = {name: {} for name, _qs in terms}
    for facet, code, label in first.union(*others, all=True):
        labels[facet][code] = label
    return labels


def _add_missing_selected(facet: Facet, selected: set[str]) -> None:
    present = {value.value for value in facet.values}
    for value in sorted(selected - present):
        facet.values.append(FacetValue(value, value, 0, True))


# Coverage and participating sites


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
