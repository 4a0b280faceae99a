"""Staff author events, policy documents and versions, translations, consultations and survey
quotas in the pages: who gets in, the rules and their messages, and the audit trail."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.core.errors import InvalidTransition, NotPermitted
from governance.engagement import services
from governance.engagement.models import (
    Consultation,
    Event,
    PolicyDocument,
    PolicyTranslation,
    PolicyVersion,
    Registration,
    SurveyQuota,
)
from tests.engagement.factories import consultation, event, survey_with_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BRUSSELS_FORM = "%Y-%m-%dT%H:%M"


def _later(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC)


def _event_post(**overrides) -> dict:
    data = {
        "title": "Consent webinar",
        "kind": "webinar",
        "description": "How withdrawal works.",
        "audience": "Patient organisations",
        "starts_at": "2031-03-14T10:00",
        "ends_at": "2031-03-14T11:30",
        "location": "Online",
        "join_url": "https://meet.example.org/consent",
        "capacity": "50",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def _document(actor, title="Data access policy") -> PolicyDocument:
    return services.policy_document_create(actor=actor, title=title)


def _published_version(actor, document=None) -> PolicyVersion:
    document = document or _document(actor)
    version = services.policy_version_create(
        actor=actor,
        document=document,
        plain_summary="Who may use the images.",
        sections=[("Scope", "All datasets."), ("Decisions", "The committee decides.")],
    )
    return services.policy_version_publish(actor=actor, version=version)


def _actions(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# Who gets in


# page, whether it takes a form
STAFF_PAGES = [
    ("engagement:event_create", True),
    ("engagement:policies", False),
    ("engagement:policy_create", True),
    ("engagement:consultation_create", True),
]


@pytest.mark.parametrize(("name", "takes_form"), STAFF_PAGES)
def test_staff_authoring_pages_send_visitors_to_sign_in_and_hide_from_others(
    manager, manager_client, name, takes_form
):
    client = Client()
    url = reverse(name)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    if takes_form:
        assert client.post(url, {"title": "Sneaky"}).status_code == 404
    assert manager_client.get(url).status_code == 200
    assert not AuditEvent.objects.filter(actor__isnull=False).exclude(actor=manager).exists()


def test_object_pages_are_404_for_people_who_are_not_staff(manager, client):
    webinar = event()
    version = _published_version(manager)
    draft = consultation(manager, open_it=False)
    client.force_login(UserFactory())
    for url in [
        reverse("engagement:event_edit", args=[webinar.pk]),
        reverse("engagement:policy", args=[version.document_id]),
        reverse("engagement:policy_version", args=[version.pk]),
        reverse("engagement:policy_version_create", args=[version.document_id]),
        reverse("engagement:policy_version_edit", args=[version.pk]),
        reverse("engagement:policy_translation", args=[version.pk]),
        reverse("engagement:consultation_edit", args=[draft.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # The published version is public (the API shows it): publishing it is refused, 403.
    assert (
        client.post(reverse("engagement:policy_version_publish", args=[version.pk])).status_code
        == 403
    )


def test_services_refuse_people_who_are_not_staff(manager):
    person = UserFactory()
    with pytest.raises(NotPermitted):
        services.event_save(actor=person, data={})
    with pytest.raises(NotPermitted):
        services.policy_document_create(actor=person, title="x")
    with pytest.raises(NotPermitted):
        services.consultation_save(actor=person, data={})
    survey = survey_with_questions(manager)
    with pytest.raises(NotPermitted):
        services.quota_set(actor=person, survey=survey, group="patient", limit=3)


def test_links_to_the_authoring_pages_are_shown_to_staff_only(manager_client):
    client = Client()
    for name, link in [
        ("engagement:events", reverse("engagement:event_create")),
        ("engagement:consultations", reverse("engagement:consultation_create")),
        ("engagement:consultations", reverse("engagement:policies")),
    ]:
        assert link in manager_client.get(reverse(name)).content.decode()
        assert link not in client.get(reverse(name)).content.decode()


# Events


def test_staff_plan_an_event_in_brussels_time(manager_client, manager):
    response = manager_client.post(reverse("engagement:event_create"), _event_post())
    created = Event.objects.get(title="Consent webinar")
    assert response["Location"] == reverse("engagement:event", args=[created.pk])
    # 14 March is winter time: 10:00 in Brussels is 09:00 UTC.
    assert created.starts_at == datetime.datetime(2031, 3, 14, 9, 0, tzinfo=datetime.UTC)
    assert created.join_url == "https://meet.example.org/consent"
    [audit] = _actions("engagement.event_created")
    assert audit.actor == manager and audit.after["capacity"] == 50
    page = manager_client.get(response["Location"]).content.decode()
    assert "10:00\N{EN DASH}11:30 CET (Brussels) · 09:00\N{EN DASH}10:30 UTC" in page


def test_event_times_are_shown_in_summer_time_and_in_the_chosen_zone(manager, client):
    summer = event()
    summer.starts_at = datetime.datetime(2031, 7, 1, 8, 0, tzinfo=datetime.UTC)
    summer.ends_at = summer.starts_at + datetime.timedelta(hours=1)
    summer.save()
    page = client.get(
        reverse("engagement:event", args=[summer.pk]) + "?tz=America/New_York"
    ).content.decode()
    assert "10:00\N{EN DASH}11:00 CEST (Brussels) · 08:00\N{EN DASH}09:00 UTC" in page
    assert "04:00\N{EN DASH}05:00 EDT (America/New_York)" in page


def test_event_edit_form_shows_brussels_time(manager_client):
    webinar = event()
    webinar.starts_at = datetime.datetime(2031, 7, 1, 8, 0, tzinfo=datetime.UTC)
    webinar.save()
    page = manager_client.get(reverse("engagement:event_edit", args=[webinar.pk]))
    assert 'value="2031-07-01T10:00"' in page.content.decode()


def test_event_that_ends_before_it_starts_is_refused_with_a_message(manager_client):
    response = manager_client.post(
        reverse("engagement:event_create"), _event_post(ends_at="2031-03-14T09:00")
    )
    assert response.status_code == 200
    assert "The event must end after it starts" in response.content.decode()
    assert response.context["form"].errors["ends_at"]
    assert not Event.objects.exists()
    assert not _actions("engagement.event_created")


def test_new_event_cannot_start_in_the_past(manager_client):
    response = manager_client.post(
        reverse("engagement:event_create"),
        _event_post(starts_at="2020-01-01T10:00", ends_at="2020-01-01T11:00"),
    )
    assert "The start is in the past" in response.context["form"].errors["starts_at"][0]
    assert not Event.objects.exists()


def test_started_event_keeps_its_start_and_can_still_be_corrected(manager, manager_client):
    running = event()
    running.starts_at = timezone.now() - datetime.timedelta(minutes=30, seconds=17)
    running.ends_at = timezone.now() + datetime.timedelta(hours=1)
    running.save()
    form = manager_client.get(reverse("engagement:event_edit", args=[running.pk])).context["form"]
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, "")
    }
    data.update(
        starts_at=form["starts_at"].value(),
        ends_at=form["ends_at"].value(),
        is_published="on",
        location="Room 2",
    )
    response = manager_client.post(reverse("engagement:event_edit", args=[running.pk]), data)
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.location == "Room 2"
    # Moving it to another time in the past is refused.
    with pytest.raises(services.FieldInvalid) as error:
        services.event_save(
            actor=manager,
            event=running,
            data={"starts_at": running.starts_at - datetime.timedelta(hours=2)},
        )
    assert error.value.code == "starts_in_past"


def test_capacity_cannot_drop_below_confirmed_registrations(manager, manager_client):
    webinar = event(capacity=3)
    for _ in range(2):
        services.event_register(person=UserFactory(), event=webinar)
    response = manager_client.post(
        reverse("engagement:event_edit", args=[webinar.pk]),
        _event_post(capacity="1", title=webinar.title),
    )
    errors = response.context["form"].errors["capacity"]
    assert "2 people have a confirmed place" in errors[0]
    webinar.refresh_from_db()
    assert webinar.capacity == 3
    assert Registration.objects.filter(status="confirmed").count() == 2


def test_raising_capacity_gives_places_to_the_waiting_list(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    webinar = event(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        services.event_register(person=person, event=webinar)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(actor=manager, event=webinar, data={"capacity": 2})
    statuses = dict(Registration.objects.values_list("person_id", "status"))
    assert statuses == {first.pk: "confirmed", second.pk: "confirmed", third.pk: "waitlisted"}
    assert "A place has freed up" in mailoutbox[-1].body
    [audit] = _actions("engagement.event_updated")
    assert (audit.before, audit.after) == ({"capacity": 1}, {"capacity": 2})


def test_unpublished_event_is_listed_for_staff_only(manager_client):
    client = Client()
    hidden = event(title="Internal rehearsal")
    hidden.is_published = False
    hidden.save()
    assert "Internal rehearsal" in manager_client.get(reverse("engagement:events")).content.decode()
    assert "Internal rehearsal" not in client.get(reverse("engagement:events")).content.decode()
    assert client.get(reverse("engagement:event", args=[hidden.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_event_list_query_count_for_staff(
    manager, manager_client, django_assert_num_queries, count
):
    for index in range(count):
        event(title=f"Event {index}")
    # session, person, roles, the MFA check, events with their confirmed counts
    with django_assert_num_queries(6):
        response = manager_client.get(reverse("engagement:events"))
    assert len(response.context["events"]) == count


# Policy documents and versions


def test_policy_slug_is_derived_from_the_title_and_kept_unique(manager):
    first = services.policy_document_create(actor=manager, title="Data Access Policy")
    second = services.policy_document_create(actor=manager, title="Data access policy")
    assert (first.slug, second.slug) == ("data-access-policy", "data-access-policy-2")
    with pytest.raises(services.FieldInvalid) as error:
        services.policy_document_create(actor=manager, title="Other", slug="data-access-policy")
    assert error.value.code == "slug_taken" and error.value.field == "slug"
    assert len(_actions("engagement.policy_document_created")) == 2


def test_staff_create_a_policy_and_write_its_first_version(manager, manager_client):
    response = manager_client.post(reverse("engagement:policy_create"), {"title": "Consent rules"})
    document = PolicyDocument.objects.get()
    new_version = reverse("engagement:policy_version_create", args=[document.pk])
    assert response["Location"] == new_version
    form = manager_client.get(new_version).content.decode()
    assert form.count('name="sections-') >= 4  # two empty sections to begin with
    response = manager_client.post(
        new_version,
        {
            "plain_summary": "You can always say no.",
            "change_note": "",
            "sections-TOTAL_FORMS": "3",
            "sections-INITIAL_FORMS": "0",
            "sections-0-heading": "Scope",
            "sections-0-body": "Every dataset.",
            "sections-1-heading": "Withdrawal",
            "sections-1-body": "Takes effect everywhere.",
            "sections-2-heading": "",
            "sections-2-body": "",
            "save": "1",
        },
    )
    version = PolicyVersion.objects.get()
    assert response["Location"] == reverse("engagement:policy_version", args=[version.pk])
    assert (version.number, version.state) == (1, "draft")
    assert [s.heading for s in version.sections.all()] == ["Scope", "Withdrawal"]
    assert _actions("engagement.policy_version_created")[0].actor == manager


def test_add_a_section_button_keeps_what_was_typed_and_adds_a_row(manager, manager_client):
    document = _document(manager)
    response = manager_client.post(
        reverse("engagement:policy_version_create", args=[document.pk]),
        {
            "plain_summary": "Summary",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-heading": "Scope",
            "sections-0-body": "Typed already.",
            "add_section": "1",
        },
    )
    assert response.status_code == 200
    assert len(response.context["sections"].forms) == 2
    page = response.content.decode()
    assert "Typed already." in page and "Summary" in page
    assert "was not saved" not in page  # adding a section is not a failed save
    assert not PolicyVersion.objects.exists()


def test_half_filled_section_is_refused_with_a_message(manager, manager_client):
    document = _document(manager)
    response = manager_client.post(
        reverse("engagement:policy_version_create", args=[document.pk]),
        {
            "plain_summary": "Summary",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-heading": "Scope",
            "sections-0-body": "",
            "save": "1",
        },
    )
    assert "Write the text of this section" in response.content.decode()
    assert not PolicyVersion.objects.exists()
    with pytest.raises(services.FieldInvalid) as error:
        services.policy_version_create(
            actor=manager, document=document, plain_summary="s", sections=[("", "")]
        )
    assert error.value.code == "sections_required"


def test_new_version_starts_as_a_copy_of_the_latest(manager, manager_client):
    version = _published_version(manager)
    page = manager_client.get(
        reverse("engagement:policy_version_create", args=[version.document_id])
    )
    initial = [form.initial for form in page.context["sections"].forms]
    assert initial == [
        {"heading": "Scope", "body": "All datasets."},
        {"heading": "Decisions", "body": "The committee decides."},
    ]
    assert "start as a copy of version 1" in page.content.decode()


def test_only_one_draft_at_a_time(manager):
    document = _document(manager)
    services.policy_version_create(
        actor=manager, document=document, plain_summary="s", sections=[("A", "a")]
    )
    with pytest.raises(InvalidTransition, match="Version 1 is still a draft"):
        services.policy_version_create(
            actor=manager, document=document, plain_summary="s", sections=[("A", "a")]
        )


def test_draft_is_edited_in_place_then_published(manager, manager_client):
    document = _document(manager)
    draft = services.policy_version_create(
        actor=manager,
        document=document,
        plain_summary="Old",
        sections=[("Scope", "Old scope."), ("Gone", "Removed later.")],
    )
    scope_id = draft.sections.get(heading="Scope").pk
    response = manager_client.post(
        reverse("engagement:policy_version_edit", args=[draft.pk]),
        {
            "plain_summary": "New",
            "change_note": "Narrower scope.",
            "sections-TOTAL_FORMS": "2",
            "sections-INITIAL_FORMS": "2",
            "sections-0-heading": "Scope",
            "sections-0-body": "New scope.",
            "sections-1-heading": "",
            "sections-1-body": "",
            "save": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.plain_summary == "New"
    assert list(draft.sections.values_list("pk", "body")) == [(scope_id, "New scope.")]
    assert _actions("engagement.policy_version_updated")
    manager_client.post(reverse("engagement:policy_version_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == "published"


def test_published_version_never_changes_in_the_page(manager, manager_client):
    version = _published_version(manager)
    page = manager_client.get(reverse("engagement:policy_version", args=[version.pk]))
    assert "Published versions never change" in page.content.decode()
    edit = reverse("engagement:policy_version_edit", args=[version.pk])
    assert manager_client.get(edit)["Location"] == reverse(
        "engagement:policy_version", args=[version.pk]
    )
    manager_client.post(
        edit,
        {
            "plain_summary": "Changed",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-heading": "X",
            "sections-0-body": "Y",
            "save": "1",
        },
    )
    version.refresh_from_db()
    assert version.plain_summary == "Who may use the images."
    assert list(version.sections.values_list("heading", flat=True)) == ["Scope", "Decisions"]
    with pytest.raises(InvalidTransition, match="published versions never change"):
        services.policy_version_update(
            actor=manager, version=version, plain_summary="x", sections=[("a", "b")]
        )


def test_staff_translate_a_published_version(manager, manager_client):
    version = _published_version(manager)
    url = reverse("engagement:policy_translation", args=[version.pk])
    data = {
        "language": "es",
        "plain_summary": "Quién puede usar las imágenes.",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "2",
        "sections-0-heading": "Ámbito",
        "sections-0-body": "Todos los conjuntos.",
        "sections-1-heading": "Decisiones",
        "sections-1-body": "",
    }
    refused = manager_client.post(url, data)
    assert "Write the text of this section" in refused.content.decode()
    assert not PolicyTranslation.objects.exists()
    data["sections-1-body"] = "Decide el comité."
    assert manager_client.post(url, data).status_code == 302
    translation = PolicyTranslation.objects.get()
    assert translation.sections[1] == {"heading": "Decisiones", "body": "Decide el comité."}
    assert _actions("engagement.policy_translation_saved")[0].after == {
        "language": "es",
        "created": True,
    }
    page = manager_client.get(url + "?language=es")
    assert page.context["form"].initial["plain_summary"] == "Quién puede usar las imágenes."


@pytest.mark.parametrize(
    ("language", "sections", "code"),
    [
        ("en", [("a", "b"), ("c", "d")], "same_as_original"),
        ("spanish!", [("a", "b"), ("c", "d")], "invalid_language"),
        ("fr", [("a", "b")], "sections_mismatch"),
    ],
)
def test_translation_rules(manager, language, sections, code):
    version = _published_version(manager)
    with pytest.raises(services.FieldInvalid) as error:
        services.policy_translation_save(
            actor=manager, version=version, language=language, plain_summary="s", sections=sections
        )
    assert error.value.code == code


@pytest.mark.parametrize("count", [1, 3])
def test_policy_list_query_count(manager, manager_client, django_assert_num_queries, count):
    for index in range(count):
        _published_version(manager, _document(manager, title=f"Policy {index}"))
    # session, person, roles, the MFA check, documents with their counts
    with django_assert_num_queries(6):
        response = manager_client.get(reverse("engagement:policies"))
    assert len(response.context["documents"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_policy_versions_query_count(manager, manager_client, django_assert_num_queries, count):
    document = _document(manager)
    for _ in range(count):
        _published_version(manager, document)
    url = reverse("engagement:policy", args=[document.pk])
    # session, person, roles, the MFA check, document, versions with their counts
    with django_assert_num_queries(7):
        response = manager_client.get(url)
    assert len(response.context["versions"]) == count


# Consultations


def _consultation_post(version, **overrides) -> dict:
    data = {
        "version": version.pk,
        "title": "Consultation on data access",
        "invitation": "Tell us what you think.",
        "closes_at": "2031-06-30T23:59",
    }
    data.update(overrides)
    return data


def test_staff_start_a_consultation_on_a_published_version(manager, manager_client):
    version = _published_version(manager)
    page = manager_client.get(reverse("engagement:consultation_create") + f"?version={version.pk}")
    assert page.context["form"].initial["version"] == version.pk
    response = manager_client.post(
        reverse("engagement:consultation_create"), _consultation_post(version)
    )
    created = Consultation.objects.get()
    assert response["Location"] == reverse("engagement:consultation", args=[created.pk])
    assert created.state == "draft"
    # Summer time: 23:59 in Brussels is 21:59 UTC.
    assert created.closes_at == datetime.datetime(2031, 6, 30, 21, 59, tzinfo=datetime.UTC)
    assert _actions("engagement.consultation_created")[0].after["version"] == version.pk
    manager_client.post(reverse("engagement:consultation_transition", args=[created.pk, "open"]))
    created.refresh_from_db()
    assert created.state == "open"


def test_consultation_on_a_draft_version_or_closing_in_the_past_is_refused(manager):
    document = _document(manager)
    draft = services.policy_version_create(
        actor=manager, document=document, plain_summary="s", sections=[("A", "a")]
    )
    closes = timezone.now() + datetime.timedelta(days=3)
    base = {"title": "t", "invitation": "i", "closes_at": closes}
    with pytest.raises(services.FieldInvalid) as error:
        services.consultation_save(actor=manager, data={**base, "version": draft})
    assert (error.value.code, error.value.field) == ("version_not_published", "version")
    published = services.policy_version_publish(actor=manager, version=draft)
    with pytest.raises(services.FieldInvalid) as error:
        services.consultation_save(
            actor=manager,
            data={**base, "version": published, "closes_at": timezone.now()},
        )
    assert error.value.code == "closes_in_past"
    assert not Consultation.objects.exists()


def test_consultation_form_shows_the_closing_date_problem(manager, manager_client):
    version = _published_version(manager)
    response = manager_client.post(
        reverse("engagement:consultation_create"),
        _consultation_post(version, closes_at="2020-01-01T12:00"),
    )
    assert "Set the closing date in the future" in response.context["form"].errors["closes_at"][0]


def test_consultation_is_edited_while_draft_only(manager, manager_client):
    draft = consultation(manager, open_it=False)
    url = reverse("engagement:consultation_edit", args=[draft.pk])
    manager_client.post(url, _consultation_post(draft.version, title="Better title"))
    draft.refresh_from_db()
    assert draft.title == "Better title"
    [audit] = _actions("engagement.consultation_updated")
    assert audit.after["title"] == "Better title"
    services.consultation_transition(actor=manager, consultation=draft, action="open")
    assert manager_client.get(url).status_code == 302
    manager_client.post(url, _consultation_post(draft.version, title="Too late"))
    draft.refresh_from_db()
    assert draft.title == "Better title"


# Survey quotas


def test_staff_set_and_remove_quotas_beside_the_counts(manager, manager_client):
    survey = survey_with_questions(manager)
    from tests.engagement.factories import answers

    services.response_submit(survey=survey, person=None, answers=answers(survey), group="patient")
    build = reverse("engagement:survey_build", args=[survey.pk])
    manager_client.post(build, {"quota-patient": "1", "quota-industry": "10", "set_quotas": "1"})
    assert dict(SurveyQuota.objects.values_list("group", "limit")) == {
        "patient": 1,
        "industry": 10,
    }
    rows = {row.group: row for row in manager_client.get(build).context["quota_rows"]}
    assert (rows["patient"].responses, rows["patient"].limit, rows["patient"].is_full) == (
        1,
        1,
        True,
    )
    manager_client.post(build, {"quota-patient": "1", "quota-industry": "", "set_quotas": "1"})
    assert dict(SurveyQuota.objects.values_list("group", "limit")) == {"patient": 1}
    audits = _actions("engagement.quota_set")
    assert [a.after for a in audits] == [
        {"group": "patient", "limit": 1},
        {"group": "industry", "limit": 10},
        {"group": "industry", "limit": None},
    ]


def test_negative_quota_is_refused_in_the_page(manager, manager_client):
    survey = survey_with_questions(manager)
    response = manager_client.post(
        reverse("engagement:survey_build", args=[survey.pk]),
        {"quota-patient": "-2", "set_quotas": "1"},
    )
    assert response.status_code == 200
    assert response.context["quotas_form"].errors["patient"]
    assert "The quotas were not saved" in response.content.decode()
    assert not SurveyQuota.objects.exists()


def test_quotas_of_a_closed_survey_do_not_change(manager):
    survey = survey_with_questions(manager)
    services.survey_transition(actor=manager, survey=survey, action="close")
    with pytest.raises(InvalidTransition):
        services.quota_set(actor=manager, survey=survey, group="patient", limit=3)


def test_quota_form_is_not_for_others(manager, client):
    survey = survey_with_questions(manager)
    client.force_login(UserFactory())
    response = client.post(
        reverse("engagement:survey_build", args=[survey.pk]),
        {"quota-patient": "1", "set_quotas": "1"},
    )
    assert response.status_code == 404
    assert not SurveyQuota.objects.exists()
