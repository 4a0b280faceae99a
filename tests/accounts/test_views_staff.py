"""Staff pages: erasure requests, people, organisations and memberships."""

import pytest
from django.urls import reverse

from governance.accounts import services
from governance.accounts.models import ErasureRequest, Membership, Organisation, User
from governance.audit.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, person_with_role

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("accounts:erasure_request_list", []),
    ("accounts:people_list", []),
    ("accounts:organisation_list", []),
    ("accounts:organisation_create", []),
]


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_are_404_for_everyone_else(alice_client, name, args):
    assert alice_client.get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_ask_visitors_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_have_no_inline_script_or_style(staff_client, name, args):
    text = staff_client.get(reverse(name, args=args)).content.decode()
    assert "<script" not in text and "style=" not in text


# Erasure requests


def test_erasure_list_shows_pending_requests_by_default(staff_client, alice, bob, staff):
    services.erasure_request_create(person=alice)
    decided = services.erasure_request_create(person=bob)
    services.erasure_request_refuse(erasure_request=decided, actor=staff, note="No.")
    text = staff_client.get(reverse("accounts:erasure_request_list")).content.decode()
    assert "alice@example.org" in text and "bob@example.org" not in text
    text = staff_client.get(reverse("accounts:erasure_request_list"), {"state": ""}).content
    assert b"bob@example.org" in text


def test_erasure_list_refuses_a_bad_filter_gently(staff_client):
    response = staff_client.get(reverse("accounts:erasure_request_list"), {"state": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_erasure_list_query_count(staff_client, django_assert_num_queries, count, queries):
    for _index in range(count):
        services.erasure_request_create(person=UserFactory())
    with django_assert_num_queries(queries):
        response = staff_client.get(reverse("accounts:erasure_request_list"))
    assert len(response.context["page"].object_list) == count


def test_erasure_detail_completes_the_erasure(staff_client, alice, staff):
    request = services.erasure_request_create(person=alice, reason="leaving")
    url = reverse("accounts:erasure_request_detail", args=[request.pk])
    page = staff_client.get(url).content.decode()
    assert "leaving" in page and "alice@example.org" in page
    response = staff_client.post(url, {"decision": "complete", "note": ""})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.erased_at is not None and alice.email.endswith("@erased.invalid")
    request.refresh_from_db()
    assert request.state == "completed" and request.decided_by == staff


def test_erasure_detail_refuse_needs_a_note(staff_client, alice):
    request = services.erasure_request_create(person=alice)
    url = reverse("accounts:erasure_request_detail", args=[request.pk])
    response = staff_client.post(url, {"decision": "refuse", "note": ""})
    assert response.status_code == 200
    assert "Explain why" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "requested"
    staff_client.post(url, {"decision": "refuse", "note": "Pending legal claim."})
    request.refresh_from_db()
    assert request.state == "refused" and request.decision_note == "Pending legal claim."


def test_erasure_detail_of_a_decided_request_offers_no_decision(staff_client, alice, staff):
    request = services.erasure_request_create(person=alice)
    services.erasure_request_refuse(erasure_request=request, actor=staff, note="No.")
    url = reverse("accounts:erasure_request_detail", args=[request.pk])
    assert "Record the decision" not in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"decision": "complete"}, follow=True)
    assert (
        "“Carry out the erasure” is not possible: the status of this erasure request is "
        "“Refused”. This status is final."
    ) in response.content.decode()


def test_erasure_detail_of_own_request_cannot_be_decided(staff_client, staff_with_mfa):
    request = services.erasure_request_create(person=staff_with_mfa)
    url = reverse("accounts:erasure_request_detail", args=[request.pk])
    assert "another staff member must decide" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"decision": "complete"}, follow=True)
    assert "Another staff member" in response.content.decode()
    assert ErasureRequest.objects.get(pk=request.pk).state == "requested"


def test_erasure_detail_is_404_for_the_requester(alice_client, alice):
    request = services.erasure_request_create(person=alice)
    url = reverse("accounts:erasure_request_detail", args=[request.pk])
    assert alice_client.get(url).status_code == 404
    assert alice_client.post(url, {"decision": "complete"}).status_code == 404


# People


@pytest.mark.parametrize(("count", "queries"), [(1, 9), (3, 9)])
def test_people_list_query_count(staff_client, django_assert_num_queries, count, queries):
    for _index in range(count):
        MembershipFactory(role="researcher")
    with django_assert_num_queries(queries):
        response = staff_client.get(reverse("accounts:people_list"))
    assert response.context["page"].paginator.count == count + 1  # + the staff member


def test_people_list_searches_name_and_email(staff_client, alice, bob):
    text = staff_client.get(reverse("accounts:people_list"), {"q": "alice"}).content.decode()
    assert "alice@example.org" in text and "bob@example.org" not in text


# Organisations


@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_organisation_list_query_count(staff_client, django_assert_num_queries, count, queries):
    for _index in range(count):
        MembershipFactory()
    with django_assert_num_queries(queries):
        response = staff_client.get(reverse("accounts:organisation_list"))
    assert response.context["page"].paginator.count == count + 1  # + the staff's organisation


