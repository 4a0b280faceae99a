"""Consultation pages: read a policy (plain-language summary, translations), comment per
section, staff moderation and answers, and the public "what we heard and what we changed"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.core.confirm import confirmation_page, is_confirmed
from governance.core.errors import PortalError
from governance.core.permissions import may, require, require_or_404
from governance.core.translations_page import translations_page
from governance.engagement import selectors, services
from governance.engagement.forms import (
    AnswerCommentForm,
    CommentForm,
    ConsultationForm,
    HideCommentForm,
)
from governance.engagement.models import CONSULTATION_MACHINE, Comment, Consultation, PolicySection


@require_GET
def consultation_list(request):
    return render(
        request,
        "engagement/consultation_list.html",
        {
            "consultations": list(selectors.consultations_for_list(request.user)),
            "is_staff": may(request.user, "engagement.run_consultation"),
        },
    )


@login_required
def consultation_edit(request, pk: int | None = None):
    """Staff start a consultation on a published version (`?version=<id>` preselects it) or
    change a draft one; once open, what people were told stays as it was."""
    consultation = selectors.consultation_for_staff(request.user, pk) if pk else None
    if consultation is None:
        require_or_404(request.user, "engagement.run_consultation")
    if consultation is not None and consultation.state != Consultation.State.DRAFT:
        messages.error(request, _("Only a draft consultation can be changed."))
        return redirect("engagement:consultation", pk=consultation.pk)
    initial = {}
    if consultation is None and request.GET.get("version", "").isdigit():
        initial["version"] = int(request.GET["version"])
    form = ConsultationForm(
        request.POST or None,
        instance=consultation,
        initial=initial,
        versions=selectors.published_versions(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_save(
                actor=request.user, consultation=consultation, data=form.cleaned_data
            )
        except PortalError as error:
            field = getattr(error, "field", None)
            form.add_error(field if field in form.fields else None, error.detail)
        else:
            messages.success(
                request, _("The consultation is saved as a draft. Open it when it is ready.")
            )
            return redirect("engagement:consultation", pk=consultation.pk)
    return render(
        request,
        "engagement/consultation_form.html",
        {"form": form, "consultation": consultation},
    )


def _detail_context(request, consultation: Consultation, form=None) -> dict:
    version = consultation.version
    language = request.GET.get("lang") or get_language()
    translation = selectors.translated(version, language) if language != "en" else None
    comments = list(selectors.comments_visible_to(request.user, consultation))
    sections = selectors.version_sections(version)
    by_section: dict = {section.pk: [] for section in sections}
    general: list = []
    for comment in comments:
        (by_section.get(comment.section_id, general) if comment.section_id else general).append(
            comment
        )
    return {
        "consultation": consultation,
        "version": version,
        "translation": translation,
        "reading_languages": [
            (code, _language_name(code))
            for code in version.translations.values_list("language", flat=True)
        ],
        "reading_language": language if translation is not None else "en",
        # The reader asked for the policy in a language it is not translated into.
        "policy_fallback": translation is None and language != "en",
        "sections": [
            (section, *_text_of(section, index, translation), by_section[section.pk])
            for index, section in enumerate(sections)
        ],
        "general_comments": general,
        "form": form if form is not None else CommentForm(version=version),
        "is_staff": may(request.user, "engagement.run_consultation", consultation),
        "actions": CONSULTATION_MACHINE.allowed_actions(consultation.state),
    }


def _language_name(code: str) -> str:
    """ "Español" for es: a language is offered in its own name; an unknown code as itself."""
    try:
        return get_language_info(code)["name_local"].capitalize()
    except KeyError:
        return code.upper()


def _text_of(section, index: int, translation) -> tuple[str, str]:
    if translation is not None and index < len(translation[1]):
        return translation[1][index]
    return section.heading, section.body


@require_GET
def consultation_detail(request, pk: int):
    consultation = selectors.consultation_for(request.user, pk)
    return render(
        request, "engagement/consultation_detail.html", _detail_context(request, consultation)
    )


@login_required
def consultation_translations(request, pk: int):
    """The consultation's texts in the portal's other languages, for staff who run it; in any
    state, since a translation does not change what people were told."""
    consultation = selectors.consultation_for(request.user, pk)
    require_or_404(request.user, "engagement.run_consultation", consultation)
    return translations_page(
        request,
        obj=consultation,
        save=lambda translations: services.consultation_translations_save(
            actor=request.user, consultation=consultation, translations=translations, partial=True
        ),
        title=consultation.title,
        back_url=reverse("engagement:consultation", args=[consultation.pk]),
    )


@login_required
@require_POST
def consultation_comment(request, pk: int):
    consultation = selectors.consultation_for(request.user, pk)
    form = CommentForm(request.POST, version=consultation.version)
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user,
                consultation=consultation,
                section=form.cleaned_data["section"],
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            )
        except PortalError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(
                request, _("Thank you: your comment is recorded. Staff will answer it.")
            )
            return redirect("engagement:consultation", pk=consultation.pk)
    return render(
        request,
        "engagement/consultation_detail.html",
        _detail_context(request, consultation, form),
        status=400,
    )


@login_required
def comment_moderate(request, pk: int):
    comment = selectors.comment_for_staff(request.user, pk)
    consultation = comment.consultation
    later = PolicySection.objects.filter(
        version__document_id=consultation.version.document_id,
        version__number__gt=consultation.version.number,
    ).select_related("version")
    hide_form = HideCommentForm(prefix="hide")
    answer_form = AnswerCommentForm(
        prefix="answer",
        sections=later,
        initial={
            "reply": comment.reply,
            "outcome": comment.outcome,
            "changed_section": comment.changed_section_id,
        },
    )
    if request.method == "POST":
        try:
            if "hide" in request.POST:
                hide_form = HideCommentForm(request.POST, prefix="hide")
                if hide_form.is_valid():
                    services.comment_hide(
                        actor=request.user, comment=comment, reason=hide_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The comment is hidden from the public page."))
                    return redirect("engagement:consultation", pk=consultation.pk)
            else:
                answer_form = AnswerCommentForm(request.POST, prefix="answer", sections=later)
                if answer_form.is_valid():
                    services.comment_answer(
                        actor=request.user, comment=comment, **answer_form.cleaned_data
                    )
                    messages.success(request, _("The answer is saved."))
                    return redirect("engagement:consultation", pk=consultation.pk)
        except PortalError as error:
            messages.error(request, error.detail)
    return render(
        request,
        "engagement/comment_moderate.html",
        {
            "comment": comment,
            "consultation": consultation,
            "hide_form": hide_form,
            "answer_form": answer_form,
        },
    )


def _confirm_closing(request, consultation: Consultation):
    received = consultation.comments.filter(hidden_at__isnull=True).count()
    to_answer = selectors.comments_to_answer(consultation).count()
    return confirmation_page(
        request,
        title=_("Close the consultation?"),
        lead=_("Closing “%(title)s” does this:") % {"title": consultation.title},
        consequences=[
            _("Nobody can comment after now; the consultation cannot be opened again."),
            ngettext("%(n)d comment was received.", "%(n)d comments were received.", received)
            % {"n": received},
            ngettext(
                "%(n)d comment still needs our answer before we publish what we heard.",
                "%(n)d comments still need our answer before we publish what we heard.",
                to_answer,
            )
            % {"n": to_answer},
        ],
        button=_("Close the consultation"),
        cancel_url=reverse("engagement:consultation", args=[consultation.pk]),
    )


@login_required
@require_POST
def consultation_transition(request, pk: int, action: str):
    if action not in CONSULTATION_MACHINE.transitions:
        raise Http404
    # The consultation is public: a transition refused is 403, as in the API.
    consultation = selectors.consultation_for(request.user, pk)
    require(request.user, "engagement.run_consultation", consultation)
    if action == "close" and not is_confirmed(request):
        return _confirm_closing(request, consultation)
    data = {}
    if action == "publish_response":
        data["response_summary"] = request.POST.get(
            "response_summary", consultation.response_summary
        )
        later = (
            consultation.version.document.versions.filter(
                number__gt=consultation.version.number, state="published"
            )
            .order_by("-number")
            .first()
        )
        data["result_version"] = later
    try:
        consultation = services.consultation_transition(
            actor=request.user, consultation=consultation, action=action, data=data
        )
    except PortalError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("The consultation is now %(state)s.")
            % {"state": consultation.get_state_display().lower()},
        )
    return redirect("engagement:consultation", pk=pk)


@require_GET
def consultation_outcome(request, pk: int):
    """What we heard and what we changed: every public comment, our answer, the outcome, the
    change it caused, and the differences between the consulted and the new version."""
    consultation = selectors.consultation_for(request.user, pk)
    if consultation.state != Consultation.State.RESPONSE_PUBLISHED:
        require_or_404(request.user, "engagement.run_consultation", consultation)
    comments = [
        c
        for c in selectors.comments_visible_to(None, consultation)
        if c.visibility == Comment.Visibility.PUBLIC and c.hidden_at is None
    ]
    private_count = consultation.comments.filter(visibility=Comment.Visibility.PRIVATE).count()
    diff = (
        selectors.version_diff(consultation.version, consultation.result_version)
        if consultation.result_version
        else []
    )
    return render(
        request,
        "engagement/consultation_outcome.html",
        {
            "consultation": consultation,
            "comments": comments,
            "private_count": private_count,
            "diff": diff,
        },
    )
