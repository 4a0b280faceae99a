"""A refused or missing page says so in the portal's own layout, and a refusal says why."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_refusal_names_the_rule_s_reason(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory())  # signed in, no role

    response = client.get(reverse("catalogue:dataset_create"))

    assert response.status_code == 403
    text = response.content.decode()
    assert "You may not do this" in text
    assert "Only data holders (and portal staff) register datasets" in text
    assert 'class="site-header"' in text  # the portal's layout, with its navigation


def test_a_missing_page_says_so_in_the_portal_s_layout(client, settings):
    settings.DEBUG = False

    response = client.get("/catalogue/datasets/999999/")

    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text and 'class="site-header"' in text
