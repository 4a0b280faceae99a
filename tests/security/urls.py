"""Every URL pattern of the portal as a concrete path, for tests that must cover them all.

Walks the root URLconf (so a new page cannot be forgotten) and fills each converter with a
value it accepts; the default language has no prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

_SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


@dataclass(frozen=True)
class Route:
    path: str
    name: str  # namespace:name, or the route itself when the pattern is unnamed
    callback: object
    params: tuple[str, ...] = ()  # the names of the path's parameters, in order


def _fill(pattern) -> str | None:
    if isinstance(pattern, LocalePrefixPattern):
        return ""
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES.get(m.group(1) or "str", "x"), route)
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex.strip("^$").replace("/?", "/")
        if re.search(r"[(\[\\?*+]", regex):
            return None  # a regex with groups (the admin's, the API router's details)
        return regex
    return None


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern._route)))
    return ()


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, params: tuple[str, ...]) -> None:
        for entry in patterns:
            piece = _fill(entry.pattern)
            if piece is None:
                continue
            inner_params = params + _params(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + piece, inner, inner_params)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else prefix + piece
                found.append(Route("/" + prefix + piece, name, entry.callback, inner_params))

    walk(get_resolver().url_patterns, "", "", ())
    return found
