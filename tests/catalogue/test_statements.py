import datetime

import pytest
from django.db import transaction
from django.utils import translation

from governance.audit.models import AuditEvent
from governance.catalogue import services
from governance.catalogue.models import AvailabilityStatement, StatementIsFinal, StatementModifier
from governance.core.errors import InvalidTransition, NotPermitted
from tests.catalogue.factories import DatasetFactory, conditions, draft, duo, published

pytestmark = pytest.mark.django_db


def test_statement_publish_makes_it_current_and_audits(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    statement = draft(dataset, holder)

    services.statement_publish(actor=holder, statement=statement)

    statement.refresh_from_db()
    dataset.refresh_from_db()
    assert statement.state == "published"
    assert statement.published_by == holder
    assert dataset.current_statement == statement
    assert AuditEvent.objects.filter(
        action="catalogue.statement_published", object_id=str(statement.pk)
    ).exists()


def test_statement_new_version_copies_the_published_one(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    first = published(
        dataset,
        holder,
        access_conditions=conditions("download", "in_situ_processing"),
        modifiers=[{"duo_term": duo("TS"), "months": 12}],
        licence_name="CC BY 4.0",
    )

    second = services.statement_new_version(actor=holder, statement=first)

    assert (second.version, second.state, second.supersedes) == (2, "draft", first)
    assert second.licence_name == "CC BY 4.0"
    assert {c.code for c in second.access_conditions.all()} == {"download", "in_situ_processing"}
    assert [(m.duo_term.shorthand, m.months) for m in second.modifiers.all()] == [("TS", 12)]


def test_statement_publishing_a_new_version_supersedes_the_old(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    first = published(dataset, holder)
    second = services.statement_new_version(actor=holder, statement=first)
    services.statement_update_draft(
        actor=holder, statement=second, data={"licence_name": "MOIR licence"}
    )

    services.statement_publish(actor=holder, statement=second)

    first.refresh_from_db()
    dataset.refresh_from_db()
    assert first.state == "superseded"
    assert first.licence_name == ""  # the old version keeps what it said
    assert dataset.current_statement_id == second.pk
    assert list(dataset.statements.values_list("version", "state").order_by("version")) == [
        (1, "superseded"),
        (2, "published"),
    ]


def test_statement_update_of_published_is_refused(holder, holder_org):
    statement = published(DatasetFactory(custodian=holder_org), holder)

    with pytest.raises(StatementIsFinal) as error:
        services.statement_update_draft(
            actor=holder, statement=statement, data={"licence_name": "Changed"}
        )

    assert "new version" in error.value.detail
    statement.refresh_from_db()
    assert statement.licence_name == ""


def test_statement_model_save_of_published_is_refused(holder, holder_org):
    statement = published(DatasetFactory(custodian=holder_org), holder)
    statement.licence_name = "Changed behind the service's back"

    with pytest.raises(StatementIsFinal), transaction.atomic():
        statement.save()
    with pytest.raises(StatementIsFinal), transaction.atomic():
        statement.save(update_fields=["licence_name"])
    with pytest.raises(StatementIsFinal), transaction.atomic():
        statement.access_conditions.set(conditions("download"))
    with pytest.raises(StatementIsFinal), transaction.atomic():
        StatementModifier.objects.create(statement=statement, duo_term=duo("PUB"))
    statement.refresh_from_db()
    assert list(statement.access_conditions.values_list("code", flat=True)) == [
        "in_situ_processing"
    ]


def test_statement_publish_twice_is_an_invalid_transition(holder, holder_org):
    statement = published(DatasetFactory(custodian=holder_org), holder)

    with pytest.raises(InvalidTransition) as error:
        services.statement_publish(actor=holder, statement=statement)

    assert error.value.code == "invalid_transition"


def test_statement_second_draft_is_refused(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    draft(dataset, holder)

    with pytest.raises(InvalidTransition, match="already a draft"):
        services.statement_create_draft(actor=holder, dataset=dataset)


def test_statement_new_version_of_superseded_is_refused(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    first = published(dataset, holder)
    services.statement_publish(
        actor=holder, statement=services.statement_new_version(actor=holder, statement=first)
    )
    first.refresh_from_db()

    with pytest.raises(InvalidTransition, match="Only the published version"):
        services.statement_new_version(actor=holder, statement=first)


def test_statement_services_refuse_another_holder(holder_org, other_holder):
    dataset = DatasetFactory(custodian=holder_org)

    with pytest.raises(NotPermitted):
        services.statement_create_draft(actor=other_holder, dataset=dataset)
    assert not AvailabilityStatement.objects.exists()


def test_statement_publish_refuses_contradictions(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org, hosting="federated")
    statement = draft(dataset, holder, access_conditions=conditions("download"))

    with pytest.raises(services.ContradictoryStatement) as error:
        services.statement_publish(actor=holder, statement=statement)

    assert [p.code for p in error.value.problems] == ["download_on_federated_data"]
    statement.refresh_from_db()
    assert statement.state == "draft"


def test_dataset_hosting_change_to_federated_refused_while_download_is_offered(holder, holder_org):
    dataset = DatasetFactory(custodian=holder_org)
    published(dataset, holder, access_conditions=conditions("download"))

    with pytest.raises(services.PortalError, match="without download access first"):
        services.dataset_update(actor=holder, dataset=dataset, data={"hosting": "federated"})


def test_dataset_update_by_another_holder_is_refused(holder_org, other_holder):
    dataset = DatasetFactory(custodian=holder_org, title="Original")

    with pytest.raises(NotPermitted):
        services.dataset_update(actor=other_holder, dataset=dataset, data={"title": "Mine"})
    dataset.refresh_from_db()
    assert dataset.title == "Original"


def test_dataset_create_by_holder_audits(holder, holder_org):
    from governance.catalogue.models import CancerType, Modality

    dataset = services.dataset_create(
        actor=holder,
        custodian=holder_org,
        data={
            "persistent_url": "https://doi.org/10.1234/x",
            "title": "Liver CT",
            "description": "CT",
            "subject_count": 10,
            "study_count": 12,
            "source": "real_world",
            "hosting": "central",
            "cancer_types": [CancerType.objects.get(code="liver")],
            "modalities": [Modality.objects.get(code="CT")],
        },
    )

    assert list(dataset.cancer_types.values_list("code", flat=True)) == ["liver"]
    assert AuditEvent.objects.filter(action="catalogue.dataset_created", actor=holder).exists()


def test_statement_embargo_data_survives_versioning(holder, holder_org):
    future = datetime.date.today() + datetime.timedelta(days=30)
    first = published(DatasetFactory(custodian=holder_org), holder, embargo_until=future)

    second = services.statement_new_version(actor=holder, statement=first)

    assert second.embargo_until == future


@pytest.mark.parametrize(
    ("language", "rights", "badge"),
    [
        ("en", "restricted", "Restricted access"),
        ("es", "restricted", "Acceso restringido"),
        ("fr", "public", "Accès public"),
        ("it", "non_public", "Accesso non pubblico"),
    ],
)
def test_statement_access_badge_is_one_phrase_in_each_language(language, rights, badge):
    statement = AvailabilityStatement(access_rights=rights)

    with translation.override(language):
        assert statement.access_badge == badge
