"""How long composing takes once the story is analysed: plan, motifs, harmony, melody,
arrangement and MIDI bytes for every track (no audio, no plot), beside the analysis itself.

    .venv/bin/python bench/compose_beyond_analysis.py [STORY] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from storyscore.analysis.analyze import analyze_document
from storyscore.composition.album import compose_album
from storyscore.ingest import read_story
from storyscore.options import STYLES, ComposeOptions
from storyscore.render.midi import track_to_midi

REPO = Path(__file__).resolve().parents[1]
DEFAULT_STORY = REPO.parent / "shared" / "data" / "stories" / "pride-and-prejudice.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", nargs="?", type=Path, default=DEFAULT_STORY)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    analysis = analyze_document(read_story(args.story))
    analysis_s = time.perf_counter() - started
    print(f"story: {args.story.name}; ingest + analysis {analysis_s:.2f} s (first run)")
    for style in STYLES:
        times, notes = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            album = compose_album(analysis, ComposeOptions(seed=0, style=style))
            for track in album.tracks:
                track_to_midi(track, album)
            times.append(time.perf_counter() - started)
            notes = sum(len(p.notes) for t in album.tracks for p in t.parts)
        print(
            f"{style:6s} compose + MIDI: {statistics.median(times):.2f} s (median of {args.runs}), "
            f"{len(album.tracks)} tracks, {notes:,} notes"
        )


if __name__ == "__main__":
    main()
