"""Explicit structure: chapter, stave, act, scene, book, part and letter headings, and Markdown.

Every heading line in the body is found (:func:`find_headings`) so that sentences can leave
them out; then one level is chosen to be the document's flat list of sections
(:func:`choose_sections`): the coarsest level with at least two real sections, where a heading
followed by almost no text before the next one (a table-of-contents entry) does not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyscore.ingest.model import SectionKind

# Ranks: smaller is coarser. Markdown levels 1-6 keep their own numbers, numbered keyword
# headings come after them; prologue and epilogue float (rank None) and join whichever level
# is chosen, since they frame the story at any level.
_KEYWORD_KINDS: dict[str, tuple[SectionKind, int]] = {
    "volume": ("part", 10),
    "part": ("part", 10),
    "book": ("book", 11),
    "chapter": ("chapter", 12),
    "letter": ("chapter", 12),
    "stave": ("stave", 12),
    "act": ("act", 12),
    "scene": ("scene", 13),
}
MARKDOWN_TITLE_RANK = 1

# A section must hold at least this many words (with a letter) before the next heading of its
# level or coarser; fewer means a table-of-contents entry.
MIN_SECTION_WORDS = 20
# ... or hold less than this share of the words of a later heading with the same label.
CONTENTS_ENTRY_SHARE = 0.2
MAX_HEADING_LENGTH = 120
# How far after an untitled "CHAPTER I." a title paragraph may stand, and how long it may be.
MAX_BLANK_LINES_BEFORE_TITLE = 3
MAX_TITLE_LINES = 3
MAX_TITLE_LENGTH = 80

_ROMAN = r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ORDINAL_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL_TEENS = (
    "tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
    "eighteenth|nineteenth"
)
_ORDINAL_TENS = "twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth"
_CARDINAL = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_TEENS}|{_UNITS})"
_ORDINAL = (
    rf"(?:(?:{_TENS})[- ](?:{_ORDINAL_UNITS})|{_ORDINAL_TENS}|{_ORDINAL_TEENS}|{_ORDINAL_UNITS}"
    r"|last)"
)
_NUMERAL = rf"(?:\d{{1,4}}|{_ROMAN}|{_CARDINAL}|the\s+{_ORDINAL})"

_NUMBERED_HEADING = re.compile(
    rf"(?P<keyword>{'|'.join(_KEYWORD_KINDS)})\.?\s+(?P<numeral>{_NUMERAL})(?![\w'\u2019])"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
_FRAMING_HEADING = re.compile(
    r"(?P<label>(?:the\s+)?(?:(?:first|second|third)\s+)?(?:prologue|epilogue))(?![\w'\u2019])"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r" {0,3}(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*")
# What may stand between a heading's number and its title: "I. Title", "I: Title", "I - Title"
# (also with an en or em dash).
_TITLE_SEPARATOR = re.compile(r"\s*[.:\u2014\u2013-]+\s*")
_WORD_WITH_LETTER = re.compile(r"\S*[^\W\d_]\S*")
_LETTER = re.compile(r"[^\W\d_]")
_SMALL_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    }
)
_ROMAN_WORD = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading block: its line (``start`` is where its text begins) and any title lines.

    ``end`` is where the block's last line ends (before its line break); ``rank`` orders levels
    (smaller is coarser) and is None for a prologue or epilogue. ``label`` names the heading
    without its title ("Chapter I"), so a contents entry and the real heading can be matched.
    """

    kind: SectionKind
    rank: int | None
    label: str
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # first character of the line
    stop: int  # end of its content, before the line break
    content: str

    @property
    def is_blank(self) -> bool:
        return not self.content.strip()

    @property
    def text_start(self) -> int:
        return self.start + len(self.content) - len(self.content.lstrip())


def find_headings(text: str, body_start: int, body_end: int) -> tuple[Heading, ...]:
    """Every heading block in ``text[body_start:body_end]``, table-of-contents entries included.

    A numbered or framing heading ("CHAPTER I.", "Stave One", "PROLOGUE") must fill its line
    and follow a blank line, the start of the body or another heading; a Markdown heading
    stands anywhere.
    """
    lines = _split_lines(text, body_start, body_end)
    headings: list[Heading] = []
    index = 0
    may_start_heading = True
    while index < len(lines):
        line = lines[index]
        if line.is_blank:
            may_start_heading = True
            index += 1
            continue
        found = _heading_at(lines, index, may_start_heading)
        if found is None:
            may_start_heading = False
            index += 1
            continue
        heading, next_index = found
        headings.append(heading)
        may_start_heading = True
        index = next_index
    return tuple(headings)


