"""The CLI in-process (exit codes, messages) and as a process (determinism across hash seeds)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyscore.interfaces.cli import main
from tests.conftest import CLI, TINY_STORY, one_line_error


def test_compose_writes_an_album(tmp_path, capsys):
    out = tmp_path / "album"
    assert main(["compose", str(TINY_STORY), "-o", str(out), "--seed", "3", "--quiet"]) == 0
    assert (out / "album.json").is_file()
    assert str(out) in capsys.readouterr().out


def test_compose_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "album"
    assert main(["compose", str(TINY_STORY), "-o", str(out), "--quiet"]) == 0
    before = (out / "album.json").read_bytes()
    capsys.readouterr()
    assert main(["compose", str(TINY_STORY), "-o", str(out), "--seed", "9", "--quiet"]) == 2
    assert "--force" in one_line_error(capsys)
    assert (out / "album.json").read_bytes() == before
    assert (
        main(["compose", str(TINY_STORY), "-o", str(out), "--seed", "9", "--force", "--quiet"]) == 0
    )
    assert (out / "album.json").read_bytes() != before


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "no text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not text"),
    ],
)
def test_bad_input_gives_exit_2_and_one_line(tmp_path, capsys, content, fragment):
    story = tmp_path / "story.txt"
    story.write_bytes(content)
    out = tmp_path / "album"
    assert main(["compose", str(story), "-o", str(out)]) == 2
    assert fragment in one_line_error(capsys).lower()
    assert not out.exists()
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_missing_file_and_bad_options(tmp_path, capsys):
    assert main(["compose", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "a")]) == 2
    assert "nope.txt" in one_line_error(capsys)
    assert main(["compose", str(TINY_STORY), "-o", str(tmp_path / "a"), "--tracks", "0"]) == 2
    assert "--tracks" in one_line_error(capsys)
    with pytest.raises(SystemExit) as exit_info:
        main(["compose", str(TINY_STORY), "-o", str(tmp_path / "a"), "--style", "polka"])
    assert exit_info.value.code == 2


def test_analyze_summary_and_json(capsys):
    assert main(["analyze", str(TINY_STORY)]) == 0
    summary = capsys.readouterr().out
    assert "Cast:" in summary and "Tracks:" in summary
    assert main(["analyze", str(TINY_STORY), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cast"] and data["segments"]
    assert len(data["sentences"]) == data["source"]["sentences"]


def test_analyze_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TINY_STORY.read_bytes())))
    assert main(["analyze", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["words"] > 100


def test_per_line_scores_every_line(tmp_path, capsys):
    lines = tmp_path / "lines.txt"
    lines.write_text("What a wonderful, happy day!\n\nThis is not good at all.\n", encoding="utf-8")
    assert main(["analyze", "--per-line", str(lines)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[0]["valence"] > 0 > rows[2]["valence"]
    assert all(-1 <= r["valence"] <= 1 and -1 <= r["arousal"] <= 1 for r in rows)


def _album_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_identical_files_across_hash_seeds(tmp_path):
    folders = []
    for hash_seed in ("1", "4242"):
        out = tmp_path / f"album-{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [*CLI, "compose", str(TINY_STORY), "-o", str(out), "--seed", "11", "--style", "jazz"],
            check=True,
            env=env,
            capture_output=True,
        )
        folders.append(_album_bytes(out))
    assert folders[0] == folders[1]
    assert len(folders[0]) >= 5


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"It rained.", 2),  # a single sentence
        (b"the rain fell on the roof all night. nobody came. the sea was grey.", 14),  # no names
        ("Наташа встретила Андрея на балу. Они танцевали до утра.".encode(), 9),  # not Latin
    ],
)
def test_tiny_and_nameless_stories_give_a_small_album(tmp_path, capsys, content, words):
    story = tmp_path / "story.txt"
    story.write_bytes(content)
    assert main(["analyze", str(story), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["words"] == words
    assert main(["compose", str(story), "-o", str(tmp_path / "album"), "--quiet"]) == 0
    data = json.loads((tmp_path / "album" / "album.json").read_text(encoding="utf-8"))
    assert len(data["tracks"]) >= 3  # overture, the story, epilogue


def test_a_story_over_the_size_limit_is_refused(tmp_path, capsys):
    story = tmp_path / "big.txt"
    story.write_bytes(b"Ann walked home. " * 70_000)  # about 1.2 MB
    assert main(["analyze", str(story), "--max-mb", "1"]) == 2
    assert "MB" in one_line_error(capsys)
    with pytest.raises(SystemExit) as exit_info:
        main(["analyze", str(story), "--max-mb", "0"])
    assert exit_info.value.code == 2


def test_serve_beyond_localhost_needs_a_token(capsys):
    assert main(["serve", "--host", "0.0.0.0", "--data", "unused"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give --token" in err


def test_serve_on_a_taken_port_is_one_line(tmp_path, capsys):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        status = main(["serve", "--port", str(port), "--data", str(tmp_path / "data")])
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in err
