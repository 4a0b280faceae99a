from pathlib import Path

import pytest
from django.conf import settings
from django.http import Http404

from governance.calls import services
from governance.calls.selectors import proposal_for
from governance.core.demo import seed_all
from governance.core.errors import DeadlinePassed
from governance.core.times import format_moment
from governance.reviews.selectors import review_for

pytestmark = pytest.mark.django_db


def test_demo_calls_idempotent_and_as_specified():
    context = seed_all()
    again = seed_all()

    assert not again.created_anything
    closed = context["call.2024"]
    assert (
        closed.deadline.isoformat() == "2024-06-10T23:59:00+02:00"
        or closed.deadline.astimezone().strftime("%d %H:%M") == "10 23:59"
    )
    assert closed.phase() == "closed"
    assert set(closed.proposals.values_list("state", flat=True)) == {
        "onboarding",
        "rejected",
        "draft",
    }
    assert context["call.open"].phase() == "open"
    submitted = context["proposal.submitted"]
    assert submitted.assignments.count() == 2


def test_readme_gives_the_2024_deadline_as_the_call_page_does():
    closed = seed_all()["call.2024"]
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")

    assert f"deadline {format_moment(closed.deadline)})" in readme


def test_demo_2024_draft_cannot_be_submitted():
    context = seed_all()

    with pytest.raises(DeadlinePassed):
        services.proposal_submit(
            actor=context["person.applicant"], proposal=context["proposal.2024_draft"]
        )


def test_demo_evaluator2_conflict_hides_submitted_proposal():
    context = seed_all()
    submitted = context["proposal.submitted"]

    assert review_for(context["person.evaluator1"], submitted.pk)
    with pytest.raises(Http404):
        proposal_for(context["person.evaluator2"], submitted.pk)
