"""The HTML an :class:`~storyscore.composition.model.Album` shows in a notebook."""

from __future__ import annotations

import base64
from html import escape

from storyscore.composition.model import Album, Track
from storyscore.render.plot import arc_figure_bytes


def album_html_summary(album: Album) -> str:
    """Title, the arc picture inline and a table of the tracks; every text is escaped."""
    png, _svg = arc_figure_bytes(album)
    picture = base64.b64encode(png).decode("ascii")
    header = "".join(
        f"<th>{name}</th>" for name in ("#", "title", "key", "tempo", "characters", "the leads")
    )
    rows = "\n".join(_row(track) for track in album.tracks)
    return (
        '<div class="storyscore-album">\n'
        f"<h3>{escape(album.title)}</h3>\n"
        f'<img alt="{escape(f"The arc of {album.title}")}" '
        f'src="data:image/png;base64,{picture}" style="max-width:100%">\n'
        f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        "</div>"
    )


def _row(track: Track) -> str:
    plan = track.plan
    cells = (
        str(plan.number),
        plan.title,
        f"{plan.key.tonic_name} {plan.key.mode}",
        f"{plan.tempo_bpm:g} BPM",
        ", ".join(plan.characters),
        plan.state or "",
    )
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"
