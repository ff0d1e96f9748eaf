"""A track as a Standard MIDI File (type 1) that DAWs open with names, channels and markers.

This module is the only place where beats become ticks. Layout (DESIGN §2 "MIDI conventions"):
track 0 is the conductor (title, tempo, time and key signature, section and motif markers); then
one MIDI track per part, named, on its own channel (drums on channel 10, index 9, only), opening
with a program change and volume, expression, pan and reverb controllers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from fractions import Fraction

import mido

from storyscore.composition.model import Album, Part, Track
from storyscore.errors import RenderError
from storyscore.music.theory import Key

TICKS_PER_BEAT = 480
DRUM_CHANNEL = 9
MELODIC_CHANNELS: tuple[int, ...] = tuple(c for c in range(16) if c != DRUM_CHANNEL)

# Key-signature names mido accepts, by number of sharps (+) or flats (-).
MAJOR_BY_FIFTHS = {
    -7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C",
    1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#",
}  # fmt: skip
MINOR_BY_FIFTHS = {
    -7: "Abm", -6: "Ebm", -5: "Bbm", -4: "Fm", -3: "Cm", -2: "Gm", -1: "Dm", 0: "Am",
    1: "Em", 2: "Bm", 3: "F#m", 4: "C#m", 5: "G#m", 6: "D#m", 7: "A#m",
}  # fmt: skip

# Stereo seats (CC10, 0 = left, 64 = centre, 127 = right) of an orchestra, by GM program.
STRING_SEATS = {40: 40, 41: 56, 42: 80, 43: 90, 44: 56, 45: 48, 46: 36, 47: 72}
FAMILY_SEATS = {  # first program of each GM family of eight -> seat
    0: 64, 8: 72, 16: 64, 24: 52, 32: 64, 48: 64, 56: 76, 64: 70,
    72: 56, 80: 60, 88: 64, 96: 68, 104: 50, 112: 74, 120: 64,
}  # fmt: skip
LEAD_SEATS = (44, 84)  # the two leads face each other left and right of centre

CHARACTER_VOLUME, ACCOMPANIMENT_VOLUME, BASS_VOLUME, DRUM_VOLUME = 100, 84, 92, 88
BASE_REVERB, LOW_REVERB = 52, 36  # low instruments and drums stay drier so they stay clear
# Track level follows the arc: the story's calmest segment plays this much below its most
# intense (GM expression, CC11: 40 log10(value / 127) dB), so album gain keeps it quieter.
LEVEL_SPAN_DB = 6.0


def beats_to_ticks(beats: Fraction | int) -> int:
    """Exact tick of a beat position; a position between ticks is a composition bug."""
    ticks, off_grid = divmod(beats.numerator * TICKS_PER_BEAT, beats.denominator)
    if off_grid:
        raise RenderError(
            f"beat {beats} does not fall on the {TICKS_PER_BEAT}-ticks-per-beat grid; "
            "quantise the notes before rendering"
        )
    return ticks


def key_signature_name(key: Key) -> str:
    """Name of the key signature for mido; a modal key uses the major key with its signature."""
    names = MINOR_BY_FIFTHS if key.mode == "minor" else MAJOR_BY_FIFTHS
    return names[key.fifths]


def track_duration_seconds(track: Track) -> float:
    """Length of the track's bars in seconds at its tempo."""
    plan = track.plan
    return plan.bars * plan.beats_per_bar * 60.0 / plan.tempo_bpm


def track_to_midi(track: Track, album: Album) -> bytes:
    """Render one track as the bytes of a type 1 Standard MIDI File at 480 ticks per beat.

    Raises
    ------
    RenderError
        If the track has more than 15 melodic parts (MIDI has 15 channels besides drums)
        or a note falls between ticks.
    """
    channels = _assign_channels(track.parts)
    end_tick = beats_to_ticks(track.plan.total_beats)
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT, charset="utf-8")
    midi.tracks.append(_conductor_track(track, end_tick))
    expression = round(127 * 10 ** (track_level_db(track, album) / 40))  # one level per track
    for part, channel in zip(track.parts, channels, strict=True):
        mix = _mix(part, track, album, expression)
        midi.tracks.append(_part_track(part, channel, mix, end_tick))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def _assign_channels(parts: Iterable[Part]) -> tuple[int, ...]:
    """Channel of each part: drums share channel 9, every other part gets its own."""
    channels: list[int] = []
    free = iter(MELODIC_CHANNELS)
    for part in parts:
        if part.is_drums:
            channels.append(DRUM_CHANNEL)
            continue
        channel = next(free, None)
        if channel is None:
            raise RenderError(
                f"a track has more than {len(MELODIC_CHANNELS)} melodic parts, more than MIDI "
                "channels allow; merge parts in the arrangement"
            )
        channels.append(channel)
    return tuple(channels)


