"""Cells of every CSV and XLSX export, made safe to open in a spreadsheet.

Exports carry text typed by people outside the portal's trust (survey answers, proposal titles,
names). A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is
run as a formula by Excel, LibreOffice and Google Sheets: "CSV injection" (OWASP). Such a cell
is written with a leading apostrophe, which spreadsheets show as text and do not display; a
plain number such as "-5" or "+3.5" stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+([.,]\d+)?")


def safe_cell(value: Any) -> Any:
    starts_formula = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if starts_formula and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
