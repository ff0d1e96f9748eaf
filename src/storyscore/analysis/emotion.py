"""Valence and arousal per sentence.

A linear model, fitted by ridge regression on EmoBank's train rows only
(``tools/train_emotion.py``) and shipped in ``data/emotion-model.json``; nothing is fetched at
run time. Each sentence is described by

- *cues*: VADER-style compound, pos, neg and neu and the emotional intensity, computed from
  VADER's lexicon over the tokens below (negated words turned by VADER's -0.74); VADER's own
  ``polarity_scores`` would re-tokenise every sentence and cost as much as the rest of the
  model (dev r 0.599 / 0.482 with it, 0.599 / 0.479 without, at twice the speed); then
  exclamations, questions, quoted speech, shouted words, length, intensifiers ("very", "so",
  ...), negators, the share of capitalised words and numbers;
- *words*: lower-case tokens in which the 1-3 words after a negator ("not", "never", "no",
  "n't", ...) are marked ``not_`` up to the next punctuation or "but", so "not good" differs
  from "good"; each known word has a fitted weight (bag of words, scaled by 1/sqrt(length));
- *lexicon aggregates*: three lexicons learnt from the train rows (word, word pair and
  five-letter stem -> how far the sentences holding it sit from the mean valence, arousal and
  dominance); the mean, minimum and maximum over the sentence's entries of each.

Valence and arousal have separate fitted weights over the same features, so arousal is an
estimate of its own, not a function of valence. Predictions on EmoBank's 1-5 scale are mapped
to [-1, 1] by the fixed affine maps below and clipped.

Sentences are scored in batches: the per-sentence Python work is tokenising and dictionary
look-ups; sums, means, minima and maxima run in numpy over the whole batch.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise, repeat
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and VADER load on first use, not on import
    import numpy as np

MODEL_FILE = "emotion-model.json"
# The model file stores its weights as integers in these units of EmoBank rating points:
# compact and exactly reproducible.
WORD_WEIGHT_UNIT = 1e-4
LEXICON_UNIT = 1e-3

# EmoBank rates 1..5 with 3 the neutral point of both dimensions; the map is
# score = clip((rating - 3) / scale, -1, 1). A linear model's predictions vary less than human
# ratings: on the sentences of five stories in shared/data the 5th..95th percentiles of the
# predicted ratings are about 2.55..3.35 for valence and 2.97..3.5 for arousal (most narration
# sits a little above neutral arousal; dialogue with "!" and violent or fearful words reaches
# the top). A scale of 0.5 rating points maps them to about -0.9..0.7 and -0.05..1, so the
# arc uses most of [-1, 1] and only the strongest sentences are clipped.
NEUTRAL_RATING = 3.0
VALENCE_SCALE = 0.5
AROUSAL_SCALE = 0.5

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[.,;:!?()\"]")
SHOUTED = re.compile(r"\b[A-Z]{2,}\b")
NEGATORS = frozenset(
    {
        "not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor",
        "cannot", "without", "hardly", "barely", "scarcely",
    }
)  # fmt: skip
NEGATION_REACH = 3
VADER_NEGATION, VADER_ALPHA = -0.74, 15.0  # VADER's negation factor and normalisation
SCOPE_BREAKS = frozenset({".", ",", ";", ":", "!", "?", "(", ")", '"', "but", "however", "yet"})
INTENSIFIERS = frozenset(
    {
        "very", "so", "too", "extremely", "really", "absolutely", "completely", "totally",
        "utterly", "deeply", "incredibly", "terribly", "awfully", "highly", "most", "quite",
        "especially", "particularly", "remarkably", "truly", "entirely", "exceedingly",
    }
)  # fmt: skip
QUOTES = ('"', "\u201c", "\u201d")
STEM_LENGTH = 5
NEGATED = "not_"
CUE_NAMES = (
    "vader_compound",
    "vader_pos",
    "vader_neg",
    "vader_neu",
    "vader_compound_abs",
    "vader_intensity",
    "exclamations",
    "questions",
    "quoted_speech",
    "shouted_words",
    "log_length",
    "intensifiers",
    "negators",
    "capitalised_share",
    "has_digits",
)
LEXICON_NAMES = ("words", "word_pairs", "stems")
LEXICON_DIMENSIONS = ("valence", "arousal", "dominance")
AGGREGATES = ("mean", "min", "max")


def tokens(sentence: str) -> list[str]:
    """Lower-case words (digits as ``0``), the 1-3 after a negator prefixed ``not_``.

    Punctuation (dropped) and "but", "however", "yet" (kept) end a negation's reach.
    """
    result: list[str] = []
    reach = 0
    for token in WORD.findall(sentence.lower().replace("\u2019", "'")):
        if token in SCOPE_BREAKS:
            reach = 0
            if token[0].isalpha():
                result.append(token)
            continue
        if token[0].isdigit():
            token = "0"
        if reach:
            result.append(NEGATED + token)
            reach -= 1
        else:
            result.append(token)
        if token in NEGATORS or token.endswith("n't"):
            reach = NEGATION_REACH
    return result


def lexicon_keys(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The keys a sentence looks up in each lexicon: words, adjacent word pairs, stems."""
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    stems = [
        w[: len(NEGATED) + STEM_LENGTH] if w.startswith(NEGATED) else w[:STEM_LENGTH] for w in words
    ]
    return words, pairs, stems


