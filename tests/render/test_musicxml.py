"""MusicXML scores and their pictures: valid, faithful, readable and the same bytes every run.

Every track of the hand-made album and of a short composed album in each style is written
once per module. The schema check uses lxml; the notation-program check MuseScore 3, and the
pictures verovio: where one is missing its test skips, or fails under
``STORYSCORE_REQUIRE_TOOLS=1`` (CI).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from tests.browser import require_tool
from tests.conftest import SHARED_DATA, TINY_STORY

import storyscore
from storyscore.composition.arrangement import swing
from storyscore.composition.model import Album, Instrument, Note, Part, Track
from storyscore.errors import MissingDependencyError
from storyscore.music.theory import MODES, Key
from storyscore.options import STYLES
from storyscore.render.musicxml import (
    ScoreEvent,
    bar_dynamics,
    instrument_clef,
    score_events,
    spelled_name,
    straight_beat,
    track_to_musicxml,
    written_length,
)
from storyscore.render.score_pictures import track_score_svgs

music21 = pytest.importorskip("music21", reason="MusicXML needs music21 (the score extra)")

LABELS = ("hand-made", *STYLES)
SCHEMA_FOLDER = SHARED_DATA / "musicxml-schema"
SHARP_ORDER = "FCGDAEB"


@pytest.fixture(scope="module")
def albums(album: Album) -> dict[str, Album]:
    """The hand-made album (five keys and modes, drums, triplets) and one short album per
    style from the tiny story."""
    text = TINY_STORY.read_text(encoding="utf-8")
    composed = {
        style: storyscore.compose(text, seed=3, style=style, tracks=1, minutes=1)
        for style in STYLES
    }
    return {"hand-made": album, **composed}


@pytest.fixture(scope="module")
def scores(albums: dict[str, Album]) -> dict[str, tuple[bytes, ...]]:
    return {
        label: tuple(track_to_musicxml(track, album) for track in album.tracks)
        for label, album in albums.items()
    }


@pytest.fixture(scope="module")
def reparsed(scores: dict[str, tuple[bytes, ...]]) -> dict[str, tuple]:
    return {
        label: tuple(music21.converter.parse(data, format="musicxml") for data in written)
        for label, written in scores.items()
    }


@pytest.fixture(scope="module")
def schema():
    require_tool(_has_module("lxml"), "lxml is not installed (pip install lxml)")
    from lxml import etree

    # The schema imports xml.xsd and xlink.xsd by web address; read the local copies instead.
    text = (SCHEMA_FOLDER / "musicxml.xsd").read_bytes()
    for name in (b"xml.xsd", b"xlink.xsd"):
        text = text.replace(b"http://www.musicxml.org/xsd/" + name, name)
    return etree.XMLSchema(etree.fromstring(text, base_url=f"{SCHEMA_FOLDER}/"))


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def _track(notes_by_part: dict[str, tuple[Note, ...]], key: Key, album: Album) -> Track:
    """A hand-made track in ``key`` with one violin part per entry."""
    base = album.tracks[0]
    parts = tuple(
        Part(name, Instrument(40, "Violin"), notes) for name, notes in notes_by_part.items()
    )
    return dataclasses.replace(base, plan=dataclasses.replace(base.plan, key=key), parts=parts)


def _notes(part_score) -> list:
    """Sounding notes of a re-parsed part: tied notes joined, chord members one by one."""
    return [head for _, head in _timed_notes(part_score)]


def _timed_notes(part_score) -> list[tuple[Fraction, object]]:
    """(onset in beats, note) of each sounding note of a re-parsed part, as :func:`_notes`."""
    joined = part_score.stripTies()
    timed = []
    for element in joined.recurse().notes:
        onset = Fraction(element.getOffsetInHierarchy(joined))
        timed.extend(
            (onset, head)
            for head in (
                element.notes if isinstance(element, music21.chord.ChordBase) else [element]
            )
        )
    return timed


# --- 1. valid against the W3C MusicXML 4.0 schema ------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_score_validates_against_the_w3c_schema(label, scores, schema) -> None:
    from lxml import etree

    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    for number, data in enumerate(scores[label], 1):
        document = etree.fromstring(data, parser)
        assert schema.validate(document), f"track {number}: {schema.error_log.last_error}"


def test_the_schema_check_can_fail(scores, schema) -> None:
    from lxml import etree

    broken = scores["hand-made"][0].replace(b"<octave>", b"<octave>x", 1)
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    assert not schema.validate(etree.fromstring(broken, parser))


# --- 2. the same notes come back --------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_score_reparses_to_the_same_notes(label, albums, reparsed) -> None:
    for track, score in zip(albums[label].tracks, reparsed[label], strict=True):
        assert len(score.parts) == len(track.parts)
        for part, part_score in zip(track.parts, score.parts, strict=True):
            heads = _notes(part_score)
            assert len(heads) == len(part.notes), (track.plan.title, part.name)
            if not part.is_drums:
                assert Counter(h.pitch.midi for h in heads) == Counter(
                    n.pitch for n in part.notes
                ), (track.plan.title, part.name)


def test_straight_parts_keep_their_onsets(albums, reparsed) -> None:
    for label in ("hand-made", "film", "waltz"):  # notes on eighths and triplets: no snapping
        for track, score in zip(albums[label].tracks, reparsed[label], strict=True):
            for part, part_score in zip(track.parts, score.parts, strict=True):
                onsets = Counter(onset for onset, _ in _timed_notes(part_score))
                assert onsets == Counter(n.start for n in part.notes), (label, part.name)


@pytest.mark.parametrize("label", LABELS)
def test_every_measure_is_complete(label, albums, reparsed) -> None:
    for track, score in zip(albums[label].tracks, reparsed[label], strict=True):
        for part_score in score.parts:
            measures = list(part_score.getElementsByClass("Measure"))
            assert len(measures) == track.plan.bars
            lengths = {Fraction(m.duration.quarterLength) for m in measures}
            assert lengths == {Fraction(track.plan.beats_per_bar)}


def test_a_note_across_the_barline_is_tied(album) -> None:
    long_note = Note(Fraction(3), Fraction(2), 67, 80)  # beat 4 of bar 1 into bar 2
    track = _track({"Tied": (long_note,)}, Key(7, "major"), album)
    data = track_to_musicxml(track, album)
    measures = _root(data).findall("part/measure")
    assert [t.get("type") for t in measures[0].iter("tie")] == ["start"]
    assert [t.get("type") for t in measures[1].iter("tie")] == ["stop"]
    (joined,) = _notes(music21.converter.parse(data, format="musicxml").parts[0])
    assert (joined.offset, joined.quarterLength, joined.pitch.midi) == (3, 2, 67)


def test_an_empty_part_rests_and_a_late_note_adds_a_whole_bar(album) -> None:
    late = Note(Fraction(31), Fraction(3), 79, 70)  # rings two beats past the last bar
    track = _track({"Silent": (), "Late": (late,)}, Key(7, "major"), album)
    score = music21.converter.parse(track_to_musicxml(track, album), format="musicxml")
    for part_score in score.parts:
        measures = list(part_score.getElementsByClass("Measure"))
        assert [m.duration.quarterLength for m in measures] == [4] * (track.plan.bars + 1)
    assert _notes(score.parts[0]) == []
    assert [h.pitch.midi for h in _notes(score.parts[1])] == [79]


def test_notes_that_sound_together_are_a_chord(album) -> None:
    triad = tuple(Note(Fraction(0), Fraction(2), pitch, 70) for pitch in (60, 64, 67))
    track = _track({"Chord": triad}, Key(0, "major"), album)
    first = _root(track_to_musicxml(track, album)).find("part/measure")
    sounding = [n for n in first.iter("note") if n.find("rest") is None]
    assert [n.find("chord") is not None for n in sounding] == [False, True, True]


def test_each_instrument_reads_its_own_clef(album) -> None:
    """A line around A3: a cello reads it in bass clef, a viola in alto clef (the pitches
    alone would put both in bass clef). A line around E4: a cello reads it in tenor clef, a
    violin in treble clef (the pitches alone would put both in treble clef)."""
    line = tuple(Note(Fraction(b), Fraction(1), p, 70) for b, p in enumerate((55, 57, 59, 62)))
    high = tuple(Note(Fraction(b), Fraction(1), p, 70) for b, p in enumerate((62, 64, 66, 67)))
    base = album.tracks[0]
    parts = (
        Part("Cello", Instrument(42, "Cello"), line),
        Part("Viola", Instrument(41, "Viola"), line),
        Part("High cello", Instrument(42, "Cello"), high),
        Part("Violin", Instrument(40, "Violin"), high),
    )
    track = dataclasses.replace(
        base, plan=dataclasses.replace(base.plan, key=Key(7, "major")), parts=parts
    )
    clefs = [
        (
            written.findtext("measure/attributes/clef/sign"),
            written.findtext("measure/attributes/clef/line"),
        )
        for written in _root(track_to_musicxml(track, album)).findall("part")
    ]
    assert clefs == [("F", "4"), ("C", "3"), ("C", "4"), ("G", "2")]


@pytest.mark.parametrize(
    ("program", "pitches", "clef"),
    [
        (42, (48, 55, 60), "F4"),  # cello, low
        (42, (60, 62, 65), "C4"),  # cello around middle C and above: tenor
        (42, (70, 74, 79), "G2"),  # cello, high
        (70, (50, 53, 57), "F4"),  # bassoon
        (41, (55, 60, 67), "C3"),  # viola
        (41, (72, 76, 79), "G2"),  # viola, high
        (43, (40, 43, 60), "F4"),  # contrabass
        (73, (72, 76, 79), None),  # flute: its pitches decide
        (42, (), None),  # an empty part
    ],
)
def test_instrument_clefs(program, pitches, clef) -> None:
    assert instrument_clef(program, pitches) == clef


def test_score_events_join_chords_and_never_overlap() -> None:
    notes = (
        Note(Fraction(0), Fraction(3), 48, 60),  # a held bass under a moving line
        Note(Fraction(0), Fraction(19, 20), 72, 90),  # articulated quarter
        Note(Fraction(1), Fraction(19, 40), 74, 70),
        Note(Fraction(3, 2), Fraction(19, 40), 76, 70),
    )
    events = score_events(Part("Piano", Instrument(0, "Piano"), notes))
    assert events == (
        ScoreEvent(Fraction(0), Fraction(1), (48, 72), 90),
        ScoreEvent(Fraction(1), Fraction(1, 2), (74,), 70),
        ScoreEvent(Fraction(3, 2), Fraction(1, 2), (76,), 70),
    )


@pytest.mark.parametrize(
    ("sounding", "grid", "written"),
    [
        ("9/5", "1/4", "2"),  # a half note played at 90 %: a half, not a double-dotted quarter
        ("19/20", "1/4", "1"),
        ("27/10", "1/4", "3"),
        ("9/20", "1/4", "1/2"),
        ("1/10", "1/4", "1/4"),  # never shorter than the grid
        ("3/4", "1/4", "3/4"),  # a dotted eighth stays one
        ("19/60", "1/3", "1/3"),  # a triplet eighth
        ("8/5", "1/3", "4/3"),
    ],
)
def test_written_lengths_round_articulation_away(sounding, grid, written) -> None:
    assert written_length(Fraction(sounding), Fraction(grid)) == Fraction(written)


def test_drum_hits_are_written_to_the_next_hit_within_the_beat() -> None:
    hits = (Note(Fraction(0), Fraction(1, 4), 36, 90), Note(Fraction(5, 2), Fraction(1, 4), 42, 70))
    events = score_events(Part("Drums", Instrument(0, "Kit"), hits, is_drums=True))
    assert [(e.start, e.duration) for e in events] == [(0, 1), (Fraction(5, 2), Fraction(1, 2))]


def test_swung_eighths_are_written_straight() -> None:
    eighths = [Note(Fraction(i, 2), Fraction(1, 2), 60 + i, 80) for i in range(8)]
    events = score_events(
        Part("Sax", Instrument(65, "Alto Sax"), tuple(swing(eighths))), swung=True
    )
    assert [(e.start, e.duration) for e in events] == [(n.start, n.duration) for n in eighths]
    assert [straight_beat(Fraction(b)) for b in ("0", "1/3", "2/3", "5/6", "7/3")] == [
        0, Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(9, 4),
    ]  # fmt: skip


# --- 3. names, key, meter and tempo ----------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_score_names_parts_key_meter_and_tempo(label, albums, scores) -> None:
    for track, data in zip(albums[label].tracks, scores[label], strict=True):
        root, plan = _root(data), track.plan
        listed = root.findall("part-list/score-part")
        assert [p.findtext("part-name") for p in listed] == [p.name for p in track.parts]
        assert [p.findtext("score-instrument/instrument-name") for p in listed] == [
            p.instrument.name for p in track.parts
        ]
        assert [int(p.findtext("midi-instrument/midi-program")) for p in listed] == [
            p.instrument.program + 1 for p in track.parts
        ]
        for part, written in zip(track.parts, root.findall("part"), strict=True):
            attributes = written.find("measure/attributes")
            assert attributes.findtext("time/beats") == str(plan.beats_per_bar)
            assert attributes.findtext("time/beat-type") == "4"
            if part.is_drums:
                assert attributes.find("key") is None
                assert attributes.findtext("clef/sign") == "percussion"
                continue
            assert int(attributes.findtext("key/fifths")) == plan.key.fifths
            assert attributes.findtext("key/mode") == plan.key.mode
        per_minute = root.findall("part/measure/direction/direction-type/metronome/per-minute")
        assert [float(p.text) for p in per_minute] == [plan.tempo_bpm]
        assert [float(s.get("tempo")) for s in root.iter("sound") if s.get("tempo")] == [
            plan.tempo_bpm
        ]


def test_waltz_scores_are_in_three_and_jazz_scores_say_swing(scores) -> None:
    assert {_root(d).findtext("part/measure/attributes/time/beats") for d in scores["waltz"]} == {
        "3"
    }
    for data in scores["jazz"]:
        words = _root(data).findall("part/measure/direction/direction-type/words")
        assert [w.text for w in words] == ["Swing"]


def test_drums_are_unpitched_on_channel_ten(albums, scores) -> None:
    track, data = albums["hand-made"].tracks[0], scores["hand-made"][0]
    index = next(i for i, part in enumerate(track.parts) if part.is_drums)
    root = _root(data)
    assert (
        root.findall("part-list/score-part")[index].findtext("midi-instrument/midi-channel") == "10"
    )
    drum_notes = [n for n in root.findall("part")[index].iter("note") if n.find("rest") is None]
    assert drum_notes
    assert all(n.find("unpitched") is not None for n in drum_notes)


def test_dynamics_mark_changes_of_level_only(albums, scores) -> None:
    for label in LABELS:
        for track, data in zip(albums[label].tracks, scores[label], strict=True):
            for part, written in zip(track.parts, _root(data).findall("part"), strict=True):
                marks = [d[0].tag for d in written.iter("dynamics")]
                assert bool(marks) == bool(part.notes), (label, part.name)
                assert all(a != b for a, b in itertools.pairwise(marks)), marks
                assert len(marks) <= track.plan.bars


def test_bar_dynamics_follow_the_median_velocity_of_each_bar() -> None:
    def bar(number: int, velocities: tuple[int, ...]) -> list[ScoreEvent]:
        return [
            ScoreEvent(Fraction(4 * number + i), Fraction(1), (60,), v)
            for i, v in enumerate(velocities)
        ]

    accents = (72, 58, 66, 58)  # mp with metric accents: no mark inside the bar
    events = bar(0, accents) + bar(1, accents) + bar(2, (98, 90, 94, 90)) + bar(3, (30, 34))
    assert bar_dynamics(events, 4) == ((0, "mp"), (8, "f"), (12, "pp"))


# --- 4. no spurious accidentals ---------------------------------------------------------------


def _signature(fifths: int) -> dict[str, int]:
    """Alteration of each step under a key signature."""
    altered = SHARP_ORDER[:fifths] if fifths > 0 else SHARP_ORDER[::-1][:-fifths]
    return {step: (1 if fifths > 0 else -1) if step in altered else 0 for step in "ABCDEFG"}


def needless_accidentals(data: bytes) -> list[tuple[str, str, str]]:
    """Accidentals that change nothing and remind of nothing.

    An accidental is needed where the note's alteration differs from what the key signature
    or an earlier note in the same octave and bar gives; it is a courtesy where the bar
    before, or an earlier note of the bar in another octave, altered that letter.
    """
    needless = []
    for part in _root(data).findall("part"):
        signature, altered_before = _signature(0), set()
        for measure in part.findall("measure"):
            fifths = measure.findtext("attributes/key/fifths")
            if fifths is not None:
                signature = _signature(int(fifths))
            current: dict[tuple[str, str], int] = {}  # (step, octave) -> alteration
            altered_here: set[str] = set()
            for written in measure.iter("note"):
                pitch = written.find("pitch")
                if pitch is None:
                    continue
                step, octave = pitch.findtext("step"), pitch.findtext("octave")
                alter = int(pitch.findtext("alter") or 0)
                sign = written.findtext("accidental")
                expected = current.get((step, octave), signature[step])
                courtesy = step in altered_before or step in altered_here
                if sign and alter == expected and not courtesy:
                    needless.append((part.get("id"), measure.get("number"), sign))
                current[step, octave] = alter
                if alter != signature[step]:
                    altered_here.add(step)
            altered_before = altered_here
    return needless


@pytest.mark.parametrize("label", LABELS)
def test_no_score_has_needless_accidentals(label, scores) -> None:
    for number, data in enumerate(scores[label], 1):
        assert needless_accidentals(data) == [], f"track {number}"


def test_diatonic_lines_have_no_accidentals_in_any_mode(scores) -> None:
    # The hand-made album's lines are its scales, in G major, E minor, D dorian, F phrygian
    # and C lydian: the key signatures cover every note.
    for data in scores["hand-made"]:
        assert b"<accidental" not in data


def test_the_accidental_check_can_fail(scores) -> None:
    data = scores["hand-made"][0]
    spurious = data.replace(b"</type>", b"</type>\n<accidental>natural</accidental>", 1)
    assert needless_accidentals(spurious)


@pytest.mark.parametrize(("tonic", "mode"), [(t, m) for t in range(12) for m in MODES])
def test_scales_are_spelled_as_their_key_signature(tonic, mode) -> None:
    key = Key(tonic, mode)
    names = [spelled_name(pc, key) for pc in sorted(key.pitch_classes())]
    assert len({name[0] for name in names}) == 7  # one of each letter
    accidentals = "".join(name[1:] for name in names)
    assert accidentals == ("#" if key.fifths > 0 else "-") * abs(key.fifths)


@pytest.mark.parametrize(
    ("tonic", "mode", "pitch_class", "name"),
    [
        (3, "major", 3, "E-"),  # Eb major: MIDI 63 is E-flat, not D-sharp
        (2, "dorian", 5, "F"),  # D dorian: no sharps
        (2, "minor", 1, "C#"),  # the leading tone of D minor
        (9, "minor", 8, "G#"),
        (0, "major", 6, "F#"),
        (0, "major", 10, "B-"),
        (0, "major", 8, "A-"),
        (1, "minor", 0, "B#"),  # the leading tone of C# minor
        (6, "major", 5, "E#"),
    ],
)
def test_chromatic_and_scale_notes_are_spelled_as_musicians_do(
    tonic, mode, pitch_class, name
) -> None:
    assert spelled_name(pitch_class, Key(tonic, mode)) == name


def test_spelled_pitches_keep_their_octave(album) -> None:
    line = tuple(Note(Fraction(i), Fraction(1), p, 80) for i, p in enumerate((61, 60, 61, 71)))
    data = track_to_musicxml(_track({"Line": line}, Key(1, "minor"), album), album)
    heads = _notes(music21.converter.parse(data, format="musicxml").parts[0])
    assert [h.nameWithOctave for h in heads] == ["C#4", "B#3", "C#4", "B4"]
    assert [h.pitch.midi for h in heads] == [61, 60, 61, 71]
    signs = [
        n.findtext("accidental") for n in _root(data).iter("note") if n.find("pitch") is not None
    ]
    assert signs == [None, "sharp", None, "natural"]  # B is in the key, but after B# in the bar


# --- 5. the same bytes every time -------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_score_is_the_same_bytes_when_written_again(label, albums, scores) -> None:
    again = tuple(track_to_musicxml(track, albums[label]) for track in albums[label].tracks)
    assert again == scores[label]
    assert all(b"encoding-date" not in data for data in again)


def test_the_score_is_the_same_bytes_in_another_process(albums, scores) -> None:
    code = (
        "import sys; sys.path[:0] = [sys.argv[1]]\n"
        "from tests.render.conftest import make_album\n"
        "from storyscore.render.musicxml import track_to_musicxml\n"
        "album = make_album()\n"
        "sys.stdout.buffer.write(track_to_musicxml(album.tracks[0], album))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    repo = str(Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-c", code, repo], capture_output=True, env=env, check=True, timeout=120
    )
    assert result.stdout == scores["hand-made"][0]


# --- the optional extra -----------------------------------------------------------------------


def test_importing_the_renderers_loads_neither_music21_nor_verovio() -> None:
    code = (
        "import sys, storyscore.render.musicxml, storyscore.render.score_pictures\n"
        "print('music21' in sys.modules, 'verovio' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["False", "False"]


def test_without_music21_the_error_names_the_extra(album, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "music21", None)
    with pytest.raises(MissingDependencyError) as raised:
        track_to_musicxml(album.tracks[0], album)
    message = str(raised.value)
    assert "storyscore[score]" in message and "\n" not in message


def test_without_verovio_the_error_names_the_extra(scores, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "verovio", None)
    with pytest.raises(MissingDependencyError) as raised:
        track_score_svgs(scores["hand-made"][0])
    message = str(raised.value)
    assert "storyscore[score]" in message and "\n" not in message


# --- pictures and a real notation program ---------------------------------------------------


def test_verovio_engraves_pages_with_every_note(albums, scores) -> None:
    require_tool(_has_module("verovio"), "verovio is not installed (pip install verovio)")
    for label in ("hand-made", "jazz"):
        track, data = albums[label].tracks[0], scores[label][0]
        pages = track_score_svgs(data)
        assert pages and all(page.startswith(b"<svg") for page in pages)
        heads = sum(page.count(b'class="note"') for page in pages)
        assert heads >= sum(len(part.notes) for part in track.parts)  # ties add heads
        assert track_score_svgs(data) == pages


def test_musescore_converts_every_style_to_pdf(scores, tmp_path) -> None:
    program = shutil.which("mscore3") or shutil.which("musescore3")
    require_tool(program is not None, "MuseScore 3 is not installed (apt-get install musescore3)")
    jobs = []
    for label in LABELS:
        score = tmp_path / f"{label}.musicxml"
        score.write_bytes(scores[label][-1])
        jobs.append({"in": str(score), "out": str(tmp_path / f"{label}.pdf")})
    (tmp_path / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    result = subprocess.run(
        [program, "-j", str(tmp_path / "jobs.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for job in jobs:
        pdf = Path(job["out"]).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000, job["out"]
