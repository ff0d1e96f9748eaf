"""album.html: a self-contained page with the arc, the cast's motifs and the tracks."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest
from tests.browser import chromium_page

from storyscore.options import RenderOptions
from storyscore.render.names import TrackFiles, midi_path
from storyscore.render.page import album_page
from storyscore.render.plot import arc_figure_bytes
from storyscore.render.write import write_album


class _Elements(HTMLParser):
    """Counts start tags (by tag and by class) and keeps the attributes of links and sources."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.classes: dict[str, int] = {}
        self.references: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name in (attributes.get("class") or "").split():
            self.classes[name] = self.classes.get(name, 0) + 1
        for key in ("href", "src"):
            if key in attributes:
                self.references.append(attributes[key])

    def handle_data(self, data):
        self.text.append(data)


def _files(album, audio: bool = False) -> dict[int, TrackFiles]:
    return {
        track.plan.number: TrackFiles(
            midi=midi_path(track),
            audio=midi_path(track).replace("tracks/", "audio/").replace(".mid", ".flac")
            if audio
            else None,
        )
        for track in album.tracks
    }


def _page(album, files) -> _Elements:
    parser = _Elements()
    parser.feed(album_page(album, files, arc_figure_bytes(album)[1]))
    return parser


def test_the_page_holds_the_arc_the_cast_and_every_track(album):
    page = _page(album, _files(album))
    assert page.tags["h1"] == 1
    assert page.classes["track"] == len(album.tracks)
    assert page.classes["roll"] == len(album.themes)
    assert page.tags["rect"] >= sum(len(theme.home_pitches) for theme in album.themes)
    assert page.tags["svg"] == 1 + len(album.themes)  # the arc, and one roll per motif
    assert "audio" not in page.tags  # no audio was rendered, so no silent players
    assert all(not ref.startswith(("/", "http", "file:")) for ref in page.references)
    assert sorted(ref for ref in page.references if ref.endswith(".mid")) == sorted(
        midi_path(track) for track in album.tracks
    )
    text = "".join(page.text)
    assert all(track.plan.title in text for track in album.tracks)
    assert "Élise" in text and "The key is" in text  # the liner notes, per track


def test_players_point_at_the_audio_files(album):
    files = _files(album, audio=True)
    page = _page(album, files)
    assert page.tags["audio"] == len(album.tracks)
    sources = [ref for ref in page.references if ref.endswith(".flac")]
    assert sorted(set(sources)) == sorted(files[n].audio for n in files)


def test_every_text_on_the_page_is_escaped(album):
    hostile = dataclasses.replace(album, title='<script>alert("x")</script> & Co')
    html = album_page(hostile, _files(hostile), arc_figure_bytes(album)[1])
    assert "<script>" not in html
    assert "&lt;script&gt;alert" in html and "&amp; Co" in html


def test_the_page_renders_in_a_browser_from_file(album, tmp_path):
    written = write_album(album, tmp_path / "album")
    assert "album.html" in written.files
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((written.path / "album.html").as_uri())
        assert page.locator("h1").inner_text() == album.title
        assert page.locator("li.track").count() == len(album.tracks)
        arc = page.locator("figure.arc svg").bounding_box()
        assert arc is not None and arc["width"] > 400 and arc["height"] > 200
        for index, theme in enumerate(album.themes):
            roll = page.locator("svg.roll").nth(index)
            assert roll.locator("rect").count() == len(theme.home_pitches)
            assert roll.bounding_box()["width"] > 20
        assert page.get_by_role("heading", name="The tracks").is_visible()
    assert errors == []


def test_every_player_of_the_page_loads_its_audio_in_a_browser(album, tmp_path):
    pytest.importorskip("symusic", reason="audio needs the audio extra")
    from storyscore.render.audio import BUNDLED_SOUNDFONT

    extras = RenderOptions(audio=True, soundfont=str(BUNDLED_SOUNDFONT))
    written = write_album(album, tmp_path / "album", extras=extras)
    with chromium_page() as page:
        page.goto((written.path / "album.html").as_uri())
        players = page.locator("audio")
        assert players.count() == len(album.tracks)
        page.wait_for_function(
            "() => [...document.querySelectorAll('audio')]"
            ".every(a => a.readyState >= 1 && a.duration > 0)",
            timeout=30_000,
        )
        durations = players.evaluate_all("players => players.map(a => a.duration)")
    assert all(duration > 1 for duration in durations)
