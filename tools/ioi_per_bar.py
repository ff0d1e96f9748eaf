"""The inter-onset overlap with Ryan's Mammoth counted in quarter notes (as eval/music.py does)
and per bar, for the question the quarter-note unit raises (issue 4 item 8).

Ryan's tunes split by notation: 463 of 1,059 are reels in 2/4 written in sixteenths (0.27
quarter-note beats between onsets), the others in 2/2, 6/8 or 4/4 run at 0.50-0.53. A reel in
2/4 sixteenths and one in 2/2 eighths are the same music; per bar they are alike. This prints,
per style, the median mean inter-onset interval of the composed tracks and its Yang & Lerch
overlap with the corpus in both units. eval/music.py keeps the quarter-note unit.

    PYTHONPATH=src:eval .venv/bin/python tools/ioi_per_bar.py
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "eval"
sys.path.insert(0, str(EVAL))

from corpus_features import DEFAULT_OUTPUT  # noqa: E402
from music_metrics import melody_features, overlap_area, skyline, straighten  # noqa: E402

import storyscore  # noqa: E402
from music import STYLE_NAMES, character_parts, story_paths  # noqa: E402
from storyscore.composition.album import compose_album  # noqa: E402
from storyscore.composition.styles import STYLES  # noqa: E402
from storyscore.options import ComposeOptions  # noqa: E402

# Quarter notes per bar of the meters in Ryan's Mammoth Collection.
BAR_QUARTERS = {"2/4": 2, "4/4": 4, "6/8": 3, "3/4": 3, "2/2": 4, "9/8": 4.5, "12/8": 6}


def main() -> None:
    tunes = json.loads(DEFAULT_OUTPUT.read_text(encoding="utf-8"))["tunes"]
    reference_quarters = [t["mean_ioi"] for t in tunes]
    reference_bars = [t["mean_ioi"] / BAR_QUARTERS[t["meter"]] for t in tunes]
    analyses = [storyscore.analyze(p.read_bytes(), name=p.name) for p in story_paths(None)]
    print(
        f"Ryan's Mammoth: median {statistics.median(reference_quarters):.2f} quarters, "
        f"{statistics.median(reference_bars):.3f} bars"
    )
    for style in STYLE_NAMES:
        quarters, bars = [], []
        for analysis in analyses:
            album = compose_album(analysis, ComposeOptions(seed=0, style=style))
            for track in album.tracks:
                parts = character_parts(album, track)
                notes = [
                    n
                    for p in parts
                    for n in (straighten(p.notes) if STYLES[style].swing else p.notes)
                ]
                melody = skyline(notes)
                if len(melody) < 2:
                    continue
                ioi = melody_features(melody).mean_ioi
                quarters.append(ioi)
                bars.append(ioi / track.plan.beats_per_bar)
        print(
            f"{style:6s} quarters: median {statistics.median(quarters):.2f}, overlap "
            f"{overlap_area(quarters, reference_quarters):.3f} | bars: median "
            f"{statistics.median(bars):.3f}, overlap {overlap_area(bars, reference_bars):.3f}"
        )


if __name__ == "__main__":
    main()
