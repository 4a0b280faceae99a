"""Consultations, comments, policy documents and their versions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.audit.services import record
from governance.core.errors import DeadlinePassed, InvalidTransition, NotPermitted, PortalError
from governance.core.times import format_moment
from governance.core.translations import clean_translations, merged_translations
from governance.engagement import selectors
from governance.engagement.models import (
    CONSULTATION_MACHINE,
    POLICY_VERSION_MACHINE,
    Comment,
    Consultation,
    PolicyDocument,
    PolicySection,
    PolicyTranslation,
    PolicyVersion,
)
from governance.engagement.services.common import (
    FieldInvalid,
    _check_staff,
    _short,
)


@transaction.atomic
def policy_document_create(*, actor, title: str, slug: str = "") -> PolicyDocument:
    """A new policy; its address (slug) comes from the title unless one is given."""
    _check_staff(actor)
    title = title.strip()
    if not title:
        raise FieldInvalid(_("Give the policy a title."), code="required", field="title")
    if len(title) > 200:
        raise FieldInvalid(
            _("Keep the title under 200 characters."), code="too_long", field="title"
        )
    if slug.strip():
        slug = slugify(slug)[:50]
        if not slug:
            raise FieldInvalid(
                _("Use letters, digits and hyphens in the short name, or leave it empty."),
                code="invalid_slug",
                field="slug",
            )
        if PolicyDocument.objects.filter(slug=slug).exists():
            raise _slug_taken(slug)
    else:
        base = slugify(title)[:44] or "policy"
        slug, n = base, 2
        while PolicyDocument.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
    try:
        with transaction.atomic():
            document = PolicyDocument.objects.create(title=title, slug=slug)
    except IntegrityError:
        raise _slug_taken(slug) from None
    record(
        actor=actor,
        action="engagement.policy_document_created",
        obj=document,
        after={"title": title, "slug": slug},
    )
    return document


def _slug_taken(slug: str) -> FieldInvalid:
    return FieldInvalid(
        _(
            "The short name “%(slug)s” belongs to another policy: choose another one, or leave "
            "it empty to derive one from the title."
        )
        % {"slug": slug},
        code="slug_taken",
        field="slug",
    )


def _clean_sections(sections: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Sections with both heading and text; empty rows are dropped, half-filled ones refused."""
    cleaned = []
    for index, (heading, body) in enumerate(sections, start=1):
        heading, body = (heading or "").strip(), (body or "").strip()
        if not heading and not body:
            continue
        if not heading or not body:
            raise FieldInvalid(
                _("Section %(n)d needs both a heading and a text.") % {"n": index},
                code="section_incomplete",
                field="sections",
            )
        if len(heading) > 200:
            raise FieldInvalid(
                _("The heading of section %(n)d is longer than 200 characters: shorten it.")
                % {"n": index},
                code="too_long",
                field="sections",
            )
        cleaned.append((heading, body))
    if not cleaned:
        raise FieldInvalid(
            _("Give the version at least one section (a heading and its text)."),
            code="sections_required",
            field="sections",
        )
    return cleaned


def _clean_summary(plain_summary: str) -> str:
    plain_summary = (plain_summary or "").strip()
    if not plain_summary:
        raise FieldInvalid(
            _("Write the plain-language summary: what the policy means, in everyday words."),
            code="required",
            field="plain_summary",
        )
    return plain_summary


