"""Pearson r of the emotion model against EmoBank's human ratings on the dev rows (never used
in training), beside VADER's compound score, and the model's speed.

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
SPEED_REPEATS = 5


def pearson(x, y) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == "dev"]
    texts = [r["text"] for r in rows]
    human_valence = np.array([float(r["V"]) for r in rows])
    human_arousal = np.array([float(r["A"]) for r in rows])

    score_sentences(texts[:1])  # load the model outside the timing
    started = time.perf_counter()
    for _ in range(SPEED_REPEATS):
        valence, arousal = score_sentences(texts)
    rate = SPEED_REPEATS * len(texts) / (time.perf_counter() - started)

    analyzer = SentimentIntensityAnalyzer()
    compound = np.array([analyzer.polarity_scores(t)["compound"] for t in texts])

    print(f"EmoBank dev rows: {len(rows)}")
    print(
        f"storyscore      valence r = {pearson(valence, human_valence):.3f}   "
        f"arousal r = {pearson(arousal, human_arousal):.3f}"
    )
    print(
        f"VADER compound  valence r = {pearson(compound, human_valence):.3f}   "
        f"|compound| arousal r = {pearson(np.abs(compound), human_arousal):.3f}"
    )
    print(
        f"speed: {rate:,.0f} sentences per second "
        f"(dev texts scored {SPEED_REPEATS} times, one batch each)"
    )


if __name__ == "__main__":
    main()
