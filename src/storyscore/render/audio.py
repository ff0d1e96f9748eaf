"""Album audio: each track's MIDI played through a SoundFont, mixed, and levelled as one album.

The synthesiser is symusic's (``storyscore[audio]``, pip-only, no system library). It plays
notes but reads no controllers and uses velocity only to pick a sample, so this module renders
each distinct note once and does the mixing itself, as a General MIDI player would: velocity,
channel volume (CC7) and expression (CC11, the track's level) as gain, pan (CC10) as a
constant-power position, the reverb send (CC91) into one convolution reverb. Melodic notes get
a short release after their note-off, drum notes ring out (receivers ignore note-off on the
drum channel), and each track ends with the reverb ringing for :data:`TAIL_SECONDS` and a
short fade, so no note is cut.

Loudness is set for the album as a whole (ITU-R BS.1770 as measured by pyloudnorm): one gain
brings the album's integrated loudness to :data:`TARGET_LUFS`, so a quiet, sad track stays
quieter than a loud climax. A track whose true peak (4x oversampled) would then pass
:data:`CEILING_DBTP` goes through a look-ahead limiter, and only that track; the loudness the
limiter takes away is measured and made up once (see :func:`_album_gain`).

Tracks render in parallel, one process per core; the result is the same bytes for the same
MIDI and SoundFont whatever the number of workers. The heavy libraries (symusic, numpy,
scipy, soundfile, pyloudnorm) are imported inside the functions that use them, so that
``import storyscore`` stays light.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import statistics
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from storyscore._optional import require
from storyscore.errors import RenderError
from storyscore.random_source import derive

if TYPE_CHECKING:
    import numpy as np

AUDIO_EXTRA = "audio"
SAMPLE_RATE = 44_100
FORMATS = {"flac": ("FLAC", "PCM_16"), "ogg": ("OGG", "VORBIS"), "mp3": ("MP3", "MPEG_LAYER_III")}

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0
# The limiter aims below the ceiling because it works on samples: the peaks between samples
# of a limited track come out up to about half a decibel higher.
LIMITER_TARGET_DBFS = -1.5
LIMITER_WINDOW_SECONDS = 0.005  # gain falls over 10 ms before a peak, recovers over 10 ms
MAX_LIMITER_DB = 10.0  # beyond this the album gain is lowered instead
ROUNDING_MARGIN_DB = 0.02  # a trimmed peak stays under the ceiling after 16-bit rounding
ABSOLUTE_GATE_LUFS = -70.0  # ITU-R BS.1770-4 gating
RELATIVE_GATE_LU = -10.0

RELEASE_SECONDS = 0.3  # a melodic note dies away to -60 dB over this time after its note-off
DRUM_RING_SECONDS = 1.5  # a drum hit plays its sample up to this long
NOTE_END_FADE_SECONDS = 0.005  # no click where a rendered note stops
TAIL_SECONDS = 2.0  # after the last note-off, before the file ends
FADE_SECONDS = 0.5  # the last part of the tail fades to silence

REVERB_SECONDS = 2.0
REVERB_PREDELAY_SECONDS = 0.012
REVERB_ONSET_SECONDS = 0.005  # the impulse fades in, so the reverb does not click
REVERB_CROSSOVER_HZ = 2500.0
REVERB_LOW_RT60 = 1.8  # low frequencies ring longer than high ones, as in a hall
REVERB_HIGH_RT60 = 0.6
REVERB_LEVEL = 0.6  # wet level for a full send (CC91 = 127), the impulse having unit energy
REVERB_FFT_SIZE = 1 << 18

# General MIDI defaults where a part sets no controller.
DEFAULT_VOLUME, DEFAULT_EXPRESSION, DEFAULT_PAN, DEFAULT_REVERB = 100, 127, 64, 40
VOLUME_CC, EXPRESSION_CC, PAN_CC, REVERB_CC = 7, 11, 10, 91

TRUE_PEAK_OVERSAMPLING = 4
TRUE_PEAK_TAPS = 48  # 12 per phase, as in ITU-R BS.1770-4 Annex 2
TRUE_PEAK_BLOCK = 2048
TRUE_PEAK_BATCH = 64

WRITE_BLOCK_FRAMES = 65_536  # libsndfile's Vorbis encoder crashes on one very large write
OGG_SERIAL = 0x53545259  # "STRY": libsndfile would pick a time-seeded random stream serial

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_SOUNDFONT = DATA_DIR / "sf_GMbank.sf2"
SYSTEM_SOUNDFONT_DIRS = (
    Path("/usr/share/sounds/sf2"),
    Path("/usr/share/sounds/sf3"),
    Path("/usr/share/soundfonts"),
)
# Better General MIDI fonts that Linux distributions install, best first.
SYSTEM_SOUNDFONT_NAMES = ("FluidR3_GM.sf2", "MuseScore_General*.sf2", "MuseScore_General*.sf3")


@dataclass(frozen=True, slots=True)
class SoundFont:
    """The SoundFont an album is played with, and where it came from."""

    path: Path
    origin: Literal["given", "system", "bundled"]

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True)
class TrackAudio:
    """One encoded track and its measured level after the album gain (and limiter, if any).

    ``loudness_lufs`` is None for a track too quiet to measure (below the -70 LUFS gate);
    ``limiter_db`` is the deepest gain reduction of the limiter (with the trim, a fraction of a
    decibel, that keeps its peaks between samples under the ceiling), 0.0 where it did not act.
    """

    data: bytes
    seconds: float
    loudness_lufs: float | None
    true_peak_dbtp: float
    limiter_db: float


@dataclass(frozen=True, slots=True)
class AlbumAudio:
    """The album's tracks as audio files, in track order, with the album's level."""

    tracks: tuple[TrackAudio, ...]
    fmt: str
    soundfont: SoundFont
    gain_db: float
    loudness_lufs: float
    true_peak_dbtp: float

    @property
    def extension(self) -> str:
        return self.fmt

    @property
    def seconds(self) -> float:
        return sum(track.seconds for track in self.tracks)


def find_soundfont(
    path: str | os.PathLike[str] | None = None,
    *,
    system_dirs: Sequence[Path] = SYSTEM_SOUNDFONT_DIRS,
) -> SoundFont:
    """The SoundFont to play: ``path`` if given, else a better system font, else the bundled one.

    Raises
    ------
    RenderError
        If ``path`` is given but is not a file.
    """
    if path is not None:
        given = Path(path)
        if not given.is_file():
            raise RenderError(
                f"SoundFont {given} does not exist; pass the path of a .sf2 or .sf3 file"
            )
        return SoundFont(given, "given")
    for pattern in SYSTEM_SOUNDFONT_NAMES:
        for folder in system_dirs:
            for candidate in sorted(folder.glob(pattern)):
                if candidate.is_file():
                    return SoundFont(candidate, "system")
    return SoundFont(BUNDLED_SOUNDFONT, "bundled")


def render_album_audio(
    midis: Sequence[bytes],
    *,
    soundfont: str | os.PathLike[str] | None = None,
    fmt: str = "flac",
    workers: int | None = None,
) -> AlbumAudio:
    """Play the album's tracks (Standard MIDI Files) and encode them, levelled as one album.

    Parameters
    ----------
    midis
        Each track's MIDI bytes, in track order (``track_to_midi``).
    soundfont
        A .sf2 or .sf3 file; by default a system General MIDI font where one is installed,
        else the one bundled with storyscore (see :func:`find_soundfont`).
    fmt
        ``"flac"`` (16-bit), ``"ogg"`` (Vorbis) or ``"mp3"``; stereo, 44.1 kHz.
    workers
        Processes that render tracks side by side; default: one per core.

    Raises
    ------
    MissingDependencyError
        If the ``audio`` extra is not installed.
    RenderError
        If the SoundFont is missing or unreadable, a MIDI file cannot be read, the format is
        unknown, or the album makes no sound.
    """
    if fmt not in FORMATS:
        raise RenderError(f"unknown audio format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not midis:
        raise RenderError("the album has no tracks to play; compose at least one track")
    for module in ("numpy", "scipy", "soundfile", "pyloudnorm", "symusic"):
        require(module, extra=AUDIO_EXTRA)
    font = find_soundfont(soundfont)
    check_soundfont(font.path)
    _reverb_spectrum()  # computed once, before worker processes are forked from this one
    with (
        tempfile.TemporaryDirectory(prefix="storyscore-audio-") as folder,
        _mapper(workers, len(midis)) as map_in_order,
    ):
        jobs = [(number, midi, str(font.path), folder) for number, midi in enumerate(midis, 1)]
        mixes = map_in_order(_mix_track, jobs)
        gain_db = _album_gain(mixes, map_in_order, font)
        finished = map_in_order(_finish_track, [(mix, gain_db, fmt) for mix in mixes])
    tracks = tuple(track for track, _ in finished)
    return AlbumAudio(
        tracks=tracks,
        fmt=fmt,
        soundfont=font,
        gain_db=gain_db,
        loudness_lufs=_audible(album_loudness([blocks for _, blocks in finished]), font),
        true_peak_dbtp=max(track.true_peak_dbtp for track in tracks),
    )


def _album_gain(
    mixes: Sequence[_Mixed],
    map_in_order: Callable[[Callable[[Any], Any], list[Any]], list[Any]],
    font: SoundFont,
) -> float:
    """The one gain that brings the album to the target loudness.

    Tracks whose true peak the gain would push past the ceiling are limited. Limiting takes a
    little loudness away (with piano or drums, nearly as much as it takes off the peaks), so
    the album is measured once more with those tracks limited and the gain raised by what is
    missing. No track is limited by more than :data:`MAX_LIMITER_DB`: rather than crush
    isolated drum hits, the gain stays lower and the album comes out quieter than the target.
    """
    loudness = _audible(album_loudness([mix.blocks for mix in mixes]), font)
    most = min(CEILING_DBTP + MAX_LIMITER_DB - mix.true_peak_dbtp for mix in mixes)
    gain_db = min(TARGET_LUFS - loudness, most)
    limited = [mix for mix in mixes if mix.true_peak_dbtp + gain_db > CEILING_DBTP]
    if not limited:
        return gain_db
    limited_blocks = map_in_order(_limited_blocks, [(mix, gain_db) for mix in limited])
    blocks = [mix.blocks + gain_db for mix in mixes if mix.true_peak_dbtp + gain_db <= CEILING_DBTP]
    shortfall = TARGET_LUFS - _audible(album_loudness([*blocks, *limited_blocks]), font)
    return min(gain_db + max(shortfall, 0.0), most)


def _audible(loudness: float | None, font: SoundFont) -> float:
    if loudness is None:
        raise RenderError(
            f"the album is silent when played with {font.name}; "
            "pass a General MIDI SoundFont with --soundfont"
        )
    return loudness


def album_loudness(block_loudness: Sequence[np.ndarray]) -> float | None:
    """Integrated loudness (LUFS) of tracks played one after another, from their gating blocks.

    ITU-R BS.1770-4 gates 400 ms blocks: an absolute gate at -70 LUFS, then a relative gate
    10 LU below the loudness of the blocks that passed it. Pooling the blocks of all tracks is
    the album's loudness, the figure an album gain aims at. None if every block is silent.
    """
    import numpy as np

    blocks = np.concatenate([np.asarray(track, dtype=np.float64) for track in block_loudness])
    power = np.power(10.0, (blocks + 0.691) / 10.0)
    audible = blocks >= ABSOLUTE_GATE_LUFS
    if not audible.any():
        return None
    relative_gate = _lufs(float(power[audible].mean())) + RELATIVE_GATE_LU
    gated = audible & (blocks > relative_gate)
    return _lufs(float(power[gated].mean()))


def true_peak_dbtp(audio: np.ndarray) -> float:
    """True peak (dBTP) of ``audio`` (channels x frames), oversampled 4x (ITU-R BS.1770-4).

    An oversampled value is at most the interpolation filter's largest gain times the samples
    around it, so blocks are oversampled loudest first, a batch at a time, until no block left
    could hold a higher peak: the result is that of oversampling everything, for less work.
    Silence outside the signal is assumed, as a player would play it.
    """
    import numpy as np
    from scipy.signal import upfirdn

    taps, bound = _true_peak_filter()
    channels, frames = audio.shape
    if frames == 0 or not np.any(audio):
        return -math.inf
    blocks = -(-frames // TRUE_PEAK_BLOCK)
    margin = len(taps) // TRUE_PEAK_OVERSAMPLING  # input samples each output depends on
    padded = np.zeros((channels, blocks * TRUE_PEAK_BLOCK + 2 * margin), dtype=np.float32)
    padded[:, margin : margin + frames] = audio
    inner = np.abs(padded[:, margin : margin + blocks * TRUE_PEAK_BLOCK]).max(axis=0)
    block_peaks = inner.reshape(blocks, TRUE_PEAK_BLOCK).max(axis=1)
    order = np.argsort(-block_peaks, kind="stable")
    window = TRUE_PEAK_BLOCK + 2 * margin
    offsets = np.arange(window)
    highest = 0.0
    for first in range(0, blocks, TRUE_PEAK_BATCH):
        batch = order[first : first + TRUE_PEAK_BATCH]
        if block_peaks[batch[0]] * bound <= highest:
            break
        windows = padded[:, batch[:, None] * TRUE_PEAK_BLOCK + offsets].transpose(1, 0, 2)
        oversampled = upfirdn(taps, windows, up=TRUE_PEAK_OVERSAMPLING, axis=-1)
        # Only outputs that saw every tap are exact; they cover each block and its margin.
        exact = oversampled[..., len(taps) - 1 : TRUE_PEAK_OVERSAMPLING * window]
        highest = max(highest, float(np.abs(exact).max()))
    return 20.0 * math.log10(highest)


def loudness_arousal_correlation(
    loudness_lufs: Sequence[float | None], arousal: Sequence[float]
) -> float | None:
    """Pearson r between the tracks' loudness and their arousal (tracks with a loudness).

    None when fewer than three tracks can be compared or either series does not vary.
    """
    pairs = [(lufs, a) for lufs, a in zip(loudness_lufs, arousal, strict=True) if lufs is not None]
    if len(pairs) < 3:
        return None
    levels, arousals = zip(*pairs, strict=True)
    if len(set(levels)) < 2 or len(set(arousals)) < 2:
        return None
    return statistics.correlation(levels, arousals)


def check_soundfont(path: Path) -> None:
    """Make sure ``path`` is a SoundFont (2 or 3) whose tables point inside the file.

    symusic trusts a font's tables: a truncated or damaged font can make it read past the
    sample data or loop forever on an empty loop, so a font is checked before it is played.

    Raises
    ------
    RenderError
        If the file cannot be read or is not a sound SoundFont.
    """
    try:
        with path.open("rb") as file:
            header = file.read(12)
            size = path.stat().st_size
            if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"sfbk":
                _bad_soundfont(path, "it is not a SoundFont (no RIFF sfbk header)")
            if struct.unpack_from("<I", header, 4)[0] + 8 > size:
                _bad_soundfont(path, "the file is truncated")
            lists = _riff_lists(file, size)
            if not {"INFO", "sdta", "pdta"} <= set(lists):
                _bad_soundfont(path, "the INFO, sdta or pdta part is missing")
            sample_bytes = _sample_data_bytes(file, *lists["sdta"])
            tables = _read_tables(file, *lists["pdta"])
    except OSError as exc:
        raise RenderError(
            f"SoundFont {path} cannot be read ({exc.strerror}); check the file"
        ) from exc
    problem = _table_problem(tables, sample_bytes)
    if problem:
        _bad_soundfont(path, problem)


# --- rendering one track (runs in a worker process) --------------------------------------


@dataclass(frozen=True, slots=True)
class _Mixed:
    """A track mixed at unity gain, with what the album gain needs to know about it.

    The audio waits in a file (float32, channels x frames) rather than travelling between
    processes, so that a long album is not held in memory twice over.
    """

    number: int
    path: str
    loudness_lufs: float | None
    blocks: np.ndarray  # BS.1770 block loudness, LUFS
    true_peak_dbtp: float


def _mix_track(job: tuple[int, bytes, str, str]) -> _Mixed:
    """Play one track's MIDI: notes from the SoundFont, mixed by the parts' controllers."""
    import numpy as np
    import symusic

    number, midi, font_path, folder = job
    try:
        score = symusic.Score.from_midi(midi, ttype="second")
    except (RuntimeError, ValueError) as exc:
        raise RenderError(
            f"the MIDI of track {number} cannot be read ({exc}); render it again"
        ) from exc
    try:
        synth = symusic.Synthesizer(sf_path=font_path, sample_rate=SAMPLE_RATE, quality=0)
    except RuntimeError as exc:
        raise RenderError(
            f"SoundFont {font_path} cannot be loaded ({exc}); pass another with --soundfont"
        ) from exc
    frames = _frames(score.end() + TAIL_SECONDS)
    dry = np.zeros((2, frames), dtype=np.float32)
    send = np.zeros(frames, dtype=np.float32)
    rendered: dict[tuple[int, bool, int, int, int], np.ndarray] = {}
    for part in score.tracks:
        if not len(part.notes):
            continue
        notes = part.notes.numpy()
        volume, expression, pan, reverb = _part_controls(part, float(notes["time"].min()))
        # GM: channel volume and expression in dB are each 40 log10(value / 127)
        volume_gain = (volume / 127.0) ** 2 * (expression / 127.0) ** 2
        left, right = _pan_gains(pan)
        reverb_send = volume_gain * reverb / 127.0 / 2.0  # half of left plus right
        for start, duration, pitch, velocity in zip(
            notes["time"], notes["duration"], notes["pitch"], notes["velocity"], strict=True
        ):
            key = (part.program, part.is_drum, int(pitch), int(velocity), _frames(duration))
            if key not in rendered:
                rendered[key] = _note_audio(synth, *key, font_path=font_path)
            audio = rendered[key]
            first = _frames(start)
            length = min(audio.shape[1], frames - first)
            window = slice(first, first + length)
            dry[0, window] += audio[0, :length] * (volume_gain * left)
            dry[1, window] += audio[1, :length] * (volume_gain * right)
            send[window] += (audio[0, :length] + audio[1, :length]) * reverb_send
    mixed = dry + _reverb(send)
    fade = _frames(FADE_SECONDS)
    mixed[:, frames - fade :] *= (0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(
        np.float32
    )
    loudness_lufs, blocks = _measure_loudness(mixed)
    path = str(Path(folder) / f"{number:03d}.npy")
    np.save(path, mixed)
    return _Mixed(number, path, loudness_lufs, blocks, true_peak_dbtp(mixed))


def _note_audio(
    synth: Any,
    program: int,
    is_drum: bool,
    pitch: int,
    velocity: int,
    frames: int,
    *,
    font_path: str,
) -> np.ndarray:
    """One note, stereo float32, at its velocity's gain, with its release and no end click."""
    import numpy as np
    from symusic import core

    length = _frames(DRUM_RING_SECONDS) if is_drum else frames + _frames(RELEASE_SECONDS)
    score = core.ScoreSecond(480)  # ticks per quarter: unused, the score counts seconds
    track = core.TrackSecond("", program, is_drum)
    track.notes.append(core.NoteSecond(0.0, length / SAMPLE_RATE, pitch, velocity))
    score.tracks.append(track)
    audio = np.asarray(synth.render(score, stereo=True), dtype=np.float32)[:, :length]
    if not np.isfinite(audio).all():
        raise RenderError(
            f"SoundFont {font_path} gives broken audio for program {program}; "
            "pass another with --soundfont"
        )
    envelope = np.ones(audio.shape[1], dtype=np.float32)
    if not is_drum and audio.shape[1] > frames:
        after_note_off = np.arange(audio.shape[1] - frames, dtype=np.float32)
        envelope[frames:] = np.power(10.0, -3.0 * after_note_off / _frames(RELEASE_SECONDS))
    end_fade = min(_frames(NOTE_END_FADE_SECONDS), audio.shape[1])
    envelope[audio.shape[1] - end_fade :] *= np.linspace(1.0, 0.0, end_fade, dtype=np.float32)
    velocity_gain = (velocity / 127.0) ** 2  # the SoundFont 2 default velocity curve
    return audio * (envelope * np.float32(velocity_gain))


