import csv
import io
from decimal import Decimal

import pytest
from django.http import Http404
from openpyxl import load_workbook

from governance.calls.selectors import proposal_for
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.reviews import selectors, services
from governance.reviews.models import Assignment, Review
from tests.calls.factories import make_call, make_submitted, make_under_review, score_and_submit

pytestmark = pytest.mark.django_db


# Conflicts of interest


def test_conflict_declared_blocks_assignment_and_hides_proposal(
    call, applicant, chair, evaluator1, applicant_org
):
    proposal = make_under_review(call, applicant, chair, [evaluator1])

    services.conflict_declare(
        actor=evaluator1, organisation=applicant_org, reason="Former employer"
    )

    assignment = Assignment.objects.get(proposal=proposal, evaluator=evaluator1)
    assert assignment.blocked_at is not None
    with pytest.raises(Http404):
        selectors.review_for(evaluator1, proposal.pk)
    with pytest.raises(Http404):
        proposal_for(evaluator1, proposal.pk)
    assert selectors.assignments_of(evaluator1) == []


def test_conflict_with_one_proposal(call, applicant, chair, evaluator1):
    proposal = make_under_review(call, applicant, chair, [evaluator1])
    other = make_under_review(call, applicant, chair, [evaluator1], title="Other")

    services.conflict_declare(actor=evaluator1, proposal=proposal, reason="Co-author")

    assert [a.proposal for a in selectors.assignments_of(evaluator1)] == [other]


def test_conflict_declared_by_non_evaluator_refused(applicant, applicant_org):
    with pytest.raises(NotPermitted):
        services.conflict_declare(actor=applicant, organisation=applicant_org, reason="x")


def test_conflict_needs_exactly_one_target(evaluator1, applicant_org, call, applicant):
    proposal = make_submitted(call, applicant)
    with pytest.raises(PortalError):
        services.conflict_declare(actor=evaluator1, reason="x")
    with pytest.raises(PortalError):
        services.conflict_declare(
            actor=evaluator1, organisation=applicant_org, proposal=proposal, reason="x"
        )


def test_conflicted_evaluator_cannot_be_assigned(call, applicant, chair, evaluator1, applicant_org):
    services.conflict_declare(
        actor=evaluator1, organisation=applicant_org, reason="Former employer"
    )
    proposal = make_submitted(call, applicant)

    with pytest.raises(InvalidTransition, match="declared a conflict") as error:
        services.assign(actor=chair, proposal=proposal, evaluator=evaluator1)

    assert error.value.code == "conflict_of_interest"


def test_evident_conflict_same_organisation(call, applicant, chair, applicant_org):
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(role="evaluator", organisation=applicant_org).person
    proposal = make_submitted(call, applicant)

    with pytest.raises(InvalidTransition, match="belongs to the applicant organisation"):
        services.assign(actor=chair, proposal=proposal, evaluator=colleague)


def test_evident_conflict_same_country_only_when_call_asks(chair, applicant, evaluator3):
    relaxed = make_call(title="Relaxed", chair=chair)
    strict = make_call(title="Strict", chair=chair, conflict_same_country=True)

    services.assign(actor=chair, proposal=make_submitted(relaxed, applicant), evaluator=evaluator3)
    with pytest.raises(InvalidTransition, match=r"country \(ES\)"):
        services.assign(
            actor=chair, proposal=make_submitted(strict, applicant), evaluator=evaluator3
        )


# Assignment


def test_assign_moves_proposal_under_review(call, applicant, chair, evaluator1):
    proposal = make_submitted(call, applicant)

    services.assign(actor=chair, proposal=proposal, evaluator=evaluator1)

    proposal.refresh_from_db()
    assert proposal.state == "under_review"


def test_assign_draft_refused(call, applicant, chair, evaluator1):
    from tests.calls.factories import make_draft

    with pytest.raises(InvalidTransition):
        services.assign(actor=chair, proposal=make_draft(call, applicant), evaluator=evaluator1)


def test_assign_by_non_chair_refused(call, applicant, evaluator1, evaluator2):
    with pytest.raises(NotPermitted):
        services.assign(
            actor=evaluator2, proposal=make_submitted(call, applicant), evaluator=evaluator1
        )


