"""Entry points: paths, standard input, limits, titles, hashes and determinism."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyscore.errors import IngestError
from storyscore.ingest import MAX_BYTES, parse_document, read_lines, read_story

from .support import FIXTURES, REPO_ROOT, assert_one_line

STORY = "The lamp was lit at dusk. The keeper climbed the stairs.\n"


def ingest_error(call, *args, **kwargs) -> str:
    with pytest.raises(IngestError) as raised:
        call(*args, **kwargs)
    message = str(raised.value)
    assert_one_line(message)
    return message


def test_limit_is_fifty_megabytes() -> None:
    assert MAX_BYTES == 50 * 1024 * 1024


def test_read_story_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "the-lamp.txt"
    path.write_bytes(STORY.encode("utf-8"))
    document = read_story(path)
    assert document.title == "The Lamp"
    assert document.text == STORY
    assert read_story(str(path)) == document


def test_dash_reads_the_given_stdin() -> None:
    document = read_story("-", stdin=io.BytesIO(b"\xef\xbb\xbf" + STORY.encode("utf-8")))
    assert document.text == STORY
    assert document.title == "Untitled story"
    assert len(document.sentences) == 2


def test_missing_file(tmp_path: Path) -> None:
    message = ingest_error(read_story, tmp_path / "nowhere.txt")
    assert "nowhere.txt" in message and "no such file" in message


def test_directory(tmp_path: Path) -> None:
    assert "folder" in ingest_error(read_story, tmp_path)


def test_empty_path() -> None:
    assert "no story file" in ingest_error(read_story, "")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(STORY)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # Running as root ignores file modes, so the refusal is simulated where the file is opened.
    monkeypatch.setattr(Path, "open", refuse)
    assert "permission denied" in ingest_error(read_story, path)


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "empty" in ingest_error(read_story, empty)
    picture = tmp_path / "cover.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert "PNG" in ingest_error(read_story, picture)


def test_size_limit_for_files_bytes_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"word " * 300_000)  # 1.5 MB
    message = ingest_error(read_story, path, max_bytes=1024 * 1024)
    assert "1.4 MB" in message and "1.0 MB" in message
    assert "1.0 MB" in ingest_error(parse_document, b"word " * 300_000, max_bytes=1024 * 1024)
    assert "standard input" in ingest_error(
        read_story, "-", stdin=io.BytesIO(b"word " * 100), max_bytes=100
    )
    assert read_story("-", stdin=io.BytesIO(b"word " * 20), max_bytes=100).word_count == 20


def test_str_size_is_measured_in_utf8() -> None:
    ingest_error(parse_document, "é" * 60, max_bytes=100)
    assert parse_document("é" * 50, max_bytes=100).text == "é" * 50


def test_sha256_is_of_the_raw_bytes() -> None:
    raw = b"\xef\xbb\xbf" + STORY.encode("utf-8")
    assert parse_document(raw).sha256 == hashlib.sha256(raw).hexdigest()
    assert parse_document(STORY).sha256 == hashlib.sha256(STORY.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("the-lamp.txt", "The Lamp"),
        ("stories/pride_and_prejudice.md", "Pride and Prejudice"),
        ("TheLamplighter.txt", "TheLamplighter"),
        ("123.txt", "Untitled story"),
        (None, "Untitled story"),
    ],
)
def test_title_from_the_file_name(name: str | None, title: str) -> None:
    assert parse_document(STORY, name=name).title == title


def test_markdown_title_comes_before_the_file_name() -> None:
    assert parse_document("# The Keeper\n\n" + STORY, name="draft.md").title == "The Keeper"


def test_parsing_is_deterministic() -> None:
    data = (FIXTURES / "the-lighthouse-keeper.md").read_bytes()
    assert parse_document(data, name="a.md") == parse_document(data, name="a.md")


def test_parsing_does_not_depend_on_the_hash_seed() -> None:
    program = (
        "import sys; from storyscore.ingest import read_story; print(repr(read_story(sys.argv[1])))"
    )
    fixture = str(FIXTURES / "the-lighthouse-keeper.md")
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program, fixture],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_read_lines_keeps_every_line_in_order(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"\xef\xbb\xbfI am happy.\r\n\r\nI am sad.\r\n")
    assert read_lines(path) == ("I am happy.", "", "I am sad.")
    assert read_lines("-", stdin=io.BytesIO(b"One\nTwo")) == ("One", "Two")
    assert "empty" in ingest_error(read_lines, "-", stdin=io.BytesIO(b""))
