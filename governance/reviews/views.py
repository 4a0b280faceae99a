from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from governance.accounts.models import User
from governance.calls import rules
from governance.calls.answers import display_answer
from governance.calls.models import Proposal
from governance.core.errors import PortalError
from governance.core.spreadsheets import safe_row
from governance.reviews import selectors, services
from governance.reviews.forms import ConflictForm, ReviewForm
from governance.reviews.models import Assignment

PAGE_SIZE = 50


@login_required
@require_GET
def my_assignments(request):
    if not rules.is_evaluator(request.user):
        raise PermissionDenied
    return render(
        request,
        "reviews/mine.html",
        {"assignments": selectors.assignments_of(request.user)},
    )


@login_required
def conflicts(request):
    if not rules.is_evaluator(request.user):
        raise PermissionDenied
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = None
        if form.cleaned_data.get("proposal"):
            proposal = Proposal.objects.filter(pk=form.cleaned_data["proposal"]).first()
            if proposal is None:
                form.add_error("proposal", _("There is no proposal with this number."))
        if not form.errors:
            try:
                services.conflict_declare(
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    organisation=form.cleaned_data.get("organisation"),
                    proposal=proposal,
                )
            except PortalError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(
                    request,
                    _("Conflict declared. You will not be assigned, and lose access at once."),
                )
                return redirect("reviews:conflicts")
    return render(
        request,
        "reviews/conflicts.html",
        {"form": form, "conflicts": selectors.conflicts_of(request.user)},
    )


@login_required
def review_page(request, pk: int):
    review = selectors.review_for(request.user, pk)
    proposal = review.proposal
    call = proposal.call
    criteria = list(call.criteria.all())
    scores = {s.criterion_id: s for s in review.scores.all()}
    form = ReviewForm(
        request.POST or None,
        criteria=criteria,
        scale=(call.scale_min, call.scale_max),
        scores=scores,
        initial={"comment": review.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                actor=request.user,
                review=review,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
            if "submit" in request.POST:
                services.review_submit(actor=request.user, review=review)
                messages.success(request, _("Your review is submitted."))
            else:
                messages.success(request, _("Your scores are saved as a draft."))
        except PortalError as error:
            messages.error(request, error.detail)
        else:
            return redirect("reviews:review", pk=proposal.pk)
    snapshot = proposal.snapshot
    files = {a["id"]: a for a in snapshot.get("attachments", [])}

    class _Named:  # display_answer wants objects with original_name
        def __init__(self, item):
            self.original_name = item["name"]

    rows = [
        (
            q,
            display_answer(
                q, snapshot.get("answers", {}).get(q.key), {k: _Named(v) for k, v in files.items()}
            ),
        )
        for q in proposal.track.questions.all()
    ]
    may_see = selectors.may_see_other_reviews(request.user, review)
    return render(
        request,
        "reviews/review.html",
        {
            "review": review,
            "proposal": proposal,
            "call": call,
            "rows": rows,
            "files": snapshot.get("attachments", []),
            "form": form,
            "criteria": criteria,
            "others": selectors.other_reviews(review) if may_see else None,
        },
    )


@login_required
def assignment_board(request, pk: int):
    call = selectors.chaired_call_for(request.user, pk)
    result = None
    if request.method == "POST":
        try:
            if "auto" in request.POST:
                result = services.auto_assign(actor=request.user, call=call)
                messages.success(request, _("%(n)d assignment(s) made.") % {"n": len(result.made)})
            elif "unassign" in request.POST:
                assignment = get_object_or_404(
                    Assignment, pk=request.POST.get("unassign"), proposal__call=call
                )
                services.unassign(actor=request.user, assignment=assignment)
                messages.success(request, _("Evaluator removed."))
            else:
                proposal = get_object_or_404(Proposal, pk=request.POST.get("proposal"), call=call)
                evaluator = get_object_or_404(User, pk=request.POST.get("evaluator"))
                services.assign(actor=request.user, proposal=proposal, evaluator=evaluator)
                messages.success(request, _("%(p)s assigned.") % {"p": evaluator})
        except PortalError as error:
            messages.error(request, error.detail)
        if result is None:
            return redirect("reviews:assign", pk=call.pk)
    rows = selectors.assignment_rows(call, services.evaluator_pool())
    return render(
        request,
        "reviews/assign.html",
        {"call": call, "rows": rows, "result": result},
    )


@login_required
@require_GET
def ranking(request, pk: int):
    call = selectors.chaired_call_for(request.user, pk)
    proposals = selectors.ranking(call)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        rows = selectors.ranked_rows(call, proposals)
        return _export(call, rows, export)
    paginator = Paginator(proposals, PAGE_SIZE)
    # Counting the plain rows is much cheaper than counting the aggregated ones.
    paginator.__dict__["count"] = selectors.ranked_count(call)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.ranked_rows(call, page.object_list, start=page.start_index() - 1)
    return render(request, "reviews/ranking.html", {"call": call, "page": page, "rows": rows})


HEADER = [
    "rank",
    "proposal_id",
    "title",
    "organisation",
    "country",
    "track",
    "state",
    "mean_weighted_total",
    "spread",
    "reviews",
    "disagreement",
]


def _values(row) -> list:
    p = row.proposal
    return [
        row.rank,
        p.pk,
        p.title,
        p.organisation.name,
        str(p.organisation.country),
        p.track.kind,
        p.state,
        float(row.mean) if row.mean is not None else None,
        float(row.spread) if row.spread is not None else None,
        row.reviews,
        "yes" if row.disagreement else "no",
    ]


def _export(call, rows, export: str) -> HttpResponse:
    name = f"call-{call.pk}-ranking"
    if export == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(safe_row(_values(row)))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Ranking")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(safe_row(_values(row)))
    binary = io.BytesIO()
    workbook.save(binary)
    response = HttpResponse(
        binary.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