def _part_controls(part: Any, first_note: float) -> tuple[int, int, int, int]:
    """Volume, expression, pan and reverb send in force when the part's first note sounds."""
    settings = {
        VOLUME_CC: DEFAULT_VOLUME,
        EXPRESSION_CC: DEFAULT_EXPRESSION,
        PAN_CC: DEFAULT_PAN,
        REVERB_CC: DEFAULT_REVERB,
    }
    for control in sorted(part.controls, key=lambda control: control.time):
        if control.time > first_note:
            break
        if control.number in settings:
            settings[control.number] = control.value
    return settings[VOLUME_CC], settings[EXPRESSION_CC], settings[PAN_CC], settings[REVERB_CC]


def _pan_gains(pan: int) -> tuple[float, float]:
    """Constant-power pan: centre leaves both sides at unity, hard left doubles the power left."""
    position = min(max((pan - 64) / 63.0, -1.0), 1.0)
    angle = (position + 1.0) * math.pi / 4.0
    return math.sqrt(2.0) * math.cos(angle), math.sqrt(2.0) * math.sin(angle)


def _reverb(send: np.ndarray) -> np.ndarray:
    """The reverb bus: ``send`` convolved with the stereo hall impulse (overlap-add)."""
    import numpy as np
    from scipy import fft

    spectrum, impulse_frames = _reverb_spectrum()
    hop = REVERB_FFT_SIZE - impulse_frames + 1
    frames = send.shape[0]
    wet = np.zeros((2, frames + REVERB_FFT_SIZE), dtype=np.float32)
    for start in range(0, frames, hop):
        block = fft.rfft(send[start : start + hop], REVERB_FFT_SIZE)
        wet[:, start : start + REVERB_FFT_SIZE] += fft.irfft(block * spectrum, REVERB_FFT_SIZE)
    return wet[:, :frames]


