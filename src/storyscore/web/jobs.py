"""The studio's work: composing runs in worker processes, at most one per core.

The server never composes in its own process (that would stall every request); it queues
a job and a worker process runs :func:`run_job`, which reports each stage to the catalogue
and leaves the album where the routes find it. Jobs a stopped server left queued or running
are queued again when it starts: their inputs are on disk and composing is deterministic.

Folder of one album under the data folder::

    albums/<id>/story.<ext>          the story as uploaded
    albums/<id>/album/               the album folder (written atomically)
    albums/<id>/sentences.json       the text of the sentences the arc is sampled at
    albums/<id>/next-<n>.txt         texts that continue the story, one per next song
"""

from __future__ import annotations

import fcntl
import json
import logging
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from storyscore.errors import StoryscoreError
from storyscore.options import ComposeOptions, RenderOptions
from storyscore.web.catalogue import Catalogue

CATALOGUE_FILE = "catalogue.sqlite3"
LOCK_FILE = ".studio.lock"
ALBUMS_FOLDER = "albums"
PARENT_CHECK_SECONDS = 1.0
SENTENCE_CHARS = 240  # the hover text of the arc shows at most this much of a sentence
# Share of the work done when each stage of compose begins, in the order they come.
STAGE_PROGRESS = (0.05, 0.15, 0.45, 0.7)
log = logging.getLogger("storyscore.web")


@contextmanager
def data_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder for one studio: two would both resume the same jobs.

    Raises
    ------
    StoryscoreError
        If another studio holds it.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_FILE).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoryscoreError(
                f"another studio is using {data_dir}; stop it or give another --data folder"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def job_folder(data_dir: Path, album_id: str) -> Path:
    return data_dir / ALBUMS_FOLDER / album_id


def story_file(data_dir: Path, album_id: str) -> Path:
    """The uploaded story; its suffix tells the reader its format."""
    return next(job_folder(data_dir, album_id).glob("story.*"))


def run_job(data_dir: str, album_id: str) -> None:
    """Run the album's queued job in this (worker) process; every outcome is recorded."""
    root = Path(data_dir)
    catalogue = Catalogue(root / CATALOGUE_FILE)
    entry = catalogue.get(album_id)
    if entry is None:
        return
    try:
        if entry.job == "next":
            _next_song(root, album_id, entry.job_text, catalogue)
        else:
            options = dict(entry.options)
            audio = bool(options.pop("audio", False))
            _compose(root, album_id, ComposeOptions(**options), audio, catalogue)
    except StoryscoreError as exc:
        catalogue.fail(album_id, str(exc))
    except Exception:
        log.error("job %s failed:\n%s", album_id, traceback.format_exc())
        catalogue.fail(album_id, "internal error while composing; the server log has details")


def _compose(
    root: Path, album_id: str, options: ComposeOptions, audio: bool, catalogue: Catalogue
) -> None:
    from storyscore.ingest import read_story
    from storyscore.pipeline import compose_document

    stages = iter(STAGE_PROGRESS)
    catalogue.stage(album_id, "reading the story", next(stages))
    document = read_story(story_file(root, album_id))
    folder = job_folder(root, album_id)
    written = compose_document(
        document,
        folder / "album",
        options,
        force=True,
        extras=RenderOptions(audio=audio),
        on_stage=lambda name: catalogue.stage(album_id, name, next(stages)),
    )
    record = json.loads((written.path / "album.json").read_text("utf-8"))
    _write_sentences(folder, record["arc"]["sentence"], document.sentences)
    catalogue.finish(album_id, title=record["title"], tracks=len(record["tracks"]))


def _write_sentences(folder: Path, indices: list[int], sentences) -> None:
    """The sentences the arc is sampled at, shortened, so the page can show them on hover."""
    texts = []
    for index in indices:
        text = sentences[index].text
        texts.append(text if len(text) <= SENTENCE_CHARS else text[: SENTENCE_CHARS - 1] + "…")
    temporary = folder / "sentences.json.tmp"
    temporary.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, folder / "sentences.json")


def _next_song(root: Path, album_id: str, text_file: str | None, catalogue: Catalogue) -> None:
    from storyscore.pipeline import next_track

    catalogue.stage(album_id, "composing the next song", 0.3)
    folder = job_folder(root, album_id)
    next_track(folder / "album", text=None if text_file is None else folder / text_file)
    record = json.loads((folder / "album" / "album.json").read_text("utf-8"))
    catalogue.finish(album_id, title=record["title"], tracks=len(record["tracks"]))


def _exit_with_parent(parent: int) -> None:
    """In a worker: leave when the server is gone, even killed outright (its job stays
    'running' in the catalogue, so the next start resumes it); an orphan would idle forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="storyscore-parent-watch", daemon=True).start()


class JobRunner:
    """A pool of ``workers`` processes running queued jobs; a crashed pool is replaced."""

    def __init__(self, data_dir: Path, catalogue: Catalogue, workers: int) -> None:
        self.data_dir = data_dir
        self.catalogue = catalogue
        self.workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: a fresh interpreter per worker, never a fork of the server's threads
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )

    def submit(self, album_id: str) -> None:
        try:
            future = self._pool.submit(run_job, str(self.data_dir), album_id)
        except BrokenProcessPool:
            self._pool = self._new_pool()
            future = self._pool.submit(run_job, str(self.data_dir), album_id)
        future.add_done_callback(lambda done: self._check(album_id, done))

    def _check(self, album_id: str, future: Future) -> None:
        """A job whose worker died never recorded its end: record it, so none is lost."""
        if future.cancelled() or future.exception() is None:
            return
        log.error("worker for %s stopped: %r", album_id, future.exception())
        entry = self.catalogue.get(album_id)
        if entry is not None and entry.status in ("queued", "running"):
            self.catalogue.fail(album_id, "the worker composing it stopped; submit it again")

    def resume(self) -> int:
        """Queue again the jobs a stopped server left unfinished; returns how many."""
        unfinished = self.catalogue.unfinished()
        for entry in unfinished:
            self.catalogue.queue(entry.id, entry.job, entry.job_text, limit=None)
            self.submit(entry.id)
        return len(unfinished)

    def shutdown(self) -> None:
        """Let running jobs finish and drop queued ones: those stay queued in the catalogue
        and the next start resumes them."""
        self._pool.shutdown(wait=True, cancel_futures=True)
