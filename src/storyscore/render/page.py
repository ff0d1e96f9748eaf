"""album.html: one self-contained page to look at and listen to the album, from ``file://``.

Everything but the audio is inside the page: styles, the arc (the arc.svg drawing inline),
each motif as a small piano roll. Players and links point at the album's own files by
relative paths, so the page works wherever the folder is copied and needs no server. The
words are those of NOTES.md (:mod:`storyscore.render.notes`); every text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from html import escape

import storyscore
from storyscore.composition.model import Album, Theme, Track
from storyscore.render.names import TrackFiles
from storyscore.render.notes import (
    album_intro,
    leads_line,
    motif_shape,
    theme_line,
    track_header,
    track_paragraphs,
)

AUDIO_TYPES = {".flac": "audio/flac", ".ogg": "audio/ogg", ".mp3": "audio/mpeg"}
ROLL_BEAT_PX, ROLL_SEMITONE_PX, ROLL_PAD_PX = 22, 6, 4
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"\*(.+?)\*")
_CODE = re.compile(r"`(.+?)`")
_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)

STYLE = """
:root { color-scheme: light dark; --ink: #1d1d1f; --paper: #fbfbf8; --muted: #5f5f66;
  --line: #d9d9d4; --accent: #0072B2; }
@media (prefers-color-scheme: dark) { :root { --ink: #ececec; --paper: #17171a;
  --muted: #a8a8b0; --line: #38383f; --accent: #56B4E9; } }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem; font: 1rem/1.55 system-ui, sans-serif;
  color: var(--ink); background: var(--paper); }
h1 { font-size: 2rem; margin: 0 0 .5rem; } h2 { margin-top: 2.5rem; }
h3 { margin: 0; font-size: 1.15rem; }
.arc svg { width: 100%; height: auto; background: #fff; border-radius: .4rem; }
.cast { list-style: none; padding: 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); }
.cast li, .track { border: 1px solid var(--line); border-radius: .5rem; padding: .9rem 1rem; }
.roll { display: block; margin: .5rem 0; }
.roll rect { fill: var(--accent); }
.tracks { list-style: none; padding: 0; display: grid; gap: 1rem; }
.meta, footer { color: var(--muted); font-size: .9rem; }
audio { width: 100%; margin: .6rem 0 .2rem; }
details summary { cursor: pointer; color: var(--accent); }
a { color: var(--accent); }
code { font-size: .85em; }
"""


def album_page(album: Album, files: Mapping[int, TrackFiles], arc_svg: bytes) -> str:
    """The whole page as text; ``files`` lists each track's files in the folder by number."""
    title = escape(album.title)
    leads = leads_line(album)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="storyscore {escape(storyscore.__version__)}">',
        f"<title>{title} · storyscore</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        f"<p>{_inline(album_intro(album))}</p>",
        "</header>",
        "<main>",
        '<section aria-labelledby="arc-heading">',
        '<h2 id="arc-heading">The arc of the story</h2>',
        f'<figure class="arc" role="img" aria-label="{escape(_arc_label(album))}">',
        _inline_svg(arc_svg),
        "</figure>",
        "</section>",
        '<section aria-labelledby="cast-heading">',
        '<h2 id="cast-heading">The cast and their motifs</h2>',
        '<ul class="cast">',
        *(_cast_item(album, theme) for theme in album.themes),
        "</ul>",
        f"<p>{_inline(leads)}</p>" if leads else "",
        "</section>",
        '<section aria-labelledby="tracks-heading">',
        '<h2 id="tracks-heading">The tracks</h2>',
        '<ol class="tracks">',
        *_track_items(album, files),
        "</ol>",
        "</section>",
        "</main>",
        f"<footer>Made by storyscore {escape(storyscore.__version__)} in the "
        f"{escape(album.style)} style with seed {album.seed}.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _inline(text: str) -> str:
    """The few inline marks the liner notes use (**strong**, *emphasis*, `code`), as HTML."""
    html = escape(text, quote=False)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EMPHASIS.sub(r"<em>\1</em>", html)
    return _CODE.sub(r"<code>\1</code>", html)


def _arc_label(album: Album) -> str:
    return (
        f"The valence and arousal of {album.title} over its sentences, with the "
        f"{len(album.tracks)} tracks, who is on stage and how the leads stand."
    )


def _inline_svg(svg: bytes) -> str:
    """arc.svg without its XML prolog and doctype, so it can sit inside HTML."""
    return _SVG_PROLOG.sub("", svg.decode("utf-8"), count=1)


def _cast_item(album: Album, theme: Theme) -> str:
    return (
        f"<li><h3>{escape(theme.character)}</h3>"
        f'<p class="meta">{escape(theme.instrument.name)}</p>'
        f"{motif_roll(theme)}"
        f"<p>{_inline(theme_line(album, theme))}</p></li>"
    )


def motif_roll(theme: Theme) -> str:
    """The motif as a small piano roll (SVG): one bar per note, higher notes higher."""
    pitches, durations = theme.home_pitches, theme.motif.durations
    low, high = min(pitches), max(pitches)
    width = float(sum(durations, Fraction(0))) * ROLL_BEAT_PX + 2 * ROLL_PAD_PX
    height = (high - low + 1) * ROLL_SEMITONE_PX + 2 * ROLL_PAD_PX
    bars, onset = [], Fraction(0)
    for pitch, duration in zip(pitches, durations, strict=True):
        x = float(onset) * ROLL_BEAT_PX + ROLL_PAD_PX
        y = (high - pitch) * ROLL_SEMITONE_PX + ROLL_PAD_PX
        bars.append(
            f'<rect x="{x:g}" y="{y:g}" width="{float(duration) * ROLL_BEAT_PX - 2:g}" '
            f'height="{ROLL_SEMITONE_PX - 1}" rx="1.5"/>'
        )
        onset += duration
    label = f"{theme.character}'s motif: {motif_shape(theme)}"
    return (
        f'<svg class="roll" role="img" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(bars)}</svg>"
    )


def _track_items(album: Album, files: Mapping[int, TrackFiles]) -> list[str]:
    items, previous = [], None
    for track in album.tracks:
        items.append(_track_item(album, track, previous, files[track.plan.number]))
        previous = track
    return items


def _track_item(album: Album, track: Track, previous: Track | None, files: TrackFiles) -> str:
    plan = track.plan
    heading = f"{plan.number}. {plan.title}"
    links = [f'<a href="{escape(files.midi)}">MIDI</a>']
    if files.musicxml:
        links.append(f'<a href="{escape(files.musicxml)}">MusicXML</a>')
    player = ""
    if files.audio:
        kind = AUDIO_TYPES.get(files.audio[files.audio.rfind(".") :], "audio/flac")
        player = (
            f'<audio controls preload="metadata" aria-label="{escape(heading)}">'
            f'<source src="{escape(files.audio)}" type="{kind}"></audio>'
        )
        links.append(f'<a href="{escape(files.audio)}">audio</a>')
    notes = "".join(f"<p>{_inline(text)}</p>" for text in track_paragraphs(album, track, previous))
    return (
        f'<li class="track" id="track-{plan.number}"><h3>{escape(heading)}</h3>'
        f'<p class="meta">{_inline(track_header(track))}</p>{player}'
        f'<p class="meta">{" · ".join(links)}</p>'
        f"<details open><summary>Liner notes</summary>{notes}</details></li>"
    )
