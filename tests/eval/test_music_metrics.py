"""The music evaluation's metrics on tiny inputs whose answers are known, and one small slice
of the real thing: the tiny story composed in "film"."""

from __future__ import annotations

import importlib.util
import json
import math
import random
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest

import storyscore
from storyscore.composition.arrangement import swing
from storyscore.composition.model import Chord, Motif, Note
from storyscore.music.theory import Key

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = REPO / "eval"
TINY_STORY = REPO / "tests" / "data" / "tiny-story.txt"
C_MAJOR = Key(0, "major")


def _load(module_name: str, file_name: str):
    """Import a script of eval/ (not a package) under ``module_name``."""
    spec = importlib.util.spec_from_file_location(module_name, EVAL_DIR / file_name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


mm = _load("music_metrics", "music_metrics.py")  # eval/music.py imports it by this name
music = _load("storyscore_eval_music", "music.py")


def line(pitches, durations=None, start=F(0)) -> tuple[Note, ...]:
    """Successive notes (quarter notes unless ``durations`` says otherwise)."""
    durations = durations or [F(1)] * len(pitches)
    notes, beat = [], F(start)
    for pitch, duration in zip(pitches, durations, strict=True):
        notes.append(Note(beat, F(duration), pitch, 80))
        beat += F(duration)
    return tuple(notes)


def chord(start, duration, root, quality="maj") -> Chord:
    return Chord(F(start), F(duration), root, quality, "X")


# --- 1. scale consistency ----------------------------------------------------------------------


def test_a_c_major_scale_in_c_is_fully_consistent():
    scale = line([60, 62, 64, 65, 67, 69, 71, 72])
    assert mm.scale_consistency(scale, C_MAJOR, []).share == 1.0


def test_a_chromatic_note_counts_only_inside_its_chord():
    f_sharp = line([66])
    assert mm.scale_consistency(f_sharp, C_MAJOR, []).share == 0.0
    assert mm.scale_consistency(f_sharp, C_MAJOR, [chord(0, 4, 2)]).share == 1.0  # V/V
    assert mm.scale_consistency(f_sharp, C_MAJOR, [chord(1, 4, 2)]).share == 0.0  # not yet


# --- 2. key recovered --------------------------------------------------------------------------


def test_key_rule_accepts_exact_relative_and_the_modes_signature():
    assert mm.key_recovered(0, "major", C_MAJOR)
    assert mm.key_recovered(9, "minor", C_MAJOR)
    assert not mm.key_recovered(7, "major", C_MAJOR)
    assert not mm.key_recovered(0, "minor", C_MAJOR)
    d_dorian = Key(2, "dorian")
    assert mm.key_recovered(2, "minor", d_dorian)  # tonic, minor family
    assert mm.key_recovered(0, "major", d_dorian)  # same signature
    assert mm.key_recovered(9, "minor", d_dorian)
    assert not mm.key_recovered(2, "major", d_dorian)
    assert mm.key_recovered(5, "major", Key(5, "lydian"))
    assert mm.accepted_keys(Key(6, "major")) == {(6, "major"), (3, "minor")}  # six sharps


def test_music21_finds_c_major_in_a_tonic_triad_melody():
    tune = line([60, 64, 67, 72, 67, 64, 62, 65, 71, 67, 60], [2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 4])
    assert mm.music21_key(tune) == (0, "major")


# --- 3. motif found ----------------------------------------------------------------------------

MOTIF = Motif((0, 2, 1, 4), (F(1), F(1, 2), F(1, 2), F(2)))


def realise(motif: Motif, key: Key, shift: int, tonic_midi: int = 60, start=F(0)):
    pitches = [key.degree_to_pitch(d + shift, tonic_midi) for d in motif.degrees]
    return line(pitches, motif.durations, start=start)


def test_a_motif_is_found_transposed_inverted_augmented_and_diminished():
    filler = line([60, 60, 60])  # notes before the motif
    assert mm.find_motif(realise(MOTIF, C_MAJOR, 3), MOTIF, C_MAJOR) == "original"
    moved = filler + realise(MOTIF, Key(9, "minor"), 2, 57, start=F(3))
    assert mm.find_motif(moved, MOTIF, Key(9, "minor")) == "original"
    inverted = Motif((0, -2, -1, -4), MOTIF.durations)
    assert mm.find_motif(realise(inverted, C_MAJOR, 5), MOTIF, C_MAJOR) == "inversion"
    longer = Motif(MOTIF.degrees, tuple(2 * d for d in MOTIF.durations))
    assert mm.find_motif(realise(longer, C_MAJOR, 0), MOTIF, C_MAJOR) == "augmentation"
    shorter = Motif(MOTIF.degrees, tuple(d / 2 for d in MOTIF.durations))
    assert mm.find_motif(realise(shorter, C_MAJOR, 1), MOTIF, C_MAJOR) == "diminution"


def test_a_different_tune_or_rhythm_is_not_the_motif():
    other = Motif((0, 1, 2, 3), MOTIF.durations)
    assert mm.find_motif(realise(other, C_MAJOR, 0), MOTIF, C_MAJOR) is None
    off_beat = Motif(MOTIF.degrees, (F(1), F(1), F(1), F(1)))
    assert mm.find_motif(realise(off_beat, C_MAJOR, 0), MOTIF, C_MAJOR) is None


def test_the_head_of_four_notes_stands_for_a_longer_motif():
    long_motif = Motif((0, 2, 1, 4, 3, 1), (F(1),) * 6)
    changed_tail = Motif((0, 2, 1, 4, 6, 5), (F(1),) * 6)
    heard = realise(changed_tail, C_MAJOR, 0)
    assert mm.find_motif(heard, long_motif, C_MAJOR) == "original"
    assert mm.find_motif(heard, long_motif, C_MAJOR, head=6) is None


def test_a_raised_leading_tone_still_matches_its_degree():
    a_minor = Key(9, "minor")
    motif = Motif((0, -1, 0, 2), (F(1),) * 4)  # ^1 ^7 ^1 ^3
    heard = line([57, 56, 57, 60])  # A G# A C
    assert mm.find_motif(heard, motif, a_minor) == "original"


def test_straighten_undoes_swing():
    straight = line([60, 62, 64, 65, 67], [F(1, 2), F(1, 2), F(1, 4), F(1, 4), F(1)])
    assert mm.straighten(swing(straight)) == straight


# --- 4. parallel fifths and octaves ------------------------------------------------------------


def test_a_known_parallel_fifth_is_counted_and_contrary_motion_is_not():
    chords = [chord(0, 2, 0), chord(2, 2, 2), chord(4, 2, 0)]
    melody = line([67, 69, 67], [2, 2, 2])  # G A G
    bass = line([48, 50, 43], [2, 2, 2])  # C D G: a twelfth, a twelfth, then two octaves
    assert mm.is_parallel_perfect(67, 48, 69, 50)
    assert not mm.is_parallel_perfect(67, 48, 65, 53)  # fifth to third
    assert not mm.is_parallel_perfect(67, 48, 62, 55)  # twelfth to fifth in contrary motion
    tally = mm.parallel_perfects(melody, bass, chords)
    assert (tally.hits, tally.total) == (1, 2)  # C->D in parallel twelfths; D->G a new class


# --- 5. structure ------------------------------------------------------------------------------


def test_two_identical_bars_have_structure_one_and_transposition_still_recurs():
    bar = [60, 62, 64, 60]
    assert mm.recurring_bars(mm.bars_of(line(bar + bar), 4)).share == 1.0
    moved = line(bar + [p + 5 for p in bar])
    assert mm.recurring_bars(mm.bars_of(moved, 4)).share == 1.0
    assert mm.recurring_bars(mm.bars_of(moved, 4), exact=True).share == 0.0
    other_rhythm = line(bar + bar, [1, 1, 1, 1, 2, 1, F(1, 2), F(1, 2)])
    assert mm.recurring_bars(mm.bars_of(other_rhythm, 4)).share == 0.0


def test_a_random_walk_has_little_structure():
    rng = random.Random(5)
    shares = [
        mm.recurring_bars(mm.bars_of(mm.random_walk(rng, bars=16, key=C_MAJOR), 4)).share
        for _ in range(20)
    ]
    assert sum(shares) / len(shares) < 0.1


def test_skyline_keeps_the_highest_note_and_what_it_covers():
    notes = [
        Note(F(0), F(2), 72, 80),
        Note(F(0), F(1), 60, 80),
        Note(F(1), F(1), 64, 80),  # under the held 72: hidden
        Note(F(2), F(1), 65, 80),
    ]
    assert [(n.start, n.pitch) for n in mm.skyline(notes)] == [(0, 72), (2, 65)]


# --- 6. feature distributions ------------------------------------------------------------------


def test_melody_features_of_a_scale():
    features = mm.melody_features(line([60, 62, 64, 65, 67, 69, 71, 72]))
    assert features.pitch_range == 12
    assert features.mean_abs_interval == pytest.approx(12 / 7)
    assert features.mean_ioi == 1.0
    expected_entropy = -(6 * (1 / 8) * math.log2(1 / 8) + (2 / 8) * math.log2(2 / 8))
    assert features.pitch_class_entropy == pytest.approx(expected_entropy)


def test_overlap_of_identical_samples_is_one_and_of_disjoint_ones_zero():
    rng = random.Random(1)
    sample = [rng.gauss(0, 1) for _ in range(300)]
    assert mm.overlap_area(sample, sample) == pytest.approx(1.0, abs=1e-6)
    assert mm.overlap_area(sample, [x + 50 for x in sample]) < 1e-3
    half = mm.overlap_area(sample, [x + 1.35 for x in sample])  # two unit normals 1.35 apart
    assert 0.4 < half < 0.6


# --- 7. duet -----------------------------------------------------------------------------------


def test_duet_in_thirds_and_in_call_and_response():
    upper = line([64, 65, 67, 69])
    lower = line([60, 62, 64, 65])
    together = mm.duet_measures(upper, lower)
    assert (together.perfect, together.imperfect, together.dissonant) == (0, 4, 0)
    assert together.onset_coincidence == 1.0
    assert together.second_share == 0.5
    assert together.register_distance == pytest.approx(3.5)
    answer = line([60, 62], start=F(4))
    apart = mm.duet_measures(upper, answer)
    assert apart.onset_coincidence == 0.0
    assert apart.perfect + apart.imperfect + apart.dissonant == 0
    assert math.isnan(apart.register_distance)
    assert apart.second_share == pytest.approx(2 / 6)


# --- 8. emotion --------------------------------------------------------------------------------


def test_spearman_with_average_ranks():
    assert mm.spearman([1, 2, 3, 4], [10, 20, 30, 1000]) == pytest.approx(1.0)
    assert mm.spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert list(mm.average_ranks([10, 20, 20, 30])) == [1.0, 2.5, 2.5, 4.0]
    # valence against a binary mode: ties share ranks (point-biserial on ranks)
    assert mm.spearman([-0.5, -0.1, 0.2, 0.6], [0, 0, 1, 1]) == pytest.approx(0.894427, abs=1e-6)
    assert math.isnan(mm.spearman([1, 2, 3], [1, 1, 1]))


# --- the reference data and a small slice of the real evaluation -------------------------------


def test_corpus_features_file_is_complete_and_attributed():
    data = json.loads(music.CORPUS_FEATURES.read_text(encoding="utf-8"))
    assert "public domain" in data["licence"]
    assert len(data["tunes"]) == data["tunes_in_corpus"] - len(data["skipped_under_min_notes"])
    assert len(data["tunes"]) > 1000
    columns = music.load_corpus()
    assert set(columns) == {*mm.FEATURE_NAMES, "recurring"}


@pytest.fixture(scope="module")
def tiny_album():
    return storyscore.compose(TINY_STORY.read_bytes(), seed=0, style="film", name="tiny")


def test_tiny_story_in_film_runs_every_metric(tiny_album):
    results = [
        music.evaluate_track(tiny_album, track, f"tiny track {track.plan.number}")
        for track in tiny_album.tracks
    ]
    scale = sum((r.scale for r in results), mm.Tally(0, 0))
    assert scale.share >= 0.9
    assert all(r.found_key[1] in ("major", "minor") for r in results)
    assert all(0 <= r.structure.share <= 1 for r in results if r.structure.total)
    features = [r.features for r in results if r.features]
    corpus = music.load_corpus()
    for name in mm.FEATURE_NAMES:
        assert 0 <= mm.overlap_area([getattr(f, name) for f in features], corpus[name]) <= 1
    rho_valence, rho_arousal = music.album_emotion(results, tiny_album)
    assert math.isnan(rho_valence) or -1 <= rho_valence <= 1
    assert math.isnan(rho_arousal) or -1 <= rho_arousal <= 1
    assert any(r.motifs for r in results)
