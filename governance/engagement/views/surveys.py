"""Survey pages: answering (one section a page, no JavaScript needed), building, results."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from governance.core.confirm import confirmation_page, is_confirmed
from governance.core.errors import PortalError
from governance.core.permissions import may, require_or_404
from governance.engagement import exports, questions, selectors, services
from governance.engagement.forms import (
    AboutYouForm,
    InvitationsForm,
    QuestionForm,
    QuotasForm,
    SectionAnswersForm,
    SectionForm,
    SurveyForm,
)
from governance.engagement.models import SURVEY_MACHINE, Question, Survey, SurveyResponse
from governance.engagement.results import survey_results, text_answers

RESUME_COOKIE = "engagement_resume_{}"
INVITATION_KEY = "engagement_invitation_{}"
RESUME_DAYS = 60


def _staff_only(request) -> None:
    require_or_404(request.user, "engagement.run_survey")


@require_GET
def survey_list(request):
    surveys = list(selectors.surveys_for_list(request.user))
    return render(
        request,
        "engagement/survey_list.html",
        {"surveys": surveys, "is_staff": may(request.user, "engagement.run_survey")},
    )


def _pages(survey: Survey, request) -> tuple[bool, list]:
    asks_about = survey.group_source == Survey.GroupSource.ASK or not request.user.is_authenticated
    return asks_about, list(selectors.survey_structure(survey))


def _current_response(request, survey: Survey) -> SurveyResponse | None:
    return services.response_resume(
        survey=survey,
        person=request.user,
        raw_token=request.COOKIES.get(RESUME_COOKIE.format(survey.pk), ""),
    )


def _invitation_token(request, survey: Survey) -> str:
    return request.session.get(INVITATION_KEY.format(survey.pk), "")


@require_GET
def survey_detail(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    invitation = None
    token = _invitation_token(request, survey)
    if token:
        invitation = services.invitation_for(survey, token)
    problem = ""
    try:
        services.check_may_respond(survey, request.user, invitation=invitation)
    except PortalError as error:
        problem = error.detail
    response = _current_response(request, survey)
    return render(
        request,
        "engagement/survey_detail.html",
        {
            "survey": survey,
            "minutes": questions.estimate_text(services.survey_minutes(survey)),
            "problem": problem,
            "in_progress": response,
            "is_staff": may(request.user, "engagement.run_survey"),
            "needs_sign_in": (survey.access == Survey.Access.SIGNED_IN or not survey.anonymous)
            and not request.user.is_authenticated,
        },
    )


@require_GET
def survey_invitation(request, pk: int, token: str):
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None or services.invitation_for(survey, token) is None:
        return render(request, "engagement/invitation_used.html", {"survey": survey}, status=404)
    request.session[INVITATION_KEY.format(survey.pk)] = token
    return redirect("engagement:survey", pk=survey.pk)


@require_POST
def survey_start(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    if _current_response(request, survey) is not None:
        return redirect("engagement:survey_respond", pk=survey.pk)
    token = _invitation_token(request, survey)
    invitation = services.invitation_for(survey, token) if token else None
    try:
        response, raw = services.response_start(
            survey=survey, person=request.user, invitation=invitation
        )
    except PortalError as error:
        messages.error(request, error.detail)
        return redirect("engagement:survey", pk=survey.pk)
    asks_about, _sections = _pages(survey, request)
    if not asks_about and response.section_index == 0:
        response.section_index = 1
        response.save(update_fields=["section_index"])
    result = redirect("engagement:survey_respond", pk=survey.pk)
    if raw:
        _set_resume_cookie(result, survey, raw)
    return result


def _set_resume_cookie(result: HttpResponse, survey: Survey, raw: str) -> None:
    result.set_cookie(
        RESUME_COOKIE.format(survey.pk),
        raw,
        max_age=RESUME_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_GET
def survey_resume(request, pk: int, token: str):
    survey = selectors.survey_for(request.user, pk)
    if services.response_resume(survey=survey, person=None, raw_token=token) is None:
        messages.error(
            request, _("This resume link is not valid any more; start the survey again.")
        )
        return redirect("engagement:survey", pk=survey.pk)
    result = redirect("engagement:survey_respond", pk=survey.pk)
    _set_resume_cookie(result, survey, token)
    return result


def _shown_sections(sections, draft) -> list[int]:
    """Positions (1-based) of the sections with at least one question that applies."""
    return [
        index
        for index, section in enumerate(sections, start=1)
        if any(questions.is_shown(question, draft) for question in section.questions.all())
    ]


def survey_respond(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    response = _current_response(request, survey)
    if response is None:
        messages.info(request, _("Start the survey here."))
        return redirect("engagement:survey", pk=survey.pk)
    asks_about, sections = _pages(survey, request)
    index = response.section_index
    if index == 0 and not asks_about:
        index = 1
    shown = _shown_sections(sections, response.draft)
    if index > 0 and index not in shown:
        later = [i for i in shown if i >= index]
        index = later[0] if later else (shown[-1] if shown else 1)
    action = request.POST.get("action", "next")
    if index == 0:
        about = AboutYouForm(
            request.POST or None, initial={"group": response.group, "country": response.country}
        )
        if request.method == "POST" and about.is_valid():
            services.response_save(
                response=response,
                answers={},
                section_index=shown[0] if shown else 1,
                group=about.cleaned_data["group"],
                country=about.cleaned_data["country"],
            )
            return _after_save(request, survey, action)
        return _render_page(request, survey, response, about, None, index, shown, asks_about)

    section = sections[index - 1]
    section_questions = list(section.questions.all())
    form = SectionAnswersForm(
        request.POST or None, questions=section_questions, earlier=response.draft
    )
    if request.method == "GET":
        form.initial_from(response.draft)
        return _render_page(request, survey, response, form, section, index, shown, asks_about)
    if action == "back":
        earlier = [i for i in shown if i < index]
        target = earlier[-1] if earlier else (0 if asks_about else index)
        services.response_save(response=response, answers={}, section_index=target)
        return redirect("engagement:survey_respond", pk=survey.pk)
    valid = form.is_valid()
    answers = form.raw_answers()
    keep: dict = {}
    for question in form.questions:
        key = str(question.pk)
        try:
            value = questions.clean(question, answers.get(key))
        except questions.InvalidAnswer as error:
            valid = False
            form.add_error(form.blocks()[form.questions.index(question)][1][0].name, str(error))
            continue
        keep[key] = value
    if action == "save":
        services.response_save(response=response, answers=keep, section_index=index)
        return _after_save(request, survey, "save")
    if not valid:
        return _render_page(request, survey, response, form, section, index, shown, asks_about)
    response = services.response_save(response=response, answers=keep, section_index=index)
    shown = _shown_sections(sections, response.draft)
    later = [i for i in shown if i > index]
    if later:
        services.response_save(response=response, answers={}, section_index=later[0])
        return redirect("engagement:survey_respond", pk=survey.pk)
    return _submit(request, survey, response, sections)


def _after_save(request, survey: Survey, action: str):
    if action == "save":
        return redirect("engagement:survey_saved", pk=survey.pk)
    return redirect("engagement:survey_respond", pk=survey.pk)


def _render_page(request, survey, response, form, section, index, shown, asks_about):
    pages = ([0] if asks_about else []) + shown
    number = pages.index(index) + 1 if index in pages else 1
    return render(
        request,
        "engagement/survey_respond.html",
        {
            "survey": survey,
            "form": form,
            "section": section,
            "page_number": number,
            "page_count": len(pages),
            "is_last": bool(section) and index == (shown[-1] if shown else index),
            "can_go_back": number > 1,
        },
    )


def _submit(request, survey, response, sections):
    try:
        services.response_submit(
            survey=survey,
            person=request.user,
            answers=response.draft,
            response=response,
            invitation_token=_invitation_token(request, survey),
        )
    except services.AnswersInvalid as error:
        first = error.problems[0].question_id
        for index, section in enumerate(sections, start=1):
            if any(question.pk == first for question in section.questions.all()):
                services.response_save(response=response, answers={}, section_index=index)
        messages.error(request, error.detail)
        return redirect("engagement:survey_respond", pk=survey.pk)
    except PortalError as error:
        messages.error(request, error.detail)
        return redirect("engagement:survey", pk=survey.pk)
    result = redirect("engagement:survey_thanks", pk=survey.pk)
    result.delete_cookie(RESUME_COOKIE.format(survey.pk))
    request.session.pop(INVITATION_KEY.format(survey.pk), None)
    return result


@require_GET
def survey_saved(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    raw = request.COOKIES.get(RESUME_COOKIE.format(survey.pk), "")
    link = ""
    if (
        survey.anonymous
        and raw
        and services.response_resume(survey=survey, person=None, raw_token=raw)
    ):
        link = request.build_absolute_uri(
            reverse("engagement:survey_resume", args=[survey.pk, raw])
        )
    return render(request, "engagement/survey_saved.html", {"survey": survey, "resume_link": link})


@require_GET
def survey_thanks(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    return render(request, "engagement/survey_thanks.html", {"survey": survey})


# Staff: building and running a survey


@login_required
def survey_edit(request, pk: int | None = None):
    _staff_only(request)
    survey = selectors.survey_for_staff(request.user, pk) if pk else None
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_save(actor=request.user, survey=survey, data=form.cleaned_data)
        except PortalError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("engagement:survey_build", pk=survey.pk)
    return render(request, "engagement/survey_form.html", {"form": form, "survey": survey})


@login_required
def survey_build(request, pk: int):
    _staff_only(request)
    survey = selectors.survey_for_staff(request.user, pk)
    section_form = SectionForm(prefix="section")
    question_form = QuestionForm(prefix="question", survey=survey)
    quota_rows = selectors.survey_quotas(survey)
    quotas_form = QuotasForm(prefix="quota", rows=quota_rows)
    if request.method == "POST":
        try:
            if "set_quotas" in request.POST:
                quotas_form = QuotasForm(request.POST, prefix="quota", rows=quota_rows)
                if quotas_form.is_valid():
                    services.quotas_set(
                        actor=request.user, survey=survey, limits=quotas_form.changes()
                    )
                    messages.success(request, _("The quotas are saved."))
                    return redirect("engagement:survey_build", pk=survey.pk)
            elif "add_section" in request.POST:
                section_form = SectionForm(request.POST, prefix="section")
                if section_form.is_valid():
                    services.section_add(
                        actor=request.user, survey=survey, **section_form.cleaned_data
                    )
                    messages.success(request, _("The section is added."))
                    return redirect("engagement:survey_build", pk=survey.pk)
            elif "add_question" in request.POST:
                question_form = QuestionForm(request.POST, prefix="question", survey=survey)
                if question_form.is_valid():
                    services.question_add(
                        actor=request.user,
                        section=question_form.cleaned_data["section"],
                        data=question_form.service_data(),
                    )
                    messages.success(request, _("The question is added."))
                    return redirect("engagement:survey_build", pk=survey.pk)
        except PortalError as error:
            messages.error(request, error.detail)
    return render(
        request,
        "engagement/survey_build.html",
        {
            "survey": survey,
            "sections": selectors.survey_structure(survey),
            "section_form": section_form,
            "question_form": question_form,
            "quotas_form": quotas_form,
            "quota_rows": quota_rows,
            "quotas_editable": survey.state in (Survey.State.DRAFT, Survey.State.OPEN),
            "minutes": questions.estimate_text(services.survey_minutes(survey)),
            "actions": SURVEY_MACHINE.allowed_actions(survey.state),
            "invitations": survey.invitations.count(),
            "used": survey.invitations.filter(used_on__isnull=False).count(),
        },
    )


@login_required
@require_POST
def question_delete(request, pk: int):
    _staff_only(request)
    question = Question.objects.filter(pk=pk).select_related("survey").first()
    if question is None:
        raise Http404
    try:
        services.question_delete(actor=request.user, question=question)
    except PortalError as error:
        messages.error(request, error.detail)
    return redirect("engagement:survey_build", pk=question.survey_id)


def _confirm_closing(request, survey: Survey):
    closing = selectors.survey_closing(survey)
    consequences = [
        _("Nobody can answer after now; the survey cannot be opened again."),
        ngettext(
            "%(n)d submitted response is kept for the results.",
            "%(n)d submitted responses are kept for the results.",
            closing.submitted,
        )
        % {"n": closing.submitted},
    ]
    if closing.unfinished:
        consequences.append(
            ngettext(
                "%(n)d response started but not submitted can no longer be finished.",
                "%(n)d responses started but not submitted can no longer be finished.",
                closing.unfinished,
            )
            % {"n": closing.unfinished}
        )
    if closing.unused_invitations:
        consequences.append(
            ngettext(
                "%(n)d invitation not used yet stops working.",
                "%(n)d invitations not used yet stop working.",
                closing.unused_invitations,
            )
            % {"n": closing.unused_invitations}
        )
    return confirmation_page(
        request,
        title=_("Close the survey?"),
        lead=_("Closing “%(title)s” does this:") % {"title": survey.title},
        consequences=consequences,
        button=_("Close the survey"),
        cancel_url=reverse("engagement:survey_build", args=[survey.pk]),
    )


@login_required
@require_POST
def survey_transition(request, pk: int, action: str):
    _staff_only(request)
    survey = selectors.survey_for_staff(request.user, pk)
    if action not in SURVEY_MACHINE.transitions:
        raise Http404
    if action == "close" and not is_confirmed(request):
        return _confirm_closing(request, survey)
    try:
        survey = services.survey_transition(actor=request.user, survey=survey, action=action)
    except PortalError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("The survey is now %(state)s.") % {"state": survey.get_state_display().lower()},
        )
    return redirect("engagement:survey_build", pk=survey.pk)


@login_required
def survey_invitations(request, pk: int):
    _staff_only(request)
    survey = selectors.survey_for_staff(request.user, pk)
    form = InvitationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.invitations_send(
                actor=request.user, survey=survey, emails=form.cleaned_data["emails"]
            )
        except PortalError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("%(count)d new invitations.") % {"count": count})
            return redirect("engagement:survey_build", pk=survey.pk)
    return render(request, "engagement/survey_invitations.html", {"survey": survey, "form": form})


# Results


def _results_survey(request, pk: int) -> tuple[Survey, bool]:
    """The survey whose results the person may see (404 otherwise), and whether they see the
    public (suppressed) version; staff may ask for it with `?view=public`."""
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None or not may(request.user, "engagement.see_results", survey):
        raise Http404
    if may(request.user, "engagement.see_every_answer", survey):
        return survey, request.GET.get("view") == "public"
    return survey, True


def _every_answer_survey(request, pk: int) -> Survey:
    """The survey whose every answer (free text, exports) the person may read; 404 otherwise."""
    survey = Survey.objects.filter(pk=pk).first()
    person = request.user
    if survey is None or not (
        may(person, "engagement.see_results", survey)
        and may(person, "engagement.see_every_answer", survey)
    ):
        raise Http404
    return survey


@require_GET
def survey_results_page(request, pk: int):
    survey, public = _results_survey(request, pk)
    return render(
        request,
        "engagement/survey_results.html",
        {"survey": survey, "results": survey_results(survey, public=public), "public": public},
    )


@login_required
@require_GET
def survey_text_answers(request, pk: int, question_pk: int):
    survey = _every_answer_survey(request, pk)
    question = survey.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404
    rows = text_answers(question)
    if request.GET.get("format") == "csv":
        return exports.text_csv(question, rows)
    from django.core.paginator import Paginator

    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/survey_text_answers.html",
        {"survey": survey, "question": question, "page": page},
    )


@login_required
@require_GET
def survey_export(request, pk: int, fmt: str):
    survey = _every_answer_survey(request, pk)
    if fmt == "csv":
        return exports.responses_csv(survey)
    if fmt == "xlsx":
        return exports.responses_xlsx(survey)
    raise Http404
