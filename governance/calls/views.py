from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.accounts.roles import Role
from governance.accounts.selectors import organisations_of
from governance.calls import rules, selectors, services
from governance.calls.answers import display_answer, eligibility
from governance.calls.forms import (
    BulkDecisionForm,
    CallForm,
    DecisionForm,
    OnboardingItemForm,
    OnboardingReviewForm,
    ProposalForm,
    ProposalStartForm,
    SubscribeForm,
)
from governance.calls.letters import letter_of
from governance.calls.models import (
    PROPOSAL_MACHINE,
    Decision,
    OnboardingItem,
    Proposal,
    Question,
)
from governance.calls.reporting import country_chart, simple_chart
from governance.core.actions import form_action, perform
from governance.core.confirm import confirmation_page, is_confirmed
from governance.core.errors import Invalid, PortalError
from governance.core.permissions import may, require_or_404
from governance.core.times import remember_zone
from governance.core.translations_page import translations_page
from governance.core.uploads import KINDS

PAGE_SIZE = 25


# Public pages


@require_GET
def call_list(request):
    remember_zone(request)
    return render(
        request,
        "calls/call_list.html",
        {
            "phases": selectors.calls_by_phase(request.user),
            "subscribe_form": SubscribeForm(),
            "may_create": rules.may_create_calls(request.user),
        },
    )


@require_GET
def call_detail(request, pk: int):
    remember_zone(request)
    call = selectors.call_for(request.user, pk)
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "phase": call.phase(),
            "may_apply": rules.may_apply(request.user),
            "may_chair": rules.may_chair(request.user, call),
            "subscribe_form": SubscribeForm(),
        },
    )


@require_POST
def subscribe(request):
    call = None
    if request.POST.get("call"):
        call = selectors.call_for(request.user, int(request.POST["call"]))
    form = SubscribeForm(request.POST)
    if form.is_valid():
        services.subscribe(email=form.cleaned_data["email"], call=call)
        messages.success(
            request,
            _("Almost done: we emailed you a link. Open it to confirm your subscription."),
        )
    else:
        messages.error(request, _("Enter a valid email address to subscribe."))
    return redirect("calls:call", pk=call.pk) if call else redirect("calls:list")


def subscription_confirm(request, token: str):
    subscription = selectors.subscription_by_token(token)
    if request.method == "POST":
        return perform(
            request,
            lambda: services.subscription_confirm(subscription=subscription),
            success=_("Subscribed: we will write when calls open and close."),
            then="calls:list",
        )
    return render(
        request, "calls/subscription.html", {"subscription": subscription, "action": "confirm"}
    )


def unsubscribe(request, token: str):
    subscription = selectors.subscription_by_token(token)
    if request.method == "POST":
        services.unsubscribe(subscription=subscription)
        messages.success(request, _("Unsubscribed: you will get no more call announcements."))
        return redirect("calls:list")
    return render(
        request,
        "calls/subscription.html",
        {"subscription": subscription, "action": "unsubscribe"},
    )


# Configuring calls


