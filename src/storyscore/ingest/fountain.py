"""Fountain screenplays (https://fountain.io): scenes, the cast's cues and attributed dialogue.

Only what a reader of the story hears becomes sentences: action (narration, speaker None) and
dialogue (speaker: the character cue as written, without extensions such as ``(V.O.)``). Scene
headings become sections. The title page, transitions, centred text, parentheticals, notes
``[[...]]``, boneyard ``/* ... */``, section markers ``#``, synopses ``=`` and page breaks are
left out. All of it stays in ``Document.text``; sentences are found span by span, so their
offsets point into that text and no sentence runs across a left-out part.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from storyscore.ingest.model import Sentence
from storyscore.ingest.sentences import split_sentences
from storyscore.ingest.structure import Heading, readable_case

# Scenes are the only level a screenplay has.
SCENE_RANK = 1

# A note's opener, its closer and the blank line it may not hold, found as lookaheads so that
# overlapping marks ("[[[", "]]]") are all seen.
_NOTE_TOKEN = re.compile(r"(?=(\[\[|\]\]|\n[^\S\n]*\n))")
_NOTE_OPEN, _NOTE_CLOSE = "[[", "]]"
_BONEYARD_OPEN, _BONEYARD_CLOSE = "/*", "*/"
# Stands in for a hidden character in the copy of the text that lines are classified on (the
# decoded text never holds NUL: decoding refuses it).
_HIDDEN_MARK = "\x00"
_TITLE_PAGE_KEY = re.compile(r"(?P<key>[^\W\d_][\w \t-]{0,40}):(?P<value>.*)")
_SCENE_HEADING = re.compile(r"(?:INT\.?/EXT|EXT\.?/INT|INT|EXT|EST|I/E)[. ]", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"#[\w.-]+#$")
# A transition ends in "TO:"; fades and cuts to black are transitions by screenwriting habit.
_TRANSITION = re.compile(r".*\bTO:|FADE (?:IN|OUT)[.:]|.*\bTO BLACK[.:]")
_EXTENSION = re.compile(r"\([^)]*\)")
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_ENDINGS = (".", "!", "?", ":")
# A cue is a name and perhaps an extension or two; a longer line is action.
MAX_CUE_LENGTH = 80
_EMPHASIS = "*_"
_TITLE_PUNCTUATION = (":", ",", ";", "-", "\u2014")


@dataclass(frozen=True, slots=True)
class Screenplay:
    """A parsed Fountain text: title-page title, body extent, scene headings, sentences."""

    title: str | None
    body_start: int
    body_end: int
    scenes: tuple[Heading, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # first visible character after indentation (the line's end when blank)
    stop: int  # end of the last visible character
    visible: str  # the content without hidden text, stripped; "" when blank
    indented: bool  # starts with a space or tab
    hidden_only: bool  # holds nothing but notes or boneyard: as if it were not there

    @property
    def is_blank(self) -> bool:
        return not self.visible and not self.hidden_only


@dataclass(frozen=True, slots=True)
class _Span:
    """Text that becomes sentences, all said by ``speaker`` (None for action)."""

    start: int
    end: int
    speaker: str | None


def parse_fountain(text: str) -> Screenplay:
    """Parse a decoded Fountain screenplay; offsets are into ``text``."""
    hidden = _hidden_spans(text)
    lines = _lines(_mask(text, hidden))
    title, first_body_line = _title_page(lines)
    body_lines = lines[first_body_line:]
    body_start, body_end = _extent(body_lines, len(text))
    scenes: list[Heading] = []
    spans: list[_Span] = []
    markers: list[tuple[int, int]] = []
    _read_body(body_lines, scenes, spans, markers)
    skip = sorted([*hidden, *markers])
    skip_ends = [end for _, end in skip]
    sentences: list[Sentence] = []
    for span in spans:
        # The skipped ranges do not overlap, so their ends are sorted too.
        first = bisect_right(skip_ends, span.start)
        last = bisect_left(skip_ends, span.end, lo=first)
        inside = skip[first : last + 1]
        for sentence in split_sentences(text, span.start, span.end, inside):
            sentences.append(replace(sentence, index=len(sentences), speaker=span.speaker))
    return Screenplay(
        title=title,
        body_start=body_start,
        body_end=body_end,
        scenes=tuple(scenes),
        sentences=tuple(sentences),
    )


def _hidden_spans(text: str) -> list[tuple[int, int]]:
    """Boneyard and notes, in linear time (a lazy regex is quadratic on unclosed openers).

    Boneyard ``/* ... */`` goes first and may hide anything, notes included; an unclosed "/*"
    is text. Notes ``[[ ... ]]`` are then found in what is left; one that meets a blank line
    before its end is text.
    """
    boneyard = []
    position = 0
    while (start := text.find(_BONEYARD_OPEN, position)) != -1:
        end = text.find(_BONEYARD_CLOSE, start + len(_BONEYARD_OPEN))
        if end == -1:
            break
        position = end + len(_BONEYARD_CLOSE)
        boneyard.append((start, position))
    return sorted([*boneyard, *_note_spans(_mask(text, boneyard))])


def _note_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    opened_at: int | None = None
    consumed = 0  # no mark may reuse a character of an opener or a closer
    for token in _NOTE_TOKEN.finditer(text):
        mark, at = token[1], token.start()
        if at < consumed:
            continue
        if opened_at is None:
            if mark == _NOTE_OPEN:
                opened_at, consumed = at, at + len(mark)
        elif mark == _NOTE_CLOSE:
            spans.append((opened_at, at + len(mark)))
            opened_at, consumed = None, at + len(mark)
        elif mark != _NOTE_OPEN:  # a blank line: the "[[" was text
            opened_at = None
    return spans


def _mask(text: str, hidden: Sequence[tuple[int, int]]) -> str:
    """``text`` with every hidden character (line breaks too) replaced by the hidden mark, so
    that a note between two lines of dialogue joins them as Fountain intends."""
    pieces = []
    position = 0
    for start, end in hidden:
        pieces.append(text[position:start])
        pieces.append(_HIDDEN_MARK * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _lines(masked: str) -> list[_Line]:
    lines = []
    position = 0
    for raw_line in masked.splitlines(keepends=True):
        content = raw_line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        visible = content.replace(_HIDDEN_MARK, "").strip()
        lead = len(content) - len(content.lstrip(f" \t{_HIDDEN_MARK}"))
        trail = len(content.rstrip(f" \t{_HIDDEN_MARK}"))
        start = position + (lead if visible else len(content))
        stop = position + (trail if visible else len(content))
        hidden_only = not visible and _HIDDEN_MARK in content
        indented = content[:1] in (" ", "\t")
        lines.append(_Line(start, stop, visible, indented, hidden_only))
        position += len(raw_line)
    return lines


def _title_page(lines: Sequence[_Line]) -> tuple[str | None, int]:
    """The title-page title and the index of the first body line (0 without a title page).

    A title page is a block of ``Key: value`` lines (values may go on in indented lines) at
    the top, ending at the first blank line.
    """
    index = 0
    while index < len(lines) and not lines[index].visible:
        index += 1
    if index == len(lines) or not _TITLE_PAGE_KEY.fullmatch(lines[index].visible):
        return None, 0
    values: dict[str, list[str]] = {}
    key = ""
    while index < len(lines) and not lines[index].is_blank:
        line = lines[index]
        index += 1
        if not line.visible:
            continue
        match = None if line.indented else _TITLE_PAGE_KEY.fullmatch(line.visible)
        if match:
            key = " ".join(match["key"].split()).casefold()
            values[key] = [match["value"]]
        elif key:
            values[key].append(line.visible)
    return _tidy_title(values.get("title", [])), index


def _tidy_title(parts: Sequence[str]) -> str | None:
    """The title lines joined ("TITLE" / "EPISODE 1" -> "Title \u2014 Episode 1")."""
    lines = [line.strip().strip(_EMPHASIS).strip().strip("\"'\u201c\u201d") for line in parts]
    lines = [readable_case(line) for line in lines if line.strip()]
    if not lines:
        return None
    joined = lines[0]
    for line in lines[1:]:
        joined += " " if joined.endswith(_TITLE_PUNCTUATION) else " \u2014 "
        joined += line
    return joined


def _extent(lines: Sequence[_Line], text_length: int) -> tuple[int, int]:
    """Where the body's first and last visible characters are."""
    visible = [line for line in lines if line.visible]
    if not visible:
        return text_length, text_length
    return visible[0].start, visible[-1].stop


