import pytest
from django.core.exceptions import ValidationError

from governance.consent.pseudonyms import problem_with, validate_pseudonym


@pytest.mark.parametrize(
    "value",
    [
        "MOIR-BR-0001",
        "SUBJ_42",
        "S000123",
        "a3f9c2e1b7d04f6e9a8b7c6d5e4f3a2b",
        "MOIR-12345678",
        "P-2024-03-0001",
        "lung.case.0007",
    ],
)
def test_pseudonym_accepted(value):
    assert problem_with(value) is None
    validate_pseudonym(value)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("jane.doe@example.org", "e-mail address"),
        ("+34 612 345 678", "phone number"),
        ("0034612345678", "phone number"),
        ("612-345-678", "phone number"),
        ("06 12 34 56 78", "phone number"),
        ("12345678Z", "Spanish national identity number"),
        ("12345678-z", "Spanish national identity number"),
        ("X1234567L", "Spanish national identity number"),
        ("RSSMRA85T10A562S", "codice fiscale"),
        ("rssmra85t10a562s", "codice fiscale"),
        ("811218-9876", "personnummer"),
        ("19811218-9876", "personnummer"),
        ("198112189876", "personnummer"),
        ("1 85 05 78 006 084 91", "French social-security number"),
        ("185057800608491", "French social-security number"),
        ("ES9121000418450200051332", "IBAN"),
        ("GB82 WEST 1234 5698 7654 32", "IBAN"),
        ("123456789", "long run of digits"),
        ("PAT123456789", "long run of digits"),
        ("MariaGarcia", "may be a name"),
        ("Maria Garcia", "letters, digits, dots"),
        ("ab1", "letters, digits, dots"),
        ("x" * 65 + "1", "letters, digits, dots"),
        ("", "empty"),
    ],
)
def test_pseudonym_refused_with_the_reason(value, says):
    problem = problem_with(value)

    assert problem is not None and says in problem
    with pytest.raises(ValidationError) as raised:
        validate_pseudonym(value)
    assert raised.value.code == "not_a_pseudonym"
