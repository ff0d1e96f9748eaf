"""The next song: one more track after an album's last, continuing its story.

A :class:`Continuation` holds what one ``storyscore next`` adds, reduced to the few values its
track is planned from (title, mood, who is on stage, the leads' state). It comes either from a
new text (:func:`read_continuation`) or, without one, from where the arc was heading
(:func:`extrapolate`). :func:`append_track` plans and composes the track with the album's own
themes and seed; since each track draws its randomness from ``derive(seed, "track", number)``,
the earlier tracks stay exactly as they were. :func:`replay` re-applies stored continuations,
so an album continued several times can be rebuilt note for note.

The rules, kept simple so that a listener can follow them:

- The *reference* is the album's last track that carries the story (kind "story" or "next");
  opening and epilogue stand outside the story.
- *Key*: the reference's key, unless the mood moves. A clearly darker mood (valence down by
  more than ``MOOD_STEP``) turns a major-like key to its relative minor, a clearly brighter one
  turns a minor-like key to its relative major (same key signature); otherwise the tonic moves
  a fifth up when the energy rises by more than ``ENERGY_STEP``, a fifth down when it falls,
  and stays when it holds. Every move is to a neighbour on the circle of fifths.
- *Tempo*: the style's tempo for the new arousal, held within ``MAX_TEMPO_STEP`` (15%) of the
  reference's tempo. *Meter*: the style's. *Length*: the reference's number of bars.
- *Without text*: valence and arousal continue the trend (least-squares slope per track) of
  the last ``TREND_TRACKS`` story tracks one step, at ``TREND_CARRY`` of its pace (momentum
  fades, so two steps do not already reach the extremes), clipped to [-1, 1]. The leads'
  state takes one step along its course (``NEXT_STATE``): what was starting settles (meeting
  -> together), what was breaking breaks (conflict -> parting -> apart), and where the arc
  rises, what was broken mends (conflict -> together, apart -> reunion). On stage: the leads and the
  reference's characters; when the leads are apart, only the one the reference had on stage.
- *With text*: its sentences are scored like the story's; the stored cast is found in it by
  name and alias (whole words, as the cast finder splits them; "she"/"he" carry the last
  named woman/man for ``PRONOUN_REACH`` sentences); new names are ignored. Title, mood and
  characters are those of the text taken as one segment. The leads are together when they
  share the text's scenes (:func:`~storyscore.analysis.relationships.pair_relationship`), and
  their state follows from that and their history by the analysis' own transitions (together
  after apart is a reunion; apart after together is a parting; a shared scene darker than the
  story's mean is a conflict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import fmean

from storyscore.analysis.arc import smooth_arc
from storyscore.analysis.cast import PRONOUN_REACH, name_words
from storyscore.analysis.emotion import score_sentences
from storyscore.analysis.model import Character, RelationshipState
from storyscore.analysis.names import FEMALE_PRONOUNS, MALE_PRONOUNS
from storyscore.analysis.relationships import pair_relationship, state_for
from storyscore.analysis.segments import segment_story
from storyscore.composition.album import theme_voices
from storyscore.composition.model import Album, Track, TrackPlan
from storyscore.composition.styles import STYLES
from storyscore.composition.track import compose_track
from storyscore.errors import CompositionError
from storyscore.ingest.model import Document
from storyscore.music.theory import Key

STORY_KINDS = frozenset({"story", "next"})
TREND_TRACKS = 3
TREND_CARRY = 0.5
MOOD_STEP = 0.15
ENERGY_STEP = 0.1
MAX_TEMPO_STEP = 0.15
TOGETHER_STATES: frozenset[RelationshipState] = frozenset(
    {"meeting", "together", "conflict", "reunion"}
)
# The leads' next state without text: (where the arc falls or holds, where it rises).
NEXT_STATE: dict[RelationshipState, tuple[RelationshipState, RelationshipState]] = {
    "meeting": ("together", "together"),
    "together": ("together", "together"),
    "conflict": ("parting", "together"),
    "parting": ("apart", "apart"),
    "apart": ("apart", "reunion"),
    "reunion": ("together", "together"),
}
STATE_TITLES: dict[RelationshipState, str] = {
    "meeting": "A First Meeting",
    "together": "Together Still",
    "conflict": "Words Between Them",
    "parting": "The Parting",
    "apart": "Still Apart",
    "reunion": "The Hoped-For Reunion",
}


@dataclass(frozen=True, slots=True)
class Continuation:
    """What one ``next`` adds, reduced to the values its track is planned from.

    ``text_sha256`` and ``text_sentences`` identify the text it was read from; both are
    ``None`` when the arc was extrapolated instead. ``valence`` and ``arousal`` are in
    [-1, 1]; ``state`` is ``None`` when the story has no leads.
    """

    title: str
    valence: float
    arousal: float
    characters: tuple[str, ...]
    state: RelationshipState | None
    text_sha256: str | None = None
    text_sentences: int | None = None


def story_tracks(album: Album) -> tuple[Track, ...]:
    """The tracks that carry the story forward, in order: story tracks, then earlier nexts."""
    return tuple(track for track in album.tracks if track.plan.kind in STORY_KINDS)


def extrapolate(album: Album) -> Continuation:
    """The next step of the album's arc when no text says where the story goes."""
    reference = _reference(album)
    recent = [track.plan for track in story_tracks(album)][-TREND_TRACKS:] or [reference.plan]
    valence = _clip(recent[-1].valence + TREND_CARRY * _slope([p.valence for p in recent]))
    arousal = _clip(recent[-1].arousal + TREND_CARRY * _slope([p.arousal for p in recent]))
    rising = valence > recent[-1].valence
    pair = album.analysis.leads.pair if album.analysis.leads else None
    previous_state = reference.plan.state
    state = None
    if pair is not None:
        falling_or_holding, rising_to = NEXT_STATE[previous_state or "apart"]
        state = rising_to if rising else falling_or_holding
    on_stage = reference.plan.characters
    if pair is None:
        characters = on_stage
    elif state == "apart":
        stays = next((name for name in on_stage if name in pair), pair[0])
        characters = (stays, *(name for name in on_stage if name not in pair))
    else:
        characters = (*pair, *(name for name in on_stage if name not in pair))
    if state is not None:
        title = STATE_TITLES[state]
    elif abs(valence - recent[-1].valence) < 0.05:
        title = "What Came Next"
    else:
        title = "Toward the Light" if rising else "Into the Dark"
    return Continuation(
        title=title, valence=valence, arousal=arousal, characters=characters, state=state
    )


