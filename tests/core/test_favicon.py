import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_by_the_portal(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    # An ICO file starts with reserved 0, type 1 (icon).
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_pages_link_the_favicon(client):
    page = client.get("/").content.decode()

    assert '<link rel="icon" href="/favicon.ico"' in page


def test_favicon_needs_no_second_factor(client, staff):
    # Staff without an authenticator are sent to set one up from every page, but not from this.
    client.force_login(staff)

    assert client.get("/favicon.ico").status_code == 200
