"""Keys, modes and scale degrees.

A :class:`Key` maps diatonic scale degrees (0 = tonic, 7 = tonic an octave up, negative
below) to MIDI pitches, so motifs stored as degrees fit any key and mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["major", "minor", "dorian", "lydian", "mixolydian", "phrygian"]
MODES: tuple[Mode, ...] = ("major", "minor", "dorian", "lydian", "mixolydian", "phrygian")

# Semitones above the tonic of each degree.
MODE_STEPS: dict[Mode, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
}
MAJOR_LIKE: frozenset[Mode] = frozenset({"major", "lydian", "mixolydian"})

SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
# Sharps (+) or flats (-) in the key signature of each major tonic.
MAJOR_FIFTHS = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 1: -5, 8: -4, 3: -3, 10: -2, 5: -1}
# How far each mode's signature sits from the major key on the same tonic, in fifths.
MODE_FIFTH_SHIFT: dict[Mode, int] = {
    "major": 0,
    "lydian": 1,
    "mixolydian": -1,
    "dorian": -2,
    "minor": -3,
    "phrygian": -4,
}


@dataclass(frozen=True, slots=True)
class Key:
    """A tonic pitch class (0 = C) and a mode."""

    tonic: int
    mode: Mode

    def __post_init__(self) -> None:
        if not 0 <= self.tonic < 12:
            raise ValueError(f"tonic must be a pitch class 0..11, got {self.tonic}")
        if self.mode not in MODE_STEPS:
            raise ValueError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")

    @property
    def steps(self) -> tuple[int, ...]:
        """Semitones above the tonic of the seven degrees."""
        return MODE_STEPS[self.mode]

    @property
    def fifths(self) -> int:
        """Sharps (positive) or flats (negative) of the key signature, in -7..7."""
        value = MAJOR_FIFTHS[self.tonic] + MODE_FIFTH_SHIFT[self.mode]
        if value > 6:
            value -= 12
        elif value < -6:
            value += 12
        return value

    @property
    def tonic_name(self) -> str:
        """The tonic spelled as the key signature spells it (F# major, Bb minor)."""
        names = FLAT_NAMES if self.fifths < 0 else SHARP_NAMES
        return names[self.tonic]

    @property
    def is_major_like(self) -> bool:
        """Whether the mode has a major third above the tonic."""
        return self.mode in MAJOR_LIKE

    def pitch_classes(self) -> frozenset[int]:
        """The seven pitch classes of the scale."""
        return frozenset((self.tonic + step) % 12 for step in self.steps)

    def degree_to_pitch(self, degree: int, tonic_midi: int) -> int:
        """MIDI pitch of diatonic ``degree`` above the tonic at ``tonic_midi``."""
        octave, step = divmod(degree, 7)
        return tonic_midi + 12 * octave + self.steps[step]

    def pitch_to_degree(self, pitch: int, tonic_midi: int) -> int | None:
        """Inverse of :meth:`degree_to_pitch`; ``None`` for a pitch outside the scale."""
        octave, semis = divmod(pitch - tonic_midi, 12)
        if semis not in self.steps:
            return None
        return 7 * octave + self.steps.index(semis)

    def tonic_near(self, centre: int) -> int:
        """The MIDI pitch of the tonic closest to (and not above) ``centre + 5``."""
        base = centre - ((centre - self.tonic) % 12)
        return base + 12 if centre - base > 6 else base

    def relative(self) -> Key:
        """The relative major of a minor key, or relative minor of a major one."""
        if self.is_major_like:
            return Key((self.tonic + 9) % 12, "minor")
        return Key((self.tonic + 3) % 12, "major")
