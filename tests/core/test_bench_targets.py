"""The token benchmark records introspection's share of the bare view and the issue's targets."""

from bench.run import compare_with_targets


def test_introspection_share_and_targets_are_recorded():
    figures = {
        "bare_view": {"rps": 2000.0, "p99_ms": 20.0},
        "token_introspection": {"rps": 1300.0, "p99_ms": 31.0},
    }
    compare_with_targets(figures)
    assert figures["token_introspection"]["share_of_bare_view"] == 0.65
    assert figures["token_introspection"]["targets_met"] is True


def test_a_slow_p99_or_a_low_share_misses_the_targets():
    slow = {
        "bare_view": {"rps": 2000.0, "p99_ms": 20.0},
        "token_introspection": {"rps": 1300.0, "p99_ms": 50.7},
    }
    low = {
        "bare_view": {"rps": 2000.0, "p99_ms": 20.0},
        "token_introspection": {"rps": 900.0, "p99_ms": 30.0},
    }
    compare_with_targets(slow)
    compare_with_targets(low)
    assert slow["token_introspection"]["targets_met"] is False
    assert low["token_introspection"]["share_of_bare_view"] == 0.45
    assert low["token_introspection"]["targets_met"] is False
