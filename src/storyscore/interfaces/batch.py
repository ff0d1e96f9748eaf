"""Batch mode: every story under a folder becomes an album, on Dask, resumable.

One Dask task per story file; each runs :func:`storyscore.pipeline.compose_file`, the very
function behind ``storyscore compose``, so a batch album is byte for byte the album composed
alone. Workers read the inputs and write the albums themselves (the folders must be on a
file system every worker sees, as on one machine or a cluster's shared storage); the client
only receives one small :class:`StoryResult` per story.

Resuming: an album folder whose album.json records the same input hash, options and
storyscore version is complete (albums are renamed into place whole, so a folder with
album.json is never half-written) and is skipped. A failed story is recorded, never fatal.
``OUT_DIR/manifest.jsonl`` gets one line per input when the run ends; while it runs, each
result is appended to ``OUT_DIR/.manifest.jsonl.partial``, so a killed run leaves the
previous manifest intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal, TextIO

import storyscore
from storyscore._optional import require
from storyscore.errors import RenderError, StoryscoreError
from storyscore.options import MIDI_ONLY, ComposeOptions, RenderOptions

STORY_SUFFIXES = (".txt", ".md", ".fountain", ".epub")
NOT_STORIES = ("readme", "license", "licence", "copying", "changelog")  # file stems, any case
MANIFEST = "manifest.jsonl"
PARTIAL_MANIFEST = ".manifest.jsonl.partial"
Status = Literal["composed", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class StoryJob:
    """One story file and the album folder it becomes; ``name`` is the file's path under the
    input folder, ``album_name`` the album's under the output folder (both POSIX)."""

    source: Path
    name: str
    album: Path
    album_name: str


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """What every album of a batch is composed with."""

    options: ComposeOptions
    max_bytes: int
    extras: RenderOptions = MIDI_ONLY


@dataclass(frozen=True, slots=True)
class StoryResult:
    """One manifest line: what became of one input."""

    path: str
    album: str
    sha256: str | None
    status: Status
    error: str | None
    tracks: int | None
    seconds: float
    bad_input: bool = False  # the failure is the input's fault (exit 2), not a bug (exit 1)

    def manifest_line(self) -> str:
        fields = asdict(self)
        del fields["bad_input"]
        return json.dumps(fields, ensure_ascii=False)


def find_stories(input_dir: Path, output_dir: Path) -> tuple[StoryJob, ...]:
    """Every story file under ``input_dir``, sorted by path, each with its album folder.

    Hidden files and folders, README/LICENSE-like files and anything inside ``output_dir``
    are not stories. ``shelf/emma.txt`` becomes ``OUT_DIR/shelf/emma``; when two files
    would share a folder (``emma.txt`` and ``emma.md``) both keep their suffix (``emma-txt``).
    """
    input_dir, output_dir = Path(os.path.abspath(input_dir)), Path(os.path.abspath(output_dir))
    sources = sorted(
        (path for path in input_dir.rglob("*") if _is_story(path, input_dir, output_dir)),
        key=lambda path: path.relative_to(input_dir).as_posix(),
    )
    stems = Counter(path.with_suffix("") for path in sources)
    jobs = []
    for source in sources:
        relative = source.relative_to(input_dir)
        stem = relative.with_suffix("")
        if stems[source.with_suffix("")] > 1:
            stem = stem.with_name(f"{stem.name}-{source.suffix[1:].lower()}")
        jobs.append(
            StoryJob(
                source=source,
                name=relative.as_posix(),
                album=output_dir / stem,
                album_name=stem.as_posix(),
            )
        )
    return tuple(jobs)


def _is_story(path: Path, input_dir: Path, output_dir: Path) -> bool:
    relative = path.relative_to(input_dir)
    return (
        path.suffix.lower() in STORY_SUFFIXES
        and not any(part.startswith(".") for part in relative.parts)
        and path.stem.lower() not in NOT_STORIES
        and output_dir not in path.parents
        and path.is_file()
    )


