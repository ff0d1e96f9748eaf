"""The shape of the story's arc: which of the six arcs of Reagan et al. (2016) it follows.

Reagan et al. found that the emotional arcs of 1,327 stories are mostly combinations of three
modes, each with two signs: a rise (rags to riches) or a fall (tragedy); a fall then a rise
(man in a hole) or a rise then a fall (Icarus); a rise, a fall and a rise (Cinderella) or a
fall, a rise and a fall (Oedipus).

Each shape here is a family of smooth prototype curves drawn through knots with a cosine
ease (flat at every turn, no corners): the turning points move over a grid and the limbs
need not be equally tall, so a late or a shallow turn still matches its shape. The arc is
resampled to ``POINTS`` points and standardised, so its level and its scale do not matter,
and correlated with every prototype; a shape scores the correlation of its best prototype.

The confidence, in [0, 1], multiplies three things: the fit (the best correlation), the
separation (how far the best shape is ahead of the second best, full at
``SEPARATION_FOR_FULL_CONFIDENCE``), and, when the per-sentence values are given, the
reliability: the share of the arc's variance that the same sentences told in a random order
would not produce. A lexicon model's per-sentence scores are noisy; an arc no taller than
the one shuffled sentences draw is chance, whatever shape it happens to take.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import product

import numpy as np

from storyscore.analysis.arc import MIN_SIGMA_SENTENCES, SIGMA_SHARE
from storyscore.analysis.model import ARC_SHAPES, ArcShape, ArcShapeName

POINTS = 100  # plenty for three limbs; the arc is already smooth
SEPARATION_FOR_FULL_CONFIDENCE = 0.3
# Below this confidence the summary calls the shape unclear.
CLEAR_SHAPE_CONFIDENCE = 0.1
# Below this spread (in valence units, which span [-1, 1]) an arc is flat: it has no shape.
FLAT_SPREAD = 1e-6

# Where the turns of the prototypes may fall, as shares of the story.
ONE_TURN_AT = (0.25, 0.35, 0.45, 0.55, 0.65, 0.75)
TWO_TURNS_AT = tuple(
    (first, second)
    for first, second in product((0.2, 0.3, 0.4, 0.5, 0.6), (0.5, 0.6, 0.7, 0.8, 0.9))
    if second - first >= 0.2
)
# Levels of the outer ends (one turn) or of the middle peak and trough (two turns) against
# the turn at -1 and the far end at +1: a shorter limb is at least three quarters as tall.
ONE_TURN_ENDS = ((1.0, 1.0), (0.5, 1.0), (1.0, 0.5))
TWO_TURN_LEVELS = ((1.0, -1.0), (1.0, -0.5), (0.5, -1.0))

SHAPE_MOVES: dict[ArcShapeName, str] = {
    "rags-to-riches": "rise",
    "tragedy": "fall",
    "man-in-a-hole": "fall, then rise",
    "icarus": "rise, then fall",
    "cinderella": "rise, fall, rise",
    "oedipus": "fall, rise, fall",
}
SHAPE_LABELS: dict[ArcShapeName, str] = {
    "rags-to-riches": "rags to riches",
    "tragedy": "tragedy",
    "man-in-a-hole": "man in a hole",
    "icarus": "Icarus",
    "cinderella": "Cinderella",
    "oedipus": "Oedipus",
}


def classify_arc(arc: Sequence[float], values: Sequence[float] | None = None) -> ArcShape:
    """The shape of ``arc`` (the smoothed valence, one value per sentence) and how sure it is.

    ``values`` are the per-sentence values the arc was smoothed from (``smooth_arc``); with
    them an arc no taller than chance gets a low confidence. A flat arc has no shape: every
    score and the confidence are 0 and the name is the first shape, by convention.
    """
    curve = _resample(arc)
    spread = float(curve.std()) if curve.size else 0.0
    if spread < FLAT_SPREAD:
        return ArcShape(
            name=ARC_SHAPES[0],
            confidence=0.0,
            scores=tuple((name, 0.0) for name in ARC_SHAPES),
        )
    standard = (curve - curve.mean()) / spread
    prototypes, owners = _prototypes()
    correlations = prototypes @ standard / POINTS
    best = [float(correlations[owners == shape].max()) for shape in range(len(ARC_SHAPES))]
    # Equal scores keep the order of ARC_SHAPES, so a tie is always broken the same way.
    order = sorted(range(len(ARC_SHAPES)), key=lambda shape: (-best[shape], shape))
    first, second = best[order[0]], best[order[1]]
    fit = max(0.0, first)
    separation = min(1.0, (first - second) / SEPARATION_FOR_FULL_CONFIDENCE)
    reliability = 1.0 if values is None else arc_reliability(arc, values)
    return ArcShape(
        name=ARC_SHAPES[order[0]],
        confidence=float(np.clip(fit * separation * reliability, 0.0, 1.0)),
        scores=tuple((ARC_SHAPES[shape], best[shape]) for shape in order),
    )


def arc_reliability(arc: Sequence[float], values: Sequence[float]) -> float:
    """The share of the arc's variance beyond what the same sentences in random order draw:
    0 when the arc is no taller than :func:`chance_spread`, near 1 when it towers above it."""
    arc_spread = float(np.std(np.asarray(arc, dtype=float)))
    if arc_spread == 0.0:
        return 0.0
    return max(0.0, 1.0 - (chance_spread(values) / arc_spread) ** 2)


def chance_spread(values: Sequence[float]) -> float:
    """How far the arc of ``values`` would stray from their mean, on average, if the sentences
    came in random order: ``smooth_arc`` leaves independent values of spread ``s`` a spread of
    ``s * sqrt(sum of its squared kernel weights)`` at each sentence."""
    count = len(values)
    if count == 0:
        return 0.0
    sigma = max(MIN_SIGMA_SENTENCES, SIGMA_SHARE * count)
    radius = int(3 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    ones = np.ones(count)
    mass = np.convolve(ones, kernel, mode="full")[radius : radius + count]
    squared = np.convolve(ones, kernel**2, mode="full")[radius : radius + count]
    spread = float(np.std(np.asarray(values, dtype=float)))
    return spread * float(np.sqrt(np.mean(squared / mass**2)))


def describe_shape(shape: ArcShape) -> str:
    """'man in a hole (fall, then rise), confidence 0.42'; a weak shape says so."""
    weak = " (no clear shape)" if shape.confidence < CLEAR_SHAPE_CONFIDENCE else ""
    return (
        f"{SHAPE_LABELS[shape.name]} ({SHAPE_MOVES[shape.name]}), "
        f"confidence {shape.confidence:.2f}{weak}"
    )


def _resample(arc: Sequence[float]) -> np.ndarray:
    values = np.asarray(arc, dtype=float)
    if values.size == 0:
        return values
    return np.interp(np.linspace(0.0, values.size - 1, POINTS), np.arange(values.size), values)


def _eased(knots: Sequence[tuple[float, float]]) -> np.ndarray:
    """A curve through ``(position, level)`` knots, each limb a half cosine (flat at the knots)."""
    t = np.linspace(0.0, 1.0, POINTS)
    positions = np.array([k[0] for k in knots])
    levels = np.array([k[1] for k in knots])
    limb = np.clip(np.searchsorted(positions, t, side="right") - 1, 0, len(knots) - 2)
    within = (t - positions[limb]) / (positions[limb + 1] - positions[limb])
    ease = (1.0 - np.cos(np.pi * within)) / 2.0
    return levels[limb] + (levels[limb + 1] - levels[limb]) * ease


@cache
def _prototypes() -> tuple[np.ndarray, np.ndarray]:
    """Standardised prototype curves (rows) and the index in ``ARC_SHAPES`` of each one's shape.

    The rising shapes are drawn; each falling shape is its mirror image.
    """
    rising: dict[ArcShapeName, list[np.ndarray]] = {
        "rags-to-riches": [_eased([(0.0, -1.0), (1.0, 1.0)])],
        "man-in-a-hole": [
            _eased([(0.0, start), (turn, -1.0), (1.0, end)])
            for turn in ONE_TURN_AT
            for start, end in ONE_TURN_ENDS
        ],
        "cinderella": [
            _eased([(0.0, -1.0), (first, peak), (second, trough), (1.0, 1.0)])
            for first, second in TWO_TURNS_AT
            for peak, trough in TWO_TURN_LEVELS
        ],
    }
    mirrors: dict[ArcShapeName, ArcShapeName] = {
        "tragedy": "rags-to-riches",
        "icarus": "man-in-a-hole",
        "oedipus": "cinderella",
    }
    curves, owners = [], []
    for index, shape in enumerate(ARC_SHAPES):
        family = rising[shape] if shape in rising else [-c for c in rising[mirrors[shape]]]
        for curve in family:
            curves.append((curve - curve.mean()) / curve.std())
            owners.append(index)
    prototypes, owner_array = np.array(curves), np.array(owners)
    prototypes.flags.writeable = owner_array.flags.writeable = False
    return prototypes, owner_array
