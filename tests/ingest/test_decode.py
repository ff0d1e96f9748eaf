"""Decoding: encodings and byte-order marks, kept line endings, and clear errors for non-text."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyscore.errors import IngestError
from storyscore.ingest import parse_document

from .support import assert_offsets_hold, assert_one_line

STORY = "“Café au lait,” said Zoë. The naïve baker smiled.\r\n\r\nIt was déjà vu — again!\r\n"


@pytest.mark.parametrize(
    "data",
    [
        STORY.encode("utf-8"),
        codecs.BOM_UTF8 + STORY.encode("utf-8"),
        codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"),
        STORY.encode("utf-16"),
        STORY.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-16-native", "cp1252"],
)
def test_encodings_decode_to_the_same_text(data: bytes) -> None:
    document = parse_document(data)
    assert document.text == STORY  # BOM removed, CRLF kept
    assert [sentence.text for sentence in document.sentences] == [
        "“Café au lait,” said Zoë.",
        "The naïve baker smiled.",
        "It was déjà vu — again!",
    ]
    assert_offsets_hold(document)


def test_latin1_text_decodes() -> None:
    text = "Über den Dächern von Köln schlief die Stadt. Ægir sah zu, ganz ruhig."
    assert parse_document(text.encode("latin-1")).text == text


def test_short_cp1252_text_is_not_read_as_another_code_page() -> None:
    assert parse_document("naïve".encode("cp1252")).text == "naïve"


def test_crlf_offsets_point_into_the_given_text() -> None:
    text = "First line of a sentence\r\ngoes on here. Second one.\r\n\r\nThird one.\r\n"
    document = parse_document(text)
    assert [(s.start, s.end) for s in document.sentences] == [
        (0, text.index("here.") + 5),
        (text.index("Second"), text.index("one.\r\n\r\n") + 4),
        (text.index("Third"), text.index("Third one.") + 10),
    ]
    assert document.sentences[0].text == "First line of a sentence goes on here."


def test_bom_given_as_str_is_removed() -> None:
    assert parse_document("\ufeffOnce upon a time.").text == "Once upon a time."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"   \r\n\t\n  ", "no text"),
        (codecs.BOM_UTF8, "no text"),
        (b"Once upon\x00 a time.", "NUL"),
        (b"\x01\x02\x03\x04Once upon a time\x05\x06\x07", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "UTF-16-LE"),
    ],
    ids=["empty", "whitespace", "bom-only", "nul", "controls", "png", "zip", "pdf", "bad-utf16"],
)
def test_non_text_is_refused_in_one_line(data: bytes, expected: str) -> None:
    with pytest.raises(IngestError) as raised:
        parse_document(data, name="story.txt")
    message = str(raised.value)
    assert_one_line(message)
    assert "story.txt" in message
    assert expected in message


def test_unpaired_surrogate_in_str_is_refused() -> None:
    with pytest.raises(IngestError) as raised:
        parse_document("Once upon \ud800 a time.")
    assert_one_line(str(raised.value))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_an_ingest_error(data: bytes) -> None:
    try:
        document = parse_document(data)
    except IngestError as error:
        assert_one_line(str(error))
    else:
        assert_offsets_hold(document)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_document_or_an_ingest_error(text: str) -> None:
    try:
        document = parse_document(text)
    except IngestError as error:
        assert_one_line(str(error))
    else:
        assert_offsets_hold(document)
        assert all(
            document.body_start <= s.start < s.end <= document.body_end for s in document.sentences
        )
