"""Find who is in a story: names and their aliases, nameless heroes, and where each one is present.

The method is heuristic and reads only the text it is given:

1. *Words.* Each sentence is cut into words; a capital is *forced* where the position asks for
   one (sentence or quotation start, after a screenplay cue), and such a word only counts as a
   name if the same word is also capitalised elsewhere mid-sentence, is a common first name or
   a cue's name, or is attached to a speech verb ("Scrooge replied"). Quotation marks are
   followed from sentence to sentence, so each word knows whether a character says it.
2. *Names.* Runs of name words, optionally led by a title ("Mr. Darcy", "Lady Catherine de
   Bourgh"), names made of a person noun and "of" ("the Ghost of Christmas Past"), and the
   speakers of plays ("ROMEO.") and screenplays (a cue given with the sentence, or "BOB Hi."
   in plain text) are the candidate names. Function words, months, holidays, nationalities,
   words far more often lowercase, and places (names behind "in/at/to/from" or "the lamps of"
   that never speak, runs ending in "Park", "Lodge", "-shire", streets after a possessive:
   "Tanner's Row") are dropped.
3. *Nameless characters.* "the wolf", "the little girl", "the prince" become characters when a
   person or animal noun is repeated with "the" (or is a screenplay's speaker: "the guru");
   kin words also count as "her grandmother"; "the old man" and "the young man" are two.
   Synonyms are one character ("the fiend", "the monster"), and a description goes to the name
   it stands for ("the Spirit" to the Ghost of Christmas named last before it).
4. *The narrator.* A story told in the first person casts its narrator, present wherever the
   narration says "I"; the name the other characters address them by names them ("Victor").
5. *Aliases.* Forms merge from the most specific to the least ("Ebenezer Scrooge" before
   "Scrooge"): the words must match (same name, first name, surname, or a diminutive such as
   "Lizzy"), gender and marital titles must agree, and forms often named in one sentence are
   two people. A surname shared by several people of one gender ("Miss Bennet") joins none of
   them; among several fitting characters the pronouns after the form, or a character named
   far more often than the others, decide, and otherwise the form stays a character of its own.
6. *Presence.* A character is present where any alias appears; "she"/"he" carry the woman/man
   named first in the latest sentence that names one on for up to three sentences, and a play's
   speaker stays present through the speech. Mentions count the sentences where a character is
   present; the cast is ranked by them. A name that never speaks, never acts as the subject of
   a verb, never has a title and is never followed by "he" or "she" is not cast.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from storyscore.analysis.model import Character
from storyscore.analysis.names import (
    ABBREVIATED_HONORIFICS,
    ADDRESS_WORDS,
    AGE_MODIFIERS,
    ARTICLES,
    CALENDAR_WORDS,
    COMMON_VERBS,
    DESCRIPTION_MODIFIERS,
    DESCRIPTION_SYNONYMS,
    DIMINUTIVES,
    FEMALE_NAMES,
    FEMALE_PRONOUNS,
    FIRST_PERSON_PRONOUNS,
    FUNCTION_WORDS,
    HOLIDAYS,
    HONORIFICS,
    KIN_NOUNS,
    LOCATIVE_PREPOSITIONS,
    MALE_NAMES,
    MALE_PRONOUNS,
    MARITAL_HONORIFICS,
    MONTHS,
    NAME_PARTICLES,
    NATIONALITIES,
    OTHER_PRONOUNS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    POSSESSIVE_DETERMINERS,
    ROLE_KIN_NOUNS,
    SCREEN_DIRECTIONS,
    SPEECH_VERBS,
    SUBJECT_ADVERBS,
    SURNAME_HONORIFICS,
    WEEKDAYS,
    Gender,
)

# Curly quotes are written as escapes (\u2018 and \u2019 single, \u201c double) so that the
# source stays plain ASCII; ``re`` reads the escapes inside raw patterns.
_GAP_AND_WORD = re.compile(r"([\W\d_]*)([^\W\d_]+(?:['\u2019\-][^\W\d_]+)*)")
_TRAILING = re.compile(r"[\W\d_]+$")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_POSSESSIVE_ENDINGS = ("'s", "\u2019s")
_CONTRACTION = re.compile(r"^[^\W\d_]+['\u2019](?:m|ll|ve|re|d|t|s)$")
_SENTENCE_BREAK = frozenset(".!?:")
_OPENERS = frozenset("\u2018\u201c\"'([_")
_OPENING_QUOTES = frozenset("\u2018\u201c")
_CLOSING_QUOTES = frozenset("\u2019\u201d")
_STRAIGHT_QUOTES = frozenset("\"'")
_CUE = re.compile(r"^([A-Z][A-Z'\u2019\-]*[A-Z](?: [A-Z][A-Z'\u2019\-]*[A-Z]){0,2})\.$")

_PARENTHETICAL = re.compile(r"\([^)]*\)")
_LETTERS = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")

# A text is a play when at least this share of its sentences are speaker cues ("ROMEO.").
PLAY_CUE_SHARE = 0.05
# Kin words count without "the" ("her grandmother") when this share of their uses has "the".
KIN_DEFINITE_SHARE = 0.25
# A pronoun keeps a character present this many sentences after its last reference.
PRONOUN_REACH = 3
# A screenplay cue has at most this many words ("LADY CAPULET", "FIRST WATCH").
CUE_WORDS = 3
# A play's speaker stays present through the speech, up to this many sentences.
SPEECH_REACH = 30
# A capitalised word this many times more often lowercase is an ordinary word.
LOWERCASE_DOMINANCE = 2
# An ambiguous short name goes to a character this many times more often named than the rest.
ALIAS_DOMINANCE = 4
# How well a form fits a character, weakest first.
NO_MATCH, SURNAME_MATCH, FIRST_NAME_MATCH, SAME_NAME_MATCH = range(4)
# Two forms named together in this share of their sentences are two people.
TOGETHER_SHARE = 0.08
# A character named in fewer than this share of the sentences is not main cast (at least 2).
MENTION_FLOOR_SHARE = 1 / 400
# A story is told in the first person when its narration says "I" in this share of sentences.
FIRST_PERSON_SHARE = 0.4
# A name is the narrator's when at least this many, and this share, of its mentions address
# the bearer (others name a first-person narrator mostly when they speak to them).
NARRATOR_ADDRESS_MIN = 5
NARRATOR_ADDRESS_SHARE = 1 / 3


@dataclass(frozen=True, slots=True)
class CastResult:
    """The main cast, most salient first, and per sentence the indices into ``cast`` present."""

    cast: tuple[Character, ...]
    presence: tuple[tuple[int, ...], ...]


def find_cast(
    sentences: Sequence[str],
    *,
    max_cast: int = 8,
    speakers: Sequence[str | None] = (),
) -> CastResult:
    """Find the main characters of a story and the sentences where each is present.

    Parameters
    ----------
    sentences
        The story's sentences in order, as plain strings.
    max_cast
        The most characters to return.
    speakers
        Per sentence, who says it where the source tells (a screenplay's cue, as written);
        None or missing for the others.
    """
    words = _tokenise_all(sentences)
    stats = _WordStats.collect(words)
    mentions = _name_mentions(sentences, words, stats, speakers)
    mentions = _without_one_off_extensions(_without_places(mentions, words, stats))
    heads = _description_heads(mentions, stats)
    mentions = _nouns_as_descriptions(mentions, words, heads)
    mentions += _description_mentions(words, mentions, heads)
    mentions = _resolve_epithets(mentions)
    mentions += _narrator_mentions(words, mentions)
    entities = _merge_aliases(mentions, words)
    present, counts = _presence(entities, mentions, words, len(sentences))
    floor = max(2, math.ceil(len(sentences) * MENTION_FLOOR_SHARE))
    ranked = sorted(
        (
            e
            for e in range(len(entities))
            if entities[e].named >= 2 and entities[e].acting and counts[e] >= floor
        ),
        key=lambda e: (-counts[e], -entities[e].named, entities[e].name),
    )[: max(0, max_cast)]
    index = {entity: position for position, entity in enumerate(ranked)}
    cast = tuple(
        Character(
            name=entities[e].name,
            aliases=entities[e].aliases,
            mentions=counts[e],
            gender=entities[e].gender,
        )
        for e in ranked
    )
    presence = tuple(tuple(sorted(index[e] for e in here if e in index)) for here in present)
    return CastResult(cast=cast, presence=presence)


# --- words -------------------------------------------------------------------------------------


class _Word(NamedTuple):
    """One word of a sentence, with what its position says about its capital.

    A named tuple rather than a dataclass: a novel has over a hundred thousand of them.
    """

    text: str  # possessive "'s" removed
    lower: str
    titled: bool  # "Darcy", "Red-Cap"; not "I", "ROMEO" or "darcy"
    forced: bool  # a capital would be there anyway: sentence or quotation start, after a cue
    joined: bool  # only spaces (or an abbreviation's full stop) separate it from the word before
    possessive: bool
    quoted: bool  # inside quotation marks: said by a character, not by the narrator
    gap: str  # the punctuation before it, spaces removed


def name_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the cast finder cuts them, a possessive "'s" dropped: what a
    character's name or alias is matched against."""
    return tuple(_POSSESSIVE.sub("", word) for _, word in _GAP_AND_WORD.findall(text))


def _tokenise_all(sentences: Sequence[str]) -> list[list[_Word]]:
    """Cut every sentence into words, carrying the open quotation from sentence to sentence."""
    words = []
    quoted = False
    # Most words follow a single space after a word that is not all capitals: such a word
    # depends only on its spelling and the open quotation, and one (immutable) _Word serves
    # every occurrence (a novel has over 100,000 words and under 10,000 spellings).
    plain: tuple[dict[str, _Word], dict[str, _Word]] = ({}, {})
    for sentence in sentences:
        sentence_words, quoted = _tokenise(sentence, quoted, plain)
        words.append(sentence_words)
    return words


def _word(raw: str, *, forced: bool, joined: bool, quoted: bool, gap: str) -> _Word:
    """A word as written (``raw``) and where it stands, its possessive "'s" dropped."""
    possessive = raw.endswith(_POSSESSIVE_ENDINGS)
    text = raw[:-2] if possessive else raw
    titled = text[0].isupper() and not text.isupper()
    return _Word(text, text.lower(), titled, forced, joined, possessive, quoted, gap)


def _tokenise(
    sentence: str, quoted: bool, plain: tuple[dict[str, _Word], dict[str, _Word]]
) -> tuple[list[_Word], bool]:
    """The words of one sentence, and whether a quotation is still open after it;
    ``plain`` holds the plain words already made, outside and inside quotations."""
    words: list[_Word] = []
    previous: str | None = None
    shouted_start = True  # only all-capital words so far: a screenplay cue ("BOB Hi.")
    for gap_text, raw in _GAP_AND_WORD.findall(sentence):
        if gap_text == " " and not shouted_start:
            made = plain[quoted]
            word = made.get(raw)
            if word is None:
                # after a single space, not at a sentence or quotation start
                word = made[raw] = _word(raw, forced=False, joined=True, quoted=quoted, gap="")
            words.append(word)
            previous = raw
            continue
        if gap_text == " ":
            gap = ""
        else:
            gap = gap_text.strip()
            quoted = _quoted_after(gap_text, quoted, attached=previous is not None)
        if previous is None:
            forced, joined = True, False
        elif not gap or (gap == "." and _is_abbreviation(previous)):
            forced, joined = shouted_start and previous.isupper() and len(previous) > 1, True
        else:
            forced = gap[-1] in _OPENERS or not _SENTENCE_BREAK.isdisjoint(gap)
            joined = False
        shouted_start = shouted_start and raw.isupper() and not gap.strip("-'\u2019")
        words.append(_word(raw, forced=forced, joined=joined, quoted=quoted, gap=gap))
        previous = raw
    trailing = _TRAILING.search(sentence)
    if trailing is not None:
        quoted = _quoted_after(trailing.group(), quoted, attached=previous is not None)
    return words, quoted


def _quoted_after(gap: str, quoted: bool, *, attached: bool) -> bool:
    """Follow quotation marks through the punctuation between two words.

    Curly marks say which way they turn; a straight mark closes where no space parts it
    from the word before, and opens elsewhere. An apostrophe inside a word is never seen here.
    """
    for mark in gap:
        if mark.isspace():
            attached = False
        elif mark in _OPENING_QUOTES:
            quoted = True
        elif mark in _CLOSING_QUOTES:
            quoted = False
        elif mark in _STRAIGHT_QUOTES:
            quoted = not attached
    return quoted


def _is_abbreviation(word: str) -> bool:
    return word in ABBREVIATED_HONORIFICS or word == "St" or (len(word) == 1 and word.isupper())


@dataclass(frozen=True, slots=True)
class _WordStats:
    """How often each word is capitalised mid-sentence and how often it is written lowercase."""

    capitalised_mid: Counter[str]
    lowercase: Counter[str]

    @classmethod
    def collect(cls, sentences: list[list[_Word]]) -> _WordStats:
        capitalised_mid: Counter[str] = Counter()
        lowercase: Counter[str] = Counter()
        for words in sentences:
            for word in words:
                if word.titled and not word.forced:
                    capitalised_mid[word.text] += 1
                elif word.text[0].islower():
                    lowercase[word.lower] += 1
        return cls(capitalised_mid, lowercase)

    def mostly_lowercase(self, word: _Word) -> bool:
        return self.lowercase[word.lower] > LOWERCASE_DOMINANCE * self.capitalised_mid[word.text]


# --- candidate names ---------------------------------------------------------------------------

# (title without its full stop, or "" for none, or "the" for a description; the words of the name)
_Form = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Mention:
    """One occurrence of a candidate name or description in a sentence (word indices inclusive).

    A speaker given with the sentence has no words: ``first == 0`` and ``last == -1``.
    """

    sentence: int
    form: _Form
    first: int
    last: int
    cue: bool = False  # a speaker cue: the character speaks this sentence
    speech_follows: bool = False  # a play's cue line: the speech is in the next sentences
    speaker: bool = False  # attached to a speech verb
    # A description's words as written ("little girl"); for a description read as a name
    # ("the Spirit" as "Ghost of Christmas Present"), the description itself.
    surface: str = ""


def _name_mentions(
    sentences: Sequence[str],
    words: list[list[_Word]],
    stats: _WordStats,
    speakers: Sequence[str | None],
) -> list[_Mention]:
    """Names in runs of capitalised words, and the speakers of plays and screenplays.

    A play's speaker stands alone on a line ("ROMEO."); a screenplay's cue read as plain text
    runs into the first line of the speech ("BOB Hi hello."), and counts only where the same
    capitals lead a line of speech at least twice; a speaker given with the sentence counts
    as it is.
    """
    cue_lines = [_cue_words(sentence) for sentence in sentences]
    cues = Counter(cue for cue in cue_lines if cue)
    is_play = bool(cues) and sum(cues.values()) >= PLAY_CUE_SHARE * len(sentences)
    leads = [_leading_capitals(sentence_words) for sentence_words in words]
    inline = Counter(lead for lead, speech in leads if speech)
    screen_cues = [_screen_cue(lead, inline) for lead, _ in leads]
    is_screenplay = sum(1 for cue in screen_cues if cue) >= PLAY_CUE_SHARE * len(sentences)
    given = [_speaker_words(speakers[i]) if i < len(speakers) else None for i in range(len(words))]
    play_cues = [cue if is_play and cue and cues[cue] >= 2 else None for cue in cue_lines]
    inline_cues = [
        cue if is_screenplay and not given[i] else None for i, cue in enumerate(screen_cues)
    ]
    # A cue's name starts many a line of action too: "Yorblef hikes through a meadow."
    cue_names = frozenset(name for cue in (*given, *play_cues, *inline_cues) if cue for name in cue)
    mentions: list[_Mention] = []
    for index, sentence_words in enumerate(words):
        if given[index]:
            mentions.append(_cue_mention(index, given[index], 0, -1))
        if play_cues[index]:
            last = len(sentence_words) - 1
            mentions.append(_cue_mention(index, play_cues[index], 0, last, speech_follows=True))
            continue
        inline = inline_cues[index]
        if inline:
            mentions.append(_cue_mention(index, inline, 0, len(inline) - 1))
        mentions.extend(_runs(index, sentence_words, stats, cue_names))
    return _with_epithet_names(mentions, words)


def _with_epithet_names(mentions: list[_Mention], words: list[list[_Word]]) -> list[_Mention]:
    """Add the names made of a person noun and "of" ("the Ghost of Christmas Past", "the Queen
    of Hearts") that the story uses at least twice, in place of the runs inside them."""
    found = [
        mention
        for index, sentence in enumerate(words)
        for mention in _epithet_names(index, sentence)
    ]
    counts = Counter(m.form for m in found)
    kept = [m for m in found if counts[m.form] >= 2]
    covered = {(m.sentence, position) for m in kept for position in range(m.first, m.last + 1)}
    others = [
        m
        for m in mentions
        if m.cue or all((m.sentence, p) not in covered for p in range(m.first, m.last + 1))
    ]
    return sorted(others + kept, key=lambda m: (m.sentence, m.first, m.cue))


def _epithet_names(index: int, words: list[_Word]) -> list[_Mention]:
    """Capitalised person nouns followed by "of" and capitalised words, in one sentence."""
    mentions = []
    for position in range(len(words) - 2):
        word, linker = words[position], words[position + 1]
        if not (
            word.titled
            and not word.possessive
            and word.lower in PERSON_NOUNS
            and linker.lower == "of"
            and linker.joined
        ):
            continue
        tail = position + 2
        if words[tail].lower == "the" and tail + 1 < len(words) and words[tail].joined:
            tail += 1
        end = tail
        while (
            end < len(words)
            and words[end].titled
            and words[end].joined
            and not words[end].forced
            and not words[end - 1].possessive
        ):
            end += 1
        if end == tail or all(w.lower in FUNCTION_WORDS for w in words[tail:end]):
            continue
        names = tuple(w.text if w.titled else w.lower for w in words[position:end])
        mentions.append(_Mention(index, ("", names), position, end - 1))
    return mentions


def _cue_mention(
    index: int, names: tuple[str, ...], first: int, last: int, *, speech_follows: bool = False
) -> _Mention:
    form = _cue_form(names)
    surface = " ".join(names).lower() if form[0] == "the" else ""
    return _Mention(
        index,
        form,
        first,
        last,
        cue=True,
        speech_follows=speech_follows,
        surface=surface,
    )


def _cue_words(sentence: str) -> tuple[str, ...] | None:
    """The speaker of a play's cue line ("ROMEO.", "LADY CAPULET."), title-cased."""
    match = _CUE.match(sentence)
    if not match:
        return None
    return _usable_cue(match.group(1).split())


def _usable_cue(parts: Sequence[str]) -> tuple[str, ...] | None:
    """Cue words title-cased, or None where one is a function word or a screen direction."""
    names = tuple(part.capitalize() for part in parts)
    if not names or any(
        name.lower() in FUNCTION_WORDS
        or name.lower() in NATIONALITIES
        or name.lower() in SCREEN_DIRECTIONS
        for name in names
    ):
        return None
    return names


def _leading_capitals(words: list[_Word]) -> tuple[tuple[str, ...], bool]:
    """The all-capital words that open a sentence (at most :data:`CUE_WORDS`), and whether
    speech follows them: a word with small letters, with no comma between ("BOB Hi hello.";
    not "CYBER BOB, 40, a white man")."""
    lead: list[str] = []
    for word in words:
        shouted = word.text.isupper() and len(word.text) > 1 and word.lower not in FUNCTION_WORDS
        if len(lead) == CUE_WORDS or not shouted or (lead and not word.joined):
            break
        lead.append(word.text)
    if not lead:
        return (), False
    position = len(lead)
    if position < len(words) and "(" in words[position].gap:
        # "CYBER BOSS (V.O.) Follow the directions."
        position += 1
        while position < len(words) and ")" not in words[position].gap:
            position += 1
    following = words[position] if position < len(words) else None
    speech = following is not None and not following.text.isupper() and "," not in following.gap
    return tuple(lead), speech


def _screen_cue(lead: tuple[str, ...], inline: Counter[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The longest start of ``lead`` seen at least twice before speech ("YORBLEF WHAT THE")."""
    for size in range(len(lead), 0, -1):
        if inline[lead[:size]] >= 2:
            return _usable_cue(lead[:size])
    return None


def _speaker_words(speaker: str | None) -> tuple[str, ...] | None:
    """A given speaker ("CYBER BOSS (V.O.)") as cue words ("Cyber", "Boss")."""
    if not speaker:
        return None
    plain = _PARENTHETICAL.sub(" ", speaker)
    return _usable_cue(_LETTERS.findall(plain))


def _cue_form(names: tuple[str, ...]) -> _Form:
    if names[0] in HONORIFICS and len(names) > 1:
        return names[0], names[1:]
    if len(names) == 1 and names[0].lower() in PERSON_NOUNS:
        return "the", (names[0].lower(),)
    return "", names


def _runs(
    index: int, words: list[_Word], stats: _WordStats, cue_names: frozenset[str]
) -> list[_Mention]:
    """Maximal runs of name words in one sentence, each with its title if it has one."""
    valid = [
        word.titled and _is_name_word(words, position, stats, cue_names)
        for position, word in enumerate(words)
    ]
    for position in range(len(words) - 2, -1, -1):
        # A capitalised modifier joined to a name is part of it: "White Rabbit", "Tiny Tim".
        word = words[position]
        if (
            not valid[position]
            and valid[position + 1]
            and words[position + 1].joined
            and word.titled
            and not word.forced
            and not word.possessive
            and word.lower not in FUNCTION_WORDS
            and word.text not in HONORIFICS
        ):
            valid[position] = True
    mentions = []
    position = 0
    while position < len(words):
        if not valid[position]:
            position += 1
            continue
        start = end = position
        while end + 1 < len(words) and not words[end].possessive:
            following = words[end + 1]
            if following.text == words[end].text:
                break  # "Scrooge Scrooge" is the name said twice
            if valid[end + 1] and following.joined:
                end += 1
            elif (
                following.lower in NAME_PARTICLES
                and following.joined
                and end + 2 < len(words)
                and valid[end + 2]
                and words[end + 2].joined
            ):
                end += 2
            else:
                break
        title = ""
        if start > 0 and words[start].joined and _is_title(words[start - 1]):
            title = words[start - 1].text
            start -= 1
        elif (
            start > 1
            and words[start - 1].lower in NAME_PARTICLES
            and words[start].joined
            and words[start - 1].joined
            and _is_title(words[start - 2])
        ):
            title = words[start - 2].text  # "Miss de Bourgh"
            start -= 2
        names = tuple(w.text for w in words[start + (1 if title else 0) : end + 1])
        if _names_street(words, start, end):
            position = end + 2  # "Tanner's Row": the owner and the street
            continue
        if _is_name_run(names):
            speaker = _speaks(words, start, end)
            mentions.append(_Mention(index, (title, names), start, end, speaker=speaker))
        position = end + 1
    return mentions


def _names_street(words: list[_Word], start: int, end: int) -> bool:
    """Whether a run ending in a possessive names a place with the next word: "Tanner's Row",
    "St. Paul's Church"."""
    following = words[end + 1] if end + 1 < len(words) else None
    return (
        words[end].possessive
        and following is not None
        and following.joined
        and following.titled
        and following.lower in PLACE_NOUNS
    )


def _is_title(word: _Word) -> bool:
    return word.titled and word.text in HONORIFICS and not word.possessive


def _is_name_word(
    words: list[_Word], position: int, stats: _WordStats, cue_names: frozenset[str]
) -> bool:
    word = words[position]
    if not word.titled or len(word.text) < 2:
        return False
    if word.lower in FUNCTION_WORDS or word.lower in NATIONALITIES or word.text in HONORIFICS:
        return False
    if _CONTRACTION.match(word.lower):
        return False  # "I'm", "You'll"
    if _is_common_plural(word, stats):
        return False  # "Stories", "Faeries" in titles and headings
    if stats.mostly_lowercase(word):
        return False
    if word.forced and not stats.capitalised_mid[word.text]:
        return (
            _is_first_name(word.text)
            or word.text in cue_names
            or _speaks(words, position, position)
        )
    return True


def _is_first_name(text: str) -> bool:
    return text in FEMALE_NAMES or text in MALE_NAMES or text in DIMINUTIVES


def _is_common_plural(word: _Word, stats: _WordStats) -> bool:
    lower = word.lower
    if not lower.endswith("s"):
        return False
    singular = lower[:-3] + "y" if lower.endswith("ies") else lower[:-1]
    return stats.lowercase[singular] > LOWERCASE_DOMINANCE * stats.capitalised_mid[word.text]


def _speaks(words: list[_Word], first: int, last: int) -> bool:
    """Whether the run is attached to a speech verb: "said Alice", "Scrooge replied"."""
    if first > 1 and words[first - 1].lower == "the" and words[first].joined:
        first -= 1  # "said the Hatter"
    if first > 0 and words[first].joined and words[first - 1].lower in SPEECH_VERBS:
        return True
    after = words[last + 1] if last + 1 < len(words) else None
    return after is not None and after.joined and after.lower in SPEECH_VERBS


def _is_name_run(names: tuple[str, ...]) -> bool:
    """Drop dates ("Christmas Eve", "Monday") and places named by their kind ("Lucas Lodge")."""
    lowered = [name.lower() for name in names]
    if any(word in HOLIDAYS for word in lowered):
        return False
    if all(word in MONTHS or word in WEEKDAYS or word in CALENDAR_WORDS for word in lowered):
        return False
    return not _names_place(names)


def _names_place(names: tuple[str, ...]) -> bool:
    last = names[-1].lower()
    return last.endswith("shire") or (len(names) > 1 and last in PLACE_NOUNS)


def _without_places(
    mentions: list[_Mention], words: list[list[_Word]], stats: _WordStats
) -> list[_Mention]:
    """Drop untitled names used mostly as places: after "in/at/to/from" or "the lamps of",
    (almost) never speaking, not led by a common first name.

    One speech verb in twenty mentions is forgiven as a misreading ("a city called Paris").
    """
    place_words = _place_run_words(words, stats)
    titled_words = {name for m in mentions if m.form[0] not in ("", "the") for name in m.form[1]}
    total: Counter[_Form] = Counter()
    locative: Counter[_Form] = Counter()
    speaking: Counter[_Form] = Counter()
    for mention in mentions:
        total[mention.form] += 1
        speaking[mention.form] += mention.speaker or mention.cue
        sentence = words[mention.sentence]
        before = sentence[mention.first - 1].lower if mention.first else ""
        if mention.cue or sentence[mention.last].possessive:
            continue
        if before in LOCATIVE_PREPOSITIONS or _after_noun_of(sentence, mention.first):
            locative[mention.form] += 1
    places = set()
    for form, count in total.items():
        title, names = form
        if (
            title
            or speaking[form] * 20 >= count
            or names[-1] in titled_words
            or _is_first_name(names[0])
        ):
            continue  # "the death of William" is not a place
        evidence = locative[form] + place_words[names[-1]]
        if evidence * 4 >= count:
            places.add(form)
    kept = []
    for mention in mentions:
        title, names = mention.form
        if mention.form in places:
            continue
        if not title and len(names) > 1 and ("", names[:1]) in places:
            # "from London Lydia went": the place ran into the name.
            mention = replace(mention, form=("", names[1:]), first=mention.first + 1)
        kept.append(mention)
    return kept


def _after_noun_of(sentence: list[_Word], first: int) -> bool:
    """Whether a name stands after "the/a <noun> of": "the lamps of Saltmere", "a map of X".

    People are named so too ("the sister of Jane"), but far less often than places.
    """
    if first < 3 or sentence[first - 1].lower != "of":
        return False
    for position in range(first - 2, max(first - 4, 0) - 1, -1):
        word = sentence[position]
        if word.lower in ARTICLES:
            return position < first - 2
        if word.titled or word.lower in FUNCTION_WORDS:
            return False
    return False


def _place_run_words(words: list[list[_Word]], stats: _WordStats) -> Counter[str]:
    """Name words that stand before a place noun: "Netherfield" in "Netherfield Park"."""
    counts: Counter[str] = Counter()
    for sentence in words:
        for position in range(len(sentence) - 1):
            word, following = sentence[position], sentence[position + 1]
            place_noun = following.lower in PLACE_NOUNS and following.titled and following.joined
            if word.titled and place_noun and not stats.mostly_lowercase(word):
                counts[word.text] += 1
    return counts


def _without_one_off_extensions(mentions: list[_Mention]) -> list[_Mention]:
    """Read a frequent name with a capitalised word seen once beside it ("Romeo Leap") as the name.

    Verse capitalises every line, and syntax runs names into the next capitalised word. A
    word that is a name elsewhere stays: "Elizabeth Bennet" is a full name.
    """
    counts = Counter(m.form for m in mentions)
    name_words = Counter(name for m in mentions for name in m.form[1])
    trimmed = []
    for mention in mentions:
        title, names = mention.form
        shorter: _Form = (title, names[:-1])
        if (
            not title
            and not mention.cue
            and len(names) > 1
            and counts[mention.form] == 1
            and counts[shorter] >= 3
            and name_words[names[-1]] == 1
        ):
            mention = replace(mention, form=shorter, last=mention.last - 1)
        trimmed.append(mention)
    return trimmed


# --- nameless characters -----------------------------------------------------------------------


def _description_mentions(
    words: list[list[_Word]], names: list[_Mention], heads: frozenset[str]
) -> list[_Mention]:
    """Mentions of "the wolf", "the little girl", and of kin such as "her grandmother".

    A noun becomes a character when it is said with "the" at least twice; a kin word also
    counts without "the" when the story calls it "the grandmother" often enough
    (:data:`KIN_DEFINITE_SHARE`), so that "her father" in a novel stays a relation; a kin
    word one has at most one of and seldom speaks of ("her godmother", "her stepmother")
    counts wherever it is said twice.
    """
    in_names = {(m.sentence, position) for m in names for position in range(m.first, m.last + 1)}
    definite: list[_Mention] = []
    kin: list[_Mention] = []
    for index, sentence in enumerate(words):
        for position, word in enumerate(sentence):
            if word.lower not in heads and "-" not in word.lower:
                continue  # the common case, decided without a call
            head = _spelling(word.lower, heads)
            if head not in heads or (index, position) in in_names:
                continue
            following = sentence[position + 1] if position + 1 < len(sentence) else None
            if following is not None and following.joined:
                if following.titled and (index, position + 1) in in_names:
                    continue  # "the Prince Escalus" is a name
                if word.possessive and following.lower in PERSON_NOUNS:
                    continue  # "the king's son" is the son
            start = position
            while (
                start > 0
                and sentence[start].joined
                and sentence[start - 1].lower in DESCRIPTION_MODIFIERS
                and position - start < 2
            ):
                start -= 1
            determiner = sentence[start - 1] if start > 0 and sentence[start].joined else None
            surface = " ".join(w.lower for w in sentence[start : position + 1])
            first = start - 1 if determiner is not None and determiner.lower == "the" else start
            mention = _Mention(
                index,
                ("the", (head,)),
                first,
                position,
                speaker=_speaks(sentence, first, position),
                surface=surface,
            )
            if first < start:
                definite.append(mention)
            elif head in KIN_NOUNS and _bare_or_possessive(determiner):
                kin.append(mention)
    definite = _split_by_age(definite)
    with_the = Counter(m.form for m in definite)
    without_the = Counter(m.form for m in kin)
    kept = [m for m in definite if with_the[m.form] >= 2]
    kept += [
        m
        for m in kin
        if (
            with_the[m.form] >= 2
            and with_the[m.form] >= KIN_DEFINITE_SHARE * (with_the[m.form] + without_the[m.form])
        )
        or (m.form[1][-1] in ROLE_KIN_NOUNS and with_the[m.form] + without_the[m.form] >= 2)
    ]
    return sorted(kept, key=lambda m: (m.sentence, m.first))


def _spelling(noun: str, heads: frozenset[str]) -> str:
    """One spelling for a noun written with and without its hyphen: "step-mother"."""
    joined = noun.replace("-", "")
    return joined if joined != noun and joined in heads else noun


def _split_by_age(mentions: list[_Mention]) -> list[_Mention]:
    """Make "the old man" and "the young man" two characters where a story has both.

    Where a noun only ever has one age ("the old grandmother"), the age tells nothing.
    """
    ages: dict[str, set[str]] = {}
    for m in mentions:
        for word in m.surface.split()[:-1]:
            if word in AGE_MODIFIERS:
                ages.setdefault(m.form[1][-1], set()).add(AGE_MODIFIERS[word])
    split = []
    for m in mentions:
        head = m.form[1][-1]
        age = [AGE_MODIFIERS[w] for w in m.surface.split()[:-1] if w in AGE_MODIFIERS]
        if age and len(ages.get(head, ())) > 1:
            m = replace(m, form=("the", (age[-1], head)))
        split.append(m)
    return split


def _description_heads(mentions: list[_Mention], stats: _WordStats) -> frozenset[str]:
    """The nouns that can name a character: person nouns, and the common nouns a screenplay's
    cues make speak ("GURU" speaks, so "the guru" is a character)."""
    cue_nouns = {
        m.form[1][0].lower()
        for m in mentions
        if m.cue
        and m.form[0] == ""
        and len(m.form[1]) == 1
        and stats.lowercase[m.form[1][0].lower()]
    }
    return frozenset(PERSON_NOUNS).union(cue_nouns)


def _nouns_as_descriptions(
    mentions: list[_Mention], words: list[list[_Word]], heads: frozenset[str]
) -> list[_Mention]:
    """Read a capitalised noun used like a common one as a description: "the Ghost", "GURU".

    A single noun mostly written after "the" describes a character; it joins "the ghost".
    """
    after_the: Counter[_Form] = Counter()
    total: Counter[_Form] = Counter()
    for m in mentions:
        total[m.form] += 1
        after_the[m.form] += m.first > 0 and words[m.sentence][m.first - 1].lower == "the"
    converted = []
    for m in mentions:
        title, names = m.form
        noun = names[0].lower()
        if (
            title
            or len(names) > 1
            or noun not in heads
            or (not m.cue and after_the[m.form] * 2 < total[m.form])
        ):
            converted.append(m)
            continue
        before_the = m.first > 0 and words[m.sentence][m.first - 1].lower == "the"
        converted.append(
            replace(m, form=("the", (noun,)), first=m.first - before_the, surface=noun)
        )
    return converted


def _resolve_epithets(mentions: list[_Mention]) -> list[_Mention]:
    """Give synonymous descriptions one form, and a description to the epithet name it stands for.

    "the fiend" and "the daemon" are "the monster" where the story uses "monster" most. Where
    the story names a character by a noun and "of" ("the Ghost of Christmas Present"), "the
    Spirit" is the one of those named last before it, or the only one.
    """
    groups = _synonym_groups(mentions)
    # Per noun, the sentences that name an epithet name made of it, and those names, in order.
    named_at: dict[str, list[int]] = {}
    named_forms: dict[str, list[_Form]] = {}
    for sentence, form in sorted({(m.sentence, m.form) for m in mentions}):
        head = _epithet_head(form, groups)
        if head is not None:
            named_at.setdefault(head, []).append(sentence)
            named_forms.setdefault(head, []).append(form)
    resolved = []
    for m in mentions:
        title, names = m.form
        if title != "the":
            resolved.append(m)
            continue
        group = groups.get(names[-1], names[-1])
        forms = named_forms.get(group, [])
        before = bisect_right(named_at.get(group, []), m.sentence)
        if len(names) == 1 and (before or len(set(forms)) == 1):
            target = forms[before - 1 if before else 0]
            resolved.append(replace(m, form=target, surface="the " + (m.surface or group)))
        else:
            resolved.append(replace(m, form=("the", (*names[:-1], group))))
    return resolved


def _synonym_groups(mentions: list[_Mention]) -> dict[str, str]:
    """Each description noun -> the noun of its synonyms the story uses most."""
    counts = Counter(m.form[1][-1] for m in mentions if m.form[0] == "the")
    groups: dict[str, str] = {}
    for synonyms in DESCRIPTION_SYNONYMS:
        used = sorted((n for n in synonyms if counts[n]), key=lambda n: (-counts[n], n))
        for noun in synonyms:
            groups[noun] = used[0] if used else noun
    return groups


def _epithet_head(form: _Form, groups: dict[str, str]) -> str | None:
    """The noun an epithet name ("Ghost of Christmas Past") is made of, as its synonym group."""
    title, names = form
    if title or len(names) < 3 or names[1] != "of":
        return None
    noun = names[0].lower()
    return groups.get(noun, noun)


def _bare_or_possessive(determiner: _Word | None) -> bool:
    """ "her grandmother", "Oh! grandmother": kin words name a person without "the"."""
    if determiner is None:
        return True
    if determiner.lower in POSSESSIVE_DETERMINERS:
        return True
    return determiner.lower not in FUNCTION_WORDS and determiner.lower not in DESCRIPTION_MODIFIERS


# --- aliases -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    """A character being assembled from its forms (mutable only inside :func:`_merge_aliases`)."""

    forms: list[_Form] = field(default_factory=list)
    name: str = ""
    aliases: tuple[str, ...] = ()
    gender: Gender | None = None
    named: int = 0
    acting: int = 0  # mentions that show a person (see :class:`_FormFacts`)


@dataclass(frozen=True, slots=True)
class _FormFacts:
    """What the text tells about one form: how often, after "the", and which pronouns follow."""

    count: int
    key: tuple[str, ...]  # the words with a nickname read as its first name: ("Elizabeth",)
    after_the: int
    gender: Gender | None  # told by the form itself
    pronoun_gender: Gender | None  # told clearly by the pronouns that follow it
    pronoun_lean: Gender | None  # the pronouns that follow it more often
    surfaces: tuple[str, ...]  # a description's wordings, most frequent first
    sentences: frozenset[int]  # where the form appears
    # Mentions that show a person: speaking, acting as the subject of a verb, followed by "he"
    # or "she", with a title, or a person noun.
    acting: int
    shared_surname: bool  # its words are the surname of several people of its gender


def _merge_aliases(mentions: list[_Mention], words: list[list[_Word]]) -> list[_Entity]:
    """Group the forms into characters, most specific first, joining only where one fits."""
    facts = _form_facts(mentions, words)
    # Long names first, so that "Ebenezer Scrooge" gathers "Ebenezer" and "Scrooge".
    order = sorted(facts, key=lambda f: (f[0] == "the", -len(f[1]), f[0] == "", -facts[f].count, f))
    entities: list[_Entity] = []
    for form in order:
        strengths = [_fit(form, entity, facts) for entity in entities]
        best = max(strengths, default=NO_MATCH)
        # The strongest match wins: "Fitzwilliam" is "Colonel Fitzwilliam" before it is
        # "Fitzwilliam Darcy"; "Elizabeth Bennet" is "Elizabeth" before "Mrs. Bennet".
        candidates = [e for e, strength in enumerate(strengths) if strength == best > NO_MATCH]
        chosen = _choose(form, candidates, entities, facts)
        if chosen is None:
            entities.append(_Entity(forms=[form]))
        else:
            entities[chosen].forms.append(form)
    for entity in entities:
        _describe(entity, facts)
    return _name_the_narrator(_join_same_names(entities, facts), facts, mentions, words)


def _form_facts(mentions: list[_Mention], words: list[list[_Word]]) -> dict[_Form, _FormFacts]:
    count: Counter[_Form] = Counter()
    after_the: Counter[_Form] = Counter()
    female: Counter[_Form] = Counter()
    male: Counter[_Form] = Counter()
    acting: Counter[_Form] = Counter()
    surfaces: dict[_Form, Counter[str]] = {}
    sentences: dict[_Form, set[int]] = {}
    by_sentence: dict[int, list[_Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    for sentence_mentions in by_sentence.values():
        sentence_mentions.sort(key=lambda m: m.first)
    for mention in mentions:
        count[mention.form] += 1
        sentences.setdefault(mention.form, set()).add(mention.sentence)
        surfaces.setdefault(mention.form, Counter())[mention.surface] += 1
        sentence = words[mention.sentence]
        if (mention.first and sentence[mention.first - 1].lower == "the") or (
            mention.surface.startswith("the ")
        ):
            after_the[mention.form] += 1  # "the Hatter"; "the Spirit" read as a name
        if mention.cue or mention.form == NARRATOR_FORM:
            acting[mention.form] += 1
            continue
        pronoun = False
        for word in _following_words(mention, words, by_sentence):
            if word.lower in OTHER_PRONOUNS:
                break  # "the Bishop, because it stands so straight": a thing
            if word.lower in FEMALE_PRONOUNS:
                female[mention.form] += 1
                pronoun = True
                break
            if word.lower in MALE_PRONOUNS:
                male[mention.form] += 1
                pronoun = True
                break
        acting[mention.form] += (
            pronoun
            or mention.speaker
            or mention.form[0] != ""
            or "of" in mention.form[1][1:2]
            or _is_subject(sentence, mention.last)
        )
    formal = _formal_first_names(count)
    facts = {
        form: _FormFacts(
            count=count[form],
            key=(formal.get(form[1][0], form[1][0]), *form[1][1:]) if form[0] != "the" else form[1],
            after_the=after_the[form],
            gender=_form_gender(form),
            pronoun_gender=_decide(female[form], male[form]),
            pronoun_lean=_lean(female[form], male[form]),
            sentences=frozenset(sentences[form]),
            acting=acting[form],
            surfaces=tuple(
                sorted(surfaces[form], key=lambda text: (-surfaces[form][text], len(text), text))
            ),
            shared_surname=False,
        )
        for form in count
    }
    return _with_shared_surnames(facts)


def _is_subject(sentence: list[_Word], last: int) -> bool:
    """Whether the name ending at ``last`` is followed by a verb: "Nell lit", "Bob holds",
    "Elias then said"; one adverb may stand between."""
    for position in (last + 1, last + 2):
        if position >= len(sentence):
            return False
        word = sentence[position]
        if not word.joined or not word.text.islower():
            return False
        if _is_verb(word.lower):
            return True
        if not (word.lower.endswith("ly") or word.lower in SUBJECT_ADVERBS):
            return False
    return False


def _is_verb(lower: str) -> bool:
    """A verb by the common forms of English: a listed verb, "-ed", or "-s" on a verb stem."""
    if lower in COMMON_VERBS or lower in SPEECH_VERBS or lower.endswith("ed"):
        return True
    return (
        lower.endswith("s")
        and not lower.endswith("ss")
        and lower not in FUNCTION_WORDS
        and (lower[:-1] in COMMON_VERBS or lower[:-2] in COMMON_VERBS)
    )


def _with_shared_surnames(facts: dict[_Form, _FormFacts]) -> dict[_Form, _FormFacts]:
    """Mark the forms whose words are the surname of two or more first names of their gender.

    "Mrs. Bennet" could be Elizabeth Bennet or Jane Bennet, so she is neither; "Mr. Darcy" can
    only be Fitzwilliam Darcy, since Georgiana Darcy is a woman.
    """
    first_names: dict[tuple[str, ...], dict[str, Gender | None]] = {}
    for form, fact in facts.items():
        if form[0] == "the" or fact.key[0].lower() in DESCRIPTION_MODIFIERS:
            continue  # "Old Marley" has an epithet, not a first name
        for cut in range(1, len(fact.key)):
            owners = first_names.setdefault(fact.key[cut:], {})
            owners[fact.key[0]] = owners.get(fact.key[0]) or fact.gender or fact.pronoun_gender
    marked = {}
    for form, fact in facts.items():
        gender = fact.gender or fact.pronoun_lean
        owners = first_names.get(fact.key, {})
        compatible = [g for g in owners.values() if gender is None or g is None or g == gender]
        marked[form] = replace(fact, shared_surname=len(compatible) >= 2)
    return marked


def _following_words(
    mention: _Mention, words: list[list[_Word]], by_sentence: dict[int, list[_Mention]]
) -> list[_Word]:
    """The words after a mention up to the next name, in its sentence and the next one.

    The first pronoun among them most often refers to the mention (only it is counted).
    """
    later = [m.first for m in by_sentence[mention.sentence] if m.first > mention.last]
    following = words[mention.sentence][mention.last + 1 : min(later, default=None)]
    upcoming = mention.sentence + 1
    if upcoming < len(words):
        others = by_sentence.get(upcoming, [])
        following = following + words[upcoming][: min((m.first for m in others), default=None)]
    return following


def _decide(female: int, male: int) -> Gender | None:
    if female >= 2 and female >= 2 * male:
        return "female"
    if male >= 2 and male >= 2 * female:
        return "male"
    return None


def _lean(female: int, male: int) -> Gender | None:
    if female > male:
        return "female"
    if male > female:
        return "male"
    return None


def _form_gender(form: _Form) -> Gender | None:
    """Gender the form itself tells: its title, a common first name, or a gendered noun."""
    title, names = form
    if title == "the":
        return PERSON_NOUNS.get(names[-1])
    if title:
        return HONORIFICS[title]
    first = DIMINUTIVES.get(names[0], names[0])
    if first in FEMALE_NAMES or names[0] in FEMALE_NAMES:
        return "female"
    if first in MALE_NAMES or names[0] in MALE_NAMES:
        return "male"
    return None


def _gender_of(forms: list[_Form], facts: dict[_Form, _FormFacts]) -> Gender | None:
    """A character's gender: what its forms tell, else what the pronouns after them tell."""
    for attribute in ("gender", "pronoun_gender"):
        votes: Counter[str] = Counter()
        for form in forms:
            value = getattr(facts[form], attribute)
            if value is not None:
                votes[value] += facts[form].count
        if votes:
            if votes["female"] > votes["male"]:
                return "female"
            if votes["male"] > votes["female"]:
                return "male"
    return None


def _fit(form: _Form, entity: _Entity, facts: dict[_Form, _FormFacts]) -> int:
    """How well ``form`` can name the character (a ``*_MATCH`` value); the titles must agree."""
    title = form[0]
    if title == "the" or any(other[0] == "the" for other in entity.forms):
        return NO_MATCH
    # Words the character carries with "Colonel" or "Mr." are a surname, never a first name.
    surnames = {facts[other].key for other in entity.forms if other[0] in SURNAME_HONORIFICS}
    strength = max(_names_match(form, other, facts, surnames) for other in entity.forms)
    if strength == NO_MATCH:
        return NO_MATCH
    marital = MARITAL_HONORIFICS.get(title)
    for other_title, _ in entity.forms:
        other_marital = MARITAL_HONORIFICS.get(other_title)
        if marital and other_marital and marital != other_marital:
            return NO_MATCH
    gender = facts[form].gender or facts[form].pronoun_gender
    entity_gender = _gender_of(entity.forms, facts)
    if gender is not None and entity_gender is not None and gender != entity_gender:
        return NO_MATCH
    return NO_MATCH if _named_together(form, entity, facts) else strength


def _named_together(form: _Form, entity: _Entity, facts: dict[_Form, _FormFacts]) -> bool:
    """Whether the form and the character are often named in one sentence: two people then.

    "Mrs. Bennet said to Elizabeth" keeps Mrs. Bennet out of "Elizabeth Bennet". The first
    name alone counts for the character even before it has been joined to it.
    """
    own = facts[form].sentences
    related = list(entity.forms)
    related += [("", (names[0],)) for _, names in entity.forms if len(names) > 1]
    key = facts[form].key
    theirs: set[int] = set().union(
        *(facts[other].sentences for other in related if other in facts and facts[other].key != key)
    )
    together = len(own & theirs)
    return together >= 2 and together >= TOGETHER_SHARE * min(len(own), len(theirs))


def _names_match(
    form: _Form, other: _Form, facts: dict[_Form, _FormFacts], surnames: set[tuple[str, ...]]
) -> int:
    """How two forms can name one person: same name, first name, surname, or not at all."""
    names, other_names = facts[form].key, facts[other].key
    if names == other_names:
        return SAME_NAME_MATCH
    if "of" in names[1:2] or "of" in other_names[1:2]:
        return NO_MATCH  # "Queen of Hearts" is not "Hearts"
    short_form, long = (form, other_names) if len(names) < len(other_names) else (other, names)
    short = facts[short_form].key
    if len(short) == len(long):
        return NO_MATCH
    if short == long[-len(short) :]:
        # "Darcy" in "Fitzwilliam Darcy"
        return NO_MATCH if facts[short_form].shared_surname else SURNAME_MATCH
    if short_form[0] in SURNAME_HONORIFICS or short in surnames:
        return NO_MATCH
    if short == long[: len(short)] or (len(short) == 2 and (long[0], long[-1]) == short):
        return FIRST_NAME_MATCH  # "Elizabeth" in "Elizabeth Bennet"
    return NO_MATCH


def _formal_first_names(count: Counter[_Form]) -> dict[str, str]:
    """Nicknames to read as their first name: "Lizzy" -> "Elizabeth".

    Only where the story calls the person by the plain first name at least as often as by a
    title with it: nicknames are familiar, and "Kitty" is not "Lady Catherine".
    """
    formal: dict[str, str] = {}
    for title, names in count:
        nickname = names[0]
        if title == "the" or nickname not in DIMINUTIVES:
            continue
        first = DIMINUTIVES[nickname]
        bare = count[("", (first,))]
        titled = sum(
            n for (t, other), n in count.items() if t not in ("", "the") and other[0] == first
        )
        if bare and bare >= titled:
            formal[nickname] = first
    return formal


def _choose(
    form: _Form, candidates: list[int], entities: list[_Entity], facts: dict[_Form, _FormFacts]
) -> int | None:
    """The one character a form fits, else the one its pronouns lean to, else a dominant one.

    The lean settles a bare surname between "Mr. Bingley" and "Miss Bingley": the pronouns
    after "Bingley" are more often "he" than "she", even in a story told close to a heroine.
    """
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    lean = facts[form].pronoun_lean
    leaning = [e for e in candidates if lean and _gender_of(entities[e].forms, facts) == lean]
    if len(leaning) == 1:
        return leaning[0]
    weights = [sum(facts[f].count for f in entities[e].forms) for e in candidates]
    best = max(range(len(candidates)), key=lambda i: (weights[i], -candidates[i]))
    if weights[best] >= ALIAS_DOMINANCE * (sum(weights) - weights[best]):
        return candidates[best]
    return None


def _describe(entity: _Entity, facts: dict[_Form, _FormFacts]) -> None:
    """Name the character by its most frequent form and list the others as aliases."""
    # A narrator with a name is called by it: "Victor", not "the narrator".
    ordered = sorted(
        entity.forms, key=lambda f: (f == NARRATOR_FORM, -facts[f].count, _display(f, facts))
    )
    entity.name = _display(ordered[0], facts)
    texts = [
        text
        for form in ordered
        for text in (
            ["the " + surface for surface in facts[form].surfaces]
            if form[0] == "the"
            else [_plain(form), *(surface for surface in facts[form].surfaces if surface)]
        )
    ]
    own = _without_article(entity.name)
    entity.aliases = tuple(dict.fromkeys(text for text in texts if _without_article(text) != own))
    entity.gender = _gender_of(entity.forms, facts)
    entity.named = sum(facts[f].count for f in entity.forms)
    entity.acting = sum(facts[f].acting for f in entity.forms)


def _without_article(name: str) -> str:
    """ "The Ghost" and "ghost" are one alias."""
    lowered = name.lower()
    return lowered[4:] if lowered.startswith("the ") else lowered


def _plain(form: _Form) -> str:
    title, names = form
    if title == "the":
        return "the " + " ".join(names)
    words = " ".join(names)
    if not title:
        return words
    return f"{title}. {words}" if title in ABBREVIATED_HONORIFICS else f"{title} {words}"


def _display(form: _Form, facts: dict[_Form, _FormFacts]) -> str:
    """The name as a title: "The Wolf"; "The Hatter" for a name mostly used with "the"."""
    title, names = form
    if title == "the":
        return "The " + " ".join(
            word[:1].upper() + word[1:] for word in facts[form].surfaces[0].split()
        )
    if not title and facts[form].after_the * 2 > facts[form].count:
        return "The " + " ".join(names)
    return _plain(form)


def _join_same_names(entities: list[_Entity], facts: dict[_Form, _FormFacts]) -> list[_Entity]:
    """Join a description to the one name that ends in its noun ("the rabbit", "White Rabbit")."""
    last_words: dict[str, list[int]] = {}
    for e, entity in enumerate(entities):
        for title, names in entity.forms:
            if title != "the":
                last_words.setdefault(names[-1].lower(), []).append(e)
    merged_into: dict[int, int] = {}
    for e, entity in enumerate(entities):
        if entity.forms[0][0] != "the":
            continue
        head = entity.forms[0][1][-1]
        targets = sorted(set(last_words.get(head, [])))
        if len(targets) == 1:
            merged_into[e] = targets[0]
    by_name: dict[str, int] = {}
    for e, entity in enumerate(entities):
        if e in merged_into:
            continue
        if entity.name in by_name:
            merged_into[e] = by_name[entity.name]
        else:
            by_name[entity.name] = e
    if not merged_into:
        return entities
    for e, target in sorted(merged_into.items()):
        entities[target].forms.extend(entities[e].forms)
    kept = [e for e in range(len(entities)) if e not in merged_into]
    for e in kept:
        _describe(entities[e], facts)
    return [entities[e] for e in kept]


# --- the narrator -------------------------------------------------------------------------------

NARRATOR_FORM: _Form = ("the", ("narrator",))


def _narrator_mentions(words: list[list[_Word]], mentions: list[_Mention]) -> list[_Mention]:
    """The narrator's "I" outside quotation marks, where a story is told in the first person.

    A play or screenplay has no narrator; a story has one when "I", "me" or "my" stands
    outside quotation marks in at least :data:`FIRST_PERSON_SHARE` of the sentences that
    have words outside them.
    """
    if sum(m.cue for m in mentions) >= PLAY_CUE_SHARE * len(words):
        return []
    narrated = 0
    found = []
    for index, sentence in enumerate(words):
        outside = [position for position, word in enumerate(sentence) if not word.quoted]
        narrated += bool(outside)
        voiced = [p for p in outside if sentence[p].lower in FIRST_PERSON_PRONOUNS]
        if voiced:
            position = voiced[0]
            found.append(_Mention(index, NARRATOR_FORM, position, position, surface="narrator"))
    return found if len(found) >= FIRST_PERSON_SHARE * narrated else []


def _name_the_narrator(
    entities: list[_Entity],
    facts: dict[_Form, _FormFacts],
    mentions: list[_Mention],
    words: list[list[_Word]],
) -> list[_Entity]:
    """Join the narrator to the name the others call them by: "My dear Victor," they say.

    The narrator's own name is rarely told (they say "I"), but it is spoken to them: the
    names whose mentions are often such addresses (:data:`NARRATOR_ADDRESS_SHARE`), at
    least :data:`NARRATOR_ADDRESS_MIN` times, are the narrator's ("Victor", "Frankenstein"),
    the one most often addressed first and those of a gender that agrees with it.
    """
    narrator = next((e for e, entity in enumerate(entities) if NARRATOR_FORM in entity.forms), None)
    if narrator is None:
        return entities
    owner = {form: e for e, entity in enumerate(entities) for form in entity.forms}
    addressed: Counter[int] = Counter()
    named: Counter[int] = Counter()
    for mention in mentions:
        if mention.cue or mention.form[0] == "the":
            continue
        e = owner[mention.form]
        named[e] += 1
        addressed[e] += _is_address(words[mention.sentence], mention)
    candidates = [
        e
        for e in named
        if e != narrator
        and addressed[e] >= NARRATOR_ADDRESS_MIN
        and addressed[e] >= NARRATOR_ADDRESS_SHARE * named[e]
    ]
    if not candidates:
        return entities
    name = max(candidates, key=lambda e: (addressed[e], -e))
    gender = entities[name].gender
    joined = [e for e in candidates if e != name and entities[e].gender in (gender, None)]
    for e in (narrator, *sorted(joined)):
        entities[name].forms.extend(entities[e].forms)
    _describe(entities[name], facts)
    return [entity for e, entity in enumerate(entities) if e != narrator and e not in joined]


def _is_address(sentence: list[_Word], mention: _Mention) -> bool:
    """Whether a quoted name is said to its bearer: "My dear Victor," or "Victor, he is..." """
    first = sentence[mention.first]
    if not first.quoted:
        return False
    before = sentence[mention.first - 1] if mention.first else None
    opens = before is None or bool(first.gap) or before.lower in ADDRESS_WORDS
    after = sentence[mention.last + 1] if mention.last + 1 < len(sentence) else None
    return opens and (after is None or bool(after.gap))


# --- presence ----------------------------------------------------------------------------------


def _presence(
    entities: list[_Entity], mentions: list[_Mention], words: list[list[_Word]], total: int
) -> tuple[list[set[int]], list[int]]:
    """Per sentence the characters present, and per character the sentences it is present in."""
    owner = {form: e for e, entity in enumerate(entities) for form in entity.forms}
    named: list[list[tuple[int, int]]] = [[] for _ in range(total)]
    voiced: list[int | None] = [None] * total  # the narrator's "I"
    speaker_at: dict[int, int] = {}
    for mention in mentions:
        if mention.form == NARRATOR_FORM:
            voiced[mention.sentence] = owner[mention.form]
            continue
        named[mention.sentence].append((mention.first, owner[mention.form]))
        if mention.speech_follows:
            speaker_at[mention.sentence] = owner[mention.form]
    present: list[set[int]] = []
    focus: dict[str, tuple[int, int] | None] = {"female": None, "male": None}
    speaker: tuple[int, int] | None = None
    for index in range(total):
        named_order = [e for _, e in sorted(named[index])]
        here = set(named_order)
        narrator = voiced[index]
        if narrator is not None:
            here.add(narrator)  # "I" does not take over "he" or "she"
        if index in speaker_at:
            speaker = (speaker_at[index], index)
        elif speaker is not None and index - speaker[1] <= SPEECH_REACH:
            here.add(speaker[0])
        lowered = {word.lower for word in words[index]}
        for gender, pronouns in (("female", FEMALE_PRONOUNS), ("male", MALE_PRONOUNS)):
            gendered = [e for e in named_order if entities[e].gender == gender]
            current = focus[gender]
            if gendered:
                focus[gender] = (gendered[0], index)
            elif (
                current is not None
                and index - current[1] <= PRONOUN_REACH
                and not lowered.isdisjoint(pronouns)
            ):
                here.add(current[0])
                focus[gender] = (current[0], index)
        present.append(here)
    counts = [0] * len(entities)
    for here in present:
        for e in here:
            counts[e] += 1
    return present, counts
