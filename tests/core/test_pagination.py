import pytest

from governance.audit.services import record


@pytest.mark.django_db
def test_pagination_links_keep_the_filters(client, staff_with_mfa):
    for number in range(51):
        record(actor=None, action="demo.counted", object_type="demo", object_id=number)
    client.force_login(staff_with_mfa)
    response = client.get("/audit/", {"action": "demo.counted"})
    text = response.content.decode()
    assert "Page 1 of 2" in text
    assert 'href="?action=demo.counted&amp;page=2" rel="next"' in text
    second = client.get("/audit/", {"action": "demo.counted", "page": 2}).content.decode()
    assert 'href="?action=demo.counted&amp;page=1" rel="prev"' in second
    assert 'rel="next"' not in second
