"""Album audio: playable files, one album loudness, no peak over the ceiling, the same bytes.

A small album is built from the hand-made tracks of conftest.py: a quiet, low-arousal track (two
soft strings), a middle one and a loud, high-arousal one (melody, piano, bass and drums played
hard). It is rendered once per module with the bundled SoundFont, so the results do not depend
on the fonts a machine has installed. Without the ``audio`` extra the tests skip with the
reason, or fail under ``STORYSCORE_REQUIRE_TOOLS=1`` (CI).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import math
import struct
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from tests.browser import require_tool
from tests.render.conftest import DRUMS, SEGMENTS, make_album, make_track

from storyscore.composition.model import Album, Note, Part, Track
from storyscore.errors import MissingDependencyError, RenderError
from storyscore.render.audio import (
    BUNDLED_SOUNDFONT,
    CEILING_DBTP,
    OGG_SERIAL,
    SAMPLE_RATE,
    TAIL_SECONDS,
    TARGET_LUFS,
    AlbumAudio,
    album_loudness,
    check_soundfont,
    find_soundfont,
    loudness_arousal_correlation,
    render_album_audio,
    true_peak_dbtp,
)
from storyscore.render.midi import track_duration_seconds, track_to_midi

AUDIO_MODULES = ("symusic", "soundfile", "pyloudnorm", "scipy")
AUDIO_READY = all(importlib.util.find_spec(name) is not None for name in AUDIO_MODULES)


@pytest.fixture(autouse=True)
def audio_extra() -> None:
    require_tool(AUDIO_READY, "audio needs the audio extra: pip install 'storyscore[audio]'")


def with_velocities(track: Track, factor: float, parts: set[str]) -> Track:
    """The track with only ``parts``, every velocity scaled by ``factor`` (within 1..127)."""
    kept = tuple(
        dataclasses.replace(
            part,
            notes=tuple(
                dataclasses.replace(note, velocity=min(127, max(1, round(note.velocity * factor))))
                for note in part.notes
            ),
        )
        for part in track.parts
        if part.name in parts
    )
    return dataclasses.replace(track, parts=kept)


@pytest.fixture(scope="module")
def contrast_album() -> Album:
    """Winter (arousal -0.52) soft, Spring Again (0.12) as written, the quarrel (0.55) loud."""
    quiet = with_velocities(make_track(1, SEGMENTS[3]), 0.5, {"Élise", "Darcy"})
    middle = with_velocities(make_track(2, SEGMENTS[4]), 1.0, {"Élise", "Darcy", "Piano", "Bass"})
    loud = with_velocities(make_track(3, SEGMENTS[1]), 2.0, {"Élise", "Piano", "Bass", "Drums"})
    return dataclasses.replace(make_album(), tracks=(quiet, middle, loud))


@pytest.fixture(scope="module")
def midis(contrast_album: Album) -> list[bytes]:
    return [track_to_midi(track, contrast_album) for track in contrast_album.tracks]


@pytest.fixture(scope="module")
def album_audio(midis: list[bytes]) -> AlbumAudio:
    require_tool(AUDIO_READY, "audio needs the audio extra: pip install 'storyscore[audio]'")
    return render_album_audio(midis, soundfont=BUNDLED_SOUNDFONT, workers=1)


def decode(data: bytes) -> tuple[np.ndarray, int, int]:
    """Audio as channels x frames (float64), sample rate and channel count."""
    import soundfile

    samples, rate = soundfile.read(io.BytesIO(data), dtype="float64", always_2d=True)
    return samples.T, rate, samples.shape[1]


def dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples))))
    return -math.inf if rms == 0 else 20 * math.log10(rms)


# --- the rendered album ------------------------------------------------------------------


def test_tracks_are_stereo_44k_and_sound(album_audio: AlbumAudio) -> None:
    assert album_audio.fmt == "flac" and album_audio.soundfont.origin == "given"
    for track in album_audio.tracks:
        assert track.data[:4] == b"fLaC"
        samples, rate, channels = decode(track.data)
        assert (rate, channels) == (SAMPLE_RATE, 2)
        assert samples.shape[1] == round(track.seconds * SAMPLE_RATE)
        assert dbfs(samples) > -45.0
        assert not np.array_equal(samples[0], samples[1])  # panned parts and a stereo reverb


def test_no_true_peak_passes_the_ceiling(album_audio: AlbumAudio) -> None:
    for track in album_audio.tracks:
        samples, _, _ = decode(track.data)
        measured = true_peak_dbtp(samples)
        assert measured <= CEILING_DBTP
        assert measured == pytest.approx(track.true_peak_dbtp, abs=0.02)
    assert album_audio.true_peak_dbtp == max(t.true_peak_dbtp for t in album_audio.tracks)


def test_album_is_at_the_target_loudness(album_audio: AlbumAudio) -> None:
    """Measured again from the decoded files, all tracks played in a row, with pyloudnorm."""
    import pyloudnorm

    played = np.concatenate([decode(track.data)[0] for track in album_audio.tracks], axis=1)
    measured = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(played.T)
    assert measured == pytest.approx(TARGET_LUFS, abs=1.0)
    assert album_audio.loudness_lufs == pytest.approx(measured, abs=0.1)


def test_quiet_low_arousal_track_stays_quieter(
    album_audio: AlbumAudio, contrast_album: Album
) -> None:
    loudness = [track.loudness_lufs for track in album_audio.tracks]
    arousal = [track.plan.arousal for track in contrast_album.tracks]
    assert all(level is not None for level in loudness)
    assert loudness == sorted(loudness)  # the tracks go from low to high arousal
    assert loudness[2] - loudness[0] > 10.0
    correlation = loudness_arousal_correlation(loudness, arousal)
    assert correlation is not None and correlation > 0.9


def test_only_tracks_that_need_it_are_limited(album_audio: AlbumAudio) -> None:
    quiet = album_audio.tracks[0]
    assert quiet.limiter_db == 0.0
    assert quiet.true_peak_dbtp < CEILING_DBTP - 10.0


def test_tail_rings_then_fades_to_silence(album_audio: AlbumAudio, contrast_album: Album) -> None:
    for track, audio in zip(contrast_album.tracks, album_audio.tracks, strict=True):
        music = track_duration_seconds(track)  # every part of these tracks plays to the end
        assert audio.seconds == pytest.approx(music + TAIL_SECONDS, abs=1 / SAMPLE_RATE)
        samples, _, _ = decode(audio.data)
        second = SAMPLE_RATE
        ringing = samples[:, round(music * second) : round((music + 1.0) * second)]
        assert dbfs(ringing) > -80.0  # the release and the reverb go on after the last note
        assert np.abs(samples[:, -second // 100 :]).max() < 1e-3  # the last 10 ms
        assert not samples[:, -1].any()


def test_same_bytes_with_a_pool_of_workers(midis: list[bytes], album_audio: AlbumAudio) -> None:
    again = render_album_audio(midis, soundfont=BUNDLED_SOUNDFONT, workers=2)
    assert [t.data for t in again.tracks] == [t.data for t in album_audio.tracks]
    assert again.gain_db == album_audio.gain_db


@pytest.mark.parametrize(("fmt", "magic"), [("ogg", b"OggS"), ("mp3", b"\xff\xfb")])
def test_ogg_and_mp3(midis: list[bytes], fmt: str, magic: bytes) -> None:
    first = render_album_audio(midis[2:], soundfont=BUNDLED_SOUNDFONT, fmt=fmt, workers=1)
    track = first.tracks[0]
    assert first.extension == fmt and track.data.startswith(magic)
    samples, rate, channels = decode(track.data)
    assert (rate, channels) == (SAMPLE_RATE, 2)
    assert samples.shape[1] >= round(track.seconds * SAMPLE_RATE)  # an MP3 pads its frames
    assert dbfs(samples) > -30.0
    if fmt == "ogg":  # libsndfile numbers an Ogg stream at random; the serial is fixed after
        assert struct.unpack_from("<I", track.data, 14)[0] == OGG_SERIAL
        again = render_album_audio(midis[2:], soundfont=BUNDLED_SOUNDFONT, fmt=fmt, workers=1)
        assert again.tracks[0].data == track.data


def test_a_peaky_track_is_limited_to_the_ceiling() -> None:
    """A crash cymbal on every bar: its peaks stand far above its loudness."""
    bars = make_track(1, SEGMENTS[3])
    hits = tuple(Note(Fraction(beat), Fraction(1, 4), 49, 127) for beat in range(0, 32, 4))
    cymbal = dataclasses.replace(bars, parts=(Part("Drums", DRUMS, hits, is_drums=True),))
    album = dataclasses.replace(make_album(), tracks=(cymbal,))
    audio = render_album_audio([track_to_midi(cymbal, album)], soundfont=BUNDLED_SOUNDFONT)
    track = audio.tracks[0]
    assert track.limiter_db > 0.0
    assert true_peak_dbtp(decode(track.data)[0]) <= CEILING_DBTP
    assert audio.loudness_lufs == pytest.approx(TARGET_LUFS, abs=1.0)


def test_the_limiter_touches_only_the_peaks() -> None:
    from storyscore.render.audio import LIMITER_TARGET_DBFS, _limit

    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE)
    audio = np.stack([tone, tone]).astype(np.float32)
    audio[0, SAMPLE_RATE] = 2.0  # one click, 6 dB over full scale
    limited, depth = _limit(audio)
    target = 10 ** (LIMITER_TARGET_DBFS / 20)
    assert np.abs(limited).max() <= target * (1 + 1e-6)
    assert depth == pytest.approx(20 * math.log10(2.0 / target), abs=0.01)
    untouched = np.r_[0 : SAMPLE_RATE - 1000, SAMPLE_RATE + 1000 : 2 * SAMPLE_RATE]
    assert np.array_equal(limited[:, untouched], audio[:, untouched])


# --- errors ---------------------------------------------------------------------------------


def copy_of_font(tmp_path: Path, data: bytes | None = None) -> Path:
    path = tmp_path / "font.sf2"
    path.write_bytes(BUNDLED_SOUNDFONT.read_bytes() if data is None else data)
    return path


def with_empty_loops(font: bytes) -> bytes:
    """The font with every sample's loop end moved onto its loop start."""
    data = bytearray(font)
    position = data.index(b"shdr")
    size = struct.unpack_from("<I", data, position + 4)[0]
    for record in range(position + 8, position + 8 + size, 46):
        loop_start = struct.unpack_from("<I", data, record + 28)[0]
        struct.pack_into("<I", data, record + 32, loop_start)
    return bytes(data)


