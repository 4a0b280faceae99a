"""What the core pages (dashboard, header) need to know of a person, provided from above.

`core` imports nothing above it: the accounts context, which owns people, their roles and their
memberships, provides these answers when it is ready (`AccountsConfig.ready`). Until then (or in
a project without accounts) a person has no roles and no memberships.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_roles_of: Callable[[Any], frozenset[str]] = lambda person: frozenset()  # noqa: E731
_memberships_of: Callable[[Any], Iterable[Any]] = lambda person: ()  # noqa: E731


def provide(
    *,
    roles_of: Callable[[Any], frozenset[str]],
    memberships_of: Callable[[Any], Iterable[Any]],
) -> None:
    global _roles_of, _memberships_of
    _roles_of, _memberships_of = roles_of, memberships_of


def roles_of(person) -> frozenset[str]:
    return _roles_of(person)


def memberships_of(person) -> Iterable[Any]:
    return _memberships_of(person)
