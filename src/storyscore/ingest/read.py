"""The ingest stage's entry points: bytes, text, a path or standard input -> :class:`Document`.

Three formats are read: text (plain text in any common encoding, Markdown, Project Gutenberg
files), Fountain screenplays and EPUB books. The format is the one asked for, else the file
name's extension (``.fountain``/``.spmd``, ``.epub``), else an EPUB when the bytes are one (a
ZIP whose ``mimetype`` says so), else text.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import BinaryIO, Literal, get_args

from storyscore.errors import IngestError
from storyscore.ingest.decode import decode_story_bytes
from storyscore.ingest.epub import extract_epub, is_epub
from storyscore.ingest.fountain import parse_fountain
from storyscore.ingest.gutenberg import find_body
from storyscore.ingest.model import Document, Section, Sentence
from storyscore.ingest.sentences import split_sentences
from storyscore.ingest.structure import (
    Heading,
    choose_sections,
    find_headings,
    markdown_title,
    readable_case,
)

StoryFormat = Literal["text", "fountain", "epub"]
STORY_FORMATS: tuple[StoryFormat, ...] = get_args(StoryFormat)
MAX_BYTES = 50 * 1024 * 1024
UNTITLED = "Untitled story"
STANDARD_INPUT = "-"
_MEGABYTE = 1024 * 1024
_NAME_SEPARATORS = re.compile(r"[\s_.-]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FORMAT_OF_EXTENSION: dict[str, StoryFormat] = {
    ".fountain": "fountain",
    ".spmd": "fountain",
    ".epub": "epub",
}
# A screenplay needs this many scene headings before its scenes are its sections.
MIN_SCENES = 2


def parse_document(
    data: bytes | str,
    *,
    name: str | None = None,
    max_bytes: int = MAX_BYTES,
    format: StoryFormat | None = None,
) -> Document:
    """Decode and segment a story given as bytes or text.

    ``name`` (a file name) appears in error messages, gives the title when the text holds
    none and, by its extension, the format when ``format`` is None. A ``str`` is hashed and
    measured as its UTF-8 encoding. For an EPUB, ``Document.text`` is the book's extracted
    plain text (see :mod:`storyscore.ingest.epub`) and ``max_bytes`` also bounds what is
    unpacked.
    """
    label = _one_line(name) if name else "the story"
    raw = _encode(data, label) if isinstance(data, str) else bytes(data)
    _check_size(len(raw), max_bytes, label)
    return _parse(raw, label, name, _story_format(raw, name, format), max_bytes)


def read_story(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    stdin: BinaryIO | None = None,
    format: StoryFormat | None = None,
) -> Document:
    """Read and parse the story at ``source``; ``"-"`` reads all of standard input
    (``stdin`` if given, else ``sys.stdin.buffer``). The format is chosen as in
    :func:`parse_document`."""
    raw, label, name = _read_source(source, max_bytes, stdin)
    return _parse(raw, label, name, _story_format(raw, name, format), max_bytes)


def read_lines(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> tuple[str, ...]:
    """Read a file whose every line is one unit (``analyze --per-line``), ``"-"`` for stdin.

    Blank lines are kept, so that the n-th item is the file's n-th line.
    """
    raw, label, _ = _read_source(source, max_bytes, stdin)
    lines = _LINE_BREAK.split(decode_story_bytes(raw, label))
    return tuple(lines[:-1] if lines[-1] == "" else lines)


def _read_source(
    source: str | os.PathLike[str], max_bytes: int, stdin: BinaryIO | None
) -> tuple[bytes, str, str | None]:
    """The bytes at ``source``, its name for messages and its file name (None for stdin)."""
    if os.fspath(source) == STANDARD_INPUT:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _read_stream(stream, max_bytes), "standard input", None
    if not os.fspath(source):
        raise IngestError("no story file was given; give the path of a text file, or - for stdin")
    path = Path(source)
    return _read_file(path, max_bytes), _one_line(str(path)), path.name


def _story_format(raw: bytes, name: str | None, asked: str | None) -> StoryFormat:
    if asked is not None:
        for known in STORY_FORMATS:
            if asked == known:
                return known
        raise IngestError(f"unknown story format {asked!r}; use one of {', '.join(STORY_FORMATS)}")
    extension = PurePath(name).suffix.lower() if name else ""
    if extension in _FORMAT_OF_EXTENSION:
        return _FORMAT_OF_EXTENSION[extension]
    return "epub" if is_epub(raw) else "text"


def _parse(
    raw: bytes, label: str, name: str | None, story_format: StoryFormat, max_bytes: int
) -> Document:
    if story_format == "fountain":
        return _parse_fountain(raw, label, name)
    if story_format == "epub":
        return _parse_epub(raw, label, name, max_bytes)
    return _parse_text(raw, label, name)


def _parse_fountain(raw: bytes, label: str, name: str | None) -> Document:
    """A screenplay: its scenes (when there are at least two) are the sections."""
    text = decode_story_bytes(raw, label)
    screenplay = parse_fountain(text)
    scenes = screenplay.scenes if len(screenplay.scenes) >= MIN_SCENES else ()
    return Document(
        text=text,
        title=screenplay.title or (name and _title_from_name(name)) or UNTITLED,
        sha256=hashlib.sha256(raw).hexdigest(),
        body_start=screenplay.body_start,
        body_end=screenplay.body_end,
        sentences=screenplay.sentences,
        sections=_sections(scenes, screenplay.sentences, screenplay.body_end),
    )


def _parse_epub(raw: bytes, label: str, name: str | None, max_bytes: int) -> Document:
    """A book: its extracted text, read like a plain text whose headings are the XHTML's."""
    book = extract_epub(raw, label, max_bytes)
    frame = find_body(book.text)
    headings = [
        heading
        for heading in book.headings
        if frame.body_start <= heading.start and heading.end <= frame.body_end
    ]
    chosen = choose_sections(headings, book.text, frame.body_end)
    sentences = split_sentences(book.text, frame.body_start, frame.body_end, book.heading_spans)
    return Document(
        text=book.text,
        title=book.title or frame.title or (name and _title_from_name(name)) or UNTITLED,
        sha256=hashlib.sha256(raw).hexdigest(),
        body_start=frame.body_start,
        body_end=frame.body_end,
        sentences=sentences,
        sections=_sections(chosen, sentences, frame.body_end),
    )


