"""The README's Python examples run as written, from outside the checkout."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RACINE

BLOCS = re.findall(r"```python\n(.*?)```", (RACINE / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_python_examples() -> None:
    assert BLOCS


@pytest.mark.slow
@pytest.mark.parametrize("bloc", BLOCS, ids=[f"bloc-{i + 1}" for i in range(len(BLOCS))])
def test_each_python_example_of_the_readme_runs_verbatim(bloc: str, tmp_path: Path) -> None:
    resultat = subprocess.run([sys.executable, "-c", bloc], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stderr
    assert "Traceback" not in resultat.stderr
