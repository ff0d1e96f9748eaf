from __future__ import annotations

import pytest

from storyscore.render.names import MAX_SLUG_TITLE, midi_path, track_slug


@pytest.mark.parametrize(
    ("number", "title", "slug"),
    [
        (3, "The Ball", "03-the-ball"),
        (1, "Élise's Letter", "01-elises-letter"),
        (12, "  Stave I: Marley\u2019s Ghost!  ", "12-stave-i-marleys-ghost"),
        (7, "Глава шесть", "07-track"),
        (2, "", "02-track"),
        (104, "Next", "104-next"),
    ],
)
def test_track_slug_is_lowercase_ascii_with_hyphens(number: int, title: str, slug: str) -> None:
    assert track_slug(number, title) == slug


def test_track_slug_cuts_long_titles_at_a_hyphen() -> None:
    slug = track_slug(5, "In Which Mr Darcy Walks Through the Rain to Say What Cannot Be Said")
    title_part = slug.removeprefix("05-")
    assert len(title_part) <= MAX_SLUG_TITLE
    assert title_part == "in-which-mr-darcy-walks-through-the-rain"


def test_track_slug_cuts_one_long_word() -> None:
    assert track_slug(1, "a" * 60) == "01-" + "a" * MAX_SLUG_TITLE


def test_midi_path_puts_tracks_in_their_folder(album) -> None:
    assert midi_path(album.tracks[1]) == "tracks/02-a-letter-a-quarrel.mid"
