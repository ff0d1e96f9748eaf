"""How the composed music measures up (issue 4): every story in ../shared/data/stories in
every style, with the issue's thresholds beside each figure.

    .venv/bin/python eval/music.py [--seeds N] [--stories NAME ...] [--styles NAME ...] [-v]

Per style: (1) scale consistency, (2) key recovered by music21, (3) leitmotif found where
its character is on stage, (4) parallel fifths/octaves between melody and bass, (5) recurring
bars, (6) Yang & Lerch overlap of melody features with Ryan's Mammoth Collection, (7) the two
leads' duet per relationship state, (8) Spearman rho of valence~mode and arousal~tempo.
The metric definitions are in ``eval/music_metrics.py``; the reference features are made by
``eval/corpus_features.py``. Swung styles are straightened first, so the written rhythm is
measured. ``-v`` lists every miss (story, style, seed, track, ...).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from music_metrics import (
    FEATURE_NAMES,
    DuetMeasures,
    MelodyFeatures,
    Tally,
    bars_of,
    duet_measures,
    find_motif,
    key_recovered,
    lowest_at,
    melody_features,
    music21_key,
    overlap_area,
    parallel_changes,
    random_walk,
    recurring_bars,
    scale_consistency,
    skyline,
    spearman,
    straighten,
)

import storyscore
from storyscore.analysis.model import RELATIONSHIP_STATES
from storyscore.composition.album import compose_album
from storyscore.composition.model import Album, Note, Part, Theme, Track
from storyscore.composition.styles import STYLES
from storyscore.music.theory import Key
from storyscore.options import ComposeOptions
from storyscore.random_source import derive

REPO = Path(__file__).resolve().parents[1]
STORIES = REPO.parent / "shared" / "data" / "stories"
CORPUS_FEATURES = Path(__file__).resolve().parent / "data" / "ryans-mammoth-features.json"
STYLE_NAMES = ("film", "piano", "jazz", "waltz")
RANDOM_WALKS, RANDOM_WALK_BARS = 200, 16

SCALE_TARGET = 0.9
KEY_TARGET = 0.85
MOTIF_TARGET = 0.9
PARALLEL_LIMIT = 0.02
STRUCTURE_TARGET = 0.4
OVERLAP_MEAN_TARGET, OVERLAP_MIN_TARGET = 0.55, 0.4
EMOTION_TARGET = 0.6


@dataclass(frozen=True, slots=True)
class MotifCheck:
    """One (character, track) pair: the form found (head of 4 notes) and with the whole motif."""

    character: str
    found: str | None
    found_whole: str | None
    has_part: bool


@dataclass(frozen=True, slots=True)
class TrackResult:
    """Every measure of one composed track."""

    where: str  # "story style seed track N"
    kind: str
    scale: Tally
    worst_part: str  # the part with the most notes outside scale and chord
    planned_key: Key
    found_key: tuple[int, str] | None  # None for a track without pitched notes
    key_ok: bool
    parallels: Tally
    parallel_at: tuple[tuple[int, str], ...]  # bar (from 1) and the part sounding the bass
    structure: Tally
    exact_structure: Tally
    features: MelodyFeatures | None
    motifs: tuple[MotifCheck, ...]
    motif_control: Tally  # motifs of characters absent from the track found in its voices
    duet: tuple[str, DuetMeasures] | None
    valence: float
    arousal: float
    tempo: float


@dataclass
class StyleTotals:
    """What one style's tracks add up to."""

    tracks: list[TrackResult] = field(default_factory=list)
    emotion: list[tuple[float, float]] = field(default_factory=list)  # per album: rho V, rho A


def character_parts(album: Album, track: Track) -> list[Part]:
    """The parts that are a character's voice (named after a theme's character)."""
    characters = {theme.character for theme in album.themes}
    return [p for p in track.parts if p.name in characters and not p.is_drums]


