"""The next song: its plan follows the album's arc or a new text, and earlier tracks stay."""

from __future__ import annotations

import dataclasses

import pytest

from storyscore.analysis.model import Character
from storyscore.composition.album import compose_album
from storyscore.composition.continuation import (
    NEXT_STATE,
    Continuation,
    append_track,
    cast_presence,
    extrapolate,
    next_key,
    read_continuation,
    replay,
    state_after,
    story_tracks,
)
from storyscore.composition.model import Album
from storyscore.errors import CompositionError
from storyscore.ingest import parse_document
from storyscore.music.theory import MODES, Key
from storyscore.options import ComposeOptions

CAST = (
    Character("Ada", ("Ada Penrose",), 20, "female"),
    Character("Samuel", ("Samuel Reed", "Mr. Reed"), 18, "male"),
    Character("The Wolf", ("the wolf",), 5, None),
)


@pytest.fixture(scope="module")
def album(analysis) -> Album:
    return compose_album(analysis, ComposeOptions(seed=3, style="film"))


def _fifths_apart(a: Key, b: Key) -> int:
    gap = abs(a.fifths - b.fifths)
    return min(gap, 12 - gap)


def test_extrapolation_continues_the_trend_and_the_relationship(album: Album) -> None:
    recent = [t.plan for t in story_tracks(album)][-3:]
    continuation = extrapolate(album)
    rising = continuation.valence > recent[-1].valence
    assert rising == (recent[-1].valence > recent[0].valence)  # the trend goes on
    assert -1 <= continuation.valence <= 1 and -1 <= continuation.arousal <= 1
    assert continuation.state == NEXT_STATE[recent[-1].state][rising]
    assert continuation.characters[:2] == album.analysis.leads.pair
    assert continuation.text_sha256 is None and continuation.title


def test_extrapolation_clips_a_steep_trend(album: Album) -> None:
    tracks = list(album.tracks)
    for index, value in ((-4, -0.2), (-3, 0.5), (-2, 0.99)):  # a steep climb into the last
        plan = dataclasses.replace(tracks[index].plan, valence=value, arousal=-value)
        tracks[index] = dataclasses.replace(tracks[index], plan=plan)
    steep = dataclasses.replace(album, tracks=tuple(tracks[:-1]))  # without the epilogue
    continuation = extrapolate(steep)
    assert continuation.valence == 1.0 and continuation.arousal == -1.0


def test_apart_without_a_rising_arc_keeps_one_lead_on_stage(album: Album) -> None:
    tracks = list(album.tracks)
    last = tracks[-2].plan
    apart = dataclasses.replace(last, state="apart", characters=("Elias", "Marta"), valence=-0.9)
    tracks[-2] = dataclasses.replace(tracks[-2], plan=apart)
    continuation = extrapolate(dataclasses.replace(album, tracks=tuple(tracks)))
    assert continuation.state == "apart"
    assert continuation.characters == ("Elias", "Marta")
    assert continuation.title == "Still Apart"


def test_the_next_track_is_appended_and_the_others_stay(album: Album) -> None:
    continuation = extrapolate(album)
    longer = append_track(album, continuation)
    assert longer.tracks[:-1] == album.tracks
    new = longer.tracks[-1].plan
    reference = story_tracks(album)[-1].plan
    assert new.number == max(t.plan.number for t in album.tracks) + 1
    assert new.kind == "next" and new.title == continuation.title
    assert new.beats_per_bar == reference.beats_per_bar and new.bars == reference.bars
    assert 0.85 * reference.tempo_bpm - 0.5 <= new.tempo_bpm <= 1.15 * reference.tempo_bpm + 0.5
    assert _fifths_apart(new.key, reference.key) <= 1
    assert new.pair == album.analysis.leads.pair and new.state == continuation.state
    assert 0 <= new.first_sentence <= new.last_sentence < album.analysis.sentence_count
    # Themes already heard are developed, not introduced again.
    first = {}
    for statement in sorted(longer.tracks[-1].motif_statements, key=lambda s: s.bar):
        first.setdefault(statement.character, statement.transformation)
    assert first and "statement" not in first.values()