@transaction.atomic
def policy_version_create(
    *,
    actor,
    document: PolicyDocument,
    plain_summary: str,
    sections: Sequence[tuple[str, str]],
    change_note: str = "",
) -> PolicyVersion:
    """The next version, as a draft. One draft at a time, so that numbers follow publication."""
    _check_staff(actor)
    PolicyDocument.objects.select_for_update().get(pk=document.pk)
    draft = document.versions.filter(state=PolicyVersion.State.DRAFT).first()
    if draft is not None:
        raise InvalidTransition(
            _(
                "Version %(n)d is still a draft: edit it or publish it before writing another "
                "version."
            )
            % {"n": draft.number}
        )
    plain_summary = _clean_summary(plain_summary)
    sections = _clean_sections(sections)
    last = document.versions.aggregate(m=Max("number"))["m"] or 0
    version = PolicyVersion.objects.create(
        document=document,
        number=last + 1,
        plain_summary=plain_summary,
        change_note=change_note.strip(),
    )
    PolicySection.objects.bulk_create(
        PolicySection(version=version, position=index, heading=heading, body=body)
        for index, (heading, body) in enumerate(sections, start=1)
    )
    record(
        actor=actor,
        action="engagement.policy_version_created",
        obj=version,
        after={"number": version.number, "sections": len(sections)},
    )
    return version


@transaction.atomic
def policy_version_update(
    *,
    actor,
    version: PolicyVersion,
    plain_summary: str,
    sections: Sequence[tuple[str, str]],
    change_note: str = "",
) -> PolicyVersion:
    """Rewrite a draft. Published versions never change: people commented on their words."""
    _check_staff(actor)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not POLICY_VERSION_MACHINE.can(version.state, "edit"):
        raise InvalidTransition(
            _(
                "Version %(n)d is published, and published versions never change: write a new "
                "version instead."
            )
            % {"n": version.number}
        )
    version.plain_summary = _clean_summary(plain_summary)
    version.change_note = change_note.strip()
    version.save(update_fields=["plain_summary", "change_note"])
    cleaned = _clean_sections(sections)
    # Rows are updated in place (by position) so that their ids stay stable.
    existing = list(version.sections.order_by("position", "pk"))
    for index, (heading, body) in enumerate(cleaned, start=1):
        if index <= len(existing):
            section = existing[index - 1]
            section.position, section.heading, section.body = index, heading, body
            section.save(update_fields=["position", "heading", "body"])
        else:
            PolicySection.objects.create(
                version=version, position=index, heading=heading, body=body
            )
    PolicySection.objects.filter(pk__in=[s.pk for s in existing[len(cleaned) :]]).delete()
    record(
        actor=actor,
        action="engagement.policy_version_updated",
        obj=version,
        after={"number": version.number, "sections": len(cleaned)},
    )
    return version


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


@transaction.atomic
def policy_translation_save(
    *,
    actor,
    version: PolicyVersion,
    language: str,
    plain_summary: str,
    sections: Sequence[tuple[str, str]],
) -> PolicyTranslation:
    """Add or correct a version's text in another language, section for section. Allowed on
    published versions too: a translation renders the text, it does not change it."""
    _check_staff(actor)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    language = (language or "").strip().lower()
    if not LANGUAGE_CODE.match(language):
        raise FieldInvalid(
            _("Give the language as a code such as es, fr, de or pt-br."),
            code="invalid_language",
            field="language",
        )
    if language == "en":
        raise FieldInvalid(
            _("English is the original text; a translation is in another language."),
            code="same_as_original",
            field="language",
        )
    plain_summary = _clean_summary(plain_summary)
    count = version.sections.count()
    given = [((h or "").strip(), (b or "").strip()) for h, b in sections]
    if len(given) != count or not all(h and b for h, b in given):
        raise FieldInvalid(
            _(
                "Translate each of the %(n)d sections, heading and text, in the order of the "
                "original."
            )
            % {"n": count},
            code="sections_mismatch",
            field="sections",
        )
    translation, created = PolicyTranslation.objects.update_or_create(
        version=version,
        language=language,
        defaults={
            "plain_summary": plain_summary,
            "sections": [{"heading": h, "body": b} for h, b in given],
        },
    )
    record(
        actor=actor,
        action="engagement.policy_translation_saved",
        obj=version,
        after={"language": language, "created": created},
    )
    return translation


