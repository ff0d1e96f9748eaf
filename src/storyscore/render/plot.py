"""arc.png and arc.svg: the story's arc, its tracks, who is on stage and how the leads stand.

matplotlib is imported inside :func:`arc_figure_bytes` and drawn on an Agg canvas without
pyplot, so importing storyscore stays light and a notebook's backend is left alone.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyscore.analysis.model import (
    RELATIONSHIP_STATES,
    PairRelationship,
    Segment,
    StoryAnalysis,
)
from storyscore.composition.model import Album

if TYPE_CHECKING:
    from matplotlib.axes import Axes

VALENCE_COLOUR = "#0072B2"
AROUSAL_COLOUR = "#D55E00"
STATE_COLOURS = {  # Okabe-Ito colours, distinguishable with colour-blind eyes
    "meeting": "#56B4E9",
    "together": "#009E73",
    "conflict": "#D55E00",
    "parting": "#CC79A7",
    "apart": "#999999",
    "reunion": "#E69F00",
}
CHARACTER_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
TRACK_SHADES = ("#f2f2f2", "#ffffff")
PNG_DPI = 110
FIGURE_WIDTH = 12.0  # inches
TITLE_CHAR_WIDTH = 0.075  # inches taken by one character of an 8-point title, on average
# Presence gaps shorter than this share of the story are closed: finer detail than a pixel
# only bloats the SVG.
PRESENCE_GAP_SHARE = 1 / 800
SVG_HASH_SALT = "storyscore"
# Each track added by `storyscore next` is drawn past the story's end, this share of it wide.
NEXT_TRACK_SHARE = 0.08
NEXT_SHADE = "#e8eef6"


def arc_figure_bytes(album: Album) -> tuple[bytes, bytes]:
    """The arc figure as PNG and SVG bytes; the same album always gives the same bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    analysis = album.analysis
    names = _lane_names(album)
    ratios = [4.0]
    if names:
        ratios.append(0.32 * len(names))
    if analysis.leads:
        ratios.append(0.45)
    # Start from matplotlib's defaults so a user's style or matplotlibrc cannot change the bytes.
    with matplotlib.rc_context(), warnings.catch_warnings():
        matplotlib.rcdefaults()
        matplotlib.rcParams["svg.hashsalt"] = SVG_HASH_SALT
        # Titles in scripts the bundled font lacks draw as boxes; that is no reason to fail.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        figure = Figure(figsize=(FIGURE_WIDTH, 0.8 + sum(ratios)), layout="constrained")
        FigureCanvasAgg(figure)
        axes = list(
            figure.subplots(len(ratios), 1, sharex=True, height_ratios=ratios, squeeze=False)[:, 0]
        )
        _draw_tracks(album, axes, axes[0])
        _draw_arc(analysis, axes[0])
        if names:
            _draw_lanes(analysis, names, axes[1])
        if analysis.leads:
            _draw_relationship(analysis.segments, analysis.leads, axes[-1])
        end = _draw_next_tracks(album, axes)
        axes[-1].set_xlabel("sentence")
        axes[-1].set_xlim(0, end)
        figure.suptitle(_plain(album.title), x=0.01, ha="left", fontsize=14, fontweight="bold")
        figure.legend(loc="outside upper right", ncol=2, frameon=False, fontsize=9)
        png, svg = io.BytesIO(), io.BytesIO()
        figure.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
        figure.savefig(svg, format="svg", metadata={"Date": None})
    return png.getvalue(), svg.getvalue()


def _lane_names(album: Album) -> list[str]:
    """Characters with a theme, in cast order (most salient first)."""
    themed = {theme.character for theme in album.themes}
    return [c.name for c in album.analysis.cast if c.name in themed]


def _draw_tracks(album: Album, all_axes: Sequence[Axes], arc_axes: Axes) -> None:
    """Shade each story track on every panel; number and name it on the arc panel."""
    story = [t.plan for t in album.tracks if t.plan.kind == "story"]
    total = max(album.analysis.sentence_count, 1)
    for index, plan in enumerate(story):
        start, stop = plan.first_sentence, plan.last_sentence + 1
        for axes in all_axes:
            axes.axvspan(start, stop, color=TRACK_SHADES[index % 2], zorder=0, lw=0)
            axes.axvline(start, color="#c8c8c8", lw=0.6, zorder=0.5)
        middle = (start + stop) / 2
        axes_x = arc_axes.get_xaxis_transform()
        arc_axes.text(
            middle, 1.09, str(plan.number), transform=axes_x,
            ha="center", va="bottom", fontsize=10, fontweight="bold", color="#333333",
        )  # fmt: skip
        # The title gets as many characters as the band is wide; a narrow band keeps its number.
        fitting = int((stop - start) / total * FIGURE_WIDTH * 0.85 / TITLE_CHAR_WIDTH)
        if fitting >= 4:
            arc_axes.text(
                middle, 1.02, _plain(_short(plan.title, fitting)), transform=axes_x,
                ha="center", va="bottom", fontsize=8, color="#555555",
            )  # fmt: skip


