import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.consent import importing
from governance.consent.importing import ImportRefused, import_records
from governance.consent.models import ConsentRecord
from tests.consent.factories import ConsentFormFactory, ConsentRecordFactory, csv_file, row

pytestmark = pytest.mark.django_db


def test_import_creates_every_row(holder, dataset, consent_form):
    file = csv_file(
        row("SUBJ-0001", consent_form),
        row("SUBJ-0002", consent_form, scope="non_commercial", altruism="yes"),
        "",  # a blank line is not a row
        row("SUBJ-0003", consent_form, scope="own_disease"),
    )

    report = import_records(actor=holder, dataset=dataset, file=file)

    assert (report.rows, report.created, report.unchanged) == (3, 3, 0)
    second = ConsentRecord.objects.get(dataset=dataset, pseudonym="SUBJ-0002")
    assert second.scope == "non_commercial"
    assert second.data_altruism is True
    assert second.status == "given"
    event = AuditEvent.objects.get(action="consent.imported")
    assert event.after["created"] == 3
    assert event.after["sha256"] == report.sha256


def test_import_bad_row_in_the_middle_imports_nothing(holder, dataset, consent_form):
    ConsentRecordFactory(dataset=dataset, form=consent_form, pseudonym="KEPT-0001")
    good = [row(f"SUBJ-{n:04d}", consent_form) for n in range(1, 6)]
    file = csv_file(
        *good[:2],
        row("jane.doe@example.org", consent_form),
        row("SUBJ-0099", consent_form, given_on="01/05/2024", scope="everything"),
        *good[2:],
    )

    with pytest.raises(ImportRefused) as refused:
        import_records(actor=holder, dataset=dataset, file=file)

    report = refused.value.report
    assert report.error_count == 2
    assert [error.line for error in report.errors] == [4, 5]
    assert "e-mail address" in report.errors[0].messages[0]
    messages = " ".join(report.errors[1].messages)
    assert "YYYY-MM-DD" in messages and "“everything” is unknown" in messages
    assert list(ConsentRecord.objects.values_list("pseudonym", flat=True)) == ["KEPT-0001"]
    assert not AuditEvent.objects.filter(action="consent.imported").exists()


