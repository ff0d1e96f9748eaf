from __future__ import annotations

import dataclasses
import io
from collections import Counter
from fractions import Fraction

import mido
import pytest

from storyscore.composition.model import Album, Instrument, Note, Part, Track
from storyscore.errors import RenderError
from storyscore.music.theory import Key
from storyscore.render.midi import (
    DRUM_CHANNEL,
    LEVEL_SPAN_DB,
    TICKS_PER_BEAT,
    key_signature_name,
    track_duration_seconds,
    track_level_db,
    track_to_midi,
)


def reopen(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data), charset="utf-8")


def absolute(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    tick, timed = 0, []
    for message in track:
        tick += message.time
        timed.append((tick, message))
    return timed


@pytest.fixture(scope="module")
def track(album: Album) -> Track:
    return album.tracks[1]  # the conflict track: section markers and an inverted motif


@pytest.fixture(scope="module")
def midi(track: Track, album: Album) -> mido.MidiFile:
    return reopen(track_to_midi(track, album))


def test_file_is_type_1_at_480_ticks_with_one_track_per_part(midi, track) -> None:
    assert midi.type == 1
    assert midi.ticks_per_beat == TICKS_PER_BEAT == 480
    assert len(midi.tracks) == 1 + len(track.parts)


def test_conductor_opens_with_name_tempo_meter_and_key(midi, track) -> None:
    at_zero = {m.type: m for tick, m in absolute(midi.tracks[0]) if tick == 0}
    assert at_zero["track_name"].name == "A Letter & a Quarrel"
    assert at_zero["set_tempo"].tempo == mido.bpm2tempo(track.plan.tempo_bpm)
    assert (at_zero["time_signature"].numerator, at_zero["time_signature"].denominator) == (4, 4)
    assert at_zero["key_signature"].key == "Em"


def test_conductor_has_section_and_motif_markers_at_their_beats(midi) -> None:
    markers = [(tick, m.text) for tick, m in absolute(midi.tracks[0]) if m.type == "marker"]
    assert markers == [
        (0, "A"),
        (0, "motif: Élise (statement)"),
        (8 * 480, "motif: Darcy (statement)"),
        (16 * 480, "B"),
        (16 * 480, "motif: Darcy (inversion)"),
    ]


def test_every_track_ends_at_the_end_of_the_music(midi, track) -> None:
    for midi_track in midi.tracks:
        end_tick, last = absolute(midi_track)[-1]
        assert last.type == "end_of_track"
        assert end_tick == track.plan.total_beats * 480


def test_parts_are_named_with_their_own_channel_and_program(midi, track) -> None:
    seen_channels = []
    for part, midi_track in zip(track.parts, midi.tracks[1:], strict=True):
        messages = [m for m in midi_track if not m.is_meta]
        names = [m.name for m in midi_track if m.type == "track_name"]
        assert names == [part.name]
        channels = {m.channel for m in messages}
        assert len(channels) == 1
        channel = channels.pop()
        assert (channel == DRUM_CHANNEL) == part.is_drums
        seen_channels.append(channel)
        programs = [m.program for m in messages if m.type == "program_change"]
        assert programs == [part.instrument.program]
        controls = {m.control for m in messages if m.type == "control_change"}
        assert controls == {7, 11, 10, 91}
    melodic = [c for c, p in zip(seen_channels, track.parts, strict=True) if not p.is_drums]
    assert len(set(melodic)) == len(melodic)


def test_the_leads_face_each_other_and_drums_sit_centre(midi, track) -> None:
    pans = {}
    for part, midi_track in zip(track.parts, midi.tracks[1:], strict=True):
        pan = [m.value for m in midi_track if m.type == "control_change" and m.control == 10]
        pans[part.name] = pan[0]
    assert pans["Élise"] < 64 < pans["Darcy"]
    assert pans["Drums"] == 64


def test_notes_come_back_exactly(midi, track) -> None:
    for part, midi_track in zip(track.parts, midi.tracks[1:], strict=True):
        sounding: dict[int, tuple[int, int]] = {}
        notes = []
        for tick, message in absolute(midi_track):
            if message.type == "note_on":
                sounding[message.note] = (tick, message.velocity)
            elif message.type == "note_off":
                start, velocity = sounding.pop(message.note)
                notes.append((start, tick, message.note, velocity))
        expected = [(int(n.start * 480), int(n.end * 480), n.pitch, n.velocity) for n in part.notes]
        assert Counter(notes) == Counter(expected)


def test_note_off_comes_before_note_on_at_the_same_tick(album: Album, track: Track) -> None:
    repeated = tuple(Note(Fraction(b), Fraction(1), 60, 90) for b in range(4))
    part = Part("Élise", Instrument(40, "Violin"), repeated)
    data = track_to_midi(dataclasses.replace(track, parts=(part,)), album)
    kinds = [(t, m.type) for t, m in absolute(reopen(data).tracks[1]) if m.type.startswith("note")]
    assert kinds[1:3] == [(480, "note_off"), (480, "note_on")]


def test_same_track_gives_same_bytes(album: Album, track: Track) -> None:
    assert track_to_midi(track, album) == track_to_midi(track, album)


def test_a_note_between_ticks_is_refused(album: Album, track: Track) -> None:
    part = Part("Élise", Instrument(40, "Violin"), (Note(Fraction(1, 7), Fraction(1), 60, 90),))
    with pytest.raises(RenderError, match="ticks-per-beat grid"):
        track_to_midi(dataclasses.replace(track, parts=(part,)), album)


def test_fifteen_melodic_parts_and_drums_fit_sixteen_do_not(album: Album, track: Track) -> None:
    note = (Note(Fraction(0), Fraction(1), 60, 90),)
    melodic = tuple(Part(f"p{i}", Instrument(i, f"i{i}"), note) for i in range(15))
    drums = Part("Drums", Instrument(0, "Kit"), note, is_drums=True)
    data = track_to_midi(dataclasses.replace(track, parts=(*melodic, drums)), album)
    channels = [next(m.channel for m in t if not m.is_meta) for t in reopen(data).tracks[1:]]
    assert channels == [*range(9), *range(10, 16), 9]
    too_many = (*melodic, Part("p15", Instrument(15, "i15"), note))
    with pytest.raises(RenderError, match="more than 15 melodic parts"):
        track_to_midi(dataclasses.replace(track, parts=too_many), album)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (Key(7, "major"), "G"),
        (Key(4, "minor"), "Em"),
        (Key(3, "minor"), "Ebm"),
        (Key(8, "minor"), "G#m"),
        (Key(6, "major"), "F#"),
        (Key(2, "dorian"), "C"),
        (Key(5, "phrygian"), "Db"),
        (Key(0, "lydian"), "G"),
        (Key(7, "mixolydian"), "C"),
    ],
)
def test_key_signature_name_follows_the_signature(key: Key, name: str) -> None:
    assert key_signature_name(key) == name
    assert mido.MetaMessage("key_signature", key=name).key == name


