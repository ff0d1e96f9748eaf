"""Plain-data (JSON-ready) views of the analysis, for `storyscore analyze --json` and tools.

``analysis_to_dict`` rounds floats to 4 decimals for people and tools that read it. An album
folder keeps the analysis it was composed from in ``analysis.json`` at full precision
(``exact=True``; JSON writes the shortest text that reads back as the same float), so that
``analysis_from_dict`` gives back an equal :class:`StoryAnalysis` and ``storyscore next`` can
rebuild the album note for note.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from storyscore.analysis.model import (
    ARC_SHAPES,
    RELATIONSHIP_STATES,
    ArcShape,
    Character,
    PairRelationship,
    Segment,
    StoryAnalysis,
)

ANALYSIS_FORMAT = "storyscore-analysis/1"


def _round(value: float) -> float:
    return round(value, 4)


def _exact(value: float) -> float:
    return float(value)


def analysis_to_dict(analysis: StoryAnalysis, *, exact: bool = False) -> dict[str, Any]:
    """Everything the analysis found: cast, segments, the leads, the arc's shape, the
    relationship of every main pair, and the per-sentence arc.

    With ``exact`` the floats are kept as they are, so :func:`analysis_from_dict` restores
    an equal analysis; otherwise they are rounded to 4 decimals.
    """
    number: Callable[[float], float] = _exact if exact else _round
    leads = analysis.leads
    shape = analysis.arc_shape
    return {
        "title": analysis.title,
        "source": {
            "sha256": analysis.sha256,
            "words": analysis.words,
            "sentences": analysis.sentence_count,
        },
        "cast": [
            {
                "name": c.name,
                "aliases": list(c.aliases),
                "mentions": c.mentions,
                "gender": c.gender,
            }
            for c in analysis.cast
        ],
        "segments": [
            {
                "number": s.number,
                "title": s.title,
                "span": {
                    "first_sentence": s.first_sentence,
                    "last_sentence": s.last_sentence,
                    "start_char": s.start_char,
                    "end_char": s.end_char,
                },
                "valence": number(s.valence),
                "arousal": number(s.arousal),
                "characters": list(s.characters),
                "moment": s.moment,
                "relationship": (
                    {
                        "pair": list(leads.pair),
                        "state": leads.states[i],
                        "co_presence": number(leads.co_presence[i]),
                        "warmth": number(leads.warmth[i]),
                    }
                    if leads
                    else None
                ),
            }
            for i, s in enumerate(analysis.segments)
        ],
        "leads": list(leads.pair) if leads else None,
        "arc_shape": (
            {
                "name": shape.name,
                "confidence": number(shape.confidence),
                "scores": {name: number(score) for name, score in shape.scores},
            }
            if shape
            else None
        ),
        "relationships": [
            {
                "pair": list(r.pair),
                "states": list(r.states),
                "co_presence": [number(x) for x in r.co_presence],
                "warmth": [number(x) for x in r.warmth],
            }
            for r in analysis.relationships
        ],
        "sentences": [
            {
                "valence": number(analysis.valence[i]),
                "arousal": number(analysis.arousal[i]),
                "arc_valence": number(analysis.arc_valence[i]),
                "arc_arousal": number(analysis.arc_arousal[i]),
                "characters": [analysis.cast[j].name for j in analysis.presence[i]],
            }
            for i in range(analysis.sentence_count)
        ],
    }


def analysis_from_dict(data: Mapping[str, Any]) -> StoryAnalysis:
    """The analysis back from :func:`analysis_to_dict` (exactly, if it was written ``exact``).

    A dictionary written before the arc's shape and the main pairs were kept reads back
    without them (``arc_shape`` None, no ``relationships``).

    Raises
    ------
    ValueError
        If ``data`` is not such a dictionary: a field is missing, of the wrong type, or names
        a character outside the cast. The message says which.
    """
    try:
        return _analysis(data)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"not a storyscore analysis ({type(exc).__name__}: {exc})") from exc


def analysis_to_json(analysis: StoryAnalysis) -> str:
    """``analysis.json`` text: the exact analysis under a format tag, ending in a newline."""
    document = {"format": ANALYSIS_FORMAT, **analysis_to_dict(analysis, exact=True)}
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def analysis_from_json(text: str) -> StoryAnalysis:
    """The analysis in ``analysis.json`` text; ``ValueError`` if it is not one this version
    reads."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(document, dict) or document.get("format") != ANALYSIS_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise ValueError(f"format {found!r} is not {ANALYSIS_FORMAT!r}")
    return analysis_from_dict(document)


