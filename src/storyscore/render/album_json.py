"""``album.json``: the machine-readable album (DESIGN §2), the contract other tools read.

Extra fields beyond the contract: ``home_key``, ``leads`` (the pair or null), ``arc`` (the
smoothed arc, at most ``ARC_POINTS`` samples) and ``kind`` per track.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import storyscore
from storyscore.analysis.model import StoryAnalysis
from storyscore.composition.model import Album, Theme, Track
from storyscore.errors import RenderError
from storyscore.music.theory import Key
from storyscore.render.midi import track_duration_seconds
from storyscore.render.names import TrackFiles

ARC_POINTS = 200
DECIMALS = 4


def album_to_dict(album: Album, files: Mapping[int, TrackFiles]) -> dict[str, Any]:
    """The album as plain JSON values; ``files`` maps each track number to its written files."""
    return {
        "title": album.title,
        "seed": album.seed,
        "style": album.style,
        "generator": {"name": "storyscore", "version": storyscore.__version__},
        "source": {
            "sha256": album.analysis.sha256,
            "words": album.analysis.words,
            "sentences": album.analysis.sentence_count,
        },
        "home_key": _key(album.home_key),
        "leads": list(album.analysis.leads.pair) if album.analysis.leads else None,
        "characters": [_character(album.analysis, theme) for theme in _themes_by_salience(album)],
        "tracks": [_track(track, _files_of(track, files)) for track in album.tracks],
        "arc": _arc(album.analysis),
    }


def album_to_json(album: Album, files: Mapping[int, TrackFiles]) -> str:
    """``album.json`` text: two-space indent, UTF-8 characters kept, ending in a newline."""
    return (
        json.dumps(album_to_dict(album, files), indent=2, ensure_ascii=False, allow_nan=False)
        + "\n"
    )


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
