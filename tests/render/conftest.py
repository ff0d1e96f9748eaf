"""A small album built by hand from the models, so render tests need no composer."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from storyscore.analysis.model import (
    Character,
    PairRelationship,
    RelationshipState,
    Segment,
    StoryAnalysis,
)
from storyscore.composition.model import (
    Album,
    Chord,
    Instrument,
    Marker,
    Motif,
    MotifStatement,
    Note,
    Part,
    Theme,
    Track,
    TrackPlan,
)
from storyscore.music.theory import Key

SENTENCES = 240
VIOLIN = Instrument(40, "Violin")
CELLO = Instrument(42, "Cello")
FLUTE = Instrument(73, "Flute")
PIANO = Instrument(0, "Acoustic Grand Piano")
BASS = Instrument(32, "Acoustic Bass")
DRUMS = Instrument(0, "Standard Kit")

CAST = (
    Character("Élise", ("Élise Martin", "Miss Martin"), 140, "female"),
    Character("Darcy", ("Mr. Darcy",), 95, "male"),
    Character("Jane", (), 40, "female"),
)
# (title, first sentence, last sentence, key, tempo, valence, arousal, present, state)
SegmentSpec = tuple[str, int, int, Key, float, float, float, tuple[str, ...], RelationshipState]
E, D = "Élise", "Darcy"
SEGMENTS: tuple[SegmentSpec, ...] = (
    ("The Ball", 0, 47, Key(7, "major"), 104.0, 0.42, 0.31, (E, D, "Jane"), "meeting"),
    ("A Letter & a Quarrel", 48, 95, Key(4, "minor"), 132.0, -0.38, 0.55, (E, D), "conflict"),
    ("Rain at Pemberley", 96, 143, Key(2, "dorian"), 72.0, -0.22, -0.35, (E, "Jane"), "parting"),
    ("Winter", 144, 191, Key(5, "phrygian"), 60.0, -0.61, -0.52, ("Darcy",), "apart"),
    ("Spring Again", 192, 239, Key(0, "lydian"), 96.0, 0.58, 0.12, (E, D), "reunion"),
)  # fmt: skip
THEMES = (
    Theme(
        "Élise",
        Motif((0, 2, 4, 5, 4), tuple(Fraction(d) for d in (1, 1, "1/2", "1/2", 2))),
        VIOLIN,
        (67, 71, 74, 76, 74),
    ),
    Theme(
        "Darcy",
        Motif((4, 3, 1, 0), (Fraction(2), Fraction(1), Fraction(1), Fraction(4))),
        CELLO,
        (50, 48, 45, 43),
    ),
    Theme(
        "Jane",
        Motif((0, 1, 0, -1, 0), tuple(Fraction(d) for d in ("1/3", "1/3", "1/3", 1, 2))),
        FLUTE,
        (79, 81, 79, 78, 79),
    ),
)


def _presence(index: int) -> tuple[int, ...]:
    """Who is present in a sentence: the segment's cast, each with gaps of their own."""
    segment = next(s for s in SEGMENTS if s[1] <= index <= s[2])
    names = [c.name for c in CAST]
    return tuple(names.index(name) for k, name in enumerate(segment[7]) if (index + 3 * k) % 7 != 0)