def choose_sections(headings: Sequence[Heading], text: str, body_end: int) -> tuple[Heading, ...]:
    """The coarsest level with at least two real sections (plus prologue and epilogue), or ()."""
    gap_words = _words_after_each(headings, text, body_end)
    ranks = sorted({heading.rank for heading in headings if heading.rank is not None})
    for rank in ranks:
        extents = _section_words(headings, gap_words, rank)
        contents_entries = _contents_entries(headings, extents, rank)
        kept = tuple(
            heading
            for position, heading in enumerate(headings)
            if heading.rank in (rank, None) and position not in contents_entries
        )
        if sum(heading.rank == rank for heading in kept) >= 2:
            return kept
    return ()


def _section_words(headings: Sequence[Heading], gap_words: Sequence[int], rank: int) -> list[int]:
    """For each heading, the words up to the next heading of level ``rank`` or coarser."""
    extents = [0] * len(headings)
    following_extent = 0
    for position in range(len(headings) - 1, -1, -1):
        following_is_finer = position + 1 < len(headings) and _finer(headings[position + 1], rank)
        extents[position] = gap_words[position] + (following_extent if following_is_finer else 0)
        following_extent = extents[position]
    return extents


def _finer(heading: Heading, rank: int) -> bool:
    return heading.rank is not None and heading.rank > rank


def _contents_entries(headings: Sequence[Heading], extents: Sequence[int], rank: int) -> set[int]:
    """Positions of table-of-contents entries among the headings of level ``rank`` (and the
    prologue and epilogue): almost no text follows them, or the same heading comes again later
    with far more text (a contents list with notes between its entries)."""
    entries = set()
    most_words_later: dict[str, int] = {}
    for position in range(len(headings) - 1, -1, -1):
        heading = headings[position]
        if heading.rank not in (rank, None):
            continue
        words = extents[position]
        label = heading.label.casefold()
        if words < MIN_SECTION_WORDS or words < CONTENTS_ENTRY_SHARE * most_words_later.get(
            label, 0
        ):
            entries.add(position)
        most_words_later[label] = max(words, most_words_later.get(label, 0))
    return entries


def markdown_title(headings: Sequence[Heading], sections: Sequence[Heading]) -> str | None:
    """The first top-level Markdown heading that is not a section: the story's own title."""
    for heading in headings:
        if heading.rank == MARKDOWN_TITLE_RANK and heading not in sections:
            return heading.title
    return None


def readable_case(text: str) -> str:
    """Collapse whitespace and turn ALL-CAPS text into title case.

    "MARLEY'S GHOST" becomes "Marley's Ghost"; text that already has lower-case letters is kept
    as written.
    """
    words = text.split()
    if any(character.islower() for character in text) or not _LETTER.search(text):
        return " ".join(words)
    return " ".join(
        _title_case_word(word, first=position == 0 or words[position - 1].endswith((":", "\u2014")))
        for position, word in enumerate(words)
    )


def _title_case_word(word: str, *, first: bool) -> str:
    if _ROMAN_WORD.fullmatch(word.strip(".,:;!?()[]")):
        return word
    lowered = word.lower()
    if not first and lowered in _SMALL_WORDS:
        return lowered
    return re.sub(r"(^\W*|-)([^\W\d_])", lambda match: match[1] + match[2].upper(), lowered)


def _split_lines(text: str, body_start: int, body_end: int) -> list[_Line]:
    lines = []
    position = body_start
    for raw_line in text[body_start:body_end].splitlines(keepends=True):
        content = raw_line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        lines.append(_Line(start=position, stop=position + len(content), content=content))
        position += len(raw_line)
    return lines


def _heading_at(
    lines: Sequence[_Line], index: int, may_start_heading: bool
) -> tuple[Heading, int] | None:
    """The heading block starting at ``lines[index]`` and the index after it, or None."""
    line = lines[index]
    markdown = _MARKDOWN_HEADING.fullmatch(line.content)
    if markdown and markdown["title"].strip():
        title = readable_case(markdown["title"])
        numbered = _numbered_parts(title)
        kind: SectionKind = _KEYWORD_KINDS[numbered[0].lower()][0] if numbered else "heading"
        rank = len(markdown["hashes"])
        heading = Heading(kind, rank, title, title, line.text_start, line.stop)
        return heading, index + 1
    stripped = line.content.strip()
    if not may_start_heading or len(stripped) > MAX_HEADING_LENGTH:
        return None
    numbered = _numbered_parts(stripped)
    if numbered is not None:
        return _numbered_heading(lines, index, *numbered)
    framing = _framing_parts(stripped)
    if framing is not None:
        label, title = framing
        full_title = f"{label}: {title}" if title else label
        return Heading("heading", None, label, full_title, line.text_start, line.stop), index + 1
    return None


