"""Run the analysis stage: Document -> StoryAnalysis."""

from __future__ import annotations

import re

from storyscore.analysis.arc import smooth_arc
from storyscore.analysis.cast import find_cast
from storyscore.analysis.emotion import score_sentences
from storyscore.analysis.model import StoryAnalysis
from storyscore.analysis.relationships import (
    cast_relationships,
    pair_relationship,
    strongest_pair,
)
from storyscore.analysis.segments import segment_story
from storyscore.analysis.shape import classify_arc
from storyscore.errors import AnalysisError
from storyscore.ingest.model import Document, Sentence


def analyze_document(
    document: Document,
    *,
    tracks: int | None = None,
    leads: tuple[str, str] | None = None,
) -> StoryAnalysis:
    """Find the cast, the arc and its shape, the segments, and the relationships of the leads
    and of every pair of the main cast in ``document``."""
    texts = [s.text for s in document.sentences]
    if not texts:
        raise AnalysisError(
            "the story has no sentences to analyse; give a text with at least one sentence"
        )
    cast_result = find_cast(texts, speakers=[s.speaker for s in document.sentences])
    cast, presence = cast_result.cast, cast_result.presence
    valence, arousal = score_sentences(texts)
    arc_valence, arc_arousal = smooth_arc(valence), smooth_arc(arousal)
    segments = segment_story(
        document,
        arc_valence=arc_valence,
        arc_arousal=arc_arousal,
        presence=presence,
        cast=cast,
        tracks=tracks,
    )
    pair = leads if leads is not None else strongest_pair(cast, presence)
    if pair is not None:
        _check_leads(pair, [c.name for c in cast])
    spoken = [is_spoken(s) for s in document.sentences]
    # What every pair's relationship is read from, shared by the main pairs and the leads.
    evidence = {
        "cast": cast,
        "presence": presence,
        "valence": valence,
        "segments": segments,
        "spoken": spoken,
        "arousal": arousal,
    }
    relationships = cast_relationships(**evidence)
    relationship = None
    if pair is not None:  # the leads are usually among the main pairs already followed
        relationship = next((r for r in relationships if r.pair == pair), None)
        if relationship is None:
            relationship = pair_relationship(pair, **evidence)
    return StoryAnalysis(
        title=document.title,
        sha256=document.sha256,
        words=document.word_count,
        sentence_count=len(texts),
        cast=cast,
        presence=presence,
        valence=valence,
        arousal=arousal,
        arc_valence=arc_valence,
        arc_arousal=arc_arousal,
        segments=segments,
        leads=relationship,
        arc_shape=classify_arc(arc_valence, valence),
        relationships=relationships,
    )


QUOTE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb')
# Speech reported in the narrative past ("they talked until noon"); "had said" is a memory.
REPORTED_SPEECH = re.compile(
    r"(?<!had )\b(?:said|asked|answered|replied|talked|told|spoke|whispered|shouted|"
    r"exclaimed|chatted|called out)\b"
)


def is_spoken(sentence: Sentence) -> bool:
    """Dialogue: attributed by a screenplay cue, holding quotation marks (a sentence that opens
    with a single quotation mark counts too, for British-style dialogue), or reported with a
    verb of speaking ("they talked until noon")."""
    text = sentence.text
    return (
        sentence.speaker is not None
        or not QUOTE_MARKS.isdisjoint(text)
        or text.startswith(("\u2018", "'"))
        or REPORTED_SPEECH.search(text.lower()) is not None
    )


def _check_leads(pair: tuple[str, str], names: list[str]) -> None:
    missing = [name for name in pair if name not in names]
    if missing or pair[0] == pair[1]:
        raise AnalysisError(
            f"leads {pair[0]!r} and {pair[1]!r} must be two different main characters; "
            f"the cast is: {', '.join(names) or '(none found)'}"
        )
