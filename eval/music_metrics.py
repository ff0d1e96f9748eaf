"""Metric functions of the music evaluation (``eval/music.py``), on plain notes and chords.

Everything here takes values (storyscore ``Note``, ``Chord``, ``Key``, ``Motif``) and returns
numbers, so each metric can be checked on a hand-made input whose answer is known
(``tests/eval/test_music_metrics.py``). Only :func:`music21_key` needs music21; it imports
it where used. Definitions follow issue 4 and ``research/composition-guide.md`` §1, §9.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import numpy as np

from storyscore.composition.harmony import chord_pitch_classes
from storyscore.composition.model import Chord, Motif, Note
from storyscore.music.theory import Key

PERFECT_CLASSES = frozenset({0, 7})
IMPERFECT_CLASSES = frozenset({3, 4, 8, 9})
KDE_GRID_POINTS = 2048
WALK_SPAN = 7  # scale degrees either side of the tonic


@dataclass(frozen=True, slots=True)
class Tally:
    """Hits out of a total; tallies add up, so a share can be pooled over tracks."""

    hits: int
    total: int

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.hits + other.hits, self.total + other.total)

    @property
    def share(self) -> float:
        """``hits / total``, or NaN when nothing was counted."""
        return self.hits / self.total if self.total else math.nan


# --- Notes in time ---------------------------------------------------------------------------


def chord_at(chords: Sequence[Chord], beat: Fraction) -> Chord | None:
    """The chord sounding at ``beat``, if any."""
    for chord in chords:
        if chord.start <= beat < chord.start + chord.duration:
            return chord
    return None


def highest_at(notes: Sequence[Note], beat: Fraction) -> int | None:
    """The highest pitch sounding at ``beat``."""
    pitches = [n.pitch for n in notes if n.start <= beat < n.end]
    return max(pitches) if pitches else None


def lowest_at(notes: Sequence[Note], beat: Fraction) -> int | None:
    """The lowest pitch sounding at ``beat``."""
    pitches = [n.pitch for n in notes if n.start <= beat < n.end]
    return min(pitches) if pitches else None


def skyline(notes: Iterable[Note]) -> tuple[Note, ...]:
    """The melody a listener follows: the highest note at each onset, unless a higher note
    begun earlier still sounds over it; each kept note is cut at the next kept onset."""
    ordered = sorted(notes, key=lambda n: (n.start, -n.pitch, -n.duration))
    kept: list[Note] = []
    sounding: list[Note] = []
    for note in ordered:
        if kept and kept[-1].start == note.start:
            continue  # a lower note of the same onset
        sounding = [n for n in sounding if n.end > note.start]
        if any(n.pitch > note.pitch for n in sounding):
            continue
        sounding.append(note)
        kept.append(note)
    melody = []
    for index, note in enumerate(kept):
        following = kept[index + 1].start if index + 1 < len(kept) else note.end
        melody.append(
            Note(note.start, min(note.duration, following - note.start), note.pitch, note.velocity)
        )
    return tuple(melody)


def straighten(notes: Iterable[Note]) -> tuple[Note, ...]:
    """Undo a 2:1 swing (off-beat eighths played on the last third of the beat), so that
    written rhythms can be compared; the inverse of ``storyscore`` arrangement's ``swing``."""

    def unwarp(t: Fraction) -> Fraction:
        whole = Fraction(math.floor(t))
        part = t - whole
        if part <= Fraction(2, 3):
            return whole + part * Fraction(3, 4)
        return whole + Fraction(1, 2) + (part - Fraction(2, 3)) * Fraction(3, 2)

    straight = []
    for note in notes:
        start, end = unwarp(note.start), unwarp(note.end)
        straight.append(Note(start, end - start, note.pitch, note.velocity))
    return tuple(straight)


# --- 1. Scale consistency --------------------------------------------------------------------


def scale_consistency(notes: Iterable[Note], key: Key, chords: Sequence[Chord]) -> Tally:
    """Notes whose pitch class is in the key's scale or in the chord sounding at their onset
    (so the raised leading tone under V and borrowed chords count as intended)."""
    scale = key.pitch_classes()
    hits = total = 0
    for note in notes:
        total += 1
        pc = note.pitch % 12
        chord = chord_at(chords, note.start)
        if pc in scale or (chord is not None and pc in chord_pitch_classes(chord)):
            hits += 1
    return Tally(hits, total)


# --- 2. Key recovered ------------------------------------------------------------------------


