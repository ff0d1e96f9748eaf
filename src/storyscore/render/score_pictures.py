"""Pictures of a score: the pages of a MusicXML score engraved as SVG by verovio.

verovio (LGPL-3) is an optional extra (``storyscore[score]``), imported only here. There is no
PNG: the one light rasteriser tried (resvg) drops verovio's centred title and the note of the
tempo mark, and its text would depend on the fonts of the machine.
"""

from __future__ import annotations

from storyscore._optional import require
from storyscore.errors import RenderError
from storyscore.render.musicxml import SCORE_EXTRA

# verovio draws ids for its SVG elements at random; a fixed seed makes the pages the same
# bytes on every run.
VEROVIO_OPTIONS = {"xmlIdSeed": 1}


def track_score_svgs(musicxml: bytes) -> tuple[bytes, ...]:
    """The pages of a MusicXML score as SVG documents (A4 pages, title on the first).

    Raises
    ------
    MissingDependencyError
        If verovio (the ``score`` extra) is not installed.
    RenderError
        If verovio cannot read the score.
    """
    verovio = require("verovio", extra=SCORE_EXTRA)
    toolkit = verovio.toolkit()
    toolkit.setOptions(VEROVIO_OPTIONS)
    if not toolkit.loadData(musicxml.decode("utf-8")):
        raise RenderError(
            "verovio cannot read this MusicXML score; write it again with track_to_musicxml"
        )
    return tuple(
        toolkit.renderToSVG(page).encode("utf-8") for page in range(1, toolkit.getPageCount() + 1)
    )