def read_continuation(album: Album, document: Document) -> Continuation:
    """What a new text says happens next: its title, mood, cast on stage and the leads' state.

    Raises
    ------
    CompositionError
        If the text has no sentences.
    """
    texts = [sentence.text for sentence in document.sentences]
    if not texts:
        raise CompositionError(
            "the continuation text has no sentences; give a text that tells what happens next"
        )
    analysis = album.analysis
    cast = analysis.cast
    valence, arousal = score_sentences(texts)
    presence = cast_presence(cast, texts)
    (segment,) = segment_story(
        document,
        arc_valence=smooth_arc(valence),
        arc_arousal=smooth_arc(arousal),
        presence=presence,
        cast=cast,
        tracks=1,
    )
    state = None
    if analysis.leads is not None:
        relationship = pair_relationship(
            analysis.leads.pair, cast=cast, presence=presence, valence=valence, segments=[segment]
        )
        # Alone, the text has no history: sharing its scenes reads as "meeting", else "apart".
        together = relationship.states[0] != "apart"
        # Tension as the analysis reads it: below the story's mean valence, above its arousal.
        tension = (fmean(analysis.valence) - fmean(valence)) + (
            fmean(arousal) - fmean(analysis.arousal)
        )
        history = [t.plan.state for t in story_tracks(album) if t.plan.state is not None]
        state = state_after(history, together, tension)
    return Continuation(
        title=segment.title,
        valence=_clip(segment.valence),
        arousal=_clip(segment.arousal),
        characters=segment.characters,
        state=state,
        text_sha256=document.sha256,
        text_sentences=len(texts),
    )


def state_after(
    history: Sequence[RelationshipState], together: bool, tension: float
) -> RelationshipState:
    """The leads' state in a new stretch, from their past states, whether they share it and
    how tense it is (:func:`~storyscore.analysis.relationships.state_for`)."""
    met_before = any(state in TOGETHER_STATES for state in history)
    was_together = bool(history) and history[-1] in TOGETHER_STATES
    return state_for(together, met_before, was_together, tension)


