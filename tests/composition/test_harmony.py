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
    twice = elaborate(line, rng=random.Random(0))
    assert all(n.duration == F(1, 2) for n in twice[:8])  # runs of eighths
    for original in line:  # every strong-beat note is still there
        assert any(n.start == original.start and n.degree == original.degree for n in twice)
    assert twice[-1] == line[-1]  # without ``then`` the last note is held: a final cadence
    assert elaborate(line, rng=random.Random(0), keep=((F(0), F(4)),))[:3] == line[:3]
    assert sum(n.duration for n in twice) == sum(n.duration for n in line)


def test_figures_run_from_a_long_notes_onset_within_the_phrases_span():
    """A whole bar runs on from its downbeat, and the figures stay inside the span of the
    notes they join: each phrase keeps to about an octave (guide §1)."""
    from storyscore.composition.melody import LineNote, elaborate

    line = tuple(LineNote(F(4 * k), F(4), degree) for k, degree in enumerate((0, 4, 2, 5, 1, 4)))
    for seed in range(20):
        notes = elaborate(line, rng=random.Random(seed), then=0)
        assert notes[0] == LineNote(F(0), F(1, 2), 0)
        assert {n.degree for n in notes} <= set(range(6)), seed


def test_running_figures_come_from_the_corpus_and_recur():
    from storyscore.composition.melody import LineNote, elaborate, figure_table

    # The same move (two beats from ^1 up to ^3) four times, then the line goes on to ^5.
    line = tuple(LineNote(F(2 * k), F(2), 0 if k % 2 == 0 else 2) for k in range(4))
    figured = elaborate(line, rng=random.Random(3), then=4)
    assert len(figured) == 16 and all(n.duration == F(1, 2) for n in figured)
    assert sum(n.duration for n in figured) == 8  # ``then`` lets the last note run on too
    shapes = [tuple(n.degree - figured[k].degree for n in figured[k + 1 : k + 4]) for k in (0, 8)]
    assert shapes[0] == shapes[1]  # one figure per move: it recurs, as in a tune
    assert shapes[0] in [shape for shape, _ in figure_table()[2][2]]
    # A note that does not fill whole beats only gets a lead-in eighth: here a passing tone.
    dotted = (LineNote(F(0), F(3, 2), 0), LineNote(F(3, 2), F(1, 2), 2))
    led = elaborate(dotted, rng=random.Random(0))
    assert [(n.start, n.duration, n.degree) for n in led] == [
        (0, 1, 0), (1, F(1, 2), 1), (F(3, 2), F(1, 2), 2)
    ]


def test_figure_table_is_learnt_counts_of_generic_figures():
    from storyscore.composition.melody import figure_table

    table = figure_table()
    assert set(table) == {1, 2}
    for beats, by_step in table.items():
        for step, rows in by_step.items():
            assert abs(step) <= 7
            assert all(len(shape) == 2 * beats - 1 and count >= 5 for shape, count in rows)
    # Fiddlers fill a rising third in two beats with a scale most often.
    assert max(table[2][4], key=lambda row: row[1])[0] == (1, 2, 3)


def test_lively_figures_leap_and_calm_ones_step():
    """Running figures lean to the track's liveliness: wider moves when lively, steps when
    calm, the corpus's own mix in between."""
    from storyscore.composition.melody import LineNote, elaborate

    line = tuple(LineNote(F(2 * k), F(2), (3 * k) % 5) for k in range(24))  # many moves

    def mean_move(liveliness: float) -> float:
        moves = []
        for seed in range(10):
            notes = elaborate(line, rng=random.Random(seed), then=0, liveliness=liveliness)
            moves += [abs(b.degree - a.degree) for a, b in pairwise(notes)]
        return sum(moves) / len(moves)

    calm, usual, lively = mean_move(-1.0), mean_move(0.0), mean_move(1.0)
    assert calm < usual < lively
    assert lively - calm > 0.3, (calm, usual, lively)
