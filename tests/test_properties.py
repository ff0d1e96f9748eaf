"""Property tests across stages (issue 7): any text is read and analysed or refused with the
project's own error, and any analysis composes into an album whose notes, bars, MIDI files and
album.json hold what DAWs and other tools rely on.

Examples are derandomised so CI runs the same cases every time; sizes are kept small so the
file runs in well under a minute on two cores.
"""

from __future__ import annotations

import hashlib
import io
import json
import string
from collections import Counter
from fractions import Fraction
from itertools import pairwise
from statistics import fmean
from typing import Any

import mido
from hypothesis import given, settings
from hypothesis import strategies as st

from storyscore.analysis.analyze import analyze_document
from storyscore.analysis.model import (
    ARC_SHAPES,
    RELATIONSHIP_STATES,
    Character,
    PairRelationship,
    Segment,
    StoryAnalysis,
)
from storyscore.composition.album import compose_album
from storyscore.composition.model import Album, Track
from storyscore.errors import StoryscoreError
from storyscore.ingest import Document, parse_document
from storyscore.options import MAX_TRACKS, MIN_TRACKS, STYLES, ComposeOptions
from storyscore.render.album_json import album_to_dict
from storyscore.render.midi import TICKS_PER_BEAT, track_to_midi
from storyscore.render.names import TrackFiles, midi_path
from tests.schema import album_errors

LOWEST_MELODIC, HIGHEST_MELODIC = 21, 108  # the piano's A0..C8
RELEASE_BEATS = 1  # how far a note may ring past the track's last bar

# --- random stories --------------------------------------------------------------------------

NAMES = ("Anna", "Bob", "Élise", "Darcy", "Mr. Quint", "Miss Bennet", "Zoë", "Ōta", "BOB")
VERBS = ("met", "loved", "left", "fought", "kissed", "saw", "said to", "waited for")
FILE_NAMES = ("story.txt", "story.md", "story.fountain", "story.epub")
SEPARATORS = (" ", "  ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", "\u2028", "\x0c")
PUNCTUATION = ".,;:!?-\u2014\u2013\u2026\"'\u201c\u201d\u2018\u2019()[]*_#~/\\"

person = st.sampled_from(NAMES) | st.from_regex(r"[A-Z][a-z]{1,9}", fullmatch=True)
plain_sentence = st.builds(
    lambda a, verb, b, end: f"{a} {verb} {b}{end}",
    person,
    st.sampled_from(VERBS),
    person,
    st.sampled_from((".", "!", "?", "...", "", ".\u201d")),
)
quote = st.builds(
    lambda words, speaker, marks: f"{marks[0]}{words},{marks[1]} said {speaker}.",
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=30),
    person,
    st.sampled_from(('""', "\u201c\u201d", "\u2018\u2019", "\u00ab\u00bb", "''")),
)
heading = st.builds(
    lambda word, number, title: f"\n\n{word} {number}{title}\n\n",
    st.sampled_from(("Chapter", "CHAPTER", "Stave", "ACT", "Scene", "Book", "Part", "#", "##")),
    st.sampled_from(("1", "IV", "XII", "One", "the Last", "")),
    st.sampled_from(("", ". The Ball", ": Marley's Ghost", "\n")),
)
scene_heading = st.builds(
    lambda place, time: f"\n\n{place} - {time}\n\n",
    st.sampled_from(("INT. HOUSE", "EXT. STREET", "INT./EXT. CAR", ".FLASHBACK")),
    st.sampled_from(("DAY", "NIGHT", "CONTINUOUS")),
)
cue = st.builds(lambda who, line: f"\n\n{who.upper()}\n{line}\n", person, plain_sentence)
control_characters = st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=3)
long_word = st.builds(
    lambda letter, size: letter * size, st.sampled_from("aZé"), st.integers(200, 3000)
)
only_punctuation = st.text(alphabet=PUNCTUATION, min_size=1, max_size=40)
any_unicode = st.text(max_size=200)
separator = st.sampled_from(SEPARATORS)

