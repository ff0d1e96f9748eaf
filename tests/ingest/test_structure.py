"""Structure: headings of every common form, the level chosen, contents entries left out."""

from __future__ import annotations

import itertools

import pytest

from storyscore.ingest import Document, parse_document, read_story
from storyscore.ingest.structure import readable_case

from .support import FIXTURES

PROSE = "She walked along the river and thought about the long day behind her. " * 4


def titles(document: Document) -> list[str]:
    return [section.title for section in document.sections]


@pytest.mark.parametrize(
    ("file_name", "count", "kind"),
    [
        ("pride-and-prejudice.txt", 61, "chapter"),
        ("a-christmas-carol.txt", 5, "stave"),
        ("alices-adventures-in-wonderland.txt", 12, "chapter"),
        ("frankenstein.txt", 28, "chapter"),
    ],
)
def test_section_counts_of_the_novels(story, file_name: str, count: int, kind: str) -> None:
    sections = story(file_name).sections
    assert len(sections) == count
    assert {section.kind for section in sections} == {kind}


def test_romeo_and_juliet_has_five_acts_and_its_prologue(story) -> None:
    document = story("romeo-and-juliet.txt")
    assert titles(document) == ["The Prologue", "Act I", "Act II", "Act III", "Act IV", "Act V"]
    assert [s.kind for s in document.sections].count("act") == 5


@pytest.mark.parametrize(
    "file_name", ["the-yellow-wallpaper.txt", "cinderella.txt", "little-red-riding-hood.txt"]
)
def test_tales_without_divisions_have_no_sections(story, file_name: str) -> None:
    assert story(file_name).sections == ()


def test_section_titles_are_tidied(story) -> None:
    carol = titles(story("a-christmas-carol.txt"))
    assert carol[0] == "Stave I: Marley's Ghost"
    assert carol[4] == "Stave V: The End of It"
    alice = titles(story("alices-adventures-in-wonderland.txt"))
    assert alice[0] == "Chapter I: Down the Rabbit-Hole"
    assert alice[11] == "Chapter XII: Alice\u2019s Evidence"
    frankenstein = titles(story("frankenstein.txt"))
    assert frankenstein[:5] == ["Letter 1", "Letter 2", "Letter 3", "Letter 4", "Chapter 1"]
    assert frankenstein[-1] == "Chapter 24"


@pytest.mark.parametrize(
    "file_name",
    [
        "pride-and-prejudice.txt",
        "a-christmas-carol.txt",
        "alices-adventures-in-wonderland.txt",
        "frankenstein.txt",
        "romeo-and-juliet.txt",
    ],
)
def test_sections_tile_the_body_after_the_preface(story, file_name: str) -> None:
    document = story(file_name)
    sections = document.sections
    assert document.body_start <= sections[0].start
    assert sections[-1].end == document.body_end
    for before, after in itertools.pairwise(sections):
        assert before.end == after.start
        assert after.first_sentence == before.last_sentence + 1
    for section in sections:
        assert section.last_sentence >= section.first_sentence  # every real section has text
        first = document.sentences[section.first_sentence]
        last = document.sentences[section.last_sentence]
        assert section.start < first.start and last.end <= section.end


def test_first_sentence_of_a_chapter_follows_its_heading(story) -> None:
    document = story("pride-and-prejudice.txt")
    first = document.sentences[document.sections[0].first_sentence]
    assert first.text.startswith("It is a truth universally acknowledged")
    assert all("Chapter" not in s.text for s in document.sentences[:100])


@pytest.mark.parametrize(
    ("heading", "title", "kind"),
    [
        ("CHAPTER I", "Chapter I", "chapter"),
        ("CHAPTER I.", "Chapter I", "chapter"),
        ("Chapter 1.", "Chapter 1", "chapter"),
        ("Chapter XII: A Title", "Chapter XII: A Title", "chapter"),
        ("CHAPTER THE FIRST", "Chapter the First", "chapter"),
        ("Chapter Twenty-One", "Chapter Twenty-One", "chapter"),
        ("STAVE ONE.", "Stave One", "stave"),
        ("STAVE I:  MARLEY'S GHOST", "Stave I: Marley's Ghost", "stave"),
        ("ACT I", "Act I", "act"),
        ("SCENE II. Verona. A public place.", "Scene II: Verona. A public place", "scene"),
        ("BOOK ONE", "Book One", "book"),
        ("Book the First—Recalled to Life", "Book the First: Recalled to Life", "book"),
        ("PART 2", "Part 2", "part"),
        ("Letter 1", "Letter 1", "chapter"),
        ("## The Storm", "The Storm", "heading"),
        ("### Chapter 4: Home", "Chapter 4: Home", "chapter"),
    ],
)
def test_heading_forms(heading: str, title: str, kind: str) -> None:
    text = f"{heading}\n\n{PROSE}\n\n{heading.replace('1', '7')}\n\n{PROSE}\n"
    document = parse_document(text)
    assert (document.sections[0].kind, document.sections[0].title) == (kind, title)
    assert len(document.sections) == 2
    assert all(heading.strip("#: ").split()[0] not in s.text for s in document.sentences)


@pytest.mark.parametrize(
    "line",
    [
        "Chapter 1 of the book was long.",
        "Part of the day was gone.",
        "chapter 2",
        "Act like a king, she said.",
        "Scene I was the best one.",
    ],
)
def test_prose_lines_are_not_headings(line: str) -> None:
    text = f"{line}\n\n{PROSE}\n\n{line}\n\n{PROSE}\n"
    assert parse_document(text).sections == ()


