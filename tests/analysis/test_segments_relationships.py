from itertools import pairwise

from storyscore.analysis.analyze import analyze_document
from storyscore.analysis.model import Character, Segment
from storyscore.analysis.relationships import (
    cast_relationships,
    pair_relationship,
    strongest_pair,
)
from storyscore.analysis.segments import default_track_count, segment_story
from storyscore.ingest import parse_document

CAST = (Character("Ann", (), 10), Character("Ben", (), 9), Character("Cat", (), 3))


def _segments(states_rows, size=10):
    return tuple(
        Segment(i + 1, str(i), size * i, size * i + size - 1, 0, 1, 0.0, 0.0, ())
        for i in range(len(states_rows))
    )


def test_states_follow_the_pair_history():
    # Per segment: are Ann and Ben together, and how warm are their shared sentences.
    rows = [(), (0, 1), (0, 1), (0, 1), (0,), (0, 1)]
    warm = [0.0, 0.4, 0.4, -0.6, 0.0, 0.5]
    presence, valence = [], []
    for together, mood in zip(rows, warm, strict=True):
        presence += [together] * 10
        valence += [mood] * 10
    result = pair_relationship(
        ("Ann", "Ben"), cast=CAST, presence=presence, valence=valence, segments=_segments(rows)
    )
    assert result.states == ("apart", "meeting", "together", "conflict", "parting", "reunion")
    assert result.co_presence[1] == 1.0 and result.co_presence[0] == 0.0


def test_strongest_pair_is_the_most_shared():
    presence = [(0, 2)] * 5 + [(1, 2)] * 8 + [(0, 1)] * 3
    assert strongest_pair(CAST, presence) == ("Ben", "Cat")
    assert strongest_pair(CAST[:1], presence) is None


def test_chapters_are_grouped_into_tracks():
    chapters = "\n\n".join(
        f"CHAPTER {n}\n\n"
        + " ".join(f"Ann walked to the mill on day {n} and {k}." for k in range(6))
        for n in range(1, 25)
    )
    document = parse_document(chapters)
    assert len(document.sections) == 24
    count = len(document.sentences)
    flat = tuple(0.0 for _ in range(count))
    segments = segment_story(
        document, arc_valence=flat, arc_arousal=flat, presence=[()] * count, cast=()
    )
    assert 5 <= len(segments) <= 12 == default_track_count(document) or len(segments) == 5
    starts = {s.first_sentence for s in document.sections}
    assert all(s.first_sentence in starts or s.number == 1 for s in segments)
    # Contiguous, covering every sentence.
    assert segments[0].first_sentence == 0 and segments[-1].last_sentence == count - 1
    for a, b in pairwise(segments):
        assert b.first_sentence == a.last_sentence + 1


def test_a_story_without_chapters_is_cut_at_its_turns():
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    document = parse_document(text)
    count = len(document.sentences)
    arc = tuple(-0.5 if i < 37 else 0.5 for i in range(count))
    segments = segment_story(
        document, arc_valence=arc, arc_arousal=arc, presence=[()] * count, cast=(), tracks=2
    )
    assert [s.first_sentence for s in segments] == [0, 37]
    assert all(1 <= len(s.title.split()) <= 7 for s in segments)


def test_every_pair_of_the_main_cast_is_followed():
    rows = [(0, 1), (0, 2), (1, 2), (0, 1, 2), (2,)]
    presence = [row for row in rows for _ in range(6)]
    valence = [0.3 if 1 in row else -0.2 for row in presence]
    segments = _segments(rows, size=6)
    pairs = cast_relationships(cast=CAST, presence=presence, valence=valence, segments=segments)
    assert [p.pair for p in pairs] == [("Ann", "Ben"), ("Ann", "Cat"), ("Ben", "Cat")]
    for relationship in pairs:
        assert relationship == pair_relationship(
            relationship.pair, cast=CAST, presence=presence, valence=valence, segments=segments
        )
    assert pairs[2].states == ("apart", "apart", "meeting", "together", "parting")
    large = tuple(Character(f"Person {n}", (), 20 - n) for n in range(8))
    everyone = cast_relationships(
        cast=large, presence=[tuple(range(8))] * 6, valence=[0.0] * 6, segments=_segments([()], 6)
    )
    assert len(everyone) == 15  # the top six: 6 * 5 / 2 pairs
    assert {name for p in everyone for name in p.pair} == {c.name for c in large[:6]}
    assert cast_relationships(cast=CAST[:1], presence=[()], valence=[0.0], segments=()) == ()


