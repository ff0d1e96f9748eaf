from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import storyscore.render.write as write_module
from storyscore.composition.model import Album
from storyscore.errors import RenderError
from storyscore.render.write import WrittenAlbum, write_album

EXPECTED = [
    "tracks/01-the-ball.mid",
    "tracks/02-a-letter-a-quarrel.mid",
    "tracks/03-rain-at-pemberley.mid",
    "tracks/04-winter.mid",
    "tracks/05-spring-again.mid",
    "tracks/06-epilogue.mid",
    "album.json",
    "NOTES.md",
    "arc.png",
    "arc.svg",
    "album.html",
    "analysis.json",
]


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def written(album: Album, tmp_path_factory: pytest.TempPathFactory) -> WrittenAlbum:
    return write_album(album, tmp_path_factory.mktemp("albums") / "elise")


def test_album_folder_holds_every_file(written: WrittenAlbum) -> None:
    assert list(written.files) == EXPECTED
    assert sorted(contents(written.path)) == sorted(EXPECTED)
    document = json.loads((written.path / "album.json").read_text(encoding="utf-8"))
    for track in document["tracks"]:
        assert (written.path / track["files"]["midi"]).is_file()
    assert leftovers(written.path.parent) == []


def test_two_writes_give_identical_bytes(album: Album, written: WrittenAlbum, tmp_path) -> None:
    again = write_album(album, tmp_path / "again")
    assert contents(again.path) == contents(written.path)


def test_bytes_do_not_depend_on_the_hash_seed(written: WrittenAlbum, tmp_path: Path) -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]); from conftest import make_album; "
        "from pathlib import Path; make_album().write(Path(sys.argv[1]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    here = str(Path(__file__).parent)
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "seeded"), here], env=env, check=True
    )
    assert contents(tmp_path / "seeded") == contents(written.path)


def test_existing_folder_is_kept_without_force(album: Album, tmp_path: Path) -> None:
    target = tmp_path / "album"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    with pytest.raises(RenderError, match="already exists; choose another folder or pass --force"):
        write_album(album, target)
    assert contents(target) == {"mine.txt": b"keep me"}
    assert leftovers(tmp_path) == []


def test_force_replaces_an_old_album(album: Album, tmp_path: Path) -> None:
    target = tmp_path / "album"
    write_album(album, target)
    (target / "stale.mid").write_bytes(b"old")
    written = write_album(album, target, force=True)
    assert written.path == target
    assert "stale.mid" not in contents(target)
    assert sorted(contents(target)) == sorted(EXPECTED)
    assert leftovers(tmp_path) == []


def test_force_never_replaces_a_folder_that_is_not_an_album(album: Album, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("precious")
    with pytest.raises(RenderError, match="not a storyscore album"):
        write_album(album, tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "precious"


def test_force_fills_an_empty_folder(album: Album, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write_album(album, tmp_path / "empty", force=True)
    assert (tmp_path / "empty" / "album.json").is_file()


def test_a_file_is_refused(album: Album, tmp_path: Path) -> None:
    target = tmp_path / "album"
    target.write_text("a file")
    with pytest.raises(RenderError, match="is a file"):
        write_album(album, target, force=True)
    assert target.read_text() == "a file"


def test_a_file_on_the_way_is_a_render_error(album: Album, tmp_path: Path) -> None:
    (tmp_path / "parent").write_text("a file")
    with pytest.raises(RenderError, match="a part of the path is a file"):
        write_album(album, tmp_path / "parent" / "album")


def test_force_refuses_a_link_to_an_album(album: Album, written: WrittenAlbum, tmp_path) -> None:
    link = tmp_path / "link"
    link.symlink_to(written.path)
    with pytest.raises(RenderError, match="is a link"):
        write_album(album, link, force=True)
    assert link.is_symlink()


def test_a_relative_dot_path_is_written_in_place(album, tmp_path, monkeypatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    written = write_album(album, Path("."), force=True)
    assert written.path == tmp_path / "here"
    assert (tmp_path / "here" / "album.json").is_file()
    assert leftovers(tmp_path) == []


def test_missing_parent_folders_are_made(album: Album, tmp_path: Path) -> None:
    written = write_album(album, tmp_path / "albums" / "new" / "elise")
    assert (written.path / "arc.png").is_file()


def test_failure_midway_leaves_the_old_album(album: Album, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "album"
    write_album(album, target)
    (target / "album.json").write_text("the old album")
    before = contents(target)

    def broken_notes(_album: Album) -> str:
        raise RuntimeError("notes writer broke")

    monkeypatch.setattr(write_module, "album_notes", broken_notes)
    with pytest.raises(RuntimeError, match="notes writer broke"):
        write_album(album, target, force=True)
    assert contents(target) == before
    assert leftovers(tmp_path) == []


def test_failure_without_an_old_album_leaves_nothing(album: Album, tmp_path, monkeypatch) -> None:
    def full_disk(*_args: object) -> bytes:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write_module, "track_to_midi", full_disk)
    with pytest.raises(RenderError, match="the disk is full") as caught:
        write_album(album, tmp_path / "album")
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_swap_puts_the_old_album_back(album: Album, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "album"
    write_album(album, target)
    before = contents(target)
    real_rename = os.rename
    calls: list[str] = []

    def rename(source: object, destination: object) -> None:
        calls.append(Path(str(source)).name)
        if len(calls) == 2:  # the new album moving in
            raise OSError(errno.EACCES, "Permission denied")
        real_rename(source, destination)

    monkeypatch.setattr(write_module.os, "rename", rename)
    with pytest.raises(RenderError, match="permission denied"):
        write_album(album, target, force=True)
    assert contents(target) == before
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_parent_is_a_render_error(album: Album, tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(RenderError, match="permission denied"):
            write_album(album, parent / "album")
    finally:
        parent.chmod(0o700)
