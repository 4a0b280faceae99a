"""Per-client request counters in the shared Django cache (fixed one-minute windows).

With Redis (production) a sync costs one round trip: the window counter and, for
introspection, the day's counter go in one Lua script. Other cache backends use the cache API.

A web process does not tell the cache about every request: it counts locally and adds its
count to the shared counter in batches (`batch_size`: 1, i.e. every request, for limits under
4,000 a minute; at most 32), at the first request of a window, at least every `SYNC_SECONDS`,
at every request once the shared
count passes half the limit, and when the process exits. So a limit is exact where it is small
and overshoots by at most (web processes x batch) where it is large, and an introspection count
reaches the statistics within a few seconds. Introspection, the portal's hottest path, thus
mostly skips the round trip.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

logger = logging.getLogger(__name__)

WINDOW = 60
DAY_COUNTER_SECONDS = 3 * 86400
BATCH_MAX = 32
MAX_SHARES = 10_000  # clients (claimed ids) a process keeps local counts for
SYNC_SECONDS = 1.0


def batch_size(limit: int) -> int:
    """Requests a process may count before adding them to the shared counter."""
    return max(1, min(BATCH_MAX, limit // 2000))


def _incr(key: str, amount: int, timeout: int) -> int:
    cache = caches["default"]
    try:
        return cache.incr(key, amount)
    except ValueError:
        if cache.add(key, amount, timeout):
            return amount
        return cache.incr(key, amount)


# One round trip: add the amount to each key, giving a new key its lifetime.
_COUNT_SCRIPT = """
local amount = tonumber(ARGV[1])
local first = redis.call('INCRBY', KEYS[1], amount)
if first == amount then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
for i = 2, #KEYS do
  if redis.call('INCRBY', KEYS[i], amount) == amount then
    redis.call('EXPIRE', KEYS[i], ARGV[i + 1])
  end
end
return first
"""
_scripts: dict[int, Any] = {}


def _incr_first(counters: list[tuple[str, int]], amount: int = 1) -> int:
    """Add `amount` to every key; the new count of the first."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One client and script per cache connection (the connection pool is shared anyway).
        cached = _scripts.get(id(cache))
        if cached is None:
            client = cache._cache.get_client(write=True)
            cached = _scripts[id(cache)] = (client, client.register_script(_COUNT_SCRIPT))
        client, script = cached
        keys = [cache.make_and_validate_key(key) for key, _timeout in counters]
        timeouts = [timeout for _key, timeout in counters]
        return int(script(keys=keys, args=[amount, *timeouts], client=client))
    counts = [_incr(key, amount, timeout) for key, timeout in counters]
    return counts[0]


def introspection_key(client_id: str, day: datetime.date) -> str:
    return f"tokens:introspections:{client_id}:{day.isoformat()}"


@dataclass
class _Share:
    """This process's part of one client's counters in one window."""

    key: tuple[str, str]  # (scope, client id)
    window: int
    counters: list[tuple[str, int]]
    synced: float
    pending: int = 0
    known: int = 0  # the shared count at the last sync
    lock: threading.Lock = field(default_factory=threading.Lock)


_shares: dict[tuple[str, str], _Share] = {}
_shares_lock = threading.Lock()


def _share(scope: str, client_id: str, window: int, count: bool) -> _Share:
    """The current window's share; the previous window's pending count is sent first."""
    with _shares_lock:
        share = _shares.get((scope, client_id))
        if share is not None and share.window == window:
            return share
        counters = [(f"tokens:rl:{scope}:{client_id}:{window}", WINDOW + 5)]
        if count:
            counters.append(
                (introspection_key(client_id, timezone.localdate()), DAY_COUNTER_SECONDS)
            )
        # Never synced: its first request is sent at once, which tells it the shared count.
        fresh = _Share(key=(scope, client_id), window=window, counters=counters, synced=0.0)
        stale = [share] if share is not None else []
        if share is None and len(_shares) >= MAX_SHARES:
            # Claimed client ids are unverified: forget past windows, and past the bound count
            # without keeping a share (every request then goes to the cache, exactly).
            stale = [old for old in _shares.values() if old.window != window]
            for old in stale:
                del _shares[old.key]
        if len(_shares) < MAX_SHARES:
            _shares[(scope, client_id)] = fresh
    for old in stale:
        _send(old)
    return fresh


def _send(share: _Share) -> int:
    with share.lock:
        amount, share.pending = share.pending, 0
    if not amount:
        return share.known
    total = _incr_first(share.counters, amount)
    with share.lock:
        share.known = max(share.known, total)
    return total


def over_limit(scope: str, client_id: str, limit: int, *, count: bool = False) -> int | None:
    """Count one request of the client (and, with `count`, one introspection for the day's
    statistics); the seconds to wait (for Retry-After) when over the limit, else None."""
    now = time.time()
    window = int(now // WINDOW)
    share = _share(scope, client_id, window, count)
    with share.lock:
        share.pending += 1
        estimate = share.known + share.pending
        sync = (
            share.pending >= batch_size(limit)
            or estimate > limit // 2
            or now - share.synced >= SYNC_SECONDS
        )
        if sync:
            share.synced = now
    if sync:
        estimate = _send(share)
    if estimate > limit:
        return max(1, int((window + 1) * WINDOW - now) + 1)
    return None


def send_pending() -> int:
    """Add every count this process still holds to the shared counters (at exit, in tests)."""
    with _shares_lock:
        shares = list(_shares.values())
    sent = 0
    for share in shares:
        pending = share.pending
        if pending:
            try:
                _send(share)
            except Exception:  # at exit the cache may be gone already: counts are best effort
                logger.warning("Could not send %s request counts to the cache.", pending)
                continue
            sent += pending
    return sent


atexit.register(send_pending)


def forget_local() -> None:
    """Drop this process's unsent counts (tests start from a clean slate with it)."""
    with _shares_lock:
        _shares.clear()


def _failure_key(client: str) -> str:
    return f"tokens:authfail:{client}:{int(time.time() // WINDOW)}"


def failures(client: str) -> int:
    """Failed client authentications of a client in this window (from every process)."""
    return int(caches["default"].get(_failure_key(client)) or 0)


def count_failure(client: str) -> int:
    return _incr_first([(_failure_key(client), WINDOW + 5)])


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
