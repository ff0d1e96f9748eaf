"""Find the story proper inside a Project Gutenberg file: no licence header, credits or footer.

Offsets are kept into the whole text, so the header and footer stay in ``Document.text`` but
outside ``body_start``/``body_end``. A text without Gutenberg markers is all body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The body starts after the whole marker line; both the modern marker and the older
# "small print" end marker are recognised.
_START_MARKER = re.compile(
    r"^[^\S\r\n]*\*+[^\S\r\n]*START[^\S\r\n]+OF[^\S\r\n]+(?:THE|THIS)[^\S\r\n]+PROJECT"
    r"[^\S\r\n]+GUTENBERG\b.*$"
    r"|^.*\*END\*?[^\S\r\n]*THE[^\S\r\n]+SMALL[^\S\r\n]+PRINT\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
# The body ends where the first of these lines begins.
_END_MARKER = re.compile(
    r"^[^\S\r\n]*(?:\*+[^\S\r\n]*END[^\S\r\n]+OF[^\S\r\n]+(?:THE[^\S\r\n]+|THIS[^\S\r\n]+)?"
    r"PROJECT[^\S\r\n]+GUTENBERG"
    r"|End[^\S\r\n]+of[^\S\r\n]+(?:the[^\S\r\n]+|this[^\S\r\n]+)?Project[^\S\r\n]+Gutenberg)",
    re.IGNORECASE | re.MULTILINE,
)
# A credit paragraph right after the start marker: "Produced by ...",
# "This etext was produced by ...", "E-text prepared by ...".
_CREDIT = re.compile(
    r"(?:[\w-]+\s+){0,3}(?:produced|prepared|transcribed|digiti[sz]ed)\s+by\b", re.IGNORECASE
)
# One line break, whichever convention the file uses (a CRLF is one break, not two).
_NEWLINE = r"(?:\r\n|\r(?!\n)|\n)"
_BLANK_LINES = re.compile(rf"(?:[^\S\r\n]*{_NEWLINE})+")
_PARAGRAPH_END = re.compile(rf"{_NEWLINE}[^\S\r\n]*{_NEWLINE}|\Z")
# "Title:" may follow other text on its line (a header with a lost line break). Indented lines
# after it hold a subtitle, which is left out.
_TITLE = re.compile(r"Title:[^\S\r\n]*(?P<title>[^\r\n]*)")


@dataclass(frozen=True, slots=True)
class GutenbergFrame:
    """Where the story proper lies in the text, and the title its Gutenberg header gives."""

    body_start: int
    body_end: int
    title: str | None


def find_body(text: str) -> GutenbergFrame:
    """Locate the body between the Gutenberg markers (or the whole text without markers)."""
    start_markers = list(_START_MARKER.finditer(text))
    first_start = start_markers[0] if start_markers else None
    end_marker = _END_MARKER.search(text, first_start.end() if first_start else 0)
    body_end = end_marker.start() if end_marker else len(text)
    before_end = [marker for marker in start_markers if marker.end() <= body_end]
    if before_end:
        body_start = _skip_credit(text, before_end[-1].end(), body_end)
        title = _header_title(text[: before_end[0].start()])
    else:
        body_start, title = 0, None
    body_start, body_end = _trim(text, body_start, body_end)
    return GutenbergFrame(body_start=body_start, body_end=body_end, title=title)


def _skip_credit(text: str, start: int, end: int) -> int:
    """Skip a "Produced by ..." paragraph at ``start``; return where the story begins."""
    blank = _BLANK_LINES.match(text, start, end)
    paragraph_start = blank.end() if blank else start
    paragraph_end = _PARAGRAPH_END.search(text, paragraph_start, end)
    stop = paragraph_end.start() if paragraph_end else end
    if _CREDIT.match(text[paragraph_start:stop].lstrip()):
        return stop
    return start


def _header_title(header: str) -> str | None:
    match = _TITLE.search(header)
    if match is None:
        return None
    title = " ".join(match["title"].split())
    return title or None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) so that it neither begins nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
