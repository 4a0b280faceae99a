"""The request's state machine and the committee's review, through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from governance.access import selectors, services
from governance.access.models import (
    REQUEST_MACHINE,
    AccessRequest,
    CommitteeConflict,
    RequestComment,
    RequestVersion,
    Vote,
)
from governance.audit.models import AuditEvent
from governance.catalogue.duo import compatibility
from governance.catalogue.selectors import use_conditions_of
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.core.events import access_items_approved
from governance.notifications.models import OutboundEmail
from tests.access.conftest import make_request, requestable, submitted
from tests.agreements.factories import CommitteeMemberFactory
from tests.catalogue.factories import conditions, duo
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

State = AccessRequest.State


def actions(request) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="access.accessrequest", object_id=str(request.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# The transition table


@pytest.mark.parametrize(
    ("state", "action", "allowed"),
    [
        (state, action, state in REQUEST_MACHINE.transitions[action].sources)
        for state in State.values
        for action in REQUEST_MACHINE.transitions
    ],
)
def test_request_machine_allows_exactly_the_spec_transitions(state, action, allowed):
    spec = {
        "submit": {"draft", "returned"},
        "start_review": {"submitted"},
        "return": {"submitted", "under_review"},
        "approve": {"submitted", "under_review"},
        "reject": {"submitted", "under_review"},
        "withdraw": {"draft", "submitted", "under_review", "returned"},
    }
    assert allowed == (state in spec[action])
    if not allowed:
        with pytest.raises(InvalidTransition):
            REQUEST_MACHINE.target(state, action)


# Drafting


def test_request_create_defaults_for_profit_from_organisation(researcher, dataset):
    request = make_request(researcher, dataset)
    assert request.state == State.DRAFT
    assert request.for_profit is True
    assert request.items.get().dataset == dataset
    assert actions(request) == ["access.request_created"]


def test_request_create_refused_for_person_without_researcher_role(alice, dataset, company):
    with pytest.raises(NotPermitted):
        services.request_create(actor=alice, organisation=company, data={"title": "x"}, items=[])


def test_request_create_refuses_condition_not_offered(researcher, holder_org, committee):
    only_remote = requestable(
        holder_org,
        committee=committee,
        access_conditions=conditions("remote_processing"),
    )
    with pytest.raises(PortalError, match="is not offered for download"):
        make_request(researcher, only_remote, condition="download")


def test_request_create_needs_disease_for_disease_specific_purpose(researcher, dataset):
    with pytest.raises(PortalError, match="needs the disease"):
        make_request(researcher, dataset, purpose=duo("DS"))


def test_request_update_refused_once_submitted(researcher, dataset):
    request = submitted(researcher, dataset)
    with pytest.raises(InvalidTransition):
        services.request_update(actor=researcher, request=request, data={"title": "New"})


def test_ethics_approval_must_be_a_pdf_by_content(researcher, dataset):
    request = make_request(researcher, dataset)
    fake = SimpleUploadedFile("approval.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(PortalError, match=r"approval\.pdf is not a PDF") as not_pdf:
        services.request_update(actor=researcher, request=request, data={}, ethics_approval=fake)
    assert not_pdf.value.code == "not_a_pdf"
    big = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * services.ETHICS_MAX_BYTES)
    with pytest.raises(PortalError, match=r"larger than allowed here \(at most 10 MB\)") as large:
        services.request_update(actor=researcher, request=request, data={}, ethics_approval=big)
    assert large.value.code == "file_too_large"
    real = SimpleUploadedFile("approval.pdf", b"%PDF-1.7\n%%EOF\n", "application/octet-stream")
    services.request_update(actor=researcher, request=request, data={}, ethics_approval=real)
    request.refresh_from_db()
    assert request.ethics_approval.name.startswith("access/ethics/")
    assert request.ethics_approval.name.endswith(".pdf")
    assert "approval" not in request.ethics_approval.name
    assert request.ethics_approval.read().startswith(b"%PDF-")


# Submitting


def test_submit_assigns_committees_snapshots_and_emails_members(
    researcher, dataset, committee, chair, member, django_capture_on_commit_callbacks
):
    request = make_request(researcher, dataset)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(actor=researcher, request=request)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert request.submitted_at is not None
    assert request.items.get().committee == committee
    version = RequestVersion.objects.get(request=request)
    assert version.version == 1
    assert version.snapshot["items"][0]["dataset"] == dataset.title
    email = OutboundEmail.objects.get(template="access/submitted")
    assert set(email.to) == {chair.email, member.email}
    assert actions(request) == ["access.request_created", "access.request_submitted"]


def test_submit_refused_without_public_register_consent(researcher, dataset):
    request = make_request(researcher, dataset, public_register_consent=False)
    with pytest.raises(PortalError, match="public register"):
        services.request_submit(actor=researcher, request=request)


def test_submit_refused_when_no_committee_covers_a_dataset(researcher, holder_org):
    orphan = requestable(holder_org)
    request = make_request(researcher, orphan)
    with pytest.raises(PortalError, match=f"No access committee covers “{orphan.title}”"):
        services.request_submit(actor=researcher, request=request)
    request.refresh_from_db()
    assert request.state == State.DRAFT


def test_submit_incompatible_dataset_needs_justification(researcher, breast_ds_ncu):
    request = make_request(researcher, breast_ds_ncu)
    with pytest.raises(PortalError, match=f"“{breast_ds_ncu.title}” does not fit") as error:
        services.request_submit(actor=researcher, request=request)
    assert error.value.code == "justification_required"

    services.request_update(
        actor=researcher,
        request=request,
        data={},
        items=[
            {
                "dataset": breast_ds_ncu,
                "access_condition": request.items.get().access_condition,
                "justification": "A non-commercial spin-off of our academic partner.",
            }
        ],
    )
    services.request_submit(actor=researcher, request=request)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED


def test_submit_by_another_person_refused(researcher, other_researcher, dataset):
    request = make_request(researcher, dataset)
    with pytest.raises(NotPermitted):
        services.request_submit(actor=other_researcher, request=request)


def test_submit_twice_is_an_invalid_transition(researcher, dataset, chair):
    request = submitted(researcher, dataset)
    with pytest.raises(InvalidTransition):
        services.request_submit(actor=researcher, request=request)


# Compatibility


def test_compatibility_shown_equals_the_catalogue_function(researcher, dataset, breast_ds_ncu):
    request = make_request(researcher, dataset, breast_ds_ncu)
    reviews = selectors.item_reviews(researcher, request)
    purpose = selectors.purpose_of(request)
    assert len(reviews) == 2
    for review in reviews:
        expected = compatibility(purpose, use_conditions_of(review.item.dataset.current_statement))
        assert review.compatibility == expected
    by_dataset = {review.item.dataset_id: review.compatibility for review in reviews}
    assert by_dataset[dataset.pk].compatible
    breast = by_dataset[breast_ds_ncu.pk]
    assert not breast.compatible
    assert any("non-commercial" in reason for reason in breast.reasons)
    assert [o.shorthand for o in breast.obligations] == ["PUB"]


def test_use_conditions_of_carries_modifier_parameters(holder_org):
    dataset = requestable(
        holder_org,
        duo_permission=duo("HMB"),
        modifiers=[{"duo_term": duo("TS"), "months": 24}, {"duo_term": duo("GS"), "area": "EEA"}],
    )
    conditions = use_conditions_of(dataset.current_statement)
    assert conditions.permission == duo("HMB").pk
    assert conditions.modifiers[duo("TS").pk]["months"] == "24"
    assert conditions.modifiers[duo("GS").pk]["area"] == "EEA"


# Review: chair decides


def test_chair_decision_approves_request_and_sends_event_in_transaction(
    researcher, dataset, chair, django_capture_on_commit_callbacks
):
    request = submitted(researcher, dataset)
    item = request.items.get()
    received = []

    def receiver(sender, request, items, **kwargs):
        assert transaction.get_connection().in_atomic_block
        received.append((request.pk, [i.pk for i in items]))

    access_items_approved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.item_decide(actor=chair, item=item, outcome="approved", reasons="Fine.")
    finally:
        access_items_approved.disconnect(receiver)
    request.refresh_from_db()
    assert request.state == State.APPROVED
    assert request.decided_at is not None
    assert received == [(request.pk, [item.pk])]
    assert OutboundEmail.objects.filter(template="access/decided", to=[researcher.email]).exists()
    assert actions(request)[-2:] == ["access.request_review_started", "access.request_approved"]


def test_member_who_is_not_chair_cannot_decide(researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    with pytest.raises(NotPermitted, match="Only the committee's chair"):
        services.item_decide(
            actor=member, item=request.items.get(), outcome="approved", reasons="ok"
        )


def test_decision_needs_reasons(researcher, dataset, chair):
    request = submitted(researcher, dataset)
    with pytest.raises(PortalError, match="reasons"):
        services.item_decide(actor=chair, item=request.items.get(), outcome="approved", reasons="")


def test_decide_refused_on_draft_and_after_decision(researcher, dataset, chair):
    draft = make_request(researcher, dataset)
    with pytest.raises(InvalidTransition):
        services.item_decide(actor=chair, item=draft.items.get(), outcome="approved", reasons="x")
    request = submitted(researcher, dataset, title="Another")
    item = request.items.get()
    services.item_decide(actor=chair, item=item, outcome="rejected", reasons="No.")
    with pytest.raises(InvalidTransition):
        services.item_decide(actor=chair, item=item, outcome="approved", reasons="Yes.")
    request.refresh_from_db()
    assert request.state == State.REJECTED


def test_two_committees_decide_their_own_datasets(
    researcher, dataset, other_dataset, chair, other_chair
):
    request = submitted(researcher, dataset, other_dataset)
    mine = request.items.get(dataset=dataset)
    theirs = request.items.get(dataset=other_dataset)
    assert theirs.committee.name == "Lisbon DAC"

    with pytest.raises(NotPermitted):
        services.item_decide(actor=chair, item=theirs, outcome="approved", reasons="x")
    services.item_decide(actor=chair, item=mine, outcome="approved", reasons="Fits.")
    request.refresh_from_db()
    assert request.state == State.UNDER_REVIEW  # the other dataset is still pending

    services.item_decide(actor=other_chair, item=theirs, outcome="rejected", reasons="No.")
    request.refresh_from_db()
    assert request.state == State.APPROVED  # every item decided, at least one approved
    assert dict(request.items.values_list("dataset_id", "outcome")) == {
        dataset.pk: "approved",
        other_dataset.pk: "rejected",
    }
    # Each committee's chair sees only its own dataset in the request.
    assert [i.dataset for i in selectors.items_visible_to(chair, request)] == [dataset]
    assert [i.dataset for i in selectors.items_visible_to(other_chair, request)] == [other_dataset]


def test_all_rejected_makes_request_rejected(
    researcher, dataset, other_dataset, chair, other_chair
):
    request = submitted(researcher, dataset, other_dataset)
    for actor, item in (
        (chair, request.items.get(dataset=dataset)),
        (other_chair, request.items.get(dataset=other_dataset)),
    ):
        services.item_decide(actor=actor, item=item, outcome="rejected", reasons="No.")
    request.refresh_from_db()
    assert request.state == State.REJECTED


# Review: majority with quorum


@pytest.fixture
def majority(committee, chair, member):
    committee.decision_rule = "majority"
    committee.quorum = 2
    committee.save()
    third = CommitteeMemberFactory(committee=committee, person=UserFactory()).person
    return [chair, member, third]


def test_majority_decides_when_quorum_is_met(researcher, dataset, majority):
    request = submitted(researcher, dataset)
    item = request.items.get()
    services.vote_cast(actor=majority[0], item=item, choice="approve", reason="Sound plan.")
    item.refresh_from_db()
    assert item.outcome == "pending"  # below quorum
    services.vote_cast(actor=majority[1], item=item, choice="approve")
    item.refresh_from_db()
    assert item.outcome == "approved"
    assert "2 to approve" in item.reasons
    assert "Sound plan." in item.reasons
    request.refresh_from_db()
    assert request.state == State.APPROVED
    with pytest.raises(InvalidTransition):
        services.vote_cast(actor=majority[2], item=item, choice="reject")


def test_majority_tie_waits_for_another_vote(researcher, dataset, majority):
    request = submitted(researcher, dataset)
    item = request.items.get()
    services.vote_cast(actor=majority[0], item=item, choice="approve")
    services.vote_cast(actor=majority[1], item=item, choice="reject")
    item.refresh_from_db()
    assert item.outcome == "pending"
    services.vote_cast(actor=majority[2], item=item, choice="reject", reason="Too broad.")
    item.refresh_from_db()
    assert item.outcome == "rejected"


def test_majority_committee_chair_cannot_decide_alone(researcher, dataset, majority):
    request = submitted(researcher, dataset)
    with pytest.raises(InvalidTransition, match="majority vote"):
        services.item_decide(
            actor=majority[0], item=request.items.get(), outcome="approved", reasons="x"
        )


def test_second_vote_by_same_member_refused(researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    item = request.items.get()
    services.vote_cast(actor=member, item=item, choice="approve")
    with pytest.raises(InvalidTransition, match="already voted"):
        services.vote_cast(actor=member, item=item, choice="reject")
    assert Vote.objects.filter(item=item).count() == 1


def test_vote_unique_constraint_counts_a_vote_once(researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    item = request.items.get()
    Vote.objects.create(item=item, voter=member, version=1, choice="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(item=item, voter=member, version=1, choice="reject")
    assert Vote.objects.filter(item=item, voter=member).count() == 1


def test_vote_by_non_member_refused(researcher, dataset, chair, other_chair):
    request = submitted(researcher, dataset)
    with pytest.raises(NotPermitted):
        services.vote_cast(actor=other_chair, item=request.items.get(), choice="approve")


# Conflicts of interest


def test_member_of_requesting_organisation_cannot_vote_or_decide(
    researcher, company, dataset, chair, member
):
    MembershipFactory(person=chair, organisation=company, role="researcher")
    request = submitted(researcher, dataset)
    item = request.items.get()
    with pytest.raises(NotPermitted, match="member of Radiomics Analytics GmbH"):
        services.item_decide(actor=chair, item=item, outcome="approved", reasons="x")
    with pytest.raises(NotPermitted):
        services.vote_cast(actor=chair, item=item, choice="approve")
    review = selectors.item_reviews(chair, request)[0]
    assert review.can_act is False


def test_declared_conflict_blocks_voting(researcher, company, dataset, chair, member):
    services.conflict_declare(actor=member, organisation=company, reason="Former employer")
    assert CommitteeConflict.objects.filter(person=member, organisation=company).exists()
    request = submitted(researcher, dataset)
    with pytest.raises(NotPermitted, match="Former employer"):
        services.vote_cast(actor=member, item=request.items.get(), choice="approve")
    # The chair, without a conflict, still decides.
    services.item_decide(actor=chair, item=request.items.get(), outcome="approved", reasons="ok")


def test_conflict_declaration_only_for_committee_members(alice, company):
    with pytest.raises(NotPermitted):
        services.conflict_declare(actor=alice, organisation=company, reason="x")


# Return, resubmit, versions


def test_return_resubmit_keeps_versions_and_shows_diff(
    researcher, dataset, chair, django_capture_on_commit_callbacks
):
    request = submitted(researcher, dataset)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_return(actor=chair, request=request, reason="Describe the team.")
    request.refresh_from_db()
    assert request.state == State.RETURNED
    assert OutboundEmail.objects.filter(template="access/returned").exists()
    comment = RequestComment.objects.get(request=request)
    assert comment.visibility == "researcher"

    services.request_update(
        actor=researcher,
        request=request,
        data={"team": [{"name": "Jonas Becker", "email": "", "role": "PI"}, {"name": "Ana"}]},
    )
    services.request_submit(actor=researcher, request=request)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert request.version == 2
    assert list(request.versions.values_list("version", flat=True)) == [1, 2]
    diffs = selectors.version_diffs(chair, request)
    assert len(diffs) == 1
    added = [line for kind, line in diffs[0].lines if kind == "add"]
    assert any("Ana" in line for line in added)
    assert actions(request) == [
        "access.request_created",
        "access.request_submitted",
        "access.request_returned",
        "access.request_updated",
        "access.request_submitted",
    ]


def test_votes_count_per_version(researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    services.vote_cast(actor=member, item=request.items.get(), choice="approve")
    services.request_return(actor=chair, request=request, reason="Clarify.")
    services.request_submit(actor=researcher, request=request)
    # A new version: the member votes again.
    services.vote_cast(actor=member, item=request.items.get(), choice="reject")
    assert Vote.objects.filter(voter=member).count() == 2


def test_return_refused_for_non_chair_and_without_reason(researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    with pytest.raises(NotPermitted):
        services.request_return(actor=member, request=request, reason="x")
    with pytest.raises(PortalError, match="what to change"):
        services.request_return(actor=chair, request=request, reason=" ")


def test_return_refused_on_draft(researcher, dataset, chair):
    request = make_request(researcher, dataset)
    with pytest.raises(InvalidTransition):
        services.request_return(actor=chair, request=request, reason="x")


# Withdrawal


@pytest.mark.parametrize("stage", ["draft", "submitted", "returned"])
def test_withdraw_before_decision(researcher, dataset, chair, stage):
    request = make_request(researcher, dataset)
    if stage != "draft":
        services.request_submit(actor=researcher, request=request)
    if stage == "returned":
        services.request_return(actor=chair, request=request, reason="x")
    services.request_withdraw(actor=researcher, request=request)
    request.refresh_from_db()
    assert request.state == State.WITHDRAWN
    with pytest.raises(InvalidTransition):
        services.request_submit(actor=researcher, request=request)


def test_withdraw_refused_after_a_decision(researcher, dataset, other_dataset, chair, other_chair):
    request = submitted(researcher, dataset, other_dataset)
    services.item_decide(
        actor=chair, item=request.items.get(dataset=dataset), outcome="approved", reasons="ok"
    )
    with pytest.raises(InvalidTransition, match="already decided"):
        services.request_withdraw(actor=researcher, request=request)


def test_withdraw_by_someone_else_refused(researcher, other_researcher, dataset):
    request = make_request(researcher, dataset)
    with pytest.raises(NotPermitted):
        services.request_withdraw(actor=other_researcher, request=request)


# Comments


def test_comment_visibility(researcher, dataset, chair, other_dataset, other_chair):
    request = submitted(researcher, dataset, other_dataset)
    services.comment_add(actor=chair, request=request, body="Private note", visibility="committee")
    services.comment_add(actor=chair, request=request, body="Please add X", visibility="researcher")
    assert (
        request.state == State.UNDER_REVIEW
        or AccessRequest.objects.get(pk=request.pk).state == State.UNDER_REVIEW
    )
    bodies = lambda person: [c.body for c in selectors.comments_visible_to(person, request)]  # noqa: E731
    assert bodies(researcher) == ["Please add X"]
    assert bodies(chair) == ["Private note", "Please add X"]
    assert bodies(other_chair) == ["Please add X"]


def test_comment_by_outsider_refused(researcher, dataset, chair, alice):
    request = submitted(researcher, dataset)
    with pytest.raises(NotPermitted):
        services.comment_add(actor=alice, request=request, body="Hi")


# Personal data


def test_personal_data_export_and_erase(researcher, dataset, chair):
    from governance.access import personal_data

    kept = submitted(researcher, dataset, title="Submitted project")
    make_request(researcher, dataset, title="Unsent draft")
    exported = personal_data.export(researcher)
    assert {r["title"] for r in exported["access_requests"]} == {
        "Submitted project",
        "Unsent draft",
    }
    assert personal_data.export(chair)["committee_seats"] == [
        {"committee": "Milan DAC", "is_chair": True}
    ]
    personal_data.erase(researcher)
    personal_data.erase(chair)
    assert list(AccessRequest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not chair.committee_seats.exists()
