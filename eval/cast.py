"""How well the cast finder names who is in each shared work, against hand-written answer keys.

    .venv/bin/python eval/cast.py [KEYS_JSON]

For each work in the keys (``eval/data/cast-keys.json``; paths relative to ``../shared/data``):

- *recall*: the share of the key's top 5 characters found among the detected top 8;
- *precision*: the share of the detected top 5 that are characters of the key.

A detected character is a key character when its name or any alias equals the key
character's name or any alias (ignoring case, full stops and a leading "the"). Each detected
character stands for at most one key character and the other way round (a maximum matching),
so a character split in two counts once and two characters merged into one count once.
The overall figures pool the counts of all works. Misses are printed per work, and the time
the cast finder took (ingest not included).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyscore.analysis.cast import find_cast
from storyscore.analysis.model import Character
from storyscore.ingest import read_story

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
DEFAULT_KEYS = REPO / "eval" / "data" / "cast-keys.json"
KEY_TOP = 5
DETECTED_POOL = 8
DETECTED_TOP = 5
RECALL_TARGET = 0.9
PRECISION_TARGET = 0.8
_LEADING_THE = re.compile(r"^the\s+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class KeyCharacter:
    """One character of an answer key: the name and the other names the text uses."""

    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkScore:
    """The counts behind one work's recall and precision, and what was missed."""

    title: str
    found: int  # key top characters found among the detected pool
    key_top: int
    correct: int  # detected top characters that are key characters
    detected_top: int
    missed: tuple[str, ...]  # key top characters not found
    wrong: tuple[str, ...]  # detected top characters that match no key character
    seconds: float


def normalise(name: str) -> str:
    """The form names are compared in: lower case, no full stops, no leading "the"."""
    plain = _SPACES.sub(" ", name.replace(".", " ").lower()).strip()
    return _LEADING_THE.sub("", plain)


def _forms(names: Sequence[str]) -> frozenset[str]:
    return frozenset(normalise(name) for name in names if name.strip())


def load_keys(path: Path) -> list[tuple[str, str, tuple[KeyCharacter, ...]]]:
    """(path under shared/data, title, characters in order of importance) for each work."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        (
            work["path"],
            work["title"],
            tuple(KeyCharacter(c["name"], tuple(c["aliases"])) for c in work["characters"]),
        )
        for work in data["works"]
    ]


def matching(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]) -> dict[int, int]:
    """A maximum one-to-one matching of ``left`` to ``right`` items that share a form.

    Augmenting paths (Kuhn's algorithm); the lists are a few items long.
    """
    matched_right: dict[int, int] = {}

    def augment(item: int, seen: set[int]) -> bool:
        for other, forms in enumerate(right):
            if other in seen or not left[item] & forms:
                continue
            seen.add(other)
            if other not in matched_right or augment(matched_right[other], seen):
                matched_right[other] = item
                return True
        return False

    for item in range(len(left)):
        augment(item, set())
    return {item: other for other, item in matched_right.items()}


def score_work(
    title: str, key: Sequence[KeyCharacter], cast: Sequence[Character], seconds: float = 0.0
) -> WorkScore:
    """Recall of the key's top 5 in the detected top 8, precision of the detected top 5."""
    key_forms = [_forms((c.name, *c.aliases)) for c in key]
    cast_forms = [_forms((c.name, *c.aliases)) for c in cast]
    top_key = key_forms[:KEY_TOP]
    found = matching(top_key, cast_forms[:DETECTED_POOL])
    top_cast = cast_forms[:DETECTED_TOP]
    correct = matching(top_cast, key_forms)
    return WorkScore(
        title=title,
        found=len(found),
        key_top=len(top_key),
        correct=len(correct),
        detected_top=len(top_cast),
        missed=tuple(key[i].name for i in range(len(top_key)) if i not in found),
        wrong=tuple(cast[i].name for i in range(len(top_cast)) if i not in correct),
        seconds=seconds,
    )


def evaluate(
    keys_path: Path = DEFAULT_KEYS, data: Path = DATA, only: Collection[str] | None = None
) -> list[WorkScore]:
    """Read each keyed work (those whose path is in ``only``, if given), find its cast and
    score it."""
    scores = []
    for relative, title, key in load_keys(keys_path):
        if only is not None and relative not in only:
            continue
        document = read_story(data / relative)
        texts = [s.text for s in document.sentences]
        speakers = [s.speaker for s in document.sentences]
        started = time.perf_counter()
        result = find_cast(texts, speakers=speakers)
        seconds = time.perf_counter() - started
        scores.append(score_work(title, key, result.cast, seconds))
    return scores


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def overall(scores: Sequence[WorkScore]) -> tuple[float, float]:
    """Recall and precision over all the works, their counts pooled."""
    found = sum(s.found for s in scores)
    key_top = sum(s.key_top for s in scores)
    correct = sum(s.correct for s in scores)
    detected = sum(s.detected_top for s in scores)
    return _ratio(found, key_top), _ratio(correct, detected)


def report(scores: Sequence[WorkScore]) -> str:
    """The table of figures per work and overall, then the misses."""
    lines = [f"{'work':<52} {'recall@8':>9} {'prec@5':>7} {'seconds':>8}"]
    for s in scores:
        lines.append(
            f"{s.title[:52]:<52} {s.found:>4}/{s.key_top:<4} {s.correct:>3}/{s.detected_top:<3}"
            f" {s.seconds:>8.3f}"
        )
    recall, precision = overall(scores)
    lines.append(
        f"{'overall':<52} {recall:>9.3f} {precision:>7.3f}"
        f"   (targets: recall >= {RECALL_TARGET}, precision >= {PRECISION_TARGET})"
    )
    lines.append("")
    for s in scores:
        if s.missed or s.wrong:
            lines.append(
                f"{s.title}: missed {', '.join(s.missed) or '-'}; "
                f"not in key {', '.join(s.wrong) or '-'}"
            )
    return "\n".join(lines)


def main() -> None:
    keys_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_KEYS
    print(report(evaluate(keys_path)))


if __name__ == "__main__":
    main()
