"""Styles: the instruments, meter and tempo band of an album."""

from __future__ import annotations

from dataclasses import dataclass

from storyscore.composition.model import Instrument

PIANO = Instrument(0, "Acoustic Grand Piano")


@dataclass(frozen=True, slots=True)
class Style:
    """What a style fixes for every track of an album.

    ``theme_instruments`` are handed to characters in order of salience; each character keeps
    its instrument for the whole album. ``melody_ranges`` give the comfortable MIDI range of
    each theme instrument (composition guide §4).
    """

    name: str
    beats_per_bar: int
    tempo_range: tuple[float, float]
    theme_instruments: tuple[Instrument, ...]
    melody_ranges: tuple[tuple[int, int], ...]
    pad: Instrument | None
    arpeggio: Instrument | None
    bass: Instrument | None
    drums: Instrument | None
    swing: bool = False


STYLES: dict[str, Style] = {
    "film": Style(
        name="film",
        beats_per_bar=4,
        tempo_range=(56.0, 144.0),
        # The two leads share a register (violin and clarinet overlap over D4-A#5), so that
        # together they can sing in thirds and sixths 3-9 semitones apart (guide §5) and the
        # tune stays in one band as it passes between them; a cello second sang its phrases
        # an octave under the violin's.
        theme_instruments=(
            Instrument(40, "Violin"),
            Instrument(71, "Clarinet"),
            Instrument(42, "Cello"),
            Instrument(73, "Flute"),
            Instrument(68, "Oboe"),
            Instrument(60, "French Horn"),
            Instrument(41, "Viola"),
            Instrument(70, "Bassoon"),
        ),
        melody_ranges=(
            (62, 88),
            (53, 82),
            (48, 72),
            (64, 91),
            (60, 84),
            (48, 72),
            (53, 77),
            (41, 65),
        ),
        pad=Instrument(48, "String Ensemble 1"),
        arpeggio=PIANO,
        bass=Instrument(43, "Contrabass"),
        drums=None,
    ),
    "piano": Style(
        name="piano",
        beats_per_bar=4,
        tempo_range=(52.0, 132.0),
        theme_instruments=(PIANO,),
        melody_ranges=((62, 86), (55, 79), (67, 91), (60, 84)),
        pad=None,
        arpeggio=PIANO,
        bass=None,
        drums=None,
    ),
    "jazz": Style(
        name="jazz",
        beats_per_bar=4,
        tempo_range=(64.0, 200.0),
        theme_instruments=(PIANO, Instrument(11, "Vibraphone"), Instrument(4, "Electric Piano 1")),
        melody_ranges=((62, 86), (60, 84), (58, 82)),
        pad=None,
        arpeggio=PIANO,
        bass=Instrument(32, "Acoustic Bass"),
        drums=Instrument(40, "Brush Kit"),
        swing=True,
    ),
    "waltz": Style(
        name="waltz",
        beats_per_bar=3,
        tempo_range=(84.0, 176.0),
        theme_instruments=(
            Instrument(40, "Violin"),
            Instrument(73, "Flute"),
            Instrument(42, "Cello"),
            Instrument(71, "Clarinet"),
            Instrument(68, "Oboe"),
            Instrument(21, "Accordion"),
        ),
        melody_ranges=((62, 88), (64, 91), (48, 72), (53, 82), (60, 84), (53, 81)),
        pad=Instrument(48, "String Ensemble 1"),
        arpeggio=None,
        bass=Instrument(43, "Contrabass"),
        drums=None,
    ),
}


def theme_slot(style: Style, index: int) -> tuple[Instrument, tuple[int, int]]:
    """Instrument and range of the ``index``-th character (cycling when the cast is larger).

    In single-instrument styles characters differ by register: each slot has its own range.
    """
    instrument = style.theme_instruments[index % len(style.theme_instruments)]
    low, high = style.melody_ranges[index % len(style.melody_ranges)]
    return instrument, (low, high)
