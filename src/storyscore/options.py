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


AUDIO_FORMATS: tuple[str, ...] = ("flac", "ogg", "mp3")


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """The files an album folder gets beside MIDI, which never change its music: MusicXML
    scores (``--musicxml``), their engraved pages as SVG (``--score-pictures``) and audio
    (``--audio``, in ``audio_format``, played with ``soundfont`` or the best one found).
    ``audio_workers`` caps the processes that render audio (None: one per core)."""

    musicxml: bool = False
    score_pictures: bool = False
    audio: bool = False
    audio_format: str = "flac"
    soundfont: str | None = None
    audio_workers: int | None = None

    def __post_init__(self) -> None:
        if self.audio_format not in AUDIO_FORMATS:
            raise CompositionError(
                f"unknown audio format {self.audio_format!r}; choose one of "
                f"{', '.join(AUDIO_FORMATS)}"
            )

    def merged(self, other: RenderOptions) -> RenderOptions:
        """Everything either asks for; this one's format and SoundFont win where both say."""
        return RenderOptions(
            musicxml=self.musicxml or other.musicxml,
            score_pictures=self.score_pictures or other.score_pictures,
            audio=self.audio or other.audio,
            audio_format=self.audio_format if self.audio else other.audio_format,
            soundfont=self.soundfont or other.soundfont,
            audio_workers=self.audio_workers or other.audio_workers,
        )

MIDI_ONLY = RenderOptions()  # the default: MIDI and the folder's own files, no extras