@cache
def _reverb_spectrum() -> tuple[np.ndarray, int]:
    """Spectrum of a stereo hall impulse: decaying noise, lows ringing longer than highs.

    The noise comes from the project's seeded source, so the hall is the same on every run.
    """
    import numpy as np
    from scipy import fft
    from scipy.signal import butter, sosfilt

    frames = _frames(REVERB_SECONDS)
    rng = np.random.default_rng(derive(0, "audio", "reverb").getrandbits(64))
    noise = rng.standard_normal((2, frames))
    crossover = butter(2, REVERB_CROSSOVER_HZ, fs=SAMPLE_RATE, output="sos")
    low = sosfilt(crossover, noise, axis=1)
    seconds = np.arange(frames) / SAMPLE_RATE
    impulse = low * np.power(10.0, -3.0 * seconds / REVERB_LOW_RT60) + (noise - low) * np.power(
        10.0, -3.0 * seconds / REVERB_HIGH_RT60
    )
    predelay = _frames(REVERB_PREDELAY_SECONDS)
    impulse[:, :predelay] = 0.0
    onset = _frames(REVERB_ONSET_SECONDS)
    impulse[:, predelay : predelay + onset] *= np.linspace(0.0, 1.0, onset)
    impulse /= np.sqrt((impulse**2).sum(axis=1, keepdims=True))
    spectrum = fft.rfft((impulse * REVERB_LEVEL).astype(np.float32), REVERB_FFT_SIZE, axis=1)
    return spectrum, frames


