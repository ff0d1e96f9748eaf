"""Time `storyscore compose` (no audio) on a novel beside a bare sentence-split + VADER pass.

Both run as whole processes, alternating, so start-up and imports count and the noise of a
shared machine falls on both alike; the figure to quote is the ratio. Peak memory is each
process's maximum resident set size.

    .venv/bin/python bench/compose_speed.py [STORY] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_STORY = REPO.parent / "shared" / "data" / "stories" / "pride-and-prejudice.txt"

BASELINE = """
import sys
from syntok import segmenter
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
text = open(sys.argv[1], encoding="utf-8-sig").read()
start = text.find("*** START OF")
end = text.find("*** END OF")
body = text[text.find("\\n", start) + 1 : end if end > 0 else None]
analyzer = SentimentIntensityAnalyzer()
count = 0
for paragraph in segmenter.process(body):
    for sentence in paragraph:
        analyzer.polarity_scores("".join(t.spacing + t.value for t in sentence))
        count += 1
print(count)
"""


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", nargs="?", type=Path, default=DEFAULT_STORY)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    compose_times, compose_memory, base_times, base_memory = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for run_index in range(args.runs):
            out = Path(folder) / f"album-{run_index}"
            seconds, memory = run(
                [
                    python,
                    "-m",
                    "storyscore.interfaces.cli",
                    "compose",
                    str(args.story),
                    "-o",
                    str(out),
                    "--quiet",
                ]
            )
            compose_times.append(seconds)
            compose_memory.append(memory)
            seconds, memory = run([python, "-c", BASELINE, str(args.story)])
            base_times.append(seconds)
            base_memory.append(memory)
    compose_s, base_s = statistics.median(compose_times), statistics.median(base_times)
    print(
        f"story: {args.story.name} ({args.story.stat().st_size / 1e6:.2f} MB), "
        f"{args.runs} runs each"
    )
    print(f"sentence split + VADER: {base_s:6.2f} s  peak {max(base_memory):6.0f} MiB")
    print(f"storyscore compose:     {compose_s:6.2f} s  peak {max(compose_memory):6.0f} MiB")
    print(
        f"ratio compose / baseline: {compose_s / base_s:.2f}x time, "
        f"{max(compose_memory) / max(base_memory):.2f}x memory"
    )


if __name__ == "__main__":
    main()
