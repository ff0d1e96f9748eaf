"""Cut the story into the stretches that become tracks.

Explicit structure comes first: chapters, staves, acts and scenes are grouped (or split) to
the track count. Cuts are chosen by dynamic programming that balances track lengths and
prefers places where the emotional arc turns; a story without chapters is cut at its turns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from storyscore.analysis.arc import change_strength
from storyscore.analysis.model import Character, Segment
from storyscore.ingest.model import Document

MIN_SENTENCES_PER_TRACK = 3
MAX_DEFAULT_TRACKS_WITH_CHAPTERS = 12
MIN_DEFAULT_TRACKS_WITH_CHAPTERS = 5
MAX_DEFAULT_TRACKS_WITHOUT_CHAPTERS = 8
SENTENCES_PER_TRACK_WITHOUT_CHAPTERS = 25
GRID_POINTS = 160  # candidate cut positions inside long stretches without chapters
NON_SECTION_CUT_PENALTY = 0.6
TURN_WEIGHT = 4.0
TITLE_MAX_WORDS = 7
MOMENT_WORDS = (8, 40)  # a sentence the liner notes quote: long enough to tell, short to read
QUOTES = "\"'\u201c\u2018\u00ab"  # a line of talk opens with one; it does not tell what happens
# A heading that is only a number ("Chapter XII", "Stave One", "Act 3") says nothing.
NUMBER_ONLY_HEADING = re.compile(
    r"^(chapter|stave|act|scene|book|part|letter|section)?\s*"
    r"([ivxlcdm]+|\d+|the\s+\w+|one|two|three|four|five|six|seven|eight|nine|ten)?[.:]?$",
    re.IGNORECASE,
)

WORD = re.compile(r"[\w'\u2019-]+")  # words with straight or curly apostrophes and hyphens
# "IV. The Tide Goes Out", "3) Night": a numbered heading keeps its words.
LEADING_NUMERAL = re.compile(r"^\s*(?:[IVXLC]+|\d+)[.):]\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class _Story:
    """What segmenting reads: the document, its arc, and who is present where."""

    document: Document
    arc_valence: Sequence[float]
    arc_arousal: Sequence[float]
    presence: Sequence[tuple[int, ...]]
    cast: Sequence[Character]


@dataclass(frozen=True, slots=True)
class _Stretch:
    first: int  # inclusive sentence index
    last: int  # inclusive


def default_track_count(document: Document) -> int:
    """Tracks for a story when the user does not say: chapters grouped to 5..12, else by length."""
    sentences = len(document.sentences)
    sections = len(document.sections)
    if sections >= 2:
        wanted = round(sections / 6) if sections > MAX_DEFAULT_TRACKS_WITH_CHAPTERS else sections
        wanted = min(
            MAX_DEFAULT_TRACKS_WITH_CHAPTERS, max(MIN_DEFAULT_TRACKS_WITH_CHAPTERS, wanted)
        )
    else:
        wanted = round(sentences / SENTENCES_PER_TRACK_WITHOUT_CHAPTERS) + 1
        wanted = min(MAX_DEFAULT_TRACKS_WITHOUT_CHAPTERS, wanted)
    return max(1, min(wanted, sentences // MIN_SENTENCES_PER_TRACK))


def segment_story(
    document: Document,
    *,
    arc_valence: Sequence[float],
    arc_arousal: Sequence[float],
    presence: Sequence[tuple[int, ...]],
    cast: Sequence[Character],
    tracks: int | None = None,
) -> tuple[Segment, ...]:
    """Cut ``document`` into ``tracks`` segments (or the default count)."""
    count = len(document.sentences)
    wanted = default_track_count(document) if tracks is None else tracks
    wanted = max(1, min(wanted, count // MIN_SENTENCES_PER_TRACK or 1))
    section_starts = sorted(
        {s.first_sentence for s in document.sections if 0 < s.first_sentence < count}
    )
    stretches = _choose_cuts(count, wanted, section_starts, arc_valence, arc_arousal)
    story = _Story(document, arc_valence, arc_arousal, presence, cast)
    return tuple(
        _make_segment(number, stretch, story) for number, stretch in enumerate(stretches, start=1)
    )


def _choose_cuts(
    count: int,
    wanted: int,
    section_starts: Sequence[int],
    arc_valence: Sequence[float],
    arc_arousal: Sequence[float],
) -> tuple[_Stretch, ...]:
    """Pick ``wanted - 1`` cut positions minimising length imbalance, rewarding arc turns."""
    section_set = set(section_starts)
    candidates = set(section_starts)
    if wanted - 1 > len(section_starts):
        step = max(1, count // GRID_POINTS)
        candidates.update(range(MIN_SENTENCES_PER_TRACK, count - MIN_SENTENCES_PER_TRACK + 1, step))
    positions = [0, *sorted(c for c in candidates if 0 < c < count), count]
    ideal = count / wanted
    window = max(2, round(ideal / 4))

    def cut_cost(position: int) -> float:
        turn = change_strength(arc_valence, position, window) + change_strength(
            arc_arousal, position, window
        )
        penalty = NON_SECTION_CUT_PENALTY if section_set and position not in section_set else 0.0
        return penalty - TURN_WEIGHT * turn

    cut_costs = [0.0] + [cut_cost(p) for p in positions[1:-1]] + [0.0]

    def length_cost(start: int, end: int) -> float:
        size = end - start
        if size < MIN_SENTENCES_PER_TRACK and count >= MIN_SENTENCES_PER_TRACK:
            return float("inf")
        return ((size - ideal) / ideal) ** 2

    last = len(positions) - 1
    inf = float("inf")
    # best[k][j]: cost of covering positions[0]..positions[j] with k segments.
    best = [[inf] * len(positions) for _ in range(wanted + 1)]
    back = [[-1] * len(positions) for _ in range(wanted + 1)]
    best[0][0] = 0.0
    for k in range(1, wanted + 1):
        for j in range(1, last + 1):
            for i in range(j):
                if best[k - 1][i] == inf:
                    continue
                cost = best[k - 1][i] + length_cost(positions[i], positions[j]) + cut_costs[j]
                if cost < best[k][j]:
                    best[k][j] = cost
                    back[k][j] = i
    if best[wanted][last] == inf:  # too few positions: fall back to equal lengths
        bounds = [round(count * n / wanted) for n in range(wanted + 1)]
    else:
        bounds, j = [count], last
        for k in range(wanted, 0, -1):
            j = back[k][j]
            bounds.append(positions[j])
        bounds.reverse()
    return tuple(_Stretch(a, b - 1) for a, b in pairwise(bounds) if b > a)


def _make_segment(number: int, stretch: _Stretch, story: _Story) -> Segment:
    document, arc_valence, arc_arousal = story.document, story.arc_valence, story.arc_arousal
    presence, cast = story.presence, story.cast
    sentences = document.sentences[stretch.first : stretch.last + 1]
    size = len(sentences)
    counts = Counter(i for row in presence[stretch.first : stretch.last + 1] for i in row)
    floor = max(1, round(0.03 * size))
    present = sorted((i for i, n in counts.items() if n >= floor), key=lambda i: (-counts[i], i))
    start_char = sentences[0].start
    if number == 1:
        start_char = min(start_char, document.body_start)
    return Segment(
        number=number,
        title=_title(stretch, story),
        first_sentence=stretch.first,
        last_sentence=stretch.last,
        start_char=start_char,
        end_char=sentences[-1].end,
        valence=sum(arc_valence[stretch.first : stretch.last + 1]) / size,
        arousal=sum(arc_arousal[stretch.first : stretch.last + 1]) / size,
        characters=tuple(cast[i].name for i in present),
        moment=_moment(stretch, story),
    )


def _moment(stretch: _Stretch, story: _Story) -> str:
    """The sentence that best tells what happens in the segment: one that names its people,
    says something (not a line of talk or a heading) and is as intense as the segment gets."""
    document, arc_arousal, presence = story.document, story.arc_arousal, story.presence
    best_score, best = 0.0, ""
    for index in range(stretch.first, stretch.last + 1):
        if not presence[index]:
            continue
        text = document.sentences[index].text
        words = WORD.findall(text)
        if not MOMENT_WORDS[0] <= len(words) <= MOMENT_WORDS[1] or text[:1] in QUOTES:
            continue
        if text.rstrip().endswith((":", ";", ",")):  # it leads into something else
            continue
        score = 1.0 + len(presence[index]) + abs(arc_arousal[index]) - 0.02 * len(words)
        if score > best_score:
            best_score, best = score, text
    return best


def _title(stretch: _Stretch, story: _Story) -> str:
    """The heading of the first section starting here if it says something, else a phrase."""
    for section in story.document.sections:
        if section.first_sentence == stretch.first or (
            stretch.first == 0 and section.first_sentence <= stretch.last
        ):
            heading = _heading_words(section.title)
            if heading:
                return heading
            break
    return _telling_phrase(stretch, story)


def _heading_words(title: str) -> str:
    """'Stave I: Marley's Ghost' -> "Marley's Ghost"; 'CHAPTER XII.' -> ''."""
    title = LEADING_NUMERAL.sub("", title)
    head, _, rest = title.partition(":")
    if rest.strip() and NUMBER_ONLY_HEADING.match(head.strip()):
        title = rest.strip()
    title = title.strip(" .")
    if NUMBER_ONLY_HEADING.match(title):
        return ""
    words = title.split()
    if len(words) > TITLE_MAX_WORDS:
        return ""
    return title if not title.isupper() else title.title()


