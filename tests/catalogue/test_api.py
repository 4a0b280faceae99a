import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rest_framework.test import APIClient

from governance.catalogue.models import AvailabilityStatement, CancerType
from tests.catalogue.factories import DatasetFactory, conditions, draft, duo, published
from tests.doors import api_as

pytestmark = pytest.mark.django_db

ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
HEALTH = Namespace("http://healthdataportal.eu/ns/health#")
DUO = Namespace("http://purl.obolibrary.org/obo/")
EUCAIM_USE = (
    "https://eucaim.github.io/eucaim_dcat_ap/releases/controlled-vocabularies/data-use-conditions/#"
)
EUCAIM_ACCESS = (
    "https://eucaim.github.io/eucaim_dcat_ap/releases/controlled-vocabularies/access-conditions/#"
)


@pytest.fixture
def api():
    return APIClient()


def test_datasets_list_anonymous_sees_published_only(api, holder_org):
    shown = DatasetFactory(custodian=holder_org, title="Shown")
    published(shown)
    DatasetFactory(custodian=holder_org, title="Unpublished")

    response = api.get("/api/v1/datasets/")

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Shown"]


def test_datasets_list_holder_also_sees_own_drafts(holder, holder_org, other_holder):
    DatasetFactory(custodian=holder_org, title="Mine, unpublished")

    assert api_as(holder).get("/api/v1/datasets/").json()["count"] == 1
    assert api_as(other_holder).get("/api/v1/datasets/").json()["count"] == 0


def test_datasets_list_filters_by_facets(api):
    published(DatasetFactory(title="Breast MR", cancer_types=["breast"], modalities=["MR"]))
    published(DatasetFactory(title="Lung CT", cancer_types=["lung_nsclc"], modalities=["CT"]))

    response = api.get("/api/v1/datasets/", {"cancer_types": "lung", "modalities": "CT"})

    assert [item["title"] for item in response.json()["results"]] == ["Lung CT"]


@pytest.mark.parametrize("count", [1, 3])
def test_datasets_list_query_count(api, django_assert_num_queries, count):
    for _ in range(count):
        published(DatasetFactory())
    # count, page, cancer types, modalities, body parts
    with django_assert_num_queries(5):
        response = api.get("/api/v1/datasets/")
    assert response.json()["count"] == count


def test_datasets_create_by_holder(holder, holder_org):
    response = api_as(holder).post(
        "/api/v1/datasets/",
        {
            "custodian": holder_org.pk,
            "persistent_url": "https://doi.org/10.1234/new",
            "title": "New",
            "description": "CT of the liver",
            "cancer_types": ["liver"],
            "modalities": ["CT"],
            "subject_count": 12,
            "study_count": 20,
            "source": "real_world",
            "hosting": "federated",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["cancer_types"] == ["liver"]
    assert response.json()["current_statement"] is None


def test_datasets_create_for_another_organisation_is_refused(other_holder, holder_org):
    response = api_as(other_holder).post(
        "/api/v1/datasets/",
        {
            "custodian": holder_org.pk,
            "persistent_url": "https://doi.org/10.1234/x",
            "title": "Not mine",
            "description": "x",
            "cancer_types": ["liver"],
            "modalities": ["CT"],
            "subject_count": 1,
            "study_count": 1,
            "source": "real_world",
            "hosting": "central",
        },
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_datasets_create_bad_input_names_the_fields(holder, holder_org):
    response = api_as(holder).post(
        "/api/v1/datasets/",
        {"custodian": holder_org.pk, "title": "x", "source": "clinical_trial"},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"persistent_url", "modalities", "subject_count"} <= set(body)


def test_datasets_update_by_another_holder_is_403_for_a_published_dataset(holder_org, other_holder):
    # The published dataset is public: the other holder sees it, and is told why not (403).
    dataset = DatasetFactory(custodian=holder_org)
    published(dataset)

    response = api_as(other_holder).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"title": "Mine now"}, format="json"
    )

    assert response.status_code == 403
    assert "Only the data holder of this dataset" in response.json()["detail"]
    dataset.refresh_from_db()
    assert dataset.title != "Mine now"


def test_datasets_update_of_an_unpublished_dataset_by_another_holder_is_404(
    holder_org, other_holder
):
    dataset = DatasetFactory(custodian=holder_org)

    response = api_as(other_holder).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"title": "Mine now"}, format="json"
    )

    assert response.status_code == 404


