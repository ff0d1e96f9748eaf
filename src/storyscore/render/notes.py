"""NOTES.md: liner notes that say, track by track, why the music sounds as it does.

Every sentence is built from a value of the album (a key, a tempo, a bar number, a state), so
the notes stay true to the music they describe.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import storyscore
from storyscore.analysis.model import RelationshipState
from storyscore.composition.model import Album, MotifStatement, Theme, Track, Transformation
from storyscore.music.theory import Key, Mode
from storyscore.render.midi import track_duration_seconds, track_level_db
from storyscore.render.names import midi_path

INTERVAL_NAMES = (
    "unison", "minor second", "major second", "minor third", "major third", "fourth",
    "tritone", "fifth", "minor sixth", "major sixth", "minor seventh", "major seventh", "octave",
)  # fmt: skip
NOTE_VALUES = {
    Fraction(4): "whole notes", Fraction(3): "dotted halves", Fraction(2): "half notes",
    Fraction(3, 2): "dotted quarters", Fraction(1): "quarter notes", Fraction(1, 2): "eighth notes",
    Fraction(1, 3): "triplet eighths", Fraction(1, 4): "sixteenth notes",
}  # fmt: skip
MODE_COLOURS: dict[Mode, str] = {
    "major": "the plain brightness of major",
    "lydian": "lydian, major with a raised fourth, which lifts the light almost into a dream",
    "mixolydian": "mixolydian, major with a lowered seventh, which keeps the light but earths it",
    "dorian": "dorian, minor with a raised sixth, sad but not without hope",
    "minor": "the shadow of the minor mode",
    "phrygian": "phrygian, minor with a lowered second, the darkest and most threatened colour",
}
# How each transformation is named in a list of bars, and the sentence that says why.
TRANSFORMATION_WORDS: dict[Transformation, tuple[str, str]] = {
    "statement": ("whole", ""),
    "restatement": (
        "restated",
        "A restatement keeps the motif's shape in this track's key and mode.",
    ),
    "augmentation": ("augmented", "Augmentation stretches it into longer notes, slow as a memory."),
    "diminution": (
        "diminished",
        "Diminution quickens it into shorter notes, driven by excitement.",
    ),
    "inversion": ("inverted", "Inversion turns its rises into falls, the shape of a conflict."),
    "fragment": ("in fragments", "A fragment keeps only its opening notes, broken off."),
    "distant-fragment": (
        "as a distant fragment",
        "The distant fragment is quiet and far away, like someone thought of but not there.",
    ),
    "reharmonisation": ("reharmonised", "Reharmonisation sets the same tune over new chords."),
    "register": (
        "in another register",
        "A new register changes the motif's colour, not its shape.",
    ),
    "counterpoint": ("in counterpoint", "Counterpoint sets it against another theme at once."),
}
STATE_WORDS: dict[RelationshipState, str] = {
    "meeting": "are meeting",
    "together": "are together",
    "conflict": "are in conflict",
    "parting": "are parting",
    "apart": "are apart",
    "reunion": "are reunited",
}
DUET_TEXTURES: dict[RelationshipState, str] = {
    "meeting": "their voices meet in call and response, one phrase answering the other",
    "together": "their voices move together in parallel thirds and sixths",
    "conflict": "their lines cross and clash in seconds and tritones that resolve late, if at all",
    "parting": "their voices drift apart in register and in time",
    "apart": "one voice plays alone and the other's motif is only a distant echo",
    "reunion": "both themes sound at once in counterpoint",
}


def album_notes(album: Album) -> str:
    """The liner notes as Markdown: the album and its cast, then one section per track."""
    lines = [f"# {album.title}", "", album_intro(album), ""]
    lines += ["## The cast", ""]
    lines += [f"- {theme_line(album, theme)}" for theme in album.themes]
    leads = leads_line(album)
    if leads:
        lines += ["", leads]
    lines += ["", "## The tracks"]
    previous: Track | None = None
    for track in album.tracks:
        lines += ["", *_track_section(album, track, previous)]
        previous = track
    return "\n".join(lines) + "\n"


def feeling_words(valence: float, arousal: float) -> str:
    """The mood of a valence/arousal point in two words, e.g. "bright and lively"."""
    return f"{_valence_word(valence)} and {_arousal_word(valence, arousal)}"


def _valence_word(valence: float) -> str:
    if valence <= -0.4:
        return "dark"
    if valence <= -0.1:
        return "sombre"
    if valence < 0.1:
        return "unsettled between light and shade"
    return "warm" if valence < 0.4 else "bright"


def _arousal_word(valence: float, arousal: float) -> str:
    tone = 0 if abs(valence) < 0.1 else (1 if valence > 0 else -1)
    if arousal >= 0.4:
        return {1: "exuberant", 0: "urgent", -1: "agitated"}[tone]
    if arousal >= 0.1:
        return {1: "lively", 0: "busy", -1: "restless"}[tone]
    if arousal > -0.1:
        return "steady"
    if arousal > -0.4:
        return {1: "calm", 0: "quiet", -1: "subdued"}[tone]
    return {1: "serene", 0: "still", -1: "desolate"}[tone]


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _beats(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _names(names: Sequence[str]) -> str:
    """Names joined in plain English: "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _key_name(key: Key) -> str:
    return f"{key.tonic_name} {key.mode}"


