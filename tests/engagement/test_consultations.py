"""Consultations: comments per section, visibility, moderation, answers, what we changed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from governance.core.errors import DeadlinePassed, InvalidTransition, NotPermitted
from governance.core.times import BRUSSELS, format_day
from governance.engagement import selectors, services
from governance.engagement.models import Comment, PolicyTranslation
from tests.engagement.factories import consultation
from tests.factories import UserFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(db):
    return person_with_role("patient_org_rep", person__email="rep@example.org")


def test_patient_rep_comments_on_a_section(manager, rep, client):
    open_one = consultation(manager)
    section = open_one.version.sections.get(heading="Consent")
    client.force_login(rep)
    response = client.post(
        reverse("engagement:consultation_comment", args=[open_one.pk]),
        {
            "section": section.pk,
            "body": "Explain withdrawal in plain words.",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author, comment.section, comment.visibility) == (rep, section, "public")
    page = client.get(reverse("engagement:consultation", args=[open_one.pk])).content.decode()
    assert "Explain withdrawal in plain words." in page


def test_empty_comment_is_refused(manager, rep, client):
    open_one = consultation(manager)
    client.force_login(rep)
    response = client.post(
        reverse("engagement:consultation_comment", args=[open_one.pk]),
        {"body": "", "visibility": "public"},
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_visitor_cannot_comment(manager, client):
    open_one = consultation(manager)
    response = client.post(
        reverse("engagement:consultation_comment", args=[open_one.pk]),
        {"body": "x", "visibility": "public"},
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_private_comments_are_for_staff_and_author_only(manager, rep):
    open_one = consultation(manager)
    private = services.comment_add(
        actor=rep, consultation=open_one, section=None, body="Private note", visibility="private"
    )
    public = services.comment_add(
        actor=rep, consultation=open_one, section=None, body="Public note", visibility="public"
    )
    assert list(selectors.comments_visible_to(None, open_one)) == [public]
    assert list(selectors.comments_visible_to(UserFactory(), open_one)) == [public]
    assert set(selectors.comments_visible_to(rep, open_one)) == {private, public}
    assert set(selectors.comments_visible_to(manager, open_one)) == {private, public}


def test_hidden_comment_is_not_shown_to_the_public(manager, rep, client):
    open_one = consultation(manager)
    comment = services.comment_add(
        actor=rep, consultation=open_one, section=None, body="Buy cheap pills", visibility="public"
    )
    services.comment_hide(actor=manager, comment=comment, reason="Advertising")
    assert not selectors.comments_visible_to(None, open_one).exists()
    page = client.get(reverse("engagement:consultation", args=[open_one.pk])).content.decode()
    assert "Buy cheap pills" not in page


def test_only_staff_moderate(manager, rep):
    open_one = consultation(manager)
    comment = services.comment_add(
        actor=rep, consultation=open_one, section=None, body="x", visibility="public"
    )
    with pytest.raises(NotPermitted):
        services.comment_hide(actor=rep, comment=comment, reason="no")


def test_moderation_page_is_404_for_others(manager, rep, client):
    open_one = consultation(manager)
    comment = services.comment_add(
        actor=rep, consultation=open_one, section=None, body="x", visibility="public"
    )
    client.force_login(rep)
    assert client.get(reverse("engagement:comment_moderate", args=[comment.pk])).status_code == 404


def test_comments_close_at_the_closing_date(manager, rep):
    open_one = consultation(manager)
    after = open_one.closes_at + datetime.timedelta(seconds=1)
    with time_machine.travel(after), pytest.raises(DeadlinePassed):
        services.comment_add(
            actor=rep, consultation=open_one, section=None, body="late", visibility="public"
        )


def test_draft_consultation_is_not_visible_or_open(manager, rep, client):
    draft = consultation(manager, open_it=False)
    assert client.get(reverse("engagement:consultation", args=[draft.pk])).status_code == 404
    with pytest.raises(InvalidTransition):
        services.comment_add(
            actor=rep, consultation=draft, section=None, body="x", visibility="public"
        )


def test_what_we_heard_page_shows_outcomes_and_diff(manager, rep, client):
    open_one = consultation(manager)
    old_consent = open_one.version.sections.get(heading="Consent")
    comment = services.comment_add(
        actor=rep,
        consultation=open_one,
        section=old_consent,
        body="Say how fast.",
        visibility="public",
    )
    services.comment_add(
        actor=rep, consultation=open_one, section=None, body="Secret worry", visibility="private"
    )
    new = services.policy_version_create(
        actor=manager,
        document=open_one.version.document,
        plain_summary="New summary",
        sections=[
            ("Scope", "Imaging data for cancer research."),
            ("Consent", "Withdrawal applies everywhere within one day."),
        ],
    )
    services.policy_version_publish(actor=manager, version=new)
    services.consultation_transition(actor=manager, consultation=open_one, action="close")
    with pytest.raises(InvalidTransition):
        services.consultation_transition(
            actor=manager, consultation=open_one, action="publish_response"
        )
    for pending in Comment.objects.all():
        services.comment_answer(
            actor=manager,
            comment=pending,
            reply="We added the delay.",
            outcome="adopted",
            changed_section=new.sections.get(heading="Consent") if pending == comment else None,
        )
    services.consultation_transition(
        actor=manager,
        consultation=open_one,
        action="publish_response",
        data={"result_version": new, "response_summary": "We heard you."},
    )
    page = client.get(
        reverse("engagement:consultation_outcome", args=[open_one.pk])
    ).content.decode()
    assert "Say how fast." in page
    assert "Changed as suggested" in page
    assert "<del>everywhere.</del> <ins>everywhere within one day.</ins>" in page
    assert "Secret worry" not in page
    assert "1 comment sent privately" in page


def test_comment_api(manager, rep):
    from rest_framework.test import APIClient

    open_one = consultation(manager)
    api = APIClient()
    api.force_authenticate(rep)
    response = api.post(
        f"/api/v1/consultations/{open_one.pk}/comment/",
        {"body": "Via API", "visibility": "private"},
        format="json",
    )
    assert response.status_code == 201
    assert Comment.objects.get().visibility == "private"
    assert APIClient().get(f"/api/v1/consultations/{open_one.pk}/comments/").json()["results"] == []
    closed = services.consultation_transition(actor=manager, consultation=open_one, action="close")
    response = api.post(
        f"/api/v1/consultations/{closed.pk}/comment/", {"body": "late"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_the_policy_is_offered_in_its_translations_by_name_and_read_in_the_one_chosen(
    manager, client
):
    open_one = consultation(manager)
    PolicyTranslation.objects.create(
        version=open_one.version,
        language="es",
        plain_summary="En resumen: las imágenes se quedan en los hospitales.",
        sections=[
            {"heading": "Alcance", "body": "Datos de imagen para la investigación."},
            {"heading": "Consentimiento", "body": "La retirada se aplica en todas partes."},
        ],
    )
    url = reverse("engagement:consultation", args=[open_one.pk])

    english = client.get(url).content.decode()
    spanish = client.get(url, {"lang": "es"}).content.decode()

    assert '<option value="es" lang="es">Español</option>' in english
    assert "&#x27;bidi&#x27;" not in english and "{'bidi'" not in english
    assert "In short: images stay in hospitals." in english
    assert "En resumen: las imágenes se quedan en los hospitales." in spanish
    assert '<h3 data-people-content lang="es">2. Consentimiento</h3>' in spanish
    assert '<option value="es" lang="es" selected>Español</option>' in spanish


def test_a_consultation_closing_at_midnight_is_open_until_the_day_before(manager, client):
    open_one = consultation(manager)
    last = timezone.localdate() + datetime.timedelta(days=9)
    open_one.closes_at = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=BRUSSELS
    )
    open_one.save(update_fields=["closes_at"])

    page = client.get(reverse("engagement:consultations")).content.decode()

    assert f"comments until {format_day(last)}" in page