def _measure_loudness(audio: np.ndarray) -> tuple[float | None, np.ndarray]:
    """Integrated loudness (None if below the gate) and the 400 ms block loudness of a track.

    pyloudnorm weights and measures each channel on its own (its filters run several times
    faster on one contiguous channel than on interleaved stereo); a stereo block's loudness
    adds the channels' powers, as BS.1770 does with both channel weights at 1.
    """
    import numpy as np
    import pyloudnorm

    power = 0.0
    for channel in audio:
        meter = pyloudnorm.Meter(SAMPLE_RATE)
        meter.integrated_loudness(channel.astype(np.float64))
        channel_blocks = np.asarray(meter.blockwise_loudness, dtype=np.float64)
        power = power + np.power(10.0, (channel_blocks + 0.691) / 10.0)
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10.0 * np.log10(power)
    return album_loudness([blocks]), blocks


# --- levelling and encoding one track (runs in a worker process) -------------------------


def _finish_track(job: tuple[_Mixed, float, str]) -> tuple[TrackAudio, np.ndarray]:
    """Apply the album gain, limit the track only if its peaks would pass the ceiling, encode."""
    import numpy as np

    mix, gain_db, fmt = job
    if mix.true_peak_dbtp + gain_db <= CEILING_DBTP:
        audio = np.load(mix.path) * np.float32(10.0 ** (gain_db / 20.0))
        loudness = None if mix.loudness_lufs is None else mix.loudness_lufs + gain_db
        blocks, true_peak, limiter_db = mix.blocks + gain_db, mix.true_peak_dbtp + gain_db, 0.0
    else:
        audio, limiter_db, true_peak = _limited(mix, gain_db)
        loudness, blocks = _measure_loudness(audio)
    track = TrackAudio(
        data=_encode(audio, fmt),
        seconds=audio.shape[1] / SAMPLE_RATE,
        loudness_lufs=loudness,
        true_peak_dbtp=true_peak,
        limiter_db=limiter_db,
    )
    return track, blocks


