"""The relationship of two characters, segment by segment.

Co-presence says whether they share the stage; the valence of the sentences they share says
whether the meeting is warm or hostile; the history of the pair turns those into the six
states of DESIGN §4 (meeting, together, conflict, parting, apart, reunion).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from storyscore.analysis.model import Character, PairRelationship, RelationshipState, Segment

# Two characters share a sentence when both are named within this many sentences of it (in
# the same segment): a scene alternates between them more often than it names both at once.
SCENE_REACH = 2
# Sharing more sentences than the reach can carry over a cut counts as together.
MIN_SHARED_SENTENCES = SCENE_REACH + 1
# Shared scenes this much below the story's mean valence are conflict.
CONFLICT_MARGIN = 0.08
# The main cast whose pairs are followed, and among whom the leads are sought.
MAIN_CAST = 6


def strongest_pair(
    cast: Sequence[Character],
    presence: Sequence[tuple[int, ...]],
    *,
    candidates: int = MAIN_CAST,
) -> tuple[str, str] | None:
    """The two leads: the pair among the top of the cast that shares the most sentences."""
    limit = min(candidates, len(cast))
    shared = dict.fromkeys(combinations(range(limit), 2), 0)
    for row in presence:
        for pair in combinations(sorted(i for i in row if i < limit), 2):
            shared[pair] += 1
    if not shared:
        return None
    # Ties go to the more salient pair, so the result does not depend on iteration order.
    (a, b), count = max(shared.items(), key=lambda item: (item[1], -item[0][0], -item[0][1]))
    if count == 0:
        a, b = 0, 1
    return cast[a].name, cast[b].name


def pair_relationship(
    pair: tuple[str, str],
    *,
    cast: Sequence[Character],
    presence: Sequence[tuple[int, ...]],
    valence: Sequence[float],
    segments: Sequence[Segment],
) -> PairRelationship:
    """Co-presence, warmth and state of ``pair`` in each segment."""
    names = [c.name for c in cast]
    a, b = names.index(pair[0]), names.index(pair[1])
    story_mean = sum(valence) / len(valence) if valence else 0.0
    co_presence, warmth, states = [], [], []
    met_before = False
    was_together = False
    for segment in segments:
        rows = range(segment.first_sentence, segment.last_sentence + 1)
        near_a, near_b = _nearby(presence, a, rows), _nearby(presence, b, rows)
        shared = [i for i, x, y in zip(rows, near_a, near_b, strict=True) if x and y]
        size = len(rows)
        share = len(shared) / size
        mood = sum(valence[i] for i in shared) / len(shared) if shared else 0.0
        together = len(shared) >= min(MIN_SHARED_SENTENCES, size)
        co_presence.append(share)
        warmth.append(mood)
        states.append(_state(together, met_before, was_together, mood - story_mean))
        met_before = met_before or bool(together)
        was_together = bool(together)
    return PairRelationship(
        pair=pair, co_presence=tuple(co_presence), warmth=tuple(warmth), states=tuple(states)
    )


def cast_relationships(
    *,
    cast: Sequence[Character],
    presence: Sequence[tuple[int, ...]],
    valence: Sequence[float],
    segments: Sequence[Segment],
    candidates: int = MAIN_CAST,
) -> tuple[PairRelationship, ...]:
    """The relationship of every pair among the top ``candidates`` of the cast, in cast order
    (the more salient character first in each pair)."""
    top = [character.name for character in cast[:candidates]]
    return tuple(
        pair_relationship(pair, cast=cast, presence=presence, valence=valence, segments=segments)
        for pair in combinations(top, 2)
    )


def _nearby(presence: Sequence[tuple[int, ...]], character: int, rows: range) -> list[bool]:
    """Per sentence of ``rows``: is ``character`` named within ``SCENE_REACH`` sentences of it,
    inside the same segment."""
    near = [False] * len(rows)
    for offset, index in enumerate(rows):
        if character in presence[index]:
            low, high = max(0, offset - SCENE_REACH), min(len(rows), offset + SCENE_REACH + 1)
            near[low:high] = [True] * (high - low)
    return near


def _state(
    together: bool, met_before: bool, was_together: bool, relative_mood: float
) -> RelationshipState:
    if not together:
        return "parting" if was_together else "apart"
    if not met_before:
        return "meeting"
    if not was_together:
        return "reunion"
    if relative_mood < -CONFLICT_MARGIN:
        return "conflict"
    return "together"
