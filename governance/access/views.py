from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.access import selectors, services
from governance.access.forms import (
    CommentForm,
    CommitteeForm,
    ConflictForm,
    DecisionForm,
    ItemFormSet,
    MemberForm,
    OrganisationChoiceForm,
    RequestForm,
    ReturnForm,
    VoteForm,
)
from governance.access.models import AccessRequest, CommitteeMember
from governance.access.rules import committee_ids_of, conflict_reason
from governance.accounts.selectors import person_by_email
from governance.catalogue.selectors import published_datasets
from governance.core.actions import form_action, perform
from governance.core.permissions import may, require

PAGE_SIZE = 25


# Requests


@login_required
@require_GET
def request_list(request):
    qs = selectors.with_list_details(selectors.requests_visible_to(request.user))
    state = request.GET.get("state", "")
    if state in AccessRequest.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/request_list.html",
        {
            "page": page,
            "state": state,
            "states": AccessRequest.State.choices,
            "can_request": services.researcher_organisations(request.user).exists(),
        },
    )


def _item_initial(request) -> list[dict]:
    pk = request.GET.get("dataset", "")
    if pk.isdigit():
        dataset = published_datasets().filter(pk=int(pk)).first()
        if dataset is not None:
            return [{"dataset": dataset}]
    return []


@login_required
def request_new(request):
    require(request.user, "access.add_accessrequest")
    organisations = services.researcher_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    choice = OrganisationChoiceForm(request.POST or None, organisations=organisations)
    first = organisations.first()
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES)
        items = ItemFormSet(request.POST, prefix="items")
        if choice.is_valid() and form.is_valid() and items.is_valid():
            done, access_request = form_action(
                form,
                lambda: services.request_create(
                    actor=request.user,
                    organisation=choice.cleaned_data["organisation"],
                    data=form.service_data(),
                    items=items.service_data(),  # type: ignore[attr-defined]
                    ethics_approval=form.cleaned_data.get("ethics_file"),
                ),
            )
            if done:
                messages.success(
                    request,
                    _("The draft is saved. Check each dataset's compatibility, then submit it."),
                )
                return redirect("access:request", pk=access_request.pk)
    else:
        form = RequestForm(initial={"for_profit": bool(first and first.is_for_profit)})
        items = ItemFormSet(initial=_item_initial(request), prefix="items")
    return render(
        request,
        "access/request_form.html",
        {"form": form, "items": items, "choice": choice, "access_request": None},
    )


@login_required
def request_edit(request, pk: int):
    access_request = selectors.own_request_for(request.user, pk)
    if access_request.state not in services.EDITABLE_STATES:
        messages.info(request, _("Only drafts and requests returned for changes can be edited."))
        return redirect("access:request", pk=pk)
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, instance=access_request)
        items = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            done, _saved = form_action(
                form,
                lambda: services.request_update(
                    actor=request.user,
                    request=access_request,
                    data=form.service_data(),
                    items=items.service_data(),  # type: ignore[attr-defined]
                    ethics_approval=form.cleaned_data.get("ethics_file"),
                ),
            )
            if done:
                messages.success(request, _("The request is saved."))
                return redirect("access:request", pk=pk)
    else:
        form = RequestForm(instance=access_request)
        items = ItemFormSet(
            initial=[
                {
                    "dataset": item.dataset,
                    "access_condition": item.access_condition,
                    "justification": item.justification,
                }
                for item in access_request.items.all()
                if item.outcome == item.Outcome.PENDING
            ],
            prefix="items",
        )
    return render(
        request,
        "access/request_form.html",
        {"form": form, "items": items, "choice": None, "access_request": access_request},
    )