def evaluate_track(album: Album, track: Track, where: str) -> TrackResult:
    """All measures of one track; swung styles are straightened first."""
    swung = STYLES[album.style].swing
    parts = {
        p.name: Part(p.name, p.instrument, straighten(p.notes) if swung else p.notes, p.is_drums)
        for p in track.parts
    }
    plan = track.plan
    pitched = [p for p in parts.values() if not p.is_drums]
    all_notes = [n for p in pitched for n in p.notes]
    voices = [parts[p.name] for p in character_parts(album, track)]
    voice_notes = [n for p in voices for n in p.notes]
    melody = skyline(voice_notes)

    per_part = {p.name: scale_consistency(p.notes, plan.key, track.chords) for p in pitched}
    scale = sum(per_part.values(), Tally(0, 0))
    worst = max(per_part, key=lambda name: (per_part[name].total - per_part[name].hits, name))
    found_key = music21_key(all_notes) if all_notes else None
    lines = {p.name: skyline(p.notes) for p in voices}  # each voice as one line
    motifs = tuple(
        _motif_check(theme, lines.get(theme.character), plan.key)
        for theme in album.themes
        if theme.character in plan.characters
    )
    changes = parallel_changes(voice_notes, all_notes, track.chords)
    parallel_at = tuple(
        (int(beat // plan.beats_per_bar) + 1, _lowest_part(pitched, beat))
        for beat, parallel in changes
        if parallel
    )
    bars = bars_of(melody, plan.beats_per_bar)
    absent = [
        t for t in album.themes if t.character not in plan.characters and t.character not in parts
    ]
    motif_control = Tally(
        sum(
            find_motif(line, t.motif, plan.key) is not None
            for t in absent
            for line in lines.values()
        ),
        len(absent) * len(lines),
    )
    duet = None
    if plan.pair is not None and plan.state is not None and all(c in parts for c in plan.pair):
        first, second = (skyline(parts[c].notes) for c in plan.pair)
        duet = (plan.state, duet_measures(first, second))
    return TrackResult(
        where=where,
        kind=plan.kind,
        scale=scale,
        worst_part=worst,
        planned_key=plan.key,
        found_key=found_key,
        key_ok=found_key is not None and key_recovered(*found_key, plan.key),
        parallels=Tally(len(parallel_at), len(changes)),
        parallel_at=parallel_at,
        structure=recurring_bars(bars),
        exact_structure=recurring_bars(bars, exact=True),
        features=melody_features(melody) if len(melody) >= 2 else None,
        motifs=motifs,
        motif_control=motif_control,
        duet=duet,
        valence=plan.valence,
        arousal=plan.arousal,
        tempo=plan.tempo_bpm,
    )


def _lowest_part(parts: Sequence[Part], beat: Fraction) -> str:
    """The name of the part that sounds the lowest note at ``beat``."""
    lowest = lowest_at([n for p in parts for n in p.notes], beat)
    return next(p.name for p in parts if lowest_at(p.notes, beat) == lowest)


def _motif_check(theme: Theme, line: Sequence[Note] | None, key: Key) -> MotifCheck:
    if line is None:
        return MotifCheck(theme.character, None, None, has_part=False)
    return MotifCheck(
        theme.character,
        find_motif(line, theme.motif, key),
        find_motif(line, theme.motif, key, head=len(theme.motif.degrees)),
        has_part=True,
    )


def album_emotion(results: Sequence[TrackResult], album: Album) -> tuple[float, float]:
    """Spearman rho of valence~mode (major-like = 1) and arousal~tempo over the story tracks."""
    story = [(r, t) for r, t in zip(results, album.tracks, strict=True) if t.plan.kind == "story"]
    valence = [r.valence for r, _ in story]
    mode = [1.0 if t.plan.key.is_major_like else 0.0 for _, t in story]
    arousal = [r.arousal for r, _ in story]
    tempo = [r.tempo for r, _ in story]
    return spearman(valence, mode), spearman(arousal, tempo)


def load_corpus() -> dict[str, list[float]]:
    """The reference features and recurring-bar shares of Ryan's Mammoth Collection."""
    data = json.loads(CORPUS_FEATURES.read_text(encoding="utf-8"))
    tunes = data["tunes"]
    columns = {name: [float(t[name]) for t in tunes] for name in FEATURE_NAMES}
    columns["recurring"] = [t["recurring_bars"] / t["bars"] for t in tunes]
    return columns


def random_walk_structure(*, eighths: bool) -> list[float]:
    """Recurring-bar shares of in-key random walks (the aimless melody to beat)."""
    rng = derive(0, "eval", "random-walk", int(eighths))
    key = Key(0, "major")
    shares = []
    for _ in range(RANDOM_WALKS):
        walk = random_walk(rng, bars=RANDOM_WALK_BARS, key=key, eighths=eighths)
        shares.append(recurring_bars(bars_of(walk, 4)).share)
    return shares


def story_paths(names: Sequence[str] | None) -> list[Path]:
    """The chosen stories (a path, a file name, or a name without ``.txt``), or all."""
    if not names:
        return sorted(STORIES.glob("*.txt"))
    paths = []
    for name in names:
        candidate = Path(name)
        if not candidate.is_file():
            candidate = STORIES / (name if name.endswith(".txt") else f"{name}.txt")
        if not candidate.is_file():
            raise SystemExit(f"no story {name!r}: give a path or a name from {STORIES}")
        paths.append(candidate)
    return paths


# --- Printing ----------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return statistics.fmean(kept) if kept else math.nan


def _cell(value: float, passed: bool | None) -> str:
    mark = "" if passed is None else (" PASS" if passed else " FAIL")
    return f"{value:7.3f}{mark:5}"


def _row(label: str, target: str, cells: Sequence[str]) -> str:
    return f"{label:38} {target:>9}  " + "  ".join(f"{c:12}" for c in cells)


def print_report(
    totals: dict[str, StyleTotals], corpus: dict[str, list[float]], walks: dict[str, list[float]]
) -> None:
    styles = list(totals)
    print(_row("metric", "target", styles))

    def line(label, target, values, check=None):
        cells = [_cell(v, None if check is None or math.isnan(v) else check(v)) for v in values]
        print(_row(label, target, cells))

    tracks = {s: totals[s].tracks for s in styles}
    line(
        "1 scale consistency (notes)",
        ">= 0.90",
        [sum((r.scale for r in tracks[s]), Tally(0, 0)).share for s in styles],
        lambda v: v >= SCALE_TARGET,
    )
    line(
        "2 key recovered (tracks)",
        ">= 0.85",
        [_mean([float(r.key_ok) for r in tracks[s]]) for s in styles],
        lambda v: v >= KEY_TARGET,
    )
    pairs = {s: [m for r in tracks[s] for m in r.motifs] for s in styles}
    line(
        "3 motif found, head of 4 (pairs)",
        ">= 0.90",
        [_mean([float(m.found is not None) for m in pairs[s]]) for s in styles],
        lambda v: v >= MOTIF_TARGET,
    )
    line(
        "  whole motif found (pairs)",
        "info",
        [_mean([float(m.found_whole is not None) for m in pairs[s]]) for s in styles],
    )
    line(
        "  control: absent motif found (pairs)",
        "info",
        [sum((r.motif_control for r in tracks[s]), Tally(0, 0)).share for s in styles],
    )
    line(
        "4 parallel 5ths/8ves (chord changes)",
        "<= 0.02",
        [sum((r.parallels for r in tracks[s]), Tally(0, 0)).share for s in styles],
        lambda v: v <= PARALLEL_LIMIT,
    )
    line(
        "5 recurring bars (mean per track)",
        ">= 0.40",
        [_mean([r.structure.share for r in tracks[s]]) for s in styles],
        lambda v: v >= STRUCTURE_TARGET,
    )
    line(
        "  literal repeats (guide: loop > 0.8)",
        "info",
        [_mean([r.exact_structure.share for r in tracks[s]]) for s in styles],
    )
    overlaps = {
        s: [
            overlap_area([getattr(r.features, name) for r in tracks[s] if r.features], corpus[name])
            for name in FEATURE_NAMES
        ]
        for s in styles
    }
    for index, name in enumerate(FEATURE_NAMES):
        line(f"6 overlap: {name}", "info", [overlaps[s][index] for s in styles])
    line(
        "  overlap mean",
        ">= 0.55",
        [_mean(overlaps[s]) for s in styles],
        lambda v: v >= OVERLAP_MEAN_TARGET,
    )
    line(
        "  overlap min",
        ">= 0.40",
        [min(overlaps[s]) for s in styles],
        lambda v: v >= OVERLAP_MIN_TARGET,
    )
    line(
        "8 rho valence ~ mode (albums' mean)",
        ">= 0.60",
        [_mean([e[0] for e in totals[s].emotion]) for s in styles],
        lambda v: v >= EMOTION_TARGET,
    )
    line(
        "  rho arousal ~ tempo (albums' mean)",
        ">= 0.60",
        [_mean([e[1] for e in totals[s].emotion]) for s in styles],
        lambda v: v >= EMOTION_TARGET,
    )
    line(
        "  albums with rho (valence ~ mode)",
        "info",
        [float(sum(not math.isnan(e[0]) for e in totals[s].emotion)) for s in styles],
    )
    line(
        "  albums with rho (arousal ~ tempo)",
        "info",
        [float(sum(not math.isnan(e[1]) for e in totals[s].emotion)) for s in styles],
    )

    print()
    print(f"recurring bars, baselines: random walks ({RANDOM_WALKS} x {RANDOM_WALK_BARS} bars)")
    for name, shares in walks.items():
        print(f"  {name:34} mean {_mean(shares):.3f}")
    recurring = corpus["recurring"]
    label = f"Ryan's Mammoth ({len(recurring)} tunes)"
    print(f"  {label:34} mean {_mean(recurring):.3f}, median {statistics.median(recurring):.3f}")
    print("feature medians (generated track melodies per style | Ryan's Mammoth):")
    for name in FEATURE_NAMES:
        cells = []
        for s in styles:
            values = [getattr(r.features, name) for r in tracks[s] if r.features]
            cells.append(f"{statistics.median(values):7.2f}" if values else "    n/a")
        print(f"  {name:22} " + " ".join(cells) + f"  | {statistics.median(corpus[name]):6.2f}")

    for s in styles:
        print(f"\n7 duet of the leads per state, {s} (means over tracks; intervals pooled)")
        print(
            f"  {'state':9} {'tracks':>6} {'perfect':>8} {'imperf.':>8} {'dissonant':>9} "
            f"{'register':>8} {'coincide':>8} {'2nd share':>9}"
        )
        by_state: dict[str, list[DuetMeasures]] = defaultdict(list)
        for r in tracks[s]:
            if r.duet is not None:
                by_state[r.duet[0]].append(r.duet[1])
        for state in RELATIONSHIP_STATES:
            rows = by_state.get(state, [])
            if not rows:
                print(f"  {state:9} {0:6d}")
                continue
            counted = sum(m.perfect + m.imperfect + m.dissonant for m in rows)
            shares = [
                sum(getattr(m, k) for m in rows) / counted if counted else math.nan
                for k in ("perfect", "imperfect", "dissonant")
            ]
            print(
                f"  {state:9} {len(rows):6d} {shares[0]:8.2f} {shares[1]:8.2f} {shares[2]:9.2f} "
                f"{_mean([m.register_distance for m in rows]):8.1f} "
                f"{_mean([m.onset_coincidence for m in rows]):8.2f} "
                f"{_mean([m.second_share for m in rows]):9.2f}"
            )


def print_misses(totals: dict[str, StyleTotals]) -> None:
    results = [r for t in totals.values() for r in t.tracks]
    print("\nmisses")
    for r in results:
        if r.scale.share < SCALE_TARGET:
            print(f"  scale {r.scale.share:.3f}: {r.where} (most outside: {r.worst_part})")
    for r in results:
        if not r.key_ok:
            planned = f"{r.planned_key.tonic_name} {r.planned_key.mode}"
            found = f"{_pc_name(r.found_key[0])} {r.found_key[1]}" if r.found_key else "nothing"
            print(f"  key: {r.where}: planned {planned}, music21 {found}")
    for r in results:
        for m in r.motifs:
            if m.found is None:
                why = "" if m.has_part else " (no part)"
                print(f"  motif: {r.where}: {m.character}{why}")
            elif m.found_whole is None:
                print(f"  whole motif (head found): {r.where}: {m.character}")
    for r in results:
        if r.parallels.hits:
            at = ", ".join(f"bar {bar} ({part})" for bar, part in r.parallel_at)
            print(f"  parallels {r.parallels.hits}/{r.parallels.total}: {r.where}: {at}")
    for r in results:
        if r.structure.share < STRUCTURE_TARGET:
            print(f"  recurring bars {r.structure.share:.2f}: {r.where}")


def _pc_name(pc: int) -> str:
    return ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")[pc % 12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0..N-1 (default 1)")
    parser.add_argument("--stories", nargs="+", help="story names or paths (default: all)")
    parser.add_argument("--styles", nargs="+", choices=STYLE_NAMES, default=list(STYLE_NAMES))
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()

    started = time.perf_counter()
    paths = story_paths(args.stories)
    totals = {s: StyleTotals() for s in args.styles}
    albums = 0
    for path in paths:
        analysis = storyscore.analyze(path.read_bytes(), name=path.name)
        for style in args.styles:
            for seed in range(args.seeds):
                album = compose_album(analysis, ComposeOptions(seed=seed, style=style))
                results = [
                    evaluate_track(
                        album,
                        track,
                        f"{path.stem} {style} seed {seed} "
                        f"track {track.plan.number} ({track.plan.kind})",
                    )
                    for track in album.tracks
                ]
                totals[style].tracks.extend(results)
                totals[style].emotion.append(album_emotion(results, album))
                albums += 1
    corpus = load_corpus()
    walks = {
        "quarter notes": random_walk_structure(eighths=False),
        "quarters or two eighths per beat": random_walk_structure(eighths=True),
    }
    count = sum(len(t.tracks) for t in totals.values())
    print(
        f"storyscore music evaluation: {len(paths)} stories x {len(args.styles)} styles x "
        f"{args.seeds} seed(s) = {albums} albums, {count} tracks\n"
    )
    print_report(totals, corpus, walks)
    if args.verbose:
        print_misses(totals)
    print(f"\nelapsed {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
