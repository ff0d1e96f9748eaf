"""Melodic lines in scale degrees: phrases built from a motif, shaped as periods.

An 8-bar phrase is a period (guide §1): the basic idea (the motif), a continuation that
sequences its head, a half cadence on ^2, ^5 or ^7; then the idea again, an approach that
steps down to ^2 or ^7, and the tonic. Repetition of the idea is what makes a listener hear a
theme rather than a walk on the scale. Long notes are then filled with running eighths in the
figures of human tunes (``data/figures.json``, counted in Ryan's Mammoth Collection), so the
line moves as a tune does between the notes that carry the motif and the cadences.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction as F
from functools import cache
from importlib import resources
from itertools import pairwise

from storyscore.composition.model import Motif

PHRASE_BARS = 8
HALF_CADENCE_DEGREES = (1, 4, -1)  # ^2, ^5, ^7
FIGURES_FILE = "figures.json"
# How well each scale degree fits its key: the Krumhansl-Kessler probe-tone ratings of the
# diatonic degrees, major and natural minor averaged, relative to the tonic. Tonal melodies
# sound their degrees roughly in proportion (Krumhansl 1990), so figures are drawn with it,
# raised to TONAL_PULL: at 1 the melodies' pitch-class entropy stays at 2.90 bits, at 3 it
# comes to 2.86, at 4 (with the leaning to liveliness below) to 2.78-2.84 by style (fiddle
# tunes: 2.66; eval/music.py).
DEGREE_STABILITY = (1.0, 0.55, 0.77, 0.6, 0.78, 0.6, 0.49)
TONAL_PULL = 4
# Lively music moves in wider intervals, calm music by step (Gabrielsson & Lindström 2010):
# a figure's weight is multiplied by LEAP_PULL ** (liveliness * (its mean move in degrees - 1)),
# liveliness from -1 (calm: steps favoured) to 1 (lively: leaps favoured).
LEAP_PULL = 4.0


@dataclass(frozen=True, slots=True)
class LineNote:
    """A note of a line: onset and length in beats, diatonic degree above the tonic."""

    start: F
    duration: F
    degree: int


@dataclass(frozen=True, slots=True)
class PhraseLine:
    """A phrase's melody and the bars (from 0) where its basic idea starts."""

    notes: tuple[LineNote, ...]
    idea_bars: tuple[int, ...]


def motif_notes(motif: Motif, start: F, *, shift: int = 0) -> list[LineNote]:
    """The motif as line notes from beat ``start``, moved ``shift`` degrees."""
    notes, position = [], start
    for degree, duration in zip(motif.degrees, motif.durations, strict=True):
        notes.append(LineNote(position, duration, degree + shift))
        position += duration
    return notes


def fill_to(notes: list[LineNote], end: F) -> list[LineNote]:
    """Hold the last note until ``end`` (or cut notes that pass it)."""
    kept = [n for n in notes if n.start < end]
    if not kept:
        return kept
    last = kept[-1]
    kept[-1] = replace(last, duration=end - last.start)
    return kept


def _first_bar(motif: Motif, beats_per_bar: int) -> list[LineNote]:
    notes = [n for n in motif_notes(motif, F(0)) if n.start < beats_per_bar]
    if len(notes) < 2:  # a bar held on one note: give it a plain pulse instead
        return [LineNote(F(b), F(1), motif.degrees[0]) for b in range(beats_per_bar)]
    return fill_to(notes, F(beats_per_bar))


def _approach(previous: int, target: int, rhythm: list[LineNote], start: F) -> list[LineNote]:
    """Walk by step from ``previous`` to arrive on ``target`` with the last note of ``rhythm``."""
    count = len(rhythm)
    degrees = []
    current = previous
    for index in range(count):
        remaining = count - index
        gap = target - current
        if remaining == 1:
            current = target
        elif abs(gap) >= remaining:
            current += 1 if gap > 0 else -1
        elif gap == 0:
            current += 1 if index % 2 == 0 else -1  # a neighbour tone
        else:
            current += 1 if gap > 0 else -1
        degrees.append(current)
    return [
        LineNote(start + n.start, n.duration, degree)
        for n, degree in zip(rhythm, degrees, strict=True)
    ]


def _nearest(candidates: tuple[int, ...], previous: int) -> int:
    """The candidate degree (in any octave) closest to ``previous``."""
    options = [c + 7 * octave for c in candidates for octave in (-1, 0, 1)]
    return min(options, key=lambda d: (abs(d - previous), d))


