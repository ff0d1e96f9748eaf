"""The output of ingest: a decoded story with its sentences and explicit structure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SectionKind = Literal["chapter", "stave", "act", "scene", "heading", "book", "part"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence; ``start``/``end`` are character offsets into ``Document.text``.

    ``speaker`` is the character who says it (a screenplay's dialogue, named as its cue is
    written); None for narration and for every sentence of a text without attribution.
    """

    index: int
    start: int
    end: int
    text: str  # whitespace collapsed to single spaces
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """An explicit division of the text (chapter, stave, act, scene, Markdown heading).

    ``start`` is the offset of the heading line, ``end`` the offset where the next section
    (or the body) ends. ``first_sentence``/``last_sentence`` are inclusive sentence indices;
    a section with no sentences has ``last_sentence == first_sentence - 1``.
    """

    kind: SectionKind
    title: str
    start: int
    end: int
    first_sentence: int
    last_sentence: int


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded story.

    ``text`` is the decoded input (BOM removed, line endings kept) so offsets point into what
    the user gave; ``body_start``/``body_end`` delimit the story proper (Project Gutenberg
    header and footer excluded).
    """

    text: str
    title: str
    sha256: str
    body_start: int
    body_end: int
    sentences: tuple[Sentence, ...]
    sections: tuple[Section, ...]

    @property
    def word_count(self) -> int:
        """Whitespace-separated words in the body."""
        return len(self.text[self.body_start : self.body_end].split())
