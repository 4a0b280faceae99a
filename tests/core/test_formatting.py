"""One way to write dates, times and numbers, per language, for pages, emails and PDFs."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from governance.core.times import (
    BRUSSELS,
    format_day,
    format_moment,
    format_number,
    format_span,
    last_day,
    parse_number,
)
from governance.notifications.services import render_email

WINTER_EVENING = datetime(2026, 12, 5, 21, 2, tzinfo=UTC)  # 22:02 in Brussels (CET)
SUMMER_NIGHT = datetime(2024, 6, 10, 21, 59, tzinfo=UTC)  # 23:59 in Brussels (CEST)
# `|date` formats that are for software (attributes, ISO 8601), not for people.
MACHINE_FORMATS = {"c", r"Y-m-d\TH:i:s\Z", r"Y-m-d\TH:i:s.u\Z"}


def render(source: str, **context) -> str:
    return Template("{% load formatting %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "5 December 2026", "5 December 2026, 22:02 CET"),
        ("es", "5 de diciembre de 2026", "5 de diciembre de 2026, 22:02 CET"),
        ("fr", "5 décembre 2026", "5 décembre 2026, 22:02 CET"),
        ("de", "5. Dezember 2026", "5. Dezember 2026, 22:02 CET"),
        # Italian months in lower case (Django's own catalogue capitalises them).
        ("it", "5 dicembre 2026", "5 dicembre 2026, 22:02 CET"),
    ],
)
def test_dates_and_times_are_written_the_languages_way(language, day, moment):
    with translation.override(language):
        assert format_day(WINTER_EVENING) == day
        assert format_day(date(2026, 12, 5)) == day
        assert format_moment(WINTER_EVENING) == moment
        assert render("{{ t|day }}|{{ t|moment }}|{{ t }}", t=WINTER_EVENING) == (
            f"{day}|{moment}|{moment}"
        )


def test_a_time_names_its_zone_summer_or_winter():
    assert format_moment(SUMMER_NIGHT) == "10 June 2024, 23:59 CEST"
    assert format_moment(WINTER_EVENING, UTC) == "5 December 2026, 21:02 UTC"


def test_a_day_given_where_a_moment_is_expected_is_written_as_a_day():
    assert format_moment(date(2027, 1, 1)) == "1 January 2027"


def test_a_date_without_a_filter_is_written_like_one_with_it():
    assert render("{{ d }}", d=date(2027, 1, 1)) == "1 January 2027"


def test_a_period_ending_at_midnight_reads_as_ending_the_day_before():
    end = datetime(2028, 1, 1, 0, 0, tzinfo=BRUSSELS)

    assert last_day(end) == date(2027, 12, 31)
    assert render("valid until {{ end|last_day|day }}", end=end) == "valid until 31 December 2027"
    assert last_day(datetime(2028, 1, 1, 0, 1, tzinfo=BRUSSELS)) == date(2028, 1, 1)


def test_an_event_on_one_day_is_written_with_its_weekday_and_both_times():
    start = datetime(2026, 12, 8, 10, 0, tzinfo=BRUSSELS)
    end = datetime(2026, 12, 8, 11, 30, tzinfo=BRUSSELS)

    assert format_span(start, end) == "Tuesday 8 December 2026, 10:00\N{EN DASH}11:30 CET"
    with translation.override("es"):
        assert format_span(start, end) == (
            "martes 8 de diciembre de 2026, 10:00\N{EN DASH}11:30 CET"
        )


@pytest.mark.parametrize(
    ("language", "value", "written"),
    [
        ("en", Decimal("8E+2"), "800"),
        ("en", "8E+2", "800"),
        ("en", Decimal("10000000.00"), "10,000,000"),
        ("en", Decimal("2.50"), "2.5"),
        ("en", 1234567, "1,234,567"),
        ("es", Decimal("10000000"), "10.000.000"),
        ("es", Decimal("2.5"), "2,5"),
    ],
)
def test_numbers_are_written_the_languages_way(language, value, written):
    with translation.override(language):
        assert format_number(value) == written
        assert render("{{ n|number }}", n=value) == written


def test_a_number_in_an_input_field_is_not_grouped_and_reads_back():
    with translation.override("es"):
        assert format_number(Decimal("1234.5"), grouping=False) == "1234,5"
        assert parse_number("1234,5") == "1234.5"


@pytest.mark.parametrize(
    ("language", "deadline"),
    [("en", "10 June 2024, 23:59 CEST"), ("es", "10 de junio de 2024, 23:59 CEST")],
)
def test_an_email_writes_its_dates_in_the_recipients_language(language, deadline):
    call = SimpleNamespace(title="Open call", deadline=SUMMER_NIGHT, summary="Join.")
    with translation.override(language):
        _, text, _ = render_email(
            template="calls/opened", context={"call": call, "url": "", "unsubscribe_url": ""}
        )

    assert deadline in text


def test_no_template_writes_a_date_its_own_way():
    """Pages, emails and PDFs use `day`, `moment`, `span` or the locale's formats, never their
    own `|date:"..."` (the three styles side by side of issue 20)."""
    own_ways = []
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.*"):
        for fmt in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text(encoding="utf-8")):
            if fmt not in MACHINE_FORMATS:
                own_ways.append(f"{path.name}: {fmt}")
    assert own_ways == []


def test_no_python_code_writes_a_month_name_with_strftime():
    own_ways = [
        str(path)
        for path in (Path(settings.BASE_DIR) / "governance").rglob("*.py")
        if re.search(r"%B|%b\b|%A", path.read_text(encoding="utf-8"))
    ]
    assert own_ways == []
