"""Compose one track from its plan: form, phrases, the leads' duet, harmony, arrangement.

Form: a short intro on the tonic, 8-bar periods labelled A, A', B, A'' (guide §1), and a
plagal outro. A phrases carry the main character's motif, B the second character's (or the
main motif inverted). When both leads are on stage, their two voices follow the relationship
state (guide §5); when one is absent, it is heard only as a distant fragment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction as F
from math import ceil

from storyscore.composition import arrangement as arr
from storyscore.composition.harmony import Slot, choose_chord, make_chord
from storyscore.composition.melody import (
    LineNote,
    PhraseLine,
    elaborate,
    fill_to,
    motif_notes,
    period,
    transpose_line,
)
from storyscore.composition.model import (
    Chord,
    Instrument,
    Marker,
    Motif,
    MotifStatement,
    Note,
    Part,
    TrackPlan,
    Transformation,
)
from storyscore.composition.motifs import augment, best_offset, diminish, fragment, invert
from storyscore.composition.styles import Style
from storyscore.random_source import derive

INTRO_BARS = 2
OUTRO_BARS = 2
LABELS = ("A", "A'", "B", "A''", "B'", "A'''", "B''", "A''''")
DUET_STATES = ("meeting", "together", "conflict", "parting", "reunion")
# Harmonic rhythm follows tempo (guide §3): two chords a bar when slow, the tonic held for
# two bars when fast.
SLOW_BPM, FAST_BPM = 72, 150
# How far past its usual melody range a voice may reach (toward the tune's register, under
# the leader, or for the "register" transformation), in semitones: the styles' ranges sit about
# this far inside the comfortable ranges of the composition guide (violin 62-88 of 55-93,
# cello 48-72 of 36-76).
REGISTER_REACH = 5
# The lowest tonic of a voice heard far away (an octave under its usual register).
QUIET_LOWEST = 36
# A restated motif is known by its head: the notes that running figures leave as they are.
HEAD_NOTES = 4


@dataclass(frozen=True, slots=True)
class Voice:
    """A character's voice: motif, instrument and comfortable range."""

    character: str
    motif: Motif
    instrument: Instrument
    low: int
    high: int
    # False for the story's own theme, used when nobody in it has a name: it sounds, but it
    # is no character's motif, so it makes no motif statements.
    is_character: bool = True


@dataclass(frozen=True, slots=True)
class _Phrase:
    label: str
    start_bar: int  # bar index in the track, from 0
    bars: int
    lines: dict[str, tuple[LineNote, ...]]  # character -> line
    leader: str
    statements: tuple[tuple[str, int, Transformation], ...]  # character, bar index, how
    quiet: frozenset[str]  # characters heard only far away
    supporting: frozenset[str]  # countermelodies and guests: softer than the leader
    lifted: bool = False  # the leader moved to its other octave (the "register" change)


