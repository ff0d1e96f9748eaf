"""The whole analysis of a novel (decode, Gutenberg frame, chapters, sentences, cast, emotion,
arc, segments, relationships) beside a bare syntok sentence split + VADER pass over the same
file, in one process, alternating, after imports; the figure to quote is the ratio.

    .venv/bin/python bench/analysis_speed.py [STORY] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from syntok import segmenter
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from storyscore.analysis.analyze import analyze_document
from storyscore.ingest import read_story

REPO = Path(__file__).resolve().parents[1]
DEFAULT_STORY = REPO.parent / "shared" / "data" / "stories" / "pride-and-prejudice.txt"


def bare_pass(path: Path, analyzer: SentimentIntensityAnalyzer) -> int:
    """Read, cut the Gutenberg frame crudely, split sentences, score each with VADER."""
    text = path.read_text(encoding="utf-8-sig")
    start, end = text.find("*** START OF"), text.find("*** END OF")
    body = text[text.find("\n", start) + 1 : end if end > 0 else None]
    count = 0
    for paragraph in segmenter.process(body):
        for sentence in paragraph:
            analyzer.polarity_scores("".join(t.spacing + t.value for t in sentence))
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", nargs="?", type=Path, default=DEFAULT_STORY)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    analyzer = SentimentIntensityAnalyzer()
    analyze_document(read_story(args.story))  # warm: model files loaded once per process
    bare, full = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        bare_pass(args.story, analyzer)
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        analyze_document(read_story(args.story))
        full.append(time.perf_counter() - started)
    bare_s, full_s = statistics.median(bare), statistics.median(full)
    print(f"story: {args.story.name}, {args.runs} runs each, medians")
    print(f"bare sentence split + VADER: {bare_s:.2f} s")
    print(f"storyscore analysis:         {full_s:.2f} s")
    print(f"ratio: {full_s / bare_s:.2f}x (issue 3 asks for at most 1.5x)")


if __name__ == "__main__":
    main()
