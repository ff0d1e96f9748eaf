"""A hand-made analysis with the six relationship states, for composition tests."""

import pytest

from storyscore.analysis.model import (
    Character,
    PairRelationship,
    Segment,
    StoryAnalysis,
)

STATES = ("meeting", "together", "conflict", "parting", "apart", "reunion")
VALENCE = (0.2, 0.45, -0.4, -0.3, -0.25, 0.5)
AROUSAL = (0.0, 0.1, 0.55, -0.2, -0.45, 0.3)


def make_analysis() -> StoryAnalysis:
    count = 120
    valence = tuple(VALENCE[i // 20] for i in range(count))
    arousal = tuple(AROUSAL[i // 20] for i in range(count))
    cast = (
        Character("Nell", ("Nell Farrow",), 50, "female"),
        Character("Elias", ("Elias Quint",), 40, "male"),
        Character("Marta", (), 10, "female"),
    )
    segments = tuple(
        Segment(
            number=i + 1,
            title=f"Scene {i + 1}",
            first_sentence=20 * i,
            last_sentence=20 * i + 19,
            start_char=200 * i,
            end_char=200 * i + 199,
            valence=VALENCE[i],
            arousal=AROUSAL[i],
            characters=("Nell",) if STATES[i] == "apart" else ("Nell", "Elias", "Marta"),
        )
        for i in range(6)
    )
    presence = tuple((0, 1) for _ in range(count))
    leads = PairRelationship(("Nell", "Elias"), (0.5,) * 6, (0.1,) * 6, STATES)
    return StoryAnalysis(
        title="Lamps",
        sha256="0" * 64,
        words=3000,
        sentence_count=count,
        cast=cast,
        presence=presence,
        valence=valence,
        arousal=arousal,
        arc_valence=valence,
        arc_arousal=arousal,
        segments=segments,
        leads=leads,
    )


@pytest.fixture(scope="session")
def analysis() -> StoryAnalysis:
    return make_analysis()