def _analysis(data: Mapping[str, Any]) -> StoryAnalysis:
    cast = tuple(
        Character(
            name=_text(c["name"]),
            aliases=tuple(_text(alias) for alias in c["aliases"]),
            mentions=int(c["mentions"]),
            gender=_gender(c["gender"]),
        )
        for c in data["cast"]
    )
    index = {character.name: position for position, character in enumerate(cast)}
    if len(index) != len(cast):
        raise ValueError("two characters of the cast share a name")
    sentences = data["sentences"]
    segments = tuple(_segment(s) for s in data["segments"])
    count = int(data["source"]["sentences"])
    if len(sentences) != count:
        raise ValueError(f"{len(sentences)} sentences listed but {count} counted")
    return StoryAnalysis(
        title=_text(data["title"]),
        sha256=_text(data["source"]["sha256"]),
        words=int(data["source"]["words"]),
        sentence_count=count,
        cast=cast,
        presence=tuple(tuple(_cast_index(index, n) for n in s["characters"]) for s in sentences),
        valence=_floats(s["valence"] for s in sentences),
        arousal=_floats(s["arousal"] for s in sentences),
        arc_valence=_floats(s["arc_valence"] for s in sentences),
        arc_arousal=_floats(s["arc_arousal"] for s in sentences),
        segments=segments,
        leads=_leads(data["leads"], data["segments"], index),
        arc_shape=_arc_shape(data.get("arc_shape")),
        relationships=tuple(
            _relationship(r, index, len(segments)) for r in data.get("relationships", ())
        ),
    )


def _segment(data: Mapping[str, Any]) -> Segment:
    span = data["span"]
    return Segment(
        number=int(data["number"]),
        title=_text(data["title"]),
        first_sentence=int(span["first_sentence"]),
        last_sentence=int(span["last_sentence"]),
        start_char=int(span["start_char"]),
        end_char=int(span["end_char"]),
        valence=float(data["valence"]),
        arousal=float(data["arousal"]),
        characters=tuple(_text(name) for name in data["characters"]),
        moment=_text(data.get("moment", "")),
    )


def _arc_shape(data: Mapping[str, Any] | None) -> ArcShape | None:
    if data is None:
        return None
    names = [data["name"], *data["scores"]]
    unknown = [name for name in names if name not in ARC_SHAPES]
    if unknown:
        raise ValueError(f"unknown arc shape {unknown[0]!r}")
    return ArcShape(
        name=data["name"],
        confidence=float(data["confidence"]),
        scores=tuple((name, float(score)) for name, score in data["scores"].items()),
    )


def _relationship(
    data: Mapping[str, Any], index: Mapping[str, int], segment_count: int
) -> PairRelationship:
    pair = data["pair"]
    if len(pair) != 2:
        raise ValueError(f"a relationship needs two names, got {list(pair)}")
    for name in pair:
        _cast_index(index, name)
    states = tuple(data["states"])
    unknown = [state for state in states if state not in RELATIONSHIP_STATES]
    if unknown:
        raise ValueError(f"unknown relationship state {unknown[0]!r}")
    relationship = PairRelationship(
        pair=(_text(pair[0]), _text(pair[1])),
        co_presence=_floats(data["co_presence"]),
        warmth=_floats(data["warmth"]),
        states=states,
    )
    lengths = {len(relationship.states), len(relationship.co_presence), len(relationship.warmth)}
    if lengths != {segment_count}:
        raise ValueError(
            f"the relationship of {pair[0]} and {pair[1]} does not give one value per segment"
        )
    return relationship


def _leads(
    pair: Sequence[str] | None, segments: Sequence[Mapping[str, Any]], index: Mapping[str, int]
) -> PairRelationship | None:
    if pair is None:
        return None
    if len(pair) != 2:
        raise ValueError(f"the leads must be two names, got {list(pair)}")
    for name in pair:
        _cast_index(index, name)
    relationships = [segment["relationship"] for segment in segments]
    states = tuple(r["state"] for r in relationships)
    unknown = [state for state in states if state not in RELATIONSHIP_STATES]
    if unknown:
        raise ValueError(f"unknown relationship state {unknown[0]!r}")
    return PairRelationship(
        pair=(_text(pair[0]), _text(pair[1])),
        co_presence=_floats(r["co_presence"] for r in relationships),
        warmth=_floats(r["warmth"] for r in relationships),
        states=states,
    )


def _cast_index(index: Mapping[str, int], name: str) -> int:
    if name not in index:
        raise ValueError(f"{name!r} is not in the cast")
    return index[name]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _gender(value: object) -> Any:
    if value not in ("female", "male", None):
        raise ValueError(f"unknown gender {value!r}")
    return value


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(value) for value in values)
