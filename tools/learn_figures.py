"""Learn the melody's running figures from Ryan's Mammoth Collection (public-domain fiddle
tunes, 1883, bundled with music21's corpus under BSD-3-Clause).

    .venv/bin/python tools/learn_figures.py

Writes src/storyscore/composition/data/figures.json; the same music21 version gives the same
bytes. A figure is how a fiddler fills one beat (two eighths) or two beats (four eighths)
between two notes on the beat: the diatonic steps of each eighth above the first note, keyed
by the step from the first note to the next note on the beat (the target). Only the counts
are kept, and only figures seen at least MIN_COUNT times: generic broken chords, scales and
turns, never a tune's phrase (a figure is at most four notes; the composition guide's gate
forbids copying anything longer).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "src" / "storyscore" / "composition" / "data" / "figures.json"
CORPUS_FOLDER = "ryansMammoth"
QUARTER_BEAT_METERS = frozenset({"2/4", "3/4", "4/4", "2/2", "C", "C|"})
EIGHTH = Fraction(1, 2)
FIGURE_BEATS = (1, 2)
MIN_COUNT = 5
MAX_TARGET_STEP = 7  # diatonic steps: an octave


def melody(part) -> list[tuple[Fraction, Fraction, int]]:
    """(onset, length, diatonic note number) of the highest note at each onset, ties joined,
    grace notes left out; time in quarter notes."""
    top: dict[Fraction, tuple[Fraction, int]] = {}
    for element in part.stripTies().flatten().notes:
        if element.duration.isGrace or element.quarterLength <= 0:
            continue
        start = Fraction(element.offset).limit_denominator(10_000)
        length = Fraction(element.quarterLength).limit_denominator(10_000)
        step = max(p.diatonicNoteNum for p in element.pitches)
        if start not in top or step > top[start][1]:
            top[start] = (length, step)
    return [(start, *top[start]) for start in sorted(top)]


def figures(notes: list[tuple[Fraction, Fraction, int]], beats: int) -> Counter:
    """Figures of ``beats`` beats in a melody: runs of eighths starting on a beat and followed
    by a note on the beat, as (target step, step of each eighth above the first)."""
    found: Counter = Counter()
    slots = 2 * beats
    for index in range(len(notes) - slots):
        run = notes[index : index + slots]
        start = run[0][0]
        if start.denominator != 1:
            continue
        if any(n[1] != EIGHTH or n[0] != start + k * EIGHTH for k, n in enumerate(run)):
            continue
        target = notes[index + slots]
        if target[0] != start + beats:
            continue
        first = run[0][2]
        step = target[2] - first
        if abs(step) <= MAX_TARGET_STEP:
            found[(step, *(n[2] - first for n in run[1:]))] += 1
    return found


def main() -> None:
    from music21 import __version__ as music21_version
    from music21 import converter, corpus, stream

    started = time.perf_counter()
    paths = sorted(corpus.getComposer(CORPUS_FOLDER), key=lambda p: Path(p).name)
    counts: dict[int, Counter] = {beats: Counter() for beats in FIGURE_BEATS}
    used = 0
    for path in paths:
        parsed = converter.parse(path, forceSource=True)
        score = parsed.scores[0] if isinstance(parsed, stream.Opus) else parsed
        part = score.parts[0] if isinstance(score, stream.Score) else score
        meter = part.recurse().getElementsByClass("TimeSignature").first()
        if meter is None or meter.ratioString not in QUARTER_BEAT_METERS:
            continue
        notes = melody(part)
        used += 1
        for beats in FIGURE_BEATS:
            counts[beats] += figures(notes, beats)
    data = {
        "source": "Ryan's Mammoth Collection (William Bradbury Ryan, Boston, 1883), as bundled "
        "in music21's corpus (music21/corpus/ryansMammoth/)",
        "licence": "The tunes are in the public domain; the ABC transcriptions ship with "
        "music21 (BSD-3-Clause). This file holds only counts of generic figures.",
        "music21_version": music21_version,
        "made_by": "tools/learn_figures.py",
        "tunes_used": used,
        "definition": "key: beats; each row: [target step, steps of eighths 2..n above the "
        "first, count]; steps are diatonic (letter names), counted over tunes in quarter-beat "
        f"meters; rows seen at least {MIN_COUNT} times",
        "figures": {
            str(beats): sorted(
                [[*figure, count] for figure, count in counts[beats].items() if count >= MIN_COUNT],
                key=lambda row: (row[0], -row[-1], row[1:-1]),
            )
            for beats in FIGURE_BEATS
        },
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in data.items() if k != "figures"]
    lines.append('  "figures": {')
    groups = []
    for beats, rows in data["figures"].items():
        body = ",\n".join(f"      {json.dumps(row)}" for row in rows)
        groups.append(f'    "{beats}": [\n{body}\n    ]')
    lines.append(",\n".join(groups))
    lines += ["  }", "}"]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sizes = ", ".join(f"{len(rows)} of {beats} beat(s)" for beats, rows in data["figures"].items())
    print(f"{used} tunes, {sizes} -> {OUTPUT} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
