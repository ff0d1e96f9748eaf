"""Sentences of the body with syntok, as absolute character offsets into the whole text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from syntok._segmentation_states import State
from syntok.segmenter import segment
from syntok.tokenizer import Tokenizer

from storyscore.ingest.model import Sentence

# syntok's own paragraph separator: a line break followed by blank lines.
_PARAGRAPH_BREAK = re.compile(r"\r?\n(?:\s*\r?\n)+")
# Editorial markers that are not part of the story.
_ILLUSTRATION = re.compile(r"\[Illustration\b[^\]]{0,2000}\]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
# Where syntok may end a sentence: a terminal mark or an opening bracket. A paragraph with
# neither before its closing marks is one sentence, and syntok need not read it. The marks are
# syntok's own (a private module: tests/ingest checks the shortcut against syntok itself).
_TERMINALS = "".join(State.terminals)
_CLOSERS = "".join(State.closing_brackets | State.closing_quotes)
_MAY_SPLIT = re.compile(f"[{re.escape(_TERMINALS + ''.join(State.opening_brackets))}]")


def split_sentences(
    text: str, start: int, end: int, skip: Sequence[tuple[int, int]] = ()
) -> tuple[Sentence, ...]:
    """Sentences in ``text[start:end]``, leaving out the ranges in ``skip`` (heading lines).

    A skipped range is a hard boundary: no sentence runs across it. Illustration markers are
    left out too, and so is every "sentence" without a letter (``* * *``).
    """
    illustrations = [match.span() for match in _ILLUSTRATION.finditer(text, start, end)]
    # Tokens keep the original text (no joined hyphenations, no "n't" -> "not"), so offsets hold.
    tokenizer = Tokenizer(replace_not_contraction=False)
    sentences: list[Sentence] = []
    for chunk_start, chunk_end in _chunks(start, end, sorted([*skip, *illustrations])):
        for paragraph_start, paragraph_end in _paragraphs(text, chunk_start, chunk_end):
            for sentence_start, sentence_end in _sentence_spans(
                tokenizer, text, paragraph_start, paragraph_end
            ):
                sentence_text = " ".join(text[sentence_start:sentence_end].split())
                if _LETTER.search(sentence_text):
                    sentences.append(
                        Sentence(len(sentences), sentence_start, sentence_end, sentence_text)
                    )
    return tuple(sentences)


def _chunks(start: int, end: int, skip: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The parts of [start, end) outside the sorted ``skip`` ranges."""
    position = start
    for skip_start, skip_end in skip:
        if position >= end:
            return
        if skip_start > position:
            yield position, min(skip_start, end)
        position = max(position, skip_end)
    if position < end:
        yield position, end


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    position = start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        yield position, match.start()
        position = match.end()
    yield position, end


def _sentence_spans(
    tokenizer: Tokenizer, text: str, start: int, end: int
) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence syntok finds in ``text[start:end]``.

    Each paragraph is tokenized on its own: syntok's ``analyze`` pads every paragraph with as
    many spaces as its offset, which makes a long book quadratic.
    """
    paragraph = text[start:end]
    if not _LETTER.search(paragraph):
        return
    body = paragraph.strip()
    if not _MAY_SPLIT.search(body.rstrip(_TERMINALS + _CLOSERS)):
        first = start + len(paragraph) - len(paragraph.lstrip())
        yield first, first + len(body)
        return
    for sentence in segment(tokenizer.tokenize(paragraph)):
        tokens = [token for token in sentence if token.value]
        if tokens:
            last = tokens[-1]
            yield start + tokens[0].offset, start + last.offset + len(last.value)
