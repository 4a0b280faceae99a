from types import SimpleNamespace

import pytest
import rules
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from governance.calls.models import PROPOSAL_MACHINE
from governance.core.errors import InvalidTransition
from governance.core.permissions import allowed_actions
from governance.core.transitions import StateMachine
from tests.factories import UserFactory

WORDS = {
    "noun": "this survey",
    "state_labels": {"draft": "Draft", "open": "Open", "closed": "Closed"},
    "action_labels": {"open": "Open", "close": "Close", "expire": "Mark as expired"},
}

MACHINE = StateMachine(
    "survey",
    ("draft", "open", "closed"),
    {"open": (["draft"], "open"), "close": (["open"], "closed")},
    **WORDS,
)


def test_transition_allowed_gives_target():
    assert MACHINE.target("draft", "open") == "open"


def test_transition_refused_names_object_state_and_what_is_possible():
    with pytest.raises(InvalidTransition) as excinfo:
        MACHINE.target("draft", "close")

    assert excinfo.value.detail == (
        "“Close” is not possible: the status of this survey is “Draft”. From here you can: “Open”."
    )
    assert excinfo.value.code == "invalid_transition"


def test_transition_refused_lists_every_possible_action():
    with pytest.raises(InvalidTransition) as excinfo:
        RULED.target("open", "open")

    assert excinfo.value.detail.endswith("From here you can: “Close” or “Mark as expired”.")


def test_transition_from_final_state_says_it_is_final():
    with pytest.raises(InvalidTransition) as excinfo:
        MACHINE.target("closed", "open")

    assert excinfo.value.detail == (
        "“Open” is not possible: the status of this survey is “Closed”. This status is final."
    )


def test_refusal_is_written_in_the_active_language_when_raised():
    # The state labels of the portal's machines are the models' choices, already in Spanish.
    with translation.override("es"):
        spanish = PROPOSAL_MACHINE.refusal("rejected", "accept")
    english = PROPOSAL_MACHINE.refusal("rejected", "accept")

    assert "Rechazada" in spanish
    assert "Rejected" not in spanish
    assert "“Rejected”" in english


def test_table_with_unknown_state_is_rejected():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine("x", ("a",), {"go": (["a"], "b")}, **WORDS)


def test_table_with_rules_for_unknown_actions_is_rejected():
    with pytest.raises(ValueError, match="rules for unknown actions"):
        StateMachine("x", ("a", "b"), {"go": (["a"], "b")}, rules={"stop": "x.stop"}, **WORDS)


def test_table_without_a_label_for_a_state_or_an_action_is_rejected():
    with pytest.raises(ValueError, match=r"no label for \['closed', 'reopen'\]"):
        StateMachine(
            "survey",
            ("draft", "open", "closed"),
            {"open": (["draft"], "open"), "reopen": (["closed"], "open")},
            noun="this survey",
            state_labels={"draft": "Draft", "open": "Open"},
            action_labels={"open": "Open"},
        )


def test_every_machine_of_the_portal_names_its_object_states_and_actions():
    machines = [
        value
        for app in apps.get_app_configs()
        if app.name.startswith("governance.") and app.models_module is not None
        for value in vars(app.models_module).values()
        if isinstance(value, StateMachine)
    ]

    assert len(machines) >= 18
    for machine in machines:
        for state in machine.states:
            for action in machine.transitions:
                if not machine.can(state, action):
                    assert str(machine.noun) in machine.refusal(state, action)


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
    **WORDS,
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
