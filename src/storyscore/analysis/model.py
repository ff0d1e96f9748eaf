"""The output of analysis: who is in the story, how it feels, where it turns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RelationshipState = Literal["meeting", "together", "conflict", "parting", "apart", "reunion"]
RELATIONSHIP_STATES: tuple[RelationshipState, ...] = (
    "meeting",
    "together",
    "conflict",
    "parting",
    "apart",
    "reunion",
)

ArcShapeName = Literal[
    "rags-to-riches", "tragedy", "man-in-a-hole", "icarus", "cinderella", "oedipus"
]
ARC_SHAPES: tuple[ArcShapeName, ...] = (
    "rags-to-riches",
    "tragedy",
    "man-in-a-hole",
    "icarus",
    "cinderella",
    "oedipus",
)


@dataclass(frozen=True, slots=True)
class Character:
    """A main character: canonical name, the other names that refer to them, mention count."""

    name: str
    aliases: tuple[str, ...]
    mentions: int
    gender: Literal["female", "male"] | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the story that becomes one track.

    Sentence indices are inclusive; character offsets point into ``Document.text``.
    ``valence``/``arousal`` are means of the smoothed arc over the segment, each in [-1, 1].
    ``characters`` lists the cast present, most present first. ``moment`` is a sentence of
    the segment that tells what happens in it, quoted by the liner notes ("" where none fits).
    """

    number: int
    title: str
    first_sentence: int
    last_sentence: int
    start_char: int
    end_char: int
    valence: float
    arousal: float
    characters: tuple[str, ...]
    moment: str = ""


@dataclass(frozen=True, slots=True)
class PairRelationship:
    """The relationship of two characters, one value per segment.

    ``co_presence`` is the share of the segment's sentences where both are present,
    ``warmth`` the mean valence of those sentences (0 where they never meet), and ``states``
    the DESIGN §4 state of the pair in each segment.
    """

    pair: tuple[str, str]
    co_presence: tuple[float, ...]
    warmth: tuple[float, ...]
    states: tuple[RelationshipState, ...]


@dataclass(frozen=True, slots=True)
class ArcShape:
    """Which of the six arcs of Reagan et al. (2016) the valence arc follows.

    ``scores`` gives every shape its correlation with the arc, in [-1, 1], best first;
    ``confidence`` (in [0, 1]) is low for a flat arc, an arc no taller than chance, or one
    that two shapes fit about equally well.
    """

    name: ArcShapeName
    confidence: float
    scores: tuple[tuple[ArcShapeName, float], ...]


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """Everything the composer needs to know about a story.

    ``presence[i]`` holds the indices into ``cast`` of the characters present in sentence ``i``.
    ``valence``/``arousal`` are raw per-sentence estimates; ``arc_valence``/``arc_arousal`` the
    smoothed arc at each sentence. All emotion values are in [-1, 1]. ``leads`` is the
    relationship of the two leads (the pair given, or the one sharing the most sentences);
    ``relationships`` that of every pair of the top of the cast, in cast order.
    """

    title: str
    sha256: str
    words: int
    sentence_count: int
    cast: tuple[Character, ...]
    presence: tuple[tuple[int, ...], ...]
    valence: tuple[float, ...]
    arousal: tuple[float, ...]
    arc_valence: tuple[float, ...]
    arc_arousal: tuple[float, ...]
    segments: tuple[Segment, ...]
    leads: PairRelationship | None
    arc_shape: ArcShape | None = None
    relationships: tuple[PairRelationship, ...] = ()