def _conductor_track(track: Track, end_tick: int) -> mido.MidiTrack:
    """Track 0: title, time signature, key signature, tempo and markers."""
    plan = track.plan
    opening = [
        mido.MetaMessage("track_name", name=plan.title, time=0),
        mido.MetaMessage("time_signature", numerator=plan.beats_per_bar, denominator=4, time=0),
        mido.MetaMessage("key_signature", key=key_signature_name(plan.key), time=0),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(plan.tempo_bpm), time=0),
    ]
    markers = [(beats_to_ticks(marker.beat), marker.text) for marker in track.markers]
    markers += [
        (
            beats_to_ticks((statement.bar - 1) * plan.beats_per_bar),
            f"motif: {statement.character} ({statement.transformation})",
        )
        for statement in track.motif_statements
    ]
    # A stable sort keeps section markers before motif markers at the same tick.
    markers.sort(key=lambda item: item[0])
    timed = [(tick, mido.MetaMessage("marker", text=text)) for tick, text in markers]
    return _as_track(opening, timed, end_tick)


def _part_track(
    part: Part, channel: int, mix: tuple[int, int, int, int], end_tick: int
) -> mido.MidiTrack:
    """One part: name, instrument, volume/expression/pan/reverb, then its notes with
    note-offs first."""
    volume, expression, pan, reverb = mix
    opening = [
        mido.MetaMessage("track_name", name=part.name, time=0),
        mido.MetaMessage("instrument_name", name=part.instrument.name, time=0),
        mido.Message("program_change", channel=channel, program=part.instrument.program, time=0),
        mido.Message("control_change", channel=channel, control=7, value=volume, time=0),
        mido.Message("control_change", channel=channel, control=11, value=expression, time=0),
        mido.Message("control_change", channel=channel, control=10, value=pan, time=0),
        mido.Message("control_change", channel=channel, control=91, value=reverb, time=0),
    ]
    events: list[tuple[int, int, int, int]] = []  # (tick, 0 = off / 1 = on, pitch, velocity)
    for note in part.notes:
        events.append((beats_to_ticks(note.start), 1, note.pitch, note.velocity))
        events.append((beats_to_ticks(note.end), 0, note.pitch, 0))
    events.sort()
    timed = [
        (
            tick,
            mido.Message(  # values are checked by Note already; mido's checks cost a third
                "note_on" if is_on else "note_off",
                skip_checks=True,
                channel=channel,
                note=pitch,
                velocity=velocity,
            ),
        )
        for tick, is_on, pitch, velocity in events
    ]
    return _as_track(opening, timed, end_tick)


def _as_track(
    opening: list[mido.Message | mido.MetaMessage],
    timed: list[tuple[int, mido.Message | mido.MetaMessage]],
    end_tick: int,
) -> mido.MidiTrack:
    """A MIDI track from messages at tick 0 and messages at absolute ticks (already sorted,
    made for this track: their delta times are set here)."""
    midi_track = mido.MidiTrack(opening)
    previous = 0
    for tick, message in timed:
        message.time = tick - previous
        midi_track.append(message)
        previous = tick
    end = max(end_tick, previous)
    midi_track.append(mido.MetaMessage("end_of_track", time=end - previous))
    return midi_track


def _is_bass(part: Part) -> bool:
    """GM basses (32-39) and the contrabass (43) carry the low line."""
    return 32 <= part.instrument.program <= 39 or part.instrument.program == 43


def _mix(part: Part, track: Track, album: Album, expression: int) -> tuple[int, int, int, int]:
    """Volume, expression, pan and reverb: characters in front, accompaniment behind, low
    parts drier; the track's ``expression`` (its level in the story's arc) on every part.

    Calm tracks get a little more reverb, excited ones a little less.
    """
    characters = {theme.character for theme in album.themes}
    if part.is_drums:
        volume, reverb = DRUM_VOLUME, LOW_REVERB
    elif part.name in characters:
        volume, reverb = CHARACTER_VOLUME, BASE_REVERB
    elif _is_bass(part):
        volume, reverb = BASS_VOLUME, LOW_REVERB
    else:
        volume, reverb = ACCOMPANIMENT_VOLUME, BASE_REVERB
    leads = album.analysis.leads.pair if album.analysis.leads else ()
    reverb = max(0, min(127, round(reverb - 12 * track.plan.arousal)))
    return volume, expression, _pan(part, leads), reverb


def track_level_db(track: Track, album: Album) -> float:
    """The track's level in dB, 0 for the story's most intense segment down to
    -LEVEL_SPAN_DB for its calmest; the overture, epilogue and next songs are placed on the
    same scale (clamped to it). The scale comes from the story's analysis, which a next song
    does not change, so earlier tracks keep their bytes."""
    arousal = [segment.arousal for segment in album.analysis.segments]
    low, high = min(arousal, default=0.0), max(arousal, default=0.0)
    if high - low < 1e-9:
        return 0.0
    share = min(1.0, max(0.0, (track.plan.arousal - low) / (high - low)))
    return -LEVEL_SPAN_DB * (1.0 - share)


def _pan(part: Part, leads: tuple[str, ...]) -> int:
    """Stereo seat: drums centred, the leads facing each other, every other part by instrument.

    A part's seat depends only on its instrument, so a character sits in the same place in
    every track.
    """
    if part.is_drums:
        return 64
    if part.name in leads:
        return LEAD_SEATS[leads.index(part.name)]
    program = part.instrument.program
    return STRING_SEATS.get(program, FAMILY_SEATS.get(program - program % 8, 64))
