"""Per-tune melody features of Ryan's Mammoth Collection, the human reference of eval/music.py.

Parsing the 1,059 ABC tunes bundled with music21 takes a minute or two, so it is done once
here and written to ``eval/data/ryans-mammoth-features.json`` (sorted, rounded: the same
music21 version gives the same bytes). The melody of a tune is computed exactly as for a
generated track (``music_metrics.skyline``: the highest note at each onset, grace notes left
out, ties joined, chords read as their notes), bars are the measures as written (repeats not
expanded), and time is in quarter notes (storyscore's beat).

    .venv/bin/python eval/corpus_features.py [OUTPUT_JSON]
"""

from __future__ import annotations

import bisect
import json
import sys
import time
from fractions import Fraction
from pathlib import Path

from music_metrics import FEATURE_NAMES, melody_features, recurring_bars, skyline

from storyscore.composition.model import Note

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = EVAL_DIR / "data" / "ryans-mammoth-features.json"
CORPUS_FOLDER = "ryansMammoth"
MIN_NOTES = 8
SOURCE = (
    "Ryan's Mammoth Collection (William Bradbury Ryan, Boston, 1883): 1,059 fiddle tunes in "
    "ABC, as bundled in music21's corpus (music21/corpus/ryansMammoth/)."
)
LICENCE = (
    "The tunes are in the public domain (published 1883); the ABC transcriptions ship with "
    "music21 (BSD-3-Clause). This file holds only numbers derived from them."
)


def _beats(value) -> Fraction:
    """A music21 offset or quarter length (float or Fraction) as an exact Fraction."""
    return Fraction(value).limit_denominator(10_000)


def tune_notes(part) -> tuple[list[Note], list[Fraction]]:
    """Every sounding note of a music21 part (chords split into their notes) and the start of
    each measure, in quarter notes from the beginning."""
    from music21 import harmony, stream

    notes: list[Note] = []
    measure_starts: list[Fraction] = []
    for measure in part.getElementsByClass(stream.Measure):
        origin = _beats(measure.offset)
        measure_starts.append(origin)
        for element in measure.recurse().notes:
            if isinstance(element, harmony.ChordSymbol) or element.duration.isGrace:
                continue
            length = _beats(element.quarterLength)
            if length <= 0:
                continue
            start = origin + _beats(element.getOffsetInHierarchy(measure))
            notes.extend(Note(start, length, p.midi, 64) for p in element.pitches)
    return notes, measure_starts


def melody_bars(melody: tuple[Note, ...], measure_starts: list[Fraction]) -> list[list[Note]]:
    """The melody grouped by measure as written, starts made relative to the measure."""
    bars: list[list[Note]] = [[] for _ in measure_starts]
    for note in melody:
        index = max(0, bisect.bisect_right(measure_starts, note.start) - 1)
        relative = note.start - measure_starts[index]
        bars[index].append(Note(relative, note.duration, note.pitch, note.velocity))
    return bars


def tune_record(path: Path) -> dict[str, object] | None:
    """The features of one tune file, or ``None`` when it has too few notes to measure."""
    from music21 import converter, stream

    parsed = converter.parse(path, forceSource=True)
    score = parsed.scores[0] if isinstance(parsed, stream.Opus) else parsed
    part = score.parts[0] if isinstance(score, stream.Score) else score
    meter = part.recurse().getElementsByClass("TimeSignature").first()
    notes, measure_starts = tune_notes(part.stripTies())
    melody = skyline(notes)
    if len(melody) < MIN_NOTES or not measure_starts:
        return None
    features = melody_features(melody)
    recurring = recurring_bars(melody_bars(melody, measure_starts))
    record: dict[str, object] = {
        "file": f"{CORPUS_FOLDER}/{path.name}",
        "title": score.metadata.title if score.metadata and score.metadata.title else path.stem,
        "meter": meter.ratioString if meter is not None else None,
        "notes": len(melody),
        "bars": recurring.total,
        "recurring_bars": recurring.hits,
    }
    record.update({name: round(getattr(features, name), 6) for name in FEATURE_NAMES})
    return record


def main() -> None:
    from music21 import __version__ as music21_version
    from music21 import corpus

    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    started = time.perf_counter()
    paths = sorted(corpus.getComposer(CORPUS_FOLDER), key=lambda p: p.name)
    records, skipped = [], []
    for index, path in enumerate(paths, start=1):
        record = tune_record(Path(path))
        if record is None:
            skipped.append(Path(path).name)
        else:
            records.append(record)
        if index % 100 == 0:
            print(f"{index}/{len(paths)} tunes ({time.perf_counter() - started:.0f} s)")
    header = {
        "source": SOURCE,
        "licence": LICENCE,
        "music21_version": music21_version,
        "made_by": "eval/corpus_features.py",
        "definitions": {
            "melody": "highest note at each onset (eval/music_metrics.py skyline); grace notes "
            "left out, ties joined",
            "bars": "non-empty measures as written (repeats not expanded)",
            "recurring_bars": "bars whose onsets, durations and successive intervals recur in "
            "another bar of the tune (transposition-invariant)",
            "pitch_range": "semitones",
            "mean_abs_interval": "semitones between successive melody notes",
            "mean_ioi": "quarter notes between successive onsets",
            "pitch_class_entropy": "bits, note-count histogram of the 12 pitch classes",
        },
        "tunes_in_corpus": len(paths),
        "skipped_under_min_notes": skipped,
    }
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in header.items()]
    lines.append('  "tunes": [')
    body = [f"    {json.dumps(r, ensure_ascii=False)}" for r in records]
    lines.append(",\n".join(body))
    lines += ["  ]", "}"]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(records)} tunes written to {output} ({len(skipped)} skipped) "
        f"in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
