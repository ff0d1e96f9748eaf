"""The pipeline: story text -> Document -> StoryAnalysis -> Album.

These are the functions the Python API exports; the CLI, web studio and batch mode call them.
"""

from __future__ import annotations

from storyscore.analysis.analyze import analyze_document
from storyscore.analysis.model import StoryAnalysis
from storyscore.composition.album import compose_album
from storyscore.composition.model import Album
from storyscore.ingest import parse_document
from storyscore.ingest.model import Document
from storyscore.options import ComposeOptions


def analyze(
    story: str | bytes | Document,
    *,
    tracks: int | None = None,
    leads: tuple[str, str] | None = None,
    name: str | None = None,
) -> StoryAnalysis:
    """Analyse a story given as text, bytes or an ingested :class:`Document`."""
    document = story if isinstance(story, Document) else parse_document(story, name=name)
    return analyze_document(document, tracks=tracks, leads=leads)


def compose(
    story: str | bytes | Document,
    *,
    seed: int = 0,
    style: str = "film",
    tracks: int | None = None,
    minutes: float | None = None,
    leads: tuple[str, str] | None = None,
    name: str | None = None,
) -> Album:
    """Compose the album of a story; ``Album.write(path)`` renders its folder."""
    options = ComposeOptions(seed=seed, style=style, tracks=tracks, minutes=minutes)
    analysis = analyze(story, tracks=options.tracks, leads=leads, name=name)
    return compose_album(analysis, options)
