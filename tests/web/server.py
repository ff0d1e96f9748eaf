"""A studio started as its own process on a free loopback port, for tests that need a real
server (a browser, signals)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx2

from tests.conftest import free_port


def start_studio(data: Path, *, workers: int) -> tuple[subprocess.Popen, str]:
    """``storyscore serve`` on a free port, once it answers; the process and its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "storyscore.interfaces.cli", "serve", "--port", str(port),
         "--data", str(data), "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx2.get(f"{url}/api/albums", timeout=2)
            return server, url
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the studio did not start within 60 s")
