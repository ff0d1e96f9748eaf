"""End to end: story text -> album folder, through the public API."""

import json
import os
from pathlib import Path

import mido
import pytest

import storyscore
from storyscore.render.midi import key_signature_name
from tests.conftest import EXAMPLE_STORY, SHARED_DATA, TINY_STORY
from tests.schema import assert_valid_album

GOLDEN = Path(__file__).parent / "golden" / "example-album-seed7.json"
STATES = {"meeting", "together", "conflict", "parting", "apart", "reunion"}


@pytest.fixture(scope="module")
def example_album(tmp_path_factory):
    album = storyscore.compose(EXAMPLE_STORY.read_bytes(), seed=7, name=EXAMPLE_STORY.name)
    path = tmp_path_factory.mktemp("albums") / "example"
    album.write(path)
    assert_valid_album(path)
    return album, path


def test_example_album_matches_the_golden_file(example_album):
    _, path = example_album
    produced = (path / "album.json").read_text(encoding="utf-8")
    if os.environ.get("STORYSCORE_UPDATE_GOLDEN"):
        GOLDEN.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN.read_text(encoding="utf-8"), (
        "album.json changed; if on purpose, rerun with STORYSCORE_UPDATE_GOLDEN=1 "
        "and review the diff"
    )


def test_example_album_tells_the_story(example_album):
    _, path = example_album
    data = json.loads((path / "album.json").read_text(encoding="utf-8"))
    names = [c["name"] for c in data["characters"]]
    assert {"Nell", "Elias"} <= set(names[:3])
    story = [t for t in data["tracks"] if t["kind"] == "story"]
    assert len(story) == 6  # one per scene
    states = [t["relationship"]["state"] for t in story]
    assert set(states) <= STATES
    assert states[0] == "meeting"
    assert data["tracks"][-1]["kind"] == "epilogue"
    for track in data["tracks"]:
        assert -1 <= track["valence"] <= 1 and -1 <= track["arousal"] <= 1
    for name in ("NOTES.md", "arc.png", "arc.svg"):
        assert (path / name).stat().st_size > 0


def test_midi_files_reopen_with_instruments_tempo_key_and_notes(example_album):
    album, path = example_album
    for track in album.tracks:
        midi = mido.MidiFile(path / "tracks" / _file_of(path, track.plan.number), charset="utf-8")
        assert midi.type == 1
        conductor = midi.tracks[0]
        tempo = next(m for m in conductor if m.type == "set_tempo")
        assert round(mido.tempo2bpm(tempo.tempo)) == round(track.plan.tempo_bpm)
        key = next(m for m in conductor if m.type == "key_signature")
        assert key.key == key_signature_name(track.plan.key)
        programs = {
            next(m.program for m in t if m.type == "program_change") for t in midi.tracks[1:]
        }
        assert programs == {p.instrument.program for p in track.parts}
        notes = sum(1 for t in midi.tracks for m in t if m.type == "note_on" and m.velocity > 0)
        assert notes == sum(len(p.notes) for p in track.parts)
        for t in midi.tracks[1:]:
            for message in t:
                if message.type == "note_on":
                    assert 21 <= message.note <= 108 or message.channel == 9


def _file_of(path: Path, number: int) -> str:
    data = json.loads((path / "album.json").read_text(encoding="utf-8"))
    return Path(data["tracks"][number - 1]["files"]["midi"]).name


def test_tiny_story_composes(tmp_path):
    album = storyscore.compose(TINY_STORY.read_text(encoding="utf-8"), seed=1, style="piano")
    assert len(album.tracks) >= 2
    written = album.write(tmp_path / "tiny")
    assert (written.path / "album.json").is_file()
    assert_valid_album(written.path)


def test_cinderella_composes(tmp_path):
    story = SHARED_DATA / "stories" / "cinderella.txt"
    album = storyscore.compose(story.read_bytes(), seed=3, style="waltz", name=story.name)
    names = [t.character for t in album.themes]
    assert "Cinderella" in names
    assert 3 <= len(album.tracks) <= 13
    album.write(tmp_path / "cinderella")
    assert_valid_album(tmp_path / "cinderella")
    data = json.loads((tmp_path / "cinderella" / "album.json").read_text(encoding="utf-8"))
    assert data["tracks"][0]["meter"] == "3/4"


def test_public_api_is_explicit():
    assert set(storyscore.__all__) == {
        "Album",
        "ComposeOptions",
        "StoryAnalysis",
        "StoryscoreError",
        "__version__",
        "analyze",
        "compose",
    }
    for name in storyscore.__all__:
        assert hasattr(storyscore, name)


def test_pride_and_prejudice_album_meets_the_bar():
    """Issue 2's bar: 5-14 tracks, Elizabeth and Darcy cast, notes in range all through."""
    story = SHARED_DATA / "stories" / "pride-and-prejudice.txt"
    album = storyscore.compose(story.read_bytes(), seed=0, name=story.name)
    assert 5 <= len(album.tracks) <= 14
    names = [t.character for t in album.themes]
    assert "Elizabeth" in names and any("Darcy" in n for n in names)
    for track in album.tracks:
        notes = [n for p in track.parts if not p.is_drums for n in p.notes]
        assert all(21 <= n.pitch <= 108 for n in notes)
        bar = track.plan.beats_per_bar
        for number in range(track.plan.bars):  # something sounds in every bar
            assert any(n.start < (number + 1) * bar and n.end > number * bar for n in notes)
