"""EPUB books: the plain text of the spine's documents in reading order, with their headings.

Only the standard library reads them: ``zipfile``, ``xml.etree`` for the container and the
package (OPF) file, ``html.parser`` for the XHTML. The text of an EPUB's :class:`Document` is
this extracted plain text, not the archive's bytes: paragraphs are separated by a blank line,
``<br>`` becomes a line break, and sentence and section offsets point into that text.

An archive is untrusted input. It is refused when it holds too many entries, when its
declared sizes unpack past the byte limit or at a compression ratio no text has (a zip bomb),
and the bytes are counted again while they are read, so that headers that lie do not help.
Nothing is extracted to disk: a path with ``..`` is only a name to look up.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import unquote
from xml.etree import ElementTree

from storyscore.errors import IngestError
from storyscore.ingest.structure import Heading, find_headings, readable_case

MAX_ENTRIES = 10_000
MAX_COMPRESSION_RATIO = 100
# Below this size a member's compression ratio is not judged: small repetitive files (a blank
# page, a stylesheet) compress far better than prose and cannot do harm. Above it, a ratio over
# MAX_COMPRESSION_RATIO is refused.
RATIO_FLOOR = 1024 * 1024
MIMETYPE = "application/epub+zip"
CONTAINER = "META-INF/container.xml"
# h1-h3 are structure; h4-h6 are headings too, so not sentences, but never sections.
SECTION_LEVELS = 3

_ZIP_SIGNATURE = b"PK\x03\x04"
_CENTRAL_DIRECTORY_SIGNATURE = b"PK\x01\x02"
# A local file header: signature, version, flags, method, time, date, CRC, compressed and
# uncompressed size, name and extra-field lengths.
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_MIMETYPE_ROOM = 64
_READ_CHUNK = 64 * 1024
_MEGABYTE = 1024 * 1024
_XHTML_TYPES = ("application/xhtml+xml", "text/html")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile lacks
    RuntimeError,  # an encrypted member
    ValueError,
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PARAGRAPH_SEPARATOR = "\n\n"

# Elements whose content is not the book's text.
_DROPPED = frozenset(
    {"head", "script", "style", "nav", "template", "noscript", "svg", "math", "title"}
)
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
_CONTENTS_HEADINGS = ("contents", "table of contents")


@dataclass(frozen=True, slots=True)
class EpubText:
    """The extracted text of an EPUB, its title and its headings.

    ``headings`` are the h1-h3 blocks (rank = level), candidates for sections;
    ``heading_spans`` are the (start, end) of every h1-h6 block, which are not sentences.
    """

    text: str
    title: str | None
    headings: tuple[Heading, ...]
    heading_spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Block:
    text: str  # lines joined by "\n", each with its whitespace collapsed
    level: int  # 0 for a paragraph, 1-6 for a heading


def is_epub(data: bytes) -> bool:
    """Whether ``data`` is a ZIP archive whose first entry, ``mimetype``, says
    ``application/epub+zip`` (where the EPUB standard puts it, so no archive is opened)."""
    if len(data) < _LOCAL_HEADER.size or not data.startswith(_ZIP_SIGNATURE):
        return False
    header = _LOCAL_HEADER.unpack_from(data)
    method, compressed_size = header[3], header[7]
    name_length, extra_length = header[9], header[10]
    name_start = _LOCAL_HEADER.size
    if data[name_start : name_start + name_length] != b"mimetype":
        return False
    content_start = name_start + name_length + extra_length
    content = data[content_start : content_start + min(compressed_size, _MIMETYPE_ROOM)]
    if method == zipfile.ZIP_DEFLATED:
        try:
            content = zlib.decompressobj(-zlib.MAX_WBITS).decompress(content, _MIMETYPE_ROOM)
        except zlib.error:
            return False
    elif method != zipfile.ZIP_STORED:
        return False
    return content.strip() == MIMETYPE.encode("ascii")


def extract_epub(data: bytes, label: str, max_bytes: int) -> EpubText:
    """The text of the EPUB in ``data`` (named ``label`` in messages); at most ``max_bytes``
    are unpacked in all."""
    # Every central-directory entry starts with this signature, so counting it bounds the
    # entries before zipfile spends time and memory on each of them.
    if data.count(_CENTRAL_DIRECTORY_SIGNATURE) > MAX_ENTRIES:
        raise IngestError(
            f"{label} holds more than {MAX_ENTRIES:,} entries; it is refused as a possible zip bomb"
        )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except _ZIP_ERRORS as error:
        raise _damaged(label, error) from None
    with archive:
        _check_declared_sizes(archive, label, max_bytes)
        reader = _MemberReader(archive, label, max_bytes)
        try:
            return _extract(reader, label)
        except _ZIP_ERRORS as error:
            raise _damaged(label, error) from None


class _MemberReader:
    """Reads members by name, counting every unpacked byte against one budget.

    zipfile stops each member at the size its header declares and checks its CRC; the budget
    counts what is really unpacked, so that a spine naming one document many times cannot
    unpack more than the limit either.
    """

    def __init__(self, archive: zipfile.ZipFile, label: str, max_bytes: int) -> None:
        self._archive = archive
        self._label = label
        self._max_bytes = max_bytes
        self._remaining = max_bytes

    def read(self, name: str) -> bytes | None:
        """The bytes of the member ``name``, or None if the archive has no such member."""
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            return None
        chunks = []
        with self._archive.open(info) as handle:
            while chunk := handle.read(min(_READ_CHUNK, self._remaining + 1)):
                self._remaining -= len(chunk)
                if self._remaining < 0:
                    raise IngestError(
                        f"{self._label} unpacks to more than the limit of "
                        f"{_megabytes(self._max_bytes)}; split the book or save it as plain text"
                    )
                chunks.append(chunk)
        return b"".join(chunks)


def _check_declared_sizes(archive: zipfile.ZipFile, label: str, max_bytes: int) -> None:
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    if total > max_bytes:
        raise IngestError(
            f"{label} would unpack to {_megabytes(total)}, more than the limit of "
            f"{_megabytes(max_bytes)}; split the book or save it as plain text"
        )
    for member in members:
        if (
            member.file_size > RATIO_FLOOR
            and member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
        ):
            raise IngestError(
                f"{label}: {member.filename!r} is compressed more than "
                f"{MAX_COMPRESSION_RATIO}:1, which no text is; it is refused as a possible zip bomb"
            )


def _extract(reader: _MemberReader, label: str) -> EpubText:
    package_path = _package_path(reader, label)
    package = _parse_xml(reader.read(package_path), package_path, label)
    if package is None:
        raise IngestError(
            f"{label}: its package file {package_path!r} is missing; export the book again"
        )
    blocks: list[_Block] = []
    for path in _spine_documents(package, posixpath.dirname(package_path)):
        content = reader.read(path)
        if content is not None:
            blocks.extend(_blocks(_decode_markup(content), path, label))
    if not any(_has_letter(block.text) for block in blocks):
        raise IngestError(
            f"{label} holds no text in its reading order; give an EPUB with text, not only pictures"
        )
    return _assemble(blocks, _package_title(package))


def _package_path(reader: _MemberReader, label: str) -> str:
    container = _parse_xml(reader.read(CONTAINER), CONTAINER, label)
    if container is None:
        raise IngestError(
            f"{label} is a ZIP archive but not an EPUB (it has no {CONTAINER}); "
            "give an EPUB, or the story as plain text"
        )
    for element in container.iter():
        if _local_name(element.tag) == "rootfile" and element.get("full-path"):
            return element.get("full-path", "")
    raise IngestError(f"{label} names no package file (.opf) in {CONTAINER}; export the book again")


def _parse_xml(data: bytes | None, name: str, label: str) -> ElementTree.Element | None:
    """The parsed XML member, or None when the member is missing."""
    if data is None:
        return None
    if b"<!ENTITY" in data:
        raise IngestError(
            f"{label}: {name!r} declares XML entities, which an EPUB never needs; "
            "it is refused as unsafe"
        )
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, LookupError, ValueError) as error:  # also a bad encoding
        raise IngestError(
            f"{label}: {name!r} is not readable XML ({error}); export the book again"
        ) from None


def _spine_documents(package: ElementTree.Element, base: str) -> list[str]:
    """Paths of the spine's XHTML documents in reading order (navigation documents and items
    marked ``linear="no"`` left out)."""
    manifest: dict[str, ElementTree.Element] = {}
    spine: list[ElementTree.Element] = []
    for element in package.iter():
        name = _local_name(element.tag)
        if name == "item" and element.get("id"):
            manifest[element.get("id", "")] = element
        elif name == "itemref":
            spine.append(element)
    paths = []
    for reference in spine:
        item = manifest.get(reference.get("idref", ""))
        if item is None or reference.get("linear", "yes").strip() == "no":
            continue
        media_type = item.get("media-type", "").strip().lower()
        properties = item.get("properties", "").split()
        if media_type not in _XHTML_TYPES or "nav" in properties:
            continue
        href = unquote(item.get("href", "").split("#", 1)[0])
        if href:
            paths.append(posixpath.normpath(posixpath.join(base, href)))
    return paths


def _package_title(package: ElementTree.Element) -> str | None:
    """The first non-empty ``dc:title`` of the package's metadata."""
    for element in package.iter():
        if _local_name(element.tag) == "title" and element.tag.startswith("{http://purl.org/dc/"):
            title = " ".join("".join(element.itertext()).split())
            if title:
                return readable_case(title)
    return None


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _decode_markup(data: bytes) -> str:
    """XHTML bytes as text: a byte-order mark, else the XML declaration, else UTF-8."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, errors="replace")
    declared = _XML_ENCODING.match(data)
    if declared:
        try:
            return data.decode(declared[1].decode("ascii"), errors="replace")
        except LookupError:  # unknown, or not a text encoding ("rot13")
            pass
    return data.decode("utf-8", errors="replace")


class _BlockCollector(HTMLParser):
    """Collects the paragraphs and headings of one XHTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._pieces: list[str] = []
        self._level = 0
        self._dropped_tag: str | None = None
        self._dropped_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropped_tag is not None:
            self._dropped_depth += tag == self._dropped_tag
            return
        if tag in _DROPPED or _is_page_break(attrs):
            self._dropped_tag, self._dropped_depth = tag, 1
        elif tag == "br":
            self._pieces.append("\n")
        elif tag in _HEADING_LEVELS:
            self._flush()
            self._level = _HEADING_LEVELS[tag]
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._dropped_tag is not None:
            self._dropped_depth -= tag == self._dropped_tag
            if self._dropped_depth == 0:
                self._dropped_tag = None
            return
        if tag in _HEADING_LEVELS or tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._dropped_tag is None:
            self._pieces.append(data)

    def unknown_decl(self, data: str) -> None:
        """XHTML may wrap text in ``<![CDATA[...]]>``."""
        if data.startswith("CDATA[") and self._dropped_tag is None:
            self._pieces.append(data.removeprefix("CDATA["))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        lines = (" ".join(line.split()) for line in "".join(self._pieces).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(_Block(text, self._level))
        self._pieces = []
        self._level = 0


def _is_page_break(attrs: Sequence[tuple[str, str | None]]) -> bool:
    """An EPUB 3 page-number marker (``epub:type="pagebreak"``, ``role="doc-pagebreak"``)."""
    return any(
        name in ("epub:type", "role") and value and "pagebreak" in value for name, value in attrs
    )


def _blocks(markup: str, path: str, label: str) -> list[_Block]:
    collector = _BlockCollector()
    try:
        collector.feed(markup)
        collector.close()
    except AssertionError as error:  # html.parser's way to give up on a "<![" it cannot read
        raise IngestError(
            f"{label}: {path!r} is not readable XHTML ({error}); export the book again"
        ) from None
    return collector.blocks


def _assemble(blocks: Sequence[_Block], title: str | None) -> EpubText:
    """Join the blocks into one text, recording where each heading lies."""
    pieces: list[str] = []
    headings: list[Heading] = []
    heading_spans: list[tuple[int, int]] = []
    position = 0
    for block in blocks:
        if pieces:
            pieces.append(_PARAGRAPH_SEPARATOR)
            position += len(_PARAGRAPH_SEPARATOR)
        start, end = position, position + len(block.text)
        pieces.append(block.text)
        position = end
        if block.level:
            heading_spans.append((start, end))
        if 0 < block.level <= SECTION_LEVELS and not _is_contents(block.text):
            headings.append(_heading(block.text, block.level, start, end))
    return EpubText("".join(pieces), title, tuple(headings), tuple(heading_spans))


def _heading(text: str, level: int, start: int, end: int) -> Heading:
    """A heading block as a section candidate; "CHAPTER I.<br/>Down the Rabbit-Hole" is named
    as a plain-text chapter heading would be ("Chapter I: Down the Rabbit-Hole")."""
    found = find_headings(text, 0, len(text))
    if found and found[0].start == 0:
        kind, label, title = found[0].kind, found[0].label, found[0].title
    else:
        kind, label = "heading", readable_case(text)
        title = label
    return Heading(kind, level, label, title, start, end)


def _is_contents(heading: str) -> bool:
    """A table of contents is a heading, but not a part of the story."""
    return " ".join(heading.strip(" .:").split()).casefold() in _CONTENTS_HEADINGS


def _has_letter(text: str) -> bool:
    return any(character.isalpha() for character in text)


def _damaged(label: str, error: BaseException) -> IngestError:
    reason = " ".join(str(error).split()) or type(error).__name__
    return IngestError(
        f"{label} is not a readable EPUB (damaged ZIP archive: {reason}); "
        "export the book again or save it as plain text"
    )


def _megabytes(size: int) -> str:
    return f"{size / _MEGABYTE:.1f} MB" if size >= _MEGABYTE // 10 else f"{size:,} bytes"