FRIENDS = "\n\n".join(
    [
        "Mara met Tobin at the harbour. Mara and Tobin laughed in the warm sun. "
        "Tobin gave Mara a lovely shell. They were happy together.",
        "Ilse arrived on the ferry. Ilse and Mara walked to the market. Mara told Ilse about "
        "Tobin. Ilse smiled.",
        "Tobin quarrelled with Ilse. Tobin shouted at Ilse in anger. Ilse wept bitterly. "
        "Tobin left the harbour in a rage.",
        "Years later Mara and Tobin met again by the sea. Mara took Tobin's hand. "
        "Tobin and Mara were glad and kind to each other.",
    ]
)


def test_analysis_follows_the_leads_and_every_main_pair():
    document = parse_document(FRIENDS)
    analysis = analyze_document(document, tracks=4)
    names = [c.name for c in analysis.cast]
    assert {"Mara", "Tobin", "Ilse"} <= set(names)
    assert len(analysis.relationships) == len(names[:6]) * (len(names[:6]) - 1) // 2
    assert set(analysis.leads.pair) == {"Mara", "Tobin"}
    assert analysis.leads in analysis.relationships  # the default leads keep their behaviour
    assert all(len(r.states) == len(analysis.segments) for r in analysis.relationships)
    chosen = analyze_document(document, tracks=4, leads=("Ilse", "Tobin"))
    assert chosen.leads.pair == ("Ilse", "Tobin")
    assert chosen.relationships == analysis.relationships


def test_in_a_story_with_dialogue_thinking_of_someone_is_not_being_together():
    """Named near each other but with no one speaking: memory, not a shared scene."""
    rows = [(0, 1)] * 10 + [(0, 1)] * 10
    spoken = [True] * 10 + [False] * 10  # the first scene is talk, the second is silence
    result = pair_relationship(
        ("Ann", "Ben"),
        cast=CAST,
        presence=rows,
        valence=[0.0] * 20,
        segments=_segments(rows[::10]),
        spoken=spoken,
    )
    assert result.states == ("meeting", "parting")
    # A story told without dialogue falls back to nearness alone.
    silent = pair_relationship(
        ("Ann", "Ben"),
        cast=CAST,
        presence=rows,
        valence=[0.0] * 20,
        segments=_segments(rows[::10]),
        spoken=[False] * 20,
    )
    assert silent.states == ("meeting", "together")


def test_a_tense_segment_together_is_conflict():
    rows = [(0, 1)] * 30
    valence = [0.2] * 10 + [-0.3] * 10 + [0.2] * 10
    arousal = [0.0] * 10 + [0.6] * 10 + [0.0] * 10
    result = pair_relationship(
        ("Ann", "Ben"),
        cast=CAST,
        presence=rows,
        valence=valence,
        segments=_segments(rows[::10]),
        arousal=arousal,
    )
    assert result.states == ("meeting", "conflict", "together")


def test_what_counts_as_speech():
    from storyscore.analysis.analyze import is_spoken
    from storyscore.ingest.model import Sentence

    def spoken(text: str, speaker: str | None = None) -> bool:
        return is_spoken(Sentence(0, 0, len(text), text, speaker))

    assert spoken('"Come in," she said.')
    assert spoken("\u2018Come in,\u2019 she said.")
    assert spoken("They talked until the bell rang.")
    assert spoken("Hello there.", speaker="BOB")
    assert not spoken("She remembered what he had said to her.")
    assert not spoken("She thought of him on the cold water.")
