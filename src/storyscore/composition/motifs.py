"""Leitmotifs: generation by seeded generate-and-test, similarity, and transformations.

A motif is diatonic degrees plus durations (composition guide §2): 4 to 8 notes over one or
two bars, one characteristic leap recovered by step, otherwise steps, within a tenth, starting
on ^1, ^3 or ^5 and ending open on ^2, ^3 or ^5. The second lead's motif is chosen to sound
with the first (mostly thirds and sixths at shared onsets) and to move where the first holds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction as F
from itertools import pairwise

from storyscore.composition.model import Motif

# Rhythm cells in beats; each has a signature (a dotted figure, a syncopation, or a long
# note after short ones). Keyed by beats per bar; each sums to one or two bars. A restated
# motif is known by its first four notes, which stay as written: a waltz cell whose first
# three held four and a half beats kept its melodies at 0.67 beats a note (fiddle tunes:
# 0.49); its place is taken by a dotted cell that moves in eighths first.
RHYTHMS: dict[int, tuple[tuple[F, ...], ...]] = {
    4: (
        (F(3, 2), F(1, 2), F(1), F(1), F(4)),
        (F(1), F(1, 2), F(1, 2), F(2), F(1), F(1), F(2)),
        (F(1, 2), F(1, 2), F(1), F(2), F(3, 2), F(1, 2), F(2)),
        (F(2), F(1), F(1), F(3, 2), F(1, 2), F(2)),
        (F(1), F(1), F(3, 2), F(1, 2), F(3), F(1)),
        (F(1, 2), F(1, 2), F(1, 2), F(1, 2), F(2), F(2), F(2)),
        (F(1), F(1, 2), F(1, 2), F(1), F(1)),
        (F(3, 2), F(1, 2), F(3, 2), F(1, 2)),
        (F(1, 2), F(1), F(1, 2), F(2)),
    ),
    3: (
        (F(1), F(1, 2), F(1, 2), F(1), F(3, 2), F(1, 2), F(1)),
        (F(1), F(1), F(1), F(3)),
        (F(3, 2), F(1, 2), F(1), F(2), F(1)),
        (F(1), F(1, 2), F(1, 2), F(1), F(3)),
        (F(2), F(1), F(1), F(1), F(1)),
        (F(1, 2), F(1, 2), F(2), F(3, 2), F(1, 2), F(1)),
    ),
}
CANDIDATES = 160
MAX_SIMILARITY = 0.5


def make_themes(count: int, *, beats_per_bar: int, rng: random.Random) -> tuple[Motif, ...]:
    """One distinct motif per character, the first two made to combine in counterpoint."""
    motifs: list[Motif] = []
    for index in range(count):
        best_score, best = float("-inf"), None
        for _ in range(CANDIDATES):
            candidate = _random_motif(beats_per_bar, rng)
            score = _shape_score(candidate)
            closest = max((similarity(candidate, m) for m in motifs), default=0.0)
            if closest > MAX_SIMILARITY:
                score -= 10 * (closest - MAX_SIMILARITY) + 2
            if index == 1:
                score += 2 * counterpoint_score(motifs[0], candidate)
            if score > best_score:
                best_score, best = score, candidate
        assert best is not None
        motifs.append(best)
    return tuple(motifs)


def _random_motif(beats_per_bar: int, rng: random.Random) -> Motif:
    rhythm = rng.choice(RHYTHMS[beats_per_bar])
    count = len(rhythm)
    leap_at = rng.randrange(0, count - 1)
    leap = rng.choice((3, 4, 5)) * rng.choice((1, 1, -1))
    degree = rng.choice((0, 2, 4))
    degrees = [degree]
    for position in range(1, count):
        if position - 1 == leap_at:
            step = leap
        elif position - 1 == leap_at + 1:
            step = -1 if leap > 0 else 1  # recover the leap by step, the other way
        else:
            step = rng.choice((-1, -1, 1, 1, 2, -2, 0))
        degree += step
        degrees.append(degree)
    return Motif(tuple(degrees), tuple(rhythm))


def _shape_score(motif: Motif) -> float:
    """Higher for singable, well-shaped motifs; large negatives for rule breaks."""
    degrees = motif.degrees
    score = 0.0
    if max(degrees) - min(degrees) > 9:  # wider than a tenth
        score -= 5
    if degrees[-1] % 7 not in (1, 2, 4):
        score -= 2  # an open ending that can continue
    if degrees[0] % 7 not in (0, 2, 4):
        score -= 2
    repeats = sum(a == b for a, b in pairwise(degrees))
    score -= 0.7 * max(0, repeats - 1)
    steps = sum(abs(b - a) <= 1 for a, b in pairwise(degrees))
    score += steps / max(1, len(degrees) - 1)
    # Keep the motif near the middle of its register: degrees 0..7.
    score -= 0.2 * max(0, max(degrees) - 9) + 0.2 * max(0, -3 - min(degrees))
    return score


def intervals(motif: Motif) -> tuple[int, ...]:
    """Successive diatonic steps between the notes."""
    return tuple(b - a for a, b in pairwise(motif.degrees))


def similarity(a: Motif, b: Motif) -> float:
    """0.5 rhythm similarity + 0.5 interval similarity, in [0, 1] (guide §9)."""
    return 0.5 * _rhythm_similarity(a, b) + 0.5 * (
        1 - _edit_distance_share(intervals(a), intervals(b))
    )


def _rhythm_similarity(a: Motif, b: Motif) -> float:
    grid = F(1, 2)
    span = max(a.length, b.length)
    slots = int(span / grid) + 1

    def onsets(motif: Motif) -> list[int]:
        vector = [0] * slots
        position = F(0)
        for duration in motif.durations:
            vector[int(position / grid)] = 1
            position += duration
        return vector

    va, vb = onsets(a), onsets(b)
    dot = sum(x * y for x, y in zip(va, vb, strict=True))
    norm = (sum(va) * sum(vb)) ** 0.5
    return dot / norm if norm else 0.0


def _edit_distance_share(a: Sequence[int], b: Sequence[int]) -> float:
    rows = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, rows[0] = rows[0], i
        for j, y in enumerate(b, start=1):
            current = min(rows[j] + 1, rows[j - 1] + 1, previous + (x != y))
            previous, rows[j] = rows[j], current
    return rows[len(b)] / max(1, len(a), len(b))


COUNTER_OFFSETS = (-2, -4, -5, -7, -9)  # a third, fifth, sixth, octave, tenth below (diatonic)


def _consonant_shares(upper: Motif, lower: Motif) -> tuple[dict[int, float], float]:
    """For each offset of ``lower`` below ``upper``: the share of onsets (of either voice)
    where the two sound a diatonic third or sixth; and how complementary the rhythms are."""
    upper_onsets, lower_onsets = set(_onsets(upper)), set(_onsets(lower))
    events = sorted(upper_onsets | lower_onsets)
    pairs = [
        (top, bottom)
        for beat in events
        if (top := _degree_at(upper, beat)) is not None
        and (bottom := _degree_at(lower, beat)) is not None
    ]
    shares = {
        offset: sum((top - (bottom + offset)) % 7 in (2, 5) for top, bottom in pairs)
        / max(1, len(events))
        for offset in COUNTER_OFFSETS
    }
    complementary = 1 - len(upper_onsets & lower_onsets) / max(1, len(events))
    return shares, complementary


def counterpoint_score(upper: Motif, lower: Motif) -> float:
    """How well ``lower`` sounds under ``upper`` at its best offset: imperfect consonances
    at every onset of either voice, and one voice moving while the other holds."""
    shares, complementary = _consonant_shares(upper, lower)
    return max(shares.values()) + 0.5 * complementary


def best_offset(upper: Motif, lower: Motif) -> int:
    """The diatonic offset (downward) at which ``lower`` best accompanies ``upper``; the
    nearest wins a tie."""
    shares, _ = _consonant_shares(upper, lower)
    return max(COUNTER_OFFSETS, key=lambda offset: shares[offset] - 0.001 * abs(offset))


def _onsets(motif: Motif) -> list[F]:
    positions, position = [], F(0)
    for duration in motif.durations:
        positions.append(position)
        position += duration
    return positions


def _degree_at(motif: Motif, beat: F) -> int | None:
    position = F(0)
    for degree, duration in zip(motif.degrees, motif.durations, strict=True):
        if position <= beat < position + duration:
            return degree
        position += duration
    return None


# Transformations (guide §2): each changes rhythm or intervals, never both.


def augment(motif: Motif) -> Motif:
    """Durations doubled: slow, remembered, grave."""
    return Motif(motif.degrees, tuple(d * 2 for d in motif.durations))


def diminish(motif: Motif) -> Motif:
    """Durations halved: excited, urgent."""
    return Motif(motif.degrees, tuple(d / 2 for d in motif.durations))


def invert(motif: Motif) -> Motif:
    """Intervals mirrored around the first note, rhythm kept: conflict."""
    first = motif.degrees[0]
    return Motif(tuple(2 * first - d for d in motif.degrees), motif.durations)


def fragment(motif: Motif, notes: int = 3) -> Motif:
    """The head of the motif, with its characteristic interval where it falls early."""
    return Motif(motif.degrees[:notes], motif.durations[:notes])
