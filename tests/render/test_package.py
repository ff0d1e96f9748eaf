from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import storyscore.render


def test_all_lists_what_the_package_exports() -> None:
    public = {
        name
        for name, value in vars(storyscore.render).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(storyscore.render.__all__) == public


def test_importing_render_does_not_import_matplotlib() -> None:
    code = "import sys, storyscore.render; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
