from __future__ import annotations

import dataclasses
import struct
import xml.etree.ElementTree as ET

import matplotlib
import pytest

from storyscore.composition.model import Album
from storyscore.render.plot import PNG_DPI, arc_figure_bytes

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def figure(album: Album) -> tuple[bytes, bytes]:
    return arc_figure_bytes(album)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE) and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_png_is_a_wide_readable_picture(figure: tuple[bytes, bytes]) -> None:
    width, height = png_size(figure[0])
    assert width == 12 * PNG_DPI
    assert 500 < height < width
    assert b"Software" not in figure[0]


def test_svg_is_xml_without_a_date(figure: tuple[bytes, bytes]) -> None:
    root = ET.fromstring(figure[1])
    assert root.tag.endswith("svg")
    assert b"<dc:date>" not in figure[1]


def test_same_album_gives_same_bytes(album: Album, figure: tuple[bytes, bytes]) -> None:
    assert arc_figure_bytes(album) == figure


def test_user_style_does_not_change_the_bytes(album: Album, figure: tuple[bytes, bytes]) -> None:
    with matplotlib.rc_context({"lines.linewidth": 7, "font.size": 20, "svg.hashsalt": None}):
        assert arc_figure_bytes(album) == figure
    assert matplotlib.rcParams["svg.hashsalt"] is None


def test_a_different_album_gives_a_different_picture(album: Album, figure) -> None:
    other = dataclasses.replace(album, title="Another Title")
    assert arc_figure_bytes(other)[0] != figure[0]


def test_story_without_leads_or_themes_still_draws(album: Album) -> None:
    bare = dataclasses.replace(
        album, themes=(), analysis=dataclasses.replace(album.analysis, leads=None)
    )
    png, svg = arc_figure_bytes(bare)
    assert png_size(png)[1] < png_size(arc_figure_bytes(album)[0])[1]
    ET.fromstring(svg)


@pytest.mark.parametrize("title", ["雪の夜 🌙", "x$_$y costs $\\frac$"])
def test_any_title_is_drawn_as_written(album: Album, title: str) -> None:
    plan = dataclasses.replace(album.tracks[0].plan, title=title)
    track = dataclasses.replace(album.tracks[0], plan=plan)
    png, _svg = arc_figure_bytes(dataclasses.replace(album, tracks=(track,), title=title))
    assert png.startswith(PNG_SIGNATURE)
