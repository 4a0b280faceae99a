"""The access pages: building and submitting a request, the committee's review, the register."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.access import services
from governance.access.models import AccessRequest, Committee
from tests.access.conftest import make_request, submitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(dataset, **overrides) -> dict:
    data = {
        "organisation": "",
        "title": "Nodule malignancy",
        "lay_summary": "Telling harmless lung spots from cancer.",
        "scientific_abstract": "3D CNN on staging CT.",
        "purpose": "DUO:0000006",
        "disease": "",
        "commercial": "on",
        "for_profit": "on",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "team": "Jonas Becker, jonas@example.org, PI\nLena Wagner",
        "public_register_consent": "on",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-dataset": str(dataset.pk),
        "items-0-access_condition": "download",
        "items-0-justification": "",
        "items-1-dataset": "",
        "items-1-access_condition": "",
    }
    data.update(overrides)
    return data


def test_new_request_page_prefills_dataset_from_catalogue(client, researcher, dataset):
    client.force_login(researcher)
    response = client.get(reverse("access:request_new"), {"dataset": dataset.pk})
    assert response.status_code == 200
    assert response.context["items"].forms[0].initial["dataset"] == dataset
    html = response.content.decode()
    assert f'<option value="{dataset.pk}" selected>' in html
    # For-profit is preset from the organisation.
    assert response.context["form"].initial["for_profit"] is True


def test_catalogue_dataset_page_links_researchers_to_request(client, researcher, dataset, alice):
    url = reverse("catalogue:dataset", args=[dataset.pk])
    link = f"{reverse('access:request_new')}?dataset={dataset.pk}"
    client.force_login(researcher)
    assert link in client.get(url).content.decode()
    client.force_login(alice)
    assert link not in client.get(url).content.decode()


def test_new_request_creates_draft_with_team_and_ethics(client, researcher, company, dataset):
    client.force_login(researcher)
    pdf = SimpleUploadedFile("ethics.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF", "application/pdf")
    data = form_data(dataset, organisation=str(company.pk), ethics_file=pdf)
    response = client.post(reverse("access:request_new"), data)
    request = AccessRequest.objects.get(title="Nodule malignancy")
    assert response.status_code == 302
    assert response["Location"] == reverse("access:request", args=[request.pk])
    assert request.state == "draft"
    assert request.team == [
        {"name": "Jonas Becker", "email": "jonas@example.org", "role": "PI"},
        {"name": "Lena Wagner", "email": "", "role": ""},
    ]
    assert request.items.get().dataset == dataset
    assert request.ethics_approval


def test_new_request_rejects_non_pdf_and_condition_not_offered(
    client, researcher, company, holder_org, committee
):
    from tests.access.conftest import requestable
    from tests.catalogue.factories import conditions

    remote_only = requestable(
        holder_org, committee=committee, access_conditions=conditions("remote_processing")
    )
    client.force_login(researcher)
    fake = SimpleUploadedFile("ethics.pdf", b"GIF89a", "application/pdf")
    response = client.post(
        reverse("access:request_new"),
        form_data(remote_only, organisation=str(company.pk), ethics_file=fake),
    )
    assert response.status_code == 200
    assert "ethics.pdf is not a PDF" in response.content.decode()
    assert response.context["form"].errors.as_data()["ethics_file"][0].code == "not_a_pdf"
    response = client.post(
        reverse("access:request_new"), form_data(remote_only, organisation=str(company.pk))
    )
    assert response.status_code == 200
    assert "is not offered for download" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_new_request_page_refused_without_researcher_role(client, alice):
    client.force_login(alice)
    assert client.get(reverse("access:request_new")).status_code == 403


def test_detail_shows_compatibility_and_requires_justification(
    client, researcher, dataset, breast_ds_ncu
):
    request = make_request(researcher, dataset, breast_ds_ncu)
    client.force_login(researcher)
    response = client.get(reverse("access:request", args=[request.pk]))
    html = response.content.decode()
    assert "Compatible" in html and "Incompatible" in html
    assert "The dataset is for non-commercial use only" in html
    assert "Explain in the request why" in html
    response = client.post(reverse("access:request_submit", args=[request.pk]), follow=True)
    assert f"“{breast_ds_ncu.title}” does not fit" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "draft"


def test_a_draft_shows_no_outcome_until_it_is_submitted(client, researcher, dataset):
    draft = make_request(researcher, dataset)
    sent = submitted(researcher, dataset, title="Sent")
    client.force_login(researcher)

    draft_page = client.get(reverse("access:request", args=[draft.pk])).content.decode()
    sent_page = client.get(reverse("access:request", args=[sent.pk])).content.decode()

    assert "Outcome" not in draft_page and "Pending" not in draft_page
    assert "Outcome</dt>" in sent_page and "Pending" in sent_page


def test_submit_and_decide_through_pages(client, researcher, dataset, chair):
    request = make_request(researcher, dataset)
    client.force_login(researcher)
    response = client.post(reverse("access:request_submit", args=[request.pk]), follow=True)
    assert "The request is submitted" in response.content.decode()

    client.force_login(chair)
    page = client.get(reverse("access:request", args=[request.pk]))
    assert "Record the decision" in page.content.decode()
    item = request.items.get()
    response = client.post(
        reverse("access:item_decide", args=[request.pk, item.pk]),
        {f"decide-{item.pk}-outcome": "approved", f"decide-{item.pk}-reasons": "Fits."},
        follow=True,
    )
    assert "The decision on" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "approved"


def test_decide_without_reasons_shows_error(client, researcher, dataset, chair):
    request = submitted(researcher, dataset)
    item = request.items.get()
    client.force_login(chair)
    response = client.post(
        reverse("access:item_decide", args=[request.pk, item.pk]),
        {f"decide-{item.pk}-outcome": "approved"},
        follow=True,
    )
    assert "give the reasons" in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == "pending"


def test_conflicted_member_sees_reason_and_no_vote_form(
    client, researcher, company, dataset, chair, member
):
    services.conflict_declare(actor=member, organisation=company, reason="Advisory board")
    request = submitted(researcher, dataset)
    client.force_login(member)
    html = client.get(reverse("access:request", args=[request.pk])).content.decode()
    assert "You declared a conflict of interest with Radiomics Analytics GmbH" in html
    assert "Cast the vote" not in html


def test_vote_and_return_and_comment_through_pages(client, researcher, dataset, chair, member):
    request = submitted(researcher, dataset)
    item = request.items.get()
    client.force_login(member)
    client.post(
        reverse("access:item_vote", args=[request.pk, item.pk]),
        {f"vote-{item.pk}-choice": "approve", f"vote-{item.pk}-reason": "ok"},
    )
    assert item.votes.get().voter == member
    client.post(
        reverse("access:comment_add", args=[request.pk]),
        {"body": "Internal remark", "visibility": "committee"},
    )
    client.force_login(chair)
    client.post(reverse("access:request_return", args=[request.pk]), {"reason": "Add the IRB."})
    request.refresh_from_db()
    assert request.state == "returned"

    client.force_login(researcher)
    html = client.get(reverse("access:request", args=[request.pk])).content.decode()
    assert "Add the IRB." in html
    assert "Internal remark" not in html


# Who may see a request


@pytest.fixture
def personas(researcher, other_researcher, chair, other_chair, holder, staff_with_mfa):
    return {
        "researcher": researcher,
        "other_researcher": other_researcher,
        "chair": chair,
        "other_committee": other_chair,
        "holder": holder,
        "staff": staff_with_mfa,
        "anonymous": None,
    }


PAGE_MATRIX = {
    "researcher": 200,
    "chair": 200,
    "staff": 200,
    "other_researcher": 404,
    "other_committee": 404,
    "holder": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX.items())
def test_request_page_permissions(client, personas, dataset, who, status):
    request = submitted(personas["researcher"], dataset)
    if personas[who] is not None:
        client.force_login(personas[who])
    response = client.get(reverse("access:request", args=[request.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX.items())
def test_ethics_file_permissions(client, personas, dataset, who, status):
    request = make_request(personas["researcher"], dataset)
    services.request_update(
        actor=personas["researcher"],
        request=request,
        data={},
        ethics_approval=SimpleUploadedFile("e.pdf", b"%PDF-1.4 ethics"),
    )
    services.request_submit(actor=personas["researcher"], request=request)
    if personas[who] is not None:
        client.force_login(personas[who])
    response = client.get(reverse("access:ethics_file", args=[request.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_committee_does_not_see_drafts(client, researcher, dataset, chair):
    request = make_request(researcher, dataset)
    client.force_login(chair)
    assert client.get(reverse("access:request", args=[request.pk])).status_code == 404


def test_other_committees_item_is_404_for_vote(
    client, researcher, dataset, other_dataset, chair, other_chair
):
    request = submitted(researcher, dataset, other_dataset)
    theirs = request.items.get(dataset=other_dataset)
    client.force_login(chair)
    html = client.get(reverse("access:request", args=[request.pk])).content.decode()
    assert dataset.title in html
    assert other_dataset.title not in html
    response = client.post(
        reverse("access:item_vote", args=[request.pk, theirs.pk]),
        {f"vote-{theirs.pk}-choice": "approve"},
    )
    assert response.status_code == 404


def test_someone_else_cannot_submit_or_withdraw(client, researcher, other_researcher, dataset):
    request = make_request(researcher, dataset)
    client.force_login(other_researcher)
    assert client.post(reverse("access:request_submit", args=[request.pk])).status_code == 404
    assert client.post(reverse("access:request_withdraw", args=[request.pk])).status_code == 404
    assert client.get(reverse("access:request_edit", args=[request.pk])).status_code == 404


def test_edit_page_for_draft(client, researcher, dataset):
    request = make_request(researcher, dataset)
    client.force_login(researcher)
    response = client.post(
        reverse("access:request_edit", args=[request.pk]),
        form_data(dataset, title="Renamed", organisation=""),
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Renamed"


# Lists


@pytest.mark.parametrize("count", [1, 3])
def test_request_list_query_count(client, researcher, dataset, django_assert_num_queries, count):
    for number in range(count):
        make_request(researcher, dataset, title=f"Project {number}")
    client.force_login(researcher)
    # session, user, roles, committee seats, count, "may request", page, items (the menu asks
    # the rules themselves, not Django's permission tables)
    with django_assert_num_queries(10):
        response = client.get(reverse("access:requests"))
    assert len(response.context["page"].object_list) == count


def test_request_list_for_committee_shows_only_submitted_touching_it(
    client, researcher, dataset, other_dataset, chair, other_chair
):
    make_request(researcher, dataset, title="Still a draft")
    submitted(researcher, dataset, title="Mine to review")
    submitted(researcher, other_dataset, title="Lisbon only")
    client.force_login(chair)
    titles = [r.title for r in client.get(reverse("access:requests")).context["page"]]
    assert titles == ["Mine to review"]


# The public register


def test_register_public_shows_only_consented_approved(client, researcher, dataset, chair):
    shown = submitted(researcher, dataset, title="Shown project")
    services.item_decide(actor=chair, item=shown.items.get(), outcome="approved", reasons="ok")
    hidden = submitted(researcher, dataset, title="Pending project")
    rejected = submitted(researcher, dataset, title="Rejected project")
    services.item_decide(actor=chair, item=rejected.items.get(), outcome="rejected", reasons="no")
    no_consent = submitted(researcher, dataset, title="Quiet project")
    AccessRequest.objects.filter(pk=no_consent.pk).update(public_register_consent=False)
    services.item_decide(actor=chair, item=no_consent.items.get(), outcome="approved", reasons="ok")

    response = client.get(reverse("access:register"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Shown project" in html
    assert shown.lay_summary in html
    assert "Radiomics Analytics GmbH" in html
    assert dataset.title in html
    for title in ("Pending project", "Rejected project", "Quiet project"):
        assert title not in html
    assert hidden.scientific_abstract not in html
    assert "Jonas Becker" not in html  # the team is not public


@pytest.mark.parametrize("count", [1, 3])
def test_register_query_count(client, researcher, dataset, chair, django_assert_num_queries, count):
    for number in range(count):
        request = submitted(researcher, dataset, title=f"Approved {number}")
        services.item_decide(
            actor=chair, item=request.items.get(), outcome="approved", reasons="ok"
        )
    # count, page, approved items with datasets
    with django_assert_num_queries(3):
        response = client.get(reverse("access:register"))
    assert len(response.context["page"].object_list) == count


# Committees


def test_staff_creates_committee_and_adds_chair(client, staff_with_mfa, holder_org, dataset):
    client.force_login(staff_with_mfa)
    response = client.post(
        reverse("access:committee_new"),
        {
            "name": "Federation DAC",
            "organisation": "",
            "contact_email": "dac@example.org",
            "decision_rule": "majority",
            "quorum": "2",
            "reminder_days": "5",
            "datasets": [dataset.pk],
        },
    )
    committee = Committee.objects.get(name="Federation DAC")
    assert response.status_code == 302
    assert committee.organisation is None
    assert list(committee.datasets.all()) == [dataset]
    person = UserFactory(email="new-member@example.org")
    client.post(
        reverse("access:member_add", args=[committee.pk]),
        {"email": "new-member@example.org", "is_chair": "on"},
    )
    assert committee.members.get().person == person
    assert committee.members.get().is_chair


def test_committee_pages_refused_to_non_staff(client, chair, committee, other_chair):
    client.force_login(chair)
    assert client.get(reverse("access:committee", args=[committee.pk])).status_code == 200
    assert client.get(reverse("access:committee_new")).status_code == 403
    client.force_login(other_chair)
    assert client.get(reverse("access:committee", args=[committee.pk])).status_code == 404


def test_dashboard_sections(client, researcher, dataset, chair):
    submitted(researcher, dataset, title="Waiting for Milan")
    make_request(researcher, dataset, title="My draft")
    client.force_login(researcher)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Your access requests" in html
    assert "My draft" in html and "check compatibility and submit it" in html
    client.force_login(chair)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Access requests to review" in html
    assert "waiting for your decision" in html


@pytest.mark.parametrize("count", [1, 3])
def test_committee_list_query_count(
    client, staff_with_mfa, holder_org, django_assert_num_queries, count
):
    from tests.agreements.factories import CommitteeFactory

    for _ in range(count):
        CommitteeFactory(organisation=holder_org)
    client.force_login(staff_with_mfa)
    # session, user, roles (staff, MFA check), committees, their datasets, one more for the menu
    with django_assert_num_queries(7):
        response = client.get(reverse("access:committees"))
    assert len(response.context["committees"]) == count