@login_required
@require_GET
def request_detail(request, pk: int):
    access_request = selectors.request_for(request.user, pk)
    person = request.user
    is_researcher = may(person, "access.change_request", access_request)
    in_committee = may(person, "access.comment", access_request)
    reviews = selectors.item_reviews(person, access_request)
    for review in reviews:
        review.vote_form = VoteForm(prefix=f"vote-{review.item.pk}")
        review.decision_form = DecisionForm(prefix=f"decide-{review.item.pk}")
    return render(
        request,
        "access/request_detail.html",
        {
            "access_request": access_request,
            "reviews": reviews,
            "is_researcher": is_researcher,
            "in_committee": in_committee,
            "conflict": conflict_reason(person, access_request.organisation)
            if in_committee
            else "",
            "can_edit": is_researcher and access_request.state in services.EDITABLE_STATES,
            "can_submit": is_researcher and access_request.state in services.EDITABLE_STATES,
            "can_withdraw": is_researcher
            and access_request.state in services.EDITABLE_STATES + selectors.OPEN_STATES,
            "can_return": in_committee
            and access_request.state in selectors.OPEN_STATES
            and any(review.is_chair and review.can_act for review in reviews),
            "needs_justification": [r for r in reviews if r.needs_justification],
            "comments": selectors.comments_visible_to(person, access_request),
            "diffs": selectors.version_diffs(person, access_request),
            "comment_form": CommentForm(),
            "return_form": ReturnForm(),
            "conflict_form": ConflictForm(),
        },
    )


def _after(request, pk: int, call, success: str):
    return perform(request, call, success=success, then="access:request", pk=pk)


@login_required
@require_POST
def request_submit(request, pk: int):
    access_request = selectors.own_request_for(request.user, pk)
    return _after(
        request,
        pk,
        lambda: services.request_submit(actor=request.user, request=access_request),
        _("The request is submitted; each dataset's committee has been told."),
    )


@login_required
@require_POST
def request_withdraw(request, pk: int):
    access_request = selectors.own_request_for(request.user, pk)
    return _after(
        request,
        pk,
        lambda: services.request_withdraw(actor=request.user, request=access_request),
        _("The request is withdrawn."),
    )


@login_required
@require_POST
def request_return(request, pk: int):
    access_request = selectors.request_for(request.user, pk)
    require(request.user, "access.return_request", access_request)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the researcher what to change before returning it."))
        return redirect("access:request", pk=pk)
    return _after(
        request,
        pk,
        lambda: services.request_return(
            actor=request.user, request=access_request, reason=form.cleaned_data["reason"]
        ),
        _("The request is returned to the researcher for changes."),
    )


