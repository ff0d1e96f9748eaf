"""Errors raised by storyscore.

Every error the package raises on purpose derives from :class:`StoryscoreError`, so callers
(the CLI, the web studio, batch mode) can tell a user's mistake from a bug::

    StoryscoreError                 exit status 2 in the CLI: bad input or bad usage
    ├── IngestError                 the story cannot be read (missing, binary, empty, too large)
    ├── AnalysisError               the text holds nothing to analyse (no sentences)
    ├── CompositionError            the options cannot be composed (unknown style, bad track count)
    ├── RenderError                 the album cannot be written (folder exists, disk, permissions)
    └── MissingDependencyError      an optional extra is not installed

Messages say what is wrong and what to do, in one line.
"""

from __future__ import annotations


class StoryscoreError(Exception):
    """Root of every error storyscore raises on purpose."""


class IngestError(StoryscoreError):
    """The story cannot be read or decoded."""


class AnalysisError(StoryscoreError):
    """The story holds nothing that can be analysed."""


class CompositionError(StoryscoreError):
    """The album cannot be composed with the given options."""


class RenderError(StoryscoreError):
    """The album cannot be written."""


class MissingDependencyError(StoryscoreError):
    """An optional dependency is needed; the message names the pip extra."""
