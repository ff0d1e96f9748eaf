"""Accompaniment, bass and drums under the melody, per style (guide §6), and realisation of
degree lines into notes with dynamics and articulation (guide §7-8)."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from fractions import Fraction as F
from functools import cache

from storyscore.composition.harmony import QUALITY_INTERVALS, chord_pitch_classes
from storyscore.composition.melody import LineNote
from storyscore.composition.model import Chord, Note
from storyscore.music.theory import Key

TICK = F(1, 480)
BASS_RANGE = (28, 52)  # walking bass (guide §6: 28-55)
# A plain bass stays below the piano's broken chords, which start at ARPEGGIO_ABOVE_BASS.
PLAIN_BASS_RANGE = (28, 47)
ARPEGGIO_ABOVE_BASS = 48
PAD_CENTRE = 62
PHRASE_ARCH = 10


def to_grid(value: F) -> F:
    """Round a beat value to the MIDI tick grid (480 per beat)."""
    return F(round(value * TICK.denominator), TICK.denominator)


def articulate(duration: F, length: float) -> F:
    """Sounding length: ``length`` of the written value, never shorter than a tick."""
    return max(TICK, to_grid(duration * _share(length)))


@cache
def _share(length: float) -> F:
    """A legato share as a small fraction (there are a few per album, and many notes)."""
    return F(length).limit_denominator(100)


def velocity_at(beat: F, beats_per_bar: int, base: int) -> int:
    """Metric accent (guide §8): beat 1 +8, the middle beat +4, off-beats softer."""
    in_bar = beat % beats_per_bar
    if in_bar == 0:
        accent = 8
    elif beats_per_bar == 4 and in_bar == 2:
        accent = 4
    elif in_bar.denominator > 1:
        accent = -6
    else:
        accent = 0
    return max(1, min(127, base + accent))


def phrase_arch(beat: F, origin: F, length: F) -> int:
    """Louder toward the middle of a phrase and easing into its cadence (the KTH phrase-arch
    rule, guide §8): up to ``PHRASE_ARCH`` velocity steps."""
    position = min(1.0, max(0.0, float((beat - origin) / length)))
    return round(PHRASE_ARCH * math.sin(math.pi * position))


def _outside(degrees: Sequence[int], key: Key, tonic: int, low: int, high: int) -> int:
    """How many notes of a line on ``tonic`` fall outside ``low``..``high``."""
    return sum(not low <= key.degree_to_pitch(d, tonic) <= high for d in degrees)


def fit_register(degrees: Sequence[int], key: Key, low: int, high: int) -> int:
    """The tonic MIDI pitch that keeps the most of a line within ``low``..``high``."""
    centre = (low + high) // 2
    tonic = key.tonic_near(centre - 4)
    best, best_tonic = None, tonic
    for candidate in (tonic - 12, tonic, tonic + 12):
        pitches = [key.degree_to_pitch(d, candidate) for d in degrees]
        middle = abs((min(pitches) + max(pitches)) / 2 - centre) if pitches else 0
        score = (_outside(degrees, key, candidate, low, high), middle)
        if best is None or score < best:
            best, best_tonic = score, candidate
    return best_tonic


def octave_near(tonic: int, degrees: Sequence[int], key: Key, low: int, high: int) -> int:
    """``tonic`` moved by whole octaves only as far as needed to keep a line in its range, so a
    second voice keeps its written place against the first."""
    return min(
        (tonic + 12 * k for k in (0, -1, 1, -2, 2)),
        key=lambda t: (_outside(degrees, key, t, low, high), abs(t - tonic)),
    )


def octave_under(
    tonic: int,
    degrees: Sequence[int],
    leader_tonic: int,
    leader_degrees: Sequence[int],
    key: Key,
    low: int,
    high: int,
) -> int:
    """``tonic``, or the octave below it, whichever is the highest that puts the line's mean
    pitch under the leader's without leaving ``low``..``high``; ``tonic`` when neither does."""

    def mean_pitch(line: Sequence[int], on: int) -> float:
        return sum(key.degree_to_pitch(d, on) for d in line) / len(line)

    lead = mean_pitch(leader_degrees, leader_tonic)
    for candidate in (tonic, tonic - 12):
        fits = not _outside(degrees, key, candidate, low, high)
        if fits and mean_pitch(degrees, candidate) <= lead:
            return candidate
    return tonic


