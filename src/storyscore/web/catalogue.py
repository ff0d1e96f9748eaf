"""The studio's catalogue: one SQLite row per album, with its options, job state and timings.

SQLite in WAL mode, opened per use with a busy timeout, so the server and the worker
processes that report progress can all write to it. The file lives in the data folder and
survives restarts; :meth:`Catalogue.unfinished` lists the jobs a restart must resume.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

JobStatus = Literal["queued", "running", "done", "failed"]
JobKind = Literal["compose", "next"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS albums (
    id TEXT PRIMARY KEY,
    source_name TEXT NOT NULL,
    title TEXT,
    options TEXT NOT NULL,
    job TEXT NOT NULL,
    job_text TEXT,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    progress REAL NOT NULL,
    error TEXT,
    tracks INTEGER,
    created REAL NOT NULL,
    started REAL,
    finished REAL
)
"""


@dataclass(frozen=True, slots=True)
class AlbumEntry:
    """One album of the catalogue and the state of its latest job."""

    id: str
    source_name: str
    title: str | None
    options: dict[str, Any]
    job: JobKind
    job_text: str | None  # the file of the text that continues the story, for a next job
    status: JobStatus
    stage: str
    progress: float
    error: str | None
    tracks: int | None
    created: float
    started: float | None
    finished: float | None

    @property
    def seconds(self) -> float | None:
        """How long the latest job ran, once it has finished."""
        if self.started is None or self.finished is None:
            return None
        return round(self.finished - self.started, 3)


class Catalogue:
    """The albums table in ``path``; every method opens its own short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.row_factory = sqlite3.Row
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    @contextmanager
    def _room(self, limit: int | None) -> Iterator[sqlite3.Connection | None]:
        """A write transaction that first counts the queue, so that requests arriving
        together cannot all see room for one more; yields None when the queue is full."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            if limit is not None and _pending(connection) >= limit:
                yield None
            else:
                yield connection

    def add(
        self, album_id: str, source_name: str, options: dict[str, Any], *, limit: int | None
    ) -> bool:
        """A new album, queued to be composed; False (and nothing added) if ``limit`` jobs
        are already queued or running."""
        with self._room(limit) as connection:
            if connection is None:
                return False
            connection.execute(
                "INSERT INTO albums (id, source_name, options, job, status, stage, progress, "
                "created) VALUES (?, ?, ?, 'compose', 'queued', 'waiting for a worker', 0, ?)",
                (album_id, source_name, json.dumps(options, sort_keys=True), time.time()),
            )
        return True

    def queue(
        self, album_id: str, job: JobKind, job_text: str | None = None, *, limit: int | None
    ) -> bool:
        """Queue a new job for an existing album (the next song, or a resumed job); False
        if ``limit`` jobs are already queued or running."""
        with self._room(limit) as connection:
            if connection is None:
                return False
            connection.execute(
                "UPDATE albums SET job = ?, job_text = ?, status = 'queued', "
                "stage = 'waiting for a worker', progress = 0, error = NULL, started = NULL, "
                "finished = NULL WHERE id = ?",
                (job, job_text, album_id),
            )
        return True

    def stage(self, album_id: str, stage: str, progress: float) -> None:
        """The running job reached ``stage``; the first stage marks it started."""
        with self._connect() as connection:
            connection.execute(
                "UPDATE albums SET status = 'running', stage = ?, progress = ?, "
                "started = COALESCE(started, ?) WHERE id = ?",
                (stage, progress, time.time(), album_id),
            )

    def finish(self, album_id: str, *, title: str, tracks: int) -> None:
        with self._connect() as connection:
            connection.execute(
                "UPDATE albums SET status = 'done', stage = 'done', progress = 1, title = ?, "
                "tracks = ?, finished = ? WHERE id = ?",
                (title, tracks, time.time(), album_id),
            )

    def fail(self, album_id: str, error: str) -> None:
        with self._connect() as connection:
            connection.execute(
                "UPDATE albums SET status = 'failed', stage = 'failed', error = ?, "
                "finished = ? WHERE id = ?",
                (error, time.time(), album_id),
            )

    def get(self, album_id: str) -> AlbumEntry | None:
        with self._connect() as connection:
            row = connection.execute("SELECT * FROM albums WHERE id = ?", (album_id,)).fetchone()
        return None if row is None else _entry(row)

    def all(self) -> list[AlbumEntry]:
        """Every album, newest first."""
        with self._connect() as connection:
            rows = connection.execute("SELECT * FROM albums ORDER BY created DESC, id").fetchall()
        return [_entry(row) for row in rows]

    def pending(self) -> int:
        """Jobs queued or running: the length of the work queue."""
        with self._connect() as connection:
            return _pending(connection)

    def unfinished(self) -> list[AlbumEntry]:
        """Jobs a stopped server left queued or running, oldest first, to resume."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT * FROM albums WHERE status IN ('queued', 'running') ORDER BY created, id"
            ).fetchall()
        return [_entry(row) for row in rows]


def _pending(connection: sqlite3.Connection) -> int:
    (count,) = connection.execute(
        "SELECT COUNT(*) FROM albums WHERE status IN ('queued', 'running')"
    ).fetchone()
    return int(count)


def _entry(row: sqlite3.Row) -> AlbumEntry:
    fields = dict(row)
    fields["options"] = json.loads(fields["options"])
    return AlbumEntry(**fields)
