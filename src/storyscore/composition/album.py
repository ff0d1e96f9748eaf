"""Compose an album: themes for the cast, a plan per track, then each track."""

from __future__ import annotations

from storyscore.analysis.model import StoryAnalysis
from storyscore.composition.arrangement import fit_register
from storyscore.composition.model import Album, Theme, Track
from storyscore.composition.motifs import make_themes
from storyscore.composition.plan import plan_album, theme_names
from storyscore.composition.styles import STYLES, Style, theme_slot
from storyscore.composition.track import Voice, compose_track
from storyscore.options import ComposeOptions
from storyscore.random_source import derive

STORY_THEME = "Melody"


def compose_album(analysis: StoryAnalysis, options: ComposeOptions) -> Album:
    """The whole album for ``analysis`` with ``options`` (deterministic in the seed)."""
    style = STYLES[options.style]
    home, plans = plan_album(analysis, options, style)
    voices = theme_voices(analysis, options.seed, style)
    themes = tuple(
        Theme(
            character=v.character,
            motif=v.motif,
            instrument=v.instrument,
            home_pitches=tuple(
                home.degree_to_pitch(d, fit_register(v.motif.degrees, home, v.low, v.high))
                for d in v.motif.degrees
            ),
        )
        for v in voices.values()
        if v.is_character
    )
    tracks = []
    introduced: set[str] = set()
    for plan in plans:
        chords, parts, markers, statements = compose_track(
            plan, voices=voices, introduced=frozenset(introduced), style=style, seed=options.seed
        )
        introduced.update(s.character for s in statements)
        tracks.append(Track(plan, chords, parts, markers, statements))
    return Album(
        title=analysis.title,
        seed=options.seed,
        style=options.style,
        analysis=analysis,
        home_key=home,
        themes=themes,
        tracks=tuple(tracks),
        options=options,
    )


def theme_voices(analysis: StoryAnalysis, seed: int, style: Style) -> dict[str, Voice]:
    """A motif, instrument and range per main character; the leads first, so that their two
    motifs are the pair made to sound together."""
    names = theme_names(analysis)
    count = max(1, len(names))  # a story where nobody has a name still has a theme of its own
    motifs = make_themes(count, beats_per_bar=style.beats_per_bar, rng=derive(seed, "motifs"))
    if not names:
        instrument, (low, high) = theme_slot(style, 0)
        return {STORY_THEME: Voice(STORY_THEME, motifs[0], instrument, low, high, False)}
    voices = {}
    for index, (name, motif) in enumerate(zip(names, motifs, strict=True)):
        instrument, (low, high) = theme_slot(style, index)
        voices[name] = Voice(name, motif, instrument, low, high)
    return voices