noise = st.one_of(control_characters, long_word, only_punctuation, any_unicode)
# Mostly story, some noise: a text that is all noise is refused before analysis reads it.
story_piece = st.one_of(plain_sentence, quote, heading, scene_heading, cue, noise)
# Short texts find edge cases; long ones reach segments, a cast and leads.
story_text = (
    st.lists(st.tuples(story_piece, separator), max_size=8)
    | st.lists(st.tuples(story_piece, separator), min_size=15, max_size=60)
).map(lambda pieces: "".join(piece + gap for piece, gap in pieces))


def assert_document_holds(document: Document) -> None:
    length = len(document.text)
    assert 0 <= document.body_start <= document.body_end <= length
    for index, sentence in enumerate(document.sentences):
        assert sentence.index == index
        assert 0 <= sentence.start < sentence.end <= length
        assert sentence.text.strip()


def assert_in_unit_range(values: Any) -> None:
    assert all(-1.0 <= value <= 1.0 for value in values)


def assert_relationship_holds(relation: PairRelationship, names: list[str], segments: int) -> None:
    assert relation.pair[0] != relation.pair[1]
    assert set(relation.pair) <= set(names)
    assert len(relation.states) == len(relation.co_presence) == len(relation.warmth) == segments
    assert set(relation.states) <= set(RELATIONSHIP_STATES)
    assert all(0.0 <= share <= 1.0 for share in relation.co_presence)
    assert_in_unit_range(relation.warmth)


def assert_analysis_holds(analysis: StoryAnalysis, document: Document) -> None:
    count = len(document.sentences)
    names = [character.name for character in analysis.cast]
    assert analysis.sentence_count == count
    assert analysis.title.strip() and len(set(names)) == len(names)
    assert all(name.strip() for c in analysis.cast for name in (c.name, *c.aliases))
    for series in (analysis.valence, analysis.arousal, analysis.arc_valence, analysis.arc_arousal):
        assert len(series) == count
        assert_in_unit_range(series)
    assert len(analysis.presence) == count
    for present in analysis.presence:
        assert len(set(present)) == len(present)
        assert all(0 <= index < len(names) for index in present)

    segments = analysis.segments
    assert [s.number for s in segments] == list(range(1, len(segments) + 1))
    assert segments[0].first_sentence == 0 and segments[-1].last_sentence == count - 1
    for before, after in pairwise(segments):
        assert after.first_sentence == before.last_sentence + 1
    for segment in segments:
        assert segment.first_sentence <= segment.last_sentence
        assert 0 <= segment.start_char <= segment.end_char <= len(document.text)
        assert_in_unit_range((segment.valence, segment.arousal))
        assert set(segment.characters) <= set(names)
        assert segment.title.strip()

    if analysis.leads is not None:
        assert_relationship_holds(analysis.leads, names, len(segments))
    for relation in analysis.relationships:
        assert_relationship_holds(relation, names, len(segments))
    if analysis.arc_shape is not None:
        assert analysis.arc_shape.name in ARC_SHAPES
        assert 0.0 <= analysis.arc_shape.confidence <= 1.0
        assert_in_unit_range(score for _, score in analysis.arc_shape.scores)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    text=story_text,
    encoding=st.none() | st.sampled_from(("utf-8-sig", "utf-16")),
    file_name=st.none() | st.sampled_from(FILE_NAMES),
    tracks=st.none() | st.integers(MIN_TRACKS, MAX_TRACKS),
    leads=st.none() | st.tuples(person, person),
)
def test_any_text_is_analysed_or_refused_with_a_storyscore_error(
    text: str,
    encoding: str | None,
    file_name: str | None,
    tracks: int | None,
    leads: tuple[str, str] | None,
) -> None:
    data = text if encoding is None else text.encode(encoding)
    try:
        document = parse_document(data, name=file_name)
        analysis = analyze_document(document, tracks=tracks, leads=leads)
    except StoryscoreError as error:
        message = str(error)
        assert message.strip() and "\n" not in message
        return
    assert_document_holds(document)
    assert_analysis_holds(analysis, document)
    if tracks is not None:
        assert len(analysis.segments) <= tracks
    if leads is not None:
        assert analysis.leads is not None and analysis.leads.pair == leads


