"""Explicit transition tables for the portal's state machines.

Each state machine is data: a mapping of action -> (allowed source states, target state). A
service asks the table whether an action is allowed from the current state and gets either the
target state or an `InvalidTransition` that says what the person can do instead.

A table may name, for the actions a person takes, the rule asked on the object (`rules`);
`core.permissions.allowed_actions` combines the two for pages and the API. Actions without a
rule (expiry, delivery, promotion from a waiting list) are the portal's own, never offered.

A table also names what a person reads: the object (`noun`), each state and each action, as
translatable labels, so that a refusal is written in the language of whoever is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, pgettext

from governance.core.errors import InvalidTransition


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str


@dataclass(frozen=True)
class StateMachine:
    """A named table: action -> (source states, target state), and the words a person reads."""

    name: str
    states: tuple[str, ...]
    table: Mapping[str, tuple[Iterable[str], str]]
    rules: Mapping[str, str] = field(default_factory=dict)
    # The attribute that holds the state (a field or a property of the model).
    state_field: str = "state"
    # The object as a refusal names it ("this proposal", context "after “the status of”"), a
    # label per state (the model's choices) and per action (an infinitive, as on a button:
    # "Start the review", context "action").
    noun: str | Promise = field(kw_only=True)
    state_labels: Mapping[str, str | Promise] = field(kw_only=True)
    action_labels: Mapping[str, str | Promise] = field(kw_only=True)
    transitions: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        transitions = {}
        for action, (sources, target) in self.table.items():
            sources = frozenset(sources)
            unknown = (sources | {target}) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}.{action} names unknown states {sorted(unknown)}")
            transitions[action] = Transition(action, sources, target)
        unruled = set(self.rules) - set(transitions)
        if unruled:
            raise ValueError(f"{self.name} has rules for unknown actions {sorted(unruled)}")
        # A refusal names the state and the actions: a table cannot leave one without words.
        unlabelled = sorted(set(self.states) - set(self.state_labels)) + sorted(
            set(transitions) - set(self.action_labels)
        )
        if unlabelled:
            raise ValueError(f"{self.name} has no label for {unlabelled}")
        object.__setattr__(self, "transitions", transitions)

    def allowed_actions(self, state: str) -> list[str]:
        return [t.action for t in self.transitions.values() if state in t.sources]

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def can(self, state: str, action: str) -> bool:
        transition = self.transitions.get(action)
        return transition is not None and state in transition.sources

    def target(self, state: str, action: str) -> str:
        """The state `action` leads to from `state`, or InvalidTransition explaining why not."""
        transition = self.transitions.get(action)
        if transition is None:
            raise ValueError(f"{self.name} has no action {action!r}")
        if state not in transition.sources:
            raise InvalidTransition(self.refusal(state, action))
        return transition.target

    def refusal(self, state: str, action: str) -> str:
        """Why `action` is refused from `state` and what can be done instead, written when it is
        raised, in the active language (the request's)."""
        # Translators: action and state come quoted; the object is "this proposal" and the like.
        refused = gettext("%(action)s is not possible: the status of %(object)s is %(state)s.") % {
            "action": _quoted(self.action_labels[action]),
            "object": self.noun,
            "state": _quoted(self.state_labels[state]),
        }
        possible = [_quoted(self.action_labels[a]) for a in self.allowed_actions(state)]
        if possible:
            hint = gettext("From here you can: %(actions)s.") % {
                "actions": get_text_list(possible)  # "a, b or c", in the active language
            }
        else:
            hint = gettext("This status is final.")
        return f"{capfirst(refused)} {hint}"

    def is_final(self, state: str) -> bool:
        return not self.allowed_actions(state)


def _quoted(label: str | Promise) -> str:
    return pgettext("a name quoted in a sentence", "“%(name)s”") % {"name": label}
