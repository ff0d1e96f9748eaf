"""album.json against the shipped JSON Schema: what storyscore writes fits, broken copies fail."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
from jsonschema import Draft202012Validator
from tests.conftest import TINY_STORY
from tests.schema import album_errors, album_schema, assert_valid_album

import storyscore
from storyscore.analysis.model import RELATIONSHIP_STATES
from storyscore.composition.model import Album, TrackKind, Transformation
from storyscore.music.theory import FLAT_NAMES, MODES, SHARP_NAMES
from storyscore.options import STYLES
from storyscore.pipeline import next_track
from storyscore.render.album_json import album_to_dict
from storyscore.render.names import TrackFiles, midi_path

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "example-album-seed7.json"
CONTINUATION = (
    "Years later Ada came back to the mill pond. Samuel was waiting on the old bench. "
    "She sat beside him and they laughed together, happy and warm in the sun."
)


@pytest.fixture(scope="module")
def tiny_albums(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny story's album folder in each style, written once for the module."""
    root = tmp_path_factory.mktemp("schema")
    folders = {}
    for style in STYLES:
        album = storyscore.compose(TINY_STORY.read_bytes(), seed=1, style=style, name="tiny")
        folders[style] = album.write(root / style).path
    return folders


@pytest.fixture
def tiny_document(tiny_albums: dict[str, Path]) -> dict[str, Any]:
    return json.loads((tiny_albums["film"] / "album.json").read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = album_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_schema_names_the_values_the_code_uses() -> None:
    definitions = album_schema()["$defs"]
    track = definitions["track"]["properties"]
    assert tuple(definitions["state"]["enum"]) == RELATIONSHIP_STATES
    assert tuple(definitions["key"]["properties"]["mode"]["enum"]) == MODES
    assert tuple(definitions["style"]["enum"]) == STYLES
    assert tuple(track["kind"]["enum"]) == get_args(TrackKind)
    transformation = track["motif_statements"]["items"]["properties"]["transformation"]
    assert tuple(transformation["enum"]) == get_args(Transformation)


@pytest.mark.parametrize("tonic", sorted(set(SHARP_NAMES) | set(FLAT_NAMES)))
def test_every_spelled_tonic_fits(tiny_document: dict[str, Any], tonic: str) -> None:
    tiny_document["tracks"][0]["key"]["tonic"] = tonic
    assert album_errors(tiny_document) == []


@pytest.mark.parametrize("style", STYLES)
def test_albums_written_in_each_style_validate(tiny_albums: dict[str, Path], style: str) -> None:
    assert_valid_album(tiny_albums[style])


def test_the_album_still_validates_after_next(tiny_albums: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(tiny_albums["piano"], folder)
    text = tmp_path / "more.txt"
    text.write_text(CONTINUATION, encoding="utf-8")
    next_track(folder)
    next_track(folder, text=text)
    assert_valid_album(folder)
    document = json.loads((folder / "album.json").read_text(encoding="utf-8"))
    assert [t["kind"] for t in document["tracks"][-2:]] == ["next", "next"]
    assert document["continuations"][0]["text"] is None
    assert document["continuations"][1]["text"] is not None


def test_the_golden_album_validates() -> None:
    assert_valid_album(GOLDEN)


def test_a_hand_built_album_without_a_record_validates(album: Album) -> None:
    """Accented names, every mode the fixture uses, and no options or continuations."""
    files = {t.plan.number: TrackFiles(midi=midi_path(t)) for t in album.tracks}
    assert album_errors(album_to_dict(album, files)) == []


def test_further_fields_may_be_added(tiny_document: dict[str, Any]) -> None:
    tiny_document["mastering"] = {"lufs": -14.0}
    tiny_document["tracks"][0]["lyrics"] = None
    assert album_errors(tiny_document) == []


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


BROKEN = {
    "valence of 2": (_set(("tracks", 1, "valence"), 2), "$.tracks[1].valence"),
    "no tracks": (_delete(("tracks",)), "$"),
    "no tracks at all": (_set(("tracks",), []), "$.tracks"),
    "state friends": (
        _set(("tracks", 1, "relationship", "state"), "friends"),
        "$.tracks[1].relationship",
    ),
    "negative duration": (_set(("tracks", 0, "duration_s"), -3.5), "$.tracks[0].duration_s"),
    "zero motif duration": (
        _set(("characters", 0, "motif", "durations_beats", 0), 0),
        "$.characters[0].motif.durations_beats[0]",
    ),
    "pitch of 130": (
        _set(("characters", 0, "motif", "pitches", 0), 130),
        "$.characters[0].motif.pitches[0]",
    ),
    "track number 0": (_set(("tracks", 0, "number"), 0), "$.tracks[0].number"),
    "unknown mode": (_set(("home_key", "mode"), "locrian"), "$.home_key.mode"),
    "meter as a number": (_set(("tracks", 0, "meter"), 4), "$.tracks[0].meter"),
    "meter without a slash": (_set(("tracks", 0, "meter"), "four"), "$.tracks[0].meter"),
    "absolute midi path": (
        _set(("tracks", 0, "files", "midi"), "/tmp/01-overture.mid"),
        "$.tracks[0].files.midi",
    ),
    "midi path outside tracks": (
        _set(("tracks", 0, "files", "midi"), "tracks/../../01-overture.mid"),
        "$.tracks[0].files.midi",
    ),
    "audio as a boolean": (_set(("tracks", 0, "files", "audio"), False), "$.tracks[0].files.audio"),
    "no musicxml entry": (_delete(("tracks", 0, "files", "musicxml")), "$.tracks[0].files"),
    "three in a pair": (
        _set(("tracks", 1, "relationship", "pair"), ["Ada", "Samuel", "Ada"]),
        "$.tracks[1].relationship",
    ),
    "seed as text": (_set(("seed",), "1"), "$.seed"),
    "continuations without options": (_delete(("options",)), "$"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_albums_are_rejected(tiny_document: dict[str, Any], name: str) -> None:
    change, where = BROKEN[name]
    change(tiny_document)
    errors = album_errors(tiny_document)
    assert any(error.startswith(f"at {where}:") for error in errors), errors


def test_assert_valid_album_names_what_is_wrong(
    tiny_document: dict[str, Any], tmp_path: Path
) -> None:
    tiny_document["tracks"][0]["valence"] = 2
    path = tmp_path / "album.json"
    path.write_text(json.dumps(tiny_document), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"\$\.tracks\[0\]\.valence: 2 is greater than"):
        assert_valid_album(tmp_path)
