"""Checking album.json against the JSON Schema the package ships (DESIGN §2).

Tests that write an album call :func:`assert_valid_album` on it; the schema is read through
``importlib.resources``, the way an installed package would find it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PACKAGE = "storyscore.render"
SCHEMA_FILE = "album.schema.json"


@cache
def album_schema() -> dict[str, Any]:
    """The album.json schema as shipped in the package."""
    text = resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(album_schema())


def album_errors(document: Any) -> list[str]:
    """Every way ``document`` breaks the schema, as "at PATH: message", in a stable order."""
    errors = sorted(_validator().iter_errors(document), key=lambda error: error.json_path)
    return [f"at {error.json_path}: {error.message}" for error in errors]


def assert_valid_album(path: Path) -> None:
    """Fail unless the album.json at ``path`` (the file, or the album folder) fits the schema."""
    file = path / "album.json" if path.is_dir() else path
    errors = album_errors(json.loads(file.read_text(encoding="utf-8")))
    assert not errors, f"{file} breaks album.schema.json:\n" + "\n".join(errors)
