"""The pipeline: story text -> Document -> StoryAnalysis -> Album.

These are the functions the Python API exports; the CLI, web studio and batch mode call them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from storyscore.analysis.analyze import analyze_document
from storyscore.analysis.model import StoryAnalysis
from storyscore.composition.album import compose_album
from storyscore.composition.continuation import (
    append_track,
    extrapolate,
    read_continuation,
    replay,
)
from storyscore.composition.model import Album
from storyscore.ingest import parse_document, read_story
from storyscore.ingest.model import Document
from storyscore.ingest.read import MAX_BYTES
from storyscore.options import MIDI_ONLY, ComposeOptions, RenderOptions

if TYPE_CHECKING:
    from storyscore.render.write import AlbumFolder, WrittenAlbum


def analyze(
    story: str | bytes | Document,
    *,
    tracks: int | None = None,
    leads: tuple[str, str] | None = None,
    name: str | None = None,
) -> StoryAnalysis:
    """Analyse a story given as text, bytes or an ingested :class:`Document`."""
    document = story if isinstance(story, Document) else parse_document(story, name=name)
    return analyze_document(document, tracks=tracks, leads=leads)


def compose(
    story: str | bytes | Document,
    *,
    seed: int = 0,
    style: str = "film",
    tracks: int | None = None,
    minutes: float | None = None,
    leads: tuple[str, str] | None = None,
    name: str | None = None,
) -> Album:
    """Compose the album of a story; ``Album.write(path)`` renders its folder."""
    options = ComposeOptions(seed=seed, style=style, tracks=tracks, minutes=minutes)
    analysis = analyze(story, tracks=options.tracks, leads=leads, name=name)
    return compose_album(analysis, options)


def compose_file(
    story: str | os.PathLike[str],
    output: str | os.PathLike[str],
    options: ComposeOptions,
    *,
    leads: tuple[str, str] | None = None,
    force: bool = False,
    max_bytes: int = MAX_BYTES,
    extras: RenderOptions = MIDI_ONLY,
    on_stage: Callable[[str], None] | None = None,
) -> WrittenAlbum:
    """Compose the story file ``story`` (``"-"`` for stdin) into the album folder ``output``.

    This is ``storyscore compose``; batch mode calls it for every file, so an album made in
    a batch is byte for byte the album composed alone. ``on_stage`` hears each stage's name.
    The target is checked before the work starts, so a refused folder costs nothing.
    """
    from storyscore.render.write import check_target

    stage = on_stage or (lambda name: None)
    check_target(Path(output), force=force)
    stage("reading the story")
    document = read_story(story, max_bytes=max_bytes)
    return compose_document(
        document, output, options, leads=leads, force=force, extras=extras, on_stage=on_stage
    )


def compose_document(
    document: Document,
    output: str | os.PathLike[str],
    options: ComposeOptions,
    *,
    leads: tuple[str, str] | None = None,
    force: bool = False,
    extras: RenderOptions = MIDI_ONLY,
    on_stage: Callable[[str], None] | None = None,
) -> WrittenAlbum:
    """Analyse, compose and write an ingested story: the stages of :func:`compose_file`
    after reading, for callers that keep the document (the web studio shows its sentences)."""
    from storyscore.render.write import write_album

    stage = on_stage or (lambda name: None)
    stage(f"analysing {len(document.sentences)} sentences")
    analysis = analyze_document(document, tracks=options.tracks, leads=leads)
    stage(f"composing {len(analysis.segments) + 1} tracks")
    album = compose_album(analysis, options)
    stage("writing the album" + (" and rendering its audio" if extras.audio else ""))
    return write_album(album, Path(output), force=force, options=options, extras=extras)


def next_track(
    album_dir: str | os.PathLike[str], *, text: str | os.PathLike[str] | None = None
) -> WrittenAlbum:
    """Append the next track to the album folder at ``album_dir`` (``storyscore next``).

    With ``text`` (a file, or ``"-"`` for standard input) the track tells what that text
    says happens next; without, it follows where the album's arc was heading. The earlier
    tracks' files are left byte for byte as they were; album.json, NOTES.md and the arc
    pictures are rewritten to include the new track, and album.json records the
    continuation so that a later ``next`` rebuilds it.
    """
    # The render stage is imported here so that importing storyscore stays light.
    from storyscore.render.album_json import AlbumRecord
    from storyscore.render.write import read_album_folder, update_album

    folder = read_album_folder(Path(album_dir))
    document = read_story(text) if text is not None else None  # bad text fails before work
    album = rebuild_album(folder)
    continuation = (
        read_continuation(album, document) if document is not None else extrapolate(album)
    )
    record = AlbumRecord(folder.record.options, (*folder.record.continuations, continuation))
    return update_album(folder, append_track(album, continuation), record)


def render_album(album_dir: str | os.PathLike[str], extras: RenderOptions) -> WrittenAlbum:
    """Render ``extras`` for every track of the album folder at ``album_dir`` (``storyscore
    render``): the album is rebuilt and checked against its MIDI files, which stay as they
    are; the new files, album.json and album.html replace the old ones together."""
    from storyscore.render.write import read_album_folder, update_album

    folder = read_album_folder(Path(album_dir))
    return update_album(folder, rebuild_album(folder), folder.record, extras)


def rebuild_album(folder: AlbumFolder) -> Album:
    """The album in ``folder`` composed again from its analysis, options and continuations."""
    album = compose_album(folder.analysis, folder.record.options)
    return replay(album, folder.record.continuations)
