"""Render a novel's whole album to audio and measure speed, loudness and peaks.

Composes the story (not timed), then times ``render_album_audio`` on all tracks' MIDI (synthesis,
mixing, album gain, encoding). Prints the audio length, the wall time, the real-time factor, the
album's integrated loudness, the highest true peak and how track loudness follows track arousal.
Where the ``fluidsynth`` command exists it renders the same MIDI files with the same SoundFont
(one process per track, as many at a time as workers) to WAV, and the ratio of the two wall
times is printed: above 1 means storyscore is faster.

    .venv/bin/python bench/audio.py [STORY] [--soundfont SF2] [--workers N] [--fmt flac]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import storyscore
from storyscore.ingest import read_story
from storyscore.render.audio import find_soundfont, loudness_arousal_correlation, render_album_audio
from storyscore.render.midi import track_to_midi

REPO = Path(__file__).resolve().parents[1]
DEFAULT_STORY = REPO.parent / "shared" / "data" / "stories" / "pride-and-prejudice.txt"


def fluidsynth_seconds(midis: list[bytes], soundfont: Path, workers: int) -> float:
    """Wall seconds for the fluidsynth command to render every track to a WAV file."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, midi in enumerate(midis, 1):
            path = Path(folder) / f"{number:02d}.mid"
            path.write_bytes(midi)
            paths.append(path)

        def render(path: Path) -> None:
            wav = str(path.with_suffix(".wav"))
            command = [
                "fluidsynth",
                "-ni",
                "-q",
                "-r",
                "44100",
                "-F",
                wav,
                str(soundfont),
                str(path),
            ]
            subprocess.run(command, check=True, capture_output=True)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(render, paths))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", nargs="?", type=Path, default=DEFAULT_STORY)
    parser.add_argument("--soundfont", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--fmt", default="flac")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    album = storyscore.compose(read_story(args.story), seed=args.seed)
    midis = [track_to_midi(track, album) for track in album.tracks]
    started = time.perf_counter()
    audio = render_album_audio(midis, soundfont=args.soundfont, fmt=args.fmt, workers=args.workers)
    wall = time.perf_counter() - started

    arousal = [track.plan.arousal for track in album.tracks]
    loudness = [track.loudness_lufs for track in audio.tracks]
    correlation = loudness_arousal_correlation(loudness, arousal)
    print(f"story: {args.story.name}, {len(midis)} tracks, workers {args.workers}, {args.fmt}")
    print(f"soundfont: {audio.soundfont.path} ({audio.soundfont.origin})")
    print(f"audio seconds:    {audio.seconds:8.1f}")
    print(f"wall seconds:     {wall:8.2f}")
    print(f"real-time factor: {audio.seconds / wall:8.1f}x")
    print(f"album gain:       {audio.gain_db:+8.2f} dB")
    print(f"album loudness:   {audio.loudness_lufs:8.2f} LUFS")
    print(f"max true peak:    {audio.true_peak_dbtp:8.2f} dBTP")
    deepest = max(track.limiter_db for track in audio.tracks)
    limited = sum(track.limiter_db > 0 for track in audio.tracks)
    print(f"tracks limited:   {limited:8d} (deepest {deepest:.1f} dB)")
    shown = "n/a" if correlation is None else f"{correlation:+.2f}"
    print(f"loudness ~ arousal (Pearson r over tracks): {shown}")
    for number, (track, level) in enumerate(zip(audio.tracks, arousal, strict=True), 1):
        lufs = "silent" if track.loudness_lufs is None else f"{track.loudness_lufs:6.2f} LUFS"
        print(f"  {number:2d}  {track.seconds:6.1f} s  {lufs}  {track.true_peak_dbtp:6.2f} dBTP"
              f"  arousal {level:+.2f}")  # fmt: skip
    if shutil.which("fluidsynth"):
        font = find_soundfont(args.soundfont).path
        other = fluidsynth_seconds(midis, font, args.workers)
        print(f"fluidsynth CLI (same MIDI, {font.name}, WAV): {other:.2f} s wall, "
              f"{audio.seconds / other:.1f}x real time; ratio fluidsynth / storyscore "
              f"{other / wall:.2f}")  # fmt: skip
    else:
        print("fluidsynth CLI: not installed (apt-get install fluidsynth to compare)")


if __name__ == "__main__":
    main()