@transaction.atomic
def policy_version_publish(*, actor, version: PolicyVersion) -> PolicyVersion:
    _check_staff(actor)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not POLICY_VERSION_MACHINE.can(version.state, "publish"):
        raise InvalidTransition(
            _("This version is already published; write a new version to change it.")
        )
    version.state = POLICY_VERSION_MACHINE.target(version.state, "publish")
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_at"])
    record(
        actor=actor,
        action="engagement.policy_version_published",
        obj=version,
        after={"number": version.number},
    )
    return version


CONSULTATION_FIELDS = ("version", "title", "invitation", "closes_at")


@transaction.atomic
def consultation_save(
    *, actor, consultation: Consultation | None = None, data: Mapping[str, Any]
) -> Consultation:
    """Create a consultation on a published version, or change it while it is a draft."""
    _check_staff(actor)
    creating = consultation is None
    before: dict[str, Any] = {}
    if consultation is None:
        consultation = Consultation()
    else:
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.state != Consultation.State.DRAFT:
            raise InvalidTransition(
                _(
                    "This consultation is %(state)s: only a draft can be changed. Its invitation "
                    "and dates are what people were told."
                )
                % {"state": consultation.get_state_display().lower()}
            )
        before = {n: getattr(consultation, n) for n in CONSULTATION_FIELDS}
    for name in CONSULTATION_FIELDS:
        if name in data:
            setattr(consultation, name, data[name])
    consultation.full_clean()
    if consultation.version.state != PolicyVersion.State.PUBLISHED:
        raise FieldInvalid(
            _("Publish version %(n)d of “%(title)s” first: people comment on published text.")
            % {"n": consultation.version.number, "title": consultation.version.document.title},
            code="version_not_published",
            field="version",
        )
    if consultation.closes_at <= timezone.now():
        raise FieldInvalid(
            _("Set the closing date in the future: people need time to read and comment."),
            code="closes_in_past",
            field="closes_at",
        )
    changed = [n for n in CONSULTATION_FIELDS if creating or before[n] != getattr(consultation, n)]
    if creating:
        consultation.save()
    else:
        consultation.save(update_fields=changed)
    record(
        actor=actor,
        action=(
            "engagement.consultation_created" if creating else "engagement.consultation_updated"
        ),
        obj=consultation,
        before={n: _audit_value(before[n]) for n in changed} if not creating else None,
        after={n: _audit_value(getattr(consultation, n)) for n in changed},
    )
    return consultation


