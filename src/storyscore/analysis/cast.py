"""Find who is in a story: names and their aliases, nameless heroes, and where each one is present.

The method is heuristic and reads only the text it is given:

1. *Words.* Each sentence is cut into words; a capital is *forced* where the position asks for
   one (sentence or quotation start), and such a word only counts as a name if the same word is
   also capitalised elsewhere mid-sentence, is a common first name, or is attached to a speech
   verb ("Scrooge replied").
2. *Names.* Runs of name words, optionally led by a title ("Mr. Darcy", "Lady Catherine de
   Bourgh"), and speaker cues of plays ("ROMEO.") are the candidate names. Function words,
   months, holidays, nationalities, words far more often lowercase, and places (names behind
   "in/at/to/from" that never speak, or runs ending in "Park", "Lodge", "-shire") are dropped.
3. *Nameless characters.* "the wolf", "the little girl", "the prince" become characters when a
   person or animal noun is repeated with "the"; kin words also count as "her grandmother".
4. *Aliases.* Forms merge from the most specific to the least ("Ebenezer Scrooge" before
   "Scrooge"): the words must match (same name, first name, surname, or a diminutive such as
   "Lizzy"), gender and marital titles must agree, and forms often named in one sentence are
   two people. A surname shared by several people of one gender ("Miss Bennet") joins none of
   them; among several fitting characters the pronouns after the form, or a character named
   far more often than the others, decide, and otherwise the form stays a character of its own.
5. *Presence.* A character is present where any alias appears; "she"/"he" carry the woman/man
   named first in the latest sentence that names one on for up to three sentences, and a play's
   speaker stays present through the speech. Mentions count the sentences where a character is
   present; the cast is ranked by them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from storyscore.analysis.model import Character
from storyscore.analysis.names import (
    ABBREVIATED_HONORIFICS,
    CALENDAR_WORDS,
    DESCRIPTION_MODIFIERS,
    DIMINUTIVES,
    FEMALE_NAMES,
    FEMALE_PRONOUNS,
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
    PERSON_NOUNS,
    PLACE_NOUNS,
    POSSESSIVE_DETERMINERS,
    SPEECH_VERBS,
    SURNAME_HONORIFICS,
    WEEKDAYS,
    Gender,
)

# Curly quotes are written as escapes (\u2018 and \u2019 single, \u201c double) so that the
# source stays plain ASCII; ``re`` reads the escapes inside raw patterns.
_GAP_AND_WORD = re.compile(r"([\W\d_]*)([^\W\d_]+(?:['\u2019\-][^\W\d_]+)*)")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_CONTRACTION = re.compile(r"^[^\W\d_]+['\u2019](?:m|ll|ve|re|d|t|s)$")
_SENTENCE_BREAK = frozenset(".!?:")
_OPENERS = frozenset("\u2018\u201c\"'([_")
_CUE = re.compile(r"^([A-Z][A-Z'\u2019\-]*[A-Z](?: [A-Z][A-Z'\u2019\-]*[A-Z]){0,2})\.$")

# A text is a play when at least this share of its sentences are speaker cues ("ROMEO.").
PLAY_CUE_SHARE = 0.05
# Kin words count without "the" ("her grandmother") when this share of their uses has "the".
KIN_DEFINITE_SHARE = 0.25
# A pronoun keeps a character present this many sentences after its last reference.
PRONOUN_REACH = 3
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


@dataclass(frozen=True, slots=True)
class CastResult:
    """The main cast, most salient first, and per sentence the indices into ``cast`` present."""

    cast: tuple[Character, ...]
    presence: tuple[tuple[int, ...], ...]


def find_cast(sentences: Sequence[str], *, max_cast: int = 8) -> CastResult:
    """Find the main characters of a story and the sentences where each is present.

    Parameters
    ----------
    sentences
        The story's sentences in order, as plain strings.
    max_cast
        The most characters to return.
    """
    words = [_tokenise(sentence) for sentence in sentences]
    stats = _WordStats.collect(words)
    mentions = _name_mentions(sentences, words, stats)
    mentions = _without_one_off_extensions(_without_places(mentions, words, stats))
    mentions += _description_mentions(words, mentions)
    entities = _merge_aliases(mentions, words)
    present, counts = _presence(entities, mentions, words, len(sentences))
    floor = max(2, math.ceil(len(sentences) * MENTION_FLOOR_SHARE))
    ranked = sorted(
        (e for e in range(len(entities)) if entities[e].named >= 2 and counts[e] >= floor),
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
    forced: bool  # a capital would be there anyway: sentence or quotation start
    joined: bool  # only spaces (or an abbreviation's full stop) separate it from the word before
    possessive: bool


def _tokenise(sentence: str) -> list[_Word]:
    words: list[_Word] = []
    previous: str | None = None
    for gap_text, raw in _GAP_AND_WORD.findall(sentence):
        gap = gap_text.strip()
        if previous is None:
            forced, joined = True, False
        elif not gap or (gap == "." and _is_abbreviation(previous)):
            forced, joined = False, True
        else:
            forced = gap[-1] in _OPENERS or not _SENTENCE_BREAK.isdisjoint(gap)
            joined = False
        text = _POSSESSIVE.sub("", raw) if raw[-1] == "s" else raw
        titled = text[0].isupper() and not text.isupper()
        words.append(_Word(text, text.lower(), titled, forced, joined, text != raw))
        previous = raw
    return words


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
    """One occurrence of a candidate name or description in a sentence (word indices inclusive)."""

    sentence: int
    form: _Form
    first: int
    last: int
    cue: bool = False
    speaker: bool = False  # attached to a speech verb
    surface: str = ""  # a description's words as written: "little girl"


def _name_mentions(
    sentences: Sequence[str], words: list[list[_Word]], stats: _WordStats
) -> list[_Mention]:
    cue_lines = [_cue_words(sentence) for sentence in sentences]
    cues = Counter(cue for cue in cue_lines if cue)
    is_play = bool(cues) and sum(cues.values()) >= PLAY_CUE_SHARE * len(sentences)
    mentions: list[_Mention] = []
    for index, sentence_words in enumerate(words):
        cue = cue_lines[index]
        if is_play and cue and cues[cue] >= 2:
            last = len(sentence_words) - 1
            surface = " ".join(cue).lower()
            mentions.append(_Mention(index, _cue_form(cue), 0, last, cue=True, surface=surface))
            continue
        mentions.extend(_runs(index, sentence_words, stats))
    return mentions


def _cue_words(sentence: str) -> tuple[str, ...] | None:
    """The speaker of a play's cue line ("ROMEO.", "LADY CAPULET."), title-cased."""
    match = _CUE.match(sentence)
    if not match:
        return None
    names = tuple(part.capitalize() for part in match.group(1).split())
    if any(name.lower() in FUNCTION_WORDS or name.lower() in NATIONALITIES for name in names):
        return None
    return names


