"""Tests for the cast finder: small hand-made texts for each rule, then the shared stories."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from storyscore.analysis.cast import CastResult, find_cast
from storyscore.analysis.model import Character


def by_name(result: CastResult, name: str) -> Character:
    matches = [c for c in result.cast if c.name == name]
    assert matches, f"{name!r} not in cast {[c.name for c in result.cast]}"
    return matches[0]


def naming(result: CastResult, name: str) -> list[Character]:
    """The cast members called ``name``, by their canonical name or an alias."""
    return [c for c in result.cast if c.name == name or name in c.aliases]


def index_of(result: CastResult, name: str) -> int:
    return [c.name for c in result.cast].index(name)


# --- hand-made texts ---------------------------------------------------------------------------

AUSTEN_LIKE = [
    "Elizabeth Bennet was the second daughter of the family.",
    "Her father called her Lizzy when he was pleased with her.",
    "Elizabeth laughed at the letter.",
    "Mrs. Bennet scolded Elizabeth for laughing.",
    "\u201cLizzy, you must be civil,\u201d said Mrs. Bennet.",
    "Mrs. Bennet told Elizabeth to smile at the officers.",
    "Sir William bowed and called her Eliza.",
    "Elizabeth walked to the window.",
    "Mr. Darcy stood by the fire.",
    "Darcy said nothing to anyone.",
    "The master of a great estate was Fitzwilliam Darcy.",
    "Elizabeth thought Darcy very proud.",
    "Mr. Darcy looked at Elizabeth.",
]


def test_aliases_of_one_person_merge_into_one_character() -> None:
    result = find_cast(AUSTEN_LIKE)
    elizabeth = by_name(result, "Elizabeth")
    assert {"Lizzy", "Eliza", "Elizabeth Bennet"} <= set(elizabeth.aliases)
    darcy = naming(result, "Darcy")
    assert len(darcy) == 1
    assert {"Mr. Darcy", "Fitzwilliam Darcy"} <= {darcy[0].name, *darcy[0].aliases}
    assert elizabeth.gender == "female"
    assert darcy[0].gender == "male"


def test_a_mother_named_beside_her_daughter_stays_a_separate_character() -> None:
    result = find_cast(AUSTEN_LIKE)
    mother = by_name(result, "Mrs. Bennet")
    assert "Elizabeth" not in mother.aliases
    assert "Mrs. Bennet" not in by_name(result, "Elizabeth").aliases


def test_canonical_name_is_the_most_frequent_form() -> None:
    sentences = [
        "Mr. Scrooge counted his coins.",
        "Scrooge was a tight-fisted hand at the grindstone.",
        "Nobody ever stopped Scrooge in the street.",
        "Scrooge replied that he would not.",
        "The register was signed by Ebenezer Scrooge.",
    ]
    scrooge = find_cast(sentences).cast[0]
    assert scrooge.name == "Scrooge"
    assert {"Mr. Scrooge", "Ebenezer Scrooge"} <= set(scrooge.aliases)
    assert scrooge.gender == "male"


def test_a_shared_surname_does_not_swallow_its_family() -> None:
    sentences = [
        "Mr. Bennet was reading in his library.",
        "Mrs. Bennet hurried in with the news.",
        "Mr. Bennet did not look up from his book.",
        "Mrs. Bennet cried that she would faint.",
        "Jane Bennet smiled at her sister.",
        "Elizabeth Bennet laughed.",
        "Miss Bennet was the prettiest of the family.",
        "Jane and Elizabeth went out to walk.",
        "Mrs. Bennet sent for Mr. Bennet again.",
    ]
    result = find_cast(sentences)
    mr, mrs = by_name(result, "Mr. Bennet"), by_name(result, "Mrs. Bennet")
    assert mr.gender == "male" and mrs.gender == "female"
    for character in result.cast:
        forms = {character.name, *character.aliases}
        assert not {"Mr. Bennet", "Mrs. Bennet"} <= forms
        assert not ({"Mrs. Bennet"} & forms and {"Jane", "Elizabeth"} & forms)
    # "Miss Bennet" could be either sister: it is not joined to one of them.
    assert not naming(result, "Jane") or "Miss Bennet" not in naming(result, "Jane")[0].aliases


def test_a_surname_of_two_sisters_joins_neither_even_the_heroine() -> None:
    sentences = [
        "Elizabeth Elliot was the eldest and the proudest.",
        # The heroine's full name is far more frequent than her sister's.
        *[f"Nobody listened to Anne Elliot on day {n}." for n in range(1, 9)],
        "Miss Elliot gave orders to the servants.",
        "Everyone admired Elizabeth Elliot at the ball.",
        "Anne sat by the fire and read.",
        "Miss Elliot would not hear of it.",
        "Anne smiled at the children.",
    ]
    result = find_cast(sentences)
    anne = by_name(result, "Anne Elliot")
    assert "Anne" in anne.aliases
    assert "Miss Elliot" not in anne.aliases
    assert "Miss Elliot" in {c.name for c in result.cast}


def test_kin_words_without_the_count_only_for_a_role_the_story_names_with_the() -> None:
    sentences = [
        "The grandmother lived in the wood.",  # 0
        "Mary loved her grandmother dearly.",  # 1 "her grandmother" counts
        "The grandmother was ill.",  # 2
        "Her father worked in the town.",  # 3
        "Mary took cake to her grandmother.",  # 4
        "Her father said nothing.",  # 5
        "The father was a quiet man.",  # 6
        "She thought of her father.",  # 7
        "Her father came home late.",  # 8
        "Her father ate his supper.",  # 9
        "The father went to bed.",  # 10
        "Her father slept.",  # 11
        "Her father woke early.",  # 12
    ]
    result = find_cast(sentences)
    grandmother = index_of(result, "The Grandmother")
    assert grandmother in result.presence[1] and grandmother in result.presence[4]
    father = index_of(result, "The Father")
    assert father in result.presence[6] and father in result.presence[10]
    assert all(father not in result.presence[i] for i in (3, 5, 12))


def test_a_nickname_does_not_join_a_titled_namesake() -> None:
    sentences = [
        "Lady Catherine sat in state.",
        "Lady Catherine spoke of her daughter.",
        "Kitty coughed in the corner.",
        "Mrs. Bennet told Kitty to stop coughing.",
        "Lady Catherine frowned at the noise.",
        "Kitty ran upstairs.",
    ]
    result = find_cast(sentences)
    assert "Kitty" not in by_name(result, "Lady Catherine").aliases
    assert by_name(result, "Kitty").gender == "female"


def test_pronouns_carry_presence_for_a_few_sentences() -> None:
    sentences = [
        "Alice sat by the river with her book.",  # 0 Alice named
        "She was getting very tired.",  # 1 she -> Alice
        "The day was hot.",  # 2 nobody
        "She thought of picking daisies.",  # 3 she -> Alice (within reach)
        "Bob came along the bank.",  # 4 Bob named
        "He waved at her.",  # 5 he -> Bob, her -> Alice
        "The water ran on.",  # 6
        "The birds sang.",  # 7
        "The clouds passed.",  # 8
        "The wind rose.",  # 9
        "He was gone.",  # 10 too long since Bob: nobody
        "Alice saw Bob again.",  # 11
    ]
    result = find_cast(sentences)
    alice, bob = index_of(result, "Alice"), index_of(result, "Bob")
    assert result.cast[alice].gender == "female"
    assert result.cast[bob].gender == "male"
    assert alice in result.presence[1] and alice in result.presence[3]
    assert result.presence[2] == ()
    assert set(result.presence[5]) == {alice, bob}
    assert bob not in result.presence[10]
    assert result.presence[11] == tuple(sorted((alice, bob)))
    assert all(list(here) == sorted(here) for here in result.presence)
    assert result.cast[alice].mentions == sum(alice in here for here in result.presence)


def test_a_new_woman_named_takes_over_she() -> None:
    sentences = [
        "Anna opened the door.",
        "Mary stood outside.",
        "She was soaked by the rain.",
        "Anna let her in.",
        "Mary smiled.",
    ]
    result = find_cast(sentences)
    anna, mary = index_of(result, "Anna"), index_of(result, "Mary")
    assert mary in result.presence[2]
    assert anna not in result.presence[2]


def test_nameless_characters_are_cast_by_their_description() -> None:
    sentences = [
        "Once there was a little girl who lived by the forest.",
        "The little girl took a basket to her grandmother.",
        "In the forest the wolf was waiting.",
        "He licked his lips.",
        "\u2018Where are you going?\u2019 said the wolf.",
        "He smiled with all his teeth.",
        "The girl told him everything.",
        "The wolf ran ahead to the cottage.",
        "The grandmother was asleep when the wolf came in.",
        "The girl knocked at the door.",
    ]
    result = find_cast(sentences)
    names = [c.name for c in result.cast]
    assert "The Wolf" in names
    assert "The Little Girl" in names or "The Girl" in names
    assert by_name(result, "The Wolf").gender == "male"
    girl = naming(result, "the girl") or naming(result, "the little girl")
    assert girl and girl[0].gender == "female"


def test_places_months_and_interjections_are_not_cast() -> None:
    sentences = [
        "In March the family went to London.",
        "Oh, how Emma loved London in the spring!",
        "Emma walked through London with her brother.",
        "Well, Emma thought, London is very large.",
        "They stayed at Hartfield until May.",
        "Emma wrote from Hartfield on Monday.",
        "Yes, Emma was happy at Hartfield.",
        "But by June they were back in London.",
        "God bless the English, said Emma.",
        "Chapter Two began with Emma at London.",
    ]
    names = {c.name for c in find_cast(sentences).cast}
    assert "Emma" in names
    assert not names & {"London", "Hartfield", "March", "May", "June", "Monday", "Oh", "Well"}
    assert not names & {"Yes", "But", "God", "English", "Chapter", "Chapter Two", "They"}


def test_a_capital_only_at_sentence_start_is_not_a_name() -> None:
    sentences = [
        "Suddenly the door opened.",
        "Suddenly Tom came in.",
        "Nobody saw Tom arrive.",
        "Tom sat down.",
    ]
    names = {c.name for c in find_cast(sentences).cast}
    assert names == {"Tom"}


def test_speech_attribution_makes_a_name_seen_only_at_sentence_start() -> None:
    sentences = [
        "\u201cGo away,\u201d said Marlow.",
        "\u201cI will not,\u201d Quilp replied.",
        "Quilp laughed.",
        "\u201cThen stay,\u201d Marlow answered.",
    ]
    names = {c.name for c in find_cast(sentences).cast}
    assert {"Marlow", "Quilp"} <= names


def test_play_speakers_stay_present_through_their_speech() -> None:
    lines = [
        "ACT I. Scene I. A street.",  # 0
        "Enter Romeo and Benvolio.",  # 1
        "ROMEO.",  # 2
        "Good morrow, cousin.",  # 3
        "What sadness lengthens my hours?",  # 4
        "BENVOLIO.",  # 5
        "Is the day so young?",  # 6
        "ROMEO.",  # 7
        "Not having that which makes them short.",  # 8
        "BENVOLIO.",  # 9
        "In love?",  # 10
    ]
    result = find_cast(lines)
    romeo, benvolio = index_of(result, "Romeo"), index_of(result, "Benvolio")
    assert romeo in result.presence[3] and romeo in result.presence[4]
    assert benvolio in result.presence[6] and romeo not in result.presence[6]
    assert result.presence[1] == tuple(sorted((romeo, benvolio)))


def test_max_cast_limits_the_cast_and_presence_follows() -> None:
    result = find_cast(AUSTEN_LIKE, max_cast=1)
    assert [c.name for c in result.cast] == ["Elizabeth"]
    assert all(here in ((), (0,)) for here in result.presence)
    assert find_cast(AUSTEN_LIKE, max_cast=0).cast == ()


def test_a_text_without_names_gives_a_small_cast_or_none() -> None:
    sentences = [
        "It rained all day.",
        "The streets were empty and the shops were closed.",
        "Somewhere a clock struck three.",
        "Nothing else happened.",
    ]
    result = find_cast(sentences)
    assert len(result.cast) <= 1
    assert len(result.presence) == len(sentences)


def test_empty_input_gives_an_empty_cast() -> None:
    assert find_cast([]) == CastResult(cast=(), presence=())
    assert find_cast(["", "   "]) == CastResult(cast=(), presence=((), ()))


def test_same_input_gives_the_same_result() -> None:
    assert find_cast(AUSTEN_LIKE) == find_cast(list(AUSTEN_LIKE))


def test_result_does_not_depend_on_the_hash_seed(story_sentences) -> None:
    """Sets of strings iterate in a per-process order; the cast must not follow it."""
    sentences = [*story_sentences(STORIES["red-cap"]), *AUSTEN_LIKE]
    script = (
        "import json, sys\n"
        "from storyscore.analysis.cast import find_cast\n"
        "print(repr(find_cast(json.load(sys.stdin), max_cast=20)))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(sentences),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert "The Wolf" in outputs.pop()


# --- the shared stories ------------------------------------------------------------------------

STORIES = {
    "pride": "pride-and-prejudice.txt",
    "carol": "a-christmas-carol.txt",
    "alice": "alices-adventures-in-wonderland.txt",
    "cinderella": "cinderella.txt",
    "red-cap": "little-red-riding-hood.txt",
    "romeo": "romeo-and-juliet.txt",
    "frankenstein": "frankenstein.txt",
    "wallpaper": "the-yellow-wallpaper.txt",
}


@pytest.fixture(scope="module")
def casts(story_sentences) -> dict[str, CastResult]:
    return {key: find_cast(story_sentences(file)) for key, file in STORIES.items()}


def top(result: CastResult, count: int) -> list[Character]:
    return list(result.cast[:count])


def named_in(characters: list[Character], name: str) -> bool:
    return any(c.name == name or name in c.aliases for c in characters)


def test_pride_and_prejudice(casts) -> None:
    result = casts["pride"]
    assert named_in(top(result, 3), "Elizabeth")
    assert named_in(top(result, 3), "Darcy")
    for name in ("Jane", "Bingley", "Mrs. Bennet", "Wickham"):
        assert named_in(top(result, 8), name), name
    elizabeth = next(c for c in result.cast if c.name == "Elizabeth")
    assert {"Lizzy", "Eliza"} <= set(elizabeth.aliases)
    mrs = next(c for c in result.cast if c.name == "Mrs. Bennet")
    assert "Mr. Bennet" not in mrs.aliases
    assert all(not {"Mr. Bennet", "Mrs. Bennet"} <= {c.name, *c.aliases} for c in result.cast)


def test_a_christmas_carol_has_scrooge_first(casts) -> None:
    assert casts["carol"].cast[0].name == "Scrooge"


def test_alice_has_alice_first(casts) -> None:
    assert casts["alice"].cast[0].name == "Alice"


def test_cinderella_casts_cinderella_and_the_prince(casts) -> None:
    names = [c.name for c in casts["cinderella"].cast]
    assert names[0] == "Cinderella"
    assert "The Prince" in names


def test_little_red_cap_casts_red_cap_and_the_wolf(casts) -> None:
    cast = casts["red-cap"].cast
    assert named_in(list(cast), "Red-Cap") or named_in(list(cast), "Little Red-Cap")
    assert named_in(list(cast), "The Wolf")


def test_romeo_and_juliet_has_both(casts) -> None:
    leads = top(casts["romeo"], 2)
    assert {c.name for c in leads} == {"Romeo", "Juliet"}


# Places, dates and nations that each story writes with a capital (checked against the texts).
NOT_PEOPLE = {
    "pride": {"Longbourn", "Netherfield", "Meryton", "Pemberley", "London", "Brighton", "Rosings",
              "Hertfordshire", "Derbyshire", "Kent", "Lambton", "Hunsford", "Bath"},
    "carol": {"Christmas", "Christmas Eve", "Christmas Day", "London", "Camden Town", "Cornhill"},
    "alice": {"Wonderland", "London", "Paris", "Rome", "New Zealand", "Australia", "March", "May"},
    "cinderella": {"Palace", "Royal Palace", "Hall"},
    "red-cap": set(),  # the tale names no place; only the months are checked
    "romeo": {"Verona", "Mantua", "Montagues", "Capulets", "Lammas"},
    "frankenstein": {"Geneva", "Ingolstadt", "England", "Scotland", "London", "Paris",
                     "Switzerland", "Chamounix", "Mont Blanc", "Arve", "Orkneys", "December"},
    "wallpaper": {"Weir Mitchell", "Fourth", "Mitchell"},
}  # fmt: skip
MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(STORIES))
def test_no_place_or_month_in_any_top_eight(casts, key) -> None:
    forms = {form for c in casts[key].cast for form in (c.name, *c.aliases)}
    assert not forms & (NOT_PEOPLE[key] | MONTHS)


def test_presence_covers_every_sentence_and_matches_mentions(casts, story_sentences) -> None:
    for key, file in STORIES.items():
        result = casts[key]
        assert len(result.presence) == len(story_sentences(file))
        for position, character in enumerate(result.cast):
            assert character.mentions == sum(position in here for here in result.presence)
        assert [c.mentions for c in result.cast] == sorted(
            (c.mentions for c in result.cast), reverse=True
        )
