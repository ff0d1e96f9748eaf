"""Plan the album from the analysis: key, mode, tempo, meter and length of every track.

Cue weights follow Eerola et al. 2013 (mode > tempo > register > dynamics): valence picks the
mode, arousal the tempo. Both are read partly against the story's own range, so a gentle
story still has its darker and brighter chapters, and partly absolutely, so a grim story
stays mostly minor. Keys move to close relatives while the arc is continuous and step further
at its turning points; tempo moves at most 15% between neighbours unless the story turns.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from statistics import fmean, pstdev

from storyscore.analysis.model import Segment, StoryAnalysis
from storyscore.composition.model import TrackPlan
from storyscore.composition.styles import Style
from storyscore.composition.track import INTRO_BARS, OUTRO_BARS
from storyscore.music.theory import Key, Mode
from storyscore.options import ComposeOptions
from storyscore.random_source import derive

HOME_TONICS = (0, 2, 3, 5, 7, 9, 10)  # C, D, Eb, F, G, A, Bb: keys every instrument likes
ABSOLUTE_SCALE = 0.25  # emotion values this far from neutral count as fully bright or dark
TURN = 0.8  # a change in score this large between tracks is a turning point
MAX_TEMPO_STEP = 0.15
DEFAULT_TRACK_SECONDS = 150.0
TRACK_SECONDS_RANGE = (75.0, 240.0)
MAX_PHRASES = 8
MAX_THEMES = 6


def emotion_scores(values: Sequence[float]) -> tuple[float, ...]:
    """Each value as a score in [-1, 1]: half against the story's range, half absolute."""
    if not values:
        return ()
    mean, spread = fmean(values), max(pstdev(values), 0.05)
    return tuple(
        0.5 * _clip((v - mean) / (1.5 * spread)) + 0.5 * _clip(v / ABSOLUTE_SCALE) for v in values
    )


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))


def mode_for(valence_score: float, arousal_score: float) -> Mode:
    """Valence to mode, with modal shades between major and minor."""
    if valence_score >= 0.55 and arousal_score < -0.2:
        return "lydian"
    if valence_score >= 0.05:
        return "major"
    if valence_score >= -0.2:
        return "mixolydian" if arousal_score >= 0 else "dorian"
    if valence_score < -0.7 and arousal_score > 0.4:
        return "phrygian"
    return "minor"


