"""Writing the album folder atomically: a reader sees the old album or the new one, never half.

Everything is written into a hidden sibling folder first, then renamed into place. Replacing
an album renames the old one aside, renames the new one in and only then deletes the old.

An album folder also keeps ``analysis.json`` (the exact analysis it was composed from) and,
in album.json, the options and continuations it was made with, so that ``storyscore next``
can read it back (:func:`read_album_folder`) and add tracks (:func:`update_album`): new
files go to hidden temporary names in the folder, then each is renamed over its target,
album.json last; if anything fails, every file is put back as it was.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import storyscore
from storyscore.analysis.model import StoryAnalysis
from storyscore.composition.model import Album
from storyscore.errors import RenderError
from storyscore.options import MIDI_ONLY, ComposeOptions, RenderOptions
from storyscore.render.album_json import (
    AlbumRecord,
    album_to_json,
    audio_levels,
    record_from_dict,
    track_files_from_dict,
)
from storyscore.render.audio import render_album_audio
from storyscore.render.midi import track_to_midi
from storyscore.render.musicxml import track_to_musicxml
from storyscore.render.names import (
    SCORE_FOLDER,
    TrackFiles,
    audio_path,
    midi_path,
    score_path,
    score_picture_files,
)
from storyscore.render.notes import album_notes
from storyscore.render.page import album_page
from storyscore.render.plot import arc_figure_bytes
from storyscore.render.score_pictures import track_score_svgs
from storyscore.serialize import analysis_from_json, analysis_to_json

ALBUM_MARKER = "album.json"
ANALYSIS_FILE = "analysis.json"
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


@dataclass(frozen=True, slots=True)
class AlbumFolder:
    """An album folder as read back: its analysis, record, each track's files by number,
    and the storyscore version that wrote it."""

    path: Path
    analysis: StoryAnalysis
    record: AlbumRecord
    files: Mapping[int, TrackFiles]
    version: str
    audio: Mapping[str, Any] | None = None  # album.json's audio block, if it has audio


def write_album(
    album: Album,
    path: Path,
    *,
    force: bool = False,
    options: ComposeOptions | None = None,
    extras: RenderOptions = MIDI_ONLY,
) -> WrittenAlbum:
    """Write album.json, tracks/NN-slug.mid, NOTES.md, arc.png, arc.svg, album.html and
    analysis.json.

    ``options`` are recorded in album.json so that ``storyscore next`` can rebuild the album;
    without them the album's seed and style are recorded, with no track count or length.

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
        _remove_stale_work(path)
        staging = _make_staging_folder(path)
    except OSError as exc:
        raise _render_error(path, exc) from exc
    record = AlbumRecord(
        options or album.options or ComposeOptions(seed=album.seed, style=album.style)
    )
    try:
        written = tuple(_write_files(_album_files(album, record, extras=extras), staging))
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


def _remove_stale_work(path: Path) -> None:
    """Delete working folders beside ``path`` left by writers that no longer run (a run killed
    mid-write leaves its ``.partial`` or ``.replaced`` folder behind; the album itself is whole)."""
    if not path.parent.is_dir():
        return
    prefix = f".{path.name}."
    for leftover in path.parent.iterdir():
        name = leftover.name
        if not name.startswith(prefix) or leftover.suffix not in (".partial", ".replaced"):
            continue
        if not leftover.is_dir() or leftover.is_symlink():
            continue
        pid_text = name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not _running(int(pid_text)):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


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