def _interval(semitones: int) -> str:
    """An interval with its article: "a fifth", "an octave", "more than an octave"."""
    semitones = abs(semitones)
    if semitones > 12:
        return "more than an octave"
    name = INTERVAL_NAMES[semitones]
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def album_intro(album: Album) -> str:
    analysis = album.analysis
    total = sum(track_duration_seconds(track) for track in album.tracks)
    text = (
        f"{_count(len(album.tracks), 'track')}, {_duration(total)} of music, composed by "
        f"storyscore {storyscore.__version__} from *{analysis.title}* ({analysis.words:,} words in "
        f"{analysis.sentence_count:,} sentences) in the {album.style} style with seed "
        f"{album.seed}. The album's home key is {_key_name(album.home_key)}."
    )
    story = [track for track in album.tracks if track.plan.kind == "story"]
    if len(story) >= 3:
        darkest = min(story, key=lambda t: t.plan.valence).plan
        brightest = max(story, key=lambda t: t.plan.valence).plan
        calmest = min(story, key=lambda t: t.plan.arousal).plan
        intense = max(story, key=lambda t: t.plan.arousal).plan
        text += (
            f" The story's feeling runs from track {darkest.number}, *{darkest.title}*, the "
            f"darkest, to track {brightest.number}, *{brightest.title}*, the brightest; its "
            f"calmest stretch is track {calmest.number}, *{calmest.title}*, and its most "
            f"intense is track {intense.number}, *{intense.title}*."
        )
    return text


def motif_shape(theme: Theme) -> str:
    """A few words on a motif's contour, motion and rhythm, from its home-key pitches."""
    pitches = theme.home_pitches
    durations = theme.motif.durations
    length = _beats(theme.motif.length)
    if len(pitches) == 1:
        return f"a single note held for {length} beats"
    return (
        f"{len(pitches)} notes over {length} beats that {_contour(pitches)}, "
        f"{_motion(pitches)}, and {_rhythm(durations)}"
    )


def _contour(pitches: Sequence[int]) -> str:
    low, high = min(pitches), max(pitches)
    first, last = pitches[0], pitches[-1]
    peak, trough = pitches.index(high), pitches.index(low)
    if high == low:
        return "stay on one note"
    if 0 < peak < len(pitches) - 1 and high - max(first, last) >= 2:
        return f"climb {_interval(high - first)} to a peak and fall back"
    if 0 < trough < len(pitches) - 1 and min(first, last) - low >= 2:
        return f"dip {_interval(first - low)} and rise again"
    if last > first:
        return f"rise {_interval(last - first)}"
    if last < first:
        return f"fall {_interval(first - last)}"
    return "circle back to where they began"


def _motion(pitches: Sequence[int]) -> str:
    moves = [abs(b - a) for a, b in itertools.pairwise(pitches)]
    leaps = [move for move in moves if move >= 5]
    if leaps:
        many = "in wide leaps" if 2 * len(leaps) >= len(moves) else "with a leap"
        return f"{many} of up to {_interval(max(leaps))}"
    if all(move <= 2 for move in moves):
        return "moving by step"
    return "moving by steps and thirds"


def _rhythm(durations: Sequence[Fraction]) -> str:
    if len(set(durations)) == 1:
        value = durations[0]
        return f"move in even {NOTE_VALUES.get(value, f'notes of {_beats(value)} beats')}"
    if durations[-1] == max(durations):
        return "come to rest on a long last note"
    if durations[0] == max(durations):
        return "open on a long note"
    return "move in an uneven rhythm"


