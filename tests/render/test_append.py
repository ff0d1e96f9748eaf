"""Appending the next track to an album folder: earlier files stay, the rest is updated."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import mido
import pytest
from tests.conftest import TINY_STORY

import storyscore.render.write as write_module
from storyscore import analyze
from storyscore.composition.album import compose_album
from storyscore.errors import IngestError, RenderError
from storyscore.options import ComposeOptions
from storyscore.pipeline import next_track
from storyscore.render.write import ANALYSIS_FILE, read_album_folder, write_album
from storyscore.serialize import analysis_from_dict, analysis_from_json, analysis_to_dict

OPTIONS = ComposeOptions(seed=5, style="piano", minutes=6.0)
CONTINUATION = (
    "Years later Ada came back to the mill pond. Samuel was waiting on the old bench. "
    "She sat beside him and they laughed together, happy and warm in the sun."
)


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny_analysis():
    return analyze(TINY_STORY.read_bytes(), name=TINY_STORY.name)


@pytest.fixture(scope="module")
def original(tiny_analysis, tmp_path_factory) -> Path:
    album = compose_album(tiny_analysis, OPTIONS)
    return write_album(album, tmp_path_factory.mktemp("original") / "tiny", options=OPTIONS).path


@pytest.fixture
def folder(original: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "tiny"
    shutil.copytree(original, copy)
    return copy


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "more.txt"
    path.write_text(CONTINUATION, encoding="utf-8")
    return path


def album_json(folder: Path) -> dict:
    return json.loads((folder / "album.json").read_text(encoding="utf-8"))


def test_analysis_round_trips_exactly(tiny_analysis) -> None:
    exact = analysis_to_dict(tiny_analysis, exact=True)
    assert analysis_from_dict(exact) == tiny_analysis
    assert analysis_from_dict(json.loads(json.dumps(exact))) == tiny_analysis
    rounded = analysis_to_dict(tiny_analysis)
    assert all(
        round(s["valence"], 4) == s["valence"] for s in rounded["sentences"]
    )  # the plain view stays rounded
    assert rounded["cast"] == exact["cast"] and rounded["leads"] == exact["leads"]


def test_analysis_json_is_checked() -> None:
    with pytest.raises(ValueError, match="format"):
        analysis_from_json('{"title": "x"}')
    with pytest.raises(ValueError, match="not valid JSON"):
        analysis_from_json("{")
    with pytest.raises(ValueError, match="not a storyscore analysis"):
        analysis_from_json('{"format": "storyscore-analysis/1", "title": "x"}')


def test_a_written_album_keeps_its_analysis_and_options(original: Path, tiny_analysis) -> None:
    document = album_json(original)
    assert document["options"] == {
        "seed": 5, "style": "piano", "tracks": None, "minutes": 6.0, "leads": ["Ada", "Samuel"],
    }  # fmt: skip
    assert document["continuations"] == []
    read = read_album_folder(original)
    assert read.analysis == tiny_analysis
    assert read.record.options == OPTIONS
    assert sorted(read.files) == [t["number"] for t in document["tracks"]]


def test_next_appends_a_track_and_leaves_earlier_files(folder: Path) -> None:
    before = contents(folder)
    tracks_before = album_json(folder)["tracks"]
    written = next_track(folder)
    after = contents(folder)
    new_files = sorted(set(after) - set(before))
    assert len(new_files) == 1 and new_files[0].startswith("tracks/")
    for name, data in before.items():
        if name.startswith("tracks/") or name == ANALYSIS_FILE:
            assert after[name] == data, name
    assert after["album.json"] != before["album.json"]
    assert after["NOTES.md"] != before["NOTES.md"]
    assert "album.json" in written.files and written.files[-1] == "album.json"
    document = album_json(folder)
    assert document["tracks"][:-1] == tracks_before
    new = document["tracks"][-1]
    assert new["kind"] == "next"
    assert new["number"] == max(t["number"] for t in tracks_before) + 1
    assert new["files"]["midi"] == new_files[0]
    assert f"{new['number']}. {new['title']}" in after["NOTES.md"].decode("utf-8")
    midi = mido.MidiFile(folder / new_files[0], charset="utf-8")
    assert midi.type == 1 and any(m.type == "note_on" for t in midi.tracks for m in t)
    assert document["continuations"][0]["text"] is None
    assert not [p.name for p in folder.rglob(".*")]  # no temporary files left


def test_next_with_text_and_then_again(folder: Path, text_file: Path) -> None:
    next_track(folder, text=text_file)
    first = contents(folder)
    next_track(folder)
    second = contents(folder)
    assert all(second[name] == data for name, data in first.items() if name.startswith("tracks/"))
    document = album_json(folder)
    story = [t for t in document["tracks"] if t["kind"] == "story"]
    nexts = document["tracks"][-2:]
    assert [t["kind"] for t in nexts] == ["next", "next"]
    assert nexts[1]["number"] == nexts[0]["number"] + 1
    assert nexts[0]["relationship"]["pair"] == ["Ada", "Samuel"]
    assert set(nexts[0]["characters"]) == {"Ada", "Samuel"}
    assert nexts[0]["title"] in CONTINUATION
    assert len(document["tracks"]) == len(story) + 4  # opening/epilogue or not: two more
    text = document["continuations"][0]["text"]
    assert text["sentences"] == 3 and len(text["sha256"]) == 64
    assert document["continuations"][1]["text"] is None


def test_the_same_album_and_text_give_the_same_files(
    original: Path, text_file: Path, tmp_path: Path
) -> None:
    copies = [tmp_path / "one", tmp_path / "two"]
    for copy in copies:
        shutil.copytree(original, copy)
        next_track(copy, text=text_file)
    assert contents(copies[0]) == contents(copies[1])


def test_a_failing_writer_leaves_the_folder_as_it_was(folder: Path, monkeypatch) -> None:
    before = contents(folder)

    def broken(_album) -> str:
        raise RuntimeError("notes writer broke")

    monkeypatch.setattr(write_module, "album_notes", broken)
    with pytest.raises(RuntimeError, match="notes writer broke"):
        next_track(folder)
    assert contents(folder) == before
    assert not [p.name for p in folder.rglob(".*")]


def test_a_failing_rename_puts_every_file_back(folder: Path, monkeypatch) -> None:
    before = contents(folder)
    real_replace = os.replace

    def replace(source, destination) -> None:
        if Path(destination).name == "album.json":  # the last file to move in
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(write_module.os, "replace", replace)
    with pytest.raises(RenderError, match="the disk is full"):
        next_track(folder)
    assert contents(folder) == before
    assert not [p.name for p in folder.rglob(".*")]


def test_an_album_this_version_cannot_rebuild_is_refused(folder: Path) -> None:
    midi = folder / album_json(folder)["tracks"][0]["files"]["midi"]
    midi.write_bytes(midi.read_bytes() + b"\x00")
    before = contents(folder)
    with pytest.raises(RenderError, match="does not rebuild the tracks of"):
        next_track(folder)
    assert contents(folder) == before


def test_other_options_than_recorded_are_detected(folder: Path) -> None:
    document = album_json(folder)
    document["options"]["minutes"] = 30.0
    (folder / "album.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RenderError, match="does not rebuild"):
        next_track(folder)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "album.json").unlink(), "not a storyscore album"),
        (lambda f: (f / ANALYSIS_FILE).unlink(), "has no analysis.json"),
        (lambda f: (f / "album.json").write_text("{"), "not valid JSON"),
        (lambda f: (f / ANALYSIS_FILE).write_text("[]"), "analysis.json cannot be read"),
        (lambda f: (f / "album.json").write_text('{"tracks": []}'), "no compose options"),
    ],
)
def test_a_damaged_folder_gives_one_clear_line(folder: Path, damage, message) -> None:
    damage(folder)
    with pytest.raises(RenderError, match=message) as caught:
        next_track(folder)
    assert "\n" not in str(caught.value)


def test_a_stray_file_in_the_way_is_not_overwritten(folder: Path, original: Path) -> None:
    scratch = folder.parent / "scratch"
    shutil.copytree(original, scratch)
    new_midi = next_track(scratch).files[0]
    (folder / new_midi).write_bytes(b"mine")
    before = contents(folder)
    with pytest.raises(RenderError, match="in the way of the new track"):
        next_track(folder)
    assert contents(folder) == before


def test_a_file_is_not_an_album_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(RenderError, match="not a folder"):
        next_track(tmp_path / "file")


def test_an_empty_text_is_refused_before_any_work(folder: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    before = contents(folder)
    with pytest.raises(IngestError, match="empty"):
        next_track(folder, text=empty)
    assert contents(folder) == before
