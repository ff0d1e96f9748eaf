"""End to end in a real browser: paste a story into the studio, wait for its album, play a
track, read the arc, download the zip (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import zipfile

import pytest

pytest.importorskip("fastapi", reason="the web studio needs the web extra")
pytest.importorskip("httpx2", reason="the test waits for the server with httpx2")


from tests.browser import chromium_page
from tests.conftest import TINY_STORY
from tests.web.server import start_studio


@pytest.fixture()
def studio_url(tmp_path):
    server, url = start_studio(tmp_path / "data", workers=1)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_paste_compose_play_and_download(studio_url, tmp_path):
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(studio_url)
        hostile_title = '# <img src=x onerror="document.title=1"> & Co\n\n'
        page.get_by_label("Story text").fill(hostile_title + TINY_STORY.read_text(encoding="utf-8"))
        for control in ("Seed", "Tracks", "Render audio", "Story text"):
            assert page.get_by_label(control).is_visible()  # every control has its label
        assert page.get_by_label("or a story file").is_visible()
        page.get_by_label("Style").select_option("piano")
        page.get_by_label("Render audio").check()
        page.get_by_role("button", name="Compose the album").click()
        page.locator("#result").wait_for(state="visible", timeout=180_000)

        assert page.locator("#album-title").inner_text().startswith("<img src=x")  # shown as text
        assert page.locator("#result img").count() == 0 and page.title() == "storyscore studio"

        tracks = page.locator("#tracks-list > li")
        assert tracks.count() >= 3
        assert page.locator("#cast svg.roll").count() >= 2  # the two leads' motifs
        page.locator("#cast button.hear").first.click()  # plays it with WebAudio, no error
        assert page.evaluate("() => audioContext !== null && audioContext.state !== 'closed'")

        player = page.locator("#tracks-list audio").first
        player.evaluate("audio => audio.play()")
        page.wait_for_function(
            "() => { const a = document.querySelector('#tracks-list audio');"
            " return a.readyState >= 1 && a.duration > 0; }",
            timeout=30_000,
        )
        assert player.evaluate("audio => audio.duration") > 0

        page.locator("#arc").hover()  # scrolls it into view and points at its middle
        assert page.locator("#arc-sentence").inner_text().startswith("Sentence ")
        page.locator("#arc").press("ArrowRight")  # the keyboard moves along the story too
        assert page.locator("#arc-sentence").inner_text().startswith("Sentence ")

        with page.expect_download() as download:
            page.get_by_role("link", name="Download the album (zip)").click()
        saved = tmp_path / "album.zip"
        download.value.save_as(saved)
        names = zipfile.ZipFile(saved).namelist()
        assert any(name.endswith("/album.json") for name in names)
        assert any(name.endswith(".flac") for name in names)

        assert page.locator("#albums li").count() == 1
    assert errors == []
