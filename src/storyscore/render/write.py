"""Writing the album folder atomically: a reader sees the old album or the new one, never half.

Everything is written into a hidden sibling folder first, then renamed into place. Replacing
an album renames the old one aside, renames the new one in and only then deletes the old.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storyscore.composition.model import Album
from storyscore.errors import RenderError
from storyscore.render.album_json import album_to_json
from storyscore.render.midi import track_to_midi
from storyscore.render.names import TrackFiles, midi_path
from storyscore.render.notes import album_notes
from storyscore.render.plot import arc_figure_bytes

ALBUM_MARKER = "album.json"
OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENAMETOOLONG: "the path is too long",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a part of the path is a file, not a folder",
}


@dataclass(frozen=True, slots=True)
class WrittenAlbum:
    """Where the album was written (absolute) and its files, as POSIX paths relative to it."""

    path: Path
    files: tuple[str, ...]


def write_album(album: Album, path: Path, *, force: bool = False) -> WrittenAlbum:
    """Write album.json, tracks/NN-slug.mid, NOTES.md, arc.png and arc.svg into ``path``.

    Raises
    ------
    RenderError
        If ``path`` is a file, or exists and ``force`` is not set, or exists with ``force``
        but holds something other than an album (so ``--force`` never deletes unrelated
        files), or the files cannot be written. ``path`` is left as it was.
    """
    # An absolute, normalised path ("." or "a/..") has a real name and parent for the staging
    # folder; symlinks are not followed, so a link is never mistaken for its target.
    path = Path(os.path.abspath(path))
    check_target(path, force=force)
    numbers = [track.plan.number for track in album.tracks]
    if len(set(numbers)) != len(numbers):
        raise RenderError("the album has two tracks with the same number; renumber its tracks")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = _make_staging_folder(path)
    except OSError as exc:
        raise _render_error(path, exc) from exc
    try:
        written = tuple(_write_files(album, staging))
        _move_into_place(staging, path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _render_error(path, exc) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WrittenAlbum(path=path, files=written)


def check_target(path: Path, *, force: bool) -> None:
    """Refuse a target that must not be written or replaced; callers run it before long work."""
    if path.is_file():
        raise RenderError(f"{path} is a file; choose a folder for the album")
    if not path.exists():
        return
    if not force:
        raise RenderError(
            f"{path} already exists; choose another folder or pass --force to replace it"
        )
    if path.is_symlink() or not path.is_dir():
        raise RenderError(f"{path} is a link or special file, not a folder; choose a folder")
    if any(path.iterdir()) and not (path / ALBUM_MARKER).is_file():
        raise RenderError(
            f"{path} is not a storyscore album (it has no {ALBUM_MARKER}), so --force will not "
            "replace it; choose another folder"
        )


def _make_staging_folder(path: Path) -> Path:
    """A new hidden folder beside ``path`` (same file system, so renames are atomic)."""
    for attempt in range(1000):
        staging = path.parent / f".{path.name}.{os.getpid()}-{attempt}.partial"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging
    raise RenderError(f"cannot create a working folder beside {path}; remove old .partial folders")


def _album_files(album: Album) -> Iterator[tuple[str, bytes]]:
    """Each file of the album folder, relative path and bytes, rendered one after another."""
    files: dict[int, TrackFiles] = {}
    for track in album.tracks:
        relative = midi_path(track)
        files[track.plan.number] = TrackFiles(midi=relative)
        yield relative, track_to_midi(track, album)
    yield "album.json", album_to_json(album, files).encode("utf-8")
    yield "NOTES.md", album_notes(album).encode("utf-8")
    png, svg = arc_figure_bytes(album)
    yield "arc.png", png
    yield "arc.svg", svg


def _write_files(album: Album, folder: Path) -> Iterator[str]:
    for relative, data in _album_files(album):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        yield relative


def _move_into_place(staging: Path, path: Path) -> None:
    if not path.exists():
        os.rename(staging, path)
        return
    aside = staging.with_name(staging.name.replace(".partial", ".replaced"))
    os.rename(path, aside)
    try:
        os.rename(staging, path)
    except OSError:
        os.rename(aside, path)
        raise
    # The new album is in place; a leftover of the old one must not fail the write.
    shutil.rmtree(aside, ignore_errors=True)


def _render_error(path: Path, exc: OSError) -> RenderError:
    reason = OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    return RenderError(
        f"cannot write the album to {path}: {reason}; choose a writable folder with free space"
    )
