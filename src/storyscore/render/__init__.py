"""render stage: an :class:`~storyscore.composition.model.Album` becomes files.

Each module turns the album into one kind of bytes or text; only :mod:`.write` touches the
file system. matplotlib is imported inside :mod:`.plot` when a figure is drawn.
"""

from storyscore.render.album_json import album_to_dict, album_to_json
from storyscore.render.midi import track_duration_seconds, track_to_midi
from storyscore.render.names import TrackFiles, midi_path, track_slug
from storyscore.render.notebook import album_html_summary
from storyscore.render.notes import album_notes
from storyscore.render.page import album_page
from storyscore.render.plot import arc_figure_bytes
from storyscore.render.write import WrittenAlbum, write_album

__all__ = [
    "TrackFiles",
    "WrittenAlbum",
    "album_html_summary",
    "album_notes",
    "album_page",
    "album_to_dict",
    "album_to_json",
    "arc_figure_bytes",
    "midi_path",
    "track_duration_seconds",
    "track_slug",
    "track_to_midi",
    "write_album",
]
