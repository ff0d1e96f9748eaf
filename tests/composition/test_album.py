"""The composed album as music: ranges, harmony, cadences, duet textures, determinism."""

import statistics
from dataclasses import replace
from fractions import Fraction as F
from itertools import pairwise

import pytest

from storyscore.composition.album import compose_album
from storyscore.composition.arrangement import makes_parallel, sounding_at
from storyscore.composition.harmony import chord_pitch_classes
from storyscore.composition.model import Album, Track
from storyscore.composition.track import HEAD_NOTES, INTRO_BARS
from storyscore.options import STYLES, ComposeOptions


@pytest.fixture(scope="module", params=STYLES)
def album(request, analysis) -> Album:
    return compose_album(analysis, ComposeOptions(seed=5, style=request.param))


def _voice(track: Track, name: str):
    return next((p for p in track.parts if p.name == name), None)


def _opens_phrase(statement) -> bool:
    """Whether a statement opens a phrase: after the intro, every eight bars (its antecedent;
    the consequent's statement comes four bars in)."""
    return (statement.bar - 1 - INTRO_BARS) % 8 == 0


def _statements(album, transformation: str):
    """(track, statement, first beat of its bar) of every statement made by ``transformation``."""
    for track in album.tracks:
        for statement in track.motif_statements:
            if statement.transformation == transformation:
                yield track, statement, (statement.bar - 1) * track.plan.beats_per_bar


def test_every_note_is_in_range_and_inside_the_track(album):
    for track in album.tracks:
        end = track.plan.total_beats
        for part in track.parts:
            for note in part.notes:
                assert 21 <= note.pitch <= 108 or part.is_drums
                assert note.end <= end + 1
        assert track.chords[0].start == 0
        assert sum((c.duration for c in track.chords), F(0)) == end  # chords fill the track


def test_album_shape(album):
    kinds = [t.plan.kind for t in album.tracks]
    assert kinds == ["opening", *["story"] * 6, "epilogue"]
    assert [t.plan.number for t in album.tracks] == list(range(1, len(album.tracks) + 1))
    epilogue = album.tracks[-1]
    assert epilogue.plan.key == album.home_key
    stated = {s.character for s in epilogue.motif_statements}
    assert {"Nell", "Elias"} <= stated


def test_melody_stays_in_key_and_on_chord_tones(album):
    in_key = total = strong = strong_on_chord = 0
    for track in album.tracks:
        scale = track.plan.key.pitch_classes()
        for name in ("Nell", "Elias"):
            part = _voice(track, name)
            if part is None:
                continue
            for note in part.notes:
                chord = next(
                    c for c in track.chords if c.start <= note.start < c.start + c.duration
                )
                allowed = scale | chord_pitch_classes(chord)
                in_key += note.pitch % 12 in allowed
                total += 1
                if note.start % 1 == 0 and (note.start % track.plan.beats_per_bar) in (0, 2):
                    strong += 1
                    strong_on_chord += note.pitch % 12 in chord_pitch_classes(chord)
    assert in_key / total >= 0.97
    assert strong_on_chord / strong >= 0.6


def test_phrases_end_on_the_tonic(album):
    for track in album.tracks:
        final = track.chords[-1]
        assert final.numeral in ("I", "i")
        assert final.root == track.plan.key.tonic


def test_few_parallels_between_melody_and_bass(album):
    changes = faults = 0
    for track in album.tracks:
        bass = _voice(track, "Bass") or _voice(track, "Left hand")
        melody = [n for p in track.parts if p.name in ("Nell", "Elias") for n in p.notes]
        previous = None
        for chord in track.chords:
            top = sounding_at(melody, chord.start)
            low = min((n.pitch for n in bass.notes if n.start == chord.start), default=None)
            if top is not None and low is not None:
                if previous is not None:
                    changes += 1
                    faults += makes_parallel(previous[0], previous[1], top, low)
                previous = (top, low)
    assert faults / changes <= 0.05


def _onsets(part, start, end):
    return {n.start for n in part.notes if start <= n.start < end}