def test_organisation_list_filters_by_country_and_provider_type(staff_client):
    OrganisationFactory(name="Charité", country="DE", provider_type="clinical_centre")
    OrganisationFactory(name="BBMRI-ERIC", country="AT", provider_type="research_infrastructure")
    OrganisationFactory(name="Hospital Clínic", country="ES", provider_type="clinical_centre")
    url = reverse("accounts:organisation_list")
    text = staff_client.get(url, {"country": "DE"}).content.decode()
    assert "Charité" in text and "Hospital Clínic" not in text
    text = staff_client.get(url, {"provider_type": "research_infrastructure"}).content.decode()
    assert "BBMRI-ERIC" in text and "Charité" not in text
    text = staff_client.get(url, {"q": "clín"}).content.decode()
    assert "Hospital Clínic" in text and "Charité" not in text


def test_organisation_create_page_adds_and_audits(staff_client, staff_with_mfa):
    response = staff_client.post(
        reverse("accounts:organisation_create"),
        {
            "name": "Karolinska Institutet",
            "short_name": "KI",
            "country": "SE",
            "provider_type": "university",
            "website": "https://ki.se",
        },
    )
    organisation = Organisation.objects.get(name="Karolinska Institutet")
    assert response["Location"] == reverse("accounts:organisation_detail", args=[organisation.pk])
    assert AuditEvent.objects.get(action="organisation.created").actor == staff_with_mfa


def test_organisation_create_page_shows_errors(staff_client):
    response = staff_client.post(
        reverse("accounts:organisation_create"), {"name": "", "country": "ZZ"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in text and "This field is required" in text
    assert not Organisation.objects.filter(country="ZZ").exists()


def test_organisation_edit_page_saves_and_audits(staff_client, organisation):
    url = reverse("accounts:organisation_edit", args=[organisation.pk])
    assert staff_client.get(url).status_code == 200
    staff_client.post(
        url,
        {
            "name": organisation.name,
            "short_name": "La Fe",
            "country": "ES",
            "provider_type": "clinical_centre",
            "is_for_profit": "",
            "website": "",
        },
    )
    organisation.refresh_from_db()
    assert organisation.short_name == "La Fe"
    assert AuditEvent.objects.get(action="organisation.changed").after == {"short_name": "La Fe"}


def test_organisation_edit_duplicate_name_is_refused(staff_client, organisation):
    other = OrganisationFactory(name="Other")
    url = reverse("accounts:organisation_edit", args=[other.pk])
    response = staff_client.post(
        url, {"name": organisation.name, "country": "ES", "provider_type": "clinical_centre"}
    )
    assert "already exists" in response.content.decode()
    assert response.context["organisation"].name == "Other"


def test_organisation_pages_404_for_unknown_ids(staff_client):
    assert staff_client.get(reverse("accounts:organisation_detail", args=[999])).status_code == 404
    assert staff_client.get(reverse("accounts:organisation_edit", args=[999])).status_code == 404


@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_organisation_detail_query_count(
    staff_client, organisation, django_assert_num_queries, count, queries
):
    for _index in range(count):
        MembershipFactory(organisation=organisation)
    with django_assert_num_queries(queries):
        response = staff_client.get(reverse("accounts:organisation_detail", args=[organisation.pk]))
    assert len(response.context["memberships"]) == count


def test_membership_add_page_gives_the_role(staff_client, organisation, alice):
    response = staff_client.post(
        reverse("accounts:membership_add", args=[organisation.pk]),
        {"email": "alice@example.org", "role": "data_holder"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(person=alice, organisation=organisation, role="data_holder")
    page = staff_client.get(response["Location"]).content.decode()
    assert "alice@example.org" in page and "Data holder" in page


def test_membership_add_page_unknown_email_says_what_to_do(staff_client, organisation):
    response = staff_client.post(
        reverse("accounts:membership_add", args=[organisation.pk]),
        {"email": "nobody@example.org", "role": "researcher"},
    )
    assert response.status_code == 200
    assert "Ask them to create one" in response.content.decode()


def test_membership_add_page_is_404_for_non_staff(alice_client, organisation, alice):
    response = alice_client.post(
        reverse("accounts:membership_add", args=[organisation.pk]),
        {"email": "alice@example.org", "role": "staff"},
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(person=alice).exists()


def test_membership_remove_page_removes_and_audits(staff_client, organisation, alice):
    membership = MembershipFactory(person=alice, organisation=organisation, role="evaluator")
    response = staff_client.post(reverse("accounts:membership_remove", args=[membership.pk]))
    assert response["Location"] == reverse("accounts:organisation_detail", args=[organisation.pk])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.removed").count() == 1


def test_membership_remove_page_is_404_for_non_staff(alice_client, organisation, bob):
    membership = MembershipFactory(person=bob, organisation=organisation)
    response = alice_client.post(reverse("accounts:membership_remove", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_membership_remove_needs_post(staff_client, organisation, alice):
    membership = MembershipFactory(person=alice, organisation=organisation)
    url = reverse("accounts:membership_remove", args=[membership.pk])
    assert staff_client.get(url).status_code == 405


def test_superuser_without_staff_role_reaches_staff_pages(client):
    from tests.mfa import give_totp

    admin = User.objects.create_superuser("root@example.org", "pw-not-used-123")
    give_totp(admin)
    client.force_login(admin)
    assert client.get(reverse("accounts:people_list")).status_code == 200


def test_chair_is_not_staff(client):
    from tests.mfa import give_totp

    chair = person_with_role("call_chair")
    give_totp(chair)
    client.force_login(chair)
    assert client.get(reverse("accounts:people_list")).status_code == 404
