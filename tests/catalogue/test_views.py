import pytest
from django.urls import reverse

from governance.catalogue.models import AvailabilityStatement, Dataset
from tests.catalogue.factories import DatasetFactory, conditions, draft, duo, published
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def dataset_form_data(organisation, **overrides):
    data = {
        "custodian": organisation.pk,
        "persistent_url": "https://doi.org/10.1234/new",
        "title": "Liver CT",
        "description": "Contrast CT of liver cancer.",
        "cancer_types": ["liver"],
        "modalities": ["CT"],
        "body_parts": ["LIVER"],
        "subject_count": "40",
        "study_count": "80",
        "source": "real_world",
        "hosting": "central",
        "biobank_links": "https://biobank.example.org/liver\n",
    }
    data.update(overrides)
    return data


def statement_form_data(**overrides):
    data = {
        "access_rights": "restricted",
        "access_conditions": ["in_situ_processing"],
        "duo_permission": "DUO:0000007",
        "disease": "liver",
        "access_committee_name": "DAC",
        "contact_email": "dac@example.org",
        "modifiers-TOTAL_FORMS": "3",
        "modifiers-INITIAL_FORMS": "0",
        "modifiers-MIN_NUM_FORMS": "0",
        "modifiers-MAX_NUM_FORMS": "1000",
        "modifiers-0-duo_term": "DUO:0000025",
        "modifiers-0-months": "24",
    }
    data.update(overrides)
    return data