def theme_line(album: Album, theme: Theme) -> str:
    character = next((c for c in album.analysis.cast if c.name == theme.character), None)
    heard = sum(
        1
        for track in album.tracks
        if any(s.character == theme.character for s in track.motif_statements)
    )
    heard_in = (
        f"all {heard} tracks"
        if heard == len(album.tracks)
        else f"{heard} of the {len(album.tracks)} tracks"
    )
    about = []
    if character is not None and character.aliases:
        about.append(f"also {_names(list(character.aliases))}")
    if character is not None:
        about.append(f"named {character.mentions:,} times")
    detail = f" ({'; '.join(about)})" if about else ""
    return (
        f"**{theme.character}**{detail} plays the {theme.instrument.name}. The motif: "
        f"{motif_shape(theme)}. It is heard in {heard_in}."
    )


def leads_line(album: Album) -> str:
    leads = album.analysis.leads
    if leads is None:
        return ""
    journey: list[str] = []
    for state in leads.states:
        if not journey or journey[-1] != state:
            journey.append(state)
    first, second = leads.pair
    return (
        f"{first} and {second} are the leads. Across the story their relationship goes "
        f"{' → '.join(journey)}, and each state decides how their two voices move together."
    )


def _track_section(album: Album, track: Track, previous: Track | None) -> list[str]:
    section = [f"### {track.plan.number}. {track.plan.title}", "", track_header(track)]
    for paragraph in track_paragraphs(album, track, previous):
        section += ["", paragraph]
    return section


def track_header(track: Track) -> str:
    """One line: the MIDI file, key, tempo, meter, bars and length."""
    plan = track.plan
    return (
        f"`{midi_path(track)}` · {_key_name(plan.key)} · {plan.tempo_bpm:g} BPM · {plan.meter} · "
        f"{plan.bars} bars · {_duration(track_duration_seconds(track))}"
    )


def track_paragraphs(album: Album, track: Track, previous: Track | None) -> list[str]:
    """Why the track sounds as it does: story, key, tempo, motifs, duet and instruments."""
    plan = track.plan
    paragraphs = [
        _story_text(album, track),
        _key_text(plan.key, plan.valence, previous),
        _tempo_text(plan.tempo_bpm, plan.arousal, plan.beats_per_bar, previous)
        + _level_text(track_level_db(track, album)),
        _motif_text(album, track),
    ]
    duet = _duet_text(track)
    if duet:
        paragraphs.append(duet)
    paragraphs.append(_instruments_text(album, track))
    return paragraphs


def _story_text(album: Album, track: Track) -> str:
    plan = track.plan
    total = album.analysis.sentence_count
    mood = (
        f"the mood is {feeling_words(plan.valence, plan.arousal)} "
        f"(valence {plan.valence:+.2f}, arousal {plan.arousal:+.2f})"
    )
    if plan.kind == "opening":
        where = f"The opening, before the story begins, introduces its themes one by one: {mood}."
    elif plan.kind == "epilogue":
        where = f"The epilogue, after the story has ended, looks back on it: {mood}."
    elif plan.kind == "next":
        where = f"A next song, continuing the album beyond its story: {mood}."
    else:
        share = (plan.last_sentence - plan.first_sentence + 1) / max(total, 1)
        where = (
            f"Sentences {plan.first_sentence + 1} to {plan.last_sentence + 1} of {total:,} "
            f"({share:.0%} of the story): {mood}."
        )
    if plan.characters:
        on_stage = f"On stage: {_names(list(plan.characters))}."
    else:
        on_stage = "No main character is on stage."
    moment = _moment_of(album, track)
    happens = f" What happens: “{moment}”" if moment else ""
    return f"{where} {on_stage}{happens}"


def _moment_of(album: Album, track: Track) -> str:
    """The quoted sentence of the story segment a story track follows."""
    if track.plan.kind != "story":
        return ""
    for segment in album.analysis.segments:
        if (segment.first_sentence, segment.last_sentence) == (
            track.plan.first_sentence,
            track.plan.last_sentence,
        ):
            return segment.moment
    return ""


def _key_text(key: Key, valence: float, previous: Track | None) -> str:
    colour = MODE_COLOURS[key.mode]
    matches = valence >= 0 if key.is_major_like else valence <= 0
    if matches:
        text = (
            f"The key is {_key_name(key)} because the mood is {_valence_word(valence)} "
            f"(valence {valence:+.2f}): {colour}."
        )
    else:
        text = (
            f"The key is {_key_name(key)}, {colour}, set against a mood that is "
            f"{_valence_word(valence)} (valence {valence:+.2f})."
        )
    if previous is not None:
        text += f" {_key_move(previous.plan.key, key)}"
    return text


