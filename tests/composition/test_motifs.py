import random
from fractions import Fraction as F
from itertools import combinations

import pytest

from storyscore.composition.motifs import (
    augment,
    counterpoint_score,
    diminish,
    fragment,
    intervals,
    invert,
    make_themes,
    similarity,
)


@pytest.mark.parametrize("beats_per_bar", [3, 4])
@pytest.mark.parametrize("seed", range(6))
def test_motifs_are_singable_and_distinct(beats_per_bar, seed):
    motifs = make_themes(5, beats_per_bar=beats_per_bar, rng=random.Random(seed))
    for motif in motifs:
        assert 4 <= len(motif.degrees) <= 8
        assert motif.length in (beats_per_bar, 2 * beats_per_bar)
        assert max(motif.degrees) - min(motif.degrees) <= 9  # within a tenth
        steps = [abs(i) for i in intervals(motif)]
        assert sum(s <= 2 for s in steps) >= len(steps) - 2  # mostly by step
    for a, b in combinations(motifs[:2], 2):
        assert similarity(a, b) <= 0.5


def test_leads_motifs_combine():
    scores = []
    for seed in range(8):
        first, second = make_themes(2, beats_per_bar=4, rng=random.Random(seed))
        scores.append(counterpoint_score(first, second))
    assert sum(scores) / len(scores) >= 0.6


def test_transformations_change_rhythm_or_intervals_not_both():
    motif = make_themes(1, beats_per_bar=4, rng=random.Random(3))[0]
    assert invert(motif).durations == motif.durations
    assert intervals(invert(motif)) == tuple(-i for i in intervals(motif))
    assert augment(motif).degrees == motif.degrees
    assert augment(motif).length == 2 * motif.length
    assert diminish(motif).length == motif.length / 2
    assert fragment(motif).degrees == motif.degrees[:3]
    assert similarity(motif, motif) == 1.0


def test_themes_are_deterministic():
    assert make_themes(3, beats_per_bar=4, rng=random.Random(9)) == make_themes(
        3, beats_per_bar=4, rng=random.Random(9)
    )
    assert make_themes(3, beats_per_bar=4, rng=random.Random(9)) != make_themes(
        3, beats_per_bar=4, rng=random.Random(10)
    )
    assert isinstance(make_themes(1, beats_per_bar=4, rng=random.Random(1))[0].durations[0], F)


def test_rhythm_cells_fill_their_bars_and_their_heads_move():
    """A restated motif keeps its first four notes as written: a waltz cell whose first three
    held four and a half beats kept every restatement still (waltz melodies ran at 0.67 beats
    a note against the fiddle tunes' 0.49)."""
    from storyscore.composition.motifs import RHYTHMS

    for beats_per_bar, cells in RHYTHMS.items():
        for cell in cells:
            assert sum(cell) in (beats_per_bar, 2 * beats_per_bar), cell
            assert 4 <= len(cell) <= 8, cell
    assert max(sum(cell[:3]) for cell in RHYTHMS[3]) <= 4
