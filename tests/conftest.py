"""Paths shared by the whole suite."""

import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE_STORY = REPO / "examples" / "the-lamplighter-and-the-cartographer.md"
TINY_STORY = REPO / "tests" / "data" / "tiny-story.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now (for servers started by tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
