"""Listen by measurement: render tracks with the fluidsynth command line and a General MIDI
SoundFont, and report how far the characters' melodies sit above the accompaniment, and any
silent stretches. Needs `fluidsynth` and a SoundFont (Debian: fluidsynth, fluid-soundfont-gm);
it is not part of the product or of CI.

    .venv/bin/python eval/mix_balance.py ALBUM_DIR [--soundfont SF2] [--tracks N ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import mido
import numpy as np

DEFAULT_SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
RATE = 22050


def render(midi: mido.MidiFile, soundfont: Path, folder: Path) -> np.ndarray:
    """Mono samples in [-1, 1] of ``midi`` rendered by fluidsynth."""
    source, target = folder / "part.mid", folder / "part.wav"
    midi.save(source)
    subprocess.run(
        ["fluidsynth", "-ni", "-F", str(target), "-r", str(RATE), "-g", "0.5",
         str(soundfont), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    with wave.open(str(target)) as audio:
        frames = np.frombuffer(audio.readframes(audio.getnframes()), dtype=np.int16)
    return frames.reshape(-1, 2).astype(float).mean(axis=1) / 32768


def subset(midi: mido.MidiFile, keep: set[str]) -> mido.MidiFile:
    """The conductor track plus the tracks named in ``keep``."""
    result = mido.MidiFile(type=1, ticks_per_beat=midi.ticks_per_beat, charset="utf-8")
    for index, track in enumerate(midi.tracks):
        name = next((m.name for m in track if m.type == "track_name"), "")
        if index == 0 or name in keep:
            result.tracks.append(track)
    return result


def decibels(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("album", type=Path)
    parser.add_argument("--soundfont", type=Path, default=DEFAULT_SOUNDFONT)
    parser.add_argument("--tracks", type=int, nargs="*", default=None)
    args = parser.parse_args()
    if shutil.which("fluidsynth") is None or not args.soundfont.is_file():
        raise SystemExit("needs the fluidsynth command and a SoundFont (--soundfont)")
    album = json.loads((args.album / "album.json").read_text(encoding="utf-8"))
    themed = {c["name"] for c in album["characters"]}
    print("track  state      melody-accomp dB  silent s (inside the track)")
    with tempfile.TemporaryDirectory() as folder:
        for track in album["tracks"]:
            if args.tracks and track["number"] not in args.tracks:
                continue
            midi = mido.MidiFile(args.album / track["files"]["midi"], charset="utf-8")
            names = {next((m.name for m in t if m.type == "track_name"), "") for t in midi.tracks}
            melody = render(subset(midi, names & themed), args.soundfont, Path(folder))
            accompaniment = render(subset(midi, names - themed), args.soundfont, Path(folder))
            full = render(midi, args.soundfont, Path(folder))
            seconds = [full[i : i + RATE] for i in range(0, len(full) - RATE, RATE)]
            silent = sum(np.sqrt(np.mean(s**2)) < 1e-3 for s in seconds[:-3])  # tail excluded
            state = (track["relationship"] or {}).get("state", "-")
            gap = decibels(melody) - decibels(accompaniment)
            print(f"{track['number']:5d}  {state:9s}  {gap:+16.1f}  {silent:4d}")


if __name__ == "__main__":
    main()
