"""Valence and arousal per sentence.

A linear model over VADER's four scores, a few surface cues (exclamations, questions,
shouting, length) and word weights, where the words after a negation ("not", "never", "n't")
are separate features, so "not good" is not "good". The weights are fitted by ridge regression
on EmoBank's train rows only (`tools/train_emotion.py`) and shipped in `data/`; nothing is
fetched at run time. Arousal has its own fitted weights: it is not derived from valence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?]")
NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "nor", "cannot", "without"}
)
NEGATION_REACH = 3
CLAUSE_BREAK = frozenset({"but", "however", "yet"})
# EmoBank rates on 1..5 with 3 neutral; this many rating points from neutral maps to +-1.
VALENCE_SCALE = 0.6
AROUSAL_SCALE = 0.5
NEUTRAL = 3.0


def tokens(sentence: str) -> list[str]:
    """Lower-case word tokens, negated ones prefixed with ``NOT_``."""
    result, negated = [], 0
    for token in TOKEN.findall(sentence.lower()):
        if token in ("!", "?"):
            result.append(token)
            negated = 0
            continue
        if token in NEGATORS or token.endswith("n't"):
            negated = NEGATION_REACH
            result.append(token)
            continue
        if token in CLAUSE_BREAK:
            negated = 0
        result.append(f"NOT_{token}" if negated else token)
        negated = max(0, negated - 1)
    return result


def surface_features(sentence: str, vader: dict[str, float]) -> list[float]:
    """VADER's scores and surface cues; the fixed-length part of the feature vector."""
    words = sentence.split()
    shouted = sum(1 for w in words if len(w) > 2 and w.isupper() and w.isalpha())
    return [
        vader["compound"],
        vader["pos"],
        vader["neg"],
        vader["neu"],
        min(3, sentence.count("!")) / 3,
        min(3, sentence.count("?")) / 3,
        min(3, shouted) / 3,
        min(60, len(words)) / 60,
    ]


@cache
def _model() -> tuple[Any, dict[str, tuple[float, float]], list[float], list[float], float, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    raw = json.loads(
        resources.files("storyscore.analysis")
        .joinpath("data/emotion-model.json")
        .read_text("utf-8")
    )
    words = {word: (v, a) for word, (v, a) in raw["words"].items()}
    return (
        SentimentIntensityAnalyzer(),
        words,
        raw["surface_valence"],
        raw["surface_arousal"],
        raw["bias_valence"],
        raw["bias_arousal"],
    )


def predict_ratings(sentences: Sequence[str]) -> tuple[list[float], list[float]]:
    """Predicted EmoBank ratings (1..5 scale) of valence and arousal per sentence."""
    analyzer, words, surface_v, surface_a, bias_v, bias_a = _model()
    valence, arousal = [], []
    for sentence in sentences:
        features = surface_features(sentence, analyzer.polarity_scores(sentence))
        v = bias_v + sum(w * x for w, x in zip(surface_v, features, strict=True))
        a = bias_a + sum(w * x for w, x in zip(surface_a, features, strict=True))
        seen = set(tokens(sentence))
        for token in seen:
            weights = words.get(token)
            if weights is not None:
                v += weights[0]
                a += weights[1]
        valence.append(v)
        arousal.append(a)
    return valence, arousal


def score_sentences(sentences: Sequence[str]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(valence, arousal) per sentence, each value in [-1, 1]."""
    valence, arousal = predict_ratings(sentences)
    return (
        tuple(_clip((v - NEUTRAL) / VALENCE_SCALE) for v in valence),
        tuple(_clip((a - NEUTRAL) / AROUSAL_SCALE) for a in arousal),
    )


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))
