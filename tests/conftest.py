"""Paths shared by the whole suite."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE_STORY = REPO / "examples" / "the-lamplighter-and-the-cartographer.md"
TINY_STORY = REPO / "tests" / "data" / "tiny-story.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA
