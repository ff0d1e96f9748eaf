"""EPUB: spine order, headings as sections, title, and refusal of unsafe or broken archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from storyscore.ingest import parse_document, read_story
from storyscore.ingest.epub import MAX_COMPRESSION_RATIO, MAX_ENTRIES, RATIO_FLOOR, is_epub

from .support import assert_offsets_hold
from .test_read import ingest_error

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

PROSE = (
    "The keeper climbed the narrow stairs at dusk and lit the great lamp. "
    "Far out on the water a small boat turned toward the light, and the keeper smiled. "
)
# (manifest id, file name, heading, paragraph)
CHAPTERS = (
    ("c1", "chapter 1.xhtml", "CHAPTER I.<br/>The Lamp", PROSE),
    ("c2", "ch2.xhtml", "CHAPTER II.<br/>The Storm", "The storm came at midnight. " + PROSE),
    ("c3", "ch3.xhtml", "CHAPTER III.<br/>The Boat", "Morning was quiet &amp; grey. " + PROSE),
)
SPINE = ["front", *(identifier for identifier, *_ in CHAPTERS)]
FRONT_PAGE = """<html xmlns="http://www.w3.org/1999/xhtml"><body>
<h1>The Lighthouse</h1>
<h2>Contents</h2>
<p>Chapter I. The Lamp</p><p>Chapter II. The Storm</p><p>Chapter III. The Boat</p>
</body></html>"""


def chapter_page(heading: str, body: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Ignored head title</title><style>p {{ margin: 0 }}</style></head>
<body>
  <section>
    <h2>{heading}</h2>
    <p>{body}</p>
    <script>var hidden = "Script text is not prose.";</script>
    <p>She said: <em>wait</em>.<span epub:type="pagebreak" title="7">7</span> He waited.</p>
  </section>
</body>
</html>"""


NAV_PAGE = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<nav><h1>Navigation</h1><ol><li>Go to the lamp</li><li>Go to the storm</li></ol></nav>
</body></html>"""


def package(spine: list[str], title: str | None = "The Lighthouse") -> str:
    """An OPF whose manifest lists the chapters in another order than the spine reads them."""
    items = "\n".join(
        f'<item id="{identifier}" href="Text/{file_name.replace(" ", "%20")}" '
        'media-type="application/xhtml+xml"/>'
        for identifier, file_name, *_ in reversed(CHAPTERS)
    )
    references = "\n".join(f'<itemref idref="{idref}"/>' for idref in spine)
    title_element = f"<dc:title>{title}</dc:title>" if title else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{title_element}</metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="cover" href="cover.png" media-type="image/png"/>
    <item id="front" href="Text/front.xhtml" media-type="application/xhtml+xml"/>
    {items}
  </manifest>
  <spine><itemref idref="nav"/><itemref idref="cover"/>{references}</spine>
</package>"""


