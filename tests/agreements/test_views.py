"""The agreement and grant pages: who gets in, signing through the form, lists' query counts."""

import datetime
import hashlib

import pytest

from governance.agreements import services
from governance.agreements.models import Agreement, AgreementSignature, Grant
from governance.core.times import format_day, format_moment
from tests.agreements.helpers import approved_request, in_force, pdf_text, sign, stream
from tests.factories import UserFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


def client_for(client, person):
    client.force_login(person)
    return client


def test_researcher_reads_and_signs_the_agreement(client, setup, password):
    client_for(client, setup.researcher)
    page = client.get(f"/agreements/{setup.agreement.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Milan Imaging Repository" in html and "Sign the agreement" in html
    assert "Researchers must show the approval of an ethics committee." in html
    response = client.post(
        f"/agreements/{setup.agreement.pk}/sign/", {"password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/agreements/{setup.agreement.pk}/"
    assert "You signed the agreement." in response.content.decode()
    assert setup.agreement.state == "signed_by_researcher"
    signature = AgreementSignature.objects.get()
    assert signature.ip == "127.0.0.1"


def test_wrong_password_on_the_page_shows_the_error_and_records_nothing(client, setup):
    client_for(client, setup.researcher)
    response = client.post(f"/agreements/{setup.agreement.pk}/sign/", {"password": "wrong"})
    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    assert setup.agreement.state == "drafted"
    assert not AgreementSignature.objects.exists()


def test_empty_password_is_bad_input(client, setup):
    client_for(client, setup.researcher)
    response = client.post(f"/agreements/{setup.agreement.pk}/sign/", {"password": ""})
    assert response.status_code == 400
    assert "Enter your password" in response.content.decode()


def test_holder_countersigns_on_the_page_and_the_researcher_sees_the_grant(client, setup, password):
    sign(setup.agreement, setup.researcher, password)
    client_for(client, setup.holder)
    page = client.get(f"/agreements/{setup.agreement.pk}/").content.decode()
    assert "Countersign the agreement" in page
    client.post(f"/agreements/{setup.agreement.pk}/sign/", {"password": password})
    assert setup.agreement.state == "in_force"
    client_for(client, setup.researcher)
    grants = client.get("/agreements/grants/").content.decode()
    assert "Breast MRI collection 1" in grants and "Active" in grants


def test_pdf_download_is_the_stored_document(client, setup, password):
    agreement = in_force(setup, password)
    client_for(client, setup.researcher)
    response = client.get(f"/agreements/{agreement.pk}/pdf/?download=1")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = stream(response)
    assert hashlib.sha256(data).hexdigest() == agreement.document_sha256
    assert response["X-Document-SHA256"] == agreement.document_sha256
    assert "Countersigned electronically by Giulia Signatory" in pdf_text(data)


@pytest.mark.parametrize(
    "path", ["/agreements/{a}/", "/agreements/{a}/pdf/", "/agreements/grants/{g}/"]
)
def test_other_people_get_404(client, setup, password, path):
    in_force(setup, password)
    grant = Grant.objects.get()
    outsider = UserFactory()
    client_for(client, outsider)
    assert client.get(path.format(a=setup.agreement.pk, g=grant.pk)).status_code == 404
    assert (
        client.post(f"/agreements/{setup.agreement.pk}/sign/", {"password": "x"}).status_code == 404
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, setup):
    response = client.get(f"/agreements/{setup.agreement.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_committee_member_reads_but_cannot_sign(client, setup):
    client_for(client, setup.member)
    page = client.get(f"/agreements/{setup.agreement.pk}/")
    assert page.status_code == 200
    assert "Sign the agreement" not in page.content.decode()
    # The rule is asked before the form: no party, no signature form errors either.
    response = client.post(f"/agreements/{setup.agreement.pk}/sign/", {"password": "x"})
    assert response.status_code == 403
    assert not setup.agreement.signatures.exists()


def test_committee_member_revokes_a_grant_on_the_page(client, setup, password):
    in_force(setup, password)
    grant = Grant.objects.get()
    client_for(client, setup.member)
    assert "Revoke the grant" in client.get(f"/agreements/grants/{grant.pk}/").content.decode()
    assert client.post(f"/agreements/grants/{grant.pk}/revoke/", {"reason": ""}).status_code == 400
    asked = client.post(f"/agreements/grants/{grant.pk}/revoke/", {"reason": "Misuse"})
    html = asked.content.decode()
    assert "Revoke the grant?" in html and "Revoking with the reason “Misuse” does this:" in html
    assert f"{setup.researcher}&#x27;s access to" in html
    assert f"is emailed the reason at {setup.researcher.email}" in html
    assert 'name="reason" value="Misuse"' in html
    grant.refresh_from_db()
    assert grant.state == "active"
    client.post(f"/agreements/grants/{grant.pk}/revoke/", {"reason": "Misuse", "confirmed": "yes"})
    grant.refresh_from_db()
    assert (grant.state, grant.revoked_reason) == ("revoked", "Misuse")


def test_researcher_sees_no_revoke_form_and_cannot_revoke(client, setup, password):
    in_force(setup, password)
    grant = Grant.objects.get()
    client_for(client, setup.researcher)
    assert "Revoke the grant" not in client.get(f"/agreements/grants/{grant.pk}/").content.decode()
    response = client.post(f"/agreements/grants/{grant.pk}/revoke/", {"reason": "Mine"})
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.state == "active"


def test_staff_terminate_on_the_page(client, setup, staff_with_mfa):
    client_for(client, staff_with_mfa)
    assert (
        "Terminate the agreement"
        in client.get(f"/agreements/{setup.agreement.pk}/").content.decode()
    )
    assert (
        client.post(f"/agreements/{setup.agreement.pk}/terminate/", {"reason": ""}).status_code
        == 400
    )
    url = f"/agreements/{setup.agreement.pk}/terminate/"
    asked = client.post(url, {"reason": "Withdrawn"}).content.decode()
    assert "Terminate the agreement?" in asked
    assert f"The parties are emailed the reason: {setup.researcher.email}" in asked
    assert setup.agreement.state == "drafted"
    client.post(url, {"reason": "Withdrawn", "confirmed": "yes"})
    assert setup.agreement.state == "terminated"


def test_terminating_lists_the_grants_that_end(client, setup, password, staff_with_mfa):
    agreement = in_force(setup, password)
    grant = Grant.objects.get()
    client_for(client, staff_with_mfa)

    asked = client.post(f"/agreements/{agreement.pk}/terminate/", {"reason": "Breach"})

    html = asked.content.decode()
    assert f"access to {grant.dataset.title} ({grant.access_condition.label}) ends now." in html
    grant.refresh_from_db()
    assert grant.state == "active"


def test_researcher_amends_on_the_page(client, setup, password):
    agreement = in_force(setup, password)
    client_for(client, setup.researcher)
    assert client.get(f"/agreements/{agreement.pk}/amend/").status_code == 200
    bad = client.post(f"/agreements/{agreement.pk}/amend/", {"ends_on": ""})
    assert bad.status_code == 400 and "Nothing to amend" in bad.content.decode()
    response = client.post(
        f"/agreements/{agreement.pk}/amend/",
        {"member_name": "Li Wei", "member_email": "li@example.org", "member_role": "engineer"},
    )
    amendment = Agreement.objects.get(supersedes=agreement)
    assert response["Location"] == f"/agreements/{amendment.pk}/"
    assert amendment.state == "drafted"


def _agreements(count, password):
    made = [approved_request(tag=f"-{n}") for n in range(count)]
    staff = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(person=staff, role="staff")
    give_totp(staff)
    for setup in made:
        in_force(setup, password)
    return staff


@pytest.mark.parametrize(("count", "queries"), [(1, 9), (3, 9)])
def test_agreement_list_query_count(client, django_assert_num_queries, password, count, queries):
    staff = _agreements(count, password)
    client_for(client, staff)
    with django_assert_num_queries(queries):
        response = client.get("/agreements/")
    assert response.content.decode().count("/agreements/") >= count


@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_grant_list_query_count(client, django_assert_num_queries, password, count, queries):
    staff = _agreements(count, password)
    client_for(client, staff)
    with django_assert_num_queries(queries):
        response = client.get("/agreements/grants/")
    assert response.content.decode().count("Breast MRI collection 1-") == count


def test_dashboard_shows_what_waits(client, setup, password):
    client_for(client, setup.researcher)
    assert "waiting for your signature" in client.get("/dashboard/").content.decode()
    sign(setup.agreement, setup.researcher, password)
    client_for(client, setup.holder)
    assert "waiting for your countersignature" in client.get("/dashboard/").content.decode()


def test_grant_pages_give_the_agreements_last_day_not_the_instant_after_it(client, setup, password):
    agreement = in_force(setup, password)
    grant = Grant.objects.get()
    last_day = format_day(agreement.ends_on)
    day_after = format_day(agreement.ends_on + datetime.timedelta(days=1))
    assert format_day(grant.ends_at) == day_after  # the end instant is the next midnight

    client_for(client, setup.researcher)
    for path in (
        "/agreements/grants/",
        f"/agreements/grants/{grant.pk}/",
        f"/agreements/{agreement.pk}/",
    ):
        page = client.get(path).content.decode()
        assert last_day in page, path
        assert day_after not in page, path
    assert (
        f"Valid until</dt><dd>{last_day}</dd>"
        in client.get(f"/agreements/grants/{grant.pk}/").content.decode()
    )


def test_agreement_pdf_writes_its_period_and_signatures_the_portals_way(setup, password):
    agreement = in_force(setup, password)
    signed = agreement.signatures.get(role="holder").signed_at

    text = " ".join(pdf_text(services.agreement_document(agreement=agreement)).split())

    period = f"From {format_day(agreement.starts_on)} to {format_day(agreement.ends_on)} inclusive"
    assert period in text
    assert f"Countersigned electronically by Giulia Signatory on {format_moment(signed)}" in text


def test_sign_page_shows_the_text_before_the_form(client, setup):
    client_for(client, setup.researcher)

    html = client.get(f"/agreements/{setup.agreement.pk}/").content.decode()

    text = html.index("Researchers must show the approval of an ethics committee.")
    form = html.index(f'action="/agreements/{setup.agreement.pk}/sign/"')
    assert text < form
    assert "Read the agreement above" in html


def test_after_signing_the_page_tells_the_signed_hash_from_the_current_one(client, setup, password):
    agreement = sign(setup.agreement, setup.researcher, password)
    signed = AgreementSignature.objects.get().document_sha256
    client_for(client, setup.researcher)
    client.get(f"/agreements/{agreement.pk}/pdf/")  # renders the PDF with the signature
    agreement.refresh_from_db()
    assert agreement.document_sha256 != signed

    html = client.get(f"/agreements/{agreement.pk}/").content.decode()

    assert (
        "SHA-256 of the PDF the researcher signed</dt>"
        f'<dd><code class="agreements-hash">{signed}</code>'
    ) in html
    assert (
        "SHA-256 of the current PDF</dt>"
        f'<dd><code class="agreements-hash">{agreement.document_sha256}</code>'
    ) in html
    assert "the PDF you download now is a new document with its own hash" in html