@login_required
def call_create(request):
    if not rules.may_create_calls(request.user):
        raise PermissionDenied
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, call = form_action(
            form,
            lambda: services.call_create(
                actor=request.user,
                data=form.service_data(),
                configuration=form.cleaned_data["configuration"],
            ),
        )
        if done:
            messages.success(request, _("The call is saved."))
            return redirect("calls:call", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": None})


@login_required
def call_edit(request, pk: int):
    call = selectors.chaired_call_for(request.user, pk)
    form = CallForm(
        request.POST or None, instance=call, configuration=services.configuration_of(call)
    )
    if request.method == "POST" and form.is_valid():
        configuration = form.cleaned_data["configuration"]
        if configuration == services.configuration_of(call):
            configuration = None
        done, _call = form_action(
            form,
            lambda: services.call_update(
                actor=request.user, call=call, data=form.service_data(), configuration=configuration
            ),
        )
        if done:
            messages.success(request, _("The call is saved."))
            return redirect("calls:call", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


@login_required
@require_http_methods(["GET", "POST"])
def call_translations(request, pk: int):
    """The call's texts in the portal's other languages, for whoever may configure it."""
    call = selectors.call_for(request.user, pk)
    require_or_404(request.user, "calls.configure_call", call)
    return translations_page(
        request,
        obj=call,
        save=lambda translations: services.call_translations_save(
            actor=request.user, call=call, translations=translations, partial=True
        ),
        title=call.title,
        back_url=reverse("calls:call", args=[call.pk]),
    )


@login_required
@require_GET
def call_dashboard(request, pk: int):
    call = selectors.chaired_call_for(request.user, pk)
    report = selectors.call_report(call)
    return render(
        request,
        "calls/call_dashboard.html",
        {
            "call": call,
            "report": report,
            "track_chart": simple_chart(_("Proposals per track"), report.by_track),
            "state_chart": simple_chart(_("Proposals per state"), report.by_state),
            "country_chart": country_chart(
                _("Submitted proposals per country (under-represented in orange)"),
                report.by_country,
            ),
            "score_chart": simple_chart(
                _("Reviews by weighted total (on the call's scale)"), report.score_bins
            ),
        },
    )


# Proposals


@login_required
@require_GET
def proposal_list(request):
    proposals = selectors.with_listing_details(
        selectors.proposals_visible_to(request.user)
    ).order_by("-updated_at")
    state = request.GET.get("state", "")
    if state in Proposal.State.values:
        proposals = proposals.filter(state=state)
    call = request.GET.get("call", "")
    if call.isdigit():
        proposals = proposals.filter(call_id=int(call))
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/proposal_list.html",
        {"page": page, "states": Proposal.State.choices, "state": state},
    )


@login_required
def proposal_start(request, pk: int):
    call = selectors.call_for(request.user, pk)
    organisations = organisations_of(request.user, Role.APPLICANT)
    if not organisations.exists():
        raise PermissionDenied
    form = ProposalStartForm(request.POST or None, call=call, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        done, proposal = form_action(
            form,
            lambda: services.proposal_create(
                actor=request.user,
                call=call,
                track=form.cleaned_data["track"],
                organisation=form.cleaned_data["organisation"],
                title=form.cleaned_data["title"],
            ),
        )
        if done:
            messages.success(request, _("The draft is started. Answer at your own pace."))
            return redirect("calls:proposal_edit", pk=proposal.pk)
    return render(request, "calls/proposal_start.html", {"form": form, "call": call})


def _answer_rows(proposal: Proposal, answers: dict, attachments) -> list[tuple[Question, str]]:
    by_id = {a.pk: a for a in attachments}
    return [
        (q, display_answer(q, answers.get(q.key), by_id)) for q in proposal.track.questions.all()
    ]


@login_required
@require_GET
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_for(request.user, pk)
    is_applicant = rules.is_applicant_of(request.user, proposal)
    attachments = selectors.attachments_of(proposal)
    frozen = proposal.is_frozen
    answers = proposal.snapshot.get("answers", {}) if frozen else proposal.answers
    if frozen:
        kept = {item["id"] for item in proposal.snapshot.get("attachments", [])}
    else:  # a replaced file is no longer an answer
        kept = {value for value in answers.values() if isinstance(value, int)}
    attachments = [a for a in attachments if a.pk in kept]
    released = selectors.released_decision(proposal)
    may_chair = rules.may_chair(request.user, proposal.call)
    reviews_onboarding = may(request.user, "calls.review_onboarding")
    items = selectors.onboarding_items(proposal) if is_applicant or reviews_onboarding else []
    return render(
        request,
        "calls/proposal_detail.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "rows": _answer_rows(proposal, answers, attachments),
            "attachments": attachments,
            "is_applicant": is_applicant,
            "checks": eligibility(proposal) if proposal.state == Proposal.State.DRAFT else [],
            "problems": services.submission_problems(proposal)
            if is_applicant and proposal.state == Proposal.State.DRAFT
            else [],
            "phase": proposal.call.phase(),
            "can_withdraw": is_applicant and PROPOSAL_MACHINE.can(proposal.state, "withdraw"),
            # A draft reached no one: setting it aside discards it, it withdraws nothing.
            "discards_draft": not proposal.is_frozen,
            "released": released if (is_applicant or may_chair) else None,
            "may_chair": may_chair,
            "items": items,
            "item_form": OnboardingItemForm(),
            "review_form": OnboardingReviewForm(),
            "reviews_onboarding": reviews_onboarding,
        },
    )


@login_required
def proposal_edit(request, pk: int):
    proposal = selectors.own_proposal_for(request.user, pk)
    if proposal.state != Proposal.State.DRAFT:
        messages.info(request, _("The proposal was submitted and is frozen."))
        return redirect("calls:proposal", pk=proposal.pk)
    questions = list(proposal.track.questions.all())
    attachments = {a.pk: a for a in selectors.attachments_of(proposal)}
    initial = {"title": proposal.title}
    for q in questions:
        if q.kind != Question.Kind.FILE:
            initial[f"q_{q.key}"] = proposal.answers.get(q.key)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        questions=questions,
        attachments=attachments,
        initial=initial,
    )

    def save() -> Proposal:
        try:
            return services.proposal_save(
                actor=request.user,
                proposal=proposal,
                title=form.cleaned_data["title"],
                answers=form.answers(),
                files=form.files_given(),
            )
        except services.InvalidAnswer as error:
            # The service names questions by key; the form's fields are `q_<key>`.
            raise Invalid({f"q_{key}": message for key, message in error.errors.items()}) from None

    if request.method == "POST" and form.is_valid():
        done, _saved = form_action(form, save)
        if done:
            messages.success(request, _("Your answers are saved."))
            if "submit" in request.POST:
                return _submit(request, proposal)
            return redirect("calls:proposal", pk=proposal.pk)
    files = {
        q.key: display_answer(q, proposal.answers.get(q.key), attachments)
        for q in questions
        if q.kind == Question.Kind.FILE
    }
    return render(
        request,
        "calls/proposal_form.html",
        {"form": form, "proposal": proposal, "call": proposal.call, "files": files},
    )


