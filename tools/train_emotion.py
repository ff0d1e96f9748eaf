"""Fit the shipped emotion model on EmoBank's train rows (never its dev rows).

    .venv/bin/python tools/train_emotion.py [EMOBANK_CSV]

Writes src/storyscore/analysis/data/emotion-model.json; the same data gives the same bytes.

Steps (features: see ``storyscore.analysis.emotion``):
1. Tokenise and score with VADER's lexicon once per train sentence; every word, word pair
   and stem of the train rows gets a global id.
2. Lexicons: for each key seen in at least MIN_COUNT fitting sentences, the sum of those
   sentences' (rating - mean rating) over (count + SHRINK), for valence, arousal and dominance.
   The aggregates a fitting sentence gets are computed out of fold (lexicons learnt from the
   other FOLDS - 1 folds), so they carry no echo of the sentence's own rating.
3. Ridge regression in closed form (dual form: fewer sentences than features) with an
   intercept; dense features standardised, bag of words as is.
4. Alpha per target: fit on the train rows outside a held-out fifth of the train rows,
   pick the alpha with the best Pearson r on that fifth. Folds and the held-out fifth are
   whole EmoBank documents (sentences of one text stay together), chosen by a CRC32 of the
   document id.
5. Refit on all train rows with the chosen alphas; fold the standardisation into the weights.
"""

from __future__ import annotations

import csv
import json
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from storyscore.analysis.emotion import (
    AGGREGATES,
    CUE_NAMES,
    LEXICON_DIMENSIONS,
    LEXICON_NAMES,
    LEXICON_UNIT,
    MODEL_FILE,
    WORD_WEIGHT_UNIT,
    Lookups,
    aggregate,
    lexicon_keys,
    look_up,
    tokens,
    word_scale,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO.parent / "shared" / "data" / "emobank" / "emobank-dev.csv"
OUTPUT = REPO / "src" / "storyscore" / "analysis" / "data" / MODEL_FILE
MIN_COUNT = 2
SHRINK = 5.0
FOLDS = 5
VALIDATION_SHARE = 5  # one document in this many is held out to choose alpha
ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0, 30000.0)
TARGETS = ("valence", "arousal")


@dataclass(frozen=True)
class TrainRows:
    texts: list[str]
    documents: list[str]
    ratings: np.ndarray  # (rows, 3): valence, arousal, dominance


def load_train(path: Path) -> TrainRows:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == "train"]
    return TrainRows(
        texts=[r["text"] for r in rows],
        documents=[r["id"].rsplit("_", 2)[0] for r in rows],
        ratings=np.array([[float(r["V"]), float(r["A"]), float(r["D"])] for r in rows]),
    )


def bucket(label: str, document: str, buckets: int) -> int:
    """A stable bucket for a document (CRC32, not hash(): same in every process)."""
    return zlib.crc32(f"{label}:{document}".encode()) % buckets


def global_indexes(texts: list[str]) -> tuple[dict[str, int], tuple[dict[str, int], ...]]:
    """Ids for every word, word pair and stem of the train rows, in sorted order."""
    seen: tuple[set[str], ...] = tuple(set() for _ in LEXICON_NAMES)
    for text in texts:
        for keys, bag in zip(lexicon_keys(tokens(text)), seen, strict=True):
            bag.update(keys)
    indexes = tuple({key: i for i, key in enumerate(sorted(bag))} for bag in seen)
    return indexes[0], indexes


@dataclass(frozen=True)
class Corpus:
    """The train rows, looked up once against the global ids."""

    lookups: Lookups
    ratings: np.ndarray  # (rows, 3): valence, arousal, dominance
    fold_of: np.ndarray
    word_count: int
    lexicon_indexes: tuple[dict[str, int], ...]