def _parse_text(raw: bytes, label: str, name: str | None) -> Document:
    text = decode_story_bytes(raw, label)
    frame = find_body(text)
    headings = find_headings(text, frame.body_start, frame.body_end)
    chosen = choose_sections(headings, text, frame.body_end)
    sentences = split_sentences(
        text, frame.body_start, frame.body_end, [(h.start, h.end) for h in headings]
    )
    title = (
        frame.title
        or markdown_title(headings, chosen)
        or (name and _title_from_name(name))
        or UNTITLED
    )
    return Document(
        text=text,
        title=title,
        sha256=hashlib.sha256(raw).hexdigest(),
        body_start=frame.body_start,
        body_end=frame.body_end,
        sentences=sentences,
        sections=_sections(chosen, sentences, frame.body_end),
    )


def _sections(
    chosen: Sequence[Heading], sentences: Sequence[Sentence], body_end: int
) -> tuple[Section, ...]:
    """Each chosen heading runs to the next one (the last to the end of the body)."""
    sentence_starts = [sentence.start for sentence in sentences]
    sections = []
    for position, heading in enumerate(chosen):
        end = chosen[position + 1].start if position + 1 < len(chosen) else body_end
        first = bisect_left(sentence_starts, heading.start)
        after_last = bisect_left(sentence_starts, end)
        sections.append(
            Section(
                kind=heading.kind,
                title=heading.title,
                start=heading.start,
                end=end,
                first_sentence=first,
                last_sentence=after_last - 1,
            )
        )
    return tuple(sections)


def _title_from_name(name: str) -> str | None:
    """ "the-lamp.txt" -> "The Lamp"; a stem in mixed case ("TheLamp") is kept as written."""
    stem = " ".join(_NAME_SEPARATORS.split(PurePath(name).stem)).strip()
    if not any(character.isalpha() for character in stem):
        return None
    if stem.islower() or stem.isupper():
        return readable_case(stem.upper())
    return stem


def _encode(text: str, label: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise IngestError(
            f"{label} holds a character that is not valid Unicode text at position "
            f"{error.start} (an unpaired surrogate); remove it or decode the text again"
        ) from None


def _check_size(size: int, max_bytes: int, label: str) -> None:
    if size > max_bytes:
        raise IngestError(
            f"{label} is {_megabytes(size)} ({size:,} bytes), more than the limit of "
            f"{_megabytes(max_bytes)}; split the story into smaller files"
        )


def _megabytes(size: int) -> str:
    return f"{size / _MEGABYTE:.1f} MB" if size >= _MEGABYTE // 10 else f"{size:,} bytes"


def _read_stream(stream: BinaryIO, max_bytes: int) -> bytes:
    try:
        data = stream.read(max_bytes + 1)
    except OSError as error:
        raise IngestError(
            f"cannot read standard input ({error.strerror or error}); pipe the story in again"
        ) from None
    if len(data) > max_bytes:
        raise IngestError(
            f"standard input holds more than the limit of {_megabytes(max_bytes)}; "
            "split the story into smaller files"
        )
    return data


def _read_file(path: Path, max_bytes: int) -> bytes:
    label = _one_line(str(path))
    try:
        with path.open("rb") as handle:
            _check_size(os.fstat(handle.fileno()).st_size, max_bytes, label)
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise IngestError(f"{label}: no such file; check the path and try again") from None
    except IsADirectoryError:
        raise IngestError(
            f"{label} is a folder, not a file; give the path of the story's text file"
        ) from None
    except PermissionError:
        raise IngestError(
            f"{label} cannot be read (permission denied); check its permissions"
        ) from None
    except OSError as error:
        raise IngestError(
            f"{label} cannot be read ({error.strerror or error}); check the file and try again"
        ) from None
    _check_size(len(data), max_bytes, label)
    return data


def _one_line(text: str) -> str:
    """A name fit for a one-line message (quoted when it holds line breaks or controls)."""
    return text if text.isprintable() else ascii(text)
