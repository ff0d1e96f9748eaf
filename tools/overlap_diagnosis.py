"""Where the melody's long inter-onset intervals and wide range come from (issue 4 item 8).

For every story, style and track, the melody measured by ``eval/music.py`` (the skyline of
the character parts, swing straightened) is cut by the track's markers (intro, A, B, ...,
outro) and its kind (opening, story, epilogue). Printed per style:

- beats per onset by section (the mean IOI is the melody's span over its onsets, so a
  section's share of the span and of the onsets decides its pull), and how much of the span
  is silence in the melody (a gap of more than a beat between one note's written end and the
  next onset), or notes of two beats or more;
- the range: the whole track's, the widest single part's, that of the main voice's notes in
  the melody, and the widest jump where the melody passes from one part to another.

    PYTHONPATH=src:eval .venv/bin/python tools/overlap_diagnosis.py [--stories NAME ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "eval"
sys.path.insert(0, str(EVAL))

from music_metrics import skyline, straighten  # noqa: E402

import storyscore  # noqa: E402
from music import STORIES, STYLE_NAMES, character_parts, story_paths  # noqa: E402
from storyscore.composition.album import compose_album  # noqa: E402
from storyscore.composition.styles import STYLES  # noqa: E402
from storyscore.options import ComposeOptions  # noqa: E402


def section_of(markers, beat: Fraction) -> str:
    label = "intro"
    for marker in markers:
        if marker.beat <= beat:
            label = marker.text
    if label.startswith("A"):
        return "A"
    if label.startswith("B"):
        return "B"
    return label


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", nargs="+")
    parser.add_argument("--styles", nargs="+", default=list(STYLE_NAMES))
    args = parser.parse_args()
    print(f"stories from {STORIES}")
    analyses = [storyscore.analyze(p.read_bytes(), name=p.name) for p in story_paths(args.stories)]
    for style in args.styles:
        span = defaultdict(Fraction)  # (kind, section) -> beats between onsets
        onsets = defaultdict(int)
        silent = defaultdict(Fraction)
        long_notes = defaultdict(Fraction)
        ranges, part_ranges, leader_ranges, jumps, handovers = [], [], [], [], []
        per_track_ioi = []
        for analysis in analyses:
            album = compose_album(analysis, ComposeOptions(seed=0, style=style))
            swung = STYLES[style].swing
            for track in album.tracks:
                parts = character_parts(album, track)
                owner = {}
                notes = []
                widest = 0
                for part in parts:
                    part_notes = straighten(part.notes) if swung else part.notes
                    for n in part_notes:
                        owner[(n.start, n.pitch)] = part.name
                    notes += part_notes
                    if part_notes:
                        pitches = [n.pitch for n in part_notes]
                        widest = max(widest, max(pitches) - min(pitches))
                part_ranges.append(widest)
                melody = skyline(notes)
                if len(melody) < 2:
                    continue
                pitches = [n.pitch for n in melody]
                ranges.append(max(pitches) - min(pitches))
                per_track_ioi.append(
                    float((melody[-1].start - melody[0].start) / (len(melody) - 1))
                )
                counts = defaultdict(int)
                for n in melody:
                    counts[owner[(n.start, n.pitch)]] += 1
                leader = max(counts, key=lambda k: (counts[k], k))
                lp = [n.pitch for n in melody if owner[(n.start, n.pitch)] == leader]
                leader_ranges.append(max(lp) - min(lp))
                worst = 0
                for a, b in pairwise(melody):
                    key = (track.plan.kind, section_of(track.markers, a.start))
                    ioi = b.start - a.start
                    span[key] += ioi
                    onsets[key] += 1
                    if b.start - (a.start + a.duration) > 1:
                        silent[key] += ioi
                    elif ioi >= 2:
                        long_notes[key] += ioi
                    if owner[(a.start, a.pitch)] != owner[(b.start, b.pitch)]:
                        handovers.append(abs(b.pitch - a.pitch))
                        worst = max(worst, abs(b.pitch - a.pitch))
                jumps.append(worst)
        total = sum(span.values())
        print(f"\n== {style}: median track mean IOI {statistics.median(per_track_ioi):.2f}")
        print(
            f"  {'kind/section':22} {'span%':>6} {'onsets%':>7} {'beats/onset':>11} "
            f"{'silent%':>7} {'long%':>6}"
        )
        all_onsets = sum(onsets.values())
        for key in sorted(span, key=lambda k: -span[k]):
            print(
                f"  {key[0] + ' ' + key[1]:22} {100 * float(span[key] / total):6.1f} "
                f"{100 * onsets[key] / all_onsets:7.1f} {float(span[key] / onsets[key]):11.2f} "
                f"{100 * float(silent[key] / span[key]):7.1f} "
                f"{100 * float(long_notes[key] / span[key]):6.1f}"
            )
        print(
            f"  all: beats/onset {float(total / all_onsets):.2f}; silent "
            f"{100 * float(sum(silent.values()) / total):.1f}%, long notes "
            f"{100 * float(sum(long_notes.values()) / total):.1f}% of the span"
        )
        print(
            f"  range median: track {statistics.median(ranges)}, widest part "
            f"{statistics.median(part_ranges)}, main voice {statistics.median(leader_ranges)}; "
            f"hand-overs per track {len(handovers) / len(ranges):.1f}, median jump at a "
            f"hand-over {statistics.median(handovers) if handovers else 0}, median worst "
            f"{statistics.median(jumps)}"
        )


if __name__ == "__main__":
    main()
