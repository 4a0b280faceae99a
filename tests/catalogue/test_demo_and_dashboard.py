import pytest
from django.urls import reverse

from governance.catalogue import dashboard, demo, services
from governance.catalogue.models import AvailabilityStatement, Dataset
from governance.core.demo import DemoContext
from tests.catalogue.factories import DatasetFactory, draft, published

pytestmark = pytest.mark.django_db


def seeded() -> DemoContext:
    from governance.accounts import demo as accounts_demo

    context = DemoContext()
    accounts_demo.seed(context)
    demo.seed(context)
    return context


def test_demo_catalogue_has_the_datasets_the_spec_asks_for():
    context = seeded()

    datasets = Dataset.objects.filter(custodian=context["org.repository"])
    assert datasets.count() == len(demo.DATASETS)
    assert all(d.current_statement_id for d in datasets)
    proprietary_federated = [
        d for d in datasets if d.is_federated_only and d.current_statement.is_proprietary
    ]
    assert len(proprietary_federated) == 1
    ds_ncu = [
        d
        for d in datasets
        if d.current_statement.duo_permission_id == "DUO:0000007"
        and d.current_statement.modifiers.filter(duo_term_id="DUO:0000046").exists()
    ]
    assert len(ds_ncu) == 1
    modalities = set(datasets.values_list("modalities__code", flat=True))
    assert {"MR", "CT", "US", "NM", "PT", "DX", "MG"} <= modalities


def test_demo_catalogue_is_idempotent():
    seeded()
    counts = (Dataset.objects.count(), AvailabilityStatement.objects.count())

    context = seeded()

    assert (Dataset.objects.count(), AvailabilityStatement.objects.count()) == counts
    assert context.created["datasets"] == 0


def test_dashboard_lists_drafts_and_unpublished_datasets(holder, holder_org):
    with_draft = DatasetFactory(custodian=holder_org, title="Has a draft")
    statement = draft(with_draft, holder)
    DatasetFactory(custodian=holder_org, title="Never written")
    published(DatasetFactory(custodian=holder_org, title="Done"), holder)

    (section,) = dashboard.sections(holder, frozenset({"data_holder"}))

    items = {item.text: item.url for item in section.items}
    assert items == {
        "Has a draft": reverse("catalogue:statement_edit", args=[statement.pk]),
        "Never written": reverse(
            "catalogue:dataset", args=[Dataset.objects.get(title="Never written").pk]
        ),
    }


def test_dashboard_nothing_for_other_roles(alice):
    assert dashboard.sections(alice, frozenset({"researcher"})) == []


def test_dashboard_page_shows_the_section(client, holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, title="Waiting dataset")
    services.statement_create_draft(actor=holder, dataset=dataset)
    client.force_login(holder)

    response = client.get(reverse("core:dashboard"))

    assert "Waiting dataset" in response.content.decode()