def test_catalogue_search_page_public(client):
    published(DatasetFactory(title="Breast MRI cohort"))

    response = client.get(reverse("catalogue:search"), {"modalities": "MR"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Breast MRI cohort" in html
    assert 'name="modalities" value="MR"' in html
    assert "checked" in html


@pytest.mark.parametrize("count", [1, 3])
def test_catalogue_search_page_query_count(client, django_assert_num_queries, count):
    for _ in range(count):
        published(DatasetFactory())
    # session-less anonymous: tree + term labels + 5 facet queries (the grouped one also counts
    # the matches) + page + 2 prefetches
    with django_assert_num_queries(10):
        response = client.get(reverse("catalogue:search"))
    assert response.context["page"].paginator.count == count


def test_dataset_page_shows_plain_language_and_history(client, holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, hosting="federated", title="Prostate trial")
    first = published(
        dataset,
        holder,
        is_proprietary=True,
        proprietor="Oncopharma",
        access_conditions=conditions("remote_processing"),
    )
    from governance.catalogue import services

    services.statement_publish(
        actor=holder, statement=services.statement_new_version(actor=holder, statement=first)
    )

    response = client.get(reverse("catalogue:dataset", args=[dataset.pk]))

    html = response.content.decode()
    assert "This is proprietary data: it belongs to Oncopharma." in html
    assert "Federated only: the images never leave" in html
    assert "Version 1" in html and "Version 2" in html
    assert "Superseded" in html
    assert "Edit the dataset" not in html


def test_dataset_page_names_each_modality_once(client, holder_org):
    dataset = DatasetFactory(custodian=holder_org, modalities=["CT", "PT", "US"])
    published(dataset)

    html = client.get(reverse("catalogue:dataset", args=[dataset.pk])).content.decode()

    assert "Computed tomography (CT), Positron emission tomography (PET), Ultrasound" in html
    assert "(CT) (CT)" not in html and "(PET) (PT)" not in html


def test_dataset_page_unpublished_is_404_for_visitors_and_other_holders(
    client, holder, holder_org, other_holder
):
    dataset = DatasetFactory(custodian=holder_org)
    url = reverse("catalogue:dataset", args=[dataset.pk])

    assert client.get(url).status_code == 404
    client.force_login(other_holder)
    assert client.get(url).status_code == 404
    client.force_login(holder)
    assert client.get(url).status_code == 200


def test_superseded_version_stays_public(client, holder, holder_org):
    from governance.catalogue import services

    first = published(DatasetFactory(custodian=holder_org), holder, licence_name="Old licence")
    services.statement_publish(
        actor=holder, statement=services.statement_new_version(actor=holder, statement=first)
    )

    response = client.get(reverse("catalogue:statement", args=[first.pk]))

    assert response.status_code == 200
    assert "superseded by version 2" in response.content.decode()
    assert "Old licence" in response.content.decode()


def test_draft_statement_page_is_404_for_visitors(client, holder_org):
    statement = draft(DatasetFactory(custodian=holder_org))

    assert client.get(reverse("catalogue:statement", args=[statement.pk])).status_code == 404


def test_dataset_create_by_holder(client, holder, holder_org):
    client.force_login(holder)

    response = client.post(reverse("catalogue:dataset_create"), dataset_form_data(holder_org))

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:dataset", args=[dataset.pk])
    assert dataset.biobank_links == ["https://biobank.example.org/liver"]
    assert dataset.custodian == holder_org


def test_dataset_create_bad_input_says_what_to_fix(client, holder, holder_org):
    client.force_login(holder)

    response = client.post(
        reverse("catalogue:dataset_create"),
        dataset_form_data(holder_org, source="clinical_trial", biobank_links="not a url"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Name the sponsor of the clinical trial." in html
    assert "is not a URL" in html
    assert not Dataset.objects.exists()


def test_dataset_create_for_another_organisation_is_refused(client, holder):
    other = OrganisationFactory()
    client.force_login(holder)

    response = client.post(reverse("catalogue:dataset_create"), dataset_form_data(other))

    assert response.status_code == 200  # the custodian choice is invalid: not one of theirs
    assert "custodian" in response.context["form"].errors
    assert not Dataset.objects.exists()


def test_dataset_create_needs_the_holder_role(client, alice):
    client.force_login(alice)

    assert client.get(reverse("catalogue:dataset_create")).status_code == 403


def test_dataset_edit_by_another_holder_is_404(client, holder_org, other_holder):
    dataset = DatasetFactory(custodian=holder_org)
    client.force_login(other_holder)

    assert client.get(reverse("catalogue:dataset_edit", args=[dataset.pk])).status_code == 404
    response = client.post(
        reverse("catalogue:dataset_edit", args=[dataset.pk]), dataset_form_data(holder_org)
    )
    assert response.status_code == 404


def test_holder_writes_and_publishes_a_statement(client, holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, cancer_types=["liver"])
    client.force_login(holder)

    response = client.post(reverse("catalogue:statement_new", args=[dataset.pk]))
    statement = AvailabilityStatement.objects.get()
    assert response["Location"] == reverse("catalogue:statement_edit", args=[statement.pk])

    response = client.post(
        reverse("catalogue:statement_edit", args=[statement.pk]), statement_form_data()
    )
    assert response.status_code == 302
    page = client.get(reverse("catalogue:statement_edit", args=[statement.pk]))
    assert "The saved draft is consistent and can be published." in page.content.decode()

    response = client.post(reverse("catalogue:statement_publish", args=[statement.pk]))

    statement.refresh_from_db()
    assert statement.state == "published"
    assert [(m.duo_term.shorthand, m.months) for m in statement.modifiers.all()] == [("TS", 24)]
    page = client.get(reverse("catalogue:dataset", args=[dataset.pk]))
    assert "The data may be used only for research on liver cancer." in page.content.decode()


def test_statement_edit_page_lists_contradictions(client, holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, hosting="federated")
    statement = draft(dataset, holder, access_conditions=conditions("download"))
    client.force_login(holder)

    response = client.get(reverse("catalogue:statement_edit", args=[statement.pk]))

    html = response.content.decode()
    assert "cannot be offered for download" in html
    assert "Publish this version" not in html


def test_statement_publish_with_contradictions_goes_back_to_the_draft(client, holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    statement = draft(dataset, holder, duo_permission=duo("DS"))
    client.force_login(holder)

    response = client.post(reverse("catalogue:statement_publish", args=[statement.pk]), follow=True)

    assert "not published" in response.content.decode()
    assert "needs a disease" in response.content.decode()
    statement.refresh_from_db()
    assert statement.state == "draft"


def test_statement_edit_bad_modifier_input(client, holder, holder_org):
    statement = draft(DatasetFactory(custodian=holder_org), holder)
    client.force_login(holder)

    response = client.post(
        reverse("catalogue:statement_edit", args=[statement.pk]),
        statement_form_data(**{"modifiers-0-months": "-3", "contact_email": "not-an-email"}),
    )

    assert response.status_code == 200
    assert "The draft was not saved" in response.content.decode()


def test_statement_edit_by_another_holder_is_404(client, holder_org, other_holder):
    statement = draft(DatasetFactory(custodian=holder_org))
    client.force_login(other_holder)

    assert client.get(reverse("catalogue:statement_edit", args=[statement.pk])).status_code == 404
    assert (
        client.post(reverse("catalogue:statement_publish", args=[statement.pk])).status_code == 404
    )


@pytest.mark.parametrize("count", [1, 3])
def test_my_datasets_query_count(client, holder, holder_org, django_assert_num_queries, count):
    for _ in range(count):
        published(DatasetFactory(custodian=holder_org))
    client.force_login(holder)
    # session, user, roles, holder orgs, count, page, 2 prefetches; the holder organisations are
    # read once for every context (issue 16: one holder_organisation_ids)
    with django_assert_num_queries(11):
        response = client.get(reverse("catalogue:mine"))
    assert len(response.context["page"].object_list) == count


def test_sites_directory_counts_per_country(client):
    OrganisationFactory(name="Hospital A", country="ES", provider_type="clinical_centre")
    OrganisationFactory(name="Hospital B", country="ES", provider_type="clinical_centre")
    repository = OrganisationFactory(
        name="Repository C", country="IT", provider_type="research_repository"
    )
    repository_holder = MembershipFactory(role="data_holder", organisation=repository).person
    published(DatasetFactory(custodian=repository), repository_holder)

    response = client.get(reverse("catalogue:sites"))

    html = response.content.decode()
    groups = {group.code: group for group in response.context["groups"]}
    assert len(groups["ES"].sites) == 2
    assert groups["IT"].sites[0].datasets == 1
    assert "<svg" in html and "style=" not in html
    assert "Spain" in html


def test_sites_directory_filters_by_provider_type(client):
    OrganisationFactory(name="Hospital A", country="ES", provider_type="clinical_centre")
    OrganisationFactory(name="Repository C", country="IT", provider_type="research_repository")

    response = client.get(reverse("catalogue:sites"), {"provider_type": "research_repository"})

    assert [group.code for group in response.context["groups"]] == ["IT"]


@pytest.mark.parametrize("count", [1, 3])
def test_sites_directory_query_count(client, django_assert_num_queries, count):
    for index in range(count):
        OrganisationFactory(country=["ES", "IT", "FR"][index])
    with django_assert_num_queries(1):
        response = client.get(reverse("catalogue:sites"))
    assert response.context["total"] == count


def test_coverage_report_figures(client):
    published(DatasetFactory(cancer_types=["breast"], modalities=["MR", "MG"], subject_count=100))
    published(
        DatasetFactory(
            cancer_types=["lung"], modalities=["CT"], subject_count=50, hosting="federated"
        )
    )
    DatasetFactory(cancer_types=["lung"], subject_count=999)  # unpublished: not counted

    response = client.get(reverse("catalogue:coverage"))

    sections = {name: rows for name, _title, rows, _chart in response.context["sections"]}
    cancer = {row.label.strip(): (row.datasets, row.subjects) for row in sections["cancer_types"]}
    assert cancer["Cancer (any type)"] == (2, 150)
    assert cancer["Breast cancer"] == (1, 100)
    modalities = {row.label: (row.datasets, row.subjects) for row in sections["modalities"]}
    assert modalities["Computed tomography (CT)"] == (1, 50)
    assert response.context["total"].subjects == 150
    assert "<svg" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_coverage_report_query_count(client, django_assert_num_queries, count):
    for _ in range(count):
        published(DatasetFactory())
    with django_assert_num_queries(5):
        response = client.get(reverse("catalogue:coverage"))
    assert response.context["total"].datasets == count


def test_nav_shows_catalogue_to_visitors(client):
    response = client.get(reverse("core:home"))

    assert reverse("catalogue:search") in response.content.decode()


def test_catalogue_search_shows_a_chip_per_chosen_filter_linking_to_the_search_without_it(client):
    published(DatasetFactory(title="Breast MRI cohort"))

    response = client.get(
        reverse("catalogue:search"),
        {"q": "breast", "modalities": ["MR", "CT"], "hosting": "central", "page": "2"},
    )

    html = response.content.decode()
    chips = {(chip.facet, chip.value): chip.url for chip in response.context["chips"]}
    search = reverse("catalogue:search")
    assert chips == {
        ("Words", "“breast”"): f"{search}?modalities=MR&modalities=CT&hosting=central",
        ("Imaging modality", "Magnetic resonance imaging (MRI)"): (
            f"{search}?q=breast&modalities=CT&hosting=central"
        ),
        ("Imaging modality", "CT"): (f"{search}?q=breast&modalities=MR&hosting=central"),
        ("Hosting", "Central atlas (anonymised)"): f"{search}?q=breast&modalities=MR&modalities=CT",
    }
    assert (
        '<span class="visually-hidden">Remove filter: </span>'
        '<span class="chip-facet">Imaging modality</span> Magnetic resonance imaging (MRI)'
    ) in html
    assert f'href="{search}?q=breast&amp;modalities=CT&amp;hosting=central"' in html
    assert "Clear all filters" in html


def test_catalogue_search_removing_the_last_chip_leads_to_the_plain_search(client):
    response = client.get(reverse("catalogue:search"), {"modalities": "MR", "q": ""})

    [chip] = response.context["chips"]
    assert chip.url == reverse("catalogue:search")
    assert "Filters <span" in response.content.decode()


def test_catalogue_search_without_filters_shows_no_chips(client):
    response = client.get(reverse("catalogue:search"))

    assert response.context["chips"] == []
    assert "Chosen filters" not in response.content.decode()
    assert "Clear all filters" not in response.content.decode()
