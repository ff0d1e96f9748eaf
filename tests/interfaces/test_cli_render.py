"""Scores beside the MIDI: compose --musicxml, storyscore render, and next keeping them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyscore.interfaces.cli import main
from tests.conftest import TINY_STORY, folder_files
from tests.schema import assert_valid_album

pytest.importorskip("music21", reason="scores need the score extra")
pytest.importorskip("verovio", reason="score pictures need the score extra")


def _album(path):
    return json.loads((path / "album.json").read_text("utf-8"))


def test_compose_with_musicxml_lists_a_score_per_track(tmp_path, capsys):
    album_dir = tmp_path / "album"
    assert main(["compose", str(TINY_STORY), "-o", str(album_dir), "--musicxml", "--quiet"]) == 0
    assert_valid_album(album_dir)
    tracks = _album(album_dir)["tracks"]
    assert all(track["files"]["musicxml"].startswith("score/") for track in tracks)
    assert all((album_dir / track["files"]["musicxml"]).is_file() for track in tracks)
    assert 'href="score/' in (album_dir / "album.html").read_text("utf-8")


def test_render_adds_score_pages_and_leaves_the_music_alone(tmp_path, capsys):
    album_dir = tmp_path / "album"
    assert main(["compose", str(TINY_STORY), "-o", str(album_dir), "--quiet"]) == 0
    midi = folder_files(album_dir, "tracks/*.mid")
    assert all(track["files"]["musicxml"] is None for track in _album(album_dir)["tracks"])

    assert main(["render", str(album_dir), "--musicxml", "--score-pictures"]) == 0
    assert folder_files(album_dir, "tracks/*.mid") == midi
    tracks = _album(album_dir)["tracks"]
    assert all(track["files"]["musicxml"] for track in tracks)
    pages = sorted(p.name for p in (album_dir / "score").glob("*.svg"))
    assert {page.rsplit("-p", 1)[0] for page in pages} == {
        track["files"]["midi"][len("tracks/") : -len(".mid")] for track in tracks
    }
    assert all(b"<svg" in (album_dir / "score" / page).read_bytes()[:400] for page in pages)
    printed = capsys.readouterr().out.splitlines()
    assert any(line.endswith(".musicxml") for line in printed)
    assert_valid_album(album_dir)

    assert main(["next", str(album_dir), "--quiet"]) == 0  # the new song gets its score too
    new_score = _album(album_dir)["tracks"][-1]["files"]["musicxml"]
    assert new_score and (album_dir / new_score).is_file()


def test_render_without_anything_to_render_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["render", str(tmp_path)])
    assert stop.value.code == 2
    assert "say what to render" in capsys.readouterr().err


def test_render_of_a_folder_that_is_not_an_album_is_one_line(tmp_path, capsys):
    assert main(["render", str(tmp_path), "--musicxml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a storyscore album" in err


def test_compose_with_audio_levels_the_album_and_next_levels_it_again(tmp_path, capsys):
    pytest.importorskip("symusic", reason="audio needs the audio extra")
    album_dir = tmp_path / "album"
    font = "src/storyscore/render/data/sf_GMbank.sf2"
    command = ["compose", str(TINY_STORY), "-o", str(album_dir), "--audio", "--quiet"]
    assert main([*command, "--soundfont", font]) == 0
    assert_valid_album(album_dir)
    document = _album(album_dir)
    tracks = document["tracks"]
    assert all((album_dir / t["files"]["audio"]).read_bytes()[:4] == b"fLaC" for t in tracks)
    audio = document["audio"]
    assert audio["format"] == "flac" and audio["soundfont"]["origin"] == "given"
    assert abs(audio["loudness_lufs"] + 14) <= 1 and audio["true_peak_dbtp"] <= -1
    assert [level["number"] for level in audio["tracks"]] == [t["number"] for t in tracks]
    html = (album_dir / "album.html").read_text("utf-8")
    assert html.count("<audio ") == len(tracks)

    assert main(["next", str(album_dir), "--quiet"]) == 0
    document = _album(album_dir)
    assert document["tracks"][-1]["files"]["audio"].endswith(".flac")
    assert len(document["audio"]["tracks"]) == len(document["tracks"])
    font_record = document["audio"]["soundfont"]
    assert font_record["origin"] == "given"  # played with the same font
    assert font_record["path"] == str(Path(font).resolve())  # found again from anywhere
    assert abs(document["audio"]["loudness_lufs"] + 14) <= 1


@pytest.mark.parametrize("font_bytes", [None, b"RIFF\x10\x00\x00\x00sfbkLIST", b"not a soundfont"])
def test_a_missing_or_corrupt_soundfont_leaves_the_album_as_it_was(tmp_path, capsys, font_bytes):
    pytest.importorskip("symusic", reason="audio needs the audio extra")
    album_dir = tmp_path / "album"
    assert main(["compose", str(TINY_STORY), "-o", str(album_dir), "--quiet"]) == 0
    before = folder_files(album_dir, "**/*")
    font = tmp_path / "broken.sf2"
    if font_bytes is not None:
        font.write_bytes(font_bytes)
    capsys.readouterr()
    assert main(["render", str(album_dir), "--audio", "--soundfont", str(font)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SoundFont" in err and "Traceback" not in err
    assert folder_files(album_dir, "**/*") == before
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"album"} | ({"broken.sf2"} if font_bytes else set())
    assert main(["compose", str(TINY_STORY), "-o", str(tmp_path / "new"), "--audio",
                 "--soundfont", str(font), "--quiet"]) == 2  # fmt: skip
    assert not (tmp_path / "new").exists()
