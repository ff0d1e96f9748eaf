"""The sentence emotion model: sane values, negation, its own arousal, and EmoBank agreement."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storyscore.analysis.emotion import MODEL_FILE, score_sentences, tokens

EMOBANK = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "emobank"
MODEL_PATH = Path(__file__).resolve().parents[2] / "src/storyscore/analysis/data" / MODEL_FILE


def scores(*sentences: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return score_sentences(list(sentences))


def test_values_stay_in_range_for_odd_input():
    odd = ["", "..", "!!!", "WHAT?!", "42", "a " * 2000, "Café naïve — “quoted” 'single'."]
    valence, arousal = score_sentences(odd)
    assert len(valence) == len(arousal) == len(odd)
    assert all(-1.0 <= x <= 1.0 for x in valence + arousal)


def test_empty_list_gives_two_empty_tuples():
    assert score_sentences([]) == ((), ())


def test_obvious_valence():
    valence, _ = scores("I love this wonderful day", "This is terrible and sad")
    assert valence[0] > 0 > valence[1]


def test_negation_turns_good_negative():
    valence, _ = scores("This is good.", "This is not good at all.")
    assert valence[1] < 0 < valence[0]


def test_negation_marks_up_to_three_words_until_punctuation_or_but():
    assert tokens("It was not very good, but fine") == [
        "it", "was", "not", "not_very", "not_good", "but", "fine",
    ]  # fmt: skip
    assert tokens("I don't like the cold rain at all.") == [
        "i", "don't", "not_like", "not_the", "not_cold", "rain", "at", "all",
    ]  # fmt: skip
    assert tokens("Never! Good.") == ["never", "good"]


def test_screaming_is_more_aroused_than_sleeping():
    _, arousal = scores("She screamed in terror and ran!", "He sat quietly and slept.")
    assert arousal[0] > arousal[1]


def test_arousal_is_not_a_function_of_valence():
    # Both orders differ from valence's: a thrilling joy vs a calm pleasure, and a scream
    # of terror vs a quiet nap.
    valence, arousal = scores(
        "What a fantastic, thrilling victory!",
        "It was a calm, pleasant evening.",
        "She screamed in terror and ran!",
        "He sat quietly and slept.",
    )
    assert valence[0] > 0 and valence[1] > 0 and arousal[0] > arousal[1]
    assert valence[2] < valence[3] and arousal[2] > arousal[3]
    assert not np.isclose(np.corrcoef(np.abs(valence), arousal)[0, 1], 1.0)


def test_scores_do_not_depend_on_the_batch():
    sentences = ["The storm tore the roof away!", "She smiled at him.", "Nothing happened."]
    together = score_sentences(sentences)
    alone = [score_sentences([s]) for s in sentences]
    assert together == (tuple(v[0] for v, _ in alone), tuple(a[0] for _, a in alone))
    assert score_sentences(sentences) == together


def test_same_scores_in_fresh_processes_with_other_hash_seeds_and_lazy_loading():
    program = (
        "import sys, storyscore.analysis.emotion as e\n"
        "assert 'vaderSentiment' not in sys.modules and e._model.cache_info().currsize == 0\n"
        "print(repr(e.score_sentences(['Not bad at all, my dear friend!', 'He wept.'])))\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_shipped_model_is_compact_and_credits_emobank():
    assert MODEL_PATH.stat().st_size < 1_000_000
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert "EmoBank" in model["about"] and "CC BY-SA 4.0" in model["about"]
    readme = (MODEL_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert "Buechel" in readme and "CC BY-SA 4.0" in readme


@pytest.fixture(scope="module")
def emobank_dev() -> list[dict[str, str]]:
    with (EMOBANK / "emobank-dev.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["split"] == "dev"]


def test_agrees_with_human_ratings_on_emobank_dev(emobank_dev):
    texts = [row["text"] for row in emobank_dev]
    valence, arousal = score_sentences(texts)
    assert score_sentences(texts[:20]) == (valence[:20], arousal[:20])  # batch-independent
    r_valence = np.corrcoef(valence, [float(row["V"]) for row in emobank_dev])[0, 1]
    r_arousal = np.corrcoef(arousal, [float(row["A"]) for row in emobank_dev])[0, 1]
    # measured 0.599 and 0.482 (eval/emotion.py); VADER's compound alone: 0.456 and 0.186
    assert r_valence >= 0.58
    assert r_arousal >= 0.46
