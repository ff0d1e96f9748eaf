"""User options for composing an album; the one home of their defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass

from storyscore.errors import CompositionError

STYLES: tuple[str, ...] = ("film", "piano", "jazz", "waltz")
DEFAULT_STYLE = "film"
MIN_TRACKS, MAX_TRACKS = 1, 40


@dataclass(frozen=True, slots=True)
class ComposeOptions:
    """Options that decide an album; the same options and story give the same bytes.

    ``tracks`` is the number of story tracks (the epilogue comes on top); ``None`` lets the
    story's structure decide (5 to 12 for a book with chapters). ``minutes`` sets the
    approximate length of the whole album; ``None`` lets each segment's share decide.
    """

    seed: int = 0
    style: str = DEFAULT_STYLE
    tracks: int | None = None
    minutes: float | None = None

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise CompositionError(
                f"unknown style {self.style!r}; choose one of: {', '.join(STYLES)}"
            )
        if self.tracks is not None and not MIN_TRACKS <= self.tracks <= MAX_TRACKS:
            raise CompositionError(
                f"--tracks must be between {MIN_TRACKS} and {MAX_TRACKS}, got {self.tracks}"
            )
        if self.minutes is not None and not 1 <= self.minutes <= 180:
            raise CompositionError(f"--minutes must be between 1 and 180, got {self.minutes}")
        if not 0 <= self.seed < 2**32:
            raise CompositionError(f"--seed must be between 0 and {2**32 - 1}, got {self.seed}")


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """The files an album folder gets beside MIDI, which never change its music: MusicXML
    scores (``--musicxml``) and their engraved pages as SVG (``--score-pictures``)."""

    musicxml: bool = False
    score_pictures: bool = False

MIDI_ONLY = RenderOptions()  # the default: MIDI and the folder's own files, no extras
