"""Pearson r of the emotion model against EmoBank's human ratings on the dev rows, beside
VADER's compound score, and the model's speed.

    .venv/bin/python eval/emotion.py [EMOBANK_CSV]
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from storyscore.analysis.emotion import score_sentences

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO.parent / "shared" / "data" / "emobank" / "emobank-dev.csv"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == "dev"]
    texts = [r["text"] for r in rows]
    human_v = np.array([float(r["V"]) for r in rows])
    human_a = np.array([float(r["A"]) for r in rows])
    score_sentences(texts[:1])  # load the model outside the timing
    started = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        valence, arousal = score_sentences(texts)
    rate = repeats * len(texts) / (time.perf_counter() - started)
    analyzer = SentimentIntensityAnalyzer()
    compound = np.array([analyzer.polarity_scores(t)["compound"] for t in texts])

    def r(x, y) -> float:
        return float(np.corrcoef(x, y)[0, 1])

    print(f"EmoBank dev rows: {len(rows)}")
    print(
        f"storyscore valence r = {r(valence, human_v):.3f}   arousal r = {r(arousal, human_a):.3f}"
    )
    print(
        f"VADER compound valence r = {r(compound, human_v):.3f}   |compound| arousal r = "
        f"{r(np.abs(compound), human_a):.3f}"
    )
    print(f"speed: {rate:,.0f} sentences per second")


if __name__ == "__main__":
    main()
