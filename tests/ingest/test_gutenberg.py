"""Project Gutenberg: header, credits and licence footer stay out of the story."""

from __future__ import annotations

import re

import pytest

from storyscore.ingest import parse_document, read_story
from storyscore.ingest.gutenberg import find_body

from .support import FIXTURES, STORIES

STORY_FILES = sorted(path.name for path in STORIES.glob("*.txt"))
# Words of the Gutenberg header, credits and licence that none of the stories uses.
LICENCE_WORDS = re.compile(
    r"Gutenberg|\be-?books?\b|\be-?texts?\b|\blicense\b|www\.|proofread|archive foundation",
    re.IGNORECASE,
)
CREDIT = re.compile(r"(?:\S+\s+){0,3}produced by", re.IGNORECASE)


def test_the_real_stories_are_there() -> None:
    assert len(STORY_FILES) == 8


@pytest.mark.parametrize("file_name", STORY_FILES)
def test_no_licence_words_in_any_sentence(story, file_name: str) -> None:
    document = story(file_name)
    leaked = [s.text for s in document.sentences if LICENCE_WORDS.search(s.text)]
    assert leaked == []
    assert [s.text for s in document.sentences if CREDIT.match(s.text)] == []
    assert not LICENCE_WORDS.search(document.text[document.body_start : document.body_end])
    assert document.text[: document.body_start].count("START OF TH") == 1


@pytest.mark.parametrize(
    ("file_name", "title", "first_words", "last_words"),
    [
        ("pride-and-prejudice.txt", "Pride and Prejudice", "PRIDE AND PREJUDICE", "uniting them."),
        ("a-christmas-carol.txt", "A Christmas Carol", "A CHRISTMAS CAROL", "Every One!"),
        ("romeo-and-juliet.txt", "Romeo and Juliet", "THE TRAGEDY OF", "[_Exeunt._]"),
        ("the-yellow-wallpaper.txt", "The Yellow Wallpaper", "THE YELLOW", "every time!"),
        ("cinderella.txt", "Cinderella", "[Illustration]", "beautiful and grand."),
        ("frankenstein.txt", "Frankenstein", "Frankenstein;", "and distance."),
        ("little-red-riding-hood.txt", "Grimms\u2019 Fairy Tales", "LITTLE RED-CAP", "her again."),
    ],
)
def test_body_and_title(story, file_name: str, title: str, first_words: str, last_words: str):
    document = story(file_name)
    body = document.text[document.body_start : document.body_end]
    assert document.title == title
    assert body.startswith(first_words)
    assert body.endswith(last_words)


def test_body_word_count_is_close_to_the_words_between_the_markers(story) -> None:
    # The data README counts 121,584 words between the markers, credit line included.
    assert 121_500 <= story("pride-and-prejudice.txt").word_count <= 121_584


def test_older_small_print_markers() -> None:
    document = read_story(FIXTURES / "old-gutenberg-small-print.txt")
    assert document.title == "The Clockmaker's Daughter"
    assert document.sentences[0].text.startswith("The clockmaker's daughter wound")
    assert document.sentences[-1].text.endswith("footprints of the night.")


def test_older_start_marker_and_credit() -> None:
    document = read_story(FIXTURES / "old-gutenberg-start.txt")
    assert document.title == "The Ferryman"
    body = document.text[document.body_start : document.body_end]
    assert body.startswith("THE FERRYMAN")
    assert body.endswith("all the same.")


def test_title_found_after_a_lost_line_break() -> None:
    text = (
        "online at www.gutenberg.orgTitle: The Quiet House\n\nAuthor: Nobody\n\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK THE QUIET HOUSE ***\n\n"
        "The house was quiet.\n\n*** END OF THIS PROJECT GUTENBERG EBOOK THE QUIET HOUSE ***\n"
    )
    frame = find_body(text)
    assert frame.title == "The Quiet House"
    assert text[frame.body_start : frame.body_end] == "The house was quiet."


def test_text_without_markers_is_all_body() -> None:
    text = "\n\nTitle: not a header\n\nThe whole text is the story.\n"
    document = parse_document(text, name="plain.txt")
    assert document.text[document.body_start : document.body_end] == text.strip()
    assert document.title == "Plain"
