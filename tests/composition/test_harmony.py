import random
from fractions import Fraction as F
from itertools import pairwise

import pytest

from storyscore.composition.harmony import choose_chord, parse_numeral
from storyscore.composition.melody import period
from storyscore.composition.motifs import make_themes
from storyscore.music.theory import Key

C = Key(0, "major")
A_MINOR = Key(9, "minor")


@pytest.mark.parametrize(
    ("numeral", "key", "root", "quality"),
    [
        ("I", C, 0, "maj"),
        ("ii", C, 2, "min"),
        ("vii°", C, 11, "dim"),
        ("V7", C, 7, "dom7"),
        ("iv", C, 5, "min"),
        ("bVI", C, 8, "maj"),
        ("V/V", C, 2, "maj"),
        ("V", A_MINOR, 4, "maj"),
        ("VI", A_MINOR, 5, "maj"),
        ("i", A_MINOR, 9, "min"),
    ],
)
def test_numerals(numeral, key, root, quality):
    assert parse_numeral(numeral, key) == (root, quality)


def test_chord_choice_fits_the_melody():
    # E and G on strong beats in C: a tonic slot picks I (C-E-G) over vi (A-C-E) only when G weighs.
    chosen = choose_chord(
        C,
        "tonic",
        previous=None,
        melody_pitch_classes=[(4, 1.0), (7, 1.0)],
        tension=0,
        rng=random.Random(0),
    )
    assert chosen == "I"
    chosen = choose_chord(
        C,
        "predominant",
        previous="I",
        melody_pitch_classes=[(2, 1.0), (5, 1.0)],
        tension=0,
        rng=random.Random(0),
    )
    assert chosen == "ii"


@pytest.mark.parametrize("seed", range(5))
def test_period_has_cadences(seed):
    motif = make_themes(1, beats_per_bar=4, rng=random.Random(seed))[0]
    line = period(motif, beats_per_bar=4, rng=random.Random(seed))
    end = line.notes[-1]
    assert end.start == 28 and end.start + end.duration == 32
    assert end.degree % 7 == 0  # closes on the tonic
    half = next(n for n in line.notes if n.start == 12)
    assert half.degree % 7 in (1, 4, 6)  # a half cadence on ^2, ^5 or ^7
    assert sum(n.duration for n in line.notes) == F(32)  # no gaps, no overlaps


def test_elaboration_fills_long_notes_and_keeps_strong_beats():
    from storyscore.composition.melody import LineNote, elaborate

    line = (
        LineNote(F(0), F(2), 0),
        LineNote(F(2), F(1), 2),
        LineNote(F(3), F(1), 2),
        LineNote(F(4), F(4), 4),
    )
    once = elaborate(line, level=1)
    assert [(n.start, n.degree) for n in once][:2] == [(0, 0), (F(3, 2), 1)]  # passing tone
    assert (F(5, 2), 3) in [(n.start, n.degree) for n in once]  # upper neighbour
    twice = elaborate(line, level=2)
    assert all(n.duration == F(1, 2) for n in twice[:4])  # a run of eighths
    for original in line[:3]:  # every strong-beat note is still there
        assert any(n.start == original.start and n.degree == original.degree for n in twice)
    assert all(abs(b.degree - a.degree) <= 2 for a, b in pairwise(twice))
    assert elaborate(line, level=2, keep=((F(0), F(4)),))[:3] == line[:3]
    assert sum(n.duration for n in twice) == sum(n.duration for n in line)
