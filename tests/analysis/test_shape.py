"""The arc's shape: Reagan et al.'s six arcs on synthetic stories, noise and flat arcs."""

import json

import numpy as np
import pytest
from tests.conftest import TINY_STORY

from storyscore import analyze
from storyscore.analysis.arc import smooth_arc
from storyscore.analysis.model import ARC_SHAPES
from storyscore.analysis.shape import (
    arc_reliability,
    chance_spread,
    classify_arc,
    describe_shape,
)
from storyscore.interfaces.cli import main
from storyscore.serialize import analysis_from_dict, analysis_to_dict

# Piecewise-linear stories (corners, unlike the classifier's eased prototypes): the rising
# shape of each pair, turning early, midway or late.
TURNS = {
    "early": {"one": 0.3, "two": (0.25, 0.5)},
    "midway": {"one": 0.5, "two": (0.35, 0.65)},
    "late": {"one": 0.7, "two": (0.5, 0.8)},
}
RISING = {
    "rags-to-riches": lambda turns: [(0.0, -1.0), (1.0, 1.0)],
    "man-in-a-hole": lambda turns: [(0.0, 1.0), (turns["one"], -1.0), (1.0, 0.7)],
    "cinderella": lambda turns: [
        (0.0, -1.0),
        (turns["two"][0], 1.0),
        (turns["two"][1], -0.4),
        (1.0, 1.0),
    ],
}
MIRROR = {"tragedy": "rags-to-riches", "icarus": "man-in-a-hole", "oedipus": "cinderella"}
# (sentences, turns, seed): a short story, a novella, a novel.
VARIANTS = [(200, "early", 1), (1000, "midway", 2), (4000, "late", 3)]
CONFIDENCE_FLOOR = 0.2


def synthetic_story(shape, sentences, turns, seed, *, amplitude=0.3, noise=0.4):
    """Per-sentence valence: the shape, scaled to a lexicon's typical swing, plus noise as
    large as a lexicon's sentence-to-sentence scatter; and its smoothed arc."""
    mirrored = shape in MIRROR
    knots = RISING[MIRROR.get(shape, shape)](TURNS[turns])
    position = np.linspace(0.0, 1.0, sentences)
    curve = np.interp(position, [k[0] for k in knots], [k[1] for k in knots])
    rng = np.random.default_rng(seed)
    values = amplitude * (-curve if mirrored else curve) + rng.normal(0.0, noise, sentences)
    return smooth_arc(values.tolist()), values.tolist()


def noise_story(sentences, seed):
    values = np.random.default_rng(seed).normal(0.0, 0.4, sentences).tolist()
    return smooth_arc(values), values


@pytest.mark.parametrize("shape", ARC_SHAPES)
@pytest.mark.parametrize(("sentences", "turns", "seed"), VARIANTS)
def test_each_shape_is_recognised(shape, sentences, turns, seed):
    arc, values = synthetic_story(shape, sentences, turns, seed)
    result = classify_arc(arc, values)
    assert result.name == shape, result.scores
    assert CONFIDENCE_FLOOR < result.confidence <= 1.0
    assert result.scores[0] == (shape, max(score for _, score in result.scores))
    assert sorted(name for name, _ in result.scores) == sorted(ARC_SHAPES)


@pytest.mark.parametrize(
    ("shape", "curve"),
    [
        ("rags-to-riches", lambda t: np.tanh(4 * (t - 0.6))),
        ("tragedy", lambda t: -(t**2)),
        ("man-in-a-hole", lambda t: (t - 0.4) ** 2),
        ("icarus", lambda t: np.sin(np.pi * t**0.8)),
        ("cinderella", lambda t: t - 0.6 * np.cos(3 * np.pi * t)),
        ("oedipus", lambda t: 0.6 * np.cos(3 * np.pi * t) - t),
    ],
)
def test_smooth_curves_of_other_forms_are_recognised_with_confidence(shape, curve):
    result = classify_arc(curve(np.linspace(0.0, 1.0, 500)).tolist())
    assert result.name == shape, result.scores
    assert result.confidence > 0.5


