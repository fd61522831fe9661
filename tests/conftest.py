"""Shared fixtures: the bundled example, a way to write variants of it, a library, LibreOffice."""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from alize_docs.clauses.library import ClauseLibrary
from alize_docs.cli import main
from alize_docs.inputs.yaml import read_yaml

RACINE = Path(__file__).resolve().parent.parent
FIXTURES = RACINE / "fixtures"
TERRITOIRE = FIXTURES / "toulinois.yaml"
SEED = RACINE / "tests" / "data" / "modele-2008-seed-000.txt"  # copy of shared/seeds/000_…txt


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs LibreOffice, so that ``make test-fast`` can leave them out."""
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)


@pytest.fixture(scope="session")
def library() -> ClauseLibrary:
    return ClauseLibrary()


@pytest.fixture
def territoire_data() -> dict[str, Any]:
    """The example territory as plain data (strings, lists, dicts), ready to be changed and written back."""
    return copy.deepcopy(read_yaml(TERRITOIRE).data)


def set_path(data: Any, chemin: str, valeur: Any) -> None:
    """Set ``a.b[2].c`` in nested data; ``valeur=DELETE`` removes the key."""
    parties = [int(p) if p.isdigit() else p for p in chemin.replace("[", ".").replace("]", "").split(".")]
    cible = data
    for partie in parties[:-1]:
        cible = cible[partie]
    if valeur is DELETE:
        del cible[parties[-1]]
    else:
        cible[parties[-1]] = valeur


DELETE = object()


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[..., Path]:
    def ecrire(data: Any, nom: str = "territoire.yaml") -> Path:
        chemin = tmp_path / nom
        chemin.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return chemin

    return ecrire


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """The LibreOffice binary; in CI its absence is a failure, elsewhere a skip that says why."""
    binaire = soffice()
    if binaire is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice est requis en CI (.ci/run l'installe)")
        pytest.skip("LibreOffice (soffice) n'est pas installé : apt-get install libreoffice-writer-nogui")
    return binaire


@dataclass(frozen=True)
class Sortie:
    """What a command printed and returned, as a person at a terminal sees it."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*arguments: str | Path, cwd: Path | None = None) -> Sortie:
    """Run ``alize-docs ARGUMENTS`` in this process (``main(argv)``), capturing what it prints."""
    sortie, erreurs = io.StringIO(), io.StringIO()
    ici = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(sortie), contextlib.redirect_stderr(erreurs):
            try:
                code = main([str(a) for a in arguments])
            except SystemExit as exc:  # argparse's own exits (--help, usage errors)
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(ici)
    return Sortie(code, sortie.getvalue(), erreurs.getvalue())


class TexteExemple(str):
    """The example's text, whose ``replace`` fails when what it replaces is not there: a variant that silently
    stopped matching would test the unchanged example."""

    def replace(self, ancien: str, nouveau: str, count: int = -1) -> TexteExemple:  # type: ignore[override]
        assert ancien in self, f"« {ancien} » n'est plus dans l'exemple"
        return TexteExemple(str.replace(self, ancien, nouveau, count))


def texte_exemple() -> TexteExemple:
    """Return the bundled territory's text, to write variants of it."""
    return TexteExemple(TERRITOIRE.read_text(encoding="utf-8"))


def lisible(texte: str) -> str:
    """Return a document's text with its printing glyphs read as typed: ’ as ', a no-break hyphen as -, the
    no-break space of a date as a space. The
    typographic pass (``alize_docs.formatting.glyphes``) has its own tests; the others compare words."""
    return _DATE_INSECABLE.sub(r"\1 ", texte.replace("\u2019", "'").replace("\u2011", "-"))


_DATE_INSECABLE = re.compile(r"(\d|1er)\u00a0(?=(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
                             r"octobre|novembre|décembre)\b)")
"""The no-break space the typographic pass puts between a date's day and its month, read as the space typed."""


def docx_text(donnees: bytes | None = None, chemin: Path | str = "document.docx") -> str:
    """:func:`alize_docs.render.text.docx_text`, read through :func:`lisible`."""
    from alize_docs.render.text import docx_text as lire

    return lisible(lire(donnees, chemin))
