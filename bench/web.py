"""The web studio under load: 20 stories submitted at once on loopback.

Starts ``storyscore serve`` on a free port with a fresh data folder, submits 20 stories from
../shared/data (the stories and screenplays, cycled with different seeds) from 20 threads at
once, honouring 429 + Retry-After, and polls every job until it ends, timing each status
request. Prints: albums finished / failed / lost, wall time and throughput, and the p50 and
p95 latency of status requests while the studio was busy.

    .venv/bin/python bench/web.py [--stories 20] [--audio]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
SOURCES = sorted((DATA / "stories").glob("*.txt")) + sorted(
    (DATA / "screenplays").glob("*.fountain")
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{base}/api/albums", timeout=2).status_code == 200:
                return
        except httpx2.HTTPError:
            time.sleep(0.2)
    sys.exit("the studio did not start")


def submit(base: str, source: Path, seed: int, audio: bool, ids: list, retries: list) -> None:
    form = {"seed": str(seed), "style": ("film", "piano", "jazz", "waltz")[seed % 4]}
    if audio:
        form["audio"] = "true"
    while True:
        with source.open("rb") as story:
            response = httpx2.post(
                f"{base}/api/albums", data=form, files={"file": (source.name, story)}, timeout=60
            )
        if response.status_code != 429:
            break
        retries.append(1)
        time.sleep(float(response.headers["retry-after"]))
    response.raise_for_status()
    ids.append(response.json()["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--audio", action="store_true", help="render audio for every album")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen(
            [sys.executable, "-m", "storyscore.interfaces.cli", "serve", "--port", str(port),
             "--data", data],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(base)
            ids: list[str] = []
            retries: list[int] = []
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=submit,
                    args=(base, SOURCES[i % len(SOURCES)], i, args.audio, ids, retries),
                )
                for i in range(args.stories)
            ]
            for thread in threads:
                thread.start()
            latencies: list[float] = []
            final: dict[str, str] = {}
            with httpx2.Client(base_url=base, timeout=30) as client:
                while len(final) < args.stories:
                    for album_id in list(ids):
                        if album_id in final:
                            continue
                        asked = time.perf_counter()
                        status = client.get(f"/api/albums/{album_id}").json()
                        latencies.append(time.perf_counter() - asked)
                        if status["status"] in ("done", "failed"):
                            final[album_id] = status["status"]
                    time.sleep(0.25)
            wall = time.perf_counter() - started
            for thread in threads:
                thread.join()
            listed = {entry["id"] for entry in httpx2.get(f"{base}/api/albums").json()}
        finally:
            server.terminate()
            server.wait(timeout=60)
    done = sum(state == "done" for state in final.values())
    failed = sum(state == "failed" for state in final.values())
    lost = args.stories - len(set(ids) & listed)
    cut = statistics.quantiles(latencies, n=20)
    print(f"{args.stories} stories submitted at once ({len(retries)} retries after 429)")
    print(f"done {done}, failed {failed}, lost {lost}")
    print(f"wall {wall:.1f} s, throughput {done / wall * 60:.1f} albums per minute")
    print(
        f"status requests: {len(latencies)}, p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {cut[18] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
