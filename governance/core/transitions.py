"""Explicit transition tables for the portal's state machines.

Each state machine is data: a mapping of action -> (allowed source states, target state). A
service asks the table whether an action is allowed from the current state and gets either the
target state or an `InvalidTransition` that says what the person can do instead.

A table may name, for the actions a person takes, the rule asked on the object (`rules`);
`core.permissions.allowed_actions` combines the two for pages and the API. Actions without a
rule (expiry, delivery, promotion from a waiting list) are the portal's own, never offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from governance.core.errors import InvalidTransition


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str


@dataclass(frozen=True)
class StateMachine:
    """A named table: action -> (source states, target state)."""

    name: str
    states: tuple[str, ...]
    table: Mapping[str, tuple[Iterable[str], str]]
    rules: Mapping[str, str] = field(default_factory=dict)
    # The attribute that holds the state (a field or a property of the model).
    state_field: str = "state"
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
            possible = self.allowed_actions(state)
            hint = (
                f" From {state} you can: {', '.join(possible)}."
                if possible
                else f" {state.replace('_', ' ').capitalize()} is final."
            )
            raise InvalidTransition(
                f"Cannot {action.replace('_', ' ')} a {self.name.replace('_', ' ')} "
                f"that is {state.replace('_', ' ')}.{hint}"
            )
        return transition.target

    def is_final(self, state: str) -> bool:
        return not self.allowed_actions(state)
