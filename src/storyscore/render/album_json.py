"""``album.json``: the machine-readable album (DESIGN §2), the contract other tools read.

Extra fields beyond the contract: ``home_key``, ``leads`` (the pair or null), ``arc`` (the
smoothed arc, at most ``ARC_POINTS`` samples) and ``kind`` per track. An album folder's
album.json also carries its :class:`AlbumRecord`, what ``storyscore next`` needs to rebuild and
continue it: ``options`` (seed, style, tracks and minutes as given to compose; the leads the
analysis used) and ``continuations`` (one entry per track that ``next`` appended, in order:
``{"title", "valence", "arousal", "characters", "state", "text": {"sha256", "sentences"} | null}``,
floats at full precision so that a replay gives the same notes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import storyscore
from storyscore.analysis.model import RELATIONSHIP_STATES, StoryAnalysis
from storyscore.composition.continuation import Continuation
from storyscore.composition.model import Album, Theme, Track
from storyscore.errors import RenderError, StoryscoreError
from storyscore.music.theory import Key
from storyscore.options import ComposeOptions
from storyscore.render.audio import AlbumAudio, loudness_arousal_correlation
from storyscore.render.midi import track_duration_seconds
from storyscore.render.names import TrackFiles

ARC_POINTS = 200
DECIMALS = 4


@dataclass(frozen=True, slots=True)
class AlbumRecord:
    """How an album came to be: the options it was composed with and the continuations
    appended since, in order. Composing with the same analysis and options and replaying
    the continuations rebuilds it."""

    options: ComposeOptions
    continuations: tuple[Continuation, ...] = ()


def album_to_dict(
    album: Album,
    files: Mapping[int, TrackFiles],
    record: AlbumRecord | None = None,
    audio: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The album as plain JSON values; ``files`` maps each track number to its written files.

    With a ``record`` the result also holds ``options`` and ``continuations``; with
    ``audio`` (from :func:`audio_levels`) the audio's SoundFont and levels.
    """
    leads = album.analysis.leads
    recorded = {} if record is None else {"options": _options(record.options, album)}
    document = {
        "title": album.title,
        "seed": album.seed,
        "style": album.style,
        **recorded,
        "generator": {"name": "storyscore", "version": storyscore.__version__},
        "source": {
            "sha256": album.analysis.sha256,
            "words": album.analysis.words,
            "sentences": album.analysis.sentence_count,
        },
        "home_key": _key(album.home_key),
        "leads": list(leads.pair) if leads else None,
        "characters": [_character(album.analysis, theme) for theme in _themes_by_salience(album)],
        "tracks": [_track(track, _files_of(track, files)) for track in album.tracks],
        "arc": _arc(album.analysis),
    }
    if record is not None:
        document["continuations"] = [_continuation(c) for c in record.continuations]
    if audio is not None:
        document["audio"] = dict(audio)
    return document


def album_to_json(
    album: Album,
    files: Mapping[int, TrackFiles],
    record: AlbumRecord | None = None,
    audio: Mapping[str, Any] | None = None,
) -> str:
    """``album.json`` text: two-space indent, UTF-8 characters kept, ending in a newline."""
    document = album_to_dict(album, files, record, audio)
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def audio_levels(audio: AlbumAudio, album: Album) -> dict[str, Any]:
    """The ``audio`` block: the SoundFont played, the one album gain and the levels it gave,
    and how track loudness follows track arousal (Pearson r, None if it cannot be told)."""
    font = audio.soundfont
    loudness = [track.loudness_lufs for track in audio.tracks]
    correlation = loudness_arousal_correlation(
        loudness, [track.plan.arousal for track in album.tracks]
    )
    return {
        "format": audio.fmt,
        "soundfont": {
            "name": font.name,
            "origin": font.origin,
            "path": str(font.path) if font.origin == "given" else None,
        },
        "album_gain_db": _number(audio.gain_db),
        "loudness_lufs": _number(audio.loudness_lufs),
        "true_peak_dbtp": _number(audio.true_peak_dbtp),
        "loudness_arousal_r": None if correlation is None else _number(correlation),
        "tracks": [
            {
                "number": track.plan.number,
                "loudness_lufs": None if level.loudness_lufs is None else _number(
                    level.loudness_lufs
                ),
                "true_peak_dbtp": _number(level.true_peak_dbtp),
                "limiter_db": _number(level.limiter_db),
            }
            for track, level in zip(album.tracks, audio.tracks, strict=True)
        ],
    }


def record_from_dict(document: Mapping[str, Any]) -> AlbumRecord:
    """The :class:`AlbumRecord` kept in an album.json document.

    Raises
    ------
    ValueError
        If the document has no options (it was written before ``next`` existed) or they or
        the continuations are malformed; the message says which.
    """
    if "options" not in document:
        raise ValueError("album.json records no compose options")
    try:
        given = document["options"]
        options = ComposeOptions(
            seed=_integer(given["seed"]),
            style=given["style"],
            tracks=None if given["tracks"] is None else _integer(given["tracks"]),
            minutes=None if given["minutes"] is None else float(given["minutes"]),
        )
        continuations = tuple(_continuation_from(c) for c in document.get("continuations", []))
    except (KeyError, TypeError, ValueError, StoryscoreError) as exc:
        raise ValueError(f"its options or continuations are malformed ({exc})") from exc
    return AlbumRecord(options=options, continuations=continuations)