def _limited_blocks(job: tuple[_Mixed, float]) -> np.ndarray:
    """Block loudness of a track after the gain and the limiter (to measure what was lost)."""
    audio, _, _ = _limited(*job)
    return _measure_loudness(audio)[1]


def _limited(mix: _Mixed, gain_db: float) -> tuple[np.ndarray, float, float]:
    """The track at ``gain_db``, limited: audio, deepest gain reduction (dB), true peak (dBTP)."""
    import numpy as np

    audio, limiter_db = _limit(np.load(mix.path) * np.float32(10.0 ** (gain_db / 20.0)))
    true_peak = true_peak_dbtp(audio)
    if true_peak > CEILING_DBTP - ROUNDING_MARGIN_DB:  # a peak the limiter could not see
        trim_db = true_peak - (CEILING_DBTP - ROUNDING_MARGIN_DB)
        audio *= np.float32(10.0 ** (-trim_db / 20.0))
        limiter_db += trim_db
        true_peak = true_peak_dbtp(audio)
    return audio, limiter_db, true_peak


def _limit(audio: np.ndarray) -> tuple[np.ndarray, float]:
    """Look-ahead peak limiter: the gain dips smoothly around each peak above the target.

    The gain needed at each frame is held at its minimum over a window either side, then
    averaged over a window of the same width; the average around a peak only takes values at
    or below what that peak needs, so every frame ends up at or below the target.
    """
    import numpy as np
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    target = 10.0 ** (LIMITER_TARGET_DBFS / 20.0)
    magnitude = np.abs(audio).max(axis=0)
    needed = np.minimum(1.0, target / np.maximum(magnitude, 1e-12)).astype(np.float32)
    width = 2 * _frames(LIMITER_WINDOW_SECONDS) + 1
    held = minimum_filter1d(needed, width, mode="nearest")
    gain = uniform_filter1d(held, width, mode="nearest")
    deepest = float(gain.min())
    return audio * gain, -20.0 * math.log10(deepest)