def _key_move(before: Key, after: Key) -> str:
    name = _key_name(before)
    if before == after:
        return f"It stays in the previous track's {name}."
    if before.tonic == after.tonic:
        return f"It keeps the tonic of the previous track's {name} and changes the mode."
    if before.pitch_classes() == after.pitch_classes():
        return f"It uses the same notes as the previous track's {name}, centred on a new tonic."
    distance = abs(before.fifths - after.fifths)
    distance = min(distance, 12 - distance)
    if distance == 1:
        return f"It moves to a close neighbour of the previous track's {name}, one fifth away."
    return (
        f"It steps far from the previous track's {name}: their key signatures lie {distance} "
        "fifths apart."
    )


def _tempo_text(tempo: float, arousal: float, beats_per_bar: int, previous: Track | None) -> str:
    pace = _pace_word(tempo)
    energy = f"the energy is {_energy_word(arousal)} (arousal {arousal:+.2f})"
    against = (arousal > 0.1 and tempo < 84) or (arousal < -0.1 and tempo >= 108)
    text = f"The tempo is {tempo:g} BPM, {pace}, {'while' if against else 'because'} {energy}."
    if previous is not None:
        before = previous.plan.tempo_bpm
        if tempo > before:
            text += f" That is faster than the previous track's {before:g} BPM."
        elif tempo < before:
            text += f" That is slower than the previous track's {before:g} BPM."
        else:
            text += " The previous track had the same tempo."
    beats = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}.get(
        beats_per_bar, str(beats_per_bar)
    )
    text += f" The meter is {beats_per_bar}/4, {beats} beats to the bar"
    return text + (", the lilt of a waltz." if beats_per_bar == 3 else ".")


def _level_text(level_db: float) -> str:
    """How loud the track plays within the album, which follows the story's energy."""
    if level_db > -0.05:
        return " It plays at full level, as loud as the story's most intense stretch."
    return (
        f" It plays {-level_db:.1f} dB below the story's most intense stretch, as its energy "
        "is lower."
    )


def _energy_word(arousal: float) -> str:
    if arousal >= 0.4:
        return "high"
    if arousal >= 0.1:
        return "raised"
    if arousal > -0.1:
        return "steady"
    return "low" if arousal > -0.4 else "very low"


def _pace_word(tempo: float) -> str:
    if tempo < 66:
        return "very slow"
    if tempo < 84:
        return "slow"
    if tempo < 108:
        return "a walking pace"
    if tempo < 132:
        return "lively"
    return "fast"


def _motif_text(album: Album, track: Track) -> str:
    by_character: dict[str, list[MotifStatement]] = {}
    for statement in track.motif_statements:
        by_character.setdefault(statement.character, []).append(statement)
    if not by_character:
        return "No leitmotif sounds in this track; the harmony and accompaniment carry it."
    instruments = {theme.character: theme.instrument.name for theme in album.themes}
    sentences = []
    used: list[Transformation] = []
    for character, statements in by_character.items():
        ways: dict[Transformation, list[int]] = {}
        for statement in statements:
            ways.setdefault(statement.transformation, []).append(statement.bar)
        described = [
            f"{TRANSFORMATION_WORDS[way][0]} in {_bars(bars)}" for way, bars in ways.items()
        ]
        instrument = f" ({instruments[character]})" if character in instruments else ""
        sentences.append(f"{character}'s motif{instrument} sounds {_names(described)}.")
        used += [way for way in ways if way not in used]
    sentences += [TRANSFORMATION_WORDS[way][1] for way in used if TRANSFORMATION_WORDS[way][1]]
    silent = [
        name for name in track.plan.characters if name in instruments and name not in by_character
    ]
    if silent:
        verb = "is" if len(silent) == 1 else "are"
        sentences.append(f"{_names(silent)} {verb} on stage without a motif here.")
    return " ".join(sentences)


def _bars(bars: Sequence[int]) -> str:
    unique = sorted(set(bars))
    word = "bar" if len(unique) == 1 else "bars"
    return f"{word} {_names([str(bar) for bar in unique])}"


def _duet_text(track: Track) -> str:
    plan = track.plan
    if plan.pair is None or plan.state is None:
        return ""
    first, second = plan.pair
    text = f"{first} and {second} {STATE_WORDS[plan.state]}, so {DUET_TEXTURES[plan.state]}."
    present = [name for name in plan.pair if name in plan.characters]
    if plan.state == "apart" and len(present) == 1:
        absent = second if present[0] == first else first
        text += f" Here {present[0]} is the one on stage, and {absent} is the echo."
    return text


def _instruments_text(album: Album, track: Track) -> str:
    characters = {theme.character for theme in album.themes}
    names = []
    for part in track.parts:
        if part.name in characters:
            names.append(f"{part.instrument.name} ({part.name})")
        elif part.is_drums:
            names.append(f"drums ({part.instrument.name})")
        else:
            names.append(part.instrument.name)
    return f"Instruments: {_names(names)}."