def test_duet_textures_differ_by_state(album):
    """Meeting alternates, together coincides in consonance, apart leaves one voice."""
    by_state = {t.plan.state: t for t in album.tracks if t.plan.kind == "story"}
    meeting = by_state["meeting"]
    nell, elias = _voice(meeting, "Nell"), _voice(meeting, "Elias")
    end = meeting.plan.total_beats
    a, b = _onsets(nell, 0, end), _onsets(elias, 0, end)
    assert len(a & b) / len(a | b) < 0.2  # call and response

    together = by_state["together"]
    nell, elias = _voice(together, "Nell"), _voice(together, "Elias")
    shared = 0
    consonant = 0
    for note in nell.notes:
        other = [n for n in elias.notes if n.start == note.start]
        if other:
            shared += 1
            consonant += (note.pitch - other[0].pitch) % 12 in (0, 3, 4, 8, 9)
    assert shared / len(nell.notes) > 0.6
    assert consonant / shared >= 0.7

    apart = by_state["apart"]
    nell, elias = _voice(apart, "Nell"), _voice(apart, "Elias")
    assert len(elias.notes) / (len(nell.notes) + len(elias.notes)) < 0.15
    assert max(n.velocity for n in elias.notes) + 20 <= max(n.velocity for n in nell.notes)


def test_emotion_sets_mode_and_tempo(analysis):
    album = compose_album(analysis, ComposeOptions(seed=1))
    story = [t for t in album.tracks if t.plan.kind == "story"]
    brightest = max(story, key=lambda t: t.plan.valence)
    darkest = min(story, key=lambda t: t.plan.valence)
    assert brightest.plan.key.is_major_like and not darkest.plan.key.is_major_like
    fastest = max(story, key=lambda t: t.plan.tempo_bpm)
    assert fastest.plan.arousal == max(t.plan.arousal for t in story)


def test_every_themed_character_on_stage_is_stated(album):
    themed = {t.character for t in album.themes}
    for track in album.tracks:
        stated = {s.character for s in track.motif_statements}
        for name in track.plan.characters:
            if name in themed:
                assert name in stated, (track.plan.number, name)


def test_the_opening_introduces_every_theme_whole(album):
    opening = album.tracks[0]
    assert opening.plan.kind == "opening" and opening.plan.key == album.home_key
    statements = {(s.character, s.transformation) for s in opening.motif_statements}
    for theme in album.themes:
        assert (theme.character, "statement") in statements
    later = [s for t in album.tracks[1:] for s in t.motif_statements]
    assert all(s.transformation != "statement" for s in later)


def test_an_epilogue_lets_leads_who_ended_apart_part_again(analysis):
    states = (*analysis.leads.states[:-1], "apart")
    parted = replace(analysis, leads=replace(analysis.leads, states=states))
    epilogue = compose_album(parted, ComposeOptions(seed=4)).tracks[-1]
    assert epilogue.plan.state == "reunion" and epilogue.plan.closing_state == "parting"
    together = compose_album(analysis, ComposeOptions(seed=4)).tracks[-1]
    assert together.plan.closing_state is None
    # The last phrase differs: the second voice drifts away instead of joining in counterpoint.
    assert epilogue.parts != together.parts


def test_composition_is_deterministic(analysis):
    first = compose_album(analysis, ComposeOptions(seed=2, style="jazz"))
    second = compose_album(analysis, ComposeOptions(seed=2, style="jazz"))
    other = compose_album(analysis, ComposeOptions(seed=3, style="jazz"))
    assert first == second
    assert first != other


def test_jazz_cadences_are_ii_v7_i(analysis):
    album = compose_album(analysis, ComposeOptions(seed=6, style="jazz"))
    for track in album.tracks:
        numerals = [c.numeral for c in track.chords]
        for index, numeral in enumerate(numerals[2:], start=2):  # after the two-bar intro
            if numeral == "V7" and index + 1 < len(numerals) and numerals[index + 1] in ("I", "i"):
                assert numerals[index - 1] in ("ii", "ii°"), (track.plan.number, numerals)
        assert any(c.quality == "dom7" for c in track.chords)