def test_auto_assign_balanced_without_conflicts(
    call, applicant, chair, evaluator1, evaluator2, evaluator3, applicant_org
):
    services.conflict_declare(actor=evaluator3, organisation=applicant_org, reason="Friends")
    proposals = [make_submitted(call, applicant, title=f"P{i}") for i in range(3)]

    result = services.auto_assign(actor=chair, call=call)

    assert len(result.made) == 6  # 3 proposals, 2 evaluators each
    assert result.skipped_conflicts == 3
    assert result.short == []
    for proposal in proposals:
        evaluators = set(
            Assignment.objects.filter(proposal=proposal).values_list("evaluator", flat=True)
        )
        assert evaluators == {evaluator1.pk, evaluator2.pk}


def test_auto_assign_balances_load(chair, applicant, evaluator1, evaluator2, evaluator3):
    call = make_call(title="One each", chair=chair, evaluators_per_proposal=1)
    for i in range(6):
        make_submitted(call, applicant, title=f"P{i}")

    result = services.auto_assign(actor=chair, call=call)

    assert sorted(result.load.values()) == [2, 2, 2]


def test_auto_assign_reports_proposals_short_of_evaluators(call, applicant, chair, evaluator1):
    make_submitted(call, applicant)

    result = services.auto_assign(actor=chair, call=call)

    assert result.short == ["Our imaging data"]


# Reviews


@pytest.fixture
def proposal(call, applicant, chair, evaluator1, evaluator2):
    return make_under_review(call, applicant, chair, [evaluator1, evaluator2])


def test_review_submit_computes_weighted_total(proposal, evaluator1):
    review = score_and_submit(evaluator1, proposal, [5, 3, 4])  # weights 2, 2, 1

    assert review.state == "submitted"
    assert review.weighted_total == Decimal("4.000")


def test_review_submit_incomplete_refused(proposal, evaluator1):
    review = Review.objects.get(proposal=proposal, evaluator=evaluator1)
    criteria = list(proposal.call.criteria.all())
    services.review_save(actor=evaluator1, review=review, scores={criteria[0].pk: {"value": 3}})

    with pytest.raises(PortalError, match="Score every criterion"):
        services.review_submit(actor=evaluator1, review=review)


def test_review_score_out_of_scale_refused(proposal, evaluator1):
    review = Review.objects.get(proposal=proposal, evaluator=evaluator1)
    criterion = proposal.call.criteria.first()

    with pytest.raises(PortalError, match="from 0 to 5"):
        services.review_save(actor=evaluator1, review=review, scores={criterion.pk: {"value": 9}})


def test_review_submitted_twice_refused(proposal, evaluator1):
    review = score_and_submit(evaluator1, proposal, [5, 3, 4])

    with pytest.raises(InvalidTransition):
        services.review_submit(actor=evaluator1, review=review)


def test_review_by_another_evaluator_refused(proposal, evaluator1, evaluator2):
    review = Review.objects.get(proposal=proposal, evaluator=evaluator1)

    with pytest.raises(NotPermitted):
        services.review_save(actor=evaluator2, review=review, scores={})


def test_other_scores_hidden_until_own_submitted(proposal, evaluator1, evaluator2):
    score_and_submit(evaluator2, proposal, [1, 1, 1])
    mine = selectors.review_for(evaluator1, proposal.pk)
    assert not selectors.may_see_other_reviews(evaluator1, mine)
    assert list(selectors.reviews_visible_to(evaluator1)) == [mine]

    score_and_submit(evaluator1, proposal, [5, 5, 5])

    mine = selectors.review_for(evaluator1, proposal.pk)
    assert selectors.may_see_other_reviews(evaluator1, mine)
    assert {r.evaluator_id for r in selectors.reviews_visible_to(evaluator1)} == {
        evaluator1.pk,
        evaluator2.pk,
    }


def test_other_scores_visible_when_call_does_not_hide(proposal, evaluator1, evaluator2):
    proposal.call.hide_scores_until_submitted = False
    proposal.call.save()
    score_and_submit(evaluator2, proposal, [1, 1, 1])

    assert selectors.may_see_other_reviews(
        evaluator1, selectors.review_for(evaluator1, proposal.pk)
    )


# Ranking