def test_a_second_next_follows_the_first(album: Album) -> None:
    once = append_track(album, extrapolate(album))
    twice = append_track(once, extrapolate(once))
    assert twice.tracks[:-1] == once.tracks
    assert twice.tracks[-1].plan.number == once.tracks[-1].plan.number + 1
    reference = once.tracks[-1].plan
    assert 0.85 * reference.tempo_bpm - 0.5 <= twice.tracks[-1].plan.tempo_bpm


def test_replay_rebuilds_the_same_tracks(album: Album) -> None:
    first = extrapolate(album)
    once = append_track(album, first)
    second = extrapolate(once)
    assert replay(album, [first, second]) == append_track(once, second)


@pytest.mark.parametrize("tonic", range(12))
@pytest.mark.parametrize("mode", MODES)
def test_next_keys_are_neighbours_on_the_circle_of_fifths(tonic: int, mode) -> None:
    previous = Key(tonic, mode)
    for valence_change in (-0.5, 0.0, 0.5):
        for arousal_change in (-0.5, 0.0, 0.5):
            key = next_key(previous, valence_change, arousal_change)
            assert _fifths_apart(key, previous) <= 1
    assert next_key(previous, 0.0, 0.0) == previous
    darker = next_key(previous, -0.5, 0.0)
    brighter = next_key(previous, 0.5, 0.0)
    assert not darker.is_major_like if previous.is_major_like else brighter.is_major_like


def test_state_after_follows_the_analysis_transitions() -> None:
    assert state_after([], True, 0.0) == "meeting"
    assert state_after(["apart"], True, 0.0) == "meeting"
    assert state_after(["meeting", "parting"], True, 0.0) == "reunion"
    assert state_after(["meeting", "together"], True, 0.0) == "together"
    assert state_after(["meeting", "together"], True, 0.5) == "conflict"  # tense
    assert state_after(["together"], False, 0.0) == "parting"
    assert state_after(["parting"], False, 0.0) == "apart"
    assert state_after([], False, 0.0) == "apart"


def test_cast_presence_matches_whole_names_aliases_and_pronouns() -> None:
    sentences = [
        "Adam and Adaline walked by.",  # neither is Ada
        "Ada's letter came; Mr. Reed read it.",
        "She smiled.",  # Ada, by the pronoun
        "The wolf howled, and he ran.",  # Samuel carried by "he"
        "Nobody else.",
        "Nothing.",
        "Later still, she slept.",  # beyond the pronoun's reach
        "Samuel-the-younger was not him; Samuel Reed was.",
    ]
    assert cast_presence(CAST, sentences) == ((), (0, 1), (0,), (1, 2), (), (), (), (1,))


def _document(text: str):
    return parse_document(text.encode("utf-8"), name="next.txt")


def test_a_text_sets_title_mood_cast_and_a_reunion_after_apart(album: Album) -> None:
    tracks = list(album.tracks)
    tracks[-2] = dataclasses.replace(
        tracks[-2], plan=dataclasses.replace(tracks[-2].plan, state="apart")
    )
    apart = dataclasses.replace(album, tracks=tuple(tracks))
    text = (
        "Nell came home in the spring. Elias was waiting at the gate. "
        "Nell took his hand and they laughed with joy. They were happy and warm together."
    )
    continuation = read_continuation(apart, _document(text))
    assert continuation.state == "reunion"
    assert set(continuation.characters) == {"Nell", "Elias"}
    assert continuation.valence > 0
    assert continuation.text_sentences == 4 and len(continuation.text_sha256 or "") == 64
    assert continuation.title and continuation.title in text


def test_a_text_without_the_leads_parts_them(album: Album) -> None:
    continuation = read_continuation(
        album, _document("Marta sat alone by the grey sea. The rain fell and fell.")
    )
    assert continuation.characters == ("Marta",)
    assert continuation.state == "parting"  # the album's story ended with them together
    longer = append_track(album, continuation)
    assert longer.tracks[-1].plan.characters == ("Marta",)


def test_a_text_without_sentences_is_refused(album: Album) -> None:
    empty = dataclasses.replace(_document("Something."), sentences=())
    with pytest.raises(CompositionError, match="no sentences"):
        read_continuation(album, empty)


def test_the_same_continuation_composes_the_same_notes(album: Album) -> None:
    continuation = Continuation("Again", 0.2, -0.3, ("Nell",), "apart")
    assert append_track(album, continuation) == append_track(album, continuation)