def _draw_next_tracks(album: Album, axes: Sequence[Axes]) -> float:
    """Tracks added by `storyscore next` continue past the story's end: a band each, with the
    track's valence and arousal as flat lines and, below, the leads' state. Returns the x end."""
    total = max(album.analysis.sentence_count, 1)
    width = total * NEXT_TRACK_SHARE
    start = float(total)
    for plan in (t.plan for t in album.tracks if t.plan.kind == "next"):
        stop = start + width
        for panel in axes:
            panel.axvspan(start, stop, color=NEXT_SHADE, zorder=0, lw=0)
            panel.axvline(start, color="#c8c8c8", lw=0.6, zorder=0.5)
        axes[0].hlines(plan.valence, start, stop, color=VALENCE_COLOUR, lw=2.2)
        axes[0].hlines(plan.arousal, start, stop, color=AROUSAL_COLOUR, lw=2.2, linestyles="--")
        axes[0].text(
            (start + stop) / 2, 1.09, f"{plan.number}+", transform=axes[0].get_xaxis_transform(),
            ha="center", va="bottom", fontsize=10, fontweight="bold", color="#333333",
        )  # fmt: skip
        if album.analysis.leads and plan.state:
            axes[-1].broken_barh(
                [(start, width)], (0, 1), facecolors=STATE_COLOURS[plan.state], lw=0
            )
        start = stop
        _, high = axes[0].get_ylim()
        peak = max(abs(plan.valence), abs(plan.arousal))
        if peak * 1.1 > high:  # keep the new track's lines inside the panel
            limit = min(1.05, peak * 1.1)
            axes[0].set_ylim(-limit, limit)
    return start


def _short(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _plain(text: str) -> str:
    """Text shown as written: a "$" would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")


def _draw_arc(analysis: StoryAnalysis, axes: Axes) -> None:
    sentences = range(len(analysis.arc_valence))
    axes.axhline(0, color="#888888", lw=0.8, zorder=1)
    axes.plot(sentences, analysis.arc_valence, color=VALENCE_COLOUR, lw=2.2, label="valence")
    axes.plot(
        sentences, analysis.arc_arousal, color=AROUSAL_COLOUR, lw=2.2, label="arousal", ls="--"
    )
    peak = max([abs(v) for v in (*analysis.arc_valence, *analysis.arc_arousal)], default=0.0)
    limit = min(1.05, max(0.25, 1.2 * peak))
    axes.set_ylim(-limit, limit)
    axes.set_ylabel("valence, arousal")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _presence_runs(analysis: StoryAnalysis, cast_index: int) -> list[tuple[int, int]]:
    """(start, length) of the stretches where a character is present, small gaps closed."""
    gap = max(1, round(analysis.sentence_count * PRESENCE_GAP_SHARE))
    runs: list[tuple[int, int]] = []
    for sentence, present in enumerate(analysis.presence):
        if cast_index not in present:
            continue
        if runs and sentence - (runs[-1][0] + runs[-1][1]) < gap:
            runs[-1] = (runs[-1][0], sentence + 1 - runs[-1][0])
        else:
            runs.append((sentence, 1))
    return runs


def _draw_lanes(analysis: StoryAnalysis, names: Sequence[str], axes: Axes) -> None:
    """One thin band per main character where they are on stage."""
    cast_index = {c.name: i for i, c in enumerate(analysis.cast)}
    for lane, name in enumerate(names):
        colour = CHARACTER_COLOURS[lane % len(CHARACTER_COLOURS)]
        runs = _presence_runs(analysis, cast_index[name])
        axes.broken_barh(runs, (lane - 0.3, 0.6), facecolors=colour, lw=0)
    axes.set_ylim(len(names) - 0.5, -0.5)
    axes.set_yticks(range(len(names)), [_plain(name) for name in names], fontsize=9)
    axes.tick_params(axis="y", length=0)
    axes.set_title("on stage", loc="left", fontsize=9, color="#555555")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _draw_relationship(segments: Sequence[Segment], leads: PairRelationship, axes: Axes) -> None:
    """The leads' state in each segment, one colour per state."""
    from matplotlib.patches import Patch

    for segment, state in zip(segments, leads.states, strict=True):
        span = (segment.first_sentence, segment.last_sentence + 1 - segment.first_sentence)
        axes.broken_barh([span], (0, 1), facecolors=STATE_COLOURS[state], lw=0)
    axes.set_ylim(0, 1)
    axes.set_yticks([0.5], [_plain(f"{leads.pair[0]} & {leads.pair[1]}")], fontsize=9)
    axes.tick_params(axis="y", length=0)
    shown = [state for state in RELATIONSHIP_STATES if state in leads.states]
    axes.legend(
        handles=[Patch(color=STATE_COLOURS[state], label=state) for state in shown],
        loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(shown), frameon=False, fontsize=9,
        borderaxespad=0.1,
    )  # fmt: skip
    axes.set_title("the leads", loc="left", fontsize=9, color="#555555")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
