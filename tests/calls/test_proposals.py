from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.calls import services
from governance.calls.answers import InvalidAnswer
from governance.calls.models import PROPOSAL_MACHINE, Attachment, Proposal
from governance.core.errors import DeadlinePassed, InvalidTransition, NotPermitted, PortalError
from governance.notifications.models import OutboundEmail
from tests.calls.factories import (
    PNG,
    make_call,
    make_draft,
    make_submitted,
    pdf_bytes,
    upload,
)
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


def test_proposal_create_for_own_organisation(call, applicant, applicant_org):
    proposal = services.proposal_create(
        actor=applicant,
        call=call,
        track=call.tracks.get(kind="data_holder"),
        organisation=applicant_org,
        title="Breast MRI",
    )

    assert proposal.state == "draft"
    assert AuditEvent.objects.filter(action="calls.proposal_created", object_id=proposal.pk)


def test_proposal_create_for_another_organisation_refused(call, applicant, other_applicant):
    other_org = other_applicant.memberships.get().organisation

    with pytest.raises(NotPermitted):
        services.proposal_create(
            actor=applicant,
            call=call,
            track=call.tracks.first(),
            organisation=other_org,
            title="Not ours",
        )


def test_proposal_save_partial_answers_kept(call, applicant):
    proposal = make_draft(call, applicant, answers={})

    services.proposal_save(actor=applicant, proposal=proposal, answers={"summary": "First words"})
    services.proposal_save(actor=applicant, proposal=proposal, answers={"subjects": "12"})

    proposal.refresh_from_db()
    assert proposal.answers == {"summary": "First words", "subjects": "12"}


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("800", "800"),
        (800, "800"),
        ("8E+2", "800"),
        ("2.50", "2.50"),
        ("1E-0", "1"),
        ("1.0000001", "1.0000001"),
    ],
)
def test_proposal_save_keeps_a_number_without_an_exponent(call, applicant, given, stored):
    proposal = make_draft(call, applicant, answers={})

    services.proposal_save(actor=applicant, proposal=proposal, answers={"subjects": given})

    proposal.refresh_from_db()
    assert proposal.answers == {"subjects": stored}


def test_proposal_save_names_the_bound_as_a_number(call, applicant):
    proposal = make_draft(call, applicant, answers={})

    with pytest.raises(InvalidAnswer) as error:
        services.proposal_save(actor=applicant, proposal=proposal, answers={"subjects": "2e7"})

    assert error.value.errors == {"subjects": "At most 10,000,000."}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("summary", "x" * 2001, "At most 2000 characters"),
        ("modality", "Histology", "Choose one of"),
        ("subjects", "0", "At least 1"),
        ("subjects", "many", "Enter a number"),
        ("country", "XX", "Choose a country"),
        ("federated_only", "maybe", "Answer yes or no"),
        ("nonsense", "1", "no such question"),
    ],
)
def test_proposal_save_typed_answer_refused(call, applicant, key, value, message):
    proposal = make_draft(call, applicant, answers={})

    with pytest.raises(InvalidAnswer, match=message) as error:
        services.proposal_save(actor=applicant, proposal=proposal, answers={key: value})

    assert key in error.value.errors


