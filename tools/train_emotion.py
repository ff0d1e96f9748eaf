"""Fit the shipped emotion model on EmoBank's train rows (never its dev rows).

    .venv/bin/python tools/train_emotion.py [EMOBANK_CSV]

Writes src/storyscore/analysis/data/emotion-model.json, byte-identically for the same data.
Ridge regression in closed form; alpha is chosen on a held-out tenth of the train rows.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from storyscore.analysis.emotion import surface_features, tokens

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO.parent / "shared" / "data" / "emobank" / "emobank-dev.csv"
OUTPUT = REPO / "src" / "storyscore" / "analysis" / "data" / "emotion-model.json"
MIN_COUNT = 3
ALPHAS = (1.0, 3.0, 10.0, 30.0, 100.0)


def load(path: Path, split: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == split]
    return (
        [r["text"] for r in rows],
        np.array([float(r["V"]) for r in rows]),
        np.array([float(r["A"]) for r in rows]),
    )


def design(texts: list[str], vocabulary: dict[str, int], analyzer) -> np.ndarray:
    surface = len(surface_features("", analyzer.polarity_scores("")))
    matrix = np.zeros((len(texts), surface + len(vocabulary)))
    for row, text in enumerate(texts):
        matrix[row, :surface] = surface_features(text, analyzer.polarity_scores(text))
        for token in set(tokens(text)):
            column = vocabulary.get(token)
            if column is not None:
                matrix[row, surface + column] = 1.0
    return matrix


def ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    mean_x, mean_y = x.mean(axis=0), y.mean()
    centred = x - mean_x
    weights = np.linalg.solve(
        centred.T @ centred + alpha * np.eye(x.shape[1]), centred.T @ (y - mean_y)
    )
    return weights, float(mean_y - mean_x @ weights)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    texts, valence, arousal = load(path, "train")
    counts = Counter(token for text in texts for token in set(tokens(text)))
    words = sorted(t for t, n in counts.items() if n >= MIN_COUNT)
    vocabulary = {word: index for index, word in enumerate(words)}
    analyzer = SentimentIntensityAnalyzer()
    x = design(texts, vocabulary, analyzer)
    held_out = np.arange(len(texts)) % 10 == 0
    model: dict[str, object] = {}
    surface = x.shape[1] - len(vocabulary)
    for name, y in (("valence", valence), ("arousal", arousal)):

        def validation_r(alpha: float, y=y) -> float:
            w, b = ridge(x[~held_out], y[~held_out], alpha)
            return float(np.corrcoef(x[held_out] @ w + b, y[held_out])[0, 1])

        alpha = max(ALPHAS, key=validation_r)
        weights, bias = ridge(x, y, alpha)
        model[f"bias_{name}"] = round(bias, 6)
        model[f"surface_{name}"] = [round(float(w), 6) for w in weights[:surface]]
        model[f"_{name}_weights"] = weights[surface:]
        print(f"{name}: alpha {alpha}, held-out r {validation_r(alpha):.3f}")
    words_out = {
        word: [
            round(float(model["_valence_weights"][i]), 5),
            round(float(model["_arousal_weights"][i]), 5),
        ]
        for word, i in vocabulary.items()
    }
    result = {k: v for k, v in model.items() if not k.startswith("_")}
    result["source"] = "EmoBank (Buechel & Hahn 2017), train rows only; CC BY-SA 4.0"
    result["words"] = words_out
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e3:.0f} kB, {len(words_out)} words)")


if __name__ == "__main__":
    main()
