"""The search with every facet's counts.

Facet counts are computed by the database, one query per facet whatever the number of datasets.
Each facet's counts apply every filter except its own, so a person sees what choosing another
value would give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, QuerySet, Value
from django_countries import countries

from governance.catalogue.models import AccessCondition, BodyPart, Dataset, Modality
from governance.catalogue.selectors.filters import (
    FACET_LABELS,
    RDSR_LABELS,
    BodyPartThrough,
    CancerThrough,
    ConditionThrough,
    Facet,
    FacetValue,
    ModalityThrough,
    SearchFilters,
    SearchResult,
    _depth,
    _filtered,
    _in_result_order,
    _path,
    cancer_type_tree,
    descendants,
)
from governance.catalogue.selectors.visibility import published_datasets, with_listing_details


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
