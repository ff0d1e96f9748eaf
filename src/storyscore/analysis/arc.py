"""The story's arc: per-sentence emotion aggregated over windows and smoothed.

Smoothing is a Gaussian kernel average normalised by the kernel mass that falls inside the
story (Nadaraya-Watson). Unlike Fourier low-pass filtering (syuzhet's), it cannot ring, and
near the ends it averages only what is there instead of bending the arc toward zero or
wrapping the ending into the beginning (Swafford; Schmidt).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# The kernel's standard deviation as a share of the story, with a floor in sentences: the
# arc follows movements of roughly a tenth of the story, never single sentences.
SIGMA_SHARE = 0.04
MIN_SIGMA_SENTENCES = 2.0
# The kernel grows with the story, so direct convolution costs count x kernel: seconds at 100,000
# sentences, minutes at the 450,000 of a 50 MB text. From this count on, the convolutions go
# through the FFT (n log n); below it they stay direct, so ordinary books keep their exact arcs.
FFT_FROM_SENTENCES = 50_000


def smooth_arc(values: Sequence[float], *, sigma_share: float = SIGMA_SHARE) -> tuple[float, ...]:
    """Smooth per-sentence values into an arc with one value per sentence."""
    count = len(values)
    if count == 0:
        return ()
    sigma = max(MIN_SIGMA_SENTENCES, sigma_share * count)
    radius = int(3 * sigma)
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    data = np.asarray(values, dtype=float)
    weighted = _convolve(data, kernel)[radius : radius + count]
    mass = _convolve(np.ones(count), kernel)[radius : radius + count]
    return tuple(float(x) for x in np.clip(weighted / mass, -1.0, 1.0))


def _convolve(data: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The full convolution of ``data`` and ``kernel`` (see FFT_FROM_SENTENCES)."""
    if len(data) < FFT_FROM_SENTENCES:
        return np.convolve(data, kernel, mode="full")
    size = len(data) + len(kernel) - 1
    return np.fft.irfft(np.fft.rfft(data, size) * np.fft.rfft(kernel, size), size)


def change_strength(arc: Sequence[float], index: int, window: int) -> float:
    """How much the arc's level differs just before and just after ``index``."""
    before = arc[max(0, index - window) : index]
    after = arc[index : index + window]
    if not before or not after:
        return 0.0
    return abs(sum(after) / len(after) - sum(before) / len(before))