def accepted_keys(planned: Key) -> frozenset[tuple[int, str]]:
    """The (tonic pitch class, "major"/"minor") answers of a major/minor key finder that
    recover ``planned``.

    The rule: the planned tonic with its mode's family (major, lydian, mixolydian -> major;
    minor, dorian, phrygian -> minor), or either key that shares the planned key signature
    (``Key.fifths``). For a major or minor plan this is "exact or relative"; for a mode it
    also accepts the finder's reading of the same notes as the parent major or its relative
    minor (D dorian -> C major or A minor), since a major/minor finder cannot name a mode.
    """
    family = "major" if planned.is_major_like else "minor"
    signature_major = (7 * planned.fifths) % 12
    return frozenset(
        {
            (planned.tonic, family),
            (signature_major, "major"),
            ((signature_major + 9) % 12, "minor"),
        }
    )


def key_recovered(found_tonic: int, found_mode: str, planned: Key) -> bool:
    """Whether the key finder's answer recovers the planned key (see :func:`accepted_keys`)."""
    return (found_tonic % 12, found_mode) in accepted_keys(planned)


def music21_key(notes: Iterable[Note]) -> tuple[int, str]:
    """music21's key analysis (``Stream.analyze('key')``) of the notes: tonic pitch class and
    ``"major"`` or ``"minor"``."""
    from music21 import note as m21note
    from music21 import stream

    container = stream.Stream()
    for item in notes:
        container.coreInsert(item.start, m21note.Note(item.pitch, quarterLength=item.duration))
    container.coreElementsChanged()
    found = container.analyze("key")
    return found.tonic.pitchClass, found.mode


# --- 3. Motif found --------------------------------------------------------------------------


def degree_options(pitch: int, key: Key) -> frozenset[int]:
    """The scale degree(s) of ``pitch`` in ``key`` (counted from the tonic's lowest octave).

    A chromatic pitch may stand for either neighbouring degree: the composer raises or
    lowers a degree to fit the chord (the leading tone in minor, a borrowed flat sixth).
    """
    degree = key.pitch_to_degree(pitch, key.tonic)
    if degree is not None:
        return frozenset({degree})
    neighbours = (pitch - 1, pitch + 1)
    return frozenset(
        d for d in (key.pitch_to_degree(p, key.tonic) for p in neighbours) if d is not None
    )


def motif_forms(motif: Motif) -> dict[str, Motif]:
    """The motif and the changes the evaluation recognises: inversion (intervals mirrored,
    rhythm kept), augmentation and diminution (rhythm scaled by 2 or 1/2, intervals kept)."""
    first = motif.degrees[0]
    return {
        "original": motif,
        "inversion": Motif(tuple(2 * first - d for d in motif.degrees), motif.durations),
        "augmentation": Motif(motif.degrees, tuple(d * 2 for d in motif.durations)),
        "diminution": Motif(motif.degrees, tuple(d / 2 for d in motif.durations)),
    }


def find_motif(line: Sequence[Note], motif: Motif, key: Key, *, head: int = 4) -> str | None:
    """The first form of ``motif`` (see :func:`motif_forms`) heard in ``line``, or ``None``.

    A match is transposition-invariant in scale steps of ``key`` (a diatonic sequence of the
    motif is the motif), compares the first ``head`` notes when the motif is longer, and
    asks each matched note's inter-onset interval to equal the form's written duration
    (the last matched note's length is free). ``line`` should be one voice, in onset order.
    """
    size = min(head, len(motif.degrees))
    options = [degree_options(n.pitch, key) for n in line]
    starts = [n.start for n in line]
    for name, form in motif_forms(motif).items():
        relative = [d - form.degrees[0] for d in form.degrees[:size]]
        durations = form.durations[: size - 1]
        for first in range(len(line) - size + 1):
            if any(
                starts[first + j + 1] - starts[first + j] != durations[j] for j in range(size - 1)
            ):
                continue
            offsets = {d - relative[0] for d in options[first]}
            for j in range(1, size):
                offsets &= {d - relative[j] for d in options[first + j]}
            if offsets:
                return name
    return None


# --- 4. Parallel fifths and octaves ----------------------------------------------------------


def is_parallel_perfect(top_a: int, bass_a: int, top_b: int, bass_b: int) -> bool:
    """Two voices a fifth or octave (compound or not) apart at both moments, with the same
    interval class, both moving in the same direction."""
    first, second = (top_a - bass_a) % 12, (top_b - bass_b) % 12
    if first not in PERFECT_CLASSES or first != second:
        return False
    top_move, bass_move = top_b - top_a, bass_b - bass_a
    return top_move != 0 and bass_move != 0 and (top_move > 0) == (bass_move > 0)