def _numbered_parts(line: str) -> tuple[str, str, str | None] | None:
    """(keyword, numeral, title or None) of a line like "CHAPTER I. Down the Rabbit-Hole"."""
    match = _NUMBERED_HEADING.fullmatch(line)
    if match is None or not match["keyword"][0].isupper():
        return None
    if not _can_follow_label(match["rest"]):
        return None
    return match["keyword"], match["numeral"], _title_after_label(match["rest"])


def _framing_parts(line: str) -> tuple[str, str | None] | None:
    """(label, title or None) of a line like "THE PROLOGUE." or "Epilogue: Ten Years Later"."""
    match = _FRAMING_HEADING.fullmatch(line)
    if match is None or not match["label"][0].isupper():
        return None
    if not _can_follow_label(match["rest"]):
        return None
    return readable_case(match["label"]), _title_after_label(match["rest"])


def _can_follow_label(rest: str) -> bool:
    """Whether a heading line may go on with ``rest`` after "CHAPTER I": nothing, a full stop or
    colon, a separator and a title, or a title in capitals ("CHAPTER I THE BEGINNING").
    Anything else ("Chapter 1 of the book was long.") makes the line prose."""
    return (
        not rest.strip(" \t.:")
        or _TITLE_SEPARATOR.match(rest) is not None
        or (rest[:1].isspace() and not any(character.islower() for character in rest))
    )


def _title_after_label(rest: str) -> str | None:
    """The title in what follows a heading's label (see :func:`_can_follow_label`), if any."""
    if not rest.strip(" \t.:"):
        return None
    separator = _TITLE_SEPARATOR.match(rest)
    return _tidy_title(rest[separator.end() :] if separator else rest)


def _tidy_title(title: str) -> str | None:
    tidy = readable_case(title.strip().strip("_*").rstrip("."))
    return tidy or None


def _numbered_heading(
    lines: Sequence[_Line], index: int, keyword: str, numeral: str, title: str | None
) -> tuple[Heading, int]:
    kind, rank = _KEYWORD_KINDS[keyword.lower()]
    label = readable_case(f"{keyword} {numeral}")
    line = lines[index]
    end, next_index = line.stop, index + 1
    if title is None:
        found = _title_paragraph(lines, index + 1)
        if found is not None:
            title, end, next_index = found
    full_title = f"{label}: {title}" if title else label
    return Heading(kind, rank, label, full_title, line.text_start, end), next_index


def _title_paragraph(lines: Sequence[_Line], index: int) -> tuple[str, int, int] | None:
    """A short title paragraph after an untitled heading: (title, end offset, next index)."""
    blank_lines = 0
    while index < len(lines) and lines[index].is_blank:
        blank_lines += 1
        index += 1
    if blank_lines > MAX_BLANK_LINES_BEFORE_TITLE:
        return None
    paragraph: list[_Line] = []
    while index < len(lines) and not lines[index].is_blank:
        if len(paragraph) == MAX_TITLE_LINES:  # too long for a title; stop before reading on,
            return None  # or heading after heading without blank lines is quadratic
        paragraph.append(lines[index])
        index += 1
    if not paragraph:
        return None
    text = " ".join(line.content.strip() for line in paragraph)
    holds_heading = any(_is_heading_line(line.content) for line in paragraph)
    if holds_heading or not _looks_like_title(text, lines=len(paragraph)):
        return None
    return readable_case(text.strip("_*").rstrip(".")), paragraph[-1].stop, index


def _is_heading_line(content: str) -> bool:
    stripped = content.strip()
    return bool(
        _MARKDOWN_HEADING.fullmatch(content)
        or _numbered_parts(stripped)
        or _framing_parts(stripped)
    )


def _looks_like_title(text: str, *, lines: int) -> bool:
    """ALL CAPS (up to a few lines) or a one-line Title Case phrase, not a sentence."""
    bare = text.strip("_* ")
    if len(bare) > MAX_TITLE_LENGTH * lines or not bare[:1].isalnum() or bare.endswith((",", ";")):
        return False
    letters = _LETTER.findall(bare)
    if len(letters) < 2:
        return False
    if not any(letter.islower() for letter in letters):
        return True
    if lines > 1 or len(bare) > MAX_TITLE_LENGTH or bare.endswith((".", ":")):
        return False
    significant = [word for word in re.findall(r"[^\W\d_][\w'\u2019-]*", bare) if len(word) > 3]
    return bare[0].isupper() and all(word[0].isupper() for word in significant)


def _words_after_each(headings: Sequence[Heading], text: str, body_end: int) -> list[int]:
    """Words (with a letter) between each heading block and the next heading (or body end)."""
    counts = []
    for position, heading in enumerate(headings):
        stop = headings[position + 1].start if position + 1 < len(headings) else body_end
        counts.append(len(_WORD_WITH_LETTER.findall(text, heading.end, stop)))
    return counts
