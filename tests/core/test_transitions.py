from types import SimpleNamespace

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from governance.core.errors import InvalidTransition
from governance.core.permissions import allowed_actions
from governance.core.transitions import StateMachine
from tests.factories import UserFactory

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


def test_table_with_rules_for_unknown_actions_is_rejected():
    with pytest.raises(ValueError, match="rules for unknown actions"):
        StateMachine("x", ("a", "b"), {"go": (["a"], "b")}, rules={"stop": "x.stop"})


@rules.predicate
def _owns(person, thing) -> bool:
    return thing is not None and thing.owner == person.pk


rules.add_perm("tests.close_own", _owns)

RULED = StateMachine(
    "survey",
    ("draft", "open", "closed"),
    {
        "open": (["draft"], "open"),
        "close": (["open"], "closed"),
        "expire": (["open"], "closed"),
    },
    rules={"open": "tests.close_own", "close": "tests.close_own"},
    state_field="phase",
)


@pytest.mark.django_db
def test_allowed_actions_are_the_states_transitions_whose_rule_the_person_passes():
    person = UserFactory()
    mine = SimpleNamespace(phase="open", owner=person.pk)
    # "expire" is the portal's own (no rule): never offered; "open" is not allowed from open.
    assert allowed_actions(person, mine, RULED) == ["close"]
    assert allowed_actions(person, SimpleNamespace(phase="draft", owner=person.pk), RULED) == [
        "open"
    ]
    assert allowed_actions(person, SimpleNamespace(phase="closed", owner=person.pk), RULED) == []


@pytest.mark.django_db
def test_allowed_actions_are_empty_for_whom_the_rule_refuses():
    person, other = UserFactory(), UserFactory()
    assert allowed_actions(other, SimpleNamespace(phase="open", owner=person.pk), RULED) == []
    assert allowed_actions(AnonymousUser(), SimpleNamespace(phase="open", owner=0), RULED) == []