def parallel_changes(
    melody_notes: Sequence[Note], bass_notes: Sequence[Note], chords: Sequence[Chord]
) -> tuple[tuple[Fraction, bool], ...]:
    """Each chord change where the highest of ``melody_notes`` and the lowest of
    ``bass_notes`` sound (and are not the same note) at both chords' onsets: the beat of
    the change, and whether the two voices move there in parallel fifths or octaves."""
    changes = []
    previous: tuple[int, int] | None = None
    for chord in chords:
        top, bass = highest_at(melody_notes, chord.start), lowest_at(bass_notes, chord.start)
        current = (top, bass) if top is not None and bass is not None and top > bass else None
        if previous is not None and current is not None:
            changes.append((chord.start, is_parallel_perfect(*previous, *current)))
        previous = current
    return tuple(changes)


def parallel_perfects(
    melody_notes: Sequence[Note], bass_notes: Sequence[Note], chords: Sequence[Chord]
) -> Tally:
    """Chord changes in parallel fifths or octaves, out of those :func:`parallel_changes`
    can judge."""
    changes = parallel_changes(melody_notes, bass_notes, chords)
    return Tally(sum(parallel for _, parallel in changes), len(changes))


# --- 5. Structure ----------------------------------------------------------------------------


def bars_of(melody: Sequence[Note], beats_per_bar: int) -> list[list[Note]]:
    """The melody cut into bars by onset; each note's start made relative to its bar."""
    bars: dict[int, list[Note]] = {}
    for note in melody:
        index = math.floor(note.start / beats_per_bar)
        start = note.start - index * beats_per_bar
        bars.setdefault(index, []).append(Note(start, note.duration, note.pitch, note.velocity))
    return [bars[i] for i in sorted(bars)]


def bar_pattern(bar: Sequence[Note], *, exact: bool = False) -> tuple[tuple[Fraction, ...], ...]:
    """A bar's onsets within the bar, durations, and intervals in semitones between its
    successive notes: the same pattern at any transposition (``exact`` adds the first pitch,
    so only a literal repeat matches)."""
    onsets = tuple(Fraction(n.start) for n in bar)
    durations = tuple(Fraction(n.duration) for n in bar)
    intervals = tuple(Fraction(b.pitch - a.pitch) for a, b in pairwise(bar))
    first = (Fraction(bar[0].pitch),) if exact and bar else ()
    return (onsets, durations, intervals, first)


def recurring_bars(bars: Sequence[Sequence[Note]], *, exact: bool = False) -> Tally:
    """Non-empty bars whose pattern (:func:`bar_pattern`) recurs in another bar."""
    patterns = [bar_pattern(bar, exact=exact) for bar in bars if bar]
    counts = Counter(patterns)
    return Tally(sum(counts[p] > 1 for p in patterns), len(patterns))


def random_walk(
    rng: random.Random,
    *,
    bars: int,
    key: Key,
    eighths: bool = True,
    beats_per_bar: int = 4,
    tonic_midi: int = 60,
) -> tuple[Note, ...]:
    """An aimless in-key melody: each beat a quarter, or (``eighths``) a quarter or two
    eighths at even odds; each note -2..+2 scale degrees from the last (uniform), from the
    tonic; a step that would leave the two octaves around the tonic goes the other way."""
    notes, degree, beat = [], 0, Fraction(0)
    for _ in range(bars * beats_per_bar):
        pieces = 2 if eighths and rng.random() < 0.5 else 1
        for _ in range(pieces):
            length = Fraction(1, pieces)
            notes.append(Note(beat, length, key.degree_to_pitch(degree, tonic_midi), 64))
            beat += length
            step = rng.randint(-2, 2)
            degree += step if -WALK_SPAN <= degree + step <= WALK_SPAN else -step
    return tuple(notes)


# --- 6. Feature distributions (Yang & Lerch 2018) --------------------------------------------


@dataclass(frozen=True, slots=True)
class MelodyFeatures:
    """The absolute features compared with the human corpus."""

    pitch_range: float  # semitones between the lowest and highest note
    mean_abs_interval: float  # semitones between successive notes
    mean_ioi: float  # beats (quarter notes) between successive onsets
    pitch_class_entropy: float  # bits, of the note-count pitch-class histogram


FEATURE_NAMES = ("pitch_range", "mean_abs_interval", "mean_ioi", "pitch_class_entropy")