def other_octave(tonic: int, degrees: Sequence[int], key: Key, low: int, high: int) -> int:
    """The line an octave away from ``tonic`` (the motif in another register), up or down,
    whichever keeps more of it in ``low``..``high``; ``tonic`` itself when neither fits as well
    (notes outside the range would be folded back and the change would not be heard)."""

    def outside(candidate: int) -> int:
        return _outside(degrees, key, candidate, low, high)

    best = min((tonic + 12, tonic - 12), key=lambda t: (outside(t), t < tonic))
    return best if outside(best) <= outside(tonic) else tonic


def realise_line(
    line: Sequence[LineNote],
    *,
    key: Key,
    tonic_midi: int,
    chords: Sequence[Chord],
    base_velocity: int,
    beats_per_bar: int,
    length: float,
    low: int,
    high: int,
    phrase: tuple[F, F] | None = None,
) -> list[Note]:
    """Degrees to MIDI notes; chromatic notes follow the chord (leading tone, borrowed ♭6).
    A line that would pass the top or bottom of ``low``..``high`` turns back there, as far as
    it went past (a run that moved a note an octave instead broke into a leap of a seventh).
    ``phrase`` (start, length in beats) shapes the dynamics as an arch over it."""
    scale = key.pitch_classes()
    chord_starts = [chord.start for chord in chords]
    lowest, highest = degree_bounds(key, tonic_midi, low, high)
    notes = []
    for item in line:
        degree = item.degree
        if degree > highest:
            degree = max(lowest, 2 * highest - degree)
        elif degree < lowest:
            degree = min(highest, 2 * lowest - degree)
        pitch = key.degree_to_pitch(degree, tonic_midi)
        chord = chord_at(chords, chord_starts, item.start)
        if chord is not None:
            tones = chord_pitch_classes(chord)
            pc = pitch % 12
            if pc not in tones:
                if (pc + 1) % 12 in tones and (pc + 1) % 12 not in scale:
                    pitch += 1  # e.g. the raised leading tone under V in minor
                elif (pc - 1) % 12 in tones and (pc - 1) % 12 not in scale:
                    pitch -= 1  # e.g. ♭6 under a borrowed iv or ♭VI
        while pitch < low:
            pitch += 12
        while pitch > high:
            pitch -= 12
        notes.append(
            Note(
                start=item.start,
                duration=articulate(item.duration, length),
                pitch=pitch,
                velocity=velocity_at(
                    item.start,
                    beats_per_bar,
                    base_velocity + (phrase_arch(item.start, *phrase) if phrase else 0),
                ),
            )
        )
    return notes