def build_epub(
    members: dict[str, str | bytes] | None = None,
    *,
    spine: list[str] | None = None,
    title: str | None = "The Lighthouse",
    mimetype: bool = True,
) -> bytes:
    """A small EPUB, with ``members`` added to (or replacing) the usual ones."""
    files: dict[str, str | bytes] = {
        "META-INF/container.xml": CONTAINER,
        "OEBPS/content.opf": package(spine or SPINE, title),
        "OEBPS/nav.xhtml": NAV_PAGE,
        "OEBPS/cover.png": b"\x89PNG\r\n\x1a\n",
        "OEBPS/Text/front.xhtml": FRONT_PAGE,
    }
    for _, file_name, heading, body in CHAPTERS:
        files[f"OEBPS/Text/{file_name}"] = chapter_page(heading, body)
    files.update(members or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr(_entry("mimetype"), "application/epub+zip")
        for name, content in files.items():
            archive.writestr(_entry(name, zipfile.ZIP_DEFLATED), content)
    return buffer.getvalue()


def _entry(name: str, method: int = zipfile.ZIP_STORED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = method
    return info


@pytest.fixture(scope="module")
def book() -> bytes:
    return build_epub()


def test_three_chapters_become_sections_in_spine_order(book: bytes) -> None:
    document = parse_document(book, name="lighthouse.epub")
    assert document.title == "The Lighthouse"
    assert [section.title for section in document.sections] == [
        "Chapter I: The Lamp",
        "Chapter II: The Storm",
        "Chapter III: The Boat",
    ]
    assert {section.kind for section in document.sections} == {"chapter"}
    assert document.sections[-1].last_sentence == len(document.sentences) - 1
    texts = [sentence.text for sentence in document.sentences]
    first = document.sections[0].first_sentence
    assert texts[:first] == [  # the contents page: not a section, but text before the first
        "Chapter I.",
        "The Lamp",
        "Chapter II.",
        "The Storm",
        "Chapter III.",
        "The Boat",
    ]
    assert texts[first : first + 3] == [
        "The keeper climbed the narrow stairs at dusk and lit the great lamp.",
        "Far out on the water a small boat turned toward the light, and the keeper smiled.",
        "She said: wait.",
    ]
    assert "Morning was quiet & grey." in texts
    assert texts.index("The storm came at midnight.") < texts.index("Morning was quiet & grey.")
    assert all(sentence.speaker is None for sentence in document.sentences)
    assert_offsets_hold(document)


def test_the_text_is_the_extracted_prose_only(book: bytes) -> None:
    text = parse_document(book, name="lighthouse.epub").text
    for left_out in (
        "Script text",
        "margin",
        "Ignored head title",
        "Navigation",
        "Go to",
        "<",
        "7 He",
    ):
        assert left_out not in text
    assert text.startswith("The Lighthouse\n\nContents\n\nChapter I. The Lamp\n\n")
    assert "\n\nCHAPTER I.\nThe Lamp\n\nThe keeper climbed" in text
    assert "She said: wait. He waited." in text


def test_epub_is_recognised_by_extension_and_by_content(book: bytes, tmp_path: Path) -> None:
    path = tmp_path / "lighthouse.epub"
    path.write_bytes(book)
    from_path = read_story(path)
    from_stdin = read_story("-", stdin=io.BytesIO(book))
    assert from_stdin.sentences == from_path.sentences
    assert from_stdin.sections == from_path.sections
    assert parse_document(book).text == from_path.text
    assert parse_document(book, format="epub").title == "The Lighthouse"
    assert is_epub(book)
    assert not is_epub(build_epub(mimetype=False))
    assert not is_epub(b"PK\x03\x04")


def test_title_falls_back_to_the_file_name() -> None:
    document = parse_document(build_epub(title=None), name="the-keeper.epub")
    assert document.title == "The Keeper"


def test_parsing_is_deterministic(book: bytes) -> None:
    assert parse_document(book, name="a.epub") == parse_document(book, name="a.epub")
    assert build_epub() == book


def test_gutenberg_header_in_an_epub_is_left_out_of_the_body() -> None:
    header = chapter_page(
        "Front matter",
        "*** START OF THE PROJECT GUTENBERG EBOOK THE LIGHTHOUSE ***",
    )
    members = {"OEBPS/Text/chapter 1.xhtml": header}
    document = parse_document(build_epub(members), name="pg.epub")
    assert document.text[document.body_start :].startswith("She said")
    assert not any("GUTENBERG" in sentence.text for sentence in document.sentences)


def test_an_epub_without_text_is_refused() -> None:
    empty = "<html><body><p> </p><img src='a.png'/></body></html>"
    members = {f"OEBPS/Text/{file_name}": empty for _, file_name, *_ in CHAPTERS}
    members["OEBPS/Text/front.xhtml"] = empty
    assert "no text" in ingest_error(parse_document, build_epub(members), name="pictures.epub")


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    members = {"OEBPS/Text/ch2.xhtml": b" " * (RATIO_FLOOR * 4)}
    bomb = build_epub(members)
    assert len(bomb) * MAX_COMPRESSION_RATIO < RATIO_FLOOR * 4
    message = ingest_error(parse_document, bomb, name="bomb.epub")
    assert "zip bomb" in message and "ch2.xhtml" in message


def test_declared_size_over_the_limit_is_refused() -> None:
    # Compressible, yet under the size where the compression ratio is judged.
    padded = build_epub({"OEBPS/padding.txt": b"a" * (RATIO_FLOOR // 2)})
    assert len(padded) < 100_000
    message = ingest_error(parse_document, padded, name="big.epub", max_bytes=100_000)
    assert "would unpack to" in message


def test_unpacked_bytes_are_counted_while_reading() -> None:
    # One small chapter named again and again by the spine: every declared size is small,
    # but reading it all would unpack far more than the limit.
    repeated = build_epub(spine=["c1"] * 400)
    size = len(repeated)
    assert parse_document(build_epub(spine=["c1"] * 4), name="few.epub", max_bytes=8 * size)
    assert "unpacks to more than" in ingest_error(
        parse_document, repeated, name="loop.epub", max_bytes=8 * size
    )


def test_too_many_entries_are_refused() -> None:
    members: dict[str, str | bytes] = {f"OEBPS/x{number}": b"" for number in range(MAX_ENTRIES)}
    message = ingest_error(parse_document, build_epub(members), name="many.epub")
    assert f"{MAX_ENTRIES:,}" in message


def test_a_corrupt_archive_is_refused(book: bytes) -> None:
    assert "not a readable EPUB" in ingest_error(
        parse_document, book[: len(book) // 2], name="cut.epub"
    )
    assert "not a readable EPUB" in ingest_error(
        parse_document, b"plain words, not a zip", name="fake.epub"
    )
    damaged = bytearray(book)
    chapter_start = book.index(b"OEBPS/Text/ch2.xhtml") + len("OEBPS/Text/ch2.xhtml")
    damaged[chapter_start + 10 : chapter_start + 60] = b"\x00" * 50
    assert "not a readable EPUB" in ingest_error(parse_document, bytes(damaged), name="bad.epub")


def test_a_zip_that_is_not_an_epub_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "The keeper climbed the stairs.")
    archive_bytes = buffer.getvalue()
    assert "not an EPUB" in ingest_error(parse_document, archive_bytes, name="notes.epub")
    assert "ZIP archive" in ingest_error(parse_document, archive_bytes)


def test_missing_or_unsafe_package_files_are_refused() -> None:
    empty = build_epub({"OEBPS/content.opf": b""})
    assert "not readable XML" in ingest_error(parse_document, empty, name="a.epub")
    unknown = '<?xml version="1.0" encoding="klingon"?><package/>'
    assert "unknown encoding" in ingest_error(
        parse_document, build_epub({"OEBPS/content.opf": unknown}), name="k.epub"
    )
    entity = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><package>&a;</package>'
    assert "entities" in ingest_error(
        parse_document, build_epub({"OEBPS/content.opf": entity}), name="b.epub"
    )
    elsewhere = CONTAINER.replace("OEBPS/content.opf", "../content.opf")
    message = ingest_error(
        parse_document, build_epub({"META-INF/container.xml": elsewhere}), name="c.epub"
    )
    assert "'../content.opf' is missing" in message


def test_cdata_is_text_and_unreadable_markup_is_refused() -> None:
    cdata = chapter_page("CHAPTER I.", "<![CDATA[Once upon a time, 2 < 3.]]> " + PROSE)
    document = parse_document(build_epub({"OEBPS/Text/chapter 1.xhtml": cdata}), name="a.epub")
    assert "Once upon a time, 2 < 3." in [sentence.text for sentence in document.sentences]
    broken = chapter_page("CHAPTER I.", "<![broken Once upon a time.")
    message = ingest_error(
        parse_document, build_epub({"OEBPS/Text/chapter 1.xhtml": broken}), name="b.epub"
    )
    assert "'OEBPS/Text/chapter 1.xhtml' is not readable XHTML" in message
