"""storyscore: turn a story into a music album.

>>> album = compose(story_text, seed=7, style="film")   # doctest: +SKIP
>>> album.write("albums/my-story")                        # doctest: +SKIP
"""

__version__ = "0.1.0"

from storyscore.analysis.model import StoryAnalysis
from storyscore.composition.model import Album
from storyscore.errors import StoryscoreError
from storyscore.options import ComposeOptions
from storyscore.pipeline import analyze, compose

__all__ = [
    "Album",
    "ComposeOptions",
    "StoryAnalysis",
    "StoryscoreError",
    "__version__",
    "analyze",
    "compose",
]
