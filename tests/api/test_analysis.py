"""The what-if's threshold grid: fine enough that a strict threshold is answered as asked."""

from __future__ import annotations

from api.analysis import quantised


def test_a_strict_threshold_is_answered_as_asked_and_never_as_one():
    assert [quantised(t) for t in (0.95, 0.995, 0.999, 0.99951)] == [0.95, 0.995, 0.999, 0.9995]
    assert quantised(0.99999) == 0.9999  # at 1 nothing links
    assert quantised(1.0) == 1.0