def test_ranking_orders_by_mean_and_flags_disagreement(
    call, applicant, chair, evaluator1, evaluator2
):
    best = make_under_review(call, applicant, chair, [evaluator1, evaluator2], title="Best")
    split = make_under_review(call, applicant, chair, [evaluator1, evaluator2], title="Split")
    make_under_review(call, applicant, chair, [evaluator1], title="Unscored")
    score_and_submit(evaluator1, best, [5, 5, 4])
    score_and_submit(evaluator2, best, [4, 4, 4])
    score_and_submit(evaluator1, split, [5, 5, 5])
    score_and_submit(evaluator2, split, [0, 0, 1])

    rows = selectors.ranked_rows(call, selectors.ranking(call))

    assert [r.proposal.title for r in rows] == ["Best", "Split", "Unscored"]
    assert rows[0].mean == Decimal("4.40") and not rows[0].disagreement
    assert rows[1].spread == Decimal("4.80") and rows[1].disagreement
    assert rows[2].mean is None and rows[2].reviews == 0


def _chair_client(client, chair):
    client.force_login(chair)
    return client


def test_ranking_page_and_exports(client, call, applicant, chair, evaluator1):
    proposal = make_under_review(call, applicant, chair, [evaluator1], title="=HYPERLINK(1)")
    score_and_submit(evaluator1, proposal, [4, 4, 4])
    client = _chair_client(client, chair)
    url = f"/reviews/calls/{call.pk}/ranking/"

    page = client.get(url)
    assert page.status_code == 200
    assert "4.00" in page.content.decode()

    exported = client.get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][:3] == ["rank", "proposal_id", "title"]
    assert rows[1][2] == "'=HYPERLINK(1)"  # no formula injection
    assert rows[1][7] == "4.0"

    xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=8).value == 4.0


def test_ranking_page_refused_to_evaluator(client, call, evaluator1):
    client.force_login(evaluator1)

    assert client.get(f"/reviews/calls/{call.pk}/ranking/").status_code == 404


def test_ranking_query_count_constant(
    client, django_assert_num_queries, call, applicant, chair, evaluator1
):
    client = _chair_client(client, chair)
    url = f"/reviews/calls/{call.pk}/ranking/"
    for count in (1, 3):
        for i in range(count - len(list(selectors.ranking(call)))):
            proposal = make_under_review(
                call, applicant, chair, [evaluator1], title=f"R{count}-{i}"
            )
            score_and_submit(evaluator1, proposal, [3, 3, 3])
        with django_assert_num_queries(10):
            assert client.get(url).status_code == 200


def test_assignment_page_explains_and_assigns(
    client, call, applicant, chair, evaluator1, evaluator2
):
    make_submitted(call, applicant)
    client = _chair_client(client, chair)

    response = client.post(f"/reviews/calls/{call.pk}/assign/", {"auto": "1"})

    html = response.content.decode()
    assert "least" in html or "fewest assignments" in html
    assert "2 assignments made" in html
    assert Assignment.objects.count() == 2


def test_review_page_scores_and_submits(client, proposal, evaluator1):
    criteria = list(proposal.call.criteria.all())
    client.force_login(evaluator1)
    data = {f"score_{c.pk}": "4" for c in criteria} | {"comment": "Solid", "submit": "1"}

    response = client.post(f"/reviews/proposals/{proposal.pk}/", data, follow=True)

    assert "Your review is submitted." in response.content.decode()
    assert Review.objects.get(proposal=proposal, evaluator=evaluator1).weighted_total == Decimal(
        "4.000"
    )


def test_conflicts_page_declares(client, evaluator1, applicant_org):
    client.force_login(evaluator1)

    response = client.post(
        "/reviews/conflicts/",
        {"organisation": applicant_org.pk, "reason": "Ex-employer"},
        follow=True,
    )

    assert "Conflict declared" in response.content.decode()
    assert evaluator1.conflicts.get().organisation == applicant_org


def test_conflicts_page_bad_input(client, evaluator1):
    client.force_login(evaluator1)

    response = client.post("/reviews/conflicts/", {"reason": "x"})

    assert "Name either an organisation or a proposal." in response.content.decode()


def test_review_page_shows_the_weighted_total_as_a_number(client, proposal, evaluator1):
    score_and_submit(evaluator1, proposal, [5, 3, 4])  # 4.000, stored to three places
    client.force_login(evaluator1)

    page = client.get(f"/reviews/proposals/{proposal.pk}/").content.decode()

    assert "Weighted total: 4</p>" in page