def _encode(audio: np.ndarray, fmt: str) -> bytes:
    """The stereo file in ``fmt``, written in blocks (one huge Vorbis write crashes libsndfile)."""
    import numpy as np
    import soundfile

    container, subtype = FORMATS[fmt]
    buffer = io.BytesIO()
    with soundfile.SoundFile(
        buffer, "w", SAMPLE_RATE, audio.shape[0], subtype=subtype, format=container
    ) as out:
        for start in range(0, audio.shape[1], WRITE_BLOCK_FRAMES):
            out.write(np.ascontiguousarray(audio[:, start : start + WRITE_BLOCK_FRAMES].T))
    data = buffer.getvalue()
    return _with_fixed_ogg_serial(data) if container == "OGG" else data


# Ogg pages carry a CRC-32 with polynomial 0x04C11DB7, no reflection, no initial or final XOR.
# zlib computes the reflected form, so bytes go in bit-reversed and the result comes out so.
_BIT_REVERSED = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def _ogg_crc(page: bytes) -> int:
    reflected = zlib.crc32(page.translate(_BIT_REVERSED), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{reflected:032b}"[::-1], 2)


def _with_fixed_ogg_serial(data: bytes) -> bytes:
    """The Ogg file with a fixed stream serial (and each page's CRC updated to match)."""
    pages = bytearray(data)
    position = 0
    while position < len(pages):
        if pages[position : position + 4] != b"OggS":
            raise RenderError("the Ogg encoder wrote an unexpected page; write FLAC instead")
        segments = pages[position + 26]
        body = sum(pages[position + 27 : position + 27 + segments])
        end = position + 27 + segments + body
        pages[position + 14 : position + 18] = OGG_SERIAL.to_bytes(4, "little")
        pages[position + 22 : position + 26] = bytes(4)
        crc = _ogg_crc(bytes(pages[position:end]))
        pages[position + 22 : position + 26] = crc.to_bytes(4, "little")
        position = end
    return bytes(pages)


# --- small helpers ------------------------------------------------------------------------


def _frames(seconds: float) -> int:
    return round(float(seconds) * SAMPLE_RATE)


def _lufs(power: float) -> float:
    return -0.691 + 10.0 * math.log10(power)


@cache
def _true_peak_filter() -> tuple[np.ndarray, float]:
    """The 4x interpolation filter and its largest gain on any input (the worst phase)."""
    import numpy as np
    from scipy.signal import firwin

    taps = TRUE_PEAK_OVERSAMPLING * firwin(TRUE_PEAK_TAPS, 1.0 / TRUE_PEAK_OVERSAMPLING)
    bound = max(
        float(np.abs(taps[phase::TRUE_PEAK_OVERSAMPLING]).sum())
        for phase in range(TRUE_PEAK_OVERSAMPLING)
    )
    return taps.astype(np.float32), bound


@contextmanager
def _mapper(
    workers: int | None, jobs: int
) -> Iterator[Callable[[Callable[[Any], Any], list[Any]], list[Any]]]:
    """A function that maps jobs in order: in this process for one worker, else in a pool."""
    count = min(workers or os.cpu_count() or 1, jobs)
    if count <= 1:
        yield lambda function, items: [function(item) for item in items]
        return
    with ProcessPoolExecutor(max_workers=count) as pool:
        yield lambda function, items: list(pool.map(function, items))


# --- SoundFont structure ------------------------------------------------------------------

# pdta sub-chunks in order, with their record sizes (SoundFont 2.04, section 7).
PDTA_RECORDS = (
    ("phdr", 38), ("pbag", 4), ("pmod", 10), ("pgen", 4),
    ("inst", 22), ("ibag", 4), ("imod", 10), ("igen", 4), ("shdr", 46),
)  # fmt: skip
INSTRUMENT_GENERATOR, SAMPLE_ID_GENERATOR, SAMPLE_MODES_GENERATOR = 41, 53, 54
COMPRESSED_SAMPLE = 0x10  # SoundFont 3: the sample is an Ogg Vorbis stream


def _bad_soundfont(path: Path, problem: str) -> NoReturn:
    raise RenderError(
        f"SoundFont {path} is damaged or not a SoundFont ({problem}); "
        "pass a good .sf2 or .sf3 file with --soundfont"
    )


def _chunks(file: Any, start: int, stop: int) -> list[tuple[str, int, int]]:
    """Id, offset and size of the contents of each RIFF chunk between ``start`` and ``stop``.

    A chunk of odd size is followed by a zero pad byte, except in the SoundFont 3 files
    MuseScore writes, so a pad is skipped only where there is one. A chunk that runs past
    ``stop`` (a truncated file) ends the list.
    """
    chunks = []
    position = start
    while position + 8 <= stop:
        file.seek(position)
        chunk_id, chunk_size = struct.unpack("<4sI", file.read(8))
        if position + 8 + chunk_size > stop:
            break
        chunks.append((chunk_id.decode("latin-1"), position + 8, chunk_size))
        position += 8 + chunk_size
        if chunk_size & 1:
            file.seek(position)
            position += file.read(1) == b"\0"
    return chunks


def _riff_lists(file: Any, size: int) -> dict[str, tuple[int, int]]:
    """Offset and size of each top-level LIST chunk's contents, by list type."""
    lists: dict[str, tuple[int, int]] = {}
    for chunk_id, offset, chunk_size in _chunks(file, 12, size):
        if chunk_id == "LIST" and chunk_size >= 4:
            file.seek(offset)
            lists[file.read(4).decode("latin-1")] = (offset + 4, chunk_size - 4)
    return lists


def _sub_chunks(file: Any, offset: int, size: int) -> dict[str, tuple[int, int]]:
    return {
        chunk_id: (start, length)
        for chunk_id, start, length in _chunks(file, offset, offset + size)
    }


def _sample_data_bytes(file: Any, offset: int, size: int) -> int:
    chunks = _sub_chunks(file, offset, size)
    return chunks["smpl"][1] if "smpl" in chunks else 0


def _read_tables(file: Any, offset: int, size: int) -> dict[str, bytes]:
    chunks = _sub_chunks(file, offset, size)
    tables = {}
    for name, record in PDTA_RECORDS:
        if name not in chunks:
            continue
        start, length = chunks[name]
        if length % record:
            continue
        file.seek(start)
        tables[name] = file.read(length)
    return tables


def _table_problem(tables: dict[str, bytes], sample_bytes: int) -> str | None:
    """What is wrong with a font's preset tables, or None if every index points inside."""
    missing = [name for name, _ in PDTA_RECORDS if name not in tables]
    if missing:
        return f"its {', '.join(missing)} table is missing or malformed"
    if sample_bytes == 0:
        return "it holds no sample data"
    presets = list(struct.iter_unpack("<20sHHHIII", tables["phdr"]))
    preset_bags = [bag for bag, _ in struct.iter_unpack("<HH", tables["pbag"])]
    preset_generators = list(struct.iter_unpack("<Hh", tables["pgen"]))
    instruments = list(struct.iter_unpack("<20sH", tables["inst"]))
    instrument_bags = [bag for bag, _ in struct.iter_unpack("<HH", tables["ibag"])]
    instrument_generators = list(struct.iter_unpack("<Hh", tables["igen"]))
    samples = list(struct.iter_unpack("<20sIIIIIBbHH", tables["shdr"]))
    if len(presets) < 2 or len(instruments) < 2 or len(samples) < 2:
        return "it has no presets, instruments or samples"
    checks = (
        (_ascending_within([p[3] for p in presets], len(preset_bags)), "preset zones"),
        (_ascending_within(preset_bags, len(preset_generators)), "preset generators"),
        (_ascending_within([i[1] for i in instruments], len(instrument_bags)), "instrument zones"),
        (_ascending_within(instrument_bags, len(instrument_generators)), "instrument generators"),
    )
    for ok, what in checks:
        if not ok:
            return f"its {what} point outside their table"
    for operator, amount in preset_generators:
        if operator == INSTRUMENT_GENERATOR and amount & 0xFFFF >= len(instruments) - 1:
            return "a preset names an instrument that does not exist"
    sample_frames = sample_bytes // 2
    for name, start, end, *_, kind in samples[:-1]:
        limit = sample_bytes if kind & COMPRESSED_SAMPLE else sample_frames
        if not start <= end <= limit:
            label = name.split(b"\0")[0].decode("latin-1")
            return f"sample {label!r} lies outside the sample data"
    return _loop_problem(instruments, instrument_bags, instrument_generators, samples)


def _ascending_within(indices: list[int], count: int) -> bool:
    """Indices never go back and the last (the terminal record's) stays inside the table."""
    return (
        bool(indices)
        and all(a <= b for a, b in itertools.pairwise(indices))
        and indices[-1] <= count - 1
    )


def _loop_problem(
    instruments: list[Any],
    bags: list[int],
    generators: list[tuple[int, int]],
    samples: list[Any],
) -> str | None:
    """A looping zone whose sample has an empty loop (a synthesiser would loop forever)."""
    for (_, first_bag), (_, next_bag) in itertools.pairwise(instruments):
        global_mode = 0
        for bag in range(first_bag, next_bag):
            zone = dict(generators[bags[bag] : bags[bag + 1]])
            mode = zone.get(SAMPLE_MODES_GENERATOR, global_mode)
            if SAMPLE_ID_GENERATOR not in zone:
                if bag == first_bag:
                    global_mode = mode
                continue
            sample = zone[SAMPLE_ID_GENERATOR] & 0xFFFF
            if sample >= len(samples) - 1:
                return "an instrument names a sample that does not exist"
            _, _, _, loop_start, loop_end, *_ = samples[sample]
            if mode & 1 and loop_end <= loop_start:
                return "a looping sample has an empty loop"
    return None
