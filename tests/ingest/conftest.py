"""The real stories, each parsed once per test session."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest

from storyscore.ingest import Document, read_story

from .support import STORIES


@cache
def _parsed(file_name: str) -> Document:
    return read_story(STORIES / file_name)


@pytest.fixture(scope="session")
def story() -> Callable[[str], Document]:
    """``story("pride-and-prejudice.txt")`` -> its Document, parsed once per session."""
    return _parsed
