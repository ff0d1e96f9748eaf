from storyscore.analysis.model import Character, Segment
from storyscore.analysis.relationships import pair_relationship, strongest_pair
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
    for a, b in zip(segments, segments[1:], strict=False):
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