def degree_bounds(key: Key, tonic: int, low: int, high: int) -> tuple[int, int]:
    """The lowest and highest degrees (on ``tonic``) whose pitches lie in ``low``..``high``."""
    lowest = 7 * ((low - tonic) // 12)
    while key.degree_to_pitch(lowest, tonic) < low:
        lowest += 1
    highest = lowest
    while key.degree_to_pitch(highest + 1, tonic) <= high:
        highest += 1
    return lowest, highest


def chord_at(chords: Sequence[Chord], starts: Sequence[F], beat: F) -> Chord | None:
    """The chord sounding at ``beat`` (``chords`` in time order, as a track holds them, and
    ``starts`` their starts)."""
    index = bisect_right(starts, beat) - 1
    if index >= 0 and beat < chords[index].start + chords[index].duration:
        return chords[index]
    return None


def _place(pc: int, low: int, high: int, near: int) -> int:
    """The pitch of class ``pc`` within ``low``..``high`` closest to ``near``."""
    options = [p for p in range(low, high + 1) if p % 12 == pc]
    return min(options, key=lambda p: (abs(p - near), p))


def bass_line(
    chords: Sequence[Chord],
    melody: Sequence[Note],
    *,
    beats_per_bar: int,
    velocity: int,
    arousal: float,
    walking: bool,
    rng: random.Random,
) -> list[Note]:
    """Roots on the chord changes, a fifth on the middle beat when lively, or a walking line
    in jazz; then thirds wherever a root would move in parallel fifths or octaves with the
    melody."""
    if walking:
        return avoid_parallels(
            _walking_bass(chords, velocity=velocity, rng=rng), chords, melody, span=BASS_RANGE
        )
    notes = []
    previous = 40
    for chord in chords:
        bass = _place(chord.root, *PLAIN_BASS_RANGE, near=previous)
        if beats_per_bar == 4 and chord.duration >= 4 and arousal > 0.0:
            half = chord.duration / 2
            fifth = _place((chord.root + 7) % 12, *PLAIN_BASS_RANGE, near=bass)
            notes.append(Note(chord.start, articulate(half, 0.9), bass, velocity))
            notes.append(Note(chord.start + half, articulate(half, 0.9), fifth, velocity - 6))
        else:
            notes.append(Note(chord.start, articulate(chord.duration, 0.95), bass, velocity))
        previous = bass
    return avoid_parallels(notes, chords, melody, span=PLAIN_BASS_RANGE)


def avoid_parallels(
    bass: Sequence[Note],
    chords: Sequence[Chord],
    melody: Sequence[Note],
    *,
    span: tuple[int, int] = PLAIN_BASS_RANGE,
) -> list[Note]:
    """Move the bass to the chord's third where it would form parallel fifths or octaves with
    the melody from one chord change to the next."""
    fixed = list(bass)
    first_at: dict[F, int] = {}
    for i, note in enumerate(fixed):
        first_at.setdefault(note.start, i)
    tops = highest_at(melody, [chord.start for chord in chords])
    previous: tuple[int, int] | None = None
    for chord, top in zip(chords, tops, strict=True):
        index = first_at.get(chord.start)
        if index is None or top is None:
            previous = None
            continue
        low = fixed[index].pitch
        if previous is not None and makes_parallel(previous[0], previous[1], top, low):
            third = (chord.root + QUALITY_INTERVALS[chord.quality][1]) % 12
            low = _place(third, *span, near=low)
            fixed[index] = Note(chord.start, fixed[index].duration, low, fixed[index].velocity)
        previous = (top, low)
    return fixed


def makes_parallel(top_a: int, bass_a: int, top_b: int, bass_b: int) -> bool:
    """Parallel (or consecutive) fifths or octaves between two voices moving the same way."""
    first, second = (top_a - bass_a) % 12, (top_b - bass_b) % 12
    if first not in (0, 7) or second != first:
        return False
    up_top, up_bass = top_b - top_a, bass_b - bass_a
    return up_top != 0 and up_bass != 0 and (up_top > 0) == (up_bass > 0)


def sounding_at(notes: Sequence[Note], beat: F) -> int | None:
    """The highest pitch sounding at ``beat``."""
    return highest_at(notes, [beat])[0]


def reaching(starts: Sequence[F], longest: F, start: F, end: F) -> slice:
    """Where in ``starts`` (sorted onsets of items no longer than ``longest``) are the items
    that may sound between ``start`` and ``end``: a bisection, not a scan of every item."""
    return slice(bisect_right(starts, start - longest), bisect_right(starts, end))


def highest_at(notes: Sequence[Note], beats: Sequence[F]) -> list[int | None]:
    """The highest pitch sounding at each of ``beats``, searching only notes that can reach it."""
    ordered = sorted(notes, key=lambda n: n.start)
    starts = [n.start for n in ordered]
    longest = max((n.duration for n in ordered), default=F(0))
    result = []
    for beat in beats:
        pitches = [
            n.pitch
            for n in ordered[reaching(starts, longest, beat, beat)]
            if beat < n.start + n.duration
        ]
        result.append(max(pitches) if pitches else None)
    return result


def _walking_bass(chords: Sequence[Chord], *, velocity: int, rng: random.Random) -> list[Note]:
    """Quarter notes: the root on the chord's first beat, chord tones between, and a
    chromatic or diatonic approach into the next root (guide §6, walking bass)."""
    notes: list[Note] = []
    previous = 40
    for index, chord in enumerate(chords):
        beats = int(chord.duration)
        following = chords[index + 1] if index + 1 < len(chords) else chord
        root = _place(chord.root, *BASS_RANGE, near=previous)
        tones = sorted(chord_pitch_classes(chord) - {chord.root})
        next_root = _place(following.root, *BASS_RANGE, near=root)
        line = [root]
        for beat in range(1, beats):
            if beat == beats - 1:
                line.append(next_root + rng.choice((-1, 1)))  # chromatic approach
            else:
                line.append(_place(rng.choice(tones), *BASS_RANGE, near=line[-1]))
        for beat, pitch in enumerate(line):
            pitch = min(max(pitch, BASS_RANGE[0]), BASS_RANGE[1])
            notes.append(Note(chord.start + beat, F(9, 10), pitch, velocity - (beat % 2) * 4))
        previous = line[-1]
    return notes


def voice_chord(
    chord: Chord, previous: Sequence[int] | None, *, seventh_in: Key | None = None
) -> list[int]:
    """A close voicing near the middle of the keyboard, moving as little as possible.

    With ``seventh_in`` a triad gains its seventh from that key's scale (a major seventh on I
    in major, a minor one on I in mixolydian), or the usual one where the root is borrowed.
    """
    intervals = QUALITY_INTERVALS[chord.quality]
    if seventh_in is not None and len(intervals) == 3:
        scale = seventh_in.pitch_classes()
        major, minor = (chord.root + 11) % 12, (chord.root + 10) % 12
        if chord.quality == "maj" and major in scale:
            seventh = 11
        elif minor in scale or chord.quality != "maj":
            seventh = 10
        else:
            seventh = 11
        intervals = (*intervals, seventh)
    pcs = [(chord.root + i) % 12 for i in intervals]
    centre = PAD_CENTRE if previous is None else round(sum(previous) / len(previous))
    return sorted(_place(pc, 52, 76, centre) for pc in pcs)


def pad_part(chords: Sequence[Chord], *, velocity: int) -> list[Note]:
    """Sustained chords (strings), voice-led."""
    notes, previous = [], None
    for chord in chords:
        voicing = voice_chord(chord, previous)
        notes.extend(
            Note(chord.start, articulate(chord.duration, 1.0), p, velocity) for p in voicing
        )
        previous = voicing
    return notes


def arpeggio_part(
    chords: Sequence[Chord],
    *,
    beats_per_bar: int,
    velocity: int,
    lowest: int = 43,
) -> list[Note]:
    """Broken chords (1-5-8-10 shapes) in quarters: the melody runs in eighths, and the two
    rhythms complement each other rather than double. ``lowest`` keeps the figure above a
    separate bass line (an octave of room from there)."""
    notes = []
    step = F(1)
    for chord in chords:
        root = _place(chord.root, lowest, lowest + 11, lowest + 5)
        third = root + QUALITY_INTERVALS[chord.quality][1] + 12
        fifth = root + QUALITY_INTERVALS[chord.quality][2]
        shape = [root, fifth, root + 12, third, root + 12, fifth]
        position, index = chord.start, 0
        while position < chord.start + chord.duration:
            notes.append(
                Note(
                    position,
                    articulate(step, 0.9),
                    shape[index % len(shape)],
                    velocity_at(position, beats_per_bar, velocity),
                )
            )
            position += step
            index += 1
    return notes


def piano_left_hand(
    chords: Sequence[Chord], *, beats_per_bar: int, velocity: int, arousal: float
) -> list[Note]:
    """Solo piano left hand by arousal (guide §6): block chords, broken chords, or stride."""
    if -0.25 <= arousal <= 0.35:
        return arpeggio_part(chords, beats_per_bar=beats_per_bar, velocity=velocity)
    notes = []
    for chord in chords:
        root = _place(chord.root, 36, 50, 43)
        upper = voice_chord(chord, None)
        upper = [p - 12 if p > 64 else p for p in upper]
        if arousal < -0.25:  # block chords, spread
            notes.append(Note(chord.start, articulate(chord.duration, 1.0), root, velocity))
            notes.extend(
                Note(chord.start, articulate(chord.duration, 1.0), p, velocity - 8) for p in upper
            )
            continue
        position = chord.start  # stride: bass on the strong beats, chords between
        beat = 0
        while position < chord.start + chord.duration:
            if beat % 2 == 0:
                notes.append(
                    Note(
                        position,
                        articulate(F(1), 0.8),
                        root - (12 if beat % 4 == 2 and root >= 43 else 0),
                        velocity,
                    )
                )
            else:
                notes.extend(Note(position, articulate(F(1), 0.6), p, velocity - 10) for p in upper)
            position += 1
            beat += 1
    return notes


def waltz_accompaniment(chords: Sequence[Chord], *, velocity: int) -> list[Note]:
    """Oom-pah-pah: short close chords on beats 2 and 3 of each bar."""
    notes = []
    for chord in chords:
        voicing = voice_chord(chord, None)
        position = chord.start
        while position < chord.start + chord.duration:
            for beat in (1, 2):
                notes.extend(
                    Note(position + beat, articulate(F(1), 0.5), p, velocity - 6) for p in voicing
                )
            position += 3
    return notes


def waltz_bass(chords: Sequence[Chord], *, velocity: int) -> list[Note]:
    """The root on beat 1, the fifth on beat 1 of every other bar."""
    notes = []
    bar = 0
    for chord in chords:
        position = chord.start
        while position < chord.start + chord.duration:
            interval = 7 if bar % 2 else 0
            pitch = _place((chord.root + interval) % 12, *PLAIN_BASS_RANGE, near=40)
            notes.append(Note(position, articulate(F(1), 0.9), pitch, velocity))
            position += 3
            bar += 1
    return notes


def jazz_comping(
    chords: Sequence[Chord], *, key: Key, beats_per_bar: int, velocity: int, rng: random.Random
) -> list[Note]:
    """Shell-and-extension voicings on Charleston or Red Garland rhythms (guide §6)."""
    notes = []
    for chord in chords:
        voicing = voice_chord(chord, None, seventh_in=key)
        position = chord.start
        while position < chord.start + chord.duration:
            hits = rng.choice(((F(0), F(3, 2)), (F(3, 2), F(7, 2)), (F(1), F(5, 2))))
            for hit in hits:
                if position + hit < chord.start + chord.duration:
                    notes.extend(Note(position + hit, F(1, 2), p, velocity - 8) for p in voicing)
            position += beats_per_bar
    return notes


def brush_drums(total_beats: F, *, beats_per_bar: int, velocity: int) -> list[Note]:
    """Brushes (GM2 brush kit on channel 10): a swirl on every beat, taps on 2 and 4, and the
    ride pattern with its swung pair on 2 and 4 (already swung: the pair falls at 2/3 of the
    beat, so the drums skip :func:`swing`)."""
    notes = []
    for beat in range(int(total_beats)):
        at = F(beat)
        notes.append(Note(at, F(1), 40, max(1, velocity - 20)))  # swirl
        notes.append(Note(at, F(2, 3), 51, velocity - 6))  # ride
        if beat % beats_per_bar % 2 == 1:
            notes.append(Note(at, F(1, 4), 38, velocity - 4))  # tap
            notes.append(Note(at + F(2, 3), F(1, 3), 51, velocity - 12))  # the swung pair
            notes.append(Note(at, F(1, 4), 44, velocity - 14))  # pedal hat
    return notes


def swing(notes: Sequence[Note]) -> list[Note]:
    """Move off-beat eighths to the last third of the beat (2:1 swing), keeping the grid."""
    per_beat = TICK.denominator

    def warp(t: F) -> int:  # in ticks: integer arithmetic, as this runs on every note
        beat, frac = divmod(t.numerator * per_beat // t.denominator, per_beat)
        half = per_beat // 2
        if frac <= half:
            return beat * per_beat + round(frac * 4 / 3)
        return beat * per_beat + round(per_beat * 2 / 3 + (frac - half) * 2 / 3)

    swung = []
    for note in notes:
        start, end = warp(note.start), warp(note.start + note.duration)
        swung.append(
            Note(F(start, per_beat), F(max(1, end - start), per_beat), note.pitch, note.velocity)
        )
    return swung
