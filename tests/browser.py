"""Headless Chromium for page tests (DESIGN §6): Debian's chromium driven by Playwright.

Where chromium or Playwright is missing the tests skip with the reason; CI sets
``STORYSCORE_REQUIRE_TOOLS=1`` (in .ci/run, which installs chromium), and then a missing
browser fails the test instead, so CI never passes without having run them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_tool(available: bool, reason: str) -> None:
    """Skip the test when a tool is missing, or fail it where CI demands every tool."""
    if available:
        return
    if os.environ.get("STORYSCORE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason} (STORYSCORE_REQUIRE_TOOLS=1)")
    pytest.skip(reason)


@contextmanager
def chromium_page() -> Iterator:
    """A fresh page in headless Chromium, closed after use."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require_tool(sync_playwright is not None, "Playwright for Python is not installed")
    require_tool(
        shutil.which(CHROMIUM) is not None, f"no browser at {CHROMIUM} (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()