def lexicon_polarity(words: list[str], lexicon: dict[str, float]) -> dict[str, float]:
    """VADER's scores from its lexicon alone: each word's valence (a negated word's turned
    by VADER's -0.74), summed and normalised as VADER does, without its other rules."""
    total = positive = negative = 0.0
    neutral = 0
    for word in words:
        if word.startswith(NEGATED):
            value = VADER_NEGATION * lexicon.get(word[len(NEGATED) :], 0.0)
        else:
            value = lexicon.get(word, 0.0)
        total += value
        if value > 0:
            positive += value + 1.0
        elif value < 0:
            negative += 1.0 - value
        else:
            neutral += 1
    spread = positive + negative + neutral
    if not spread:
        return {"compound": 0.0, "pos": 0.0, "neg": 0.0, "neu": 0.0, "intensity": 0.0}
    return {
        "compound": total / math.sqrt(total * total + VADER_ALPHA),
        "pos": positive / spread,
        "neg": negative / spread,
        "neu": neutral / spread,
        "intensity": (positive + negative - (len(words) - neutral)) / math.sqrt(len(words)),
    }


def cues(sentence: str, words: list[str], vader: dict[str, float]) -> list[float]:
    """The fixed-length part of the features, in the order of ``CUE_NAMES``."""
    compound = vader["compound"]
    split = sentence.split()
    return [
        compound,
        vader["pos"],
        vader["neg"],
        vader["neu"],
        abs(compound),
        vader["intensity"],
        min(sentence.count("!"), 3),
        min(sentence.count("?"), 3),
        1.0 if any(q in sentence for q in QUOTES) else 0.0,
        min(len(SHOUTED.findall(sentence)), 3),
        math.log1p(len(words)),
        sum(map(INTENSIFIERS.__contains__, words)),
        sum(map(NEGATORS.__contains__, words)) + sum(w.endswith("n't") for w in words),
        sum(1 for w in split if w[:1].isupper()) / len(split) if split else 0.0,
        1.0 if "0" in words else 0.0,
    ]


