"""Import optional dependencies where they are used, with a message naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from storyscore.errors import MissingDependencyError


def require(module: str, *, extra: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the pip extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{module} is not installed; install it with: pip install 'storyscore[{extra}]'"
        ) from exc