def home_mode(arc_valence: Sequence[float]) -> Mode:
    """Major when the story comes to rest brighter than it lived, or is bright throughout.

    The home key is where the album begins and ends (overture and epilogue), so it follows the
    ending: a love story that ends in reunion is major even if most of it is told in shadow;
    a tragedy is minor even if it begins in joy.
    """
    if not arc_valence:
        return "major"
    mean = fmean(arc_valence)
    ending = fmean(arc_valence[-max(1, len(arc_valence) // 5) :])
    bright_throughout = mean >= ABSOLUTE_SCALE / 2 and ending >= 0
    return "major" if ending >= mean or bright_throughout else "minor"


def plan_album(
    analysis: StoryAnalysis, options: ComposeOptions, style: Style
) -> tuple[Key, tuple[TrackPlan, ...]]:
    """The home key and a plan per story track plus the epilogue."""
    rng = derive(options.seed, "plan")
    segments = analysis.segments
    valence_scores = emotion_scores([s.valence for s in segments])
    arousal_scores = emotion_scores([s.arousal for s in segments])
    home = Key(rng.choice(HOME_TONICS), home_mode(analysis.arc_valence))
    lo, hi = style.tempo_range
    total_sentences = max(1, analysis.sentence_count)
    track_seconds = _track_seconds(segments, total_sentences, options.minutes)

    themed = theme_names(analysis)
    plans: list[TrackPlan] = []
    previous_key, previous_tempo, previous_scores = home, None, None
    for index, segment in enumerate(segments):
        v, a = valence_scores[index], arousal_scores[index]
        turning = previous_scores is not None and (
            abs(v - previous_scores[0]) + abs(a - previous_scores[1]) > TURN
        )
        mode = mode_for(v, a)
        key = _next_key(home, previous_key, mode, turning, rng)
        tempo = lo + (hi - lo) * (a + 1) / 2
        if previous_tempo is not None and not turning:
            tempo = min(
                max(tempo, previous_tempo * (1 - MAX_TEMPO_STEP)),
                previous_tempo * (1 + MAX_TEMPO_STEP),
            )
        tempo = round(tempo)
        state = analysis.leads.states[index] if analysis.leads else None
        plans.append(
            TrackPlan(
                number=index + 2,  # after the opening
                kind="story",
                title=segment.title,
                key=key,
                tempo_bpm=float(tempo),
                beats_per_bar=style.beats_per_bar,
                bars=_bars(track_seconds[index], tempo, style.beats_per_bar),
                valence=segment.valence,
                arousal=segment.arousal,
                characters=segment.characters,
                pair=analysis.leads.pair if analysis.leads else None,
                state=state,
                first_sentence=segment.first_sentence,
                last_sentence=segment.last_sentence,
                start_char=segment.start_char,
                end_char=segment.end_char,
            )
        )
        previous_key, previous_tempo, previous_scores = key, tempo, (v, a)
    opening = opening_plan(analysis, plans, themed, home, style)
    epilogue = epilogue_plan(analysis, plans, themed, home, style, track_seconds[-1])
    return home, (opening, *plans, epilogue)


def theme_names(analysis: StoryAnalysis) -> tuple[str, ...]:
    """The characters who get a theme: the leads first, then the most salient others."""
    names = [c.name for c in analysis.cast]
    if analysis.leads is not None:
        pair = list(analysis.leads.pair)
        names = pair + [n for n in names if n not in pair]
    return tuple(names[:MAX_THEMES])


def opening_plan(
    analysis: StoryAnalysis,
    story_plans: Sequence[TrackPlan],
    themed: Sequence[str],
    home: Key,
    style: Style,
) -> TrackPlan:
    """The first track: the home key at the story's opening tempo, one plain phrase per theme."""
    first = story_plans[0]
    phrases = min(MAX_PHRASES, max(2, len(themed)))
    return TrackPlan(
        number=1,
        kind="opening",
        title="Overture",
        key=home,
        tempo_bpm=first.tempo_bpm,
        beats_per_bar=style.beats_per_bar,
        bars=INTRO_BARS + 8 * phrases + OUTRO_BARS,
        valence=fmean(analysis.arc_valence),
        arousal=fmean(analysis.arc_arousal),
        characters=tuple(themed),
        pair=None,
        state=None,
        first_sentence=0,
        last_sentence=analysis.sentence_count - 1,
        start_char=first.start_char,
        end_char=story_plans[-1].end_char,
    )


def epilogue_plan(
    analysis: StoryAnalysis,
    story_plans: Sequence[TrackPlan],
    themed: Sequence[str],
    home: Key,
    style: Style,
    seconds: float,
) -> TrackPlan:
    """The closing track: home key, an unhurried tempo, every theme recalled, the leads reunited
    in counterpoint; when the story left them apart, this is their life as it might have been,
    and the last phrase lets them part again."""
    tempo = round(0.9 * fmean(p.tempo_bpm for p in story_plans))
    tempo = max(style.tempo_range[0], tempo)
    pair = analysis.leads.pair if analysis.leads else None
    ended_apart = pair is not None and story_plans[-1].state in ("apart", "parting")
    return TrackPlan(
        number=story_plans[-1].number + 1,
        kind="epilogue",
        title="Epilogue",
        key=home,
        tempo_bpm=float(tempo),
        beats_per_bar=style.beats_per_bar,
        bars=_bars(seconds, tempo, style.beats_per_bar),
        valence=fmean(analysis.arc_valence),
        arousal=fmean(analysis.arc_arousal),
        characters=tuple(themed),
        pair=pair,
        state="reunion" if pair else None,
        first_sentence=0,
        last_sentence=analysis.sentence_count - 1,
        start_char=story_plans[0].start_char,
        end_char=story_plans[-1].end_char,
        closing_state="parting" if ended_apart else None,
    )


def _track_seconds(
    segments: Sequence[Segment], total_sentences: int, minutes: float | None
) -> list[float]:
    """Seconds per story track (and one more for the epilogue), from each segment's share."""
    shares = [(s.last_sentence - s.first_sentence + 1) / total_sentences for s in segments]
    count = len(segments)
    total = minutes * 60 if minutes is not None else DEFAULT_TRACK_SECONDS * (count + 1)
    story_total = total * count / (count + 1)
    low, high = TRACK_SECONDS_RANGE if minutes is None else (30.0, 600.0)
    seconds = [min(high, max(low, story_total * share)) for share in shares]
    return [*seconds, min(high, max(low, total / (count + 1)))]


def _bars(seconds: float, tempo: float, beats_per_bar: int) -> int:
    """Bars for a length in seconds: the intro, whole 8-bar phrases, and the outro."""
    bars = seconds * tempo / 60 / beats_per_bar
    phrases = min(MAX_PHRASES, max(1, round((bars - INTRO_BARS - OUTRO_BARS) / 8)))
    return INTRO_BARS + 8 * phrases + OUTRO_BARS


def _next_key(home: Key, previous: Key, mode: Mode, turning: bool, rng: random.Random) -> Key:
    """A tonic for ``mode`` close to the previous key; further afield at turning points."""
    major_like = mode in ("major", "lydian", "mixolydian")
    relatives = (0, 7, 5) if major_like else (9, 0, 4, 2)
    if home.mode == "minor":
        relatives = (3, 0, 10, 8) if major_like else (0, 7, 5)
    if turning:
        relatives = (*relatives, 4, 8)  # chromatic mediants: a new world
    candidates = [Key((home.tonic + r) % 12, mode) for r in relatives]
    limit = 3 if turning else 1

    def distance(key: Key) -> int:
        gap = abs(key.fifths - previous.fifths)
        return min(gap, 12 - gap)

    close = [k for k in candidates if distance(k) <= limit] or candidates
    best = min(distance(k) for k in close) if not turning else None
    pool = [k for k in close if best is None or distance(k) == best]
    return rng.choice(pool)
