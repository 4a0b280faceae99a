"""Calls: creating and configuring a call (tracks, questions, rubric) and its translations."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts.roles import ProviderType
from governance.accounts.selectors import is_portal_staff
from governance.audit.services import record
from governance.calls import rules
from governance.calls.models import (
    Call,
    Criterion,
    Question,
    Track,
)
from governance.core.errors import (
    Invalid,
    InvalidTransition,
    NotPermitted,
    Problems,
    full_clean,
)
from governance.core.translations import clean_translations, merged_translations
from governance.core.uploads import KINDS

CALL_FIELDS = (
    "title",
    "summary",
    "description",
    "opens_at",
    "deadline",
    "is_published",
    "eligible_countries",
    "evaluators_per_proposal",
    "conflict_same_country",
    "hide_scores_until_submitted",
    "scale_min",
    "scale_max",
)


def _url(name: str, *args) -> str:
    from django.conf import settings

    return settings.PORTAL_BASE_URL + reverse(name, args=args)


def _check_may_configure(actor, call: Call | None) -> None:
    allowed = rules.may_chair(actor, call) if call else rules.may_create_calls(actor)
    if not allowed:
        raise NotPermitted(_("Only portal staff and the call's chairs may configure a call."))


def _call_summary(call: Call) -> dict[str, Any]:
    return {
        "title": call.title,
        "opens_at": call.opens_at,
        "deadline": call.deadline,
        "is_published": call.is_published,
        "evaluators_per_proposal": call.evaluators_per_proposal,
        "conflict_same_country": call.conflict_same_country,
    }


def _validate_call(call: Call) -> None:
    """The call's rules and its model's, each refusal under the field it is about."""
    problems = Problems()
    if call.opens_at and call.deadline and call.deadline <= call.opens_at:
        problems.add("deadline", _("The deadline must come after the opening."))
    if call.scale_max <= call.scale_min:
        problems.add("scale_max", _("The highest score must be above the lowest."))
    full_clean(call, problems, exclude=["created_by"])


@transaction.atomic
def call_create(
    *, actor, data: Mapping[str, Any], configuration: Mapping[str, Any] | None = None
) -> Call:
    _check_may_configure(actor, None)
    call = Call(created_by=actor)
    for name in CALL_FIELDS:
        if name in data:
            setattr(call, name, data[name])
    _validate_call(call)
    call.save()
    if "chairs" in data:
        call.chairs.set(data["chairs"])
    elif not is_portal_staff(actor):
        call.chairs.add(actor)
    if configuration is not None:
        _configure(call, configuration)
    record(actor=actor, action="calls.call_created", obj=call, after=_call_summary(call))
    return call


@transaction.atomic
def call_update(
    *, actor, call: Call, data: Mapping[str, Any], configuration: Mapping[str, Any] | None = None
) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    _check_may_configure(actor, call)
    before = _call_summary(call)
    changed = [name for name in CALL_FIELDS if name in data]
    for name in changed:
        setattr(call, name, data[name])
    _validate_call(call)
    call.save(update_fields=[*changed, "updated_at"])
    if "chairs" in data:
        call.chairs.set(data["chairs"])
    if configuration is not None:
        if call.proposals.exists():
            raise InvalidTransition(
                _(
                    "Proposals were started on this call, so its forms and rubric can no "
                    "longer change. Change the texts and dates only."
                )
            )
        _configure(call, configuration)
    record(
        actor=actor,
        action="calls.call_updated",
        obj=call,
        before=before,
        after=_call_summary(call),
    )
    return call


@transaction.atomic
def call_translations_save(
    *, actor, call: Call, translations: Mapping[str, Any], partial: bool = False
) -> Call:
    """Set the call's texts in other languages (`{language: {field: text}}`); with `partial`,
    only the languages given change. Allowed in any phase: a translation renders the call's
    texts, it does not change them."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _check_may_configure(actor, call)
    cleaned = clean_translations(translations, model=Call, fields=Call.TRANSLATABLE)
    before = call.translations
    after = merged_translations(before, translations, cleaned, partial=partial)
    call.translations = after
    call.save(update_fields=["translations", "updated_at"])
    record(
        actor=actor,
        action="calls.call_translations_saved",
        obj=call,
        before={"languages": sorted(before)},
        after={"languages": sorted(after)},
    )
    return call


