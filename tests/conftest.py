"""Paths shared by the whole suite."""

import socket
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE_STORY = REPO / "examples" / "the-lamplighter-and-the-cartographer.md"
TINY_STORY = REPO / "tests" / "data" / "tiny-story.txt"
CLI = [sys.executable, "-m", "storyscore.interfaces.cli"]  # the CLI as its own process


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now (for servers started by tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def folder_files(folder: Path, pattern: str = "**/*") -> dict[str, bytes]:
    """The bytes of every file under ``folder`` matching ``pattern``, by POSIX relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.glob(pattern))
        if p.is_file()
    }


def one_line_error(capsys) -> str:
    """The one line the CLI printed on stderr, asserting it is one line and no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]
