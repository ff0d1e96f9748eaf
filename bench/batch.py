"""Batch throughput: albums per minute and words per second on 1 and 2 local Dask workers.

Runs ``storyscore batch`` as a whole process (cluster start included) over the stories of
../shared/data/stories, once per worker count, into fresh folders, and prints the scaling
(2-worker throughput over 1-worker throughput) and the cost of one book, from which
docs/batch-at-scale.md estimates a 60,000-book library.

    .venv/bin/python bench/batch.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STORIES = REPO.parent / "shared" / "data" / "stories"
CLI = [sys.executable, "-m", "storyscore.interfaces.cli"]


def run_once(workers: int, output: Path) -> tuple[float, list[dict], int]:
    """Wall seconds of one batch run, its manifest and the words composed."""
    started = time.perf_counter()
    process = subprocess.run(
        [*CLI, "batch", str(STORIES), "-o", str(output), "--workers", str(workers), "--quiet"],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"batch failed with {workers} workers: {process.stderr.strip()}")
    manifest = [json.loads(line) for line in (output / "manifest.jsonl").read_text().splitlines()]
    words = sum(
        json.loads((output / entry["album"] / "album.json").read_text())["source"]["words"]
        for entry in manifest
    )
    return wall, manifest, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per worker count (median)")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as scratch:
        for repeat in range(args.repeat):
            for workers in (1, 2):  # interleaved, so drift on a shared machine hits both
                output = Path(scratch) / f"w{workers}-{repeat}"
                rows.setdefault(workers, []).append(run_once(workers, output))
    print(f"{len(rows[1][0][1])} books from {STORIES}, median of {args.repeat} runs each\n")
    print("workers  wall s  albums/min  words/s   sum of per-book s")
    throughput = {}
    for workers, runs in rows.items():
        wall = statistics.median(run[0] for run in runs)
        manifest, words = runs[0][1], runs[0][2]
        books = len(manifest)
        book_seconds = statistics.median(sum(e["seconds"] for e in run[1]) for run in runs)
        throughput[workers] = books / wall
        print(
            f"{workers:>7}  {wall:6.1f}  {books / wall * 60:10.1f}  {words / wall:7.0f}   "
            f"{book_seconds:6.1f}"
        )
    print(f"\nscaling 2 workers / 1 worker: {throughput[2] / throughput[1]:.2f}x")
    one_worker = rows[1]
    per_book = statistics.median(sum(e["seconds"] for e in run[1]) for run in one_worker) / len(
        one_worker[0][1]
    )
    per_word = per_book * len(one_worker[0][1]) / one_worker[0][2]
    print(
        f"cost of one book on one core: {per_book:.2f} s on average "
        f"({per_word * 1e5:.2f} s per 100,000 words)"
    )


if __name__ == "__main__":
    main()