def test_import_same_file_again_changes_nothing(holder, dataset, consent_form):
    content = csv_file(*(row(f"SUBJ-{n:04d}", consent_form) for n in range(1, 8))).getvalue()
    import_records(actor=holder, dataset=dataset, file=csv_file_from(content))
    before = list(ConsentRecord.objects.order_by("pk").values())
    events = AuditEvent.objects.count()

    report = import_records(actor=holder, dataset=dataset, file=csv_file_from(content))

    assert (report.rows, report.created, report.unchanged) == (7, 0, 7)
    assert list(ConsentRecord.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_import_in_batches_adds_only_new_rows(holder, dataset, consent_form, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 3)
    import_records(
        actor=holder,
        dataset=dataset,
        file=csv_file(*(row(f"SUBJ-{n:04d}", consent_form) for n in range(1, 5))),
    )

    report = import_records(
        actor=holder,
        dataset=dataset,
        file=csv_file(*(row(f"SUBJ-{n:04d}", consent_form) for n in range(1, 11))),
    )

    assert (report.created, report.unchanged) == (6, 4)
    assert ConsentRecord.objects.filter(dataset=dataset).count() == 10


def test_import_row_differing_from_the_stored_record_is_refused(holder, dataset, consent_form):
    ConsentRecordFactory(
        dataset=dataset, form=consent_form, pseudonym="SUBJ-0001", given_on="2024-05-01"
    )

    with pytest.raises(ImportRefused) as refused:
        import_records(
            actor=holder,
            dataset=dataset,
            file=csv_file(row("SUBJ-0001", consent_form, given_on="2024-06-01")),
        )

    [error] = refused.value.report.errors
    assert error.line == 2
    assert "already has a different consent record" in error.messages[0]
    assert "2024-05-01" in error.messages[0]


def test_import_does_not_revive_a_withdrawn_consent(holder, dataset, consent_form):
    from governance.consent.services import record_withdraw

    import_records(actor=holder, dataset=dataset, file=csv_file(row("SUBJ-0001", consent_form)))
    record = ConsentRecord.objects.get()
    record_withdraw(actor=holder, record=record, withdrawn_on=record.given_on, scope="future_use")

    report = import_records(
        actor=holder, dataset=dataset, file=csv_file(row("SUBJ-0001", consent_form))
    )

    assert report.unchanged == 1
    record.refresh_from_db()
    assert record.status == "withdrawn"


def test_import_repeated_pseudonym_names_both_lines(holder, dataset, consent_form):
    file = csv_file(
        row("SUBJ-0001", consent_form),
        row("SUBJ-0002", consent_form),
        row("SUBJ-0001", consent_form),
    )

    with pytest.raises(ImportRefused) as refused:
        import_records(actor=holder, dataset=dataset, file=file)

    [error] = refused.value.report.errors
    assert error.line == 4
    assert "repeats line 2" in error.messages[0]


def test_import_header_must_name_the_columns(holder, dataset, consent_form):
    file = csv_file(row("SUBJ-0001", consent_form), header="pseudonym,form,version,given_on")

    with pytest.raises(ImportRefused) as refused:
        import_records(actor=holder, dataset=dataset, file=file)

    message = refused.value.report.errors[0].messages[0]
    assert "missing column(s): form_version, scope" in message
    assert "unknown column(s): version" in message


def test_import_form_of_another_holder_is_refused(holder, dataset):
    foreign = ConsentFormFactory(code="foreign")

    with pytest.raises(ImportRefused) as refused:
        import_records(actor=holder, dataset=dataset, file=csv_file(row("SUBJ-0001", foreign)))

    assert "no consent form “foreign” version 1" in refused.value.report.errors[0].messages[0]


def test_import_report_is_capped(holder, dataset, consent_form):
    file = csv_file(*(row(f"SUBJ-{n:05d}", consent_form, scope="x") for n in range(1200)))

    with pytest.raises(ImportRefused) as refused:
        import_records(actor=holder, dataset=dataset, file=file)

    report = refused.value.report
    assert report.error_count == 1200
    assert len(report.errors) == importing.MAX_ERRORS
    assert report.as_dict()["errors_truncated"] is True


def test_import_by_another_holder_is_not_permitted(other_holder, dataset, consent_form):
    from governance.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        import_records(
            actor=other_holder, dataset=dataset, file=csv_file(row("SUBJ-0001", consent_form))
        )


def test_api_import_reports_created_rows(client, holder, dataset, consent_form):
    client.force_login(holder)
    upload = SimpleUploadedFile(
        "consent.csv", csv_file(row("SUBJ-0001", consent_form)).getvalue(), "text/csv"
    )

    response = client.post(
        "/api/v1/consent-records/import/", {"dataset": dataset.pk, "file": upload}
    )

    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert response.json()["imported"] is True


def test_api_import_bad_file_is_400_with_the_lines(client, holder, dataset, consent_form):
    client.force_login(holder)
    content = csv_file(row("SUBJ-0001", consent_form), row("12345678Z", consent_form)).getvalue()

    response = client.post(
        "/api/v1/consent-records/import/",
        {"dataset": dataset.pk, "file": SimpleUploadedFile("c.csv", content, "text/csv")},
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid_import"
    assert body["errors"][0]["line"] == 3
    assert "Spanish national identity number" in body["errors"][0]["messages"][0]
    assert not ConsentRecord.objects.exists()


def test_api_import_into_another_holders_dataset_is_404(client, other_holder, dataset):
    client.force_login(other_holder)

    response = client.post(
        "/api/v1/consent-records/import/",
        {"dataset": dataset.pk, "file": SimpleUploadedFile("c.csv", b"pseudonym\n", "text/csv")},
    )

    assert response.status_code == 404


def test_import_page_shows_the_bad_lines(client, holder, dataset, consent_form):
    client.force_login(holder)
    content = csv_file(row("SUBJ-0001", consent_form), row("+34 612 345 678", consent_form))

    response = client.post(
        reverse("consent:import", args=[dataset.pk]),
        {"file": SimpleUploadedFile("c.csv", content.getvalue(), "text/csv")},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert "looks like a phone number" in html
    assert not ConsentRecord.objects.exists()


def test_import_page_imports_and_returns_to_the_dataset(client, holder, dataset, consent_form):
    client.force_login(holder)
    content = csv_file(row("SUBJ-0001", consent_form))

    response = client.post(
        reverse("consent:import", args=[dataset.pk]),
        {"file": SimpleUploadedFile("c.csv", content.getvalue(), "text/csv")},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("consent:dataset", args=[dataset.pk])
    assert "1 new records" in response.content.decode()


def test_import_page_of_another_holders_dataset_is_404(client, other_holder, dataset):
    client.force_login(other_holder)

    assert client.get(reverse("consent:import", args=[dataset.pk])).status_code == 404


def csv_file_from(content: bytes):
    import io

    return io.BytesIO(content)


def test_import_command_reads_a_file_from_disk(holder, dataset, consent_form, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "consent.csv"
    path.write_bytes(csv_file(row("SUBJ-0001", consent_form)).getvalue())

    call_command("import_consent_records", dataset.pk, str(path), "--as", holder.email)

    assert dataset.consent_records.get().pseudonym == "SUBJ-0001"


def test_import_command_refused_file_changes_nothing(holder, dataset, consent_form, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "consent.csv"
    path.write_bytes(csv_file(row("SUBJ-0001", consent_form), row("x", consent_form)).getvalue())

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_consent_records", dataset.pk, str(path), "--as", holder.email)
    assert not dataset.consent_records.exists()


def test_import_hash_collisions_never_reject_a_good_file(
    holder, dataset, consent_form, monkeypatch
):
    # Every pseudonym gets the same hash: only the exact re-check may decide.
    monkeypatch.setattr(importing, "hash", lambda value: 42, raising=False)
    file = csv_file(*(row(f"SUBJ-{n:04d}", consent_form) for n in range(1, 6)))

    report = import_records(actor=holder, dataset=dataset, file=file)

    assert report.created == 5