def test_proposal_save_file_answer_stored_outside_web_root(call, applicant, settings):
    proposal = make_draft(call, applicant)

    services.proposal_save(
        actor=applicant, proposal=proposal, files={"dpo_letter": upload("dpo.pdf", pdf_bytes())}
    )

    attachment = Attachment.objects.get(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.answers["dpo_letter"] == attachment.pk
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert not attachment.file.name.endswith(".pdf")  # the stored name is random


def test_proposal_save_file_of_wrong_type_refused(call, applicant):
    proposal = make_draft(call, applicant)

    with pytest.raises(InvalidAnswer, match="only a PDF is accepted here"):
        services.proposal_save(
            actor=applicant, proposal=proposal, files={"dpo_letter": upload("dpo.png", PNG)}
        )
    assert not Attachment.objects.exists()


def test_proposal_save_by_another_organisation_refused(call, applicant, other_applicant):
    proposal = make_draft(call, applicant)

    with pytest.raises(NotPermitted):
        services.proposal_save(actor=other_applicant, proposal=proposal, answers={"summary": "x"})


def test_proposal_submit_freezes_snapshot_with_hashes(call, applicant):
    proposal = make_draft(call, applicant)
    services.proposal_save(
        actor=applicant, proposal=proposal, files={"dpo_letter": upload("dpo.pdf", pdf_bytes())}
    )

    proposal = services.proposal_submit(actor=applicant, proposal=proposal)

    assert proposal.state == "submitted"
    attachment = Attachment.objects.get()
    assert proposal.snapshot["answers"]["summary"] == "Breast MRI from routine practice."
    assert proposal.snapshot["attachments"][0]["sha256"] == attachment.sha256
    assert any("applicant@example.org" in e.to for e in OutboundEmail.objects.all())
    with pytest.raises(InvalidTransition, match="frozen"):
        services.proposal_save(actor=applicant, proposal=proposal, answers={"summary": "changed"})


def test_proposal_submit_incomplete_refused(call, applicant):
    proposal = make_draft(call, applicant, answers={"summary": "Only this"})

    with pytest.raises(PortalError, match="Answer “Main imaging modality”") as error:
        services.proposal_submit(actor=applicant, proposal=proposal)

    assert error.value.code == "incomplete"


def test_proposal_submit_ineligible_country_refused(call):
    organisation = OrganisationFactory(name="Boston", country="US")
    person = MembershipFactory(role="applicant", organisation=organisation).person
    proposal = make_draft(call, person, organisation=organisation)

    with pytest.raises(PortalError, match="neither an EU member state"):
        services.proposal_submit(actor=person, proposal=proposal)


def test_proposal_submit_ineligible_organisation_type_refused(call):
    organisation = OrganisationFactory(
        name="Patients", country="BE", provider_type="patient_organisation"
    )
    person = MembershipFactory(role="applicant", organisation=organisation).person
    proposal = make_draft(call, person, organisation=organisation)

    with pytest.raises(PortalError, match="this track is open to"):
        services.proposal_submit(actor=person, proposal=proposal)


def test_proposal_submit_twice_refused(call, applicant):
    proposal = make_submitted(call, applicant)

    with pytest.raises(InvalidTransition) as refused:
        services.proposal_submit(actor=applicant, proposal=proposal)

    assert refused.value.detail == (
        "“Submit” is not possible: the status of this proposal is “Submitted”. "
        "From here you can: “Start the review” or “Withdraw”."
    )


def _refused_twice_in_spanish(client, proposal, applicant) -> tuple[str, str]:
    """What the page and the API tell an applicant who submits again, asking in Spanish."""
    client.force_login(applicant)
    page = client.post(f"/es/calls/proposals/{proposal.pk}/submit/", follow=True)
    api = APIClient()
    api.force_authenticate(applicant)
    answer = api.post(f"/api/v1/proposals/{proposal.pk}/submit/", HTTP_ACCEPT_LANGUAGE="es")
    assert answer.status_code == 409
    return page.content.decode(), answer.json()["detail"]


def test_proposal_submit_twice_refused_in_spanish_names_the_state_in_spanish(
    client, call, applicant
):
    page, detail = _refused_twice_in_spanish(client, make_submitted(call, applicant), applicant)

    assert "Presentada" in detail and "Submitted" not in detail
    assert detail in page  # the page says what the API says, in the same language


def test_proposal_submit_twice_refused_in_spanish_is_one_spanish_sentence(client, call, applicant):
    # Needs the Spanish catalogue compiled with this refusal's sentences (make messages).
    page, detail = _refused_twice_in_spanish(client, make_submitted(call, applicant), applicant)
    spanish = (
        "«Presentar» no es posible: el estado de esta propuesta es «Presentada». "
        "Desde aquí puede: «Iniciar la evaluación» o «Retirar»."
    )

    assert detail == spanish
    assert spanish in page


# The deadline, to the second and across daylight-saving time


def _call_with_deadline(chair, deadline):
    return make_call(
        title=f"Call {deadline.isoformat()}",
        opens_at=deadline - timedelta(days=60),
        deadline=deadline,
        chair=chair,
    )


def test_proposal_submit_one_second_before_deadline_accepted(chair, applicant):
    deadline = datetime(2024, 6, 10, 23, 59, tzinfo=BRUSSELS)
    call = _call_with_deadline(chair, deadline)
    proposal = make_draft(call, applicant)

    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        proposal = services.proposal_submit(actor=applicant, proposal=proposal)

    assert proposal.state == "submitted"


def test_proposal_submit_one_second_after_deadline_refused(chair, applicant):
    deadline = datetime(2024, 6, 10, 23, 59, tzinfo=BRUSSELS)
    call = _call_with_deadline(chair, deadline)
    proposal = make_draft(call, applicant)

    with (
        time_machine.travel(deadline + timedelta(seconds=1), tick=False),
        pytest.raises(DeadlinePassed) as error,
    ):
        services.proposal_submit(actor=applicant, proposal=proposal)

    assert error.value.code == "deadline_passed"
    proposal.refresh_from_db()
    assert proposal.state == "draft"


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (1, False)])
def test_proposal_submit_deadline_on_dst_day(chair, applicant, offset, accepted):
    # Summer time begins at 02:00 on 30 March 2025: noon in Brussels is 10:00 UTC, not 11:00.
    deadline = datetime(2025, 3, 30, 12, 0, tzinfo=BRUSSELS)
    assert deadline.astimezone(UTC).hour == 10
    call = _call_with_deadline(chair, deadline)
    proposal = make_draft(call, applicant)

    with time_machine.travel(
        datetime(2025, 3, 30, 10, 0, tzinfo=UTC) + timedelta(seconds=offset), tick=False
    ):
        if accepted:
            assert services.proposal_submit(actor=applicant, proposal=proposal).state == "submitted"
        else:
            with pytest.raises(DeadlinePassed):
                services.proposal_submit(actor=applicant, proposal=proposal)