def read_album_folder(path: Path) -> AlbumFolder:
    """Read back what ``storyscore next`` needs from an album folder.

    Raises
    ------
    RenderError
        If ``path`` is not an album folder, or its album.json or analysis.json is missing,
        unreadable, or was written by a storyscore that did not keep them.
    """
    path = Path(os.path.abspath(path))
    if not path.is_dir():
        raise RenderError(f"{path} is not a folder; give the album folder that compose wrote")
    marker = path / ALBUM_MARKER
    if not marker.is_file():
        raise RenderError(
            f"{path} is not a storyscore album (it has no {ALBUM_MARKER}); "
            "give the folder that compose wrote"
        )
    document = _read_json(marker)
    version = _version_of(document)
    made_by = f"storyscore {version}"
    try:
        record = record_from_dict(document)
        files = track_files_from_dict(document)
    except ValueError as exc:
        raise RenderError(
            f"{marker} cannot be continued: {exc}; it was made by {made_by}, so compose the "
            "album again with this version"
        ) from exc
    analysis_file = path / ANALYSIS_FILE
    if not analysis_file.is_file():
        raise RenderError(
            f"{path} has no {ANALYSIS_FILE} (it was made by {made_by}, before albums kept "
            "their analysis); compose the album again with this version"
        )
    try:
        analysis = analysis_from_json(_read_text(analysis_file))
    except ValueError as exc:
        raise RenderError(
            f"{analysis_file} cannot be read: {exc}; compose the album again with this version"
        ) from exc
    audio = document.get("audio") if isinstance(document.get("audio"), dict) else None
    return AlbumFolder(
        path=path, analysis=analysis, record=record, files=files, version=version, audio=audio
    )


def update_album(
    folder: AlbumFolder, album: Album, record: AlbumRecord, extras: RenderOptions | None = None
) -> WrittenAlbum:
    """Add ``album``'s new tracks to ``folder`` and rewrite album.json, NOTES.md and the arc.

    Every track gets the extras the folder already has (its audio is levelled again, as one
    album with the new track) and ``extras`` besides (``storyscore render``).

    ``album`` must hold every track of the folder, rebuilt, plus the new ones; each earlier
    track must render to the very bytes on disk, and those files are not touched. Files
    whose bytes do not change are not rewritten; analysis.json keeps the original story.

    Raises
    ------
    RenderError
        If an earlier track does not match its file (the album was made by another
        version), or the files cannot be written; the folder is then left as it was.
    """
    rebuilt = {track.plan.number: midi_path(track) for track in album.tracks}
    if len(rebuilt) != len(album.tracks) or any(
        rebuilt.get(number) != files.midi for number, files in folder.files.items()
    ):
        _mismatch(folder)
    files = {**{number: TrackFiles(midi=path) for number, path in rebuilt.items()}, **folder.files}
    added = {path for number, path in rebuilt.items() if number not in folder.files}
    staged: list[tuple[Path, Path]] = []  # (temporary file, target), album.json last
    try:
        wanted = (extras or MIDI_ONLY).merged(_extras_of(folder))
        for relative, data in _album_files(album, record, files, wanted):
            target = folder.path / relative
            if relative == ANALYSIS_FILE:
                continue  # the original story stays as it was read
            if _is_earlier_track(relative, folder):
                _check_unchanged(target, data, folder)
                continue
            if relative in added and target.exists():
                raise RenderError(
                    f"{target} is in the way of the new track and is not part of the album; "
                    "move it elsewhere and run next again"
                )
            if target.is_file() and target.read_bytes() == data:
                continue
            staged.append((_write_temporary(target, data), target))
        staged.sort(key=lambda item: item[1].name == ALBUM_MARKER)
        _replace_all(staged)
    except OSError as exc:
        raise _render_error(folder.path, exc) from exc
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    return WrittenAlbum(
        path=folder.path,
        files=tuple(target.relative_to(folder.path).as_posix() for _, target in staged),
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"{path} is not UTF-8 text; compose the album again") from exc
    except OSError as exc:
        reason = OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise RenderError(f"cannot read {path}: {reason}") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise RenderError(
            f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}); compose the album again"
        ) from exc
    if not isinstance(document, dict):
        raise RenderError(f"{path} does not describe an album; compose the album again")
    return document


def _version_of(document: Mapping[str, Any]) -> str:
    generator = document.get("generator")
    version = generator.get("version") if isinstance(generator, dict) else None
    return version if isinstance(version, str) else "an unknown version"


def _is_earlier_track(relative: str, folder: AlbumFolder) -> bool:
    return any(relative == files.midi for files in folder.files.values())


def _check_unchanged(target: Path, data: bytes, folder: AlbumFolder) -> None:
    """An earlier track must render to the bytes on disk, or the rebuilt album is another."""
    if not target.is_file():
        raise RenderError(
            f"{target} is missing from the album; compose the album again to continue it"
        )
    if target.read_bytes() != data:
        _mismatch(folder)


