"""A track as a MusicXML score that notation programs open, written through music21.

The MIDI file is the performance; the score is what a player reads. So notes are notated, not
copied: onsets snap to a notation grid (sixteenths or eighth-note triplets, whichever fits the
part), lengths shortened by articulation become the values they stand for, swung eighths are
written straight under a "Swing" mark, notes of a part that start together become a chord,
and a note lasts until the next onset at most, so each part is one voice. The score is in
concert pitch (no transposing instruments), spelled in the track's key, with a dynamic mark
wherever a part's loudness changes level from bar to bar; drums sit on a percussion staff.

music21 is an optional extra (``storyscore[score]``), imported only where a score is written.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from storyscore._optional import require
from storyscore.composition.model import Album, Note, Part, Track, TrackPlan
from storyscore.composition.styles import STYLES
from storyscore.music.theory import Key

if TYPE_CHECKING:
    from music21 import note, stream

SCORE_EXTRA = "score"
# Notes per beat of the grids a part may be notated on: sixteenths, or eighth-note triplets.
NOTATION_DIVISIONS = (4, 3)
DRUM_CHANNEL = 9  # 0-based, as music21 counts; channel 10 to players
# Dynamic marks and the MIDI velocity each stands for (the usual notation-program mapping).
DYNAMIC_VELOCITIES = (
    ("ppp", 16), ("pp", 33), ("p", 49), ("mp", 64), ("mf", 80), ("f", 96), ("ff", 112),
    ("fff", 127),
)  # fmt: skip
# Letters along the line of fifths, from F (one flat side of C) to B; see `spelled_name`.
LETTERS_BY_FIFTHS = "FCGDAEB"
LETTER_PITCH_CLASS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# Where a General MIDI drum sits on a five-line percussion staff, and its notehead.
DRUM_POSITIONS: dict[int, tuple[str, str]] = {
    35: ("F4", "normal"), 36: ("F4", "normal"),  # bass drums
    37: ("C5", "x"), 38: ("C5", "normal"), 39: ("C5", "x"), 40: ("C5", "normal"),  # snares
    41: ("A4", "normal"), 43: ("A4", "normal"),  # floor toms
    45: ("D5", "normal"), 47: ("D5", "normal"), 48: ("E5", "normal"), 50: ("E5", "normal"),
    42: ("G5", "x"), 44: ("D4", "x"), 46: ("G5", "circle-x"),  # hi-hat closed, pedal, open
    49: ("A5", "x"), 52: ("A5", "x"), 55: ("A5", "x"), 57: ("A5", "x"),  # crashes
    51: ("F5", "x"), 53: ("F5", "diamond"), 59: ("F5", "x"),  # rides and the bell
}  # fmt: skip
OTHER_DRUM = ("E4", "triangle")  # hand percussion and effects share one line
# The clefs players read, by General MIDI program (0-based). A viola reads alto clef, moving
# to treble only when the part sits high; a cello, bassoon or trombone reads bass clef, tenor
# clef for a part that sits around middle C and above, treble when it sits higher still; basses
# and tuba read bass clef. Any other part gets the clef its pitches sit best in. "Sits" is the
# part's median pitch, against these MIDI bounds.
ALTO_CLEF_PROGRAMS = frozenset({41})  # viola
TENOR_CLEF_PROGRAMS = frozenset({42, 57, 70})  # cello, trombone, bassoon
BASS_CLEF_PROGRAMS = frozenset({*range(32, 40), 43, 58})  # basses, contrabass, tuba
ALTO_UP_TO = 71  # B4: above, a viola part is written in treble clef
BASS_UP_TO = 61  # C#4: above, a cello part moves to tenor clef
TENOR_UP_TO = 69  # A4: above, to treble clef


@dataclass(frozen=True, slots=True)
class ScoreEvent:
    """A note or chord as written: onset and written length in beats, MIDI pitches (drum keys
    for drums) ascending, and the velocity of its loudest note."""

    start: Fraction
    duration: Fraction
    pitches: tuple[int, ...]
    velocity: int


def track_to_musicxml(track: Track, album: Album) -> bytes:
    """The track as the bytes of a MusicXML 4.0 partwise score, the same bytes on every run.

    Raises
    ------
    MissingDependencyError
        If music21 (the ``score`` extra) is not installed.
    """
    require("music21", extra=SCORE_EXTRA)
    from music21.musicxml.m21ToXml import ScoreExporter

    score = _score(track, album)
    score.makeNotation(inPlace=True)  # measures, ties across barlines, beams, accidentals
    exporter = ScoreExporter(score)  # also splits lengths no single note value can write
    root = exporter.parse()
    for encoding in root.iter("encoding"):  # the only part of the file that changes by day
        for dated in encoding.findall("encoding-date"):
            encoding.remove(dated)
    return exporter.asBytes()


def notation_grid(notes: Sequence[Note]) -> Fraction:
    """The grid step (a sixteenth or a triplet eighth) that moves the part's onsets least;
    the sixteenth grid wins a tie."""

    def error(divisions: int) -> Fraction:
        return sum(
            (abs(n.start * divisions - round(n.start * divisions)) for n in notes),
            Fraction(0),
        )

    return Fraction(1, min(NOTATION_DIVISIONS, key=error))


def straight_beat(beat: Fraction) -> Fraction:
    """Where a swung beat position is written: the inverse of the composer's 2:1 swing
    (``composition.arrangement.swing``), which plays an off-beat eighth at 2/3 of the beat.

    Swing is written as straight eighths under a "Swing" mark, as players read it.
    """
    whole = math.floor(beat)
    within = beat - whole
    if within <= Fraction(2, 3):
        return whole + within * Fraction(3, 4)
    return whole + Fraction(1, 2) + (within - Fraction(2, 3)) * Fraction(3, 2)


def _straightened(swung: Note) -> Note:
    """A swung note moved to where it is written."""
    start = straight_beat(swung.start)
    return Note(start, straight_beat(swung.end) - start, swung.pitch, swung.velocity)


def written_length(sounding: Fraction, grid: Fraction) -> Fraction:
    """The written value of a note that sounds for ``sounding`` beats.

    Articulation shortens what is played (a half note held for 1.8 beats). The length is
    rounded to a step between a quarter and a half of it (the grid times a power of two), so
    it is written as the half note it stands for, not a double-dotted quarter and a rest.
    """
    step = grid
    while step * 4 <= sounding:
        step *= 2
    return max(step, round(sounding / step) * step)


def score_events(part: Part, *, swung: bool = False) -> tuple[ScoreEvent, ...]:
    """The part as a single voice of notes and chords on its notation grid.

    Onsets snap to the grid; lengths become written values (:func:`written_length`). Notes
    that start together form a chord as long as its longest note; an event is cut short
    where the next one starts, so no two overlap. A drum hit lasts until the next hit, or
    the end of its beat if that comes first. A ``swung`` part is written straight
    (:func:`straight_beat`).
    """
    notes = tuple(_straightened(n) for n in part.notes) if swung else part.notes
    grid = notation_grid(notes)
    by_start: dict[Fraction, tuple[Fraction, set[int], int]] = {}
    for sounding in notes:
        start = round(sounding.start / grid) * grid
        stop = start + written_length(sounding.duration, grid)
        held_stop, pitches, velocity = by_start.get(start, (stop, set(), 0))
        pitches.add(sounding.pitch)
        by_start[start] = (max(held_stop, stop), pitches, max(velocity, sounding.velocity))
    starts = sorted(by_start)
    events = []
    for start, next_start in itertools.zip_longest(starts, starts[1:]):
        stop, pitches, velocity = by_start[start]
        if part.is_drums:  # a hit's length is not heard: write it to the next hit or beat
            stop = Fraction(math.ceil(stop))
        if next_start is not None:
            stop = min(stop, next_start)
        events.append(ScoreEvent(start, stop - start, tuple(sorted(pitches)), velocity))
    return tuple(events)


def spelled_name(pitch_class: int, key: Key) -> str:
    """The note name (music21 style: ``"B-"``, ``"F#"``) of a pitch class in ``key``.

    Each spelling has a place on the line of fifths (C = 0, G = 1, F = -1, F# = 6, Bb = -2);
    the key's seven notes sit on seven neighbouring places. The spelling nearest the middle of
    those wins, which spells every scale note as the key signature does and a note outside
    the scale the usual way (F# rather than Gb in C major, C# in D minor). Half a place
    toward the sharp side in minor-like modes and the flat side in major-like ones breaks the
    one tie (G# in A minor, Ab in C major). Only single sharps and flats are used.
    """
    middle = key.fifths + 2 + (Fraction(1, 2) if not key.is_major_like else Fraction(-1, 2))
    places = [p for p in range(-8, 13) if (7 * p - pitch_class) % 12 == 0]
    place = min(places, key=lambda p: abs(p - middle))
    letter = LETTERS_BY_FIFTHS[(place + 1) % 7]
    alter = (place + 1) // 7
    return letter + {-1: "-", 0: "", 1: "#"}[alter]


def bar_dynamics(
    events: Sequence[ScoreEvent], beats_per_bar: int
) -> tuple[tuple[Fraction, str], ...]:
    """Dynamic marks as (beat, mark): at the first event of the part, then at the first event
    of each bar whose median velocity sits nearest another level than the last mark's.

    Bars, not notes, decide, so metric accents and phrase arches do not flicker the marks.
    """
    bars: dict[int, list[ScoreEvent]] = {}
    for event in events:
        bars.setdefault(int(event.start // beats_per_bar), []).append(event)
    marks: list[tuple[Fraction, str]] = []
    for bar in sorted(bars):
        level = statistics.median_low(event.velocity for event in bars[bar])
        mark = min(DYNAMIC_VELOCITIES, key=lambda item: abs(item[1] - level))[0]
        if not marks or marks[-1][1] != mark:
            marks.append((bars[bar][0].start, mark))
    return tuple(marks)


def _score(track: Track, album: Album) -> stream.Score:
    """The music21 score of a track: metadata, then one part per track part, in order."""
    from music21 import metadata, stream

    plan = track.plan
    style = STYLES.get(album.style)
    swung = style is not None and style.swing
    parts_events = [score_events(part, swung=swung) for part in track.parts]
    last_stop = max(
        (events[-1].start + events[-1].duration for events in parts_events if events), default=0
    )
    bars = max(plan.bars, math.ceil(last_stop / plan.beats_per_bar))  # whole bars, every note in
    score = stream.Score()
    score.metadata = metadata.Metadata(
        title=album.title,
        movementName=plan.title,
        movementNumber=plan.number,
        composer="storyscore",
    )
    melodic_channels = [c for c in range(16) if c != DRUM_CHANNEL]
    end = Fraction(bars * plan.beats_per_bar)
    for index, (part, events) in enumerate(zip(track.parts, parts_events, strict=True)):
        channel = DRUM_CHANNEL if part.is_drums else melodic_channels[index % len(melodic_channels)]
        score.insert(0, _part(part, events, index + 1, channel, plan, end, swung))
    return score


def _part(
    part: Part,
    events: Sequence[ScoreEvent],
    number: int,
    channel: int,
    plan: TrackPlan,
    end: Fraction,
    swung: bool,
) -> stream.Part:
    """One part, flat (makeNotation cuts it into bars): instrument, clef, key, meter, the
    tempo (a "Swing" one for ``swung``) on the first part, dynamics, and the events with
    rests between them up to ``end``."""
    from music21 import base, clef, dynamics, instrument, key, meter, note, stream, tempo

    if part.is_drums:
        player = instrument.UnpitchedPercussion()
    else:
        player = instrument.instrumentFromMidiProgram(part.instrument.program)
        player.transposition = None  # a concert-pitch score: every part written as it sounds
    player.partName = part.name
    player.instrumentName = part.instrument.name
    player.midiProgram = part.instrument.program
    player.midiChannel = channel
    player.partId = f"P{number}"  # fixed ids: music21 would draw random ones
    player.instrumentId = f"P{number}-I1"

    heading: list[base.Music21Object] = [player, meter.TimeSignature(plan.meter)]
    if not part.is_drums:  # a drum staff has no key
        heading.append(key.Key(spelled_name(plan.key.tonic, plan.key), plan.key.mode))
    if number == 1:
        bpm = int(plan.tempo_bpm) if plan.tempo_bpm.is_integer() else plan.tempo_bpm
        mark = tempo.MetronomeMark(text="Swing" if swung else None, number=bpm)
        mark.placement = "above"
        heading.append(mark)
    timed: list[tuple[Fraction, base.Music21Object]] = [(Fraction(0), item) for item in heading]
    dynamic_marks = bar_dynamics(events, plan.beats_per_bar)
    timed += [(beat, dynamics.Dynamic(level)) for beat, level in dynamic_marks]
    position = Fraction(0)
    for event in events:
        if event.start > position:
            timed.append((position, note.Rest(quarterLength=event.start - position)))
        timed.append((event.start, _written(event, part.is_drums, plan.key)))
        position = event.start + event.duration
    if end > position:
        timed.append((position, note.Rest(quarterLength=end - position)))
    for offset, item in timed:
        item.offset = offset
    staff = stream.Part(tuple(item for _, item in timed), id=f"P{number}")  # one insertion pass
    staff.partName = part.name
    if part.is_drums:
        staff.insert(0, clef.PercussionClef())
    else:
        written = [p for event in events for p in event.pitches]
        name = instrument_clef(part.instrument.program, written)
        staff.insert(0, clef.clefFromString(name) if name else clef.bestClef(staff))
    return staff


def instrument_clef(program: int, pitches: Sequence[int]) -> str | None:
    """The clef (music21's name: "C3" alto, "C4" tenor, "F4" bass, "G2" treble) that players of
    General MIDI ``program`` read ``pitches`` in; None where the pitches alone should decide."""
    if not pitches:
        return None
    middle = statistics.median_low(pitches)
    if program in ALTO_CLEF_PROGRAMS:
        return "C3" if middle <= ALTO_UP_TO else "G2"
    if program in TENOR_CLEF_PROGRAMS:
        return "F4" if middle <= BASS_UP_TO else "C4" if middle <= TENOR_UP_TO else "G2"
    if program in BASS_CLEF_PROGRAMS:
        return "F4"
    return None


def _written(event: ScoreEvent, is_drums: bool, key: Key) -> note.GeneralNote:
    """A music21 note or chord for an event, spelled in ``key``; drums become unpitched heads
    on their lines."""
    from music21 import chord, note, percussion, pitch

    length = event.duration
    if is_drums:
        heads = []
        for drum in event.pitches:
            line, head = DRUM_POSITIONS.get(drum, OTHER_DRUM)
            unpitched = note.Unpitched(displayName=line, quarterLength=length)
            unpitched.notehead = head
            heads.append(unpitched)
        if len(heads) == 1:
            return heads[0]
        return percussion.PercussionChord(heads, quarterLength=length)
    pitches = []
    for midi in event.pitches:
        name = spelled_name(midi % 12, key)
        alter = {"-": -1, "#": 1}.get(name[1:], 0)
        octave = (midi - LETTER_PITCH_CLASS[name[0]] - alter) // 12 - 1
        pitches.append(pitch.Pitch(name, octave=octave))
    if len(pitches) == 1:
        return note.Note(pitches[0], quarterLength=length)
    return chord.Chord(pitches, quarterLength=length)