def test_a_missing_soundfont_is_a_render_error(midis: list[bytes], tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="does not exist"):
        render_album_audio(midis, soundfont=tmp_path / "missing.sf2")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda font: b"not a soundfont at all" * 100, "not a SoundFont"),
        (lambda font: font[: len(font) // 2], "truncated"),
        (lambda font: b"", "not a SoundFont"),
        (with_empty_loops, "empty loop"),
    ],
    ids=["garbage", "truncated", "empty", "empty-loops"],
)
def test_a_damaged_soundfont_is_a_render_error(
    midis: list[bytes], tmp_path: Path, damage, reason: str
) -> None:
    path = copy_of_font(tmp_path, damage(BUNDLED_SOUNDFONT.read_bytes()))
    with pytest.raises(RenderError, match=reason) as caught:
        render_album_audio(midis, soundfont=path)
    assert "\n" not in str(caught.value) and "--soundfont" in str(caught.value)


def test_the_bundled_font_is_sound() -> None:
    check_soundfont(BUNDLED_SOUNDFONT)


def test_without_the_audio_extra(midis: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "symusic", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'storyscore\[audio\]'"):
        render_album_audio(midis, soundfont=BUNDLED_SOUNDFONT)


def test_an_unknown_format_or_an_empty_album_is_a_render_error(midis: list[bytes]) -> None:
    with pytest.raises(RenderError, match="flac, ogg, mp3"):
        render_album_audio(midis, fmt="wav")
    with pytest.raises(RenderError, match="no tracks"):
        render_album_audio([])


# --- choosing the SoundFont -----------------------------------------------------------------


def test_a_given_font_comes_first(tmp_path: Path) -> None:
    given = copy_of_font(tmp_path)
    assert find_soundfont(given, system_dirs=[tmp_path]).origin == "given"


def test_a_system_font_is_preferred_to_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "sf3").mkdir()
    (tmp_path / "sf3" / "MuseScore_General.sf3").write_bytes(b"x")
    (tmp_path / "sf2").mkdir()
    (tmp_path / "sf2" / "FluidR3_GM.sf2").write_bytes(b"x")
    found = find_soundfont(system_dirs=[tmp_path / "sf3", tmp_path / "sf2"])
    assert (found.name, found.origin) == ("FluidR3_GM.sf2", "system")
    empty = find_soundfont(system_dirs=[tmp_path / "none"])
    assert (empty.path, empty.origin) == (BUNDLED_SOUNDFONT, "bundled")