def _configure(call: Call, configuration: Mapping[str, Any]) -> None:
    """Replace the call's tracks, questions and criteria by those described in `configuration`."""
    try:
        tracks = configuration.get("tracks") or []
        criteria = configuration.get("criteria") or []
        if not tracks or not criteria:
            raise ValueError(_("A call needs at least one track and one criterion."))
        call.tracks.all().delete()
        call.criteria.all().delete()
        for spec in tracks:
            kind = spec["kind"]
            if kind not in Track.Kind.values:
                raise ValueError(_("Unknown track %(kind)s.") % {"kind": kind})
            unknown = set(spec.get("provider_types", [])) - set(ProviderType.values)
            if unknown:
                raise ValueError(_("Unknown organisation types: %(u)s.") % {"u": sorted(unknown)})
            track = Track.objects.create(
                call=call,
                kind=kind,
                description=spec.get("description", ""),
                provider_types=list(spec.get("provider_types", [])),
            )
            for position, q in enumerate(spec.get("questions", [])):
                if q["kind"] not in Question.Kind.values:
                    raise ValueError(_("Unknown question kind %(k)s.") % {"k": q["kind"]})
                if set(q.get("allowed_types", [])) - set(KINDS):
                    raise ValueError(_("Files may be: %(k)s.") % {"k": ", ".join(KINDS)})
                question = Question(
                    track=track,
                    position=position,
                    key=q["key"],
                    label=q["label"],
                    help_text=q.get("help_text", ""),
                    kind=q["kind"],
                    required=q.get("required", True),
                    max_length=q.get("max_length"),
                    choices=list(q.get("choices", [])),
                    min_value=Decimal(str(q["min_value"])) if q.get("min_value") else None,
                    max_value=Decimal(str(q["max_value"])) if q.get("max_value") else None,
                    allowed_types=list(q.get("allowed_types", [])),
                    max_size_mb=q.get("max_size_mb"),
                )
                if question.kind == Question.Kind.CHOICE and not question.choices:
                    raise ValueError(_("A choice question needs choices: %(k)s.") % {"k": q["key"]})
                question.full_clean(exclude=["track"])
                question.save()
        for position, c in enumerate(criteria):
            Criterion.objects.create(
                call=call,
                position=position,
                name=c["name"],
                description=c.get("description", ""),
                weight=Decimal(str(c.get("weight", 1))),
            )
    except (KeyError, TypeError, ValueError, ValidationError, IntegrityError) as error:
        message = error.messages if isinstance(error, ValidationError) else [str(error)]
        invalid = Invalid(
            {
                "configuration": _("The form and rubric configuration is not valid: %(error)s")
                % {"error": " ".join(message)}
            }
        )
        invalid.code = "invalid_configuration"
        raise invalid from None


def configuration_of(call: Call) -> dict[str, Any]:
    def number(value):
        # Written out, never with an exponent: Decimal("10000000").normalize() is "1E+7".
        if value is None:
            return None
        return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"

    return {
        "tracks": [
            {
                "kind": track.kind,
                "description": track.description,
                "provider_types": track.provider_types,
                "questions": [
                    {
                        key: value
                        for key, value in {
                            "key": q.key,
                            "label": q.label,
                            "kind": q.kind,
                            "help_text": q.help_text or None,
                            "required": q.required,
                            "max_length": q.max_length,
                            "choices": q.choices or None,
                            "min_value": number(q.min_value),
                            "max_value": number(q.max_value),
                            "allowed_types": q.allowed_types or None,
                            "max_size_mb": q.max_size_mb,
                        }.items()
                        if value is not None
                    }
                    for q in track.questions.all()
                ],
            }
            for track in call.tracks.all()
        ],
        "criteria": [
            {"name": c.name, "description": c.description, "weight": float(c.weight)}
            for c in call.criteria.all()
        ],
    }
