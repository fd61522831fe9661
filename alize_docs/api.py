"""The library's entry points: load, validate, assemble, render, write.

Each function takes what it needs and returns a value; nothing here prints or keeps state between
calls. Pass a :class:`ClauseLibrary` to reuse compiled clauses across many documents.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .assembly import assemble_convention, check_no_blanks
from .clauses import ClauseLibrary, bundled_path
from .errors import InvalidInput, ValidationReport, sort_problems
from .loading import load_model, read_yaml
from .models import Territoire
from .rendering import docx_text, render_docx
from .rules import validate_territoire

__all__ = [
    "assemble_convention",
    "check_file",
    "generate",
    "load_territoire",
    "render_convention",
    "validate",
    "write_atomic",
    "write_convention",
]


def load_territoire(chemin: str | Path) -> Territoire:
    """Return the typed model of a territory file; raise :class:`InvalidInput` listing every problem."""
    return load_model(Territoire, read_yaml(chemin))


def validate(territoire: Territoire, library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the report of every program rule *territoire* breaks (``report.ok`` when none)."""
    library = library or ClauseLibrary()
    return ValidationReport("territoire", tuple(validate_territoire(territoire, library.modeles())))


def check_file(chemin: str | Path, library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the full report of a file: its syntax, its fields, then the program's rules, with lines."""
    return _check(chemin, library or ClauseLibrary())[0]


def _check(chemin: str | Path, library: ClauseLibrary) -> tuple[ValidationReport, Territoire | None]:
    donnees = read_yaml(chemin)
    try:
        territoire = load_model(Territoire, donnees)
    except InvalidInput as exc:
        return exc.report, None
    return donnees.report(validate_territoire(territoire, library.modeles())), territoire


def _validated(territoire: Territoire, library: ClauseLibrary, source: str) -> None:
    rapport = validate(territoire, library)
    if not rapport.ok:
        raise InvalidInput(ValidationReport(source, sort_problems(rapport.problemes)))


def render_convention(territoire: Territoire, library: ClauseLibrary | None = None,
                      template: Path | None = None) -> bytes:
    """Return the .docx bytes of the partnership convention; raise :class:`InvalidInput` if invalid."""
    library = library or ClauseLibrary()
    _validated(territoire, library, "territoire")
    document = assemble_convention(territoire, library)
    donnees = render_docx(document, template or bundled_path("templates") / "convention.docx")
    check_no_blanks(document.title, docx_text(donnees).split("\n"))
    return donnees


def write_atomic(chemin: Path, donnees: bytes) -> None:
    """Write *donnees* to *chemin* through a temporary file in the same folder, synced then renamed."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    try:
        with os.fdopen(descripteur, "wb") as fichier:
            fichier.write(donnees)
            fichier.flush()
            os.fsync(fichier.fileno())
        os.replace(temporaire, chemin)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    dossier = os.open(chemin.parent, os.O_RDONLY)
    try:
        os.fsync(dossier)
    finally:
        os.close(dossier)


def slug(texte: str) -> str:
    """Return a file-name-safe, lower-case, accent-free version of *texte*.

    >>> slug("ALIZÉ® Val de Sambre / Avesnois")
    'alize-val-de-sambre-avesnois'
    """
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:80] or "document"


def write_convention(territoire: Territoire, dossier: str | Path, library: ClauseLibrary | None = None) -> Path:
    """Write the partnership convention into *dossier* atomically and return its path."""
    donnees = render_convention(territoire, library)
    chemin = Path(dossier) / f"convention-partenariat-{slug(territoire.dispositif.nom)}.docx"
    write_atomic(chemin, donnees)
    return chemin


def generate(chemin: str | Path, dossier: str | Path, library: ClauseLibrary | None = None) -> list[Path]:
    """Validate a file and write its documents into *dossier*; nothing is written if the file is invalid."""
    library = library or ClauseLibrary()
    rapport, territoire = _check(chemin, library)
    if territoire is None or not rapport.ok:
        raise InvalidInput(rapport)
    return [write_convention(territoire, dossier, library)]
