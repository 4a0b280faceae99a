import pytest

from governance.access.models import AccessRequest, Committee
from governance.core.demo import seed_all

pytestmark = pytest.mark.django_db


def test_demo_seeds_committee_and_requests_idempotently():
    context = seed_all()
    committee = Committee.objects.get(name="MOIR Data Access Committee")
    assert committee.organisation == context["org.repository"]
    assert committee.decision_rule == "chair"
    assert set(committee.datasets.all()) == set(context["org.repository"].datasets.all())
    chair = committee.members.get(is_chair=True)
    assert chair.person.email == "committee@demo.example"

    approved = context["access_request.approved"]
    assert approved.state == AccessRequest.State.APPROVED
    item = approved.items.get()
    assert item.outcome == "approved"
    assert item.dataset != context["dataset.breast"]
    assert approved.researcher.email == "researcher@demo.example"
    assert approved.for_profit and approved.commercial
    pending = context["access_request.pending"]
    assert pending.state == AccessRequest.State.SUBMITTED
    assert pending.items.get().committee == committee

    again = seed_all()
    assert not again.created_anything
    assert AccessRequest.objects.count() == 2