def _read_body(
    lines: Sequence[_Line],
    scenes: list[Heading],
    spans: list[_Span],
    markers: list[tuple[int, int]],
) -> None:
    """Classify the body's lines; collect scene headings, text spans and marker characters."""
    index = 0
    after_blank = True
    while index < len(lines):
        line = lines[index]
        if line.hidden_only:
            index += 1
            continue
        if line.is_blank:
            after_blank = True
            index += 1
            continue
        before_blank = _next_is_blank(lines, index)
        if after_blank and before_blank and _is_scene_heading(line.visible):
            scenes.append(_scene(line))
            index += 1
        elif after_blank and before_blank and _is_transition(line.visible):
            index += 1
        elif after_blank and not before_blank and _cue_name(line.visible) is not None:
            index = _read_dialogue(lines, index, spans, markers)
        else:
            index = _read_action(lines, index, spans, markers)
        after_blank = False


def _next_is_blank(lines: Sequence[_Line], index: int) -> bool:
    for following in range(index + 1, len(lines)):
        if not lines[following].hidden_only:
            return lines[following].is_blank
    return True


def _is_scene_heading(visible: str) -> bool:
    forced = visible.startswith(".") and not visible.startswith("..") and len(visible) > 1
    return forced or _SCENE_HEADING.match(visible) is not None


