"""ingest stage: a story as bytes, text, a path or standard input -> :class:`Document`."""

from storyscore.ingest.model import Document, Section, SectionKind, Sentence
from storyscore.ingest.read import MAX_BYTES, parse_document, read_lines, read_story

__all__ = [
    "MAX_BYTES",
    "Document",
    "Section",
    "SectionKind",
    "Sentence",
    "parse_document",
    "read_lines",
    "read_story",
]
