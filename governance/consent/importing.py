"""Importing consent records from CSV: all rows or none, streamed, idempotent.

The file is read twice with a csv reader over the uploaded file (never loaded whole):

1. Validate every row. Only a compact trace of the pseudonyms seen is kept (one 64-bit hash per
   row in arrays: 8 bytes a row, not the rows) to find repeats; rows are compared with the stored
   records in batches. A row equal to the stored record for its (dataset, pseudonym) counts as
   unchanged; a row that differs from it is an error: an import never overwrites a recorded
   consent (a withdrawn one stays withdrawn; re-importing the original file changes nothing).
2. Only if no row is bad: insert the new rows with bulk_create in batches, ignoring the rows that
   exist already, inside the same transaction (the dataset row is locked for the whole import).

Columns: pseudonym, form (the form's code), form_version, given_on (YYYY-MM-DD), scope
(all_uses, non_commercial or own_disease), and optionally data_altruism (yes/no).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import uuid
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit.services import record as audit
from governance.catalogue.models import Dataset
from governance.consent import selectors
from governance.consent.models import ConsentForm, ConsentRecord
from governance.consent.services import check_manages_dataset, record_problems
from governance.core.errors import PortalError

REQUIRED_COLUMNS = ("pseudonym", "form", "form_version", "given_on", "scope")
OPTIONAL_COLUMNS = ("data_altruism",)
MAX_ERRORS = 1000
BATCH_SIZE = 5000
COPY_COLUMNS = (
    "dataset_id",
    "pseudonym",
    "form_id",
    "given_on",
    "scope",
    "data_altruism",
    "status",
    "created_at",
    "updated_at",
)
TRUE_VALUES = {"yes", "y", "true", "1"}
FALSE_VALUES = {"", "no", "n", "false", "0"}
BOOLEAN_VALUES = frozenset(TRUE_VALUES | FALSE_VALUES)

# (pseudonym, form id, given on, scope, data altruism): what a row says, as stored.
Values = tuple[str, int, datetime.date, str, bool]


@dataclass
class RowError:
    line: int
    pseudonym: str
    messages: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "pseudonym": self.pseudonym, "messages": self.messages}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    sha256: str = ""

    def add_error(self, line: int, pseudonym: str, messages: list[str]) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, pseudonym[:80], messages))

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.ok,
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors_truncated": self.errors_truncated,
            "errors": [error.as_dict() for error in self.errors],
            "sha256": self.sha256,
        }


class ImportRefused(PortalError):
    """At least one row is bad, so no row was imported; `report` names them."""

    code = "invalid_import"
    status = 400

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            _(
                "Nothing was imported: %(count)s row(s) have problems. Correct them and import "
                "the whole file again."
            )
            % {"count": report.error_count}
        )
        self.report = report


class SeenKeys:
    """Which pseudonyms occurred, as 64-bit hashes in 256 arrays (8 bytes per row).

    A repeated hash is only a candidate: `import_records` re-reads the file to confirm it on
    the exact strings, so a hash collision never rejects a good file.
    """

    def __init__(self) -> None:
        self.buckets = [array("q") for _ in range(256)]

    def add(self, key: str) -> None:
        value = hash(key)
        self.buckets[value & 0xFF].append(value)

    def repeated(self) -> set[int]:
        repeated: set[int] = set()
        for bucket in self.buckets:
            if len(set(bucket)) != len(bucket):
                seen: set[int] = set()
                for value in bucket:
                    if value in seen:
                        repeated.add(value)
                    seen.add(value)
        return repeated


def import_records(*, actor, dataset: Dataset, file: IO[bytes]) -> ImportReport:
    """Import a CSV of consent records into one dataset, all or nothing.

    Raises ImportRefused (with the report) when any row is bad; the database is then unchanged.
    """
    check_manages_dataset(actor, dataset)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        forms = {(form.code, form.version): form for form in selectors.forms_usable_for(dataset)}
        report = ImportReport(sha256=_sha256(file))
        had_records = ConsentRecord.objects.filter(dataset=dataset).exists()
        _validate(file, dataset, forms, report, had_records=had_records)
        if not report.ok:
            raise ImportRefused(report)
        if report.created:
            _insert(file, dataset, forms, had_records=had_records)
            audit(
                actor=actor,
                action="consent.imported",
                obj=dataset,
                after={
                    "rows": report.rows,
                    "created": report.created,
                    "unchanged": report.unchanged,
                    "sha256": report.sha256,
                },
            )
    return report


# Reading


@contextmanager
def _csv_rows(file: IO[bytes]) -> Iterator[Iterator[tuple[int, list[str]]]]:
    """(line number, values) for each row after the header; the header is checked first."""
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    try:
        reader = csv.reader(text)
        yield ((reader.line_num, row) for row in reader)
    finally:
        text.detach()


def _header(rows: Iterator[tuple[int, list[str]]]) -> dict[str, int] | str:
    """Column positions, or a message saying what is wrong with the header."""
    first = next(rows, None)
    if first is None:
        return _("The file is empty; the first line must name the columns.")
    names = [name.strip().lower() for name in first[1]]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unknown = [name for name in names if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    problems = []
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
    if len(set(names)) != len(names):
        problems.append(_("a column is named twice"))
    if problems:
        return _(
            "The first line must name the columns %(required)s (and optionally %(optional)s): "
            "%(problems)s."
        ) % {
            "required": ", ".join(REQUIRED_COLUMNS),
            "optional": ", ".join(OPTIONAL_COLUMNS),
            "problems": "; ".join(problems),
        }
    return {name: names.index(name) for name in names}


class _RowReader:
    """Turns a CSV row into stored values, or into messages saying what is wrong."""

    def __init__(self, columns: dict[str, int], forms: dict[tuple[str, int], ConsentForm]):
        self.columns = columns
        self.width = len(columns)
        self.forms = forms
        self.today = timezone.localdate()
        self.altruism_at = columns.get("data_altruism")

    def read(self, row: list[str], *, check: bool = True) -> tuple[Values | None, list[str]]:
        if len(row) != self.width:
            return None, [
                _("The row has %(found)s values; the header names %(expected)s columns.")
                % {"found": len(row), "expected": self.width}
            ]
        cell = self.columns
        pseudonym = row[cell["pseudonym"]].strip()
        code = row[cell["form"]].strip()
        scope = row[cell["scope"]].strip()
        messages: list[str] = []
        form = None
        version_text = row[cell["form_version"]].strip()
        if not version_text.isdigit():
            messages.append(
                _("The form version “%(value)s” is not a whole number.") % {"value": version_text}
            )
        else:
            form = self.forms.get((code, int(version_text)))
            if form is None:
                messages.append(
                    _(
                        "There is no consent form “%(code)s” version %(version)s in use for this "
                        "dataset (the custodian's own forms and federation-wide ones count)."
                    )
                    % {"code": code, "version": version_text}
                )
        given_text = row[cell["given_on"]].strip()
        try:
            given_on = datetime.date.fromisoformat(given_text)
        except ValueError:
            given_on = None
            messages.append(
                _("The date “%(value)s” is not a date written as YYYY-MM-DD.")
                % {"value": given_text}
            )
        altruism_text = (
            row[self.altruism_at].strip().lower() if self.altruism_at is not None else ""
        )
        if altruism_text not in BOOLEAN_VALUES:
            messages.append(
                _("data_altruism must be yes or no, not “%(value)s”.") % {"value": altruism_text}
            )
        altruism = altruism_text in TRUE_VALUES
        if check:
            messages.extend(
                record_problems(
                    pseudonym=pseudonym,
                    form=form,
                    given_on=given_on,
                    scope=scope,
                    data_altruism=altruism,
                    today=self.today,
                ).messages()
            )
        if messages or form is None or given_on is None:
            return None, messages
        return (pseudonym, form.pk, given_on, scope, altruism), []


# Pass 1: validate


def _validate(
    file: IO[bytes],
    dataset: Dataset,
    forms: dict[tuple[str, int], ConsentForm],
    report: ImportReport,
    *,
    had_records: bool,
) -> None:
    seen = SeenKeys()
    batch: list[tuple[int, Values]] = []

    def compare(batch: list[tuple[int, Values]]) -> None:
        if not had_records:
            report.created += len(batch)
            return
        stored = {
            values[0]: values
            for values in ConsentRecord.objects.filter(
                dataset=dataset, pseudonym__in=[values[0] for _line, values in batch]
            ).values_list("pseudonym", "form_id", "given_on", "scope", "data_altruism")
        }
        for line, values in batch:
            existing = stored.get(values[0])
            if existing is None:
                report.created += 1
            elif existing == values:
                report.unchanged += 1
            else:
                report.add_error(line, values[0], [_differs(existing, forms)])

    try:
        with _csv_rows(file) as rows:
            columns = _header(rows)
            if isinstance(columns, str):
                report.add_error(1, "", [columns])
                return
            reader = _RowReader(columns, forms)
            for line, row in rows:
                if _blank(row):
                    continue  # blank lines are not rows
                report.rows += 1
                values, messages = reader.read(row)
                pseudonym = values[0] if values else _cell(row, columns, "pseudonym")
                seen.add(pseudonym)
                if messages or values is None:
                    report.add_error(line, pseudonym, messages)
                    continue
                batch.append((line, values))
                if len(batch) >= BATCH_SIZE:
                    compare(batch)
                    batch = []
            compare(batch)
    except UnicodeDecodeError:
        report.add_error(0, "", [_("The file is not UTF-8 text; save it as CSV (UTF-8).")])
        return
    except csv.Error as error:
        report.add_error(0, "", [_("The file is not valid CSV: %(error)s") % {"error": error}])
        return
    repeated = seen.repeated()
    if repeated:
        _report_repeats(file, columns, repeated, report)


def _report_repeats(file, columns: dict[str, int], repeated: set[int], report) -> None:
    """Re-read the file for the few candidate repeats and confirm them on the exact pseudonym."""
    first_line: dict[str, int] = {}
    with _csv_rows(file) as rows:
        next(rows, None)
        for line, row in rows:
            if _blank(row):
                continue
            pseudonym = _cell(row, columns, "pseudonym")
            if hash(pseudonym) not in repeated:
                continue
            if pseudonym in first_line:
                report.add_error(
                    line,
                    pseudonym,
                    [
                        _(
                            "The pseudonym repeats line %(line)s: a subject has one record "
                            "per dataset."
                        )
                        % {"line": first_line[pseudonym]}
                    ],
                )
            else:
                first_line[pseudonym] = line


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns[name]
    return row[index].strip() if index < len(row) else ""


def _differs(existing: tuple, forms: dict[tuple[str, int], ConsentForm]) -> str:
    by_id = {form.pk: form for form in forms.values()}
    form = by_id.get(existing[1])
    return _(
        "This subject already has a different consent record for this dataset (form %(form)s, "
        "given on %(date)s, scope %(scope)s). An import never overwrites a recorded consent: "
        "correct the row, or record a withdrawal on the subject's page."
    ) % {
        "form": f"{form.code} v{form.version}" if form else existing[1],
        "date": existing[2].isoformat(),
        "scope": existing[3],
    }


# Pass 2: insert


def _insert(
    file: IO[bytes],
    dataset: Dataset,
    forms: dict[tuple[str, int], ConsentForm],
    *,
    had_records: bool,
) -> None:
    rows = _valid_rows(file, forms)
    if connection.vendor == "postgresql":
        _copy(rows, dataset, had_records=had_records)
        return
    now = timezone.now()
    batch: list[ConsentRecord] = []
    for values in rows:
        batch.append(
            ConsentRecord(
                dataset_id=dataset.pk,
                pseudonym=values[0],
                form_id=values[1],
                given_on=values[2],
                scope=values[3],
                data_altruism=values[4],
                status=ConsentRecord.Status.GIVEN,
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) >= BATCH_SIZE:
            ConsentRecord.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        ConsentRecord.objects.bulk_create(batch, ignore_conflicts=True)


def _valid_rows(file: IO[bytes], forms: dict[tuple[str, int], ConsentForm]) -> Iterator[Values]:
    with _csv_rows(file) as rows:
        columns = _header(rows)
        if isinstance(columns, str):  # the file was checked before it is imported
            raise ValueError(columns)
        reader = _RowReader(columns, forms)
        for _line, row in rows:
            if _blank(row):
                continue
            values, messages = reader.read(row, check=False)
            if values is None:
                raise ValueError("; ".join(messages))
            yield values


def _copy(rows: Iterator[Values], dataset: Dataset, *, had_records: bool) -> None:
    """PostgreSQL: COPY the rows in, in the same transaction.

    bulk_create spends most of its time building SQL in Python (measured: about 4,500 rows/s
    on two cores); COPY streams them at several times that. Pseudonyms, dates and scopes were
    validated to contain no tab, newline or backslash, so each row is written as is. Into an
    empty dataset the rows go straight into the table; otherwise through a temporary table and
    INSERT ... ON CONFLICT DO NOTHING, which skips the records that exist already.
    """
    table = ConsentRecord._meta.db_table
    target = table if not had_records else f"consent_import_{uuid.uuid4().hex}"
    now = timezone.now().isoformat()
    fields = ", ".join(COPY_COLUMNS)
    with connection.cursor() as cursor:
        if had_records:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "  # noqa: S608  # nosec B608 # table names from the model and a uuid
                f"SELECT {fields} FROM {table} WITH NO DATA"
            )
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {target} ({fields}) FROM STDIN") as copy:
            lines = []
            for pseudonym, form_id, given_on, scope, altruism in rows:
                lines.append(
                    f"{dataset.pk}\t{pseudonym}\t{form_id}\t{given_on.isoformat()}\t{scope}\t"
                    f"{'t' if altruism else 'f'}\tgiven\t{now}\t{now}\n"
                )
                if len(lines) >= BATCH_SIZE:
                    copy.write("".join(lines))
                    lines = []
            if lines:
                copy.write("".join(lines))
        if had_records:
            # Only identifiers from the model and a uuid are interpolated, never input.
            cursor.execute(
                f"INSERT INTO {table} ({fields}) SELECT {fields} FROM {target} "  # noqa: S608  # nosec B608 # table and column names from the model
                "ON CONFLICT (dataset_id, pseudonym) DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {target}")


def _blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _sha256(file: IO[bytes]) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
