"""Two chairs deciding the same proposal at the same moment: one wins, the other is told."""

import threading

import pytest
from django.db import connection, connections

from governance.calls import services
from governance.calls.models import Decision, Proposal
from governance.core.errors import ConcurrentChange
from tests.calls.factories import make_under_review
from tests.factories import MembershipFactory


@pytest.mark.postgres
def test_parallel_decisions_one_wins(
    transactional_db, call, applicant, chair, second_chair, evaluator1
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing could race")
    call.chairs.add(second_chair)
    proposal = make_under_review(call, applicant, chair, [evaluator1])
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(person, outcome):
        try:
            start.wait(timeout=10)
            fresh = Proposal.objects.get(pk=proposal.pk)  # both read "under review, undecided"
            services.decision_stage(actor=person, proposal=fresh, outcome=outcome, reason=outcome)
            outcomes[outcome] = "staged"
        except ConcurrentChange as error:
            outcomes[outcome] = error
        except BaseException as error:  # reported by the main thread
            outcomes[outcome] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(chair, "accept")),
        threading.Thread(target=decide, args=(second_chair, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(v).__name__ if not isinstance(v, str) else v for v in outcomes.values()) == [
        "ConcurrentChange",
        "staged",
    ], outcomes
    winner = Decision.objects.get(proposal=proposal)
    assert outcomes[winner.outcome] == "staged"


@pytest.mark.postgres
def test_parallel_creates_and_saves_on_one_track_all_succeed(transactional_db, call, applicant_org):
    """Each applicant creates a proposal on the same track and saves it at once: the inserts
    share-lock the track while the saves lock their proposal, and none may deadlock (issue 17)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing could race")
    track = call.tracks.get(kind="data_holder")
    applicants = [
        MembershipFactory(
            role="applicant", organisation=applicant_org, person__email=f"a{n}@example.org"
        ).person
        for n in range(6)
    ]
    start = threading.Barrier(len(applicants))
    outcomes: dict[int, object] = {}

    def create_and_save(n, person):
        try:
            start.wait(timeout=10)
            proposal = services.proposal_create(
                actor=person, call=call, track=track, organisation=applicant_org, title=f"P{n}"
            )
            services.proposal_save(actor=person, proposal=proposal, title=f"P{n} saved")
            outcomes[n] = "saved"
        except BaseException as error:  # reported by the main thread
            outcomes[n] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=create_and_save, args=(n, person))
        for n, person in enumerate(applicants)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == {n: "saved" for n in range(len(applicants))}
    assert sorted(Proposal.objects.filter(track=track).values_list("title", flat=True)) == [
        f"P{n} saved" for n in range(len(applicants))
    ]