def make_analysis() -> StoryAnalysis:
    valence = tuple(0.6 * math.sin(i / 19.0) + 0.2 * math.sin(i * 1.7) for i in range(SENTENCES))
    arousal = tuple(0.5 * math.cos(i / 31.0) + 0.25 * math.sin(i * 2.3) for i in range(SENTENCES))
    arc_valence = tuple(0.6 * math.sin(i / 19.0) for i in range(SENTENCES))
    arc_arousal = tuple(0.5 * math.cos(i / 31.0) for i in range(SENTENCES))
    segments = tuple(
        Segment(n, title, first, last, first * 60, (last + 1) * 60 - 1, v, a, present)
        for n, (title, first, last, _key, _tempo, v, a, present, _state) in enumerate(SEGMENTS, 1)
    )
    leads = PairRelationship(
        pair=(E, D),
        co_presence=(0.7, 0.8, 0.0, 0.0, 0.9),
        warmth=(0.4, -0.5, 0.0, 0.0, 0.6),
        states=tuple(s[8] for s in SEGMENTS),
    )
    return StoryAnalysis(
        title="Élise and the Quiet Heart",
        sha256="ab" * 32,
        words=3600,
        sentence_count=SENTENCES,
        cast=CAST,
        presence=tuple(_presence(i) for i in range(SENTENCES)),
        valence=valence,
        arousal=arousal,
        arc_valence=arc_valence,
        arc_arousal=arc_arousal,
        segments=segments,
        leads=leads,
    )


def _line(
    key: Key, tonic: int, bars: int, step: Fraction, offset: int, velocity: int
) -> tuple[Note, ...]:
    """A plain scale line: enough notes with exact beats to exercise the writers."""
    count = int(bars * 4 / step)
    return tuple(
        Note(i * step, step, key.degree_to_pitch((i + offset) % 8, tonic), velocity)
        for i in range(count)
    )


def make_track(number: int, spec: SegmentSpec, *, kind: str = "story") -> Track:
    title, first, last, key, tempo, valence, arousal, present, state = spec
    bars = 8
    plan = TrackPlan(
        number=number,
        kind=kind,  # type: ignore[arg-type]
        title=title,
        key=key,
        tempo_bpm=tempo,
        beats_per_bar=4,
        bars=bars,
        valence=valence,
        arousal=arousal,
        characters=present,
        pair=(E, D),
        state=state,
        first_sentence=first,
        last_sentence=last,
        start_char=first * 60,
        end_char=(last + 1) * 60 - 1,
    )
    drums = tuple(
        Note(Fraction(b), Fraction(1, 4), 42 if b % 2 else 36, 80) for b in range(bars * 4)
    )
    parts = [
        Part("Élise", VIOLIN, _line(key, key.tonic_near(72), bars, Fraction(1, 2), 0, 90)),
        Part("Darcy", CELLO, _line(key, key.tonic_near(48), bars, Fraction(1), 2, 84)),
        Part("Piano", PIANO, _line(key, key.tonic_near(60), bars, Fraction(1, 3), 4, 64)),
        Part("Bass", BASS, _line(key, key.tonic_near(36), bars, Fraction(2), 0, 88)),
        Part("Drums", DRUMS, drums, is_drums=True),
    ]
    statements = [MotifStatement(name, 1 + 2 * k, "statement") for k, name in enumerate(present)]
    if state == "conflict":
        statements.append(MotifStatement("Darcy", 5, "inversion"))
    if state == "apart":
        statements.append(MotifStatement("Élise", 7, "distant-fragment"))
    return Track(
        plan=plan,
        chords=(Chord(Fraction(0), Fraction(bars * 4), key.tonic, "maj", "I"),),
        parts=tuple(parts),
        markers=(Marker(Fraction(0), "A"), Marker(Fraction(16), "B")),
        motif_statements=tuple(statements),
    )


def make_album(seed: int = 7) -> Album:
    tracks = [make_track(n, spec) for n, spec in enumerate(SEGMENTS, 1)]
    epilogue = (
        "Epilogue",
        0,
        SENTENCES - 1,
        Key(7, "major"),
        84.0,
        0.3,
        -0.1,
        (E, D),
        "reunion",
    )
    tracks.append(make_track(len(tracks) + 1, epilogue, kind="epilogue"))
    return Album(
        title="Élise and the Quiet Heart",
        seed=seed,
        style="film",
        analysis=make_analysis(),
        home_key=Key(7, "major"),
        themes=THEMES,
        tracks=tuple(tracks),
    )


@pytest.fixture(scope="session")
def album() -> Album:
    return make_album()