def period(idea: Motif, *, beats_per_bar: int, rng: random.Random, start: F = F(0)) -> PhraseLine:
    """An 8-bar period on ``idea`` (antecedent to a half cadence, consequent to the tonic)."""
    bar = F(beats_per_bar)
    idea_bars = min(4, max(1, math.ceil(idea.length / bar)))
    head = _first_bar(idea, beats_per_bar)
    sequence_step = rng.choice((-1, 1))
    notes: list[LineNote] = []

    def place_idea(at_bar: int, bars: int) -> None:
        notes.extend(
            fill_to(motif_notes(idea, start + at_bar * bar), start + (at_bar + bars) * bar)
        )

    def place_head(at_bar: int, shift: int) -> None:
        notes.extend(
            LineNote(start + at_bar * bar + n.start, n.duration, n.degree + shift) for n in head
        )

    # Antecedent: bars 0..3, ending on a half cadence in bar 3.
    if idea_bars == 1:
        place_idea(0, 1)
        place_head(1, sequence_step)
        place_head(2, 2 * sequence_step)
    elif idea_bars == 2:
        place_idea(0, 2)
        place_head(2, sequence_step)
    else:
        place_idea(0, 3)
    half = _nearest(HALF_CADENCE_DEGREES, notes[-1].degree)
    notes.append(LineNote(start + 3 * bar, bar, half))
    # Consequent: bars 4..7, the idea again, then the approach and the tonic.
    if idea_bars == 1:
        place_idea(4, 1)
        place_head(5, sequence_step)
    elif idea_bars == 2:
        place_idea(4, 2)
    else:
        place_idea(4, 2)
    target = _nearest((1, -1), notes[-1].degree)
    notes.extend(_approach(notes[-1].degree, target, head, start + 6 * bar))
    tonic = _nearest((0,), target)
    notes.append(LineNote(start + 7 * bar, bar, tonic))
    return PhraseLine(notes=tuple(notes), idea_bars=(0, 4))


def transpose_line(notes: tuple[LineNote, ...], shift: int) -> tuple[LineNote, ...]:
    """The line moved ``shift`` diatonic degrees."""
    return tuple(replace(n, degree=n.degree + shift) for n in notes)


def elaborate(
    notes: tuple[LineNote, ...],
    *,
    rng: random.Random,
    keep: tuple[tuple[F, F], ...] = (),
    then: int | None = None,
    liveliness: float = 0.0,
) -> tuple[LineNote, ...]:
    """Fill long notes with the figures that connect them (guide §4), so a returning phrase is
    varied rather than repeated and the line moves on. Every changed note keeps its strong
    beat and pitch. Notes of whole beats run on in eighths from their onset, in figures
    fiddlers use, within the span of the phrase's own notes (each phrase keeps to about an
    octave, guide §1: figures that overshoot it spread a track over two); a note of a beat or
    more that is not whole beats (a dotted one) is led into the next by a passing, neighbour
    or anticipating eighth.

    Notes starting inside a ``keep`` span (start, end) stay as they are: motif statements that
    must be heard whole. ``then`` is the degree the line goes on to after its last note; without
    it the last note is held (the track's final cadence). ``liveliness`` (-1..1) leans the
    choice of figures toward steps (calm) or leaps (lively).
    """
    drawn: dict[tuple[int, int, int], tuple[int, ...]] = {}
    span = (min(n.degree for n in notes), max(n.degree for n in notes))

    def figure(beats: int, degree: int, step: int) -> tuple[int, ...]:
        """One figure per move from a degree, so that it recurs, as in a tune."""
        move = (beats, degree, step)
        if move not in drawn:
            drawn[move] = _draw_figure(beats, degree, step, rng, liveliness, span)
        return drawn[move]

    result: list[LineNote] = []
    ahead = list(notes[1:])  # the note each one leads to
    if then is not None:
        ahead.append(LineNote(notes[-1].start + notes[-1].duration, F(0), then))
    for index, note in enumerate(notes):
        following = ahead[index] if index < len(ahead) else None
        kept = any(start <= note.start < end for start, end in keep)
        joined = following is not None and following.start == note.start + note.duration
        if kept or not joined or note.duration < 1 or note.start.denominator > 1:
            result.append(note)
            continue
        assert following is not None
        if note.duration.denominator == 1:
            result += _figures_to(
                note.start, note.duration, note.degree, following.degree, figure
            )
        else:
            result += _lead_in(note, following.degree)
    return tuple(result)


