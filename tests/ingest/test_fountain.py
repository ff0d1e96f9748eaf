"""Fountain screenplays: title page, scenes as sections, attributed dialogue, markup left out."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from storyscore.ingest import Document, parse_document, read_story

from .support import FIXTURES, REPO_ROOT, assert_offsets_hold
from .test_read import ingest_error

SCREENPLAYS = REPO_ROOT / ".." / "shared" / "data" / "screenplays"
FERRY = FIXTURES / "the-night-ferry.fountain"


@cache
def screenplay(path: Path) -> Document:
    return read_story(path)


def said(document: Document) -> list[tuple[str | None, str]]:
    return [(sentence.speaker, sentence.text) for sentence in document.sentences]


def test_every_element_of_the_fixture() -> None:
    document = screenplay(FERRY)
    assert document.title == "The Night Ferry \u2014 A Short Film"
    assert said(document) == [
        (None, "Rain falls on the empty quay."),
        (None, "ADA, 30, waits under a lamp."),
        ("ADA", "Where is it?"),
        ("ADA", "It should be here by now."),
        ("TOM", "It never comes on time."),
        ("ADA", "Then I will swim."),
        ("ADA", "Or wait."),
        (None, "The cabin is warm."),
        (None, "A radio hums."),
        ("McCLANE", "Tickets, please."),
        (None, "TICKETS ARE CHECKED IN SILENCE."),
        (None, "A sailor sings by the rail."),
        ("SAILOR", "Row, row, over the water,"),
        ("SAILOR", "home to the harbour light."),
        (None, "Ada was a child here once."),
    ]
    assert [sentence.index for sentence in document.sentences] == list(range(15))
    assert_offsets_hold(document)


def test_scene_headings_are_the_sections() -> None:
    document = screenplay(FERRY)
    assert [(section.kind, section.title) for section in document.sections] == [
        ("scene", "EXT. Harbour - Night"),
        ("scene", "INT. Ferry Cabin - Continuous"),
        ("scene", "Flashback"),
        ("scene", "I/E. Ferry Deck - Later"),
    ]
    sections = document.sections
    assert document.text[sections[0].start :].startswith("EXT. HARBOUR - NIGHT #1#")
    assert sections[-1].end == document.body_end
    for before, after in itertools.pairwise(sections):
        assert before.end == after.start
        assert after.first_sentence == before.last_sentence + 1
    last = sections[-1]
    assert last.last_sentence == last.first_sentence - 1  # a heading with nothing after it


def test_the_body_starts_after_the_title_page() -> None:
    document = screenplay(FERRY)
    assert document.text[document.body_start :].startswith("> FADE IN:")  # boneyard is not text
    assert document.text[: document.body_end].endswith("> THE END <")


@pytest.mark.parametrize(
    "left_out",
    ["FADE IN", "ACT ONE", "waits for a ferry", "Check with Sam", "better line", "CUT TO",
     "quietly", "beat", "OLD PIER", "pier burns", "THE END", "===", "Draft", "TOM", "(V.O.)"],
)  # fmt: skip
def test_markup_is_never_a_sentence(left_out: str) -> None:
    assert not any(left_out in sentence.text for sentence in screenplay(FERRY).sentences)


def test_format_by_extension_or_by_request() -> None:
    data = FERRY.read_bytes()
    as_text = parse_document(data, name="ferry.txt")
    assert {sentence.speaker for sentence in as_text.sentences} == {None}
    asked = parse_document(data, name="ferry.txt", format="fountain")
    assert asked.sentences == screenplay(FERRY).sentences
    assert parse_document(data, name="ferry.spmd").sections == screenplay(FERRY).sections
    assert "unknown story format 'pdf'" in ingest_error(parse_document, data, format="pdf")


def test_one_scene_gives_no_sections() -> None:
    text = "INT. KITCHEN - DAY\n\nThe kettle sings.\n\nMAY\nTea?\n"
    document = parse_document(text, format="fountain", name="tea.fountain")
    assert document.sections == ()
    assert document.title == "Tea"
    assert said(document) == [(None, "The kettle sings."), ("MAY", "Tea?")]


def test_capitals_without_dialogue_are_action() -> None:
    text = "The door opens.\n\nBANG\n\nA shot. Then:\n\nSILENCE.\nNobody moves.\n"
    document = parse_document(text, format="fountain")
    assert {sentence.speaker for sentence in document.sentences} == {None}
    assert "BANG" in [sentence.text for sentence in document.sentences]


def test_transitions_parentheticals_and_crlf() -> None:
    text = "EXT. ROAD - DAY\r\n\r\nA car passes.\r\n\r\nSMASH CUT TO:\r\n\r\nINT. CAR - DAY\r\n\r\n"
    text += "JO\r\n(laughing)\r\nFaster!\r\n"
    document = parse_document(text, format="fountain")
    assert said(document) == [(None, "A car passes."), ("JO", "Faster!")]
    assert [section.title for section in document.sections] == ["EXT. Road - Day", "INT. Car - Day"]


@pytest.mark.parametrize(
    ("file_name", "title", "scenes", "speakers"),
    [
        (
            "ascent-to-guru-peak.fountain",
            "Ascent to Guru Peak",
            6,
            {"YORBLEF": 65, "GURU": 1},
        ),
        (
            "cyber-bob-ep01-traffic-control-dogs.fountain",
            "Bob the Cyber Pawn and His Cyber Cloud Boss Thing \u2014 "
            "Episode 1: Traffic Control Dogs",
            3,
            {"BOB": 26, "DOG": 22, "MARGARET": 7, "CYBER BOB": 4, "CYBER BOSS": 2, "BOSS": 2},
        ),
        (
            "cyber-bob-ep04-great-fake-lincoln-debate.fountain",
            "Bob the Cyber Pawn and His Cyber Cloud Boss Thing \u2014 "
            "Episode 04: The Great Fake Lincoln Debate",
            3,
            {
                "LINCOLN": 56,
                "BOB": 38,
                "MARGARET": 22,
                "MODERATOR": 3,
                "AUDIENCE MEMBER ONE": 3,
                "MARGARGET": 3,  # the cue's typo, as written
                "AUDIENCE MEMBER TWO": 2,
                "CYBER BOSS": 1,
                "AUDIENCE MEMBER THREE": 1,
            },
        ),
    ],
)
def test_the_shared_screenplays(
    file_name: str, title: str, scenes: int, speakers: dict[str, int]
) -> None:
    document = screenplay(SCREENPLAYS / file_name)
    assert document.title == title
    assert len(document.sections) == scenes
    assert {section.kind for section in document.sections} == {"scene"}
    spoken = Counter(s.speaker for s in document.sentences if s.speaker is not None)
    assert dict(spoken) == speakers
    assert any(sentence.speaker is None for sentence in document.sentences)
    for sentence in document.sentences:
        for markup in ("FADE", "CUT TO", "THE END", "[[", "/*", "Draft date", "(agitated)"):
            assert markup not in sentence.text
    assert_offsets_hold(document)