def test_proposal_save_after_deadline_refused(chair, applicant):
    deadline = datetime(2025, 10, 26, 2, 30, tzinfo=BRUSSELS)  # in the repeated autumn hour
    call = _call_with_deadline(chair, deadline)
    proposal = make_draft(call, applicant)

    with (
        time_machine.travel(deadline + timedelta(hours=1), tick=False),
        pytest.raises(DeadlinePassed),
    ):
        services.proposal_save(actor=applicant, proposal=proposal, answers={"summary": "late"})


# Withdrawal


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review"])
def test_proposal_withdraw_before_decision(call, applicant, state):
    proposal = make_draft(call, applicant)
    Proposal.objects.filter(pk=proposal.pk).update(state=state)

    proposal = services.proposal_withdraw(
        actor=applicant, proposal=proposal, reason="Changed plans"
    )

    assert proposal.state == "withdrawn"
    assert proposal.withdrawn_at is not None


@pytest.mark.parametrize(
    "state", ["accepted", "rejected", "waitlisted", "withdrawn", "onboarding", "onboarded"]
)
def test_proposal_withdraw_after_decision_refused(call, applicant, state):
    proposal = make_draft(call, applicant)
    Proposal.objects.filter(pk=proposal.pk).update(state=state)

    with pytest.raises(InvalidTransition):
        services.proposal_withdraw(actor=applicant, proposal=proposal)


def test_proposal_machine_table_matches_spec():
    table = {
        name: (sorted(t.sources), t.target) for name, t in PROPOSAL_MACHINE.transitions.items()
    }

    assert table == {
        "submit": (["draft"], "submitted"),
        "start_review": (["submitted"], "under_review"),
        "accept": (["under_review", "waitlisted"], "accepted"),
        "reject": (["under_review", "waitlisted"], "rejected"),
        "waitlist": (["under_review"], "waitlisted"),
        "withdraw": (["draft", "submitted", "under_review"], "withdrawn"),
        "start_onboarding": (["accepted"], "onboarding"),
        "complete_onboarding": (["onboarding"], "onboarded"),
    }
    for state in ("rejected", "withdrawn", "onboarded"):
        assert PROPOSAL_MACHINE.is_final(state)


def test_proposal_create_before_opening_refused(chair, applicant, applicant_org):
    from django.utils import timezone

    call = make_call(
        title="Future",
        opens_at=timezone.now() + timedelta(days=3),
        deadline=timezone.now() + timedelta(days=30),
        chair=chair,
    )

    with pytest.raises(InvalidTransition, match="opens on"):
        services.proposal_create(
            actor=applicant,
            call=call,
            track=call.tracks.first(),
            organisation=applicant_org,
            title="Early",
        )


def test_a_calls_configuration_writes_its_bounds_out(call):
    tracks = services.configuration_of(call)["tracks"]
    questions = {q["key"]: q for track in tracks for q in track["questions"]}

    assert (questions["subjects"]["min_value"], questions["subjects"]["max_value"]) == (
        "1",
        "10000000",
    )
