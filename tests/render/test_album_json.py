from __future__ import annotations

import dataclasses
import json

import pytest

from storyscore.composition.model import Album
from storyscore.errors import RenderError
from storyscore.render.album_json import (
    ARC_POINTS,
    album_to_dict,
    album_to_json,
    arc_sample_indices,
)
from storyscore.render.names import TrackFiles, midi_path

STATES = {"meeting", "together", "conflict", "parting", "apart", "reunion"}
MODES = {"major", "minor", "dorian", "lydian", "mixolydian", "phrygian"}


def files_of(album: Album) -> dict[int, TrackFiles]:
    return {t.plan.number: TrackFiles(midi=midi_path(t)) for t in album.tracks}


@pytest.fixture(scope="module")
def document(album: Album) -> dict:
    return json.loads(album_to_json(album, files_of(album)))


def has_types(value: dict, types: dict) -> None:
    for key, kind in types.items():
        assert key in value, key
        assert isinstance(value[key], kind), (key, value[key])


def test_top_level_fields_have_design_types(document: dict) -> None:
    has_types(
        document,
        {"title": str, "seed": int, "style": str, "generator": dict, "source": dict,
         "characters": list, "tracks": list},
    )  # fmt: skip
    assert document["generator"] == {"name": "storyscore", "version": "0.1.0"}
    has_types(document["source"], {"sha256": str, "words": int, "sentences": int})


def test_characters_follow_the_cast_with_motif_and_instrument(document: dict) -> None:
    assert [c["name"] for c in document["characters"]] == ["Élise", "Darcy", "Jane"]
    for character in document["characters"]:
        has_types(
            character,
            {"name": str, "aliases": list, "mentions": int, "motif": dict, "instrument": dict},
        )
        assert all(isinstance(p, int) for p in character["motif"]["pitches"])
        durations = character["motif"]["durations_beats"]
        assert all(isinstance(d, float) for d in durations)
        assert len(durations) == len(character["motif"]["pitches"])
        has_types(character["instrument"], {"program": int, "name": str})
    assert document["characters"][0]["aliases"] == ["Élise Martin", "Miss Martin"]
    assert document["characters"][2]["motif"]["durations_beats"][0] == 0.3333


def test_tracks_have_every_design_field(document: dict, album: Album) -> None:
    assert [t["number"] for t in document["tracks"]] == [1, 2, 3, 4, 5, 6]
    for track in document["tracks"]:
        has_types(
            track,
            {"number": int, "title": str, "span": dict, "valence": float, "arousal": float,
             "characters": list, "key": dict, "tempo_bpm": float, "meter": str,
             "duration_s": float, "files": dict, "motif_statements": list},
        )  # fmt: skip
        has_types(
            track["span"],
            {"first_sentence": int, "last_sentence": int, "start_char": int, "end_char": int},
        )
        assert -1 <= track["valence"] <= 1 and -1 <= track["arousal"] <= 1
        assert track["key"]["mode"] in MODES and isinstance(track["key"]["tonic"], str)
        assert track["meter"] == "4/4"
        assert track["files"]["midi"].startswith("tracks/") and track["files"]["midi"].endswith(
            ".mid"
        )
        assert track["files"]["musicxml"] is None and track["files"]["audio"] is None
        relationship = track["relationship"]
        assert relationship["pair"] == ["Élise", "Darcy"] and relationship["state"] in STATES
        for statement in track["motif_statements"]:
            has_types(statement, {"character": str, "bar": int, "transformation": str})
    second = document["tracks"][1]
    assert second["key"] == {"tonic": "E", "mode": "minor"}
    assert second["duration_s"] == pytest.approx(8 * 4 * 60 / 132, abs=1e-4)
    assert second["motif_statements"][-1] == {
        "character": "Darcy",
        "bar": 5,
        "transformation": "inversion",
    }
    assert [t["kind"] for t in document["tracks"]] == ["story"] * 5 + ["epilogue"]


def test_flat_keys_are_spelled_with_flats(album: Album) -> None:
    plan = dataclasses.replace(
        album.tracks[0].plan, key=album.tracks[0].plan.key.__class__(10, "minor")
    )
    changed = dataclasses.replace(album, tracks=(dataclasses.replace(album.tracks[0], plan=plan),))
    assert album_to_dict(changed, files_of(changed))["tracks"][0]["key"]["tonic"] == "Bb"


def test_relationship_is_null_without_a_pair(album: Album) -> None:
    plan = dataclasses.replace(album.tracks[0].plan, pair=None, state=None)
    changed = dataclasses.replace(album, tracks=(dataclasses.replace(album.tracks[0], plan=plan),))
    assert album_to_dict(changed, files_of(changed))["tracks"][0]["relationship"] is None


def test_extras_home_key_leads_and_arc(document: dict, album: Album) -> None:
    assert document["home_key"] == {"tonic": "G", "mode": "major"}
    assert document["leads"] == ["Élise", "Darcy"]
    arc = document["arc"]
    assert len(arc["sentence"]) == len(arc["valence"]) == len(arc["arousal"]) == ARC_POINTS
    assert arc["sentence"][0] == 0 and arc["sentence"][-1] == album.analysis.sentence_count - 1


def test_floats_are_rounded_to_four_decimals(document: dict) -> None:
    numbers = [*document["arc"]["valence"], *document["arc"]["arousal"]]
    numbers += [t[k] for t in document["tracks"] for k in ("valence", "arousal", "duration_s")]
    assert all(round(n, 4) == n for n in numbers)


def test_json_text_is_stable_utf8_with_a_final_newline(album: Album) -> None:
    text = album_to_json(album, files_of(album))
    assert text == album_to_json(album, files_of(album))
    assert text.endswith("}\n") and "Élise" in text and '\n  "title"' in text


def test_a_theme_outside_the_cast_is_refused(album: Album) -> None:
    stranger = dataclasses.replace(album.themes[0], character="Nobody")
    with pytest.raises(RenderError, match="Nobody"):
        album_to_dict(dataclasses.replace(album, themes=(stranger,)), files_of(album))


def test_a_track_without_files_is_refused(album: Album) -> None:
    with pytest.raises(RenderError, match="track 1"):
        album_to_dict(album, {})


@pytest.mark.parametrize("count", [0, 1, 5, 200, 201, 6000])
def test_arc_samples_are_even_and_keep_both_ends(count: int) -> None:
    indices = arc_sample_indices(count)
    assert len(indices) == min(count, ARC_POINTS)
    assert indices == sorted(set(indices))
    if count:
        assert indices[0] == 0 and indices[-1] == count - 1