# --- the measures ---------------------------------------------------------------------------


def test_album_loudness_matches_pyloudnorm() -> None:
    import pyloudnorm

    rng = np.random.default_rng(5)
    tracks = [rng.standard_normal((10 * SAMPLE_RATE, 2)) * level for level in (0.02, 0.2)]
    blocks = []
    for track in tracks:
        meter = pyloudnorm.Meter(SAMPLE_RATE)
        alone = meter.integrated_loudness(track)
        blocks.append(np.asarray(meter.blockwise_loudness))
        assert album_loudness(blocks[-1:]) == pytest.approx(alone, abs=1e-9)
    # Played in a row, a few blocks straddle the joint; pooling the tracks' blocks leaves them out.
    together = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(np.concatenate(tracks))
    assert album_loudness(blocks) == pytest.approx(together, abs=0.1)
    assert album_loudness([np.full(10, -np.inf)]) is None


def test_true_peak_sees_between_the_samples() -> None:
    """A sine at a quarter of the sample rate, sampled 45 degrees off its crests."""
    frames = np.arange(SAMPLE_RATE)
    sine = np.sin(np.pi / 2 * frames + np.pi / 4)
    stereo = np.stack([sine, 0.5 * sine])
    assert 20 * math.log10(np.abs(stereo).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(stereo) == pytest.approx(0.0, abs=0.1)
    assert true_peak_dbtp(np.zeros((2, 100))) == -math.inf


def test_true_peak_equals_oversampling_everything() -> None:
    from scipy.signal import firwin, upfirdn

    taps = 4 * firwin(48, 0.25)
    rng = np.random.default_rng(11)
    for frames in (1, 2047, 2049, 30_000):
        noise = rng.standard_normal((2, frames)) * np.linspace(0.1, 1.0, frames)
        everything = np.abs(upfirdn(taps, noise, up=4, axis=1)).max()
        assert true_peak_dbtp(noise) == pytest.approx(20 * math.log10(everything), abs=1e-4)


def test_loudness_arousal_correlation() -> None:
    assert loudness_arousal_correlation([-20.0, -15.0, -10.0], [-0.5, 0.0, 0.5]) == pytest.approx(
        1.0
    )
    assert loudness_arousal_correlation([-20.0, None, -15.0, -10.0], [0.5, 0.9, 0.0, -0.5]) == (
        pytest.approx(-1.0)
    )
    assert loudness_arousal_correlation([-20.0, -15.0], [0.0, 1.0]) is None
    assert loudness_arousal_correlation([-20.0, -15.0, -10.0], [0.2, 0.2, 0.2]) is None