def test_heading_must_start_its_paragraph() -> None:
    text = f"He opened the book at\nChapter 3.\n\n{PROSE}\n\nHe closed it at\nChapter 4.\n\n{PROSE}"
    assert parse_document(text).sections == ()


def test_markdown_title_is_not_a_section() -> None:
    document = read_story(FIXTURES / "the-lighthouse-keeper.md")
    assert document.title == "The Lighthouse Keeper"
    assert titles(document) == ["The Storm", "The Ship", "The Morning"]
    assert document.sentences[0].text.startswith("A short story in three parts")
    assert document.sections[0].first_sentence == 1  # the preface belongs to no section


def test_markdown_top_level_sections_when_there_are_several() -> None:
    text = f"# Spring\n\n{PROSE}\n\n# Winter\n\n{PROSE}\n"
    document = parse_document(text, name="seasons.md")
    assert titles(document) == ["Spring", "Winter"]
    assert document.title == "Seasons"


def test_acts_are_chosen_over_scenes_and_scenes_when_there_is_one_act() -> None:
    play = (
        f"ACT I\n\nSCENE I. A hall.\n\n{PROSE}\n\nSCENE II. A garden.\n\n{PROSE}\n\n"
        f"ACT II\n\nSCENE I. A street.\n\n{PROSE}\n"
    )
    assert titles(parse_document(play)) == ["Act I", "Act II"]
    one_act = f"ACT I\n\nSCENE I. A hall.\n\n{PROSE}\n\nSCENE II. A garden.\n\n{PROSE}\n"
    assert titles(parse_document(one_act)) == ["Scene I: A hall", "Scene II: A garden"]


def test_prologue_and_epilogue_join_the_chosen_level() -> None:
    text = (
        f"PROLOGUE\n\n{PROSE}\n\nPart One: Spring\n\n{PROSE}\n\nPart Two: Winter\n\n{PROSE}\n\n"
        f"EPILOGUE\n\n{PROSE}\n"
    )
    assert titles(parse_document(text)) == [
        "Prologue",
        "Part One: Spring",
        "Part Two: Winter",
        "Epilogue",
    ]


def test_table_of_contents_entries_are_not_sections() -> None:
    text = (
        "CONTENTS\n\nChapter I. The Storm\nChapter II. The Ship\nChapter III. The Morning\n\n\n"
        f"CHAPTER I. THE STORM\n\n{PROSE}\n\nCHAPTER II. THE SHIP\n\n{PROSE}\n\n"
        f"CHAPTER III. THE MORNING\n\n{PROSE}\n"
    )
    document = parse_document(text)
    assert titles(document) == [
        "Chapter I: The Storm",
        "Chapter II: The Ship",
        "Chapter III: The Morning",
    ]
    assert document.sentences[0].text == "CONTENTS"


def test_contents_entry_with_text_after_it_is_matched_to_the_later_heading() -> None:
    # The last entry of this contents list is followed by a dedication, not by a heading.
    text = (
        "ACT I\nScene I. A hall.\n\nACT II\nScene I. A street.\n\n"
        f"To my friends, who listened to this play before it was written, with thanks.\n\n"
        f"ACT I\n\nSCENE I. A hall.\n\n{PROSE * 10}\n\nACT II\n\nSCENE I. A street.\n\n{PROSE * 10}"
    )
    assert [s.start for s in parse_document(text).sections] == [
        text.index("ACT I\n\nSCENE"),
        text.index("ACT II\n\nSCENE"),
    ]


def test_untitled_chapter_takes_its_title_line() -> None:
    text = (
        f"CHAPTER I.\n\nTHE BEGINNING.\n\n{PROSE}\n\n"
        "CHAPTER II.\nTREATS OF THE PLACE WHERE OLIVER WAS BORN AND OF THE\n"
        f"CIRCUMSTANCES ATTENDING HIS BIRTH\n\n{PROSE}\n\n"
        f"CHAPTER III.\n\nThe Long Road Home\n\n{PROSE}\n\n"
        f"CHAPTER IV.\n\n“Hello,” she said.\n\n{PROSE}\n\n"
        f"CHAPTER V.\n\nShe slept.\n\n{PROSE}\n"
    )
    document = parse_document(text)
    assert titles(document) == [
        "Chapter I: The Beginning",
        "Chapter II: Treats of the Place Where Oliver Was Born and of the Circumstances "
        "Attending His Birth",
        "Chapter III: The Long Road Home",
        "Chapter IV",
        "Chapter V",
    ]
    sentence_texts = [s.text for s in document.sentences]
    assert "THE BEGINNING." not in sentence_texts
    assert "“Hello,” she said." in sentence_texts
    assert "She slept." in sentence_texts


def test_a_single_heading_gives_no_sections() -> None:
    assert parse_document(f"CHAPTER I.\n\n{PROSE}").sections == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MARLEY'S  GHOST", "Marley's Ghost"),
        ("THE PLACE OF THE RABBIT-HOLE", "The Place of the Rabbit-Hole"),
        ("HENRY VIII AND THE KING", "Henry VIII and the King"),
        ("Down the Rabbit-Hole", "Down the Rabbit-Hole"),
        ("1842", "1842"),
    ],
)
def test_readable_case(text: str, expected: str) -> None:
    assert readable_case(text) == expected