def phrase_count(bars: int) -> int:
    """How many 8-bar phrases fit between the intro and outro."""
    return max(1, (bars - INTRO_BARS - OUTRO_BARS) // 8)


def compose_track(
    plan: TrackPlan,
    *,
    voices: dict[str, Voice],
    introduced: frozenset[str],
    style: Style,
    seed: int,
) -> tuple[tuple[Chord, ...], tuple[Part, ...], tuple[Marker, ...], tuple[MotifStatement, ...]]:
    """Chords, parts, markers and motif statements of one track."""
    rng = derive(seed, "track", plan.number)
    bpb = plan.beats_per_bar
    bar = F(bpb)
    # Phrases fill their long notes with running eighths in the figures of human tunes, at
    # any tempo (fast tracks that only led into each note with one eighth kept a fiddle
    # tune's double pace of notes). Arousal sets the tempo, and how far the figures leap:
    # by step up to the middle of the style's tempo range, widening toward its top. Tunes
    # move mostly by step (2.8 semitones on average in Ryan's Mammoth); leaning to leaps
    # from the middle up took our melodies to 3.3.
    low_bpm, high_bpm = style.tempo_range
    liveliness = max(-1.0, 4 * (plan.tempo_bpm - low_bpm) / (high_bpm - low_bpm) - 3)
    intro, phrases = _plan_phrases(plan, voices, introduced, rng, liveliness)
    tension = max(0.0, plan.arousal - plan.valence) / 2

    # Harmony: the intro on I-V, each phrase fitted to its leading line, a plagal outro.
    home = "I" if plan.key.is_major_like else "i"
    sub = "IV" if plan.key.is_major_like else "iv"
    chords = [make_chord(home, plan.key, F(0), bar), make_chord("V", plan.key, bar, bar)]
    if intro.lines:
        chords = _harmonise(
            intro, plan=plan, tension=tension, rng=rng, previous=None, jazz=style.swing
        )
    for phrase in phrases:
        chords.extend(
            _harmonise(
                phrase, plan=plan, tension=tension, rng=rng, previous=chords[-1].numeral,
                jazz=style.swing,
            )
        )
    end = INTRO_BARS + 8 * len(phrases)
    chords += [
        make_chord(sub, plan.key, end * bar, bar),
        make_chord(home, plan.key, (end + 1) * bar, bar),
    ]

    # Melody voices realised with their own instruments and registers.
    base = int(46 + 30 * (plan.arousal + 1) / 2)
    legato = 0.6 if plan.arousal > 0.45 and plan.valence > 0 else 0.95
    by_voice: dict[str, list[Note]] = {character: [] for character in voices}
    unheard_lifts: set[int] = set()  # phrases whose change of register found no room
    last_tonic: dict[str, int] = {}  # where each voice was last heard
    band = _tune_register(phrases[0], voices, plan)
    for phrase in (intro, *phrases):
        leader = voices.get(phrase.leader)
        leader_line = phrase.lines.get(phrase.leader, ())
        leader_tonic = None
        if leader is not None and leader_line:
            leader_degrees = [n.degree for n in leader_line]
            # whoever leads sings in the octave nearest the tune's register, reaching past its
            # usual range for it (a cello answering a violin an octave down doubled the range)
            leader_tonic = arr.octave_near(band, leader_degrees, plan.key, *_lifted_range(leader))
            if phrase.lifted:  # an octave from where it was last heard, past the usual range
                before = last_tonic.get(phrase.leader, leader_tonic)
                leader_tonic = arr.other_octave(
                    before, leader_degrees, plan.key, *_lifted_range(leader)
                )
                if leader_tonic == before:
                    unheard_lifts.add(phrase.start_bar)
        for character, line in phrase.lines.items():
            voice = voices[character]
            degrees = [n.degree for n in line]
            quiet = character in phrase.quiet
            low, high = (36, 100) if quiet else _lifted_range(voice)
            if character == phrase.leader and leader_tonic is not None:
                tonic = leader_tonic
            elif quiet or leader_tonic is None:
                tonic = arr.fit_register(degrees, plan.key, voice.low, voice.high)
            else:  # answers, thirds and countermelodies keep their place against the leader,
                # under its line where their range allows (guide §6: a countermelody a sixth or
                # tenth below), so that the tune stays on top where a listener follows it
                near = arr.octave_near(leader_tonic, degrees, plan.key, voice.low, voice.high)
                tonic = arr.octave_under(
                    near, degrees, leader_tonic, leader_degrees, plan.key, low, high
                )
            if quiet:  # far away: an octave below the usual register, under the tune
                tonic -= 12 if tonic - 12 >= QUIET_LOWEST else -12
            else:
                last_tonic[character] = tonic
            if quiet:
                velocity = max(20, base - 24)
            elif character in phrase.supporting:
                velocity = base + 4
            else:
                velocity = base + 14
            by_voice[character] += arr.realise_line(
                line,
                key=plan.key,
                tonic_midi=tonic,
                chords=chords,
                base_velocity=velocity,
                beats_per_bar=bpb,
                length=legato,
                low=low,
                high=high,
                phrase=(phrase.start_bar * bar, phrase.bars * bar),
            )
    # The track closes with the main motif's head over the tonic.
    lead = voices[phrases[0].leader]
    head = fragment(lead.motif, 3)
    closing_start = F(end + 1) * bar - head.length if head.length < bar else F(end + 1) * bar
    closing = [
        n for n in motif_notes(head, closing_start) if n.start + n.duration <= (end + 2) * bar
    ]
    by_voice[lead.character] += arr.realise_line(
        closing,
        key=plan.key,
        tonic_midi=arr.octave_near(
            band, [n.degree for n in closing], plan.key, lead.low, lead.high
        ),
        chords=chords,
        base_velocity=base,
        beats_per_bar=bpb,
        length=1.0,
        low=lead.low,
        high=lead.high,
    )
    parts: list[Part] = []
    melody_notes: list[Note] = []
    for character, voice in voices.items():
        line_notes = sorted(by_voice[character], key=lambda n: (n.start, n.pitch))
        if line_notes:
            melody_notes += [n for n in line_notes if n.velocity > base - 20]
            parts.append(Part(name=character, instrument=voice.instrument, notes=tuple(line_notes)))

    parts += _accompaniment(plan, style, tuple(chords), melody_notes, base, rng)
    if style.swing:
        parts = [
            p if p.is_drums else Part(p.name, p.instrument, tuple(arr.swing(p.notes)), p.is_drums)
            for p in parts
        ]
    markers = [Marker(F(0), "intro")]
    markers += [Marker(p.start_bar * bar, p.label) for p in phrases]
    markers.append(Marker(end * bar, "outro"))
    statements = tuple(
        MotifStatement(
            character=c,
            bar=b + 1,
            # a register change with no room to move is heard, and recorded, as a restatement
            transformation="restatement" if p.start_bar in unheard_lifts and t == "register" else t,
        )
        for p in (intro, *phrases)
        for c, b, t in p.statements
        if voices[c].is_character
    )
    return tuple(chords), tuple(parts), tuple(markers), statements


def _plan_phrases(
    plan: TrackPlan,
    voices: dict[str, Voice],
    introduced: frozenset[str],
    rng: random.Random,
    liveliness: float,
) -> tuple[_Phrase, list[_Phrase]]:
    """The intro and the phrases: who leads, who answers, who joins, and how each motif is
    changed. Every themed character on stage is stated at least once: the main one in the A
    phrases, the others in the intro, leading B phrases, or as a countermelody in A'."""
    count = phrase_count(plan.bars)
    present = [c for c in plan.characters if c in voices]
    if plan.kind == "opening":  # one plain statement per theme, in order of importance
        leaders = present or list(voices)
        phrases = [
            _phrase(
                label=LABELS[index % len(LABELS)], start_bar=INTRO_BARS + 8 * index, plan=plan,
                leader=voices[leaders[index % len(leaders)]], how="statement", rng=rng,
            )
            for index in range(count)
        ]
        return _empty_intro(), phrases
    pair = plan.pair if plan.pair and all(c in voices for c in plan.pair) else None
    duet = pair is not None and plan.state in DUET_STATES and all(c in present for c in pair)
    if duet:
        assert pair is not None
        order = [*pair, *(c for c in present if c not in pair)]
    else:  # nobody on stage: the story's first theme, remembered
        order = present or [next(iter(voices))]
    main = order[0]
    partner = order[1] if duet else None
    pending = [c for c in order[1:] if c != partner]  # still to be heard in this track
    absent_lead = None
    if pair is not None and not duet and plan.state in ("apart", "parting"):
        absent_lead = next((c for c in pair if c != main), None)
    stated: set[str] = set(introduced)
    intro = _empty_intro()
    if pending:
        guest = voices[pending.pop(0)]
        intro = _intro(plan, guest, "restatement" if guest.character in stated else "statement")
        stated.add(guest.character)
    phrases = []
    for index in range(count):
        label = LABELS[index % len(LABELS)]
        is_b = label.startswith("B")
        if is_b and duet:
            leader, follower = partner, main
        elif is_b and pending:
            leader, follower = pending.pop(0), None
        else:
            leader, follower = main, partner
        assert leader is not None
        counter = pending.pop(0) if pending and not is_b and index > 0 else None
        last = index == count - 1
        if leader not in stated:
            how: Transformation = "statement"
        elif is_b and leader == main:
            how = "inversion"  # no one else to lead the contrast: the main motif turned over
        else:
            how = _transformation(plan, label)
        phrases.append(
            _phrase(
                label=label,
                start_bar=INTRO_BARS + 8 * index,
                plan=plan,
                leader=voices[leader],
                how=how,
                rng=rng,
                follower=voices[follower] if follower else None,
                state=(plan.closing_state or plan.state) if last else plan.state,
                closes_track=last,
                counter=voices[counter] if counter else None,
                runs=True,
                liveliness=liveliness,
                # The absent one is a memory: a fragment in every other phrase.
                distant=(
                    voices[absent_lead]
                    if absent_lead and absent_lead != leader and index % 2 == 0
                    else None
                ),
            )
        )
        stated.update(c for c, _, _ in phrases[-1].statements)
    return intro, phrases


def _tune_register(first: _Phrase, voices: dict[str, Voice], plan: TrackPlan) -> int:
    """The tonic (MIDI) of the register where the track's tune is sung: the main voice's, as
    fitted to its first phrase. Whoever leads later sings in the octave nearest this that its
    own range allows, so the tune stays in one band as it passes between voices rather than
    each phrase being centred in its own range (which put phrases of one track an octave
    apart, and the skyline across two or three octaves)."""
    voice = voices[first.leader]
    degrees = [n.degree for n in first.lines[first.leader]]
    return arr.fit_register(degrees, plan.key, voice.low, voice.high)


def _empty_intro() -> _Phrase:
    return _Phrase("intro", 0, INTRO_BARS, {}, "", (), frozenset(), frozenset())


def _lifted_range(voice: Voice) -> tuple[int, int]:
    """Where a heard voice may go (toward the tune's register, under the leader, or for a
    change of register): its usual melody range widened by REGISTER_REACH both ways, still
    inside what the instrument plays well (guide §4)."""
    return voice.low - REGISTER_REACH, voice.high + REGISTER_REACH


def _intro(plan: TrackPlan, guest: Voice, how: Transformation) -> _Phrase:
    """A character on stage who does not lead a phrase opens the track with its motif."""
    bar = F(plan.beats_per_bar)
    motif = guest.motif
    line = tuple(n for n in motif_notes(motif, F(0)) if n.start < INTRO_BARS * bar)
    last = line[-1]
    line = (*line[:-1], LineNote(last.start, INTRO_BARS * bar - last.start, last.degree))
    return _Phrase(
        "intro", 0, INTRO_BARS, {guest.character: line}, guest.character,
        ((guest.character, 0, how),), frozenset(), frozenset({guest.character}),
    )


def _transformation(plan: TrackPlan, label: str) -> Transformation:
    """How a known motif is changed by the story at this point (guide §2)."""
    if plan.state == "conflict":
        return "inversion"
    if plan.arousal > 0.35:
        return "diminution"
    if plan.arousal < -0.3 or plan.state == "apart":
        return "augmentation"
    if label.count("'") == 1 and plan.state == "reunion":
        # The theme rises an octave where the leads meet again (guide §1: a higher band for
        # the climax). Only there: an octave change spreads its track over two octaves and
        # more, where fiddle tunes keep to about 19 semitones (eval/music.py).
        return "register"
    if label.count("'") >= 2:
        return "reharmonisation"
    return "restatement"


def _transform(motif: Motif, how: Transformation, bpb: int) -> Motif:
    if how == "inversion":
        return invert(motif)
    if how == "augmentation" and motif.length <= 2 * bpb:
        return augment(motif)
    if how == "diminution" and motif.length >= bpb:
        return diminish(motif)
    return motif


def _phrase(
    *,
    label: str,
    start_bar: int,
    plan: TrackPlan,
    leader: Voice,
    how: Transformation,
    rng: random.Random,
    follower: Voice | None = None,
    state: str | None = None,
    counter: Voice | None = None,
    distant: Voice | None = None,
    runs: bool = False,
    liveliness: float = 0.0,
    closes_track: bool = True,
) -> _Phrase:
    """One eight-bar phrase led by ``leader``'s motif changed ``how``; with ``runs`` its long
    notes run on in figures (the overture states the themes plain)."""
    bpb = plan.beats_per_bar
    bar = F(bpb)
    start = start_bar * bar
    idea = _transform(leader.motif, how, bpb)
    main = period(idea, beats_per_bar=bpb, rng=rng, start=start)
    # Only the track's last cadence is held to the end; others lead on into the next phrase.
    then = None if closes_track else main.notes[-1].degree
    if runs:
        # The motif is heard whole where it is first stated, augmented in the antecedent (its
        # long notes are the point; a whole period of them stands still), and by its head
        # (its first notes) elsewhere, so that figures vary the rest.
        whole = _idea_spans(main, start, bar, max(2, ceil(idea.length / bar)))
        heads = _head_spans(main, idea, start, bar)
        if how == "statement":
            keep = whole
        elif how == "augmentation":
            keep = whole[:1] + heads[1:]
        else:
            keep = heads
        main = PhraseLine(
            elaborate(main.notes, rng=rng, keep=keep, then=then, liveliness=liveliness),
            main.idea_bars,
        )
    lines: dict[str, tuple[LineNote, ...]] = {}
    statements: list[tuple[str, int, Transformation]] = []
    lines[leader.character] = main.notes
    statements += [(leader.character, start_bar + b, how) for b in main.idea_bars]

    if follower is not None:
        if state == "meeting":
            answer = period(follower.motif, beats_per_bar=bpb, rng=rng, start=start)
            if runs:
                kept = _idea_spans(answer, start, bar, 2)
                answer = PhraseLine(
                    elaborate(answer.notes, rng=rng, keep=kept, then=then, liveliness=liveliness),
                    answer.idea_bars,
                )
            split = 4 * bar  # call in bars 1-4, response in bars 5-8
            lines[leader.character] = tuple(
                n for n in lines[leader.character] if n.start < start + split
            )
            lines[follower.character] = tuple(n for n in answer.notes if n.start >= start + split)
            statements = [
                (leader.character, start_bar, how),
                (follower.character, start_bar + 4, "restatement"),
            ]
        elif state == "together":
            lines[follower.character] = _parallel(main)
            statements.append((follower.character, start_bar, "counterpoint"))
        elif state == "conflict":
            lines[follower.character] = _clash(follower.motif, main, start, bpb)
            statements.append((follower.character, start_bar, "fragment"))
        elif state == "parting":
            lines[follower.character] = _drift(main, rng)
            statements.append((follower.character, start_bar, "counterpoint"))
        elif state == "reunion":
            other = period(follower.motif, beats_per_bar=bpb, rng=rng, start=start)
            offset = best_offset(idea, follower.motif)
            lines[follower.character] = transpose_line(other.notes, offset)
            statements += [
                (follower.character, start_bar + b, "counterpoint") for b in other.idea_bars
            ]
    supporting: set[str] = set()
    if counter is not None:
        other = period(counter.motif, beats_per_bar=bpb, rng=rng, start=start)
        lines[counter.character] = transpose_line(other.notes, best_offset(idea, counter.motif))
        supporting.add(counter.character)
        statements += [(counter.character, start_bar + b, "counterpoint") for b in other.idea_bars]
    quiet: set[str] = set()
    if distant is not None:
        echo = fragment(distant.motif, 3)
        lines[distant.character] = tuple(motif_notes(echo, start + 5 * bar))
        quiet.add(distant.character)
        statements.append((distant.character, start_bar + 5, "distant-fragment"))
    return _Phrase(
        label=label,
        start_bar=start_bar,
        bars=8,
        lines=lines,
        leader=leader.character,
        statements=tuple(statements),
        quiet=frozenset(quiet),
        supporting=frozenset(supporting),
        lifted=how == "register",
    )


def _idea_spans(line: PhraseLine, start: F, bar: F, bars: int) -> tuple[tuple[F, F], ...]:
    """(start, end) in beats of the first ``bars`` bars of each statement of a phrase's idea:
    what running figures leave as it is."""
    return tuple((start + b * bar, start + (b + bars) * bar) for b in line.idea_bars)


def _head_spans(line: PhraseLine, idea: Motif, start: F, bar: F) -> tuple[tuple[F, F], ...]:
    """(start, end) in beats of the head of each statement of a phrase's idea: its first
    HEAD_NOTES notes, which carry its rhythm and contour. Running figures may fill the last of
    them from its onset and pitch on, and everything after it."""
    head = sum(idea.durations[: HEAD_NOTES - 1], F(0))
    return tuple((start + b * bar, start + b * bar + head) for b in line.idea_bars)


def _parallel(main: PhraseLine) -> tuple[LineNote, ...]:
    """Together: the same rhythm a third below, a sixth below in the second half, meeting
    the leader on the octave at the cadence."""
    notes = list(main.notes)
    half = notes[0].start + (notes[-1].start - notes[0].start) / 2
    result = []
    for index, note in enumerate(notes):
        gap = -2 if note.start < half else -5
        if index == len(notes) - 1:
            gap = -7
        result.append(LineNote(note.start, note.duration, note.degree + gap))
    return tuple(result)


def _clash(motif: Motif, main: PhraseLine, start: F, bpb: int) -> tuple[LineNote, ...]:
    """Conflict: the follower's inverted head, a beat late every bar, crossing the leader."""
    head = invert(fragment(motif, 4))
    centre = sum(n.degree for n in main.notes) // len(main.notes)
    shift = centre - head.degrees[0] + 1
    notes = []
    for bar_index in range(8):
        if bar_index in (3, 7):
            continue  # leave the cadences to the leader
        # Each entry lasts until the next (one voice plays one note at a time).
        until = start + (bar_index + 1) * bpb + (0 if bar_index + 1 in (3, 7) else 1)
        notes += fill_to(motif_notes(head, start + bar_index * bpb + 1, shift=shift), until)
    return tuple(notes)


def _drift(main: PhraseLine, rng: random.Random) -> tuple[LineNote, ...]:
    """Parting: thirds at first, then lower and later each bar, thinning out."""
    first = main.notes[0].start
    result = []
    for note in main.notes:
        progress = float((note.start - first) / 32)
        gap = -2 - round(10 * progress)
        if rng.random() < progress * 0.6:
            continue  # the follower falls silent more and more
        delay = F(round(progress * 4), 2)
        if note.duration > delay:
            result.append(LineNote(note.start + delay, note.duration - delay, note.degree + gap))
    return tuple(result)


def _harmonise(
    phrase: _Phrase,
    *,
    plan: TrackPlan,
    tension: float,
    rng: random.Random,
    previous: str | None,
    jazz: bool,
) -> list[Chord]:
    """One chord per bar (two before the cadence, or in slow tracks), fitted to the melody;
    a two-bar intro is tonic then dominant."""
    bpb = plan.beats_per_bar
    bar = F(bpb)
    # The leader's line decides; a follower counts half (it leads only while answering).
    heard_lines = [
        (note, 1.0 if character == phrase.leader else 0.5)
        for character, line in phrase.lines.items()
        if character not in phrase.quiet
        for note in line
    ]
    slots: list[tuple[Slot, F, F]] = []
    base = phrase.start_bar * bar
    if phrase.bars == INTRO_BARS:
        return _fit_slots(
            [("tonic", base, bar), ("dominant", base + bar, bar)],
            heard_lines, plan=plan, tension=tension, rng=rng, previous=previous, jazz=jazz,
        )
    plan_slots: tuple[Slot, ...] = ("tonic", "free", "predominant", "dominant", "tonic", "free")
    for index, slot in enumerate(plan_slots):
        start = base + index * bar
        if plan.tempo_bpm >= FAST_BPM and index in (0, 4):
            slots.append((slot, start, 2 * bar))  # fast: the tonic held for two bars
        elif plan.tempo_bpm >= FAST_BPM and index in (1, 5):
            continue
        elif slot == "free" and plan.tempo_bpm < SLOW_BPM and bpb == 4:
            slots += [(slot, start, bar / 2), (slot, start + bar / 2, bar / 2)]
        else:
            slots.append((slot, start, bar))
    if bpb == 4:
        slots += [
            ("predominant", base + 6 * bar, bar / 2),
            ("dominant", base + 6 * bar + bar / 2, bar / 2),
        ]
    else:
        slots += [("dominant", base + 6 * bar, bar)]
    slots.append(("final", base + 7 * bar, bar))
    return _fit_slots(
        slots, heard_lines, plan=plan, tension=tension, rng=rng, previous=previous, jazz=jazz
    )


def _fit_slots(
    slots: list[tuple[Slot, F, F]],
    heard_lines: list[tuple[LineNote, float]],
    *,
    plan: TrackPlan,
    tension: float,
    rng: random.Random,
    previous: str | None,
    jazz: bool,
) -> list[Chord]:
    """A chord per slot, each the best fit for the melody heard over it."""
    bpb = plan.beats_per_bar
    chords = []
    # The notes that may sound in a slot are found by onset, then read in their given order.
    by_start = sorted(range(len(heard_lines)), key=lambda i: heard_lines[i][0].start)
    starts = [heard_lines[i][0].start for i in by_start]
    longest = max((note.duration for note, _ in heard_lines), default=F(0))
    for slot, start, length in slots:
        near = by_start[arr.reaching(starts, longest, start, start + length)]
        heard = [
            (plan.key.degree_to_pitch(note.degree, plan.key.tonic) % 12, share * weight)
            for note, share in (heard_lines[i] for i in sorted(near))
            if (weight := _weight(note, start, length, bpb)) > 0
        ]
        numeral = choose_chord(
            plan.key, slot, previous=previous, melody_pitch_classes=heard, tension=tension,
            rng=rng, jazz=jazz,
        )
        chords.append(make_chord(numeral, plan.key, start, length))
        previous = numeral
    return chords


def _weight(note: LineNote, start: F, length: F, bpb: int) -> float:
    """How much a melody note counts toward the chord of a slot: strong beats most."""
    end = start + length
    if note.start + note.duration <= start or note.start >= end:
        return 0.0
    if note.start < start:
        return 0.5  # held over from before
    in_bar = note.start % bpb
    if in_bar == 0:
        return 1.0
    if in_bar.denominator > 1:
        return 0.15
    return 0.6 if bpb == 4 and in_bar == 2 else 0.35


def _accompaniment(
    plan: TrackPlan,
    style: Style,
    chords: tuple[Chord, ...],
    melody: list[Note],
    base: int,
    rng: random.Random,
) -> list[Part]:
    """The accompaniment; its broken chords keep to quarters, since the melody runs in eighths."""
    bpb = plan.beats_per_bar
    parts = []
    if style.name == "piano":
        notes = arr.piano_left_hand(
            chords, beats_per_bar=bpb, velocity=base - 6, arousal=plan.arousal
        )
        notes = arr.avoid_parallels(notes, chords, melody)
        parts.append(Part("Left hand", style.arpeggio or Instrument(0, "Piano"), tuple(notes)))
        return parts
    if style.name == "waltz":
        assert style.pad is not None and style.bass is not None
        parts.append(
            Part("Strings", style.pad, tuple(arr.waltz_accompaniment(chords, velocity=base - 4)))
        )
        bass = arr.avoid_parallels(arr.waltz_bass(chords, velocity=base), chords, melody)
        parts.append(Part("Bass", style.bass, tuple(bass)))
        return parts
    if style.pad is not None:
        parts.append(Part("Strings", style.pad, tuple(arr.pad_part(chords, velocity=base - 14))))
    if style.name == "jazz":
        assert style.arpeggio is not None
        comp = arr.jazz_comping(
            chords, key=plan.key, beats_per_bar=bpb, velocity=base - 4, rng=rng
        )
        parts.append(Part("Comping", style.arpeggio, tuple(comp)))
    elif style.arpeggio is not None and plan.arousal > -0.35:
        arp = arr.arpeggio_part(
            chords, beats_per_bar=bpb, velocity=base - 12, lowest=arr.ARPEGGIO_ABOVE_BASS
        )
        parts.append(Part("Piano", style.arpeggio, tuple(arp)))
    if style.bass is not None:
        bass = arr.bass_line(
            chords,
            melody,
            beats_per_bar=bpb,
            velocity=base,
            arousal=plan.arousal,
            walking=style.name == "jazz",
            rng=rng,
        )
        parts.append(Part("Bass", style.bass, tuple(bass)))
    if style.drums is not None:
        drums = arr.brush_drums(plan.total_beats, beats_per_bar=bpb, velocity=base - 6)
        parts.append(Part("Drums", style.drums, tuple(drums), is_drums=True))
    return parts
