"""The output of composition: an album of tracks, each a set of parts of notes in exact beats.

Time here is musical: ``Fraction`` beats (a beat is a quarter note). Seconds appear only when
rendering, from each track's tempo.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from storyscore.analysis.model import RelationshipState, StoryAnalysis
from storyscore.music.theory import Key
from storyscore.options import ComposeOptions

if TYPE_CHECKING:
    from storyscore.render.write import WrittenAlbum

TrackKind = Literal["opening", "story", "epilogue", "next"]
Transformation = Literal[
    "statement",
    "restatement",
    "augmentation",
    "diminution",
    "inversion",
    "fragment",
    "distant-fragment",
    "reharmonisation",
    "register",
    "counterpoint",
]


@dataclass(frozen=True, slots=True)
class Note:
    """A sounding note: onset and length in beats, MIDI pitch 0..127, velocity 1..127."""

    start: Fraction
    duration: Fraction
    pitch: int
    velocity: int

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError(f"note duration must be positive, got {self.duration}")
        if self.start < 0:
            raise ValueError(f"note start must not be negative, got {self.start}")
        if not 0 <= self.pitch <= 127 or not 1 <= self.velocity <= 127:
            raise ValueError(f"pitch {self.pitch} or velocity {self.velocity} out of MIDI range")

    @property
    def end(self) -> Fraction:
        """Beat at which the note stops sounding."""
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class Instrument:
    """A General MIDI program (0-based) and its name."""

    program: int
    name: str


@dataclass(frozen=True, slots=True)
class Part:
    """One instrument's line in a track; one MIDI track and channel when rendered."""

    name: str
    instrument: Instrument
    notes: tuple[Note, ...]
    is_drums: bool = False


@dataclass(frozen=True, slots=True)
class Marker:
    """A section or motif marker at a beat."""

    beat: Fraction
    text: str


@dataclass(frozen=True, slots=True)
class Motif:
    """A leitmotif as diatonic degrees above the tonic and durations in beats.

    Degrees keep the motif's shape in any key and mode; ``Key.degree_to_pitch`` realises it.
    """

    degrees: tuple[int, ...]
    durations: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        if len(self.degrees) != len(self.durations) or not self.degrees:
            raise ValueError("a motif needs as many durations as degrees, and at least one")

    @property
    def length(self) -> Fraction:
        """Total length in beats."""
        return sum(self.durations, Fraction(0))


@dataclass(frozen=True, slots=True)
class Theme:
    """A main character's musical identity for the whole album."""

    character: str
    motif: Motif
    instrument: Instrument
    home_pitches: tuple[int, ...]  # the motif realised in the album's home key, for album.json


@dataclass(frozen=True, slots=True)
class MotifStatement:
    """Where a character's motif sounds in a track (bar counted from 1) and how it is changed."""

    character: str
    bar: int
    transformation: Transformation


@dataclass(frozen=True, slots=True)
class Chord:
    """A chord symbol in the track's key: root pitch class, quality, start and length in beats."""

    start: Fraction
    duration: Fraction
    root: int
    quality: Literal["maj", "min", "dim", "aug", "dom7", "maj7", "min7", "hdim7", "sus4"]
    numeral: str


@dataclass(frozen=True, slots=True)
class TrackPlan:
    """What a track should be, decided from the story before any note is written."""

    number: int
    kind: TrackKind
    title: str
    key: Key
    tempo_bpm: float
    beats_per_bar: int
    bars: int
    valence: float
    arousal: float
    characters: tuple[str, ...]
    pair: tuple[str, str] | None
    state: RelationshipState | None
    first_sentence: int
    last_sentence: int
    start_char: int
    end_char: int
    # The leads' state for the last phrase when it differs from ``state``: an epilogue that
    # reunites leads the story left apart lets them part again at the end.
    closing_state: RelationshipState | None = None

    @property
    def meter(self) -> str:
        """Time signature as text, e.g. ``"4/4"``."""
        return f"{self.beats_per_bar}/4"

    @property
    def total_beats(self) -> Fraction:
        """Length of the track's music in beats."""
        return Fraction(self.bars * self.beats_per_bar)


@dataclass(frozen=True, slots=True)
class Track:
    """A composed track: its plan, harmony, parts, markers and motif statements."""

    plan: TrackPlan
    chords: tuple[Chord, ...]
    parts: tuple[Part, ...]
    markers: tuple[Marker, ...]
    motif_statements: tuple[MotifStatement, ...]


@dataclass(frozen=True, slots=True)
class Album:
    """A whole album and the analysis it was composed from."""

    title: str
    seed: int
    style: str
    analysis: StoryAnalysis
    home_key: Key
    themes: tuple[Theme, ...]
    tracks: tuple[Track, ...]
    # The options it was composed with, recorded in album.json so `storyscore next` can rebuild
    # it; None for an album assembled by hand (seed and style are then all that is known).
    options: ComposeOptions | None = None

    def write(self, path: str | Path, *, force: bool = False) -> WrittenAlbum:
        """Render the album folder (album.json, MIDI, NOTES.md, arc.png) at ``path``.

        The render stage is imported here, not at module level, so composition never depends
        on rendering; see :func:`storyscore.render.write.write_album`.
        """
        from storyscore.render.write import write_album

        return write_album(self, Path(path), force=force)

    def _repr_html_(self) -> str:
        from storyscore.render.notebook import album_html_summary

        return album_html_summary(self)
