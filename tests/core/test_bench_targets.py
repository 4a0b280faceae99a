"""The token benchmark records introspection's share of the bare view and the issue's targets;
the scale driver lists what grows with the data."""

from bench.run import compare_with_targets
from bench.scale import compare


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


def test_a_search_that_grows_with_the_data_is_a_finding():
    low = {"catalogue_search.searches.text": 40.0, "server.token_introspection": 5.0}
    high = {"catalogue_search.searches.text": 80.0, "server.token_introspection": 6.0}
    result = compare(low, high, 1, 10)
    assert result["ratios"]["catalogue_search.searches.text"] == {
        "at_scale_1": 40.0,
        "at_scale_10": 80.0,
        "ratio": 2.0,
        "grows_by_nature": False,
    }
    assert result["findings"] == ["catalogue_search.searches.text"]


def test_an_import_that_grows_with_its_file_is_no_finding():
    result = compare(
        {"consent_import.import_seconds": 1.0}, {"consent_import.import_seconds": 9.5}, 1, 10
    )
    assert result["ratios"]["consent_import.import_seconds"]["grows_by_nature"] is True
    assert result["findings"] == []
