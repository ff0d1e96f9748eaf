from __future__ import annotations

import base64
import dataclasses
import re

import pytest

from storyscore.composition.model import Album
from storyscore.render.notebook import album_html_summary


@pytest.fixture(scope="module")
def html(album: Album) -> str:
    return album_html_summary(album)


def test_summary_shows_title_picture_and_a_row_per_track(album: Album, html: str) -> None:
    assert "<h3>Élise and the Quiet Heart</h3>" in html
    picture = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert picture and base64.b64decode(picture.group(1)).startswith(b"\x89PNG")
    assert html.count("<tr>") == 1 + len(album.tracks)
    assert "<td>E minor</td><td>132 BPM</td><td>Élise, Darcy</td><td>conflict</td>" in html


def test_summary_escapes_every_text(album: Album) -> None:
    plan = dataclasses.replace(album.tracks[0].plan, title="<script>alert(1)</script>")
    track = dataclasses.replace(album.tracks[0], plan=plan)
    html = album_html_summary(dataclasses.replace(album, title='Tom & "Jerry"', tracks=(track,)))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "Tom &amp; &quot;Jerry&quot;" in html


def test_album_shows_itself_in_a_notebook(album: Album, html: str) -> None:
    assert album._repr_html_() == html
