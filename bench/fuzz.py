"""Coverage-guided fuzzing of the ingest parsers with atheris (issue 7); not run in CI.

    .venv/bin/pip install atheris        # the `fuzz` extra; wheels for CPython 3.11 on Linux
    .venv/bin/python bench/fuzz.py [TARGET ...] [--seconds 60] [--timeout 10] [--artifacts DIR]

Targets: text (plain text and Markdown), gutenberg (the same parser, seeded and steered with
Project Gutenberg markers), fountain (screenplays), epub (a member of a valid EPUB, or the
archive's bytes). Each target runs in its own process for --seconds on a seed corpus built here
from tests/data. A finding is anything ``parse_document`` raises that is not a
StoryscoreError, an input slower than --timeout seconds or heavier than --rss-mb, or a
Document whose offsets do not point into its text. libFuzzer saves the input that caused it as
crash-* (or timeout-*, oom-*) in the artifacts folder and stops that target; each finding
belongs, once fixed, in tests/data/bad/ with a test in tests/interfaces/test_bad_inputs.py.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
TARGETS = ("text", "gutenberg", "fountain", "epub")
# libFuzzer's limit on one input's size; large enough for several paragraphs and headings.
MAX_INPUT_BYTES = 16 * 1024
# How libFuzzer names the inputs it saves: "<target>-crash-<sha1>" and so on.
FINDING_PREFIXES = tuple(
    f"{target}-{kind}-" for target in TARGETS for kind in ("crash", "timeout", "oom", "slow-unit")
)

# Tokens libFuzzer splices into inputs, so that the mutations reach the parsers' branches.
DICTIONARIES = {
    "text": (
        "\n\n",
        "\r\n",
        "# ",
        "## ",
        "### ",
        "CHAPTER ",
        "Chapter ",
        "STAVE ",
        "Book ",
        "PART ",
        "ACT ",
        "Scene ",
        "PROLOGUE",
        "Epilogue",
        "XIV",
        "the Twenty-first",
        ". ",
        "? ",
        "! ",
        "\u201c",
        "\u201d",
        "\u2019",
        "\u2014",
        "[Illustration: ",
        "]",
        "* * *",
        "Mr. ",
        "\ufeff",
        "\u00e9",
    ),
    "gutenberg": (
        "*** START OF THE PROJECT GUTENBERG EBOOK ",
        "*** END OF THE PROJECT GUTENBERG EBOOK ",
        "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*",
        "End of the Project Gutenberg ",
        "End of Project Gutenberg",
        "Title: ",
        "Produced by ",
        "This etext was prepared by ",
        "\r\n",
        "\n\n",
        "CHAPTER I.",
        "\r",
    ),
    "fountain": (
        "Title:",
        "Author:",
        "\n\t",
        "INT. ",
        "EXT. ",
        "INT./EXT. ",
        "I/E ",
        "EST. ",
        "#1#",
        "CUT TO:",
        "FADE IN:",
        "> ",
        " <",
        "@",
        "!",
        "~",
        "^",
        "(V.O.)",
        "(beat)",
        "[[",
        "]]",
        "/*",
        "*/",
        "# ",
        "= ",
        "===",
        ".",
        "\n\n",
        "BOB\n",
        "\u00c9LODIE\n",
    ),
    "epub": (
        "<p>",
        "</p>",
        "<h1>",
        "</h1>",
        "<h2>",
        "<br/>",
        "<![CDATA[",
        "]]>",
        "<script>",
        "</script>",
        'epub:type="pagebreak"',
        "&#160;",
        "&amp;",
        '<?xml version="1.0" encoding="',
        '<itemref idref="',
        'linear="no"',
        'properties="nav"',
        'media-type="application/xhtml+xml"',
        'full-path="',
        "<!ENTITY",
        "../",
        "%20",
    ),
}

# Bytes that are not UTF-8 text, spliced into the text targets: Latin-1 "e acute", NUL and the
# UTF-16 byte-order marks.
RAW_TOKENS = (b"\xe9", b"\x00", b"\xff\xfe", b"\xfe\xff")

# An EPUB whose members the epub target fills in: the first byte of an input picks the member
# the rest of the input replaces (or, for the last choice, the input is the archive itself).
CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>\n"
)
PACKAGE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" '
    'version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<dc:identifier id="id">fuzz</dc:identifier><dc:title>The Fuzzed Book</dc:title></metadata>'
    '<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
    'properties="nav"/><item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>'
    '<item id="c2" href="text/two%20b.xhtml" media-type="application/xhtml+xml"/></manifest>'
    '<spine><itemref idref="nav" linear="no"/><itemref idref="c1"/><itemref idref="c2"/>'
    "</spine></package>\n"
)
CHAPTER_ONE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
    'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>One</title><style>p{}</style></head>'
    "<body><h1>CHAPTER I.<br/>The River</h1><p>\u00c9lodie met Marcus by the river. "
    '\u201cGood morning,\u201d she said.</p><span epub:type="pagebreak">12</span>'
    "<p>They walked<br/>along the quay.</p></body></html>\n"
)
CHAPTER_TWO = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    "<body><h1>CHAPTER II.</h1><h2>Autumn</h2><p>Marcus left for the city. "
    "\u00c9lodie wept.</p><div><p>In spring he came back.</p></div></body></html>\n"
)
EPUB_MEMBERS = (
    ("META-INF/container.xml", CONTAINER),
    ("OEBPS/content.opf", PACKAGE),
    ("OEBPS/nav.xhtml", "<html><body><nav><ol><li>One</li></ol></nav></body></html>"),
    ("OEBPS/text/one.xhtml", CHAPTER_ONE),
    ("OEBPS/text/two b.xhtml", CHAPTER_TWO),
)
FUZZED_MEMBERS = ("META-INF/container.xml", "OEBPS/content.opf", "OEBPS/text/one.xhtml")
RAW_ARCHIVE = len(FUZZED_MEMBERS)


def epub_bytes(replaced: str | None = None, content: bytes = b"") -> bytes:
    """The EPUB above, with the member ``replaced`` (if any) holding ``content``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", (2024, 5, 1, 0, 0, 0)), "application/epub+zip")
        for name, text in EPUB_MEMBERS:
            data = content if name == replaced else text.encode("utf-8")
            info = zipfile.ZipInfo(name, (2024, 5, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def epub_from_input(data: bytes) -> bytes:
    """The EPUB an epub-target input stands for (see EPUB_MEMBERS)."""
    if not data:
        return epub_bytes()
    choice, rest = data[0] % (RAW_ARCHIVE + 1), data[1:]
    return rest if choice == RAW_ARCHIVE else epub_bytes(FUZZED_MEMBERS[choice], rest)


# The kinds of headings the text parser knows, for the seed corpus (tests/data has none).
HEADINGS_SEED = (
    "THE LONG ROAD\n\nCONTENTS\n\nCHAPTER I\nCHAPTER II\n\nPROLOGUE\n\nIt began at sea.\n\n"
    "CHAPTER I.\n\nTHE RIVER\n\n\u00c9lodie met Marcus. \u201cHello,\u201d she said.\n\n"
    "Chapter the Second: Autumn\n\nMarcus left.\n\nSTAVE III. \u2014 THE CITY\n\n"
    "He worked.\n\n# Part Two\n\n## In Spring\n\nHe came back.\n\nBOOK 4 THE END\n\n"
    "[Illustration: a boat]\n\n* * *\n\nEpilogue: Years Later\n\nThey laughed.\n"
).encode("utf-8")


def seeds(target: str) -> list[bytes]:
    """The seed corpus of ``target``: small valid and bad inputs from tests/data, and headings."""
    texts = sorted(TEST_DATA.glob("*.txt")) + sorted((TEST_DATA / "ingest").glob("*.*"))
    bad = sorted((TEST_DATA / "bad").glob("*.*"))
    if target in ("text", "gutenberg"):
        chosen = [path for path in texts + bad if path.suffix in (".txt", ".md")]
        return [HEADINGS_SEED, *(path.read_bytes() for path in chosen)]
    if target == "fountain":
        return [path.read_bytes() for path in texts + bad if path.suffix == ".fountain"]
    members = dict(EPUB_MEMBERS)
    return [
        bytes([choice]) + members[name].encode("utf-8")
        for choice, name in enumerate(FUZZED_MEMBERS)
    ] + [bytes([RAW_ARCHIVE]) + epub_bytes()]


def one_input(target: str) -> Callable[[bytes], None]:
    """The function libFuzzer calls with each input of ``target``."""
    from storyscore.errors import StoryscoreError
    from storyscore.ingest import Document, parse_document

    name = {"fountain": "script.fountain", "epub": "book.epub"}.get(target, "story.txt")

    def test_one_input(data: bytes) -> None:
        story = epub_from_input(data) if target == "epub" else data
        try:
            document = parse_document(story, name=name)
        except StoryscoreError:
            return
        check_offsets(document)

    def check_offsets(document: Document) -> None:
        text = document.text
        assert 0 <= document.body_start <= document.body_end <= len(text)
        for index, sentence in enumerate(document.sentences):
            assert sentence.index == index
            assert document.body_start <= sentence.start < sentence.end <= document.body_end
            assert " ".join(text[sentence.start : sentence.end].split()) == sentence.text
        for section in document.sections:
            assert section.start <= section.end <= len(text)
            assert 0 <= section.first_sentence <= section.last_sentence + 1
            assert section.last_sentence < len(document.sentences)

    return test_one_input


def run_target(args: argparse.Namespace, artifacts: Path) -> int:
    """Fuzz ``args.run_target`` in this process (libFuzzer exits it when done); needs atheris."""
    import atheris

    target = args.run_target
    with atheris.instrument_imports(include=["storyscore"]):
        test_one_input = one_input(target)
    corpus = artifacts / f"corpus-{target}"  # kept, so that a later run goes on from it
    corpus.mkdir(exist_ok=True)
    for number, seed in enumerate(seeds(target)):
        (corpus / f"seed-{number:03d}").write_bytes(seed[:MAX_INPUT_BYTES])
    dictionary = artifacts / f"{target}.dict"
    dictionary.write_text(_dictionary(target), encoding="ascii")
    atheris.Setup(
        [
            sys.argv[0],
            str(corpus),
            f"-max_total_time={args.seconds}",
            f"-timeout={args.timeout}",
            f"-rss_limit_mb={args.rss_mb}",
            f"-max_len={MAX_INPUT_BYTES}",
            f"-dict={dictionary}",
            f"-artifact_prefix={artifacts}/{target}-",
            "-print_final_stats=1",
        ],
        test_one_input,
    )
    atheris.Fuzz()
    return 0


def _dictionary(target: str) -> str:
    """A libFuzzer dictionary: one quoted token a line, every byte outside printable ASCII
    (and the quote and backslash) written as \\xNN."""
    tokens = [token.encode("utf-8") for token in DICTIONARIES[target]]
    if target != "epub":
        tokens += RAW_TOKENS
    return "".join(
        '"'
        + "".join(
            chr(byte) if 0x20 <= byte < 0x7F and byte not in b'"\\' else f"\\x{byte:02X}"
            for byte in token
        )
        + '"\n'
        for token in tokens
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help=f"one or more of {', '.join(TARGETS)} (default: all)",
    )
    parser.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory one process may use")
    parser.add_argument(
        "--artifacts",
        type=Path,
        default=None,
        help="folder for the findings and the grown corpora (default: a new temporary folder)",
    )
    parser.add_argument("--run-target", choices=TARGETS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="storyscore-fuzz-findings-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    if args.run_target:
        return run_target(args, artifacts)
    targets = args.targets or TARGETS
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    failed = []
    for target in targets:
        print(f"== {target}: {args.seconds} s", flush=True)
        command = [
            sys.executable,
            __file__,
            "--run-target",
            target,
            "--seconds",
            str(args.seconds),
            "--timeout",
            str(args.timeout),
            "--rss-mb",
            str(args.rss_mb),
            "--artifacts",
            str(artifacts),
        ]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(target)
    findings = sorted(
        path.name for path in artifacts.iterdir() if path.name.startswith(FINDING_PREFIXES)
    )
    print(f"findings in {artifacts}: {', '.join(findings) or 'none'}")
    print(f"targets that stopped on a finding: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