def compose_story(job: StoryJob, settings: BatchSettings) -> StoryResult:
    """Compose one story into its album folder, or skip it if that album is complete.

    Runs on a Dask worker. Every error is caught and recorded, so one bad book never stops
    the others; a user's mistake (a StoryscoreError) is told apart from a bug.
    """
    from storyscore.pipeline import compose_file

    started = time.perf_counter()
    sha256, status, tracks, error, bad_input = None, "failed", None, None, False
    try:
        sha256 = _file_sha256(job.source)
        tracks = complete_tracks(job.album, sha256, settings)
        if tracks is not None:
            status = "skipped"
        else:
            written = compose_file(
                job.source,
                job.album,
                settings.options,
                force=True,
                max_bytes=settings.max_bytes,
                extras=settings.extras,
            )
            tracks = complete_tracks(written.path, sha256, settings)
            status = "composed"
    except StoryscoreError as exc:
        error, bad_input = str(exc), True
    except Exception as exc:  # a bug in one book must not stop the library
        error = f"internal error: {type(exc).__name__}: {exc}"
    return StoryResult(
        path=job.name,
        album=job.album_name,
        sha256=sha256,
        status=status,
        error=error,
        tracks=tracks,
        seconds=round(time.perf_counter() - started, 3),
        bad_input=bad_input,
    )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise RenderError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def complete_tracks(album: Path, sha256: str, settings: BatchSettings) -> int | None:
    """The track count of the album at ``album`` if it is complete for this input, options
    and storyscore version; None if it must be composed (missing, stale or unreadable)."""
    options = settings.options
    try:
        document = json.loads((album / "album.json").read_text("utf-8"))
        recorded = document["options"]
        same = (
            document["source"]["sha256"] == sha256
            and document["generator"]["version"] == storyscore.__version__
            and (recorded["seed"], recorded["style"], recorded["tracks"], recorded["minutes"])
            == (options.seed, options.style, options.tracks, options.minutes)
            and all(
                track["files"][kind]
                for kind in _requested_files(settings.extras)
                for track in document["tracks"]
            )
        )
        return len(document["tracks"]) if same else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _requested_files(extras: RenderOptions) -> tuple[str, ...]:
    """The files every track of a complete album lists, beside its MIDI."""
    return tuple(kind for kind in ("musicxml", "audio") if getattr(extras, kind))


def run_batch(
    jobs: Sequence[StoryJob],
    settings: BatchSettings,
    output_dir: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_result: Callable[[StoryResult], None] | None = None,
) -> tuple[StoryResult, ...]:
    """Compose every job on Dask and write the manifest; results in input order.

    A local cluster of ``workers`` single-threaded processes (default: one per core), or the
    existing scheduler at ``scheduler``. ``on_result`` hears each result as it arrives.
    """
    distributed = require("distributed", extra="batch")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create {output_dir}: {exc.strerror or exc}") from exc
    log_path = output_dir / PARTIAL_MANIFEST
    results: dict[str, StoryResult] = {}
    with _dask_client(distributed, workers, scheduler) as client, log_path.open(
        "w", encoding="utf-8"
    ) as log:
        futures = [
            client.submit(compose_story, job, settings, key=f"story-{index}", pure=False)
            for index, job in enumerate(jobs)
        ]
        by_key = {future.key: job for future, job in zip(futures, jobs, strict=True)}
        for future in distributed.as_completed(futures):
            job = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died (killed, out of memory)
                outcome = _lost(job, exc)
            results[job.name] = outcome
            log.write(outcome.manifest_line() + "\n")
            log.flush()
            if on_result is not None:
                on_result(outcome)
    ordered = tuple(results[job.name] for job in jobs)
    _write_manifest(output_dir, ordered)
    log_path.unlink(missing_ok=True)
    return ordered


def _dask_client(distributed: ModuleType, workers: int | None, scheduler: str | None):
    """A client of the given scheduler, or of a new local cluster closed with the client."""
    if scheduler is not None:
        try:
            return distributed.Client(scheduler, timeout="10s")
        except OSError as exc:
            raise RenderError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); start it "
                "(dask scheduler) or leave out --scheduler to run on this machine"
            ) from exc
    import dask

    # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_ set, which also fixes glibc's
    # mmap threshold: every large numpy buffer of the audio mixer is then mapped and unmapped
    # anew, and rendering audio spent as much time in the kernel as in Python (2 albums: 18.8 s
    # with it, 10.8 s without).
    environment = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environment.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environment}):
        cluster = distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,  # logging.CRITICAL: the progress bar and summary speak for the run
        )
    return distributed.Client(cluster)