@login_required
@require_POST
def comment_add(request, pk: int):
    access_request = selectors.request_for(request.user, pk)
    require(request.user, "access.comment", access_request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the comment and choose who may read it."))
        return redirect("access:request", pk=pk)
    return _after(
        request,
        pk,
        lambda: services.comment_add(
            actor=request.user,
            request=access_request,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
        ),
        _("Your comment is added."),
    )


@login_required
@require_POST
def item_vote(request, pk: int, item_pk: int):
    access_request = selectors.request_for(request.user, pk)
    require(request.user, "access.vote", access_request)
    item = selectors.item_for(request.user, access_request, item_pk)
    form = VoteForm(request.POST, prefix=f"vote-{item_pk}")
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject to vote."))
        return redirect("access:request", pk=pk)
    return _after(
        request,
        pk,
        lambda: services.vote_cast(
            actor=request.user,
            item=item,
            choice=form.cleaned_data["choice"],
            reason=form.cleaned_data["reason"],
        ),
        _("Your vote is counted."),
    )


@login_required
@require_POST
def item_decide(request, pk: int, item_pk: int):
    access_request = selectors.request_for(request.user, pk)
    require(request.user, "access.decide", access_request)
    item = selectors.item_for(request.user, access_request, item_pk)
    form = DecisionForm(request.POST, prefix=f"decide-{item_pk}")
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject and give the reasons."))
        return redirect("access:request", pk=pk)
    return _after(
        request,
        pk,
        lambda: services.item_decide(
            actor=request.user,
            item=item,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
        ),
        _("The decision on “%(dataset)s” is recorded.") % {"dataset": item.dataset.title},
    )


@login_required
@require_POST
def conflict_declare(request, pk: int):
    access_request = selectors.request_for(request.user, pk)
    require(request.user, "access.declare_conflict", access_request)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say in a few words why you have a conflict of interest."))
        return redirect("access:request", pk=pk)
    return _after(
        request,
        pk,
        lambda: services.conflict_declare(
            actor=request.user,
            organisation=access_request.organisation,
            reason=form.cleaned_data["reason"],
        ),
        _("Your conflict of interest is recorded: you will not vote or decide on this request."),
    )


@login_required
@require_GET
def ethics_file(request, pk: int):
    access_request = selectors.request_for(request.user, pk)
    if not access_request.ethics_approval:
        raise Http404("No ethics approval uploaded")
    return FileResponse(
        access_request.ethics_approval.open("rb"),
        as_attachment=True,
        filename=f"ethics-approval-request-{access_request.pk}.pdf",
        content_type="application/pdf",
    )


# The public register


@require_GET
def register(request):
    page = Paginator(selectors.public_register(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/register.html", {"page": page})


# Committees


@login_required
@require_GET
def committee_list(request):
    committees = selectors.committees_visible_to(request.user).prefetch_related("datasets")
    if not (may(request.user, "access.manage_committees") or committee_ids_of(request.user)):
        raise PermissionDenied
    return render(
        request,
        "access/committee_list.html",
        {
            "committees": committees,
            "can_manage": may(request.user, "access.manage_committees"),
        },
    )


@login_required
@require_GET
def committee_detail(request, pk: int):
    committee = selectors.committee_for_person(request.user, pk)
    return render(
        request,
        "access/committee_detail.html",
        {
            "committee": committee,
            "members": selectors.committee_members(committee),
            "datasets": committee.datasets.select_related("custodian").order_by("title"),
            "can_manage": may(request.user, "access.manage_committees"),
            "member_form": MemberForm(),
        },
    )


@login_required
def committee_form(request, pk: int | None = None):
    require(request.user, "access.manage_committees")
    committee = selectors.committee_for_person(request.user, pk) if pk else None
    form = CommitteeForm(request.POST or None, instance=committee)
    if request.method == "POST" and form.is_valid():
        if committee is None:
            done, committee = form_action(
                form,
                lambda: services.committee_create(actor=request.user, data=form.service_data()),
            )
        else:
            done, _saved = form_action(
                form,
                lambda: services.committee_update(
                    actor=request.user, committee=committee, data=form.service_data()
                ),
            )
        if done:
            messages.success(request, _("The committee is saved."))
            return redirect("access:committee", pk=committee.pk)
    return render(request, "access/committee_form.html", {"form": form, "committee": committee})


@login_required
@require_POST
def member_add(request, pk: int):
    require(request.user, "access.manage_committees")
    committee = selectors.committee_for_person(request.user, pk)
    form = MemberForm(request.POST)
    person = person_by_email(form.data.get("email", "")) if form.is_valid() else None
    if person is None:
        messages.error(
            request,
            _("Nobody with that email address has an account; ask them to create one first."),
        )
        return redirect("access:committee", pk=pk)
    return perform(
        request,
        lambda: services.committee_member_add(
            actor=request.user,
            committee=committee,
            person=person,
            is_chair=form.cleaned_data["is_chair"],
        ),
        success=_("%(person)s joined the committee.") % {"person": person},
        then="access:committee",
        pk=pk,
    )


@login_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    require(request.user, "access.manage_committees")
    committee = selectors.committee_for_person(request.user, pk)
    member = get_object_or_404(CommitteeMember, pk=member_pk, committee=committee)
    services.committee_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(person)s left the committee.") % {"person": member.person})
    return redirect("access:committee", pk=pk)
