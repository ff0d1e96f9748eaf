"""A compose killed with SIGKILL at any moment leaves the target folder holding nothing, the
previous album, or the complete new one: never a mixture, never half a file."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CLI, TINY_STORY, folder_files

KILLS = 8


def _compose(target: Path, seed: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *CLI,
            "compose",
            str(TINY_STORY),
            "-o",
            str(target),
            "--seed",
            str(seed),
            "--quiet",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_at_random_moments_never_leaves_a_mixed_album(tmp_path):
    previous_dir, new_dir = tmp_path / "previous", tmp_path / "new"
    started = time.monotonic()
    assert _compose(previous_dir, 1).wait() == 0
    full_run = time.monotonic() - started
    assert _compose(new_dir, 2).wait() == 0
    previous, new = folder_files(previous_dir), folder_files(new_dir)
    assert previous != new

    rng = random.Random(20261127)  # the moments are random, and the same in every run
    outcomes = set()
    for attempt in range(KILLS):
        target = tmp_path / f"album-{attempt}"
        assert _compose(target, 1).wait() == 0  # the previous album is in place
        process = _compose(target, 2, "--force")
        time.sleep(rng.uniform(0.0, 1.2 * full_run))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        found = folder_files(target) if target.exists() else {}
        assert found in ({}, previous, new), f"mixed album after a kill at attempt {attempt}"
        outcomes.add("nothing" if not found else "previous" if found == previous else "new")
    assert "previous" in outcomes or "new" in outcomes


def test_work_left_by_a_killed_writer_is_cleared_by_the_next(tmp_path):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # a process id that no longer runs
    target = tmp_path / "album"
    stale = tmp_path / f".album.{finished.pid}-0.partial"
    (stale / "tracks").mkdir(parents=True)
    replaced = tmp_path / f".album.{finished.pid}-1.replaced"
    replaced.mkdir()
    mine = tmp_path / f".album.{os.getpid()}-7.partial"  # a live writer's: left alone
    mine.mkdir()
    assert _compose(target, 1).wait() == 0
    assert not stale.exists() and not replaced.exists()
    assert mine.exists()
