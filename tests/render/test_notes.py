from __future__ import annotations

import dataclasses

import pytest

from storyscore.composition.model import Album
from storyscore.render.notes import album_notes, feeling_words, motif_shape


@pytest.fixture(scope="module")
def notes(album: Album) -> str:
    return album_notes(album)


def section(notes: str, title: str) -> str:
    start = notes.index(f". {title}\n")
    end = notes.find("\n### ", start)
    return notes[start : end if end >= 0 else None]


def test_notes_name_every_track_character_and_instrument(notes: str, album: Album) -> None:
    assert notes.startswith("# Élise and the Quiet Heart\n")
    for track in album.tracks:
        assert f"### {track.plan.number}. {track.plan.title}" in notes
        for part in track.parts:
            assert part.instrument.name in notes
    for theme in album.themes:
        assert f"**{theme.character}**" in notes


def test_each_track_says_its_key_tempo_and_feeling(notes: str) -> None:
    quarrel = section(notes, "A Letter & a Quarrel")
    assert "E minor" in quarrel and "132 BPM" in quarrel
    assert "sombre and agitated" in quarrel and "valence -0.38" in quarrel
    assert "faster than the previous track's 104 BPM" in quarrel
    assert "same notes as the previous track's G major" in quarrel
    assert "`tracks/02-a-letter-a-quarrel.mid`" in quarrel


def test_motif_transformations_are_explained_with_bars(notes: str) -> None:
    quarrel = section(notes, "A Letter & a Quarrel")
    assert "Darcy's motif (Cello) sounds whole in bar 3 and inverted in bar 5." in quarrel
    assert "Inversion turns its rises into falls" in quarrel
    winter = section(notes, "Winter")
    assert "as a distant fragment in bar 7" in winter


@pytest.mark.parametrize(
    ("title", "texture"),
    [
        ("The Ball", "call and response"),
        ("A Letter & a Quarrel", "cross and clash"),
        ("Rain at Pemberley", "drift apart"),
        ("Winter", "Here Darcy is the one on stage, and Élise is the echo."),
        ("Spring Again", "both themes sound at once in counterpoint"),
    ],
)
def test_duet_texture_follows_the_leads_state(notes: str, title: str, texture: str) -> None:
    assert texture in section(notes, title)


def test_together_means_parallel_thirds_and_sixths(album: Album) -> None:
    plan = dataclasses.replace(album.tracks[0].plan, state="together")
    changed = dataclasses.replace(album, tracks=(dataclasses.replace(album.tracks[0], plan=plan),))
    assert "parallel thirds and sixths" in album_notes(changed)


def test_a_track_without_motifs_says_so(album: Album) -> None:
    silent = dataclasses.replace(album.tracks[0], motif_statements=())
    notes = album_notes(dataclasses.replace(album, tracks=(silent,)))
    assert "No leitmotif sounds in this track" in notes
    assert "1 track, 0:18 of music" in notes


def test_characters_on_stage_without_their_motif_are_named(album: Album) -> None:
    quiet = dataclasses.replace(
        album.tracks[0], motif_statements=album.tracks[0].motif_statements[:1]
    )
    notes = album_notes(dataclasses.replace(album, tracks=(quiet,)))
    assert "Darcy and Jane are on stage without a motif here." in notes


def test_intro_names_the_extremes_and_the_leads_journey(notes: str) -> None:
    assert "track 4, *Winter*, the darkest" in notes
    assert "meeting → conflict → parting → apart → reunion" in notes
    assert "3,600 words in 240 sentences" in notes


@pytest.mark.parametrize(
    ("valence", "arousal", "words"),
    [
        (0.6, 0.3, "bright and lively"),
        (-0.6, 0.3, "dark and restless"),
        (-0.2, -0.6, "sombre and desolate"),
        (0.2, -0.2, "warm and calm"),
        (0.0, 0.0, "unsettled between light and shade and steady"),
    ],
)
def test_feeling_words(valence: float, arousal: float, words: str) -> None:
    assert feeling_words(valence, arousal) == words


def test_motif_shape_describes_contour_motion_and_rhythm(album: Album) -> None:
    elise, darcy, _jane = album.themes
    assert motif_shape(elise) == (
        "5 notes over 5 beats that climb a major sixth to a peak and fall back, "
        "moving by steps and thirds, and come to rest on a long last note"
    )
    assert motif_shape(darcy).startswith("4 notes over 8 beats that fall a fifth")
    leap = dataclasses.replace(elise, home_pitches=(60, 67, 72, 60, 67))
    assert (
        "climb an octave to a peak and fall back, in wide leaps of up to an octave"
        in motif_shape(leap)
    )


def test_each_track_says_how_loud_it_plays_and_why(notes: str, album: Album) -> None:
    story = [t for t in album.tracks if t.plan.kind == "story"]
    calmest = min(story, key=lambda t: t.plan.arousal).plan.title
    liveliest = max(story, key=lambda t: t.plan.arousal).plan.title
    sections = {part.split("\n", 1)[0]: part for part in notes.split("### ")[1:]}
    by_title = {title.split(". ", 1)[1]: text for title, text in sections.items()}
    assert "6.0 dB below the story's most intense stretch" in by_title[calmest]
    assert "It plays at full level" in by_title[liveliest]
    assert all(" It plays " in text for text in by_title.values())