def _scene(line: _Line) -> Heading:
    """The scene's heading, titled "EXT. Harbour - Night": the place and time in readable
    case, the INT./EXT. prefix in capitals; no scene number, no forcing full stop."""
    number = _SCENE_NUMBER.search(line.visible)
    heading = line.visible[: number.start()].rstrip() if number else line.visible
    prefix = _SCENE_HEADING.match(heading)
    if prefix is None:
        title = readable_case(heading.removeprefix("."))
    else:
        title = f"{prefix[0].strip().upper()} {readable_case(heading[prefix.end() :])}"
    return Heading("scene", SCENE_RANK, title, title, line.start, line.stop)


def _is_transition(visible: str) -> bool:
    if visible.startswith(">"):
        return True  # forced (or centred text, which is left out just the same)
    return visible == visible.upper() and _TRANSITION.fullmatch(visible) is not None


def _cue_name(visible: str) -> str | None:
    """The character's name if ``visible`` is a cue ("BOB", "MARY (V.O.)", "@McClane"), else
    None. A cue is in capitals, except forced with "@"; extensions in brackets may be in any
    case. A trailing "^" (dual dialogue) is not part of the name. A line in capitals that ends
    like a sentence ("SILENCE.", "BANG!") is action: no name ends so."""
    if len(visible) > MAX_CUE_LENGTH or visible.startswith(("!", ">", "~", "#", "=", ".")):
        return None
    forced = visible.startswith("@")
    name = _EXTENSION.sub(" ", visible[1:] if forced else visible).rstrip().removesuffix("^")
    name = " ".join(name.split())
    if not _LETTER.search(name):
        return None
    if forced:
        return name
    if name != name.upper() or name.endswith(_SENTENCE_ENDINGS):
        return None
    return name


def _read_dialogue(
    lines: Sequence[_Line], index: int, spans: list[_Span], markers: list[tuple[int, int]]
) -> int:
    """The cue at ``lines[index]`` and its dialogue up to the next blank line; return the
    index after it. Parentheticals are directions, not speech, and end a span."""
    speaker = _cue_name(lines[index].visible)
    run: list[_Line] = []
    index += 1
    while index < len(lines) and not lines[index].is_blank:
        line = lines[index]
        index += 1
        if not line.visible:
            continue
        if line.visible.startswith("(") and line.visible.endswith(")"):
            _close_run(run, speaker, spans)
            continue
        if line.visible.startswith("~"):  # a sung line
            markers.append((line.start, line.start + 1))
        run.append(line)
    _close_run(run, speaker, spans)
    return index


def _read_action(
    lines: Sequence[_Line], index: int, spans: list[_Span], markers: list[tuple[int, int]]
) -> int:
    """The action paragraph at ``lines[index]`` up to the next blank line; return the index
    after it. Lines of markup inside it (centred text, sections, synopses) end a span."""
    run: list[_Line] = []
    while index < len(lines) and not lines[index].is_blank:
        line = lines[index]
        index += 1
        if not line.visible:
            continue
        if _is_markup(line.visible):
            _close_run(run, None, spans)
            continue
        if line.visible.startswith(("!", "~")):  # forced action, lyrics
            markers.append((line.start, line.start + 1))
        run.append(line)
    _close_run(run, None, spans)
    return index


def _is_markup(visible: str) -> bool:
    """Centred text or a forced transition, a section marker, a synopsis, a page break."""
    return visible.startswith((">", "#", "="))


def _close_run(run: list[_Line], speaker: str | None, spans: list[_Span]) -> None:
    """Turn the lines gathered in ``run`` into one span, and empty ``run``."""
    if run:
        spans.append(_Span(run[0].start, run[-1].stop, speaker))
        run.clear()