def _telling_phrase(stretch: _Stretch, story: _Story) -> str:
    """A short sentence of the segment that carries its feeling and its people."""
    document, arc_valence, arc_arousal = story.document, story.arc_valence, story.arc_arousal
    presence, cast = story.presence, story.cast
    size = stretch.last - stretch.first + 1
    mean_v = sum(arc_valence[stretch.first : stretch.last + 1]) / size
    best_score, best_words = -1.0, None
    for index in range(stretch.first, stretch.last + 1):
        words = WORD.findall(document.sentences[index].text)
        if not 3 <= len(words) <= TITLE_MAX_WORDS:
            continue
        # Sentences whose local feeling matches the segment's, naming someone, read as titles.
        agreement = 1.0 - abs(arc_valence[index] - mean_v)
        score = agreement + 0.6 * bool(presence[index]) + 0.3 * abs(arc_arousal[index])
        # Prefer the middle of the segment over its first and last lines.
        score -= 0.3 * abs((index - stretch.first) / size - 0.5)
        if score > best_score:
            best_score, best_words = score, words
    if best_words is None:
        first = WORD.findall(document.sentences[stretch.first].text)[:5]
        best_words = first or [cast[0].name if cast else "Untitled"]
    phrase = " ".join(best_words)
    return phrase[0].upper() + phrase[1:]