@transaction.atomic
def consultation_translations_save(
    *,
    actor,
    consultation: Consultation,
    translations: Mapping[str, Any],
    partial: bool = False,
) -> Consultation:
    """Set the consultation's texts in other languages (`{language: {field: text}}`); with
    `partial`, only the languages given change. Allowed in any state: a translation renders what
    people were told, it does not change it."""
    _check_staff(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    cleaned = clean_translations(translations, model=Consultation, fields=Consultation.TRANSLATABLE)
    before = consultation.translations
    after = merged_translations(before, translations, cleaned, partial=partial)
    consultation.translations = after
    consultation.save(update_fields=["translations"])
    record(
        actor=actor,
        action="engagement.consultation_translations_saved",
        obj=consultation,
        before={"languages": sorted(before)},
        after={"languages": sorted(after)},
    )
    return consultation


def _audit_value(value: Any) -> Any:
    if isinstance(value, PolicyVersion):
        return value.pk
    return _short(value)


@transaction.atomic
def consultation_transition(
    *, actor, consultation: Consultation, action: str, data: Mapping[str, Any] | None = None
) -> Consultation:
    _check_staff(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    before = consultation.state
    target = CONSULTATION_MACHINE.target(consultation.state, action)
    fields = ["state"]
    data = data or {}
    if action == "open":
        if consultation.version.state != PolicyVersion.State.PUBLISHED:
            raise PortalError(_("Publish the policy version before opening it for comments."))
        if consultation.closes_at <= timezone.now():
            raise PortalError(
                _("Set a closing date in the future before opening the consultation.")
            )
        consultation.opened_at = timezone.now()
        fields.append("opened_at")
    if action == "publish_response":
        if selectors.comments_to_answer(consultation).exists():
            raise InvalidTransition(
                _("Answer every comment before publishing what you heard and changed.")
            )
        consultation.response_summary = data.get("response_summary", consultation.response_summary)
        result_version = data.get("result_version", consultation.result_version)
        if result_version is not None:
            result_version = PolicyVersion.objects.get(pk=result_version.pk)
        if result_version is not None and (
            result_version.document_id != consultation.version.document_id
            or result_version.state != PolicyVersion.State.PUBLISHED
        ):
            raise PortalError(_("Choose a published later version of the same policy."))
        consultation.result_version = result_version
        consultation.response_published_at = timezone.now()
        fields += ["response_summary", "result_version", "response_published_at"]
    consultation.state = target
    consultation.save(update_fields=fields)
    record(
        actor=actor,
        action=f"engagement.consultation_{action}",
        obj=consultation,
        before={"state": before},
        after={"state": target},
    )
    return consultation


def may_comment(person) -> bool:
    return person is not None and person.is_authenticated


@transaction.atomic
def comment_add(
    *, actor, consultation: Consultation, section: PolicySection | None, body: str, visibility: str
) -> Comment:
    if not may_comment(actor):
        raise NotPermitted(_("Sign in to comment."))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.state != Consultation.State.OPEN:
        raise InvalidTransition(_("This consultation is not open for comments."))
    if not consultation.is_accepting():
        raise DeadlinePassed(
            _("Comments closed on %(date)s.") % {"date": format_moment(consultation.closes_at)}
        )
    if section is not None and section.version_id != consultation.version_id:
        raise PortalError(_("Comment on a section of the version under consultation."))
    body = body.strip()
    if not body:
        raise PortalError(_("Write your comment."))
    if visibility not in Comment.Visibility.values:
        raise PortalError(_("Say whether your comment is public or private to staff."))
    comment = Comment.objects.create(
        consultation=consultation,
        section=section,
        author=actor,
        body=body[:10000],
        visibility=visibility,
    )
    record(
        actor=actor,
        action="engagement.comment_added",
        obj=comment,
        after={"consultation": consultation.pk, "visibility": visibility},
    )
    return comment


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str) -> Comment:
    _check_staff(actor)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not reason.strip():
        raise PortalError(_("Say why the comment is hidden; the author sees the reason."))
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.hidden_reason = reason.strip()[:300]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    record(
        actor=actor,
        action="engagement.comment_hidden",
        obj=comment,
        after={"reason": comment.hidden_reason},
    )
    return comment


@transaction.atomic
def comment_answer(
    *,
    actor,
    comment: Comment,
    reply: str,
    outcome: str,
    changed_section: PolicySection | None = None,
) -> Comment:
    _check_staff(actor)
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if outcome not in Comment.Outcome.values or outcome == Comment.Outcome.PENDING:
        raise PortalError(_("Choose what became of the comment."))
    if not reply.strip():
        raise PortalError(_("Write the answer to the comment."))
    if changed_section is not None and (
        changed_section.version.document_id != comment.consultation.version.document_id
        or changed_section.version.number <= comment.consultation.version.number
    ):
        raise PortalError(_("Link the comment to a section of a later version of the same policy."))
    before = {"outcome": comment.outcome}
    comment.reply = reply.strip()
    comment.outcome = outcome
    comment.changed_section = changed_section
    comment.replied_at = timezone.now()
    comment.replied_by = actor
    comment.save(update_fields=["reply", "outcome", "changed_section", "replied_at", "replied_by"])
    record(
        actor=actor,
        action="engagement.comment_answered",
        obj=comment,
        before=before,
        after={"outcome": outcome},
    )
    return comment


# Events
