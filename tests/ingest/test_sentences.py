"""Sentences: absolute offsets, collapsed text, no headings, markers or letterless lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from syntok.segmenter import segment
from syntok.tokenizer import Tokenizer

from storyscore.ingest import parse_document
from storyscore.ingest.sentences import _sentence_spans, split_sentences

from .support import assert_offsets_hold


def test_offsets_are_absolute_and_text_is_collapsed() -> None:
    text = "Preface words.\n\n  Mr. Bennet   replied\nthat he had not.  “Why?” she asked.\n"
    start = text.index("Mr.")
    sentences = split_sentences(text, start, len(text))
    assert [s.text for s in sentences] == [
        "Mr. Bennet replied that he had not.",
        "“Why?” she asked.",
    ]
    assert [s.index for s in sentences] == [0, 1]
    assert text[sentences[0].start : sentences[0].end] == "Mr. Bennet   replied\nthat he had not."
    assert sentences[1].end == text.rindex(".") + 1


def test_skipped_ranges_are_left_out_and_are_boundaries() -> None:
    text = "It was late and\nCHAPTER II\nthe night was dark."
    heading_start = text.index("CHAPTER")
    skip = [(heading_start, heading_start + len("CHAPTER II"))]
    sentences = split_sentences(text, 0, len(text), skip)
    assert [s.text for s in sentences] == ["It was late and", "the night was dark."]


def test_letterless_lines_and_illustration_markers_are_dropped() -> None:
    text = (
        "The ball began.\n\n* * * * *\n\n[Illustration: The prince\nbows to her]\n\n"
        "She danced.\n\n1855.\n\n[Illustration]\n"
    )
    sentences = split_sentences(text, 0, len(text))
    assert [s.text for s in sentences] == ["The ball began.", "She danced."]


def test_windows_line_endings_keep_offsets() -> None:
    text = "One fine day\r\nshe left.\r\n\r\nShe came back.\r\n"
    document = parse_document(text)
    assert [s.text for s in document.sentences] == ["One fine day she left.", "She came back."]
    assert_offsets_hold(document)


def test_hyphenation_and_contractions_keep_the_original_text() -> None:
    text = "He couldn't see the rabbit-\nhole at first. It was dark."
    sentences = split_sentences(text, 0, len(text))
    assert sentences[0].text == "He couldn't see the rabbit- hole at first."


@pytest.mark.parametrize(
    "file_name",
    [
        "pride-and-prejudice.txt",
        "romeo-and-juliet.txt",
        "the-yellow-wallpaper.txt",
        "cinderella.txt",
    ],
)
def test_real_stories_sentences_hold(story, file_name: str) -> None:
    document = story(file_name)
    assert_offsets_hold(document)
    assert [s.index for s in document.sentences] == list(range(len(document.sentences)))
    starts = [s.start for s in document.sentences]
    assert starts == sorted(starts)
    assert all(
        document.body_start <= s.start < s.end <= document.body_end for s in document.sentences
    )
    assert all(any(c.isalpha() for c in s.text) for s in document.sentences)
    assert not any("[Illustration" in s.text for s in document.sentences)


def test_pride_and_prejudice_sentence_count_is_plausible(story) -> None:
    # About 121,600 words; Austen's sentences average roughly 20 words.
    assert 5_000 <= len(story("pride-and-prejudice.txt").sentences) <= 7_000


def _syntok_spans(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans as syntok alone finds them (what the one-sentence shortcut must match)."""
    spans = []
    for sentence in segment(Tokenizer(replace_not_contraction=False).tokenize(paragraph)):
        tokens = [token for token in sentence if token.value]
        if tokens:
            spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    return spans


def _storyscore_spans(paragraph: str) -> list[tuple[int, int]]:
    tokenizer = Tokenizer(replace_not_contraction=False)
    return list(_sentence_spans(tokenizer, paragraph, 0, len(paragraph)))


SHORTCUT_CASES = (
    'He said "yes."',
    "No terminal mark here at all",
    "  Leading and trailing spaces.  ",
    "One line\nand another line, then the end!",
    'She cried, "Oh!" and ran.',
    "Wait... what?!",
    "Mr. Darcy bowed.",
    "A list; then more",
    "Hello (aside) there",
    "The end.)",
    "\u201cCurly quotes close it.\u201d",
    "\u00bfQu\u00e9 pas\u00f3?",
    "Tab\tseparated words",
)


@pytest.mark.parametrize("paragraph", SHORTCUT_CASES)
def test_one_sentence_shortcut_agrees_with_syntok(paragraph: str) -> None:
    assert _storyscore_spans(paragraph) == _syntok_spans(paragraph)


@given(st.text(alphabet="ab A.!?;:,()[]\"'\u201c\u201d\u2019 -\n\t", max_size=40))
@settings(max_examples=300, deadline=None)
def test_one_sentence_shortcut_agrees_with_syntok_on_any_paragraph(paragraph: str) -> None:
    if any(c.isalpha() for c in paragraph):  # letterless paragraphs are dropped before
        assert _storyscore_spans(paragraph) == _syntok_spans(paragraph)