def test_datasets_update_by_holder(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)

    response = api_as(holder).patch(
        f"/api/v1/datasets/{dataset.pk}/",
        {"title": "Renamed", "modalities": ["CT", "PT"]},
        format="json",
    )

    assert response.status_code == 200
    dataset.refresh_from_db()
    assert dataset.title == "Renamed"
    assert set(dataset.modalities.values_list("code", flat=True)) == {"CT", "PT"}


def test_statements_create_update_and_publish(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, cancer_types=["breast"])
    client = api_as(holder)

    created = client.post(
        "/api/v1/statements/",
        {
            "dataset": dataset.pk,
            "access_rights": "restricted",
            "access_conditions": ["in_situ_processing"],
            "duo_permission": "DUO:0000007",
            "disease": "breast",
            "access_committee_name": "DAC",
            "contact_email": "dac@example.org",
            "modifiers": [{"duo_term": "DUO:0000046"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    statement_id = created.json()["id"]
    assert created.json()["state"] == "draft"

    updated = client.patch(
        f"/api/v1/statements/{statement_id}/", {"licence_name": "MOIR DUA"}, format="json"
    )
    assert updated.status_code == 200, updated.json()

    response = client.post(f"/api/v1/statements/{statement_id}/publish/")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "published"
    assert body["licence_name"] == "MOIR DUA"
    assert [m["shorthand"] for m in body["modifiers"]] == ["NCU"]
    assert "Only non-commercial use is allowed." in body["plain_language"]["sentences"]


def test_statements_publish_twice_is_409(holder, holder_org):
    statement = published(DatasetFactory(custodian=holder_org))

    response = api_as(holder).post(f"/api/v1/statements/{statement.pk}/publish/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_statements_publish_contradictory_is_400_with_problems(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, hosting="federated")
    statement = draft(dataset, access_conditions=conditions("download"), duo_permission=duo("DS"))

    response = api_as(holder).post(f"/api/v1/statements/{statement.pk}/publish/")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "contradictory_statement"
    assert {p["code"] for p in body["problems"]} == {
        "download_on_federated_data",
        "disease_missing",
    }
    assert "never leaves the hospital" in body["detail"]
    statement.refresh_from_db()
    assert statement.state == "draft"


def test_statements_publish_by_another_holder_is_404(holder_org, other_holder):
    statement = draft(DatasetFactory(custodian=holder_org))

    response = api_as(other_holder).post(f"/api/v1/statements/{statement.pk}/publish/")

    assert response.status_code == 404


def test_statements_draft_hidden_from_the_public(api, holder_org):
    statement = draft(DatasetFactory(custodian=holder_org))

    assert api.get(f"/api/v1/statements/{statement.pk}/").status_code == 404
    assert api.get("/api/v1/statements/").json()["count"] == 0


def test_statements_update_of_published_is_409(holder, holder_org):
    statement = published(DatasetFactory(custodian=holder_org))

    response = api_as(holder).patch(
        f"/api/v1/statements/{statement.pk}/", {"licence_name": "x"}, format="json"
    )

    assert response.status_code == 409
    assert "new version" in response.json()["detail"]


@pytest.mark.parametrize("count", [1, 3])
def test_statements_list_query_count(api, django_assert_num_queries, count):
    for _ in range(count):
        published(DatasetFactory(), modifiers=[{"duo_term": duo("PUB")}])
    # statements with dataset/custodian/terms, access conditions, modifiers with their terms
    with django_assert_num_queries(4):
        response = api.get("/api/v1/statements/")
    assert response.json()["count"] == count


def dcat_graph(client, dataset) -> Graph:
    response = client.get(f"/api/v1/datasets/{dataset.pk}/dcat/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    return Graph().parse(data=response.content.decode(), format="json-ld")


def test_dcat_jsonld_carries_the_statement(api, holder_org, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.eu"
    holder_org.website = "https://moir.example"
    holder_org.save()
    dataset = DatasetFactory(
        custodian=holder_org,
        persistent_url="https://doi.org/10.1234/breast",
        title="Breast MRI",
        subject_count=2140,
        study_count=6000,
        cancer_types=["breast"],
        modalities=["MR", "MG"],
    )
    published(
        dataset,
        access_conditions=conditions("download", "in_situ_processing"),
        duo_permission=duo("DS"),
        disease=CancerType.objects.get(code="breast"),
        modifiers=[{"duo_term": duo("NCU")}, {"duo_term": duo("TS"), "months": 24}],
        licence_name="CC BY-NC 4.0",
        licence_url="https://creativecommons.org/licenses/by-nc/4.0/",
    )

    graph = dcat_graph(api, dataset)

    subject = URIRef("https://doi.org/10.1234/breast")
    assert (subject, RDF.type, DCAT.Dataset) in graph
    assert (subject, DCTERMS.title, Literal("Breast MRI", lang="en")) in graph
    assert (
        subject,
        DCTERMS.accessRights,
        URIRef("http://publications.europa.eu/resource/authority/access-right/RESTRICTED"),
    ) in graph
    assert (
        subject,
        DCTERMS.license,
        URIRef("https://creativecommons.org/licenses/by-nc/4.0/"),
    ) in graph
    rights = set(graph.objects(subject, DCTERMS.rights))
    assert {
        URIRef(EUCAIM_ACCESS + "DOWNLOAD"),
        URIRef(EUCAIM_ACCESS + "IN_SITU_PROCESSING"),
        URIRef(EUCAIM_USE + "DISEASE_SPECIFIC_RESEARCH"),
        URIRef(EUCAIM_USE + "NON_COMMERCIAL_USE_ONLY"),
        URIRef(EUCAIM_USE + "TIME_LIMIT_ON_USE"),
        DUO["DUO_0000007"],
        DUO["DUO_0000046"],
    } <= rights
    publisher = graph.value(subject, DCTERMS.publisher)
    assert publisher == URIRef("https://moir.example")
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert (publisher, FOAF.name, Literal("Milan Imaging Repository")) in graph
    assert (
        subject,
        HEALTH.numberOfUniqueIndividuals,
        Literal("2140", datatype=XSD.nonNegativeInteger),
    ) in graph
    assert (subject, DCAT.theme, URIRef("http://dicom.nema.org/resources/ontology/DCM/MG")) in graph

    policy = graph.value(subject, ODRL.hasPolicy)
    assert (policy, RDF.type, ODRL.Offer) in graph
    permission = graph.value(policy, ODRL.permission)
    assert (permission, ODRL.target, subject) in graph
    constraint_values = {
        graph.value(constraint, ODRL.rightOperand)
        for constraint in graph.objects(permission, ODRL.constraint)
    }
    assert {DUO["DUO_0000007"], DUO["DUO_0000046"]} <= constraint_values
    assert Literal("P24M", datatype=XSD.duration) in constraint_values


def test_dcat_obligations_are_duties(api):
    dataset = DatasetFactory()
    published(dataset, modifiers=[{"duo_term": duo("IRB")}])

    graph = dcat_graph(api, dataset)

    permission = graph.value(
        graph.value(URIRef(dataset.persistent_url), ODRL.hasPolicy), ODRL.permission
    )
    duty = graph.value(permission, ODRL.duty)
    assert (duty, ODRL.action, DUO["DUO_0000021"]) in graph


def test_dcat_unpublished_dataset_is_404(api, holder_org):
    dataset = DatasetFactory(custodian=holder_org)

    assert api.get(f"/api/v1/datasets/{dataset.pk}/dcat/").status_code == 404


def test_dcat_context_is_inline(api):
    dataset = DatasetFactory()
    published(dataset)

    context = api.get(f"/api/v1/datasets/{dataset.pk}/dcat/").json()["@context"]

    assert isinstance(context, dict)
    assert context["healthdcatap"] == "http://healthdataportal.eu/ns/health#"
    assert AvailabilityStatement.objects.get().state == "published"


def test_datasets_search_ignores_nul_bytes_in_the_query_string():
    # PostgreSQL text cannot hold NUL: the fuzzer's \x00 in a filter was a 500.
    response = APIClient().get("/api/v1/datasets/", {"q": "lung\x00", "modality": "CT\x00"})

    assert response.status_code == 200