# --- random analyses -------------------------------------------------------------------------

unit = st.floats(-1.0, 1.0, allow_nan=False)
# Names that are also part names ("Bass") or the nameless theme ("Melody") must not confuse.
character_name = st.sampled_from((*NAMES, "Bass", "Strings", "Melody", "李白")) | st.text(
    alphabet=st.characters(categories=["L", "Nd", "Zs", "Pd", "Po"]), min_size=1, max_size=16
)


def exactly(count: int, values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(values, min_size=count, max_size=count).map(tuple)


@st.composite
def story_analyses(draw: st.DrawFn) -> StoryAnalysis:
    """Any analysis the composer may be given: sizes, feelings, cast and leads drawn freely,
    but consistent with the model's contract (segments tile the sentences, presence points
    into the cast, a segment's characters are the cast present in it)."""
    count = draw(st.integers(1, 40))
    names = draw(st.lists(character_name, max_size=6, unique=True))
    cast = tuple(
        Character(
            name=character,
            aliases=tuple(draw(st.lists(character_name, max_size=2))),
            mentions=draw(st.integers(1, 500)),
            gender=draw(st.sampled_from((None, "female", "male"))),
        )
        for character in names
    )
    presence = tuple(
        tuple(sorted(draw(st.sets(st.integers(0, len(cast) - 1), max_size=len(cast)))))
        if cast
        else ()
        for _ in range(count)
    )
    valence, arousal = draw(exactly(count, unit)), draw(exactly(count, unit))
    arc_valence, arc_arousal = draw(exactly(count, unit)), draw(exactly(count, unit))
    sentence_lengths = draw(exactly(count, st.integers(1, 400)))
    ends = [sum(sentence_lengths[: i + 1]) for i in range(count)]

    cuts = sorted(draw(st.sets(st.integers(1, count - 1), max_size=5))) if count > 1 else []
    bounds = [0, *cuts, count]
    segments = []
    for number, (first, after) in enumerate(pairwise(bounds), start=1):
        last = after - 1
        seen = Counter(index for row in presence[first:after] for index in row)
        present = sorted(seen, key=lambda index: (-seen[index], index))
        segments.append(
            Segment(
                number=number,
                title=draw(st.text(min_size=1, max_size=40)),
                first_sentence=first,
                last_sentence=last,
                start_char=ends[first] - sentence_lengths[first],
                end_char=ends[last],
                valence=fmean(arc_valence[first:after]),
                arousal=fmean(arc_arousal[first:after]),
                characters=tuple(cast[index].name for index in present),
            )
        )

    leads = None
    if len(cast) >= 2 and draw(st.booleans()):
        first_lead, second_lead = draw(st.permutations(names))[:2]
        leads = PairRelationship(
            pair=(first_lead, second_lead),
            co_presence=draw(exactly(len(segments), st.floats(0.0, 1.0))),
            warmth=draw(exactly(len(segments), unit)),
            states=draw(exactly(len(segments), st.sampled_from(RELATIONSHIP_STATES))),
        )
    title = draw(st.text(min_size=1, max_size=40))
    return StoryAnalysis(
        title=title,
        sha256=hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest(),
        words=draw(st.integers(count, 40 * count)),
        sentence_count=count,
        cast=cast,
        presence=presence,
        valence=valence,
        arousal=arousal,
        arc_valence=arc_valence,
        arc_arousal=arc_arousal,
        segments=tuple(segments),
        leads=leads,
    )


compose_options = st.builds(
    ComposeOptions,
    seed=st.integers(0, 2**32 - 1),
    style=st.sampled_from(STYLES),
    tracks=st.none(),
    minutes=st.none() | st.floats(1.0, 180.0),
)


def track_files(album: Album) -> dict[int, TrackFiles]:
    return {track.plan.number: TrackFiles(midi=midi_path(track)) for track in album.tracks}


def assert_notes_hold(track: Track) -> None:
    plan = track.plan
    assert isinstance(plan.bars, int) and plan.bars > 0
    assert plan.total_beats == plan.bars * plan.beats_per_bar
    for part in track.parts:
        assert part.notes, part.name
        for note in part.notes:
            assert 0 <= note.pitch <= 127
            if not part.is_drums:
                assert LOWEST_MELODIC <= note.pitch <= HIGHEST_MELODIC, (part.name, note)
            assert 1 <= note.velocity <= 127
            assert note.duration > 0 and note.start >= 0
            assert note.end <= plan.total_beats + RELEASE_BEATS, (part.name, note)
            assert (note.start * TICKS_PER_BEAT).denominator == 1
            assert (note.end * TICKS_PER_BEAT).denominator == 1


def assert_chords_tile(track: Track) -> None:
    position = Fraction(0)
    for chord in track.chords:
        assert chord.start == position and chord.duration > 0, chord
        position += chord.duration
    assert position == track.plan.total_beats


def assert_markers_and_statements_fit(track: Track) -> None:
    plan = track.plan
    assert all(0 <= marker.beat < plan.total_beats for marker in track.markers)
    assert all(1 <= statement.bar <= plan.bars for statement in track.motif_statements)


def assert_midi_reopens(track: Track, album: Album) -> None:
    midi = mido.MidiFile(file=io.BytesIO(track_to_midi(track, album)))
    assert midi.type == 1 and midi.ticks_per_beat == TICKS_PER_BEAT
    assert len(midi.tracks) == 1 + len(track.parts)
    conductor_ticks = sum(message.time for message in midi.tracks[0])
    assert conductor_ticks == track.plan.total_beats * TICKS_PER_BEAT  # whole bars
    sounding = sum(
        1
        for midi_track in midi.tracks[1:]
        for message in midi_track
        if message.type == "note_on" and message.velocity > 0
    )
    assert sounding == sum(len(part.notes) for part in track.parts)


def assert_album_json_holds(document: dict[str, Any], album: Album) -> None:
    """JSON values only, the shipped schema (DESIGN §2 fields and types), and what the schema
    cannot say: the document agrees with the album it describes."""
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    errors = album_errors(document)
    assert not errors, errors
    assert document["seed"] == album.seed and document["style"] == album.style
    assert document["source"]["sentences"] == album.analysis.sentence_count
    themed = {theme.character for theme in album.themes}
    assert [c["name"] for c in document["characters"]] == [
        c.name for c in album.analysis.cast if c.name in themed
    ]
    assert [t["number"] for t in document["tracks"]] == list(range(1, len(album.tracks) + 1))
    for track in document["tracks"]:
        span = track["span"]
        assert span["first_sentence"] <= span["last_sentence"] < album.analysis.sentence_count
        assert span["start_char"] <= span["end_char"]
        assert set(track["characters"]) <= {c.name for c in album.analysis.cast}


@settings(max_examples=80, deadline=None, derandomize=True)
@given(analysis=story_analyses(), options=compose_options)
def test_any_analysis_composes_a_playable_album(
    analysis: StoryAnalysis, options: ComposeOptions
) -> None:
    album = compose_album(analysis, options)
    assert len(album.tracks) == len(analysis.segments) + 2  # the overture and the epilogue
    for track in album.tracks:
        assert_notes_hold(track)
        assert_chords_tile(track)
        assert_markers_and_statements_fit(track)
        assert_midi_reopens(track, album)
    assert_album_json_holds(album_to_dict(album, track_files(album)), album)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(analysis=story_analyses(), options=compose_options)
def test_the_same_analysis_and_options_compose_the_same_album(
    analysis: StoryAnalysis, options: ComposeOptions
) -> None:
    first, second = compose_album(analysis, options), compose_album(analysis, options)
    assert first == second
    files = track_files(first)
    assert album_to_dict(first, files) == album_to_dict(second, files)
    for mine, again in zip(first.tracks, second.tracks, strict=True):
        assert track_to_midi(mine, first) == track_to_midi(again, second)
