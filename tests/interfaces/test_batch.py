"""Batch mode (issue 6): every story under a folder becomes an album on Dask; reruns resume;
a bad file is recorded and does not stop the rest; albums equal those composed alone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyscore.interfaces.batch import (
    MANIFEST,
    PARTIAL_MANIFEST,
    BatchSettings,
    ProgressBar,
    StoryResult,
    compose_story,
    exit_status,
    find_stories,
    summary,
)
from storyscore.options import ComposeOptions, RenderOptions
from tests.conftest import CLI, SHARED_DATA, TINY_STORY, folder_files, free_port
from tests.schema import assert_valid_album

pytest.importorskip("distributed", reason="batch mode needs the batch extra (Dask)")

DASK = Path(sys.executable).with_name("dask")
SETTINGS = BatchSettings(options=ComposeOptions(seed=3), max_bytes=1 << 20)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _batch(input_dir: Path, output_dir: Path, *extra: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "batch", str(input_dir), "-o", str(output_dir), "--seed", "3", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _run(input_dir: Path, output_dir: Path, *extra: str) -> tuple[int, str, str]:
    process = _batch(input_dir, output_dir, *extra)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def _manifest(output_dir: Path) -> dict[str, dict]:
    lines = (output_dir / MANIFEST).read_text("utf-8").splitlines()
    return {entry["path"]: entry for entry in map(json.loads, lines)}


def _small_library(folder: Path, copies: int = 1) -> Path:
    """Tiny stories (each a second or so to compose) and one file that is not text."""
    folder.mkdir()
    text = TINY_STORY.read_bytes()
    for index in range(copies):
        (folder / f"story-{index}.txt").write_bytes(text + f"\nThe end of tale {index}.\n".encode())
    (folder / "picture.txt").write_bytes(PNG_BYTES)
    return folder


# --- finding the stories ---------------------------------------------------------------------


def test_find_stories_walks_the_tree_and_leaves_out_what_is_not_a_story(tmp_path):
    library = tmp_path / "library"
    for relative in (
        "b.txt", "a.md", "shelf/c.fountain", "shelf/deep/d.epub", "emma.txt", "emma.md",
        "README.md", "LICENSE.txt", ".hidden.txt", ".git/e.txt", "notes.pdf", "out/old/NOTES.md",
    ):  # fmt: skip
        path = library / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Once upon a time.", encoding="utf-8")
    jobs = find_stories(library, library / "out")
    assert [job.name for job in jobs] == [
        "a.md", "b.txt", "emma.md", "emma.txt", "shelf/c.fountain", "shelf/deep/d.epub",
    ]  # fmt: skip
    assert [job.album_name for job in jobs] == [
        "a", "b", "emma-md", "emma-txt", "shelf/c", "shelf/deep/d",
    ]  # fmt: skip
    assert all(job.album == library / "out" / job.album_name for job in jobs)


# --- one story, in this process ---------------------------------------------------------------


def test_a_complete_album_is_skipped_and_a_changed_input_or_option_is_composed_again(tmp_path):
    source = tmp_path / "tale.txt"
    shutil.copy(TINY_STORY, source)
    job = find_stories(tmp_path, tmp_path / "out")[0]

    first = compose_story(job, SETTINGS)
    assert (first.status, first.error, first.bad_input) == ("composed", None, False)
    assert first.tracks == len(json.loads((job.album / "album.json").read_bytes())["tracks"])
    assert_valid_album(job.album)
    before = (job.album / "album.json").stat().st_mtime_ns

    again = compose_story(job, SETTINGS)
    assert (again.status, again.tracks, again.sha256) == ("skipped", first.tracks, first.sha256)
    assert (job.album / "album.json").stat().st_mtime_ns == before

    other_style = BatchSettings(options=ComposeOptions(seed=3, style="waltz"), max_bytes=1 << 20)
    assert compose_story(job, other_style).status == "composed"
    assert json.loads((job.album / "album.json").read_bytes())["style"] == "waltz"

    source.write_bytes(source.read_bytes() + b"\nAnd then the rain stopped.\n")
    changed = compose_story(job, other_style)
    assert changed.status == "composed" and changed.sha256 != first.sha256


def test_a_bad_file_is_recorded_as_a_failure_of_its_input(tmp_path):
    (tmp_path / "picture.txt").write_bytes(PNG_BYTES)
    (tmp_path / "empty.md").write_bytes(b"")
    jobs = find_stories(tmp_path, tmp_path / "out")
    results = [compose_story(job, SETTINGS) for job in jobs]
    assert [r.status for r in results] == ["failed", "failed"]
    assert all(r.bad_input and r.error and "\n" not in r.error for r in results)
    assert all(r.sha256 is not None for r in results)
    assert not (tmp_path / "out").exists()  # nothing half-made
    assert exit_status(results) == 2


def test_exit_status_and_summary():
    def result(status, *, bad_input=False, error=None):
        return StoryResult("a.txt", "a", "0" * 64, status, error, None, 1.0, bad_input)

    assert exit_status([result("composed"), result("skipped")]) == 0
    assert exit_status([result("composed"), result("failed", bad_input=True)]) == 2
    assert exit_status([result("failed", bad_input=True), result("failed")]) == 1
    table = summary([result("composed"), result("failed", error="it is a picture")], 30.0)
    assert "composed        1" in table and "failed          1" in table
    assert "a.txt: it is a picture" in table and "2.0 per minute" in table
    assert "bad_input" not in result("failed").manifest_line()


# --- whole runs on Dask -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory) -> Path:
    """The stories of ../shared/data/stories plus a file that is not text."""
    library = tmp_path_factory.mktemp("shared") / "library"
    shutil.copytree(SHARED_DATA / "stories", library)
    (library / "corrupt.txt").write_bytes(PNG_BYTES)
    return library


@pytest.fixture(scope="module")
def two_worker_run(shared_library, tmp_path_factory):
    output = tmp_path_factory.mktemp("albums") / "out"
    return (*_run(shared_library, output, "--workers", "2"), output)


def test_a_library_on_two_workers_gives_every_album_and_isolates_the_bad_file(
    shared_library, two_worker_run
):
    status, out, err, output = two_worker_run
    stories = sorted(p.name for p in shared_library.glob("*.txt") if p.name != "corrupt.txt")
    assert status == 2, err  # one input failed, and it was the input's fault
    assert "Traceback" not in err
    manifest = _manifest(output)
    assert sorted(manifest) == sorted([*stories, "corrupt.txt"])  # README.md is not a story
    assert manifest["corrupt.txt"]["status"] == "failed"
    assert "looks like a PNG image, not text" in manifest["corrupt.txt"]["error"]
    for name in stories:
        entry = manifest[name]
        assert entry["status"] == "composed" and entry["error"] is None and entry["tracks"] >= 3
        album = output / entry["album"]
        assert_valid_album(album)
        source = json.loads((album / "album.json").read_bytes())["source"]
        assert source["sha256"] == entry["sha256"]
    assert not (output / "corrupt").exists()
    assert not (output / PARTIAL_MANIFEST).exists()
    assert "composed        8" in out and "corrupt.txt:" in out


def test_batch_albums_are_the_albums_composed_alone_whatever_the_worker_count(
    shared_library, two_worker_run, tmp_path
):
    *_, two_workers = two_worker_run
    subset = tmp_path / "subset"
    subset.mkdir()
    for name in ("cinderella.txt", "little-red-riding-hood.txt"):
        shutil.copy(shared_library / name, subset / name)
    status, _, err = _run(subset, tmp_path / "one", "--workers", "1", "--quiet")
    assert status == 0, err
    alone = tmp_path / "alone"
    compose = subprocess.run(
        [*CLI, "compose", str(subset / "cinderella.txt"), "-o", str(alone), "--seed", "3"],
        capture_output=True,
    )
    assert compose.returncode == 0, compose.stderr
    assert folder_files(alone) == folder_files(tmp_path / "one" / "cinderella")
    for album in ("cinderella", "little-red-riding-hood"):
        assert folder_files(tmp_path / "one" / album) == folder_files(two_workers / album)


def test_a_rerun_skips_complete_albums_and_a_killed_run_resumes(tmp_path):
    library = _small_library(tmp_path / "library", copies=6)
    output = tmp_path / "out"
    process = _batch(library, output, "--workers", "1", start_new_session=True)
    partial = output / PARTIAL_MANIFEST
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        done = partial.read_text("utf-8").count('"composed"') if partial.exists() else 0
        if done >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()

    finished_before = {
        folder.name for folder in output.iterdir() if (folder / "album.json").is_file()
    }
    assert len(finished_before) >= 2
    for folder in output.iterdir():  # whole albums, or hidden work that a rerun clears away
        if not folder.name.startswith("."):
            assert_valid_album(folder)
    assert not (output / MANIFEST).exists()

    status, _, err = _run(library, output, "--workers", "1")
    assert status == 2, err  # the picture still fails
    manifest = _manifest(output)
    skipped = {entry["album"] for entry in manifest.values() if entry["status"] == "skipped"}
    assert skipped == finished_before
    assert {entry["status"] for entry in manifest.values()} == {"skipped", "composed", "failed"}
    assert sorted(p.name for p in output.iterdir()) == sorted(
        [MANIFEST, *(f"story-{index}" for index in range(6))]
    )  # no .partial folders are left, and nothing for the picture


@pytest.mark.skipif(not DASK.exists(), reason="the dask command is not installed beside python")
def test_a_run_on_a_separately_started_scheduler_and_worker(tmp_path):
    library = _small_library(tmp_path / "library", copies=2)
    address = f"tcp://127.0.0.1:{free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
         "--no-dashboard"], **quiet,
    )  # fmt: skip
    worker = subprocess.Popen(
        [DASK, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"], **quiet
    )
    try:
        status, _, err = _run(library, tmp_path / "out", "--scheduler", address)
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)
    assert status == 2, err
    manifest = _manifest(tmp_path / "out")
    assert [manifest[f"story-{i}.txt"]["status"] for i in range(2)] == ["composed", "composed"]
    assert manifest["picture.txt"]["status"] == "failed"


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path):
    library = _small_library(tmp_path / "library")
    status, _, err = _run(library, tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("storyscore: error: cannot reach the Dask")


@pytest.mark.parametrize(
    ("make_input", "message"),
    [
        (lambda tmp: tmp / "missing", "is not a folder"),
        (lambda tmp: tmp, "no story files"),
    ],
)
def test_a_bad_input_folder_is_one_clear_line(tmp_path, make_input, message):
    status, _, err = _run(make_input(tmp_path), tmp_path / "out", "--workers", "1")
    assert status == 2
    assert err.count("\n") == 1 and message in err


class _Terminal:
    """A stream that says it is a terminal and keeps what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_the_progress_bar_counts_and_estimates_only_on_a_terminal():
    terminal = _Terminal()
    bar = ProgressBar(4, terminal, quiet=False)
    for status in ("skipped", "composed", "failed", "composed"):
        bar.update(StoryResult("a.txt", "a", None, status, None, None, 0.0))
    lines = terminal.text.split("\r")[1:]
    assert lines[0].startswith("[" + "#" * 8 + "." * 22 + "] 1/4  0 composed, 1 skipped, 0 failed")
    assert lines[0].endswith("ETA --:--")  # a skipped album says nothing of the pace
    assert "ETA 0:00" in lines[1]
    assert lines[-1].endswith("2 composed, 1 skipped, 1 failed  ETA 0:00\n")
    quiet = _Terminal()
    ProgressBar(1, quiet, quiet=True).update(StoryResult("a", "a", None, "composed", None, 1, 0.0))
    assert quiet.text == ""


def test_an_album_without_the_files_asked_for_is_not_complete(tmp_path):
    shutil.copy(TINY_STORY, tmp_path / "tale.txt")
    job = find_stories(tmp_path, tmp_path / "out")[0]
    assert compose_story(job, SETTINGS).status == "composed"
    with_scores = BatchSettings(
        options=SETTINGS.options, max_bytes=SETTINGS.max_bytes, extras=RenderOptions(musicxml=True)
    )
    assert compose_story(job, with_scores).status == "composed"  # the scores were missing
    assert compose_story(job, with_scores).status == "skipped"
    assert compose_story(job, SETTINGS).status == "skipped"  # scores beside do no harm
