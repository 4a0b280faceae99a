import pytest
from django.urls import reverse

from governance.consent.services import record_withdraw
from tests.catalogue.factories import DatasetFactory
from tests.consent.factories import ConsentRecordFactory
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db


def _records(dataset, form, count, prefix="SUBJ"):
    return [
        ConsentRecordFactory(dataset=dataset, form=form, pseudonym=f"{prefix}-{n:04d}")
        for n in range(count)
    ]


def test_overview_lists_the_holders_datasets_with_counts(client, holder, dataset, consent_form):
    records = _records(dataset, consent_form, 3)
    record_withdraw(
        actor=holder, record=records[0], withdrawn_on=records[0].given_on, scope="future_use"
    )
    DatasetFactory(title="Somebody else's cohort")
    client.force_login(holder)

    response = client.get(reverse("consent:overview"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Breast MRI cohort" in html
    assert "Somebody else" not in html
    listed = response.context["datasets"][0]
    assert (listed.given, listed.withdrawn) == (2, 1)
    assert "SUBJ-0000" in html  # under recent withdrawals


def test_overview_sends_patient_organisations_to_the_figures(client, patient_rep):
    client.force_login(patient_rep)

    response = client.get(reverse("consent:overview"))

    assert response.status_code == 302
    assert response.url == reverse("consent:figures")


def test_overview_is_404_for_a_researcher(client):
    client.force_login(person_with_role("researcher"))

    assert client.get(reverse("consent:overview")).status_code == 404


def test_dataset_page_shows_counts_chart_and_records(client, holder, dataset, consent_form):
    records = _records(dataset, consent_form, 3)
    record_withdraw(
        actor=holder, record=records[1], withdrawn_on=records[1].given_on, scope="future_use"
    )
    client.force_login(holder)

    response = client.get(reverse("consent:dataset", args=[dataset.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.given, counts.withdrawn) == (2, 1)
    assert [(row.form, row.given, row.withdrawn) for row in counts.by_form] == [
        (consent_form, 2, 1)
    ]
    assert "<svg" in html and "Withdrawals per month" in html
    assert "SUBJ-0002" in html


def test_dataset_page_filters_by_status(client, holder, dataset, consent_form):
    records = _records(dataset, consent_form, 3)
    record_withdraw(
        actor=holder, record=records[1], withdrawn_on=records[1].given_on, scope="future_use"
    )
    client.force_login(holder)

    response = client.get(reverse("consent:dataset", args=[dataset.pk]), {"status": "withdrawn"})

    assert [r.pseudonym for r in response.context["page"].object_list] == ["SUBJ-0001"]


@pytest.mark.parametrize("count", [1, 3])
def test_dataset_page_query_count(
    client, holder, dataset, consent_form, count, django_assert_num_queries
):
    _records(dataset, consent_form, count)
    client.force_login(holder)
    client.get(reverse("consent:dataset", args=[dataset.pk]))  # session and caches warm

    # session, user, roles, holder orgs, dataset, counts, forms, chart, list count, list page;
    # the holder organisations are read once for every context (issue 16)
    with django_assert_num_queries(13):
        response = client.get(reverse("consent:dataset", args=[dataset.pk]))
    assert response.context["page"].paginator.count == count


def test_dataset_page_of_another_holder_is_404(client, other_holder, dataset, consent_form):
    _records(dataset, consent_form, 1)
    client.force_login(other_holder)

    assert client.get(reverse("consent:dataset", args=[dataset.pk])).status_code == 404


def test_record_page_of_another_holder_is_404(client, other_holder, dataset, consent_form):
    [record] = _records(dataset, consent_form, 1)
    client.force_login(other_holder)

    assert client.get(reverse("consent:record", args=[record.pk])).status_code == 404


def test_staff_see_every_dataset(client, staff_with_mfa, dataset, consent_form):
    [record] = _records(dataset, consent_form, 1)
    client.force_login(staff_with_mfa)

    assert client.get(reverse("consent:record", args=[record.pk])).status_code == 200


def test_history_shows_every_record_of_the_pseudonym(client, holder, holder_org, consent_form):
    first = DatasetFactory(custodian=holder_org, title="Breast MRI")
    second = DatasetFactory(custodian=holder_org, title="Lung CT")
    foreign = DatasetFactory(title="Foreign cohort")
    for dataset in (first, second):
        ConsentRecordFactory(dataset=dataset, form=consent_form, pseudonym="SUBJ-0042")
    ConsentRecordFactory(dataset=foreign, pseudonym="SUBJ-0042")
    record_withdraw(
        actor=holder,
        record=second.consent_records.get(),
        withdrawn_on=second.consent_records.get().given_on,
        scope="removal",
    )
    client.force_login(holder)

    response = client.get(reverse("consent:history"), {"pseudonym": "SUBJ-0042"})

    html = response.content.decode()
    assert [r.dataset.title for r in response.context["records"]] == ["Breast MRI", "Lung CT"]
    assert "Foreign cohort" not in html
    assert "withdrawn on" in html


def test_record_create_page_saves_a_record(client, holder, dataset, consent_form):
    client.force_login(holder)

    response = client.post(
        reverse("consent:record_create", args=[dataset.pk]),
        {
            "pseudonym": "SUBJ-0100",
            "form": consent_form.pk,
            "given_on": "2024-02-01",
            "scope": "all_uses",
        },
    )

    record = dataset.consent_records.get()
    assert response.status_code == 302
    assert response.url == reverse("consent:record", args=[record.pk])


def test_record_create_page_refuses_an_identifier(client, holder, dataset, consent_form):
    client.force_login(holder)

    response = client.post(
        reverse("consent:record_create", args=[dataset.pk]),
        {
            "pseudonym": "RSSMRA85T10A562S",
            "form": consent_form.pk,
            "given_on": "2024-02-01",
            "scope": "all_uses",
        },
    )

    assert response.status_code == 200
    assert "codice fiscale" in response.content.decode()
    assert not dataset.consent_records.exists()


# Patient organisations


def test_figures_page_shows_no_pseudonym_and_hides_small_counts(
    client, holder, patient_rep, dataset, consent_form
):
    records = _records(dataset, consent_form, 23, prefix="HIDDEN")
    record_withdraw(
        actor=holder, record=records[0], withdrawn_on=records[0].given_on, scope="future_use"
    )
    client.force_login(patient_rep)

    response = client.get(reverse("consent:figures"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "HIDDEN" not in html
    assert "Breast MRI cohort" in html
    [figures] = response.context["figures"]
    assert figures.given == "about 20"  # 22, rounded
    assert figures.withdrawn == "fewer than 5"
    assert consent_form.plain_summary in html


def test_api_figures_for_patient_organisations_have_no_pseudonym(
    client, holder, patient_rep, dataset, consent_form
):
    _records(dataset, consent_form, 7, prefix="HIDDEN")
    client.force_login(patient_rep)

    response = client.get("/api/v1/consent-records/figures/")

    assert response.status_code == 200
    assert "HIDDEN" not in response.content.decode()
    assert response.json()["datasets"][0]["consenting_subjects"] == "about 10"


def test_api_records_are_invisible_to_patient_organisations(
    client, patient_rep, dataset, consent_form
):
    [record] = _records(dataset, consent_form, 1, prefix="HIDDEN")
    client.force_login(patient_rep)

    listing = client.get("/api/v1/consent-records/")
    detail = client.get(f"/api/v1/consent-records/{record.pk}/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 0
    assert "HIDDEN" not in listing.content.decode()
    assert detail.status_code == 404


def test_figures_page_is_404_for_a_researcher(client):
    client.force_login(person_with_role("researcher"))

    assert client.get(reverse("consent:figures")).status_code == 404


# API lists


def test_api_records_of_another_holder_are_404(client, other_holder, dataset, consent_form):
    [record] = _records(dataset, consent_form, 1)
    client.force_login(other_holder)

    assert client.get(f"/api/v1/consent-records/{record.pk}/").status_code == 404
    assert client.get("/api/v1/consent-records/").json()["count"] == 0


@pytest.mark.parametrize("count", [1, 3])
def test_api_records_list_query_count(
    client, holder, dataset, consent_form, count, django_assert_num_queries
):
    _records(dataset, consent_form, count)
    client.force_login(holder)
    client.get("/api/v1/consent-records/")

    # session, user, roles, holder orgs, count, page (records with dataset, form, withdrawal)
    with django_assert_num_queries(6):
        response = client.get("/api/v1/consent-records/", {"dataset": dataset.pk})
    assert response.json()["count"] == count


def test_api_record_create(client, holder, dataset, consent_form):
    client.force_login(holder)

    response = client.post(
        "/api/v1/consent-records/",
        {
            "dataset": dataset.pk,
            "pseudonym": "SUBJ-0007",
            "form": consent_form.pk,
            "given_on": "2024-01-02",
            "scope": "own_disease",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "given"


def test_api_record_create_refuses_an_email(client, holder, dataset, consent_form):
    client.force_login(holder)

    response = client.post(
        "/api/v1/consent-records/",
        {
            "dataset": dataset.pk,
            "pseudonym": "jane@example.org",
            "form": consent_form.pk,
            "given_on": "2024-01-02",
            "scope": "own_disease",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "e-mail address" in response.json()["pseudonym"][0]


def test_api_record_create_twice_says_it_exists(client, holder, dataset, consent_form):
    client.force_login(holder)
    payload = {
        "dataset": dataset.pk,
        "pseudonym": "SUBJ-0007",
        "form": consent_form.pk,
        "given_on": "2024-01-02",
        "scope": "all_uses",
    }
    client.post("/api/v1/consent-records/", payload, content_type="application/json")

    response = client.post("/api/v1/consent-records/", payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_record"


def test_api_record_create_in_another_holders_dataset_is_404(
    client, other_holder, dataset, consent_form
):
    client.force_login(other_holder)

    response = client.post(
        "/api/v1/consent-records/",
        {
            "dataset": dataset.pk,
            "pseudonym": "SUBJ-0007",
            "form": consent_form.pk,
            "given_on": "2024-01-02",
            "scope": "all_uses",
        },
        content_type="application/json",
    )

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_overview_query_count(client, holder, holder_org, count, django_assert_num_queries):
    for _ in range(count):
        DatasetFactory(custodian=holder_org)
    client.force_login(holder)
    client.get(reverse("consent:overview"))

    # session, user, roles, holder orgs, datasets with counts, withdrawals; the holder
    # organisations are read once for every context (issue 16)
    with django_assert_num_queries(9):
        response = client.get(reverse("consent:overview"))
    assert len(response.context["datasets"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_figures_page_query_count(
    client, patient_rep, consent_form, count, django_assert_num_queries
):
    for n in range(count):
        ConsentRecordFactory(dataset=DatasetFactory(), form=consent_form, pseudonym=f"S-{n:04d}")
    client.force_login(patient_rep)
    client.get(reverse("consent:figures"))

    # session, user, roles, holder orgs, figures (3), quarters, forms (2)
    with django_assert_num_queries(13):
        response = client.get(reverse("consent:figures"))
    assert len(response.context["figures"]) == count


def test_personal_data_export_lists_withdrawals_recorded(holder, dataset, consent_form):
    from governance.consent import personal_data

    record = ConsentRecordFactory(dataset=dataset, form=consent_form)
    record_withdraw(actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use")

    exported = personal_data.export(holder)

    assert exported["consent_withdrawals_recorded"][0]["dataset"] == dataset.pk
