import json
import re

import pytest
from django_countries import countries

from governance.calls.models import Call, Proposal
from tests.calls.factories import (
    make_draft,
    make_submitted,
    make_under_review,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def test_call_page_shows_times_in_brussels_utc_and_chosen_zone(client, call):
    response = client.get(f"/calls/{call.pk}/", {"tz": "America/New_York"})

    html = response.content.decode()
    assert "(Brussels)" in html and "UTC" in html and "(America/New_York)" in html
    assert '<time datetime="' in html
    assert "<strong>now</strong>" in html  # Markdown rendered


def test_call_page_bad_zone_ignored(client, call):
    response = client.get(f"/calls/{call.pk}/", {"tz": "Mars/Olympus"})

    assert response.status_code == 200
    assert "Mars/Olympus" not in response.content.decode()


def test_call_description_sanitised(client, call):
    call.description = "Hi <script>alert(1)</script> [x](javascript:alert(1))"
    call.save()

    html = client.get(f"/calls/{call.pk}/").content.decode()

    assert "<script>alert" not in html
    assert "javascript:" not in html


def test_unpublished_call_hidden_from_visitors(client, call):
    call.is_published = False
    call.save()

    assert client.get(f"/calls/{call.pk}/").status_code == 404


def test_call_create_page_by_chair(client, chair):
    client.force_login(chair)
    from governance.calls.defaults import DEFAULT_CONFIGURATION

    response = client.post(
        "/calls/new/",
        {
            "title": "Paediatric call",
            "summary": "Neuroblastoma and DIPG",
            "description": "",
            "opens_at": "2030-03-01T09:00",
            "deadline": "2030-03-30T12:00",  # Brussels summer time from 31 March 2030
            "evaluators_per_proposal": "3",
            "scale_min": "0",
            "scale_max": "10",
            "eligible_countries_text": "ES IT NO",
            "configuration": json.dumps(DEFAULT_CONFIGURATION),
        },
        follow=True,
    )

    call = Call.objects.get(title="Paediatric call")
    assert response.status_code == 200
    assert call.deadline.utcoffset() is not None
    assert call.deadline.isoformat() == "2030-03-30T11:00:00+00:00"
    assert call.eligible_countries == ["ES", "IT", "NO"]
    assert call.chairs.get() == chair


def test_call_create_bad_configuration(client, chair):
    client.force_login(chair)

    response = client.post(
        "/calls/new/",
        {
            "title": "X",
            "summary": "Y",
            "opens_at": "2030-03-01T09:00",
            "deadline": "2030-03-30T12:00",
            "evaluators_per_proposal": "2",
            "scale_min": "0",
            "scale_max": "5",
            "configuration": "{not json",
        },
    )

    assert "This is not valid JSON" in response.content.decode()
    assert not Call.objects.filter(title="X").exists()


def test_proposal_start_edit_upload_submit_pages(client, call, applicant, applicant_org):
    client.force_login(applicant)
    track = call.tracks.get(kind="data_holder")
    response = client.post(
        f"/calls/{call.pk}/apply/",
        {"title": "Breast MRI", "track": track.pk, "organisation": applicant_org.pk},
    )
    proposal = Proposal.objects.get()
    assert response.url.endswith(f"/calls/proposals/{proposal.pk}/edit/")

    bad = client.post(
        f"/calls/proposals/{proposal.pk}/edit/",
        {"title": "Breast MRI", "q_subjects": "lots", "q_dpo_letter": upload("dpo.pdf", b"fake")},
    )
    assert "Enter a number." in bad.content.decode()

    client.post(
        f"/calls/proposals/{proposal.pk}/edit/",
        {"title": "Breast MRI", "q_summary": "Data", "q_modality": "MRI"},
    )
    proposal.refresh_from_db()
    assert proposal.answers == {"summary": "Data", "modality": "MRI"}
    detail = client.get(f"/calls/proposals/{proposal.pk}/").content.decode()
    assert "Answer “Number of subjects”." in detail
    assert "an eligible country" in detail

    done = client.post(
        f"/calls/proposals/{proposal.pk}/edit/",
        {
            "title": "Breast MRI",
            "q_summary": "Data",
            "q_modality": "MRI",
            "q_subjects": "300",
            "q_country": "ES",
            "q_federated_only": "yes",
            "q_dpo_letter": upload("dpo.pdf", pdf_bytes()),
            "submit": "1",
        },
        follow=True,
    )
    assert "Your proposal is submitted." in done.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    assert "dpo.pdf" in done.content.decode()


def test_a_number_answer_reads_as_an_integer_on_every_page(client, call, applicant):
    proposal = make_draft(call, applicant, answers={"subjects": "8E+2"})  # as older code stored it
    client.force_login(applicant)

    edit = client.get(f"/calls/proposals/{proposal.pk}/edit/").content.decode()
    detail = client.get(f"/calls/proposals/{proposal.pk}/").content.decode()

    assert 'name="q_subjects" value="800"' in edit
    assert "from 1 to 10,000,000" in edit
    assert "<dd>800</dd>" in detail
    assert "8E+2" not in edit + detail and "1E+7" not in edit


def test_a_number_answer_is_written_and_read_back_the_spanish_way(client, call, applicant):
    proposal = make_draft(call, applicant, answers={})
    client.force_login(applicant)

    client.post(
        f"/es/calls/proposals/{proposal.pk}/edit/", {"title": proposal.title, "q_subjects": "1,5"}
    )
    proposal.refresh_from_db()
    edit = client.get(f"/es/calls/proposals/{proposal.pk}/edit/").content.decode()

    assert proposal.answers["subjects"] == "1.5"
    assert 'name="q_subjects" value="1,5"' in edit
    assert "10.000.000" in edit


def test_a_draft_is_offered_to_be_discarded_not_withdrawn(client, call, applicant):
    proposal = make_draft(call, applicant)
    client.force_login(applicant)

    page = client.get(f"/calls/proposals/{proposal.pk}/").content.decode()
    assert "Discard the draft" in page
    assert "Withdraw the proposal" not in page

    done = client.post(f"/calls/proposals/{proposal.pk}/withdraw/", follow=True)
    assert "The draft is discarded." in done.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn"
    assert "Discard the draft" not in done.content.decode()


def test_a_submitted_proposal_is_offered_to_be_withdrawn(client, call, applicant):
    proposal = make_submitted(call, applicant)
    client.force_login(applicant)

    page = client.get(f"/calls/proposals/{proposal.pk}/").content.decode()

    assert "Withdraw the proposal" in page
    assert "Discard the draft" not in page


def test_decisions_page_bulk_stage(client, call, applicant, chair, evaluator1):
    proposals = [
        make_under_review(call, applicant, chair, [evaluator1], title=f"P{i}") for i in range(2)
    ]
    client.force_login(chair)

    response = client.post(
        f"/calls/{call.pk}/decisions/",
        {
            "proposals": [p.pk for p in proposals],
            "outcome": "reject",
            "reason": "Out of scope",
            "confirmed": "yes",  # their reviews are missing: tests/calls/test_confirmations.py
        },
        follow=True,
    )

    assert "2 decision(s) staged." in response.content.decode()


def test_call_dashboard_highlights_under_represented(client, call, applicant, chair, evaluator1):
    make_under_review(call, applicant, chair, [evaluator1])
    client.force_login(chair)

    html = client.get(f"/calls/{call.pk}/dashboard/").content.decode()

    assert "Spain" in html
    assert "under-represented" in html
    assert "<svg" in html


def test_draft_page_of_another_organisation_404(client, call, applicant, other_applicant):
    proposal = make_draft(call, applicant)
    client.force_login(other_applicant)

    assert client.get(f"/calls/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/calls/proposals/{proposal.pk}/submit/").status_code == 404


def test_call_dashboard_summary_and_charts_agree(client, call, applicant, other_applicant, chair):
    """The count above the charts is what the per-state chart adds up to and what the chair's
    proposal list holds; drafts are counted apart, in no chart; every eligible country is listed
    and every under-represented one is drawn in orange."""
    from governance.calls import selectors

    make_submitted(call, applicant, title="First")
    make_submitted(call, other_applicant, title="Second")
    make_draft(call, applicant, title="Still a draft")
    report = selectors.call_report(call)

    listed = selectors.proposals_visible_to(chair).filter(call=call).count()
    assert report.total == sum(n for _label, n in report.by_state) == listed == 2
    assert report.drafts == 1
    assert "Draft" not in [label for label, _n in report.by_state]
    assert {name for name, _n, _h in report.by_country} == {
        str(countries.name(code)) for code in call.eligible_countries
    }

    client.force_login(chair)
    html = client.get(f"/calls/{call.pk}/dashboard/").content.decode()
    assert "2 proposals submitted." in html
    assert "1 more is still a draft" in html
    rows = re.findall(r"<g>(.*?)</g>", html, re.S)
    under = [row for row in rows if "(under-represented)" in row]
    assert under and all('fill="#b35c00"' in row for row in under)
    assert "in orange" in html


def test_call_page_writes_a_criterion_weight_out(client, call):
    call.criteria.filter(name="Excellence").update(weight=10)

    page = client.get(f"/calls/{call.pk}/").content.decode()

    assert '<th scope="row">Excellence</th><td>10</td>' in page
