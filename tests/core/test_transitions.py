import pytest

from governance.core.errors import InvalidTransition
from governance.core.transitions import StateMachine

MACHINE = StateMachine(
    "survey",
    ("draft", "open", "closed"),
    {"open": (["draft"], "open"), "close": (["open"], "closed")},
)


def test_transition_allowed_gives_target():
    assert MACHINE.target("draft", "open") == "open"


def test_transition_refused_says_what_is_possible():
    with pytest.raises(InvalidTransition) as excinfo:
        MACHINE.target("draft", "close")
    assert "From draft you can: open" in excinfo.value.detail
    assert excinfo.value.code == "invalid_transition"


def test_transition_from_final_state_says_it_is_final():
    with pytest.raises(InvalidTransition, match="Closed is final"):
        MACHINE.target("closed", "open")


def test_table_with_unknown_state_is_rejected():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine("x", ("a",), {"go": (["a"], "b")})
