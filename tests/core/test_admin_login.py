import pytest


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal_login(client):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_admin_refuses_a_signed_in_person_without_admin_access(client, alice):
    client.force_login(alice)
    response = client.get("/django-admin/login/")
    assert response.status_code == 403
