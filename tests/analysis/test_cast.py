"""Tests for the cast finder: small hand-made texts for each rule, then the shared stories."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyscore.analysis.cast import CastResult, find_cast
from storyscore.analysis.model import Character
from storyscore.ingest import read_story


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


def test_screenplay_cues_read_as_plain_text_name_the_speakers() -> None:
    lines = [
        "EXT. PARK--DAY",
        "CYBER BOB, 40, a white man, strolls through the park.",
        "BOB Hi hello.",
        "MARGARET Hiii.",
        "Okay, the dog barks at them.",
        "BOB Okay then.",
        "MARGARET Wait what?",
        "BOB Uh, sure.",
        "They walk on.",
        "BOB WHAT THE HECK?!",
    ]
    result = find_cast(lines)
    names = {c.name for c in result.cast}
    assert {"Bob", "Margaret"} <= names
    assert not names & {"Okay", "Wait", "Uh", "Ext", "Park"}
    bob = index_of(result, "Bob")
    assert bob in result.presence[2] and bob not in result.presence[3]
    assert bob in result.presence[9]


def test_given_speakers_name_the_cast_and_a_spoken_noun_is_a_description() -> None:
    sentences = [
        "Yorblef climbs to the peak.",
        "Huh.",
        "The guru says nothing.",
        "People are always upset about something.",
        "Yeah, I know, right?",
        "The guru laughs.",
        "Okay, you got me.",
    ]
    speakers = [None, "YORBLEF", None, "GURU", "YORBLEF (CONT'D)", None, "YORBLEF"]
    result = find_cast(sentences, speakers=speakers)
    assert [c.name for c in result.cast] == ["Yorblef", "The Guru"]
    yorblef, guru = index_of(result, "Yorblef"), index_of(result, "The Guru")
    assert yorblef in result.presence[1] and yorblef in result.presence[4]
    assert guru in result.presence[3] and guru in result.presence[5]
    assert "Okay" not in {c.name for c in result.cast}


LAMPLIGHTER_LIKE = [
    "Nell lit the lamps of Saltmere every evening.",
    "She began at the fish market and came last to Tanner's Row.",
    "On the corner of Tanner's Row, Elias met her.",
    "He made her a map of Saltmere.",
    "Nell laughed at the map.",
    "The broken lamp on Tanner's Row was mended.",
    "\u201cThe map of Saltmere is finished,\u201d said Elias.",
    "On the shelf stood the Wainwright clock.",
    "Elias wound the Wainwright clock.",
    "Nell said the Wainwright clock was slow.",
]


def test_streets_after_a_possessive_and_places_after_noun_of_are_not_cast() -> None:
    names = {c.name for c in find_cast(LAMPLIGHTER_LIKE).cast}
    assert {"Nell", "Elias"} <= names
    assert not names & {"Row", "Tanner", "Saltmere"}


def test_a_name_that_never_acts_speaks_or_takes_a_pronoun_is_not_cast() -> None:
    names = {c.name for c in find_cast(LAMPLIGHTER_LIKE).cast}
    assert "Wainwright" not in names


def test_a_first_person_narrator_is_cast_and_named_by_how_others_address_them() -> None:
    sentences = [
        "I was born in Geneva, and my family was one of the first of that republic.",
        "My father loved me and I loved him.",
        "\u201cMy dear Victor,\u201d said Elizabeth, \u201cyou must rest.\u201d",
        "I could not rest; I walked out into the night.",
        "Elizabeth followed me to the door.",
        "\u201cVictor, come back!\u201d she cried.",
        "I did not answer her.",
        "\u201cDearest Victor, what is the matter?\u201d",
        "My heart was heavy.",
        "\u201cPoor Victor,\u201d said Elizabeth.",
        "I went to bed.",
        "\u201cGood night, Victor.\u201d",
        "I slept badly.",
        "\u201cI shall stay here,\u201d said Elizabeth to her maid.",
    ]
    result = find_cast(sentences)
    victor = by_name(result, "Victor")
    assert "the narrator" in victor.aliases
    assert result.cast[0] is victor
    first = index_of(result, "Victor")
    assert first in result.presence[1] and first in result.presence[12]
    assert first not in result.presence[13]  # Elizabeth's "I" is not the narrator's


def test_a_third_person_story_has_no_narrator() -> None:
    result = find_cast(AUSTEN_LIKE)
    assert not naming(result, "the narrator")
    assert not naming(result, "The Narrator")


def test_the_spirit_is_the_ghost_named_last_and_synonyms_are_one_character() -> None:
    sentences = [
        "The Ghost stood by the bed.",  # 0 before any named ghost: a ghost of its own
        "The Ghost wailed and Scrooge trembled.",  # 1
        "\u201cI am the Ghost of Christmas Past,\u201d said the Spirit.",  # 2
        "The Spirit took Scrooge by the hand.",  # 3
        "Scrooge followed the Phantom.",  # 4
        "\u201cI am the Ghost of Christmas Present,\u201d said the Spirit.",  # 5
        "The Spirit laughed.",  # 6
        "Scrooge looked at the Ghost.",  # 7
        "The Ghost of Christmas Past was gone.",  # 8
        "The Ghost of Christmas Present rose.",  # 9
    ]
    result = find_cast(sentences)
    past = index_of(result, "The Ghost of Christmas Past")
    present = index_of(result, "The Ghost of Christmas Present")
    assert all(past in result.presence[i] for i in (2, 3, 4))
    assert all(present in result.presence[i] for i in (5, 6, 7))
    assert present not in result.presence[3] and past not in result.presence[6]
    assert {"the spirit", "the phantom"} <= {a.lower() for a in result.cast[past].aliases}
    assert all(past not in result.presence[i] and present not in result.presence[i] for i in (0, 1))


def test_synonymous_descriptions_are_one_character() -> None:
    sentences = [
        "The monster fled into the mountains.",
        "I followed the fiend for days.",
        "The daemon left marks on the trees.",
        "The monster spoke at last.",
        "The fiend laughed at me.",
        "The monster was gone.",
    ]
    cast = find_cast(sentences).cast
    monsters = [c for c in cast if {"the fiend", "the daemon"} & {c.name.lower(), *c.aliases}]
    assert len(monsters) == 1
    assert monsters[0].name == "The Monster"


def test_an_old_man_and_a_young_man_are_two_characters() -> None:
    sentences = [
        "The old man sat by the fire.",
        "The young man brought wood.",
        "The old man thanked him.",
        "The young man smiled.",
        "The old man slept.",
    ]
    names = {c.name for c in find_cast(sentences).cast}
    assert {"The Old Man", "The Young Man"} <= names


def test_a_godmother_is_cast_without_the() -> None:
    sentences = [
        "Her godmother came to the kitchen.",
        "Ella wept.",
        "Her godmother touched the pumpkin with her wand.",
        "Ella thanked her godmother.",
    ]
    names = {c.name for c in find_cast(sentences).cast}
    assert {"The Godmother", "Ella"} <= names


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


def test_a_christmas_carol_tells_the_spirits_apart(casts) -> None:
    names = [c.name for c in casts["carol"].cast]
    for spirit in ("Past", "Present", "Yet To Come"):
        assert f"The Ghost of Christmas {spirit}" in names, names
    assert "The Spirit" not in names


def test_frankenstein_casts_its_narrator_as_victor_frankenstein(casts) -> None:
    victor = casts["frankenstein"].cast[0]
    assert {victor.name, *victor.aliases} >= {"Victor", "Frankenstein", "the narrator"}
    assert victor.gender == "male"
    monster = naming(casts["frankenstein"], "the monster")
    assert len(monster) == 1 and "the fiend" in {monster[0].name.lower(), *monster[0].aliases}


def test_the_yellow_wallpaper_casts_its_nameless_narrator(casts) -> None:
    assert casts["wallpaper"].cast[0].name == "The Narrator"
    assert casts["wallpaper"].cast[1].name == "John"


def test_the_example_story_casts_its_people_not_its_town_or_streets() -> None:
    example = Path(__file__).resolve().parents[2] / "examples"
    document = read_story(example / "the-lamplighter-and-the-cartographer.md")
    names = [c.name for c in find_cast([s.text for s in document.sentences]).cast]
    assert names[:2] == ["Nell", "Elias"]
    assert {"Marta", "Brandt"} <= set(names)
    assert not set(names) & {"Row", "Saltmere", "Tanner", "Gull Street", "Rope Lane"}


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


# --- the cast evaluation (eval/cast.py) on short works ------------------------------------------

EVAL_SCRIPT = Path(__file__).resolve().parents[2] / "eval" / "cast.py"


@pytest.fixture(scope="module")
def cast_eval():
    """eval/cast.py, which is a script and not a package, imported from its file."""
    spec = importlib.util.spec_from_file_location("storyscore_eval_cast", EVAL_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["storyscore_eval_cast"] = module
    spec.loader.exec_module(module)
    return module


def test_the_metric_counts_a_split_or_merged_character_once(cast_eval) -> None:
    key = [
        cast_eval.KeyCharacter("Victor Frankenstein", ("Victor", "Frankenstein")),
        cast_eval.KeyCharacter("Elizabeth Lavenza", ("Elizabeth",)),
        cast_eval.KeyCharacter("the creature", ("the monster", "the fiend")),
    ]
    split = [
        Character("Victor", (), 50),
        Character("Frankenstein", (), 40),  # the same man again
        Character("The Monster", ("the fiend",), 30),
        Character("Geneva", (), 20),  # not a character
    ]
    score = cast_eval.score_work("split", key, split)
    assert (score.found, score.key_top) == (2, 3)
    assert score.missed == ("Elizabeth Lavenza",)
    assert (score.correct, score.detected_top) == (2, 4)
    assert score.wrong == ("Frankenstein", "Geneva")
    merged = [Character("Victor", ("Elizabeth",), 90)]
    assert cast_eval.score_work("merged", key, merged).found == 1
    assert cast_eval.normalise("The  Ghost of Mr. Marley") == "ghost of mr marley"


SHORT_WORKS = (
    "stories/the-yellow-wallpaper.txt",
    "screenplays/ascent-to-guru-peak.fountain",
    "screenplays/cyber-bob-ep04-great-fake-lincoln-debate.fountain",
)


def test_short_works_meet_the_cast_targets(cast_eval) -> None:
    scores = cast_eval.evaluate(only=SHORT_WORKS)
    assert len(scores) == len(SHORT_WORKS)
    recall, precision = cast_eval.overall(scores)
    assert recall >= cast_eval.RECALL_TARGET, cast_eval.report(scores)
    assert precision >= cast_eval.PRECISION_TARGET, cast_eval.report(scores)
