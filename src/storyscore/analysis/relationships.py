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
# In a story with dialogue, two characters are together where they are near each other and
# someone speaks within TALK_REACH sentences: people who share a scene talk, while a character
# who only thinks of another is named near them in silence. Below this share of spoken
# sentences a story counts as told without dialogue, and nearness alone decides.
TALK_REACH = 1
DIALOGUE_STORY_SHARE = 0.05
# A segment where the pair is together and which is this much more tense than the story on
# average is conflict; tension is how far below the story's mean valence and above its mean
# arousal the segment is (anger, fear).
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
    spoken: Sequence[bool] | None = None,
    arousal: Sequence[float] | None = None,
) -> PairRelationship:
    """Co-presence, warmth and state of ``pair`` in each segment.

    ``spoken`` marks the sentences of dialogue (quoted or attributed speech); where the story
    has dialogue, only shared sentences with speech nearby count as being together.
    """
    names = [c.name for c in cast]
    a, b = names.index(pair[0]), names.index(pair[1])
    story_mean = sum(valence) / len(valence) if valence else 0.0
    energy = arousal if arousal is not None else [0.0] * len(valence)
    story_energy = sum(energy) / len(energy) if energy else 0.0
    if spoken is not None and sum(spoken) < DIALOGUE_STORY_SHARE * len(spoken):
        spoken = None
    co_presence, warmth, states = [], [], []
    met_before = False
    was_together = False
    for segment in segments:
        rows = range(segment.first_sentence, segment.last_sentence + 1)
        near_a, near_b = _nearby(presence, a, rows), _nearby(presence, b, rows)
        shared = [i for i, x, y in zip(rows, near_a, near_b, strict=True) if x and y]
        if spoken is not None:
            shared = [i for i in shared if _talk_near(spoken, i, rows)]
        size = len(rows)
        share = len(shared) / size
        mood = sum(valence[i] for i in shared) / len(shared) if shared else 0.0
        # The scene's climate is read over the whole segment: the few sentences that name
        # both are too few to carry an argument's heat.
        climate = sum(valence[i] for i in rows) / size
        heat = sum(energy[i] for i in rows) / size
        tension = (story_mean - climate) + (heat - story_energy)
        together = len(shared) >= min(MIN_SHARED_SENTENCES, size)
        co_presence.append(share)
        warmth.append(mood)
        states.append(state_for(together, met_before, was_together, tension))
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
    spoken: Sequence[bool] | None = None,
    arousal: Sequence[float] | None = None,
    candidates: int = MAIN_CAST,
) -> tuple[PairRelationship, ...]:
    """The relationship of every pair among the top ``candidates`` of the cast, in cast order
    (the more salient character first in each pair)."""
    top = [character.name for character in cast[:candidates]]
    return tuple(
        pair_relationship(
            pair,
            cast=cast,
            presence=presence,
            valence=valence,
            segments=segments,
            spoken=spoken,
            arousal=arousal,
        )
        for pair in combinations(top, 2)
    )


def _talk_near(spoken: Sequence[bool], index: int, rows: range) -> bool:
    low, high = max(rows.start, index - TALK_REACH), min(rows.stop, index + TALK_REACH + 1)
    return any(spoken[low:high])


def _nearby(presence: Sequence[tuple[int, ...]], character: int, rows: range) -> list[bool]:
    """Per sentence of ``rows``: is ``character`` named within ``SCENE_REACH`` sentences of it,
    inside the same segment."""
    near = [False] * len(rows)
    for offset, index in enumerate(rows):
        if character in presence[index]:
            low, high = max(0, offset - SCENE_REACH), min(len(rows), offset + SCENE_REACH + 1)
            near[low:high] = [True] * (high - low)
    return near


def state_for(
    together: bool, met_before: bool, was_together: bool, tension: float
) -> RelationshipState:
    """The state of a pair in one stretch of story, from whether they share it, their history,
    and how tense it is: apart after together is a parting, together for the first time a
    meeting, together after apart a reunion, together and tense a conflict."""
    if not together:
        return "parting" if was_together else "apart"
    if not met_before:
        return "meeting"
    if not was_together:
        return "reunion"
    if tension > CONFLICT_MARGIN:
        return "conflict"
    return "together"