def test_harmonic_rhythm_follows_tempo(analysis):
    album = compose_album(analysis, ComposeOptions(seed=6, style="waltz"))
    for track in album.tracks:
        seconds_per_chord = [
            float(c.duration) * 60 / track.plan.tempo_bpm for c in track.chords
        ]
        median = sorted(seconds_per_chord)[len(seconds_per_chord) // 2]
        assert 0.9 <= median <= 4.5, (track.plan.tempo_bpm, median)


def test_the_home_key_follows_the_ending():
    from storyscore.composition.plan import home_mode

    shadowed_but_happy = [-0.3] * 80 + [0.1] * 20
    bright_then_tragic = [0.3] * 80 + [-0.4] * 20
    assert home_mode(shadowed_but_happy) == "major"
    assert home_mode(bright_then_tragic) == "minor"
    assert home_mode([0.3] * 50 + [0.2] * 50) == "major"  # bright throughout
    assert home_mode([]) == "major"


def test_melody_dynamics_arch_over_each_phrase(album):
    """Louder in the middle of a phrase than at its start and its cadence (guide §8)."""
    middle, edges = [], []
    for track in album.tracks:
        bar = track.plan.beats_per_bar
        for part in track.parts:
            if part.name not in {t.character for t in album.themes}:
                continue
            for note in part.notes:
                position = (note.start - 2 * bar) % (8 * bar) / (8 * bar)
                if note.start % bar == 0 and note.start >= 2 * bar:
                    (middle if 0.35 <= position <= 0.65 else edges).append(note.velocity)
    assert sum(middle) / len(middle) > sum(edges) / len(edges) + 3


def test_broken_chords_complement_a_running_melody():
    """The melody runs in eighths, so broken chords move in quarters under it."""
    from storyscore.composition.arrangement import arpeggio_part
    from storyscore.composition.harmony import make_chord
    from storyscore.music.theory import Key

    chords = [make_chord("I", Key(0, "major"), F(0), F(4))]
    notes = arpeggio_part(chords, beats_per_bar=4, velocity=60)
    assert [n.start for n in notes] == [F(k) for k in range(4)]


def test_melodies_run_on_in_eighths_between_motif_statements(album):
    """Figures fill the long notes: in a story track most of the time the characters sound,
    they move in notes shorter than a beat (about half the time before the figures)."""
    shares = []
    for track in album.tracks:
        if track.plan.kind == "story" and track.plan.tempo_bpm <= 150:
            notes = [n for p in track.parts if p.name in track.plan.characters for n in p.notes]
            running = sum(n.duration for n in notes if n.duration < 1)
            shares.append(float(running / sum(n.duration for n in notes)))
    assert shares and statistics.median(shares) >= 0.7, shares


def test_figures_step_in_the_middle_of_the_tempo_range_and_leap_at_its_top(analysis):
    """Running figures lean to steps up to the middle of the style's tempo range (tunes move
    mostly by step) and widen toward its top; a fast waltz runs on in eighths as a slower one
    does (it used to lead into each note with one eighth only)."""
    from storyscore.composition.album import theme_voices
    from storyscore.composition.styles import STYLES
    from storyscore.composition.track import compose_track

    style = STYLES["waltz"]
    story = compose_album(analysis, ComposeOptions(seed=5, style="waltz")).tracks[1].plan
    voices = theme_voices(analysis, 5, style)

    def eighth_moves(tempo: float) -> list[int]:
        plan = replace(story, tempo_bpm=tempo)
        _, parts, _, _ = compose_track(
            plan, voices=voices, introduced=frozenset(voices), style=style, seed=5
        )
        moves = []
        for part in parts:
            if part.name in voices:
                moves += [
                    abs(b.pitch - a.pitch)
                    for a, b in pairwise(part.notes)
                    if b.start - a.start == F(1, 2)
                ]
        return moves

    low, high = style.tempo_range
    middle, top = eighth_moves((low + high) / 2), eighth_moves(high)
    assert len(top) >= len(middle) / 2, (len(top), len(middle))
    assert statistics.fmean(top) > statistics.fmean(middle) + 0.5, (top, middle)


def test_a_supporting_line_goes_under_the_leader_where_its_range_allows():
    from storyscore.composition.arrangement import octave_under
    from storyscore.music.theory import Key

    key = Key(0, "major")
    lead = (72, [0, 2, 4])  # C5 E5 G5
    assert octave_under(72, [4, 5, 7], *lead, key, 55, 84) == 60  # G A C above: an octave down
    assert octave_under(72, [4, 5, 7], *lead, key, 70, 90) == 72  # no room below: it stays
    assert octave_under(72, [-3, -1, 0], *lead, key, 55, 84) == 72  # already under


def test_other_octave_moves_a_line_only_where_it_has_room():
    from storyscore.composition.arrangement import other_octave
    from storyscore.music.theory import Key

    key = Key(0, "major")
    assert other_octave(60, [0, 2, 4], key, 55, 84) == 72  # up: C E G fits above
    assert other_octave(72, [0, 2, 4], key, 55, 84) == 60  # down when up has no room
    assert other_octave(60, list(range(15)), key, 55, 84) == 60  # two octaves: no room


def test_a_change_of_register_is_heard_an_octave_away(album):
    """Where a character's restatement is followed by its "register" statement, the motif
    comes back in its other octave (it used to be folded back into the usual range)."""
    moves = []
    for track in album.tracks:
        bpb = track.plan.beats_per_bar
        last_statement = {}
        for second in track.motif_statements:
            first = last_statement.get(second.character)
            last_statement[second.character] = second
            if first is None or (first.transformation, second.transformation) != (
                "restatement", "register"
            ):
                continue
            voice = _voice(track, first.character)
            pitches = [
                min((n for n in voice.notes if n.start >= (s.bar - 1) * bpb), key=lambda n: n.start)
                for s in (first, second)
            ]
            moves.append(abs(pitches[1].pitch - pitches[0].pitch))
    assert moves and all(move == 12 for move in moves), moves


def test_an_augmented_motif_keeps_its_long_notes(album):
    """Augmentation is heard as long notes: the running figures leave the antecedent's
    statement alone, and the head of the consequent's, which then runs on as restatements do
    (a whole period of long notes stood still)."""
    checked = running = 0
    for track, statement, start in _statements(album, "augmentation"):
        bar = track.plan.beats_per_bar
        if not _opens_phrase(statement):
            continue  # a consequent: checked against its antecedent below
        voice = _voice(track, statement.character)
        notes = [n for n in voice.notes if start <= n.start < start + 2 * bar]
        assert min(n.start for n in notes) == start
        assert statistics.fmean(float(n.duration) for n in notes) >= 0.9, statement
        onsets = [  # the consequent's idea is cut after two bars
            [n.start - at for n in voice.notes if at <= n.start < at + 2 * bar][:HEAD_NOTES]
            for at in (start, start + 4 * bar)
        ]
        assert onsets[0] == onsets[1], statement
        consequent = [n for n in voice.notes if start + 4 * bar <= n.start < start + 8 * bar]
        running += any(n.start.denominator > 1 for n in consequent)  # off-beat: it runs on
        checked += 1
    assert checked and running


def test_the_theme_changes_register_only_where_the_leads_meet_again(album):
    """An octave change spreads a track over two octaves and more: it is kept for reunions."""
    states = {track.plan.state for track, _, _ in _statements(album, "register")}
    assert states == {"reunion"}


def test_each_character_plays_one_note_at_a_time(album):
    """A character's voice is one instrument's melody: no chords, no overlapping entries (a
    flute cannot play two notes)."""
    characters = {theme.character for theme in album.themes}
    for track in album.tracks:
        for part in track.parts:
            if part.name in characters:
                notes = sorted(part.notes, key=lambda n: (n.start, n.pitch))
                overlaps = [(a.start, b.start) for a, b in pairwise(notes) if b.start < a.end]
                assert not overlaps, (track.plan.number, part.name, overlaps[:3])


def _phrase_openings(track: Track) -> list[tuple[str, int]]:
    """(character, first pitch) of each phrase's leading statement, in its usual register (a
    change of register and the voices that join in left out)."""
    bpb = track.plan.beats_per_bar
    openings = []
    seen = set()
    for s in track.motif_statements:
        if not _opens_phrase(s) or s.bar in seen:
            continue
        seen.add(s.bar)
        if s.transformation in ("register", "counterpoint", "fragment", "distant-fragment"):
            continue
        notes = [n for n in _voice(track, s.character).notes if n.start >= (s.bar - 1) * bpb]
        openings.append((s.character, min(notes, key=lambda n: n.start).pitch))
    return openings


def test_the_tune_keeps_its_register_when_it_passes_to_another_voice(album):
    """Where the two leads' ranges share an octave or more, the one taking the tune over begins
    its phrases within an octave of where the main voice began, rather than each being centred
    in its own range (a violin at 76 handing over to a flute at 85 made the melody leap)."""
    from storyscore.composition.styles import STYLES as STYLE_TABLE

    (low_a, high_a), (low_b, high_b) = STYLE_TABLE[album.style].melody_ranges[:2]
    if min(high_a, high_b) - max(low_a, low_b) < 12:
        pytest.skip("the leads share less than an octave: the tune changes octave with them")
    main = album.themes[0].character
    compared = 0
    for track in album.tracks:
        openings = _phrase_openings(track)
        first = next((pitch for character, pitch in openings if character == main), None)
        for character, pitch in openings:
            if first is not None and character != main:
                assert abs(pitch - first) <= 12, (track.plan.number, openings)
                compared += 1
    assert compared


def test_a_distant_fragment_sounds_under_the_tune(album):
    """An absent lead remembered far away is heard an octave under its register, beneath the
    voices carrying the tune, not above them."""
    characters = {theme.character for theme in album.themes}
    checked = 0
    for track, s, start in _statements(album, "distant-fragment"):
        bpb = track.plan.beats_per_bar
        fragment = [n.pitch for n in _voice(track, s.character).notes if start <= n.start]
        fragment = fragment[:3]
        phrase_start = start - 5 * bpb
        tune = [
            n.pitch
            for p in track.parts
            if p.name in characters and p.name != s.character
            for n in p.notes
            if phrase_start <= n.start < phrase_start + 8 * bpb
        ]
        assert max(fragment) < statistics.fmean(tune), (track.plan.number, fragment)
        checked += 1
    assert checked


def test_a_restated_motif_keeps_its_head_and_runs_on_from_its_fourth_note(album):
    """A restatement keeps the motif's first four notes as written (its rhythm and contour);
    a fourth note of a beat or more, on the beat, starts a running figure on its pitch (it
    used to be held, with the rest of the motif's first bar)."""
    if album.style == "jazz":
        pytest.skip("swung: written onsets are moved")
    motifs = {theme.character: theme.motif for theme in album.themes}
    checked = 0
    for track in album.tracks:
        bpb = track.plan.beats_per_bar
        for s in track.motif_statements:
            motif = motifs[s.character]
            fourth = sum(motif.durations[:3], F(0))
            if not _opens_phrase(s) or s.transformation not in ("restatement", "reharmonisation"):
                continue
            if motif.durations[3] < 1 or fourth.denominator != 1 or len(motif.durations) == 4:
                continue
            start = (s.bar - 1) * bpb
            notes = [n for n in _voice(track, s.character).notes if n.start >= start]
            onsets = [n.start - start for n in notes[:4]]
            assert onsets == [sum(motif.durations[:k], F(0)) for k in range(4)], s
            during = [n for n in notes if fourth <= n.start - start < fourth + motif.durations[3]]
            assert len(during) > 1, s
            checked += 1
    assert checked


def test_a_line_turns_back_at_the_edge_of_its_range():
    """A run that would pass the top (or bottom) of a voice's range turns back there, so it
    keeps moving by step; moving the notes past it an octave broke the run into leaps."""
    from storyscore.composition.arrangement import realise_line
    from storyscore.composition.melody import LineNote
    from storyscore.music.theory import Key

    up = [LineNote(F(k, 2), F(1, 2), k) for k in range(12)]  # C4 up a scale to G5
    down = [LineNote(F(k, 2), F(1, 2), -k) for k in range(12)]  # C4 down to F2
    for line in (up, down):
        notes = realise_line(
            line, key=Key(0, "major"), tonic_midi=60, chords=(), base_velocity=64,
            beats_per_bar=4, length=1.0, low=50, high=74,
        )
        pitches = [n.pitch for n in notes]
        assert all(50 <= p <= 74 for p in pitches), pitches
        assert all(abs(b - a) <= 2 for a, b in pairwise(pitches)), pitches
