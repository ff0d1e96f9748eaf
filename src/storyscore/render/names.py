"""File names inside the album folder, shared by every writer so paths always agree."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from storyscore.composition.model import Track

MAX_SLUG_TITLE = 40
SCORE_FOLDER = "score"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019]")


@dataclass(frozen=True, slots=True)
class TrackFiles:
    """The files written for one track, as POSIX paths relative to the album folder."""

    midi: str
    musicxml: str | None = None
    audio: str | None = None


def track_slug(number: int, title: str) -> str:
    """File stem of a track: two-digit number and an ASCII slug of its title, e.g. ``03-the-ball``.

    Accents are folded and apostrophes dropped ("Élise's" -> "elises"); a title with no
    Latin letters or digits becomes ``track`` so the name is never empty. The title part is
    cut at a hyphen to at most ``MAX_SLUG_TITLE`` characters, which keeps paths short.
    """
    folded = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", title))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALNUM.sub("-", folded.lower()).strip("-")
    if len(slug) > MAX_SLUG_TITLE:
        cut = slug[: MAX_SLUG_TITLE + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_SLUG_TITLE]
        slug = slug.strip("-")
    return f"{number:02d}-{slug or 'track'}"


def midi_path(track: Track) -> str:
    """Path of a track's Standard MIDI File inside the album folder."""
    return f"tracks/{track_slug(track.plan.number, track.plan.title)}.mid"


def audio_path(track: Track, extension: str) -> str:
    """Path of a track's audio file (``flac``, ``ogg`` or ``mp3``) inside the album folder."""
    return f"audio/{track_slug(track.plan.number, track.plan.title)}.{extension}"


def score_path(track: Track) -> str:
    """Path of a track's MusicXML score inside the album folder."""
    return f"{SCORE_FOLDER}/{track_slug(track.plan.number, track.plan.title)}.musicxml"


def score_picture_files(track: Track, pages: Sequence[bytes]) -> Iterator[tuple[str, bytes]]:
    """Each engraved page of a track's score, as ``score/NN-slug-pK.svg`` and its bytes."""
    stem = track_slug(track.plan.number, track.plan.title)
    for number, page in enumerate(pages, start=1):
        yield f"{SCORE_FOLDER}/{stem}-p{number}.svg", page
