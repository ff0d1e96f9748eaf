"""The one seeded source of randomness.

Every random choice in storyscore comes from a :class:`random.Random` derived here from the
user's seed and a path of labels (``derive(seed, "track", 3, "melody")``). Deriving by label
instead of drawing from one shared stream keeps parts independent: appending a track with
``storyscore next`` cannot change the notes of earlier tracks, and the result does not depend
on ``PYTHONHASHSEED`` because labels are hashed with SHA-256, not ``hash()``.
"""

from __future__ import annotations

import hashlib
import random


def derive(seed: int, *labels: object) -> random.Random:
    """Return a generator determined only by ``seed`` and ``labels``."""
    key = "\x1f".join([str(seed), *(str(label) for label in labels)]).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))
