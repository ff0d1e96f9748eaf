"""Paths and assertions shared by the ingest tests."""

from __future__ import annotations

from pathlib import Path

from storyscore.ingest import Document

REPO_ROOT = Path(__file__).resolve().parents[2]
STORIES = REPO_ROOT / ".." / "shared" / "data" / "stories"
FIXTURES = REPO_ROOT / "tests" / "data" / "ingest"


def assert_one_line(message: str) -> None:
    assert message.strip()
    assert "\n" not in message and "\r" not in message


def assert_offsets_hold(document: Document) -> None:
    """Every sentence's text is exactly its span of Document.text, whitespace collapsed."""
    for sentence in document.sentences:
        assert " ".join(document.text[sentence.start : sentence.end].split()) == sentence.text
