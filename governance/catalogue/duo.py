"""Is a research purpose compatible with a dataset's data-use conditions (SPEC section 8)?

The dataset's permission must be the purpose's class or an ancestor of it in DUO (DS -> HMB ->
GRU); NRES and GRU cover every purpose; DS covers only its disease and its sub-diseases.
Restricting modifiers (NCU, NPU, NPUNCU, NMDS, GSO, NPOA) can exclude a purpose; obligation
modifiers become conditions the committee sees and the agreement states.

Terms are named by their DUO shorthand and resolved through the loaded vocabulary, so the code
holds no copy of the ontology.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Modifiers that are obligations: the requester may proceed but must honour them.
OBLIGATION_SHORTHANDS = ("IRB", "PUB", "COL", "MOR", "RTN", "TS", "GS", "US", "PS", "IS", "RS")
# Parameters an obligation modifier can carry, and how they read in a sentence.
PARAMETER_LABELS = {
    "months": "time limit: {} months",
    "date": "until {}",
    "area": "area: {}",
    "detail": "{}",
}


@dataclass(frozen=True)
class DuoVocabulary:
    """The DUO terms the portal loaded: id -> (shorthand, label, parent)."""

    terms: Mapping[str, tuple[str, str, str]]

    def id_of(self, shorthand: str) -> str:
        for term_id, (short, _label, _parent) in self.terms.items():
            if short == shorthand:
                return term_id
        raise KeyError(f"DUO shorthand {shorthand!r} is not in the loaded vocabulary")

    def shorthand(self, term_id: str) -> str:
        return self.terms[term_id][0]

    def label(self, term_id: str) -> str:
        return self.terms[term_id][1]

    def self_and_ancestors(self, term_id: str) -> list[str]:
        chain = []
        while term_id in self.terms and term_id not in chain:
            chain.append(term_id)
            term_id = self.terms[term_id][2]
        return chain

    @classmethod
    def from_database(cls) -> DuoVocabulary:
        from governance.catalogue.models import DuoTerm

        rows = DuoTerm.objects.values_list("id", "shorthand", "label", "parent_code")
        return cls({row[0]: (row[1], row[2], row[3]) for row in rows})


@dataclass(frozen=True)
class DiseaseTree:
    """Cancer types: code -> (label, parent code or "")."""

    diseases: Mapping[str, tuple[str, str]]

    def label(self, code: str) -> str:
        return self.diseases.get(code, (code, ""))[0]

    def is_within(self, code: str, ancestor: str) -> bool:
        seen = set()
        while code and code not in seen:
            if code == ancestor:
                return True
            seen.add(code)
            code = self.diseases.get(code, ("", ""))[1]
        return False

    @classmethod
    def from_database(cls) -> DiseaseTree:
        from governance.catalogue.models import CancerType

        rows = CancerType.objects.values_list("code", "label", "parent_id")
        return cls({row[0]: (row[1], row[2] or "") for row in rows})


@dataclass(frozen=True)
class UseConditions:
    """A dataset's data-use conditions: one permission, its disease if DS, modifiers with params."""

    permission: str
    disease: str = ""
    modifiers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResearchPurpose:
    """What a requester states: the purpose's DUO class (DS, HMB, GRU or POA) and its context."""

    permission: str
    disease: str = ""
    commercial: bool = False
    for_profit: bool = False
    method_development: bool = False
    genetic_study: bool = False


@dataclass(frozen=True)
class Obligation:
    shorthand: str
    duo_id: str
    label: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.label} ({self.detail})" if self.detail else self.label


@dataclass(frozen=True)
class Compatibility:
    compatible: bool
    reasons: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()


def check_compatibility(
    purpose: ResearchPurpose,
    conditions: UseConditions,
    *,
    vocabulary: DuoVocabulary,
    diseases: DiseaseTree,
) -> Compatibility:
    reasons: list[str] = []
    reason = _permission_refusal(purpose, conditions, vocabulary, diseases)
    if reason:
        reasons.append(reason)
    reasons.extend(_modifier_refusals(purpose, conditions, vocabulary))
    obligations = tuple(
        Obligation(
            shorthand=vocabulary.shorthand(duo_id),
            duo_id=duo_id,
            label=vocabulary.label(duo_id),
            detail=_describe_parameters(params),
        )
        for duo_id, params in conditions.modifiers.items()
        if vocabulary.shorthand(duo_id) in OBLIGATION_SHORTHANDS
    )
    return Compatibility(not reasons, tuple(reasons), obligations)


def _permission_refusal(
    purpose: ResearchPurpose,
    conditions: UseConditions,
    vocabulary: DuoVocabulary,
    diseases: DiseaseTree,
) -> str:
    granted = vocabulary.shorthand(conditions.permission)
    if granted in {"NRES", "GRU"}:
        return ""
    if conditions.permission not in vocabulary.self_and_ancestors(purpose.permission):
        return _(
            "The dataset allows only %(granted)s; the stated purpose is %(purpose)s, which "
            "that permission does not cover."
        ) % {
            "granted": vocabulary.label(conditions.permission),
            "purpose": vocabulary.label(purpose.permission),
        }
    if granted == "DS":
        if not purpose.disease:
            return _("Disease-specific data needs a purpose that names the disease studied.")
        if not diseases.is_within(purpose.disease, conditions.disease):
            return _(
                "The dataset allows research on %(allowed)s only (and its sub-types); the stated "
                "purpose is research on %(asked)s."
            ) % {
                "allowed": diseases.label(conditions.disease),
                "asked": diseases.label(purpose.disease),
            }
    return ""


def _modifier_refusals(
    purpose: ResearchPurpose, conditions: UseConditions, vocabulary: DuoVocabulary
) -> list[str]:
    present = {vocabulary.shorthand(duo_id) for duo_id in conditions.modifiers}
    reasons = []
    if present & {"NCU", "NPUNCU"} and purpose.commercial:
        reasons.append(_("The dataset is for non-commercial use only; the purpose is commercial."))
    if present & {"NPU", "NPUNCU"} and purpose.for_profit:
        reasons.append(
            _(
                "The dataset is for not-for-profit organisations only; the requesting "
                "organisation is for-profit."
            )
        )
    if "NMDS" in present and purpose.method_development:
        reasons.append(
            _(
                "The dataset excludes methods development (e.g. software or algorithms); the "
                "purpose develops methods."
            )
        )
    if "GSO" in present and not purpose.genetic_study:
        reasons.append(_("The dataset is for genetic studies only; the purpose is not one."))
    if "NPOA" in present and vocabulary.shorthand(purpose.permission) == "POA":
        reasons.append(
            _("The dataset excludes population origins or ancestry research; the purpose is one.")
        )
    return reasons


def _describe_parameters(params: Mapping[str, str]) -> str:
    parts = [
        PARAMETER_LABELS.get(name, name + ": {}").format(value)
        for name, value in params.items()
        if value
    ]
    return "; ".join(parts)


def compatibility(purpose: ResearchPurpose, conditions: UseConditions) -> Compatibility:
    """check_compatibility with the vocabularies loaded from the database."""
    return check_compatibility(
        purpose,
        conditions,
        vocabulary=DuoVocabulary.from_database(),
        diseases=DiseaseTree.from_database(),
    )
