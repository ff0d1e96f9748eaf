"""Helpers for analysis tests: the shared stories, split into sentences once per session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syntok import segmenter

STORIES_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "stories"
_START_MARKER = re.compile(r"^\*\*\* ?START OF.*$", re.MULTILINE)
_END_MARKER = re.compile(r"^\*\*\* ?END OF", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def gutenberg_body(text: str) -> str:
    """The story between the ``*** START OF`` and ``*** END OF`` lines (all of it without them)."""
    start = _START_MARKER.search(text)
    end = _END_MARKER.search(text)
    begin = start.end() if start else 0
    finish = end.start() if end and end.start() > begin else len(text)
    return text[begin:finish]


def split_sentences(text: str) -> list[str]:
    """Sentences as syntok finds them, cut from the original text with whitespace collapsed.

    Each blank-line paragraph is analysed on its own: syntok's offsets then stay exact and
    the work stays linear in the length of the text.
    """
    sentences = []
    for block in _PARAGRAPH_BREAK.split(text):
        for paragraph in segmenter.analyze(block):
            for tokens in paragraph:
                first, last = tokens[0], tokens[-1]
                span = block[first.offset : last.offset + len(last.value)]
                collapsed = _WHITESPACE.sub(" ", span).strip()
                if collapsed:
                    sentences.append(collapsed)
    return sentences


def load_story_sentences(file_name: str) -> list[str]:
    """Read one shared story, strip the Gutenberg frame and split it into sentences."""
    raw = (STORIES_DIR / file_name).read_text(encoding="utf-8-sig")
    return split_sentences(gutenberg_body(raw))


@pytest.fixture(scope="session")
def story_sentences():
    """A loader that reads and splits each shared story once per test session."""
    cache: dict[str, list[str]] = {}

    def load(file_name: str) -> list[str]:
        if file_name not in cache:
            cache[file_name] = load_story_sentences(file_name)
        return cache[file_name]

    return load