def cast_presence(
    cast: Sequence[Character], sentences: Sequence[str]
) -> tuple[tuple[int, ...], ...]:
    """Per sentence, the indices into ``cast`` of the characters named (or referred to) in it.

    A name or alias matches whole words as the cast finder cuts them, a possessive "'s"
    dropped; descriptions ("the wolf") match in any case, names as written. "she"/"he" keep
    the last named woman/man present for ``PRONOUN_REACH`` sentences.
    """
    forms = [
        (index, name_words(form), form.lower().startswith("the "))
        for index, character in enumerate(cast)
        for form in (character.name, *character.aliases)
    ]
    focus: dict[str, tuple[int, int] | None] = {"female": None, "male": None}
    presence = []
    for number, sentence in enumerate(sentences):
        words = name_words(sentence)
        lowered = tuple(word.lower() for word in words)
        named = sorted(
            {
                (position, index)
                for index, form, any_case in forms
                for position in _find(lowered if any_case else words, form, any_case)
            }
        )
        here = {index for _, index in named}
        for gender, pronouns in (("female", FEMALE_PRONOUNS), ("male", MALE_PRONOUNS)):
            gendered = [index for _, index in named if cast[index].gender == gender]
            current = focus[gender]
            if gendered:
                focus[gender] = (gendered[0], number)
            elif current and number - current[1] <= PRONOUN_REACH and set(lowered) & pronouns:
                here.add(current[0])
                focus[gender] = (current[0], number)
        presence.append(tuple(sorted(here)))
    return tuple(presence)


def next_plan(album: Album, continuation: Continuation) -> TrackPlan:
    """The plan of the track that ``continuation`` adds after the album's last track."""
    if not album.tracks:
        raise CompositionError("the album has no tracks to continue; compose it first")
    style = STYLES[album.style]
    reference = _reference(album).plan
    lo, hi = style.tempo_range
    tempo = lo + (hi - lo) * (continuation.arousal + 1) / 2
    tempo = min(
        max(tempo, reference.tempo_bpm * (1 - MAX_TEMPO_STEP)),
        reference.tempo_bpm * (1 + MAX_TEMPO_STEP),
    )
    story_end = max(track.plan.end_char for track in album.tracks)
    arousal_change = continuation.arousal - reference.arousal
    return TrackPlan(
        number=max(track.plan.number for track in album.tracks) + 1,
        kind="next",
        title=continuation.title,
        key=next_key(reference.key, continuation.valence - reference.valence, arousal_change),
        tempo_bpm=float(round(min(hi, max(lo, tempo)))),
        beats_per_bar=style.beats_per_bar,
        bars=reference.bars,
        valence=continuation.valence,
        arousal=continuation.arousal,
        characters=continuation.characters,
        pair=album.analysis.leads.pair if album.analysis.leads else None,
        state=continuation.state,
        # A continuation is not part of the source text: its span marks where the story ends.
        first_sentence=album.analysis.sentence_count - 1,
        last_sentence=album.analysis.sentence_count - 1,
        start_char=story_end,
        end_char=story_end,
    )


def next_key(previous: Key, valence_change: float, arousal_change: float) -> Key:
    """A key beside ``previous`` on the circle of fifths, moved as the mood moves."""
    if previous.is_major_like and valence_change < -MOOD_STEP:
        return previous.relative()
    if not previous.is_major_like and valence_change > MOOD_STEP:
        return previous.relative()
    if arousal_change > ENERGY_STEP:
        return Key((previous.tonic + 7) % 12, previous.mode)
    if arousal_change < -ENERGY_STEP:
        return Key((previous.tonic + 5) % 12, previous.mode)
    return previous


def append_track(album: Album, continuation: Continuation) -> Album:
    """``album`` with one more track, composed from ``continuation`` with the album's themes."""
    style = STYLES[album.style]
    plan = next_plan(album, continuation)
    voices = theme_voices(album.analysis, album.seed, style)
    introduced = frozenset(
        statement.character for track in album.tracks for statement in track.motif_statements
    )
    chords, parts, markers, statements = compose_track(
        plan, voices=voices, introduced=introduced, style=style, seed=album.seed
    )
    return replace(album, tracks=(*album.tracks, Track(plan, chords, parts, markers, statements)))


def replay(album: Album, continuations: Sequence[Continuation]) -> Album:
    """``album`` with each stored continuation appended in turn, as ``next`` appended them."""
    for continuation in continuations:
        album = append_track(album, continuation)
    return album


def _reference(album: Album) -> Track:
    carried = story_tracks(album)
    if carried:
        return carried[-1]
    if not album.tracks:
        raise CompositionError("the album has no tracks to continue; compose it first")
    return album.tracks[-1]


def _slope(values: Sequence[float]) -> float:
    """Least-squares change per step of ``values`` (0 for fewer than two)."""
    count = len(values)
    if count < 2:
        return 0.0
    middle = (count - 1) / 2
    spread = sum((x - middle) ** 2 for x in range(count))
    return sum((x - middle) * value for x, value in enumerate(values)) / spread


def _clip(value: float) -> float:
    return max(-1.0, min(1.0, float(value)))


def _find(words: Sequence[str], form: Sequence[str], any_case: bool) -> list[int]:
    """Positions where the words of ``form`` stand in a row in ``words``."""
    if any_case:
        form = [word.lower() for word in form]
    size = len(form)
    if not size:
        return []
    return [i for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == tuple(form)]