def track_files_from_dict(document: Mapping[str, Any]) -> dict[int, TrackFiles]:
    """Each track's files as listed in an album.json document, by track number.

    Raises
    ------
    ValueError
        If the track list or a track's files are malformed.
    """
    try:
        tracks = document["tracks"]
        files = {
            _integer(track["number"]): TrackFiles(
                midi=_text(track["files"]["midi"]),
                musicxml=_optional_text(track["files"].get("musicxml")),
                audio=_optional_text(track["files"].get("audio")),
            )
            for track in tracks
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"its track list is malformed ({type(exc).__name__}: {exc})") from exc
    if len(files) != len(tracks):
        raise ValueError("two of its tracks have the same number")
    return files


def _options(options: ComposeOptions, album: Album) -> dict[str, Any]:
    leads = album.analysis.leads
    return {
        "seed": options.seed,
        "style": options.style,
        "tracks": options.tracks,
        "minutes": options.minutes,
        "leads": list(leads.pair) if leads else None,
    }


def _continuation(continuation: Continuation) -> dict[str, Any]:
    text = (
        {"sha256": continuation.text_sha256, "sentences": continuation.text_sentences}
        if continuation.text_sha256 is not None
        else None
    )
    return {
        "title": continuation.title,
        "valence": float(continuation.valence),
        "arousal": float(continuation.arousal),
        "characters": list(continuation.characters),
        "state": continuation.state,
        "text": text,
    }


def _continuation_from(data: Mapping[str, Any]) -> Continuation:
    state = data["state"]
    if state is not None and state not in RELATIONSHIP_STATES:
        raise ValueError(f"unknown relationship state {state!r}")
    text = data["text"]
    return Continuation(
        title=_text(data["title"]),
        valence=float(data["valence"]),
        arousal=float(data["arousal"]),
        characters=tuple(_text(name) for name in data["characters"]),
        state=state,
        text_sha256=None if text is None else _text(text["sha256"]),
        text_sentences=None if text is None else _integer(text["sentences"]),
    )


def _integer(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _number(value: float) -> float:
    """A float rounded for the file; ``-0.0`` becomes ``0.0`` so equal values print alike."""
    return round(float(value), DECIMALS) + 0.0


def _numbers(values: Sequence[float]) -> list[float]:
    return [_number(value) for value in values]


def _key(key: Key) -> dict[str, str]:
    return {"tonic": key.tonic_name, "mode": key.mode}


def _themes_by_salience(album: Album) -> list[Theme]:
    """Themes in the order of the cast, which analysis ranks most salient first."""
    rank = {character.name: index for index, character in enumerate(album.analysis.cast)}
    missing = [theme.character for theme in album.themes if theme.character not in rank]
    if missing:
        raise RenderError(
            f"themes for {', '.join(missing)} have no character in the analysis; "
            "compose the album from the same analysis"
        )
    return sorted(album.themes, key=lambda theme: rank[theme.character])


def _character(analysis: StoryAnalysis, theme: Theme) -> dict[str, Any]:
    character = next(c for c in analysis.cast if c.name == theme.character)
    return {
        "name": character.name,
        "aliases": list(character.aliases),
        "mentions": character.mentions,
        "motif": {
            "pitches": list(theme.home_pitches),
            "durations_beats": _numbers(theme.motif.durations),
        },
        "instrument": {"program": theme.instrument.program, "name": theme.instrument.name},
    }


def _files_of(track: Track, files: Mapping[int, TrackFiles]) -> TrackFiles:
    if track.plan.number not in files:
        raise RenderError(f"track {track.plan.number} has no written files; render it first")
    return files[track.plan.number]


def _track(track: Track, files: TrackFiles) -> dict[str, Any]:
    plan = track.plan
    relationship = (
        {"pair": list(plan.pair), "state": plan.state}
        if plan.pair is not None and plan.state is not None
        else None
    )
    return {
        "number": plan.number,
        "title": plan.title,
        "kind": plan.kind,
        "span": {
            "first_sentence": plan.first_sentence,
            "last_sentence": plan.last_sentence,
            "start_char": plan.start_char,
            "end_char": plan.end_char,
        },
        "valence": _number(plan.valence),
        "arousal": _number(plan.arousal),
        "characters": list(plan.characters),
        "relationship": relationship,
        "key": _key(plan.key),
        "tempo_bpm": _number(plan.tempo_bpm),
        "meter": plan.meter,
        "duration_s": _number(track_duration_seconds(track)),
        "files": {"midi": files.midi, "musicxml": files.musicxml, "audio": files.audio},
        "motif_statements": [
            {"character": s.character, "bar": s.bar, "transformation": s.transformation}
            for s in track.motif_statements
        ],
    }


def arc_sample_indices(count: int, points: int = ARC_POINTS) -> list[int]:
    """Evenly spaced sentence indices, first and last included, at most ``points`` of them."""
    if count <= points:
        return list(range(count))
    return sorted({round(i * (count - 1) / (points - 1)) for i in range(points)})


def _arc(analysis: StoryAnalysis) -> dict[str, list[Any]]:
    """The smoothed arc, sampled (it is already smooth, so samples lose nothing visible)."""
    indices = arc_sample_indices(len(analysis.arc_valence))
    return {
        "sentence": indices,
        "valence": [_number(analysis.arc_valence[i]) for i in indices],
        "arousal": [_number(analysis.arc_arousal[i]) for i in indices],
    }
