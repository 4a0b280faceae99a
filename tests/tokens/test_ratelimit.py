"""Request counters: exact for small limits, batched per process for large ones, never far
over a limit that other processes' requests already reached."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches

from governance.tokens import ratelimit

LARGE = 64000  # a batch of 32
CLIENT = "svc"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }


@pytest.fixture
def clock(monkeypatch):
    """time.time() as the counters see it, at the start of a one-minute window."""
    now = {"t": 1_800_000_000.0}  # a multiple of 60
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def _shared(scope: str = "introspect", now: float = 1_800_000_000.0) -> int:
    window = int(now // ratelimit.WINDOW)
    return int(caches["default"].get(f"tokens:rl:{scope}:{CLIENT}:{window}") or 0)


def test_batches_grow_with_the_limit_and_stay_exact_for_small_ones():
    assert ratelimit.batch_size(1) == 1
    assert ratelimit.batch_size(600) == 1
    assert ratelimit.batch_size(3999) == 1
    assert ratelimit.batch_size(60000) == 30
    assert ratelimit.batch_size(10**9) == ratelimit.BATCH_MAX


def test_a_small_limit_counts_every_request_in_the_shared_cache(clock):
    for n in range(1, 4):
        assert ratelimit.over_limit("token", CLIENT, 3) is None
        assert _shared("token") == n
    retry = ratelimit.over_limit("token", CLIENT, 3)
    assert retry == 61  # the rest of the window, and a second


def test_a_large_limit_is_sent_in_batches_after_the_windows_first_request(clock):
    ratelimit.over_limit("introspect", CLIENT, LARGE)
    assert _shared() == 1  # the first request learns the shared count
    for _ in range(31):
        assert ratelimit.over_limit("introspect", CLIENT, LARGE) is None
    assert _shared() == 1
    ratelimit.over_limit("introspect", CLIENT, LARGE)
    assert _shared() == 33


def test_counts_are_sent_after_a_second_even_when_the_batch_is_not_full(clock):
    for _ in range(3):
        ratelimit.over_limit("introspect", CLIENT, LARGE)
    assert _shared() == 1
    clock["t"] += ratelimit.SYNC_SECONDS
    ratelimit.over_limit("introspect", CLIENT, LARGE)
    assert _shared() == 4


def test_past_half_the_limit_every_request_is_counted_and_the_limit_holds(clock):
    # Other processes already used most of the window's budget.
    window = int(clock["t"] // ratelimit.WINDOW)
    caches["default"].set(f"tokens:rl:introspect:{CLIENT}:{window}", LARGE - 40)
    assert ratelimit.over_limit("introspect", CLIENT, LARGE) is None
    for n in range(2, 41):
        assert ratelimit.over_limit("introspect", CLIENT, LARGE) is None
        assert _shared() == LARGE - 40 + n  # past half the limit: every request is sent
    assert ratelimit.over_limit("introspect", CLIENT, LARGE) == 61


def test_a_process_that_counted_alone_still_stops_within_a_batch_of_the_limit(clock):
    window = int(clock["t"] // ratelimit.WINDOW)
    ratelimit.over_limit("introspect", CLIENT, LARGE)  # learns 1
    # Meanwhile other processes reach the limit; this one finds out at its next send.
    caches["default"].incr(f"tokens:rl:introspect:{CLIENT}:{window}", LARGE)
    answers = [ratelimit.over_limit("introspect", CLIENT, LARGE) for _ in range(32)]
    assert answers[:31] == [None] * 31
    assert answers[31] is not None


def test_a_new_window_sends_what_the_old_one_still_held(clock):
    for _ in range(5):
        ratelimit.over_limit("introspect", CLIENT, LARGE, count=True)
    clock["t"] += ratelimit.WINDOW
    ratelimit.over_limit("introspect", CLIENT, LARGE, count=True)
    assert _shared(now=clock["t"] - ratelimit.WINDOW) == 5
    day = ratelimit.timezone.localdate()
    assert ratelimit.pending_introspections(CLIENT, day) == 6
    ratelimit.over_limit("introspect", CLIENT, LARGE, count=True)
    assert ratelimit.send_pending() == 1
    assert ratelimit.pending_introspections(CLIENT, day) == 7


def test_unverified_client_ids_cannot_grow_the_local_counts_without_bound(clock, monkeypatch):
    monkeypatch.setattr(ratelimit, "MAX_SHARES", 3)
    for n in range(3):
        ratelimit.over_limit("introspect", f"claimed-{n}", LARGE)
    ratelimit.over_limit("introspect", "claimed-0", LARGE)  # kept locally: not sent yet
    extra = [ratelimit.over_limit("introspect", "claimed-x", LARGE) for _ in range(3)]
    assert extra == [None] * 3
    assert len(ratelimit._shares) == 3
    window = int(clock["t"] // ratelimit.WINDOW)
    assert caches["default"].get(f"tokens:rl:introspect:claimed-x:{window}") == 3  # exact
    # A new window first forgets the old ones (sending what they held).
    clock["t"] += ratelimit.WINDOW
    ratelimit.over_limit("introspect", "claimed-y", LARGE)
    assert set(ratelimit._shares) == {("introspect", "claimed-y")}
    assert caches["default"].get(f"tokens:rl:introspect:claimed-0:{window}") == 2