def _lead_in(note: LineNote, target: int) -> list[LineNote]:
    """The note, shortened by an eighth that leads into ``target``."""
    gap = target - note.degree
    direction = (gap > 0) - (gap < 0)
    if gap == 0:
        tail = note.degree + 1  # upper neighbour
    elif abs(gap) == 1:
        tail = target  # anticipation
    elif abs(gap) == 2:
        tail = note.degree + direction  # passing tone
    else:
        tail = target - direction  # the leap's goal approached by step
    eighth = F(1, 2)
    return [
        LineNote(note.start, note.duration - eighth, note.degree),
        LineNote(note.start + note.duration - eighth, eighth, tail),
    ]


def _figures_to(
    start: F,
    length: F,
    degree: int,
    target: int,
    figure: Callable[[int, int, int], tuple[int, ...]],
) -> list[LineNote]:
    """Eighths from ``degree`` (on a beat) that lead to ``target`` after ``length`` whole beats:
    figures of two beats, then one, from ``figure(beats, from_degree, step)``. Between figures
    the line passes through evenly spaced degrees on the beats."""
    eighth = F(1, 2)
    chunks = [F(2)] * int(length // 2) + ([F(1)] if length % 2 else [])
    notes: list[LineNote] = []
    position, current = start, degree
    for done, beats in enumerate(chunks, start=1):
        goal = degree + round((target - degree) * done / len(chunks))
        steps = figure(int(beats), current, goal - current)
        notes += [
            LineNote(position + k * eighth, eighth, current + step)
            for k, step in enumerate((0, *steps))
        ]
        position, current = position + beats, goal
    return notes


def _draw_figure(
    beats: int,
    degree: int,
    target_step: int,
    rng: random.Random,
    liveliness: float,
    span: tuple[int, int],
) -> tuple[int, ...]:
    """Steps above ``degree`` of eighths 2..n of a figure that leads ``target_step`` degrees
    on, drawn by corpus count times how well its notes sit in the key (the tonal hierarchy),
    leaning to leaps or steps with ``liveliness``, among those that stay within ``span``
    (lowest, highest degree) where any does; a plain scale when the corpus has none that
    far."""
    rows = figure_table()[beats].get(target_step)
    if not rows:
        direction = (target_step > 0) - (target_step < 0)
        return tuple(direction * k for k in range(1, 2 * beats))
    weights = _weights(beats, degree % 7, target_step, liveliness)
    pool = [(shape, w) for (shape, _), w in zip(rows, weights, strict=True)]
    inside = [(s, w) for s, w in pool if span[0] <= degree + min(s) and degree + max(s) <= span[1]]
    shapes, chosen = zip(*(inside or pool), strict=True)
    return rng.choices(shapes, weights=chosen)[0]


@cache
def _weights(
    beats: int, degree_class: int, target_step: int, liveliness: float
) -> tuple[float, ...]:
    """Each figure's corpus count times the stability of the degrees it passes through, and
    its leaping leaned to the track's liveliness."""
    return tuple(
        count
        * math.prod(DEGREE_STABILITY[(degree_class + step) % 7] ** TONAL_PULL for step in shape)
        * LEAP_PULL ** (liveliness * (_mean_move((0, *shape, target_step)) - 1))
        for shape, count in figure_table()[beats][target_step]
    )


def _mean_move(degrees: tuple[int, ...]) -> float:
    """The mean size of the moves between successive degrees."""
    return sum(abs(b - a) for a, b in pairwise(degrees)) / (len(degrees) - 1)


@cache
def figure_table() -> dict[int, dict[int, tuple[tuple[tuple[int, ...], int], ...]]]:
    """beats -> target step -> (steps of eighths 2..n, count), from ``data/figures.json``
    (learnt from Ryan's Mammoth Collection by ``tools/learn_figures.py``)."""
    text = (
        resources.files("storyscore.composition")
        .joinpath("data", FIGURES_FILE)
        .read_text(encoding="utf-8")
    )
    table: dict[int, dict[int, list[tuple[tuple[int, ...], int]]]] = {}
    for beats, rows in json.loads(text)["figures"].items():
        by_step = table.setdefault(int(beats), {})
        for target_step, *steps, count in rows:
            by_step.setdefault(target_step, []).append((tuple(steps), count))
    return {b: {g: tuple(rows) for g, rows in by.items()} for b, by in table.items()}
