"""The OpenAPI schema says what the API answers: error bodies, one object for /me/, nulls."""

import pytest
from rest_framework.test import APIClient

from governance.api.schema import error_statuses
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _responses(schema, method, path):
    return schema["paths"][path][method]["responses"]


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/v1/proposals/", {"400", "401", "403", "404"}),
        ("get", "/api/v1/proposals/{id}/", {"401", "403", "404"}),
        ("get", "/api/v1/consent-records/figures/", {"401", "403", "404"}),
        ("post", "/api/v1/proposals/", {"400", "401", "403", "404", "409"}),
        ("post", "/api/v1/proposals/{id}/submit/", {"401", "403", "404", "409"}),
        ("post", "/api/v1/surveys/{id}/open/", {"401", "403", "404", "409"}),
        ("get", "/api/v1/me/", {"401", "403", "404"}),
    ],
)
def test_schema_documents_error_responses_with_the_error_body(schema, method, path, statuses):
    responses = _responses(schema, method, path)

    errors = {code for code in responses if code.startswith(("4", "5"))}
    assert errors == statuses
    for code in errors:
        assert responses[code]["content"]["application/json"]["schema"] == ERROR


def test_schema_every_api_operation_documents_a_refusal(schema):
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not {"401", "403"} <= set(operation["responses"])
    ]

    assert undocumented == []


def test_schema_error_component_matches_a_real_error_body(schema, alice):
    api = APIClient()
    api.force_authenticate(alice)

    body = api.get("/api/v1/proposals/999999/").json()

    component = schema["components"]["schemas"]["Error"]
    assert set(component["required"]) <= set(body)
    assert body["code"] == "not_found"


def test_schema_keeps_the_ga4gh_endpoints_own_error_body(schema):
    responses = _responses(schema, "get", "/api/v1/ga4gh/permissions/{sub}")

    assert responses["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Ga4ghPermissionsError"
    }


def test_error_statuses_follow_what_an_operation_takes():
    assert error_statuses("get", {"parameters": []}) == ["401", "403", "404"]
    assert error_statuses(
        "patch", {"parameters": [{"in": "path", "name": "id"}], "requestBody": {}}
    ) == ["400", "401", "403", "404", "409"]


def test_schema_me_is_one_object(schema, alice):
    api = APIClient()
    api.force_authenticate(alice)

    body = api.get("/api/v1/me/").json()

    described = _responses(schema, "get", "/api/v1/me/")["200"]["content"]["application/json"]
    assert described["schema"] == {"$ref": "#/components/schemas/Me"}
    assert isinstance(body, dict)
    assert body["email"] == "alice@example.org"


def test_schema_consent_record_withdrawal_may_be_null(schema):
    withdrawal = schema["components"]["schemas"]["ConsentRecord"]["properties"]["withdrawal"]

    assert withdrawal.get("nullable") is True


def test_schema_vocabulary_fields_list_the_codes_they_accept(schema):
    components = schema["components"]["schemas"]

    def codes(component, field):
        prop = components[component]["properties"][field]
        prop = prop.get("items", prop)
        return components[prop["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"]

    assert "DUO:0000007" in codes("AccessRequestRequest", "purpose")  # disease-specific research
    assert "DUO:0000007" not in codes("ModifierRequest", "duo_term")  # a permission, no modifier
    assert {"MR", "CT"} <= set(codes("DatasetRequest", "modalities"))
    assert components["ProposalRequest"]["properties"]["call"] == {"type": "integer"}


def test_api_accepts_a_vocabulary_code_from_the_schema(schema, alice):
    # The first code the schema offers for an access request's purpose is one the API takes.
    purpose = schema["components"]["schemas"]["PurposeEnum"]["enum"][0]
    api = APIClient()
    api.force_authenticate(alice)

    response = api.post("/api/v1/access-requests/", {"purpose": purpose}, format="json")

    assert "purpose" not in response.json()


def test_schema_bodies_are_json_except_where_a_file_is_sent(schema):
    def media_types(path):
        return set(schema["paths"][path]["post"]["requestBody"]["content"])

    assert media_types("/api/v1/policy-versions/") == {"application/json"}
    assert media_types("/api/v1/consent-records/") == {"application/json"}
    assert media_types("/api/v1/consent-forms/") == {"application/json", "multipart/form-data"}


def test_api_form_encoded_body_is_refused_with_415(db):
    # A form encoding cannot say null nor nest lists: the API does not guess what it meant.
    api = APIClient()
    api.force_authenticate(person_with_role("researcher"))

    response = api.post("/api/v1/access-requests/", {"title": "x"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_schema_sign_asks_for_a_password_or_a_code(schema):
    sign = schema["components"]["schemas"]["SignRequest"]

    assert sign["anyOf"] == [{"required": ["password"]}, {"required": ["code"]}]


def test_schema_service_client_webhook_url_may_be_blank(schema):
    webhook_url = schema["components"]["schemas"]["ServiceClient"]["properties"]["webhook_url"]

    assert {"type": "string", "maxLength": 0} in webhook_url["oneOf"]


def test_schema_pseudonym_pattern_is_the_one_the_api_applies(schema, staff):
    import re

    pseudonym = schema["components"]["schemas"]["ConsentRecordRequest"]["properties"]["pseudonym"]
    api = APIClient()
    api.force_authenticate(staff)

    response = api.post("/api/v1/consent-records/", {"pseudonym": "@"}, format="json")

    assert re.fullmatch(pseudonym["pattern"], "MOIR-0042")
    assert not re.fullmatch(pseudonym["pattern"], "@")
    assert "pseudonym" in response.json()  # and the API refuses what the pattern refuses
