"""`storyscore next`: exit codes, messages, options carried from compose, hash-seed determinism."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from storyscore.interfaces.cli import main
from tests.conftest import CLI, TINY_STORY, one_line_error

CONTINUATION = "Ada and Samuel quarrelled again by the pond. She shouted at him in anger."


def _contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def composed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli-next") / "album"
    args = ["compose", str(TINY_STORY), "-o", str(out), "--seed", "4", "--minutes", "5"]
    assert main([*args, "--style", "waltz", "--quiet"]) == 0
    return out


@pytest.fixture
def album(composed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "album"
    shutil.copytree(composed, copy)
    return copy


def test_compose_records_its_options(composed: Path) -> None:
    options = json.loads((composed / "album.json").read_text(encoding="utf-8"))["options"]
    assert options["seed"] == 4 and options["style"] == "waltz" and options["minutes"] == 5.0


def test_next_prints_the_new_track_and_exits_0(album: Path, capsys) -> None:
    assert main(["next", str(album), "--quiet"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and Path(printed[0]).is_file()
    document = json.loads((album / "album.json").read_text(encoding="utf-8"))
    assert document["tracks"][-1]["kind"] == "next"
    assert document["tracks"][-1]["meter"] == "3/4"  # the album's style


def test_next_with_text(album: Path, tmp_path: Path, capsys) -> None:
    text = tmp_path / "more.txt"
    text.write_text(CONTINUATION, encoding="utf-8")
    assert main(["next", str(album), "--text", str(text), "--quiet"]) == 0
    document = json.loads((album / "album.json").read_text(encoding="utf-8"))
    assert document["continuations"][-1]["text"]["sentences"] == 2
    assert document["tracks"][-1]["relationship"]["state"] in {"conflict", "together"}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not text")],
)
def test_bad_text_exits_2_and_changes_nothing(album, tmp_path, capsys, content, fragment) -> None:
    text = tmp_path / "bad.txt"
    text.write_bytes(content)
    before = _contents(album)
    assert main(["next", str(album), "--text", str(text)]) == 2
    assert fragment in one_line_error(capsys).lower()
    assert _contents(album) == before


def test_missing_text_file_exits_2(album: Path, tmp_path: Path, capsys) -> None:
    assert main(["next", str(album), "--text", str(tmp_path / "nothing.txt")]) == 2
    one_line_error(capsys)


@pytest.mark.parametrize("kind", ["missing", "plain folder", "no analysis"])
def test_not_an_album_exits_2_with_one_line(album, tmp_path, capsys, kind) -> None:
    target = {"missing": tmp_path / "nowhere", "plain folder": tmp_path, "no analysis": album}[kind]
    if kind == "no analysis":
        (album / "analysis.json").unlink()
    assert main(["next", str(target)]) == 2
    line = one_line_error(capsys)
    assert "compose" in line  # says what to do


def test_next_is_the_same_under_another_hash_seed(composed: Path, tmp_path: Path) -> None:
    text = tmp_path / "more.txt"
    text.write_text(CONTINUATION, encoding="utf-8")
    results = []
    for seed in ("1", "987"):
        copy = tmp_path / f"album-{seed}"
        shutil.copytree(composed, copy)
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*CLI, "next", str(copy), "--text", str(text)], env=env, check=True)
        results.append(_contents(copy))
    assert results[0] == results[1]


def test_api_album_records_its_options_for_next(tmp_path):
    import storyscore
    from storyscore.pipeline import next_track

    album = storyscore.compose(TINY_STORY.read_bytes(), seed=4, minutes=3)
    album.write(tmp_path / "api")
    data = json.loads((tmp_path / "api" / "album.json").read_text(encoding="utf-8"))
    assert data["options"]["minutes"] == 3
    next_track(tmp_path / "api")  # rebuilds byte-identically, so it does not refuse


def test_next_redraws_the_arc_with_the_new_track(tmp_path):
    album = tmp_path / "arc"
    assert main(["compose", str(TINY_STORY), "-o", str(album), "--quiet"]) == 0
    before = (album / "arc.png").read_bytes(), (album / "arc.svg").read_bytes()
    assert main(["next", str(album)]) == 0
    after = (album / "arc.png").read_bytes(), (album / "arc.svg").read_bytes()
    assert before[0] != after[0] and before[1] != after[1]
