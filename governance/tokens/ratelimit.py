"""Per-client request counters in the shared Django cache (fixed one-minute windows).

With Redis (production) one request costs one round trip: the window counter and, for
introspection, the day's counter go in one pipeline. Other cache backends use the cache API.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

WINDOW = 60
DAY_COUNTER_SECONDS = 3 * 86400


def _incr(key: str, timeout: int) -> int:
    cache = caches["default"]
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)


# One round trip: count in each key, giving a new key its lifetime.
_COUNT_SCRIPT = """
local first = redis.call('INCR', KEYS[1])
if first == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
for i = 2, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i]) end
end
return first
"""
_scripts: dict[int, Any] = {}


def _incr_first(counters: list[tuple[str, int]]) -> int:
    """Count one in every key; the new count of the first."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One client and script per cache connection (the connection pool is shared anyway).
        cached = _scripts.get(id(cache))
        if cached is None:
            client = cache._cache.get_client(write=True)
            cached = _scripts[id(cache)] = (client, client.register_script(_COUNT_SCRIPT))
        client, script = cached
        keys = [cache.make_and_validate_key(key) for key, _timeout in counters]
        return int(script(keys=keys, args=[timeout for _key, timeout in counters], client=client))
    counts = [_incr(key, timeout) for key, timeout in counters]
    return counts[0]


def introspection_key(client_id: str, day: datetime.date) -> str:
    return f"tokens:introspections:{client_id}:{day.isoformat()}"


def over_limit(scope: str, client_id: str, limit: int, *, count: bool = False) -> int | None:
    """Count one request of the client (and, with `count`, one introspection for the day's
    statistics); the seconds to wait (for Retry-After) when over the limit, else None."""
    now = time.time()
    window = int(now // WINDOW)
    counters = [(f"tokens:rl:{scope}:{client_id}:{window}", WINDOW + 5)]
    if count:
        counters.append((introspection_key(client_id, timezone.localdate()), DAY_COUNTER_SECONDS))
    requests_in_window = _incr_first(counters)
    if requests_in_window > limit:
        return max(1, int((window + 1) * WINDOW - now) + 1)
    return None


def pending_introspections(client_id: str, day: datetime.date) -> int:
    return int(caches["default"].get(introspection_key(client_id, day)) or 0)


def take_introspections(client_id: str, day: datetime.date) -> int:
    """Move the cached count out of the cache (for the periodic flush)."""
    cache = caches["default"]
    key = introspection_key(client_id, day)
    count = int(cache.get(key) or 0)
    if count:
        try:
            cache.decr(key, count)
        except ValueError:
            return 0
    return count
