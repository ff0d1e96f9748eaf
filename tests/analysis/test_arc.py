import math
from itertools import pairwise

import pytest

from storyscore.analysis.arc import change_strength, smooth_arc


def test_smoothing_keeps_a_constant_and_its_ends():
    assert smooth_arc([0.3] * 50) == pytest.approx((0.3,) * 50)
    rising = [i / 99 for i in range(100)]
    arc = smooth_arc(rising)
    # No bent ends: the smoothed ends stay near the data, never pulled toward zero or wrapped.
    assert arc[0] < 0.1 and arc[-1] > 0.9
    assert all(b >= a for a, b in pairwise(arc))


def test_smoothing_does_not_ring():
    step = [-0.5] * 100 + [0.5] * 100
    arc = smooth_arc(step)
    assert min(arc) >= -0.5 - 1e-9 and max(arc) <= 0.5 + 1e-9  # no overshoot
    noisy = [math.sin(i) for i in range(300)]
    assert max(abs(x) for x in smooth_arc(noisy)) < 0.2  # single sentences do not show


def test_change_strength_finds_the_turn():
    step = [0.0] * 50 + [1.0] * 50
    assert change_strength(step, 50, 10) == pytest.approx(1.0)
    assert change_strength(step, 20, 10) == 0.0
    assert smooth_arc([]) == ()
