"""The authoring endpoints of the API: events, policy documents and versions (publish,
translations), consultations (create, edit while draft, transitions) and survey quotas."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.engagement import services
from governance.engagement.models import (
    Consultation,
    Event,
    PolicyDocument,
    PolicyVersion,
    SurveyQuota,
)
from tests.engagement.factories import consultation, event, survey_with_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(manager):
    api = APIClient()
    api.force_authenticate(manager)
    return api


@pytest.fixture
def other_api():
    api = APIClient()
    api.force_authenticate(UserFactory())
    return api


def _event_json(**overrides) -> dict:
    starts = timezone.now() + datetime.timedelta(days=20)
    data = {
        "title": "API webinar",
        "kind": "webinar",
        "description": "Made through the API.",
        "audience": "Developers",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
        "location": "Online",
        "join_url": "https://meet.example.org/api",
        "capacity": 30,
        "is_published": True,
    }
    data.update(overrides)
    return data


def _version_json(document, **overrides) -> dict:
    data = {
        "document": document.pk,
        "plain_summary": "In short.",
        "change_note": "",
        "sections": [
            {"heading": "Scope", "body": "Everything."},
            {"heading": "Rules", "body": "Some."},
        ],
    }
    data.update(overrides)
    return data


def _published(manager) -> PolicyVersion:
    document = services.policy_document_create(actor=manager, title="API policy")
    version = services.policy_version_create(
        actor=manager, document=document, plain_summary="s", sections=[("A", "a"), ("B", "b")]
    )
    return services.policy_version_publish(actor=manager, version=version)


# Events


def test_event_create_permission_matrix(staff_api, other_api):
    assert APIClient().post("/api/v1/events/", _event_json(), format="json").status_code == 401
    refused = other_api.post("/api/v1/events/", _event_json(), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not Event.objects.exists()
    response = staff_api.post("/api/v1/events/", _event_json(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "API webinar" and body["confirmed"] == 0
    assert "join_url" not in body  # only confirmed registrants get the link
    assert Event.objects.get().join_url == "https://meet.example.org/api"
    assert AuditEvent.objects.filter(action="engagement.event_created").count() == 1


def test_event_naive_times_are_read_as_brussels_time(staff_api):
    response = staff_api.post(
        "/api/v1/events/",
        _event_json(starts_at="2031-07-01T10:00:00", ends_at="2031-07-01T11:00:00"),
        format="json",
    )
    assert response.json()["starts_at"] == "2031-07-01T10:00:00+02:00"
    assert Event.objects.get().starts_at == datetime.datetime(2031, 7, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (
            {"ends_at": "2031-07-01T09:00:00Z", "starts_at": "2031-07-01T10:00:00Z"},
            "ends_at",
            "ends_before_start",
        ),
        (
            {"starts_at": "2020-07-01T10:00:00Z", "ends_at": "2020-07-01T11:00:00Z"},
            "starts_at",
            "starts_in_past",
        ),
    ],
)
def test_event_rules_answer_400_with_code_and_field_message(staff_api, overrides, field, code):
    response = staff_api.post("/api/v1/events/", _event_json(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body[field] == [body["detail"]]
    assert not Event.objects.exists()


def test_event_patch_by_staff_only_and_capacity_rule(manager, staff_api, other_api):
    webinar = event(capacity=3)
    services.event_register(person=UserFactory(), event=webinar)
    services.event_register(person=UserFactory(), event=webinar)
    url = f"/api/v1/events/{webinar.pk}/"
    assert APIClient().patch(url, {"capacity": 5}, format="json").status_code == 401
    # A published event is public: changing it is refused (403), not hidden, and the rule is
    # asked before the body.
    assert other_api.patch(url, {"capacity": 5}, format="json").status_code == 403
    refused = staff_api.patch(url, {"capacity": 1}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "capacity_below_confirmed"
    assert "2 people have a confirmed place" in refused.json()["detail"]
    ok = staff_api.patch(url, {"capacity": 10, "title": "Renamed"}, format="json")
    assert ok.status_code == 200 and ok.json()["title"] == "Renamed"
    audit = AuditEvent.objects.get(action="engagement.event_updated")
    assert audit.after == {"title": "Renamed", "capacity": 10}
    assert staff_api.put(url, _event_json(), format="json").status_code == 405


# Policy documents and versions


def test_policy_document_create_permission_matrix_and_slug(staff_api, other_api):
    data = {"title": "Data Access Policy"}
    assert APIClient().post("/api/v1/policy-documents/", data, format="json").status_code == 401
    assert other_api.post("/api/v1/policy-documents/", data, format="json").status_code == 403
    response = staff_api.post("/api/v1/policy-documents/", data, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "data-access-policy"
    taken = staff_api.post(
        "/api/v1/policy-documents/", {"title": "x", "slug": "data-access-policy"}, format="json"
    )
    assert taken.status_code == 400 and taken.json()["code"] == "slug_taken"
    assert taken.json()["slug"] == [taken.json()["detail"]]
    assert PolicyDocument.objects.count() == 1


def test_policy_version_lifecycle_in_the_api(manager, staff_api, other_api):
    document = services.policy_document_create(actor=manager, title="Policy")
    assert (
        other_api.post("/api/v1/policy-versions/", _version_json(document), format="json")
    ).status_code == 403
    created = staff_api.post("/api/v1/policy-versions/", _version_json(document), format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["state"]) == (1, "draft")
    assert [s["heading"] for s in body["sections"]] == ["Scope", "Rules"]
    url = f"/api/v1/policy-versions/{body['id']}/"
    # A draft is the staff's own: others do not see it at all.
    assert APIClient().get(url).status_code == 404
    assert other_api.patch(url, {"plain_summary": "x"}, format="json").status_code == 404
    assert other_api.post(url + "publish/").status_code == 404

    edited = staff_api.patch(
        url, {"sections": [{"heading": "Scope", "body": "Less."}]}, format="json"
    )
    assert edited.status_code == 200
    assert edited.json()["sections"] == [{"heading": "Scope", "body": "Less."}]
    published = staff_api.post(url + "publish/")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert APIClient().get(url).status_code == 200

    refused = staff_api.patch(url, {"plain_summary": "Rewritten"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert "never change" in refused.json()["detail"]
    assert PolicyVersion.objects.get().plain_summary == "In short."
    again = staff_api.post(url + "publish/")
    assert again.status_code == 409
    assert [a.action for a in AuditEvent.objects.order_by("sequence")][-3:] == [
        "engagement.policy_version_created",
        "engagement.policy_version_updated",
        "engagement.policy_version_published",
    ]


def test_policy_version_validation_errors(manager, staff_api):
    document = services.policy_document_create(actor=manager, title="Policy")
    missing = staff_api.post(
        "/api/v1/policy-versions/", _version_json(document, sections=[]), format="json"
    )
    assert missing.status_code == 400 and missing.json()["code"] == "sections_required"
    half = staff_api.post(
        "/api/v1/policy-versions/",
        _version_json(document, sections=[{"heading": "Scope"}]),
        format="json",
    )
    assert half.status_code == 400 and "sections" in half.json()
    assert not PolicyVersion.objects.exists()


def test_translation_endpoint(manager, staff_api, other_api):
    version = _published(manager)
    url = f"/api/v1/policy-versions/{version.pk}/translations/"
    data = {
        "language": "es",
        "plain_summary": "Resumen",
        "sections": [{"heading": "A", "body": "a"}, {"heading": "B", "body": "b"}],
    }
    # The published version is public: others are refused (403), not kept in the dark.
    assert other_api.post(url, data, format="json").status_code == 403
    short = staff_api.post(url, {**data, "sections": data["sections"][:1]}, format="json")
    assert short.status_code == 400 and short.json()["code"] == "sections_mismatch"
    response = staff_api.post(url, data, format="json")
    assert response.status_code == 200
    assert response.json()["translations"][0]["language"] == "es"
    assert AuditEvent.objects.filter(action="engagement.policy_translation_saved").count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_policy_lists_query_count(manager, django_assert_num_queries, count):
    for index in range(count):
        document = services.policy_document_create(actor=manager, title=f"Policy {index}")
        version = services.policy_version_create(
            actor=manager, document=document, plain_summary="s", sections=[("A", "a")]
        )
        services.policy_version_publish(actor=manager, version=version)
    api = APIClient()
    # count, page, versions
    with django_assert_num_queries(3):
        assert api.get("/api/v1/policy-documents/").json()["count"] == count
    # count, page, sections, translations
    with django_assert_num_queries(4):
        assert api.get("/api/v1/policy-versions/").json()["count"] == count


# Consultations


def test_consultation_create_and_patch_while_draft(manager, staff_api, other_api):
    version = _published(manager)
    closes = (timezone.now() + datetime.timedelta(days=7)).isoformat()
    data = {"version": version.pk, "title": "Ask", "invitation": "Why", "closes_at": closes}
    assert APIClient().post("/api/v1/consultations/", data, format="json").status_code == 401
    assert other_api.post("/api/v1/consultations/", data, format="json").status_code == 403
    created = staff_api.post("/api/v1/consultations/", data, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["version"], body["version_number"]) == ("draft", version.pk, 1)
    url = f"/api/v1/consultations/{body['id']}/"
    assert other_api.patch(url, {"title": "x"}, format="json").status_code == 404
    assert staff_api.patch(url, {"title": "Ask us"}, format="json").json()["title"] == "Ask us"
    opened = staff_api.post(url + "open/")
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    refused = staff_api.patch(url, {"title": "Too late"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert Consultation.objects.get().title == "Ask us"
    assert other_api.post(url + "close/").status_code == 403  # open: public, so refused
    assert staff_api.post(url + "close/").json()["state"] == "closed"
    published = staff_api.post(url + "publish-response/", {"response_summary": "Heard."})
    assert published.json()["state"] == "response_published"
    assert published.json()["response_summary"] == "Heard."
    actions = list(
        AuditEvent.objects.filter(action__startswith="engagement.consultation_")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "engagement.consultation_created",
        "engagement.consultation_updated",
        "engagement.consultation_open",
        "engagement.consultation_close",
        "engagement.consultation_publish_response",
    ]


def test_consultation_on_a_draft_version_is_refused(manager, staff_api):
    document = services.policy_document_create(actor=manager, title="Policy")
    draft = services.policy_version_create(
        actor=manager, document=document, plain_summary="s", sections=[("A", "a")]
    )
    closes = (timezone.now() + datetime.timedelta(days=7)).isoformat()
    response = staff_api.post(
        "/api/v1/consultations/",
        {"version": draft.pk, "title": "t", "invitation": "i", "closes_at": closes},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "version_not_published"
    assert response.json()["version"] == [response.json()["detail"]]


def test_existing_consultation_fixture_still_reads_in_the_api(manager):
    open_one = consultation(manager)
    body = APIClient().get(f"/api/v1/consultations/{open_one.pk}/").json()
    assert body["version"] == open_one.version_id and body["state"] == "open"


# Survey quotas


def test_survey_quotas_endpoint(manager, staff_api, other_api):
    survey = survey_with_questions(manager)
    url = f"/api/v1/surveys/{survey.pk}/quotas/"
    assert APIClient().get(url).status_code == 401
    # The survey is open, hence public: its quotas are refused to others (403), not hidden.
    assert other_api.get(url).status_code == 403
    assert other_api.post(url, {"group": "patient", "limit": 1}, format="json").status_code == 403
    rows = staff_api.get(url).json()
    assert {row["group"] for row in rows} >= {"patient", "industry"}
    assert all(row["limit"] is None for row in rows)
    response = staff_api.post(url, {"group": "patient", "limit": 2}, format="json")
    patient = next(row for row in response.json() if row["group"] == "patient")
    assert (patient["limit"], patient["responses"], patient["full"]) == (2, 0, False)
    assert SurveyQuota.objects.get().limit == 2
    bad = staff_api.post(url, {"group": "aliens", "limit": 2}, format="json")
    assert bad.status_code == 400 and "group" in bad.json()
    negative = staff_api.post(url, {"group": "patient", "limit": -1}, format="json")
    assert negative.status_code == 400 and "limit" in negative.json()
    staff_api.post(url, {"group": "patient", "limit": None}, format="json")
    assert not SurveyQuota.objects.exists()
    assert AuditEvent.objects.filter(action="engagement.quota_set").count() == 2