def _mismatch(folder: AlbumFolder) -> NoReturn:
    raise RenderError(
        f"storyscore {storyscore.__version__} does not rebuild the tracks of {folder.path} "
        f"exactly (it was made by storyscore {folder.version}, or written without its compose "
        "options), so a next track would not fit them; compose the album again with this "
        "version, or continue it with the one that made it"
    )


def _write_temporary(target: Path, data: bytes) -> Path:
    """``data`` in a new hidden file beside ``target`` (same folder, so renames are atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1000):
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{attempt}.partial")
        try:
            with temporary.open("xb") as stream:
                stream.write(data)
        except FileExistsError:
            continue
        return temporary
    raise RenderError(f"cannot create a working file beside {target}; remove old .partial files")


def _replace_all(staged: list[tuple[Path, Path]]) -> None:
    """Rename each temporary file over its target; on failure put every target back."""
    done: list[tuple[Path, Path | None]] = []  # (target, backup of the old file, if any)
    try:
        for temporary, target in staged:
            backup = None
            if target.exists():
                backup = target.with_name(f".{target.name}.{os.getpid()}.previous")
                _keep_copy(target, backup)
            try:
                os.replace(temporary, target)
            except BaseException:
                if backup is not None:  # the target was not touched
                    backup.unlink(missing_ok=True)
                raise
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _keep_copy(target: Path, backup: Path) -> None:
    """A second name for ``target``'s old bytes: a hard link where the file system has them."""
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        shutil.copyfile(target, backup)


def _album_files(
    album: Album,
    record: AlbumRecord,
    known: Mapping[int, TrackFiles] | None = None,
    extras: RenderOptions = MIDI_ONLY,
) -> Iterator[tuple[str, bytes]]:
    """Each file of the album folder, relative path and bytes, rendered one after another.

    ``known`` gives the files already listed for some tracks (a score or audio rendered
    earlier), so album.json keeps listing them.
    """
    files: dict[int, TrackFiles] = {}
    midis: list[bytes] = []
    for track in album.tracks:
        relative = midi_path(track)
        listed = (known or {}).get(track.plan.number, TrackFiles(midi=relative))
        midi = track_to_midi(track, album)
        midis.append(midi)
        yield relative, midi
        if extras.musicxml or extras.score_pictures:
            score = track_to_musicxml(track, album)
            if extras.musicxml:
                listed = replace(listed, musicxml=score_path(track))
                yield listed.musicxml, score
            if extras.score_pictures:
                yield from score_picture_files(track, track_score_svgs(score))
        files[track.plan.number] = listed
    levels = None
    if extras.audio:  # after every MIDI file: one gain levels the album as a whole
        audio = render_album_audio(
            midis,
            soundfont=extras.soundfont,
            fmt=extras.audio_format,
            workers=extras.audio_workers,
        )
        for track, rendered in zip(album.tracks, audio.tracks, strict=True):
            number = track.plan.number
            files[number] = replace(files[number], audio=audio_path(track, audio.extension))
            yield files[number].audio, rendered.data
        levels = audio_levels(audio, album)
    yield "album.json", album_to_json(album, files, record, levels).encode("utf-8")
    yield "NOTES.md", album_notes(album).encode("utf-8")
    png, svg = arc_figure_bytes(album)
    yield "arc.png", png
    yield "arc.svg", svg
    yield "album.html", album_page(album, files, svg).encode("utf-8")
    yield ANALYSIS_FILE, analysis_to_json(album.analysis).encode("utf-8")


def _extras_of(folder: AlbumFolder) -> RenderOptions:
    """The extras an album folder was rendered with, as its files and album.json show them;
    audio is played again with the SoundFont it was given, if one was."""
    audio = [files.audio for files in folder.files.values() if files.audio]
    soundfont = (folder.audio or {}).get("soundfont") or {}
    return RenderOptions(
        musicxml=any(files.musicxml for files in folder.files.values()),
        score_pictures=any((folder.path / SCORE_FOLDER).glob("*.svg")),
        audio=bool(audio),
        audio_format=Path(audio[0]).suffix[1:] if audio else "flac",
        soundfont=soundfont.get("path") if soundfont.get("origin") == "given" else None,
    )


def _write_files(files: Iterator[tuple[str, bytes]], folder: Path) -> Iterator[str]:
    for relative, data in files:
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
