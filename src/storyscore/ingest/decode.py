"""Raw bytes -> text, or an :class:`IngestError` that says why the bytes are not a story.

The decoded text keeps its line endings (CRLF stays CRLF) and loses only a leading byte-order
mark, so that character offsets computed later point into the text the user gave.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from storyscore.errors import IngestError

# Signatures of common non-text files, checked before decoding so the message can name the format.
_FILE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (EPUB, DOCX and ODT files are ZIP archives)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
)

# UTF-32 first: its little-endian mark begins with the UTF-16 one.
_BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never occur in text; tab, line feed, vertical tab, form feed and
# carriage return do.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01
# A UTF-16 file without a byte-order mark is recognised when at least this share of its code
# units have a zero high byte (see :func:`_decode_utf16_without_mark`).
MIN_UTF16_LATIN_SHARE = 0.5
# The reason Python's UTF-8 decoder gives for a file cut inside its last character.
_CUT_SHORT = "unexpected end of data"
_REPLACEMENT_CHARACTER = "\ufffd"
# Bytes that are not UTF-8, as errors="surrogateescape" keeps them (U+DC80-U+DCFF).
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")

# On short Western text charset_normalizer often ranks a Central European or Baltic code page
# at or just above Windows-1252 ("naïve" read as "naďve"). Windows-1252 (a superset of Latin-1
# in printable characters) is chosen when it is among the near-best candidates and all its
# non-ASCII characters are ones Western European text uses. Eth, thorn and y-acute are left
# out: they are what Turkish (cp1254) and Baltic (cp1257) letters become when misread.
_WESTERN_ENCODING = "cp1252"
_NEAR_BEST = 0.1
_MISREAD_TURKISH_AND_BALTIC = "\u00d0\u00dd\u00de\u00f0\u00fd\u00fe"
_WESTERN_LETTERS = frozenset(chr(code) for code in range(0xC0, 0x100)) - frozenset(
    _MISREAD_TURKISH_AND_BALTIC
)
_WESTERN_CHARACTERS = _WESTERN_LETTERS | frozenset(
    "\u0152\u0153\u0160\u0161\u017d\u017e\u0178"  # OE, oe, S, s, Z, z with caron, Y diaeresis
    "\u00a0\u00a1\u00a2\u00a3\u00a5\u00a7\u00a9\u00aa\u00ab\u00ae\u00b0\u00b1\u00b4\u00b7"
    "\u00ba\u00bb\u00bc\u00bd\u00be\u00bf"  # no-break space, Latin-1 signs and fractions
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039"
    "\u203a\u20ac\u2122"  # dashes, quotes, daggers, bullet, ellipsis, per mille, euro, TM
)


def decode_story_bytes(data: bytes, label: str) -> str:
    """Decode ``data`` (named ``label`` in messages), rejecting binary, empty or blank input."""
    if not data:
        raise IngestError(f"{label} is empty; give a file that holds the story's text")
    for signature, kind in _FILE_SIGNATURES:
        if data.startswith(signature):
            raise IngestError(
                f"{label} looks like {kind}, not text; save the story as plain text "
                "(.txt or .md) and try again"
            )
    text = _decode(data, label)
    if not text.strip():
        raise IngestError(
            f"{label} holds no text (only whitespace); give a file that holds the story's text"
        )
    _reject_control_characters(text, label)
    return text


def _decode(data: bytes, label: str) -> str:
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _decode_declared(data[len(mark) :], encoding, label)
    if b"\x00" in data:
        return _decode_utf16_without_mark(data, label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == _CUT_SHORT:  # only ever raised at the end, so all before is valid
            return data[: error.start].decode("utf-8") + _REPLACEMENT_CHARACTER
    return _decode_mostly_utf8(data) or _decode_detected(data, label)


def _decode_utf16_without_mark(data: bytes, label: str) -> str:
    """UTF-16 saved without a byte-order mark, or an :class:`IngestError` for NUL bytes.

    Text mostly in the Latin-1 range has a zero high byte in most code units and a zero low
    byte in none, so the zeros sit at odd offsets only (little-endian) or at even ones only
    (big-endian); binary data has zeros at both. Other scripts need the mark.
    """
    if len(data) % 2 == 0:
        units = len(data) // 2
        zeros_at_even, zeros_at_odd = data[0::2].count(0), data[1::2].count(0)
        for high_zeros, low_zeros, encoding in (
            (zeros_at_odd, zeros_at_even, "utf-16-le"),
            (zeros_at_even, zeros_at_odd, "utf-16-be"),
        ):
            if low_zeros == 0 and high_zeros >= MIN_UTF16_LATIN_SHARE * units:
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:  # an unpaired surrogate: not UTF-16 after all
                    break
    raise IngestError(
        f"{label} contains NUL bytes, so it looks binary; if it is UTF-16 or UTF-32 text, "
        "save it with a byte-order mark or as UTF-8"
    )


def _decode_mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with stray bytes of a legacy encoding (a Latin-1 paragraph pasted into a UTF-8
    file), or None. The stray bytes are read as Windows-1252 when the valid non-ASCII UTF-8
    characters outnumber them; a legacy file has far more stray bytes than chance UTF-8."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray_bytes = len(text) - len(_ESCAPED_BYTES.sub("", text))
    utf8_characters = len(text) - len(text.encode("ascii", errors="ignore")) - stray_bytes
    if utf8_characters <= stray_bytes:
        return None
    return _ESCAPED_BYTES.sub(
        lambda run: run[0]
        .encode("utf-8", errors="surrogateescape")
        .decode(_WESTERN_ENCODING, errors="replace"),
        text,
    )


def _decode_declared(payload: bytes, encoding: str, label: str) -> str:
    try:
        return payload.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError(
            f"{label} starts with a {encoding.upper()} byte-order mark but is not valid "
            f"{encoding.upper()} at byte {error.start}; save the story again as UTF-8"
        ) from None


def _decode_detected(data: bytes, label: str) -> str:
    """Decode a legacy (non-UTF) encoding chosen by charset_normalizer."""
    matches = list(from_bytes(data))
    if not matches:
        raise IngestError(
            f"{label} is not UTF-8 and its encoding cannot be recognised; save the story as UTF-8"
        )
    best = matches[0]
    western_is_near_best = any(
        _WESTERN_ENCODING in match.could_be_from_charset
        for match in matches
        if match.chaos <= best.chaos + _NEAR_BEST and match.coherence >= best.coherence - _NEAR_BEST
    )
    if western_is_near_best:
        western = data.decode(_WESTERN_ENCODING, errors="replace")
        non_ascii = {character for character in western if character > "\x7f"}
        if non_ascii <= _WESTERN_CHARACTERS:
            return western
    return str(best)


def _reject_control_characters(text: str, label: str) -> None:
    if "\x00" in text:
        raise IngestError(
            f"{label} contains NUL characters, so it looks binary; give a plain-text file"
        )
    control_count = len(text) - len(_CONTROL_CHARACTERS.sub("", text))
    if control_count > MAX_CONTROL_SHARE * len(text):
        raise IngestError(
            f"{label} looks binary ({control_count} control characters in {len(text)}); "
            "give a plain-text file (.txt or .md)"
        )
