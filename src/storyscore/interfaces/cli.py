"""The command line: each command parses its arguments and calls one library function.

Exit status (DESIGN §2): 0 success, 2 bad usage or bad input (one line on stderr, no
traceback), 1 internal error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from storyscore import __version__
from storyscore.errors import StoryscoreError
from storyscore.ingest.read import MAX_BYTES
from storyscore.options import AUDIO_FORMATS, STYLES

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_MAX_MB = MAX_BYTES / 1024 / 1024


class _Progress:
    """Stage names with elapsed time on a terminal; silent when piped or with --quiet."""

    def __init__(self, stream: TextIO, *, quiet: bool) -> None:
        self.stream = stream
        self.enabled = not quiet and stream.isatty()
        self.started = time.monotonic()

    def stage(self, name: str) -> None:
        if self.enabled:
            elapsed = time.monotonic() - self.started
            self.stream.write(f"[{elapsed:6.1f}s] {name}\n")
            self.stream.flush()


def _parse_leads(value: str) -> tuple[str, str]:
    names = [part.strip() for part in value.split(",")]
    if len(names) != 2 or not all(names):
        raise argparse.ArgumentTypeError('give two names separated by a comma, e.g. "Nell,Elias"')
    return names[0], names[1]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyscore", description="Turn a story into a music album."
    )
    parser.add_argument("--version", action="version", version=f"storyscore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compose = commands.add_parser("compose", help="compose a story into an album folder")
    compose.add_argument(
        "story", metavar="STORY", help="story file (.txt, .md, .fountain, .epub), or - for stdin"
    )
    compose.add_argument("-o", "--output", required=True, metavar="ALBUM_DIR", type=Path)
    _add_compose_options(compose)
    compose.add_argument("--leads", type=_parse_leads, default=None, metavar='"A,B"')
    compose.add_argument("--force", action="store_true", help="replace an existing ALBUM_DIR")
    compose.add_argument("--quiet", action="store_true", help="no progress output")
    _add_size_limit(compose)

    analyze = commands.add_parser("analyze", help="print the story's cast, arc and tracks")
    analyze.add_argument("story", metavar="STORY", nargs="?", help="story file, or - for stdin")
    analyze.add_argument("--json", action="store_true", help="everything, as JSON on stdout")
    _add_size_limit(analyze)
    analyze.add_argument("--tracks", type=int, default=None)
    analyze.add_argument("--leads", type=_parse_leads, default=None, metavar='"A,B"')
    analyze.add_argument(
        "--per-line",
        metavar="FILE",
        default=None,
        help="score each line of FILE; JSON Lines {line, valence, arousal} on stdout",
    )
    next_song = commands.add_parser("next", help="append the next track to an existing album")
    next_song.add_argument("album", metavar="ALBUM_DIR", type=Path, help="an album folder")
    next_song.add_argument(
        "--text",
        metavar="FILE",
        default=None,
        help="what happens next (a text file, or - for stdin); without it the arc goes on",
    )
    next_song.add_argument("--quiet", action="store_true", help="no progress output")

    batch = commands.add_parser(
        "batch", help="compose every story under a folder on Dask (resumable)"
    )
    batch.add_argument("input", metavar="INPUT_DIR", type=Path, help="folder of story files")
    batch.add_argument("-o", "--output", required=True, metavar="OUT_DIR", type=Path)
    batch.add_argument(
        "--workers", type=_positive_count, default=None,
        help="local worker processes (default: one per core)",
    )
    batch.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="run on an existing Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    _add_compose_options(batch)
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_size_limit(batch)

    render = commands.add_parser(
        "render", help="render audio, scores or score pages for an existing album"
    )
    render.add_argument("album", metavar="ALBUM_DIR", type=Path, help="an album folder")
    _add_render_options(render)

    serve = commands.add_parser("serve", help="run the web studio")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--data", type=Path, default=Path("studio-data"), metavar="DIR",
        help="where albums and the catalogue are kept (default ./studio-data)",
    )
    serve.add_argument(
        "--token", default=None, help="require 'Authorization: Bearer TOKEN' on the API"
    )
    serve.add_argument(
        "--workers", type=_positive_count, default=None,
        help="albums composed at once (default: one per core)",
    )
    return parser


def _add_compose_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    command.add_argument("--style", choices=STYLES, default="film")
    command.add_argument("--tracks", type=int, default=None, help="number of story tracks")
    command.add_argument("--minutes", type=float, default=None, help="approximate album length")
    _add_render_options(command)


def _add_render_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--musicxml", action=argparse.BooleanOptionalAction, default=False,
        help="write score/NN-slug.musicxml per track (needs the score extra)",
    )
    command.add_argument(
        "--score-pictures", action="store_true",
        help="write the scores' pages as score/NN-slug-pK.svg (needs the score extra)",
    )
    command.add_argument(
        "--audio", action=argparse.BooleanOptionalAction, default=False,
        help="write audio/NN-slug.flac per track, levelled as one album (needs the audio extra)",
    )
    command.add_argument("--audio-format", choices=AUDIO_FORMATS, default="flac")
    command.add_argument(
        "--soundfont", metavar="SF2", default=None,
        help="a General MIDI .sf2/.sf3 (default: FluidR3 or MuseScore General if installed, "
        "else the bundled one)",
    )


def _positive_count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of at least 1, not {value!r}")
    return int(value)


def _positive_megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = 0.0
    if not megabytes > 0:
        raise argparse.ArgumentTypeError(f"give a size in MB above 0, not {value!r}")
    return megabytes


def _add_size_limit(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-mb", type=_positive_megabytes, default=DEFAULT_MAX_MB, metavar="MB",
        help=f"refuse stories larger than this (default {DEFAULT_MAX_MB:g} MB)",
    )


def _max_bytes(args: argparse.Namespace) -> int:
    return round(args.max_mb * 1024 * 1024)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (the console script exits with it)."""
    parser = _build_parser()
    args = parser.parse_args(argv)  # exits with status 2 on bad usage
    try:
        if args.command == "compose":
            return _compose(args)
        if args.command == "next":
            return _next(args)
        if args.command == "batch":
            return _batch(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "render":
            return _render(args, parser)
        return _analyze(args, parser)
    except StoryscoreError as exc:
        print(f"storyscore: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("storyscore: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(
            f"storyscore: internal error: {type(exc).__name__}: {exc} "
            "(please report it with the command you ran)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _options(args: argparse.Namespace):
    from storyscore.options import ComposeOptions

    return ComposeOptions(
        seed=args.seed, style=args.style, tracks=args.tracks, minutes=args.minutes
    )


def _extras(args: argparse.Namespace):
    from storyscore.options import RenderOptions

    return RenderOptions(
        musicxml=args.musicxml,
        score_pictures=args.score_pictures,
        audio=args.audio or args.soundfont is not None,
        audio_format=args.audio_format,
        # absolute: album.json keeps it for `next`, and batch workers may run elsewhere
        soundfont=None if args.soundfont is None else os.path.abspath(args.soundfont),
    )


def _render(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from storyscore.options import MIDI_ONLY
    from storyscore.pipeline import render_album

    extras = _extras(args)
    if extras == MIDI_ONLY:
        parser.error("say what to render: --audio, --musicxml and/or --score-pictures")
    written = render_album(args.album, extras)
    for relative in written.files:
        print(written.path / relative)
    return EXIT_OK


def _compose(args: argparse.Namespace) -> int:
    from storyscore.pipeline import compose_file

    progress = _Progress(sys.stderr, quiet=args.quiet)
    written = compose_file(
        args.story,
        args.output,
        _options(args),
        leads=args.leads,
        force=args.force,
        max_bytes=_max_bytes(args),
        extras=_extras(args),
        on_stage=progress.stage,
    )
    print(f"{written.path}")
    progress.stage("done")
    return EXIT_OK


def _next(args: argparse.Namespace) -> int:
    from storyscore.pipeline import next_track

    progress = _Progress(sys.stderr, quiet=args.quiet)
    progress.stage("rebuilding the album and composing the next track")
    written = next_track(args.album, text=args.text)
    for relative in written.files:
        if relative.startswith("tracks/"):
            print(written.path / relative)
    progress.stage("done")
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    from storyscore.interfaces.batch import BatchSettings, batch, exit_status, summary

    started = time.monotonic()
    # Dask already runs one album per core, so each renders its audio in one process.
    extras = dataclasses.replace(_extras(args), audio_workers=1)
    settings = BatchSettings(options=_options(args), max_bytes=_max_bytes(args), extras=extras)
    results = batch(
        args.input, args.output, settings,
        workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
    )
    sys.stdout.write(summary(results, time.monotonic() - started))
    return exit_status(results)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _serve(args: argparse.Namespace) -> int:
    from storyscore._optional import require

    if args.host not in LOOPBACK_HOSTS and not args.token:
        raise StoryscoreError(
            f"--host {args.host} opens the studio to other machines; give --token SECRET so "
            "that only those who know it can use it"
        )
    require("fastapi", extra="web")
    uvicorn = require("uvicorn", extra="web")
    from storyscore.web.app import StudioSettings, create_app
    from storyscore.web.jobs import data_lock

    workers = {"workers": args.workers} if args.workers else {}
    settings = StudioSettings(data_dir=args.data, token=args.token, **workers)
    with data_lock(args.data):  # refuse a second studio on the folder before starting
        pass
    _check_port(args.host, args.port)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return EXIT_OK


def _check_port(host: str, port: int) -> None:
    """Refuse a port already taken (or a host that is not this machine's) in one line,
    before uvicorn would start and stop again with a log of its own."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise StoryscoreError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port "
            "or --host"
        ) from exc


def _analyze(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from storyscore.analysis.analyze import analyze_document
    from storyscore.ingest import read_story

    if args.per_line is not None:
        if args.story is not None:
            parser.error("give either STORY or --per-line FILE, not both")
        return _per_line(args.per_line)
    if args.story is None:
        parser.error("the following arguments are required: STORY (or --per-line FILE)")
    document = read_story(args.story, max_bytes=_max_bytes(args))
    analysis = analyze_document(document, tracks=args.tracks, leads=args.leads)
    if args.json:
        from storyscore.serialize import analysis_to_dict

        json.dump(analysis_to_dict(analysis), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_summary(analysis))
    return EXIT_OK


def _per_line(source: str) -> int:
    from storyscore.analysis.emotion import score_sentences
    from storyscore.ingest import read_lines

    lines = read_lines(source)
    valence, arousal = score_sentences(lines)
    out = sys.stdout
    for number, (v, a) in enumerate(zip(valence, arousal, strict=True), start=1):
        out.write(json.dumps({"line": number, "valence": round(v, 4), "arousal": round(a, 4)}))
        out.write("\n")
    return EXIT_OK


def _feeling(valence: float, arousal: float) -> str:
    tone = "bright" if valence > 0.1 else "dark" if valence < -0.1 else "mixed"
    energy = "lively" if arousal > 0.1 else "calm" if arousal < -0.1 else "steady"
    return f"{tone}, {energy}"


def _summary(analysis) -> str:
    lines = [
        f"{analysis.title}",
        f"{analysis.words} words, {analysis.sentence_count} sentences",
        "",
    ]
    lines.append("Cast:")
    for character in analysis.cast:
        aliases = f" (also {', '.join(character.aliases)})" if character.aliases else ""
        lines.append(f"  {character.name}: {character.mentions} mentions{aliases}")
    if not analysis.cast:
        lines.append("  (no named characters found)")
    if analysis.arc_shape is not None:
        from storyscore.analysis.shape import SHAPE_LABELS, describe_shape

        shape = analysis.arc_shape
        lines += [
            "",
            f"Arc: {describe_shape(shape)}; next closest: {SHAPE_LABELS[shape.scores[1][0]]}",
        ]
    leads = analysis.leads
    lines += ["", f"Leads: {' and '.join(leads.pair)}" if leads else "Leads: none", "", "Tracks:"]
    for index, segment in enumerate(analysis.segments):
        state = f"  [{leads.states[index]}]" if leads else ""
        lines.append(
            f"  {segment.number:2d}. {segment.title}  "
            f"(sentences {segment.first_sentence}-{segment.last_sentence}; "
            f"{_feeling(segment.valence, segment.arousal)}){state}"
        )
        if segment.characters:
            lines.append(f"      with {', '.join(segment.characters)}")
    others = _notable_pairs(analysis)
    if others:
        lines += ["", "Other pairs:"]
        lines += [f"  {_pair_line(r, analysis.segments)}" for r in others]
    return "\n".join(lines) + "\n"


_TOGETHER_STATES = ("meeting", "together", "conflict", "reunion")
_TURN_STATES = ("meeting", "conflict", "parting", "reunion")
_NOTABLE_PAIRS = 3


def _notable_pairs(analysis) -> list:
    """The pairs besides the leads that share the most tracks (at most three, never strangers)."""
    leads = set(analysis.leads.pair) if analysis.leads else set()
    candidates = [
        (-sum(state in _TOGETHER_STATES for state in r.states), -sum(r.co_presence), order, r)
        for order, r in enumerate(analysis.relationships)
        if set(r.pair) != leads and any(state in _TOGETHER_STATES for state in r.states)
    ]
    return [r for *_, r in sorted(candidates, key=lambda c: c[:3])[:_NOTABLE_PAIRS]]


def _pair_line(relationship, segments) -> str:
    """'Jane and Mr. Bingley: together in 6 of 10 tracks; meeting in 1, parting in 5, ...'."""
    together = sum(state in _TOGETHER_STATES for state in relationship.states)
    turns = ", ".join(
        f"{state} in {segment.number}"
        for state, segment in zip(relationship.states, segments, strict=True)
        if state in _TURN_STATES
    )
    return (
        f"{' and '.join(relationship.pair)}: together in {together} of "
        f"{len(relationship.states)} tracks; {turns}"
    )


if __name__ == "__main__":
    sys.exit(main())