def test_track_duration_seconds_counts_bars_at_tempo(track: Track) -> None:
    plan = dataclasses.replace(track.plan, bars=8, beats_per_bar=3, tempo_bpm=90.0)
    assert track_duration_seconds(dataclasses.replace(track, plan=plan)) == pytest.approx(16.0)


def test_track_level_follows_the_story_arc(album) -> None:
    levels = {t.plan.number: track_level_db(t, album) for t in album.tracks}
    story = [t for t in album.tracks if t.plan.kind == "story"]
    calmest = min(story, key=lambda t: t.plan.arousal).plan.number
    liveliest = max(story, key=lambda t: t.plan.arousal).plan.number
    assert levels[liveliest] == 0.0 and levels[calmest] == -LEVEL_SPAN_DB
    assert all(-LEVEL_SPAN_DB <= level <= 0.0 for level in levels.values())
    by_arousal = sorted(story, key=lambda t: t.plan.arousal)
    assert [levels[t.plan.number] for t in by_arousal] == sorted(
        levels[t.plan.number] for t in story
    )
    midi = mido.MidiFile(file=io.BytesIO(track_to_midi(album.tracks[calmest - 1], album)))
    expressions = {
        m.value for t in midi.tracks for m in t if m.type == "control_change" and m.control == 11
    }
    assert expressions == {round(127 * 10 ** (-LEVEL_SPAN_DB / 40))}