def _submit(request, proposal: Proposal):
    return perform(
        request,
        lambda: services.proposal_submit(actor=request.user, proposal=proposal),
        success=_("Your proposal is submitted. What you submitted is what evaluators will read."),
        then="calls:proposal",
        pk=proposal.pk,
    )


@login_required
@require_POST
def proposal_submit(request, pk: int):
    return _submit(request, selectors.own_proposal_for(request.user, pk))


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = selectors.own_proposal_for(request.user, pk)
    was_draft = not proposal.is_frozen
    return perform(
        request,
        lambda: services.proposal_withdraw(
            actor=request.user, proposal=proposal, reason=request.POST.get("reason", "")
        ),
        success=_("The draft is discarded.") if was_draft else _("The proposal is withdrawn."),
        then="calls:proposal",
        pk=proposal.pk,
    )


def _file_response(file, *, name: str, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for(request.user, pk)
    return _file_response(
        attachment.file, name=attachment.original_name, content_type=KINDS[attachment.kind][1]
    )


@login_required
@require_GET
def decision_letter(request, pk: int):
    proposal = selectors.proposal_for(request.user, pk)
    if not (
        rules.is_applicant_of(request.user, proposal)
        or rules.may_chair(request.user, proposal.call)
    ):
        raise Http404
    decision = selectors.released_decision(proposal)
    if decision is None:
        raise Http404(_("No decision was released for this proposal yet."))
    pdf = letter_of(decision)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-letter-{proposal.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# Decisions


@login_required
def call_decisions(request, pk: int):
    call = selectors.chaired_call_for(request.user, pk)
    proposals = list(selectors.decidable_proposals(call))
    undecided = [p for p in proposals if not getattr(p, "has_pending", False)]
    bulk = BulkDecisionForm(request.POST or None, proposals=undecided)
    if request.method == "POST" and bulk.is_valid():
        chosen = {int(pk) for pk in bulk.cleaned_data["proposals"]}
        picked = [p for p in undecided if p.pk in chosen]
        if not is_confirmed(request):
            gaps = [(p, selectors.missing_reviews(p)) for p in picked]
            gaps = [(p, missing) for p, missing in gaps if missing]
            if gaps:
                return _confirm_missing_reviews(
                    request,
                    call=call,
                    gaps=gaps,
                    keep=[
                        ("outcome", bulk.cleaned_data["outcome"]),
                        ("reason", bulk.cleaned_data["reason"]),
                        *(("proposals", str(p.pk)) for p in picked),
                    ],
                )
        done, refused = 0, []
        for proposal in picked:
            try:
                services.decision_stage(
                    actor=request.user,
                    proposal=proposal,
                    outcome=bulk.cleaned_data["outcome"],
                    reason=bulk.cleaned_data["reason"],
                )
                done += 1
            except PortalError as error:
                refused.append(f"{proposal.title}: {error.detail}")
        if done:
            messages.success(request, _("%(n)d decision(s) staged.") % {"n": done})
        for message in refused:
            messages.error(request, message)
        return redirect("calls:decisions", pk=call.pk)
    return render(
        request,
        "calls/decisions.html",
        {
            "call": call,
            "proposals": proposals,
            "decisions": list(selectors.decisions_of(call)),
            "bulk": bulk,
            "form": DecisionForm(),
        },
    )


def _missing_line(proposal: Proposal, missing: selectors.MissingReviews) -> str:
    parts = []
    if missing.evaluators:
        parts.append(
            _("no submitted review from %(names)s")
            % {"names": ", ".join(str(person) for person in missing.evaluators)}
        )
    if missing.unassigned:
        parts.append(
            ngettext(
                "%(n)d evaluator not assigned",
                "%(n)d evaluators not assigned",
                missing.unassigned,
            )
            % {"n": missing.unassigned}
        )
    return _("%(title)s: %(count)s missing (%(what)s)") % {
        "title": proposal.title,
        "count": missing.count,
        "what": "; ".join(parts),
    }


def _confirm_missing_reviews(request, *, call, gaps, keep) -> HttpResponse:
    return confirmation_page(
        request,
        title=_("Decide with reviews missing?"),
        lead=_("These proposals do not have all their reviews:"),
        consequences=[_missing_line(proposal, missing) for proposal, missing in gaps],
        warning=_(
            "The decision would be staged without these reviews. Wait for them, or stage it "
            "anyway if you have what you need."
        ),
        button=_("Stage the decision anyway"),
        cancel_url=reverse("calls:decisions", args=[call.pk]),
        keep=keep,
    )


@login_required
@require_POST
def decision_stage(request, pk: int):
    proposal = selectors.proposal_for(request.user, pk)
    # Asked before the form, so that someone who may see the proposal but not decide on it is
    # refused whatever they post (issue 15: the authorization matrix).
    if not rules.may_chair(request.user, proposal.call):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give the applicant a reason."))
    else:
        missing = selectors.missing_reviews(proposal)
        if missing and not is_confirmed(request) and rules.may_chair(request.user, proposal.call):
            return _confirm_missing_reviews(
                request,
                call=proposal.call,
                gaps=[(proposal, missing)],
                keep=[
                    ("outcome", form.cleaned_data["outcome"]),
                    ("reason", form.cleaned_data["reason"]),
                ],
            )
        return perform(
            request,
            lambda: services.decision_stage(
                actor=request.user,
                proposal=proposal,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            ),
            success=_("Decision staged. A chair reviews it before release."),
            then="calls:decisions",
            pk=proposal.call_id,
        )
    return redirect("calls:decisions", pk=proposal.call_id)


@login_required
@require_POST
def decision_act(request, pk: int, verb: str):
    decision = get_object_or_404(Decision.objects.select_related("proposal"), pk=pk)
    call = selectors.chaired_call_for(request.user, decision.proposal.call_id)
    if verb == "review":
        action = services.decision_review
        success = _("Decision reviewed; it goes out with the next release.")
    elif verb == "discard":
        action = services.decision_discard
        success = _("Decision discarded.")
    else:
        raise Http404
    return perform(
        request,
        lambda: action(actor=request.user, decision=decision),
        success=success,
        then="calls:decisions",
        pk=call.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decisions_release(request, pk: int):
    call = selectors.chaired_call_for(request.user, pk)
    if not is_confirmed(request):
        preview = selectors.release_preview(call)
        if not preview:
            messages.error(
                request,
                _("No reviewed decision is waiting. Stage decisions and review them first."),
            )
            return redirect("calls:decisions", pk=call.pk)
        return confirmation_page(
            request,
            title=_("Release the reviewed decisions?"),
            lead=ngettext(
                "This applicant will be emailed the decision letter:",
                "These %(n)d applicants will be emailed their decision letters:",
                len(preview),
            )
            % {"n": len(preview)},
            consequences=[_release_line(line) for line in preview],
            warning=_("A released decision cannot be taken back."),
            button=_("Release and email the letters"),
            cancel_url=reverse("calls:decisions", args=[call.pk]),
        )
    return perform(
        request,
        lambda: services.decisions_release(actor=request.user, call=call),
        success=lambda released: (
            _("%(n)d decision(s) released; each applicant is emailed the decision letter.")
            % {"n": len(released)}
        ),
        then="calls:decisions",
        pk=call.pk,
    )


def _named(person) -> str:
    return f"{person.full_name} <{person.email}>" if person.full_name else person.email


def _release_line(line: selectors.ReleaseLine) -> str:
    proposal = line.decision.proposal
    recipients = ", ".join(_named(person) for person in line.recipients) or _(
        "nobody: the organisation has no applicant account"
    )
    return _("%(organisation)s (%(title)s): %(outcome)s, emailed to %(recipients)s") % {
        "organisation": proposal.organisation.name,
        "title": proposal.title,
        "outcome": line.decision.get_outcome_display(),
        "recipients": recipients,
    }


# Onboarding


@login_required
@require_POST
def onboarding_submit(request, pk: int):
    item = get_object_or_404(OnboardingItem, pk=pk)
    proposal = selectors.own_proposal_for(request.user, item.proposal_id)
    form = OnboardingItemForm(request.POST, request.FILES)
    if form.is_valid():
        return perform(
            request,
            lambda: services.onboarding_submit(
                actor=request.user,
                item=item,
                statement=form.cleaned_data["statement"],
                upload=form.cleaned_data.get("evidence"),
            ),
            success=_("Sent for review: %(item)s.") % {"item": item.label},
            then="calls:proposal",
            pk=proposal.pk,
        )
    return redirect("calls:proposal", pk=proposal.pk)


@login_required
@require_POST
def onboarding_review(request, pk: int):
    require_or_404(request.user, "calls.review_onboarding")
    item = get_object_or_404(OnboardingItem, pk=pk)
    form = OnboardingReviewForm(request.POST)
    form.is_valid()
    return perform(
        request,
        lambda: services.onboarding_review(
            actor=request.user,
            item=item,
            approve=request.POST.get("verdict") == "approve",
            note=form.cleaned_data.get("note", ""),
        ),
        success=_("Reviewed: %(item)s.") % {"item": item.label},
        then="calls:proposal",
        pk=item.proposal_id,
    )