def _cue_form(names: tuple[str, ...]) -> _Form:
    if names[0] in HONORIFICS and len(names) > 1:
        return names[0], names[1:]
    if len(names) == 1 and names[0].lower() in PERSON_NOUNS:
        return "the", (names[0].lower(),)
    return "", names


def _runs(index: int, words: list[_Word], stats: _WordStats) -> list[_Mention]:
    """Maximal runs of name words in one sentence, each with its title if it has one."""
    valid = [_is_name_word(words, position, stats) for position in range(len(words))]
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
        if _is_name_run(names):
            speaker = _speaks(words, start, end)
            mentions.append(_Mention(index, (title, names), start, end, speaker=speaker))
        position = end + 1
    return mentions


def _is_title(word: _Word) -> bool:
    return word.titled and word.text in HONORIFICS and not word.possessive


def _is_name_word(words: list[_Word], position: int, stats: _WordStats) -> bool:
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
        return _is_first_name(word.text) or _speaks(words, position, position)
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
    """Drop untitled names used mostly as places: after "in/at/to/from", (almost) never speaking.

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
        before = words[mention.sentence][mention.first - 1].lower if mention.first else ""
        if before in LOCATIVE_PREPOSITIONS and not words[mention.sentence][mention.last].possessive:
            locative[mention.form] += 1
    places = set()
    for form, count in total.items():
        title, names = form
        if title or speaking[form] * 20 >= count or names[-1] in titled_words:
            continue
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
            and len(names) > 1
            and counts[mention.form] == 1
            and counts[shorter] >= 3
            and name_words[names[-1]] == 1
        ):
            mention = replace(mention, form=shorter, last=mention.last - 1)
        trimmed.append(mention)
    return trimmed


# --- nameless characters -----------------------------------------------------------------------


def _description_mentions(words: list[list[_Word]], names: list[_Mention]) -> list[_Mention]:
    """Mentions of "the wolf", "the little girl", and of kin such as "her grandmother".

    A noun becomes a character when it is said with "the" at least twice; a kin word also
    counts without "the" when the story calls it "the grandmother" often enough
    (:data:`KIN_DEFINITE_SHARE`), so that "her father" in a novel stays a relation.
    """
    in_names = {(m.sentence, position) for m in names for position in range(m.first, m.last + 1)}
    definite: list[_Mention] = []
    kin: list[_Mention] = []
    for index, sentence in enumerate(words):
        for position, word in enumerate(sentence):
            head = word.lower
            if head not in PERSON_NOUNS or (index, position) in in_names:
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
    with_the = Counter(m.form for m in definite)
    without_the = Counter(m.form for m in kin)
    kept = [m for m in definite if with_the[m.form] >= 2]
    kept += [
        m
        for m in kin
        if with_the[m.form] >= 2
        and with_the[m.form] >= KIN_DEFINITE_SHARE * (with_the[m.form] + without_the[m.form])
    ]
    return sorted(kept, key=lambda m: (m.sentence, m.first))


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
    return _join_same_names(entities, facts)


def _form_facts(mentions: list[_Mention], words: list[list[_Word]]) -> dict[_Form, _FormFacts]:
    count: Counter[_Form] = Counter()
    after_the: Counter[_Form] = Counter()
    female: Counter[_Form] = Counter()
    male: Counter[_Form] = Counter()
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
        if mention.first and sentence[mention.first - 1].lower == "the":
            after_the[mention.form] += 1
        if mention.cue:
            continue
        for word in _following_words(mention, words, by_sentence):
            if word.lower in FEMALE_PRONOUNS:
                female[mention.form] += 1
                break
            if word.lower in MALE_PRONOUNS:
                male[mention.form] += 1
                break
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
            surfaces=tuple(
                sorted(surfaces[form], key=lambda text: (-surfaces[form][text], len(text), text))
            ),
            shared_surname=False,
        )
        for form in count
    }
    return _with_shared_surnames(facts)


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
    ordered = sorted(entity.forms, key=lambda f: (-facts[f].count, _display(f, facts)))
    entity.name = _display(ordered[0], facts)
    texts = [
        text
        for form in ordered
        for text in (
            ["the " + surface for surface in facts[form].surfaces]
            if form[0] == "the"
            else [_plain(form)]
        )
    ]
    entity.aliases = tuple(
        dict.fromkeys(text for text in texts if text.lower() != entity.name.lower())
    )
    entity.gender = _gender_of(entity.forms, facts)
    entity.named = sum(facts[f].count for f in entity.forms)


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


# --- presence ----------------------------------------------------------------------------------


def _presence(
    entities: list[_Entity], mentions: list[_Mention], words: list[list[_Word]], total: int
) -> tuple[list[set[int]], list[int]]:
    """Per sentence the characters present, and per character the sentences it is present in."""
    owner = {form: e for e, entity in enumerate(entities) for form in entity.forms}
    named: list[list[tuple[int, int]]] = [[] for _ in range(total)]
    speaker_at: dict[int, int] = {}
    for mention in mentions:
        named[mention.sentence].append((mention.first, owner[mention.form]))
        if mention.cue:
            speaker_at[mention.sentence] = owner[mention.form]
    present: list[set[int]] = []
    focus: dict[str, tuple[int, int] | None] = {"female": None, "male": None}
    speaker: tuple[int, int] | None = None
    for index in range(total):
        order = [e for _, e in sorted(named[index])]
        here = set(order)
        if index in speaker_at:
            speaker = (speaker_at[index], index)
        elif speaker is not None and index - speaker[1] <= SPEECH_REACH:
            here.add(speaker[0])
        lowered = {word.lower for word in words[index]}
        for gender, pronouns in (("female", FEMALE_PRONOUNS), ("male", MALE_PRONOUNS)):
            gendered = [e for e in order if entities[e].gender == gender]
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