def melody_features(melody: Sequence[Note]) -> MelodyFeatures:
    """:class:`MelodyFeatures` of a melody of at least two notes, in onset order."""
    if len(melody) < 2:
        raise ValueError("melody features need at least two notes")
    pitches = np.array([n.pitch for n in melody], dtype=float)
    onsets = np.array([float(n.start) for n in melody])
    counts = np.bincount(pitches.astype(int) % 12, minlength=12)
    shares = counts[counts > 0] / counts.sum()
    return MelodyFeatures(
        pitch_range=float(pitches.max() - pitches.min()),
        mean_abs_interval=float(np.mean(np.abs(np.diff(pitches)))),
        mean_ioi=float(np.mean(np.diff(onsets))),
        pitch_class_entropy=float(-(shares * np.log2(shares)).sum()),
    )


def _bandwidth(samples: np.ndarray, span: float) -> float:
    """Scott's rule (as scipy's ``gaussian_kde``), kept above a small share of the span so
    that a constant sample still has a density."""
    spread = float(np.std(samples, ddof=1)) if len(samples) > 1 else 0.0
    return max(spread * len(samples) ** (-1 / 5), 1e-3 * max(span, 1.0))


def gaussian_kde(samples: Sequence[float], grid: np.ndarray, span: float) -> np.ndarray:
    """A Gaussian kernel density of ``samples`` on ``grid``."""
    data = np.asarray(samples, dtype=float)
    width = _bandwidth(data, span)
    z = (grid[:, None] - data[None, :]) / width
    return np.exp(-0.5 * z**2).sum(axis=1) / (len(data) * width * math.sqrt(2 * math.pi))


def overlap_area(a: Sequence[float], b: Sequence[float]) -> float:
    """Area under the smaller of the two kernel densities (1 = same distribution, 0 =
    disjoint), as in Yang & Lerch 2018; each density is normalised on the common grid."""
    both = np.concatenate([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])
    span = float(both.max() - both.min())
    margin = 4 * max(_bandwidth(np.asarray(a, float), span), _bandwidth(np.asarray(b, float), span))
    grid = np.linspace(both.min() - margin, both.max() + margin, KDE_GRID_POINTS)
    step = grid[1] - grid[0]
    p, q = gaussian_kde(a, grid, span), gaussian_kde(b, grid, span)
    p, q = p / (p.sum() * step), q / (q.sum() * step)
    return float(np.minimum(p, q).sum() * step)


# --- 7. Duet ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DuetMeasures:
    """How two lead voices sound together over one track."""

    perfect: int  # onsets where both sound a unison/octave or fifth apart (mod 12)
    imperfect: int  # ... a third or sixth
    dissonant: int  # ... any other interval (seconds, fourths, tritones, sevenths)
    register_distance: float  # mean |a - b| in semitones at those onsets; NaN if none
    onset_coincidence: float  # shared onsets / all onsets of the two voices
    second_share: float  # the second voice's share of the two voices' notes


def duet_measures(first: Sequence[Note], second: Sequence[Note]) -> DuetMeasures:
    """:class:`DuetMeasures` of two voices, sampled at every onset of either voice."""
    onsets_a, onsets_b = {n.start for n in first}, {n.start for n in second}
    classes: Counter[str] = Counter()
    distances = []
    for beat in sorted(onsets_a | onsets_b):
        a, b = highest_at(first, beat), highest_at(second, beat)
        if a is None or b is None:
            continue
        interval = abs(a - b) % 12
        if interval in PERFECT_CLASSES:
            classes["perfect"] += 1
        elif interval in IMPERFECT_CLASSES:
            classes["imperfect"] += 1
        else:
            classes["dissonant"] += 1
        distances.append(abs(a - b))
    union = onsets_a | onsets_b
    notes = len(first) + len(second)
    return DuetMeasures(
        perfect=classes["perfect"],
        imperfect=classes["imperfect"],
        dissonant=classes["dissonant"],
        register_distance=float(np.mean(distances)) if distances else math.nan,
        onset_coincidence=len(onsets_a & onsets_b) / len(union) if union else math.nan,
        second_share=len(second) / notes if notes else math.nan,
    )


# --- 8. Emotion ------------------------------------------------------------------------------


def average_ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks from 1, ties sharing the mean of the ranks they span."""
    data = np.asarray(values, dtype=float)
    order = np.argsort(data, kind="stable")
    ranks = np.empty(len(data))
    position = 0
    while position < len(data):
        end = position
        while end + 1 < len(data) and data[order[end + 1]] == data[order[position]]:
            end += 1
        ranks[order[position : end + 1]] = (position + end) / 2 + 1
        position = end + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho (Pearson r of average ranks); NaN when either side is constant."""
    if len(x) != len(y):
        raise ValueError("spearman needs two sequences of the same length")
    rx, ry = average_ranks(x), average_ranks(y)
    if len(rx) < 2 or np.all(rx == rx[0]) or np.all(ry == ry[0]):
        return math.nan
    return float(np.corrcoef(rx, ry)[0, 1])