def test_noise_only_arcs_get_low_confidence():
    confidences = [
        classify_arc(*noise_story(sentences, seed)).confidence
        for seed in range(12)
        for sentences in (150, 600, 3000)
    ]
    assert np.median(confidences) < 0.05
    assert max(confidences) < 0.35
    # The same arcs without their sentences: the shape alone cannot tell chance from a story.
    shapes_only = [classify_arc(noise_story(600, seed)[0]).confidence for seed in range(12)]
    assert np.median(shapes_only) > np.median(confidences)


def test_a_flat_arc_has_no_shape():
    for arc in ([0.2] * 50, [0.0], [], [-0.4] * 3):
        result = classify_arc(arc, arc)
        assert result.confidence == 0.0
        assert all(score == 0.0 for _, score in result.scores)
        assert result.name == ARC_SHAPES[0]
        assert describe_shape(result).endswith("confidence 0.00 (no clear shape)")


def test_offset_and_scale_do_not_matter():
    arc, values = synthetic_story("icarus", 800, "early", 7)
    base = classify_arc(arc, values)
    for scale, offset in ((0.1, 0.5), (3.0, -2.0)):
        moved = classify_arc(
            [scale * x + offset for x in arc], [scale * x + offset for x in values]
        )
        assert moved.name == base.name
        assert moved.confidence == pytest.approx(base.confidence, abs=1e-9)
        for (name, score), (base_name, base_score) in zip(moved.scores, base.scores, strict=True):
            assert name == base_name and score == pytest.approx(base_score, abs=1e-9)


def test_chance_spread_is_the_spread_smoothing_leaves_to_independent_values():
    for sentences in (40, 300, 900):
        # smooth_arc is linear: its weights are the arcs of single-sentence impulses.
        weights = np.array([smooth_arc(np.eye(sentences)[i].tolist()) for i in range(sentences)])
        expected = np.sqrt(np.mean(np.sum(weights**2, axis=0)))
        unit_spread = [1.0, -1.0] * (sentences // 2)
        assert chance_spread(unit_spread) == pytest.approx(expected, rel=1e-6)


def test_reliability_separates_a_story_from_shuffled_sentences():
    arc, values = synthetic_story("man-in-a-hole", 2000, "midway", 4)
    assert arc_reliability(arc, values) > 0.8
    shuffled = np.random.default_rng(4).permutation(values).tolist()
    assert arc_reliability(smooth_arc(shuffled), shuffled) < 0.3


def test_the_classifier_is_deterministic_and_fast():
    import time

    arc, values = synthetic_story("oedipus", 6000, "late", 5)
    started = time.perf_counter()
    first = classify_arc(arc, values)
    assert time.perf_counter() - started < 0.5
    assert classify_arc(list(arc), list(values)) == first


@pytest.fixture(scope="module")
def tiny_analysis():
    return analyze(TINY_STORY.read_bytes(), name=TINY_STORY.name)


def test_the_analysis_keeps_its_shape_and_pairs_in_analysis_files(tiny_analysis):
    assert tiny_analysis.arc_shape == classify_arc(tiny_analysis.arc_valence, tiny_analysis.valence)
    exact = json.loads(json.dumps(analysis_to_dict(tiny_analysis, exact=True)))
    assert analysis_from_dict(exact) == tiny_analysis
    assert exact["arc_shape"]["name"] == tiny_analysis.arc_shape.name
    assert len(exact["relationships"]) == len(tiny_analysis.relationships) >= 1
    # A file written before these fields existed still reads, without them.
    del exact["arc_shape"], exact["relationships"]
    older = analysis_from_dict(exact)
    assert older.arc_shape is None and older.relationships == ()
    assert older.leads == tiny_analysis.leads


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["arc_shape"].update(name="comedy"), "unknown arc shape"),
        (lambda d: d["relationships"][0]["states"].append("apart"), "one value per segment"),
        (lambda d: d["relationships"][0].update(pair=["Ada", "Nobody"]), "not in the cast"),
    ],
)
def test_broken_shapes_and_pairs_are_refused(tiny_analysis, change, fragment):
    data = json.loads(json.dumps(analysis_to_dict(tiny_analysis, exact=True)))
    change(data)
    with pytest.raises(ValueError, match=fragment):
        analysis_from_dict(data)


def test_the_summary_names_the_shape(capsys):
    assert main(["analyze", str(TINY_STORY)]) == 0
    summary = capsys.readouterr().out
    arc_line = next(line for line in summary.splitlines() if line.startswith("Arc: "))
    assert "confidence" in arc_line and "next closest" in arc_line