def aggregate(values: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """Mean, min and max of the lexicon values of each row; zeros for a row with none.

    ``values[i]`` belongs to row ``rows[i]``; ``rows`` is non-decreasing.
    """
    import numpy as np

    width = values.shape[1]
    result = np.zeros((count, 3 * width))
    if len(rows) == 0:
        return result
    per_row = np.bincount(rows, minlength=count)
    present = per_row > 0
    starts = (np.cumsum(per_row) - per_row)[present]
    result[present, :width] = np.add.reduceat(values, starts, axis=0) / per_row[present, None]
    result[present, width : 2 * width] = np.minimum.reduceat(values, starts, axis=0)
    result[present, 2 * width :] = np.maximum.reduceat(values, starts, axis=0)
    return result


@dataclass(frozen=True)
class Lookups:
    """Where each sentence's words and lexicon keys were found: flat ids with their rows."""

    word_rows: np.ndarray
    word_ids: np.ndarray
    lexicon_rows: tuple[np.ndarray, ...]
    lexicon_ids: tuple[np.ndarray, ...]
    lengths: np.ndarray
    cues: np.ndarray


def look_up(
    sentences: Sequence[str],
    vader_lexicon: dict[str, float],
    word_index: dict[str, int],
    lexicon_indexes: Sequence[dict[str, int]],
) -> Lookups:
    """Tokenise, score with VADER's lexicon and find each key in its index."""
    import numpy as np

    indexes = (word_index, *lexicon_indexes)
    found: list[list[int]] = [[] for _ in indexes]  # per index: every key's id, -1 if unknown
    per_sentence: list[list[int]] = [[] for _ in indexes]  # per index: keys per sentence
    lengths: list[int] = []
    cue_rows: list[list[float]] = []
    for sentence in sentences:
        words = tokens(sentence)
        lengths.append(len(words))
        cue_rows.append(cues(sentence, words, lexicon_polarity(words, vader_lexicon)))
        for keys, index, ids, counts in zip(
            (words, *lexicon_keys(words)), indexes, found, per_sentence, strict=True
        ):
            ids.extend(map(index.get, keys, repeat(-1)))
            counts.append(len(keys))
    located = []
    for ids, counts in zip(found, per_sentence, strict=True):
        id_array = np.array(ids, dtype=np.intp)
        rows = np.repeat(np.arange(len(counts), dtype=np.intp), counts)
        known = id_array >= 0
        located.append((rows[known], id_array[known]))
    return Lookups(
        word_rows=located[0][0],
        word_ids=located[0][1],
        lexicon_rows=tuple(rows for rows, _ in located[1:]),
        lexicon_ids=tuple(ids for _, ids in located[1:]),
        lengths=np.array(lengths, dtype=np.float64),
        cues=np.array(cue_rows, dtype=np.float64).reshape(len(lengths), len(CUE_NAMES)),
    )


def dense_features(lookups: Lookups, lexicon_values: Sequence[np.ndarray]) -> np.ndarray:
    """Cues followed by the mean/min/max aggregates of each lexicon: one row per sentence."""
    import numpy as np

    count = len(lookups.lengths)
    parts = [lookups.cues]
    for values, rows, ids in zip(
        lexicon_values, lookups.lexicon_rows, lookups.lexicon_ids, strict=True
    ):
        parts.append(aggregate(values[ids], rows, count))
    return np.hstack(parts)


def word_scale(lengths: np.ndarray) -> np.ndarray:
    """Bag-of-words counts are divided by sqrt(length): long sentences don't add up."""
    import numpy as np

    return 1.0 / np.sqrt(np.maximum(lengths, 1.0))


@dataclass(frozen=True)
class _Model:
    vader_lexicon: dict[str, float]
    word_index: dict[str, int]
    word_weights: np.ndarray  # (words, 2): valence, arousal
    lexicon_indexes: tuple[dict[str, int], ...]
    lexicon_values: tuple[np.ndarray, ...]  # each (keys, 3): valence, arousal, dominance
    dense_weights: np.ndarray  # (features, 2)
    bias: np.ndarray  # (2,)


@cache
def _model() -> _Model:
    """Load the shipped weights once, on first use."""
    import numpy as np
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    raw = json.loads(
        resources.files("storyscore.analysis").joinpath("data", MODEL_FILE).read_text("utf-8")
    )
    words = raw["words"]
    lexicons = [raw["lexicons"][name] for name in LEXICON_NAMES]
    return _Model(
        vader_lexicon=SentimentIntensityAnalyzer().lexicon,
        word_index={word: i for i, word in enumerate(words)},
        word_weights=np.array(list(words.values()), dtype=np.float64).reshape(-1, 2)
        * WORD_WEIGHT_UNIT,
        lexicon_indexes=tuple({key: i for i, key in enumerate(lex)} for lex in lexicons),
        lexicon_values=tuple(
            np.array(list(lex.values()), dtype=np.float64).reshape(-1, len(LEXICON_DIMENSIONS))
            * LEXICON_UNIT
            for lex in lexicons
        ),
        dense_weights=np.array(
            [raw["dense_weights"][name] for name in raw["dense_features"]], dtype=np.float64
        ),
        bias=np.array(raw["bias"], dtype=np.float64),
    )


def predict_ratings(sentences: Sequence[str]) -> np.ndarray:
    """Predicted EmoBank ratings (1-5 scale), one row (valence, arousal) per sentence."""
    import numpy as np

    model = _model()
    lookups = look_up(sentences, model.vader_lexicon, model.word_index, model.lexicon_indexes)
    count = len(lookups.lengths)
    word_sums = np.column_stack(
        [
            np.bincount(
                lookups.word_rows, weights=model.word_weights[lookups.word_ids, t], minlength=count
            )
            for t in range(2)
        ]
    )
    dense = dense_features(lookups, model.lexicon_values)
    # Row by row sums rather than a matrix product: BLAS may block a product differently for
    # another batch size, and a sentence's score must not depend on its neighbours.
    dense_sums = np.column_stack(
        [(dense * model.dense_weights[:, t]).sum(axis=1) for t in range(2)]
    )
    return model.bias + word_sums * word_scale(lookups.lengths)[:, None] + dense_sums


def score_sentences(sentences: Sequence[str]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(valence, arousal) per sentence, each value in [-1, 1]."""
    import numpy as np

    if len(sentences) == 0:
        return (), ()
    ratings = predict_ratings(sentences)
    scales = np.array([VALENCE_SCALE, AROUSAL_SCALE])
    mapped = np.clip((ratings - NEUTRAL_RATING) / scales, -1.0, 1.0)
    return tuple(mapped[:, 0].tolist()), tuple(mapped[:, 1].tolist())
