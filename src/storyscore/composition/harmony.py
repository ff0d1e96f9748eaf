"""Chords: Roman numerals in a key, functional choice that fits the melody, cadences.

Each bar of a phrase has a function slot: tonic at the start, free in the middle,
predominant before the cadence, dominant at a half cadence, dominant then tonic at an
authentic cadence (guide §3). Within a slot, the chord is the one that holds the most of the
melody's strong-beat notes, weighted by functional transition likelihoods; tension (low
valence with high arousal) lets diminished, dominant-seventh and borrowed chords in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from fractions import Fraction as F
from typing import Literal

from storyscore.composition.model import Chord
from storyscore.music.theory import Key

Quality = Literal["maj", "min", "dim", "aug", "dom7", "maj7", "min7", "hdim7", "sus4"]
Slot = Literal["tonic", "free", "predominant", "dominant", "final"]

QUALITY_INTERVALS: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "dom7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "hdim7": (0, 3, 6, 10),
    "sus4": (0, 5, 7),
}
ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
NUMERAL = re.compile(
    r"^(?P<acc>[b#]?)(?P<roman>[ivIV]+)(?P<suffix>°7|°|ø7|maj7|7)?(?P<applied>/[ivIV]+)?$"
)

# Chords per slot for major-like and minor-like modes; tension adds the second list.
SLOT_CHORDS: dict[tuple[bool, Slot], tuple[tuple[str, ...], tuple[str, ...]]] = {
    (True, "tonic"): (("I", "vi"), ("I",)),
    (True, "free"): (("I", "IV", "vi", "ii", "V", "iii"), ("bVI", "iv", "V/V", "vii°")),
    (True, "predominant"): (("IV", "ii", "vi"), ("iv", "ii°", "bVI")),
    (True, "dominant"): (("V",), ("V7", "vii°")),
    (True, "final"): (("I",), ()),
    (False, "tonic"): (("i", "VI"), ("i",)),
    (False, "free"): (("i", "iv", "VI", "III", "VII", "V"), ("ii°", "vii°7", "bII")),
    (False, "predominant"): (("iv", "ii°", "VI"), ("bII",)),
    (False, "dominant"): (("V",), ("V7", "vii°7")),
    (False, "final"): (("i",), ()),
}
# Functional pull of one chord's degree to the next (guide §3, major; minor by analogy).
TRANSITIONS: dict[int, dict[int, float]] = {
    0: {3: 0.25, 4: 0.25, 5: 0.2, 1: 0.15, 2: 0.05, 0: 0.1},
    1: {4: 0.7, 0: 0.1, 6: 0.1, 3: 0.1},
    2: {5: 0.5, 3: 0.3, 1: 0.2},
    3: {4: 0.35, 0: 0.25, 1: 0.2, 6: 0.1, 3: 0.1},
    4: {0: 0.7, 5: 0.2, 3: 0.1},
    5: {3: 0.4, 1: 0.35, 4: 0.15, 2: 0.1},
    6: {0: 0.8, 5: 0.2},
}


def parse_numeral(numeral: str, key: Key) -> tuple[int, Quality]:
    """Root pitch class and quality of a Roman numeral in ``key``.

    Upper case is major, lower case minor; ``°`` diminished, ``ø7`` half-diminished, ``7``
    a dominant seventh on an upper-case numeral; ``b``/``#`` alter the root; ``/x`` is an
    applied chord (V/V is the dominant of the dominant). Degrees follow the key's own mode.
    """
    match = NUMERAL.match(numeral)
    if match is None:
        raise ValueError(f"not a Roman numeral: {numeral!r}")
    roman, suffix = match["roman"], match["suffix"] or ""
    degree = ROMAN[roman.lower()]
    base = key.tonic
    if match["applied"]:
        target_degree = ROMAN[match["applied"][1:].lower()]
        base = (key.tonic + key.steps[target_degree]) % 12
        root = (base + (0, 2, 4, 5, 7, 9, 11)[degree]) % 12
    else:
        root = (base + key.steps[degree]) % 12
    root = (root + {"b": -1, "#": 1, "": 0}[match["acc"]]) % 12
    upper = roman.isupper()
    quality: Quality
    if suffix == "°7":
        quality = "dim"  # rendered as a diminished triad; the seventh adds nothing to fitting
    elif suffix == "°":
        quality = "dim"
    elif suffix == "ø7":
        quality = "hdim7"
    elif suffix == "maj7":
        quality = "maj7"
    elif suffix == "7":
        quality = "dom7" if upper else "min7"
    else:
        quality = "maj" if upper else "min"
    return root, quality


def chord_pitch_classes(chord: Chord) -> frozenset[int]:
    """The pitch classes of ``chord``."""
    return frozenset((chord.root + i) % 12 for i in QUALITY_INTERVALS[chord.quality])


# Jazz cadences are ii-V(7)-I (guide §3): the predominant is always ii, the dominant V7.
JAZZ_CADENCE: dict[tuple[bool, Slot], tuple[str, ...]] = {
    (True, "predominant"): ("ii",),
    (False, "predominant"): ("ii°",),
    (True, "dominant"): ("V7",),
    (False, "dominant"): ("V7",),
}


def choose_chord(
    key: Key,
    slot: Slot,
    *,
    previous: str | None,
    melody_pitch_classes: Sequence[tuple[int, float]],
    tension: float,
    rng: random.Random,
    jazz: bool = False,
) -> str:
    """The numeral for one harmonic slot, fitted to the melody heard over it.

    ``melody_pitch_classes`` pairs each melody pitch class in the slot with its metric weight.
    """
    plain, tense = SLOT_CHORDS[(key.is_major_like, slot)]
    options = list(plain) + (list(tense) if tension > 0.25 else [])
    if jazz and (key.is_major_like, slot) in JAZZ_CADENCE:
        options = list(JAZZ_CADENCE[(key.is_major_like, slot)])
    best_score, best = float("-inf"), options[0]
    for numeral in options:
        root, quality = parse_numeral(numeral, key)
        tones = {(root + i) % 12 for i in QUALITY_INTERVALS[quality]}
        fit = sum(w for pc, w in melody_pitch_classes if pc in tones)
        clash = sum(w for pc, w in melody_pitch_classes if pc not in tones)
        pull = 0.0
        if previous is not None:
            pull = TRANSITIONS.get(_degree_of(previous), {}).get(_degree_of(numeral), 0.02)
        colour = 0.3 * tension if numeral in tense else 0.0
        score = 3.0 * fit - 2.0 * clash + 1.5 * pull + colour + rng.uniform(0, 0.3)
        if numeral == previous and slot == "free":
            score -= 0.6  # keep the harmony moving
        if score > best_score:
            best_score, best = score, numeral
    return best


def _degree_of(numeral: str) -> int:
    match = NUMERAL.match(numeral)
    assert match is not None
    return ROMAN[match["roman"].lower()]


def make_chord(numeral: str, key: Key, start: F, duration: F) -> Chord:
    """A :class:`Chord` value for ``numeral`` in ``key``."""
    root, quality = parse_numeral(numeral, key)
    return Chord(start=start, duration=duration, root=root, quality=quality, numeral=numeral)
