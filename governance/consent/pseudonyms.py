"""Is this a pseudonym, or something that identifies a person?

The portal holds consent without identities, so a value that looks like an e-mail address, a
phone number, a national identifier, a bank account or any long run of digits is refused, with
a message that says what it looks like. The checks are deliberately cautious: a holder whose
real pseudonyms trip one can prefix them with letters (e.g. "MOIR-…").
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 4
MAX_LENGTH = 64

SHAPE = r"[A-Za-z0-9][A-Za-z0-9._-]*"  # the API's schema says it too (consent/api.py)
_ALLOWED = re.compile(SHAPE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"(\+|00)[\d\s().-]{7,}|\(?\d{2,4}\)?(?:[\s.-]\d{2,4}){2,4}")
_DNI = re.compile(r"\d{8}[A-Z]")
_NIE = re.compile(r"[XYZ]\d{7}[A-Z]")
_CODICE_FISCALE = re.compile(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"
)
# YYMMDD-NNNN or YYYYMMDDNNNN (the sign may be "-" or "+", or missing).
_PERSONNUMMER = re.compile(r"(?:19|20)?\d{2}(0[1-9]|1[0-2])(\d{2})[-+]?\d{4}")
# Sex, year, month (or 20-99 for unknown), department (incl. Corsica 2A/2B), commune, order, key.
_NIR = re.compile(r"[1-478]\d{2}(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2A|2B)\d{6}(\d{2})?")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_DIGITS = re.compile(r"\d{9,}")
_ANY_DIGIT = re.compile(r"\d")
_DIGIT_SPACES = re.compile(r"(?<=\d)\s(?=\d)")


def problem_with(value: str) -> str | None:
    """Why `value` may not be a pseudonym, or None if it may.

    Cheap tests (a character, a length) come before each pattern: the CSV import calls this for
    every row of files with millions of rows.
    """
    if not value:
        return _("The pseudonym is empty.")
    if "@" in value and _EMAIL.fullmatch(value.strip()):
        return _("“%(value)s” looks like an e-mail address, which identifies a person.") % {
            "value": value
        }
    compact = value.replace(" ", "").replace(".", "").replace("-", "").upper()
    length = len(compact)
    if length == 9 and (_DNI.fullmatch(compact) or _NIE.fullmatch(compact)):
        return _("“%(value)s” looks like a Spanish national identity number (DNI or NIE).") % {
            "value": value
        }
    if length == 16 and _CODICE_FISCALE.fullmatch(compact):
        return _("“%(value)s” looks like an Italian tax code (codice fiscale).") % {"value": value}
    if length in (13, 15) and _NIR.fullmatch(compact):
        return _("“%(value)s” looks like a French social-security number (NIR).") % {"value": value}
    if 10 <= length <= 13 and value[0].isdigit() and _plausible_personnummer(value):
        return _("“%(value)s” looks like a Swedish personal identity number (personnummer).") % {
            "value": value
        }
    if 15 <= length <= 34 and _IBAN.fullmatch(compact) and _iban_checksum_ok(compact):
        return _("“%(value)s” looks like a bank account number (IBAN).") % {"value": value}
    if value[0] in "+(0123456789" and _PHONE.fullmatch(value.strip()):
        return _("“%(value)s” looks like a phone number.") % {"value": value}
    joined = _DIGIT_SPACES.sub("", value) if " " in value else value
    runs = _DIGITS.findall(joined)
    longest = max(map(len, runs)) if runs else 0
    # A long run that makes up most of the value (a hash-like pseudonym may contain a short one).
    if longest and (longest * 2 >= len(joined) or longest >= 12):
        return _(
            "“%(value)s” is mostly a long run of digits, like a phone, patient, social-security "
            "or account number. Use the code your pseudonymisation tool gives the subject."
        ) % {"value": value}
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH or not _ALLOWED.fullmatch(value):
        return _(
            "“%(value)s” is not a pseudonym: use %(min)s to %(max)s letters, digits, dots, "
            "hyphens or underscores, starting with a letter or digit."
        ) % {"value": value[:80], "min": MIN_LENGTH, "max": MAX_LENGTH}
    if _ANY_DIGIT.search(value) is None:
        return _(
            "“%(value)s” has no digit, so it may be a name. Pseudonyms contain digits, "
            "e.g. “MOIR-0042”."
        ) % {"value": value}
    return None


def validate_pseudonym(value: str) -> None:
    problem = problem_with(value)
    if problem:
        raise ValidationError(problem, code="not_a_pseudonym")


def _plausible_personnummer(value: str) -> bool:
    match = _PERSONNUMMER.fullmatch(re.sub(r"\s", "", value))
    if match is None:
        return False
    day = int(match.group(2))
    # Co-ordination numbers (samordningsnummer) add 60 to the day.
    return 1 <= day <= 31 or 61 <= day <= 91


def _iban_checksum_ok(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1
