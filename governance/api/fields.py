"""Serializer fields shared by the contexts' APIs."""

from __future__ import annotations

from rest_framework import serializers

from governance.core.permissions import allowed_actions
from governance.core.transitions import StateMachine


class AllowedActionsField(serializers.ListField):
    """What the person asking may do to the object now, read off its state machine and rules
    (`core.permissions.allowed_actions`): the same actions its page offers."""

    def __init__(self, machine: StateMachine, **kwargs) -> None:
        self.machine = machine
        kwargs.setdefault(
            "help_text",
            "The actions you may take on it now, of: "
            + ", ".join(f"`{action}`" for action in machine.rules)
            + ". Empty when there is none.",
        )
        super().__init__(child=serializers.CharField(), source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> list[str]:  # type: ignore[override]
        request = self.context.get("request")
        return allowed_actions(getattr(request, "user", None), obj, self.machine)
