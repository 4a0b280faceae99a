"""How German pages, emails and PDFs write dates and times: "5. Dezember 2026" and
"5. Dezember 2026, 22:02 CET"."""

DATE_FORMAT = r"j. F Y"
DATETIME_FORMAT = r"j. F Y, H:i T"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j. F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
