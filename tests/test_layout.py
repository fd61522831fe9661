"""The layout: stages that import only from earlier stages, a cheap ``import alize_docs``, a README that
matches the tree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import RACINE

PAQUET = RACINE / "alize_docs"


def test_no_stage_imports_from_a_later_one() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    resultat = subprocess.run([str(lint), "--config", str(RACINE / "pyproject.toml")], cwd=RACINE,
                              capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "1 kept, 0 broken" in resultat.stdout


def test_importing_the_package_loads_no_word_xml_or_spreadsheet_library() -> None:
    lourds = ("docx", "docxtpl", "lxml", "openpyxl", "pypdf", "rich")
    code = f"import sys, alize_docs; print([m for m in {lourds!r} if m in sys.modules])"
    resultat = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert resultat.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    import alize_docs

    for nom in alize_docs.__all__:
        assert getattr(alize_docs, nom) is not None, nom


def test_the_readme_layout_table_matches_the_tree() -> None:
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    cites = set(re.findall(r"`(?:alize_docs/)?([a-z_]+(?:\.py|/))`", section))
    arbre = {p.name + "/" for p in PAQUET.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    arbre |= {p.name for p in PAQUET.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert cites == arbre, f"absents du README : {sorted(arbre - cites)} ; absents de l'arbre : {sorted(cites - arbre)}"
