"""Plain-data (JSON-ready) views of the analysis, for `storyscore analyze --json` and tools."""

from __future__ import annotations

from typing import Any

from storyscore.analysis.model import StoryAnalysis


def _round(value: float) -> float:
    return round(value, 4)


def analysis_to_dict(analysis: StoryAnalysis) -> dict[str, Any]:
    """Everything the analysis found: cast, segments, the leads, and the per-sentence arc."""
    leads = analysis.leads
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
                "valence": _round(s.valence),
                "arousal": _round(s.arousal),
                "characters": list(s.characters),
                "relationship": (
                    {
                        "pair": list(leads.pair),
                        "state": leads.states[i],
                        "co_presence": _round(leads.co_presence[i]),
                        "warmth": _round(leads.warmth[i]),
                    }
                    if leads
                    else None
                ),
            }
            for i, s in enumerate(analysis.segments)
        ],
        "leads": list(leads.pair) if leads else None,
        "sentences": [
            {
                "valence": _round(analysis.valence[i]),
                "arousal": _round(analysis.arousal[i]),
                "arc_valence": _round(analysis.arc_valence[i]),
                "arc_arousal": _round(analysis.arc_arousal[i]),
                "characters": [analysis.cast[j].name for j in analysis.presence[i]],
            }
            for i in range(analysis.sentence_count)
        ],
    }