def restrict(
    rows: np.ndarray, ids: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Entries of the chosen rows, their rows renumbered 0.. in the chosen order."""
    renumber = np.full(chosen.shape[0], -1)
    renumber[chosen] = np.arange(chosen.sum())
    keep = chosen[rows]
    return renumber[rows[keep]], ids[keep]


def learn_lexicon(
    rows: np.ndarray, ids: np.ndarray, ratings: np.ndarray, keys: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shrunken mean residual per key and whether the key is common enough to keep."""
    pairs = np.unique(rows * keys + ids)  # each key counts once per sentence
    rows, ids = pairs // keys, pairs % keys
    counts = np.bincount(ids, minlength=keys)
    residual = ratings - ratings.mean(axis=0)
    sums = np.column_stack(
        [
            np.bincount(ids, weights=residual[rows, d], minlength=keys)
            for d in range(residual.shape[1])
        ]
    )
    return sums / (counts[:, None] + SHRINK), counts >= MIN_COUNT


def lexicon_aggregates(corpus: Corpus, fitting: np.ndarray, applying: np.ndarray) -> np.ndarray:
    """Aggregates for the ``applying`` rows from lexicons learnt on the ``fitting`` rows;
    for a row that is itself fitting, from the other folds of the fitting rows only."""
    position = np.cumsum(applying) - 1
    parts = []
    for rows, ids, index in zip(
        corpus.lookups.lexicon_rows,
        corpus.lookups.lexicon_ids,
        corpus.lexicon_indexes,
        strict=True,
    ):
        result = np.zeros((int(applying.sum()), len(AGGREGATES) * len(LEXICON_DIMENSIONS)))
        plans = [
            (fitting & (corpus.fold_of != fold), applying & fitting & (corpus.fold_of == fold))
            for fold in range(FOLDS)
        ] + [(fitting, applying & ~fitting)]
        for learn, target in plans:
            if not target.any():
                continue
            learn_rows, learn_ids = restrict(rows, ids, learn)
            values, kept = learn_lexicon(learn_rows, learn_ids, corpus.ratings[learn], len(index))
            target_rows, target_ids = restrict(rows, ids, target)
            keep = kept[target_ids]
            result[position[target]] = aggregate(
                values[target_ids[keep]], target_rows[keep], int(target.sum())
            )
        parts.append(result)
    return np.hstack(parts)


@dataclass(frozen=True)
class Design:
    """The feature matrix of some rows, and how to turn its weights into shipped weights."""

    matrix: np.ndarray  # (rows, vocabulary + dense), float32
    vocabulary: np.ndarray  # global word ids of the bag-of-words columns
    dense_mean: np.ndarray
    dense_scale: np.ndarray


def design(corpus: Corpus, fitting: np.ndarray, applying: np.ndarray) -> Design:
    """Bag of the fitting rows' common words and dense features standardised on them."""
    lookups, words = corpus.lookups, corpus.word_count
    word_rows, word_ids = restrict(lookups.word_rows, lookups.word_ids, fitting)
    counts = np.bincount(np.unique(word_rows * words + word_ids) % words, minlength=words)
    vocabulary = np.flatnonzero(counts >= MIN_COUNT)
    column = np.full(words, -1)
    column[vocabulary] = np.arange(len(vocabulary))
    rows, ids = restrict(lookups.word_rows, lookups.word_ids, applying)
    keep = column[ids] >= 0
    bag = np.zeros((int(applying.sum()), len(vocabulary)), dtype=np.float32)
    np.add.at(bag, (rows[keep], column[ids[keep]]), 1.0)
    bag *= word_scale(lookups.lengths[applying])[:, None].astype(np.float32)
    dense = np.hstack([lookups.cues[fitting], lexicon_aggregates(corpus, fitting, fitting)])
    mean, scale = dense.mean(axis=0), dense.std(axis=0)
    scale[scale == 0] = 1.0
    applied = np.hstack([lookups.cues[applying], lexicon_aggregates(corpus, fitting, applying)])
    matrix = np.hstack([bag, ((applied - mean) / scale).astype(np.float32)])
    return Design(matrix, vocabulary, mean, scale)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def choose_alphas(corpus: Corpus, held_out: np.ndarray) -> tuple[dict, dict]:
    """The alpha per target with the best r on the held-out documents of the train rows."""
    fitting = ~held_out
    fit = design(corpus, fitting, fitting)
    check = design(corpus, fitting, held_out)
    mean_x = fit.matrix.mean(axis=0)
    centred = fit.matrix - mean_x
    kernel = (centred @ centred.T).astype(np.float64)
    cross = ((check.matrix - mean_x) @ centred.T).astype(np.float64)
    eigenvalues, eigenvectors = np.linalg.eigh(kernel)
    targets = corpus.ratings[fitting][:, :2]
    projected = eigenvectors.T @ (targets - targets.mean(axis=0))
    truth = corpus.ratings[held_out]
    scores = {}
    for alpha in ALPHAS:
        dual = eigenvectors @ (projected / (eigenvalues + alpha)[:, None])
        predicted = cross @ dual + targets.mean(axis=0)
        scores[alpha] = [pearson(predicted[:, t], truth[:, t]) for t in range(2)]
    best = {name: max(ALPHAS, key=lambda a, t=t: scores[a][t]) for t, name in enumerate(TARGETS)}
    return best, {name: round(scores[best[name]][t], 4) for t, name in enumerate(TARGETS)}


@dataclass(frozen=True)
class Fitted:
    vocabulary: np.ndarray
    word_weights: np.ndarray  # (vocabulary, 2)
    dense_weights: np.ndarray  # (dense features, 2), on raw features
    bias: np.ndarray  # (2,)


def fit_all(corpus: Corpus, alphas: dict) -> Fitted:
    """Ridge on every train row; dense weights expressed on raw (unstandardised) features."""
    everything = np.ones(len(corpus.ratings), dtype=bool)
    full = design(corpus, everything, everything)
    mean_x = full.matrix.mean(axis=0, dtype=np.float64)
    centred = full.matrix - mean_x.astype(np.float32)
    kernel = (centred @ centred.T).astype(np.float64)
    words = len(full.vocabulary)
    identity = np.eye(len(kernel))
    columns = []
    for t, name in enumerate(TARGETS):
        target = corpus.ratings[:, t]
        dual = np.linalg.solve(kernel + alphas[name] * identity, target - target.mean())
        columns.append(centred.T @ dual)
    weights = np.column_stack(columns)
    dense = weights[words:] / full.dense_scale[:, None]
    bias = (
        corpus.ratings[:, :2].mean(axis=0)
        - mean_x[:words] @ weights[:words]
        - full.dense_mean @ dense
    )
    return Fitted(full.vocabulary, weights[:words], dense, bias)


def shipped_lexicons(corpus: Corpus) -> list[dict[str, list[float]]]:
    """The lexicons learnt on every train row, common keys only, in sorted order."""
    shipped = []
    for rows, ids, index in zip(
        corpus.lookups.lexicon_rows,
        corpus.lookups.lexicon_ids,
        corpus.lexicon_indexes,
        strict=True,
    ):
        values, kept = learn_lexicon(rows, ids, corpus.ratings, len(index))
        shipped.append(
            {key: in_units(values[i], LEXICON_UNIT) for key, i in index.items() if kept[i]}
        )
    return shipped


def in_units(values: np.ndarray, unit: float) -> list[int]:
    return [round(float(v) / unit) for v in values]


def dense_feature_names() -> list[str]:
    """Names in the order of ``emotion.dense_features``: cues, then each lexicon's aggregates."""
    return [*CUE_NAMES] + [
        f"{lexicon}.{how}.{dimension}"
        for lexicon in LEXICON_NAMES
        for how in AGGREGATES
        for dimension in LEXICON_DIMENSIONS
    ]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    train = load_train(path)
    word_index, lexicon_indexes = global_indexes(train.texts)
    corpus = Corpus(
        lookups=look_up(
            train.texts, SentimentIntensityAnalyzer().lexicon, word_index, lexicon_indexes
        ),
        ratings=train.ratings,
        fold_of=np.array([bucket("fold", d, FOLDS) for d in train.documents]),
        word_count=len(word_index),
        lexicon_indexes=lexicon_indexes,
    )
    held_out = np.array([bucket("validation", d, VALIDATION_SHARE) == 0 for d in train.documents])
    alphas, held_out_r = choose_alphas(corpus, held_out)
    print(f"alpha {alphas}; r on held-out train documents {held_out_r}")
    fitted = fit_all(corpus, alphas)
    words_by_id = sorted(word_index, key=word_index.__getitem__)
    names = dense_feature_names()
    model = {
        "about": (
            "storyscore sentence emotion model. Derived from EmoBank (Buechel & Hahn 2017), "
            "train rows only, by tools/train_emotion.py; CC BY-SA 4.0."
        ),
        "bias": [round(float(b), 6) for b in fitted.bias],
        "dense_features": names,
        "dense_weights": {
            name: [round(float(w), 6) for w in row]
            for name, row in zip(names, fitted.dense_weights, strict=True)
        },
        "lexicons": dict(zip(LEXICON_NAMES, shipped_lexicons(corpus), strict=True)),
        "training": {
            "alpha": alphas,
            "held_out_r": held_out_r,
            "train_rows": len(train.texts),
            "min_count": MIN_COUNT,
            "shrink": SHRINK,
        },
        "words": {
            words_by_id[g]: in_units(row, WORD_WEIGHT_UNIT)
            for g, row in zip(fitted.vocabulary, fitted.word_weights, strict=True)
        },
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