def _lost(job: StoryJob, exc: Exception) -> StoryResult:
    return StoryResult(
        path=job.name,
        album=job.album_name,
        sha256=None,
        status="failed",
        error=f"the worker composing it was lost: {type(exc).__name__}: {exc}",
        tracks=None,
        seconds=0.0,
    )


def _write_manifest(output_dir: Path, results: Iterable[StoryResult]) -> None:
    """manifest.jsonl, one line per input in input order, replaced whole."""
    temporary = output_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    temporary.write_text("".join(r.manifest_line() + "\n" for r in results), encoding="utf-8")
    os.replace(temporary, output_dir / MANIFEST)


class ProgressBar:
    """``[#####.....] 12/40  10 composed, 1 skipped, 1 failed  ETA 2:10`` on a terminal;
    silent when the stream is piped or with --quiet. The ETA counts composed albums only,
    since skipped ones cost nothing."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, *, quiet: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = not quiet and stream.isatty()
        self.started = time.monotonic()
        self.counts: Counter[str] = Counter()

    def update(self, result: StoryResult) -> None:
        self.counts[result.status] += 1
        if not self.enabled:
            return
        done = sum(self.counts.values())
        filled = round(self.WIDTH * done / self.total) if self.total else self.WIDTH
        counts = ", ".join(f"{self.counts[s]} {s}" for s in ("composed", "skipped", "failed"))
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total}  {counts}  "
            f"ETA {self._eta(done)}"
        )
        if done == self.total:
            self.stream.write("\n")
        self.stream.flush()

    def _eta(self, done: int) -> str:
        working = done - self.counts["skipped"]
        if working <= 0:
            return "--:--"
        remaining = (time.monotonic() - self.started) / working * (self.total - done)
        minutes, seconds = divmod(round(remaining), 60)
        return f"{minutes}:{seconds:02d}"


def summary(results: Sequence[StoryResult], seconds: float) -> str:
    """The table printed at the end: counts by status, the failures, and the pace."""
    counts = Counter(result.status for result in results)
    lines = ["status     albums"]
    lines += [f"{status:<10} {counts[status]:>6}" for status in ("composed", "skipped", "failed")]
    lines.append(f"{'total':<10} {len(results):>6}")
    failed = [result for result in results if result.status == "failed"]
    if failed:
        lines += ["", "failed:"]
        lines += [f"  {result.path}: {result.error}" for result in failed]
    composed = counts["composed"]
    if composed and seconds > 0:
        pace = composed / seconds * 60
        lines += ["", f"{composed} albums in {seconds:.1f} s ({pace:.1f} per minute)"]
    return "\n".join(lines) + "\n"


def exit_status(results: Sequence[StoryResult]) -> int:
    """0 if every input became an album; 2 if the failures are all bad input; 1 for a bug."""
    failed = [result for result in results if result.status == "failed"]
    if not failed:
        return 0
    return 2 if all(result.bad_input for result in failed) else 1


def batch(
    input_dir: Path,
    output_dir: Path,
    settings: BatchSettings,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
    stream: TextIO = sys.stderr,
) -> tuple[StoryResult, ...]:
    """``storyscore batch``: find the stories, compose them all, return the results."""
    if not input_dir.is_dir():
        raise RenderError(f"{input_dir} is not a folder; give the folder that holds the stories")
    if output_dir.exists() and not output_dir.is_dir():
        raise RenderError(f"{output_dir} is a file; choose a folder for the albums")
    if Path(os.path.abspath(output_dir)) == Path(os.path.abspath(input_dir)):
        raise RenderError("the output folder is the input folder; choose another for the albums")
    jobs = find_stories(input_dir, output_dir)
    if not jobs:
        raise RenderError(
            f"no story files ({', '.join(STORY_SUFFIXES)}) under {input_dir}; "
            "give the folder that holds them"
        )
    bar = ProgressBar(len(jobs), stream, quiet=quiet)
    return run_batch(
        jobs, settings, Path(os.path.abspath(output_dir)), workers=workers,
        scheduler=scheduler, on_result=bar.update,
    )
