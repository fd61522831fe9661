"""The library's exceptions and its validation report.

Families kept apart, none of them parsed back from its message: :class:`InvalidInput` is bad user data (a
report of every problem, each with its rule code, field path and French message); :class:`CommandError` a
command-line mistake (exit code 2); :class:`ClauseError` a broken clause file and :class:`ModelError` a broken
or unknown model file; :class:`RenderError` a document that could not be produced; :class:`EcritureError` a file that
could not be written; :class:`UsageError` a developer's misuse of the API.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

Chemin = tuple[str | int, ...]

Gravite = Literal["erreur", "avertissement"]
"""An error blocks the documents; a warning is printed and does not."""

CodeRegle = Literal[
    # the program's rules on a territory
    "duration", "renewal", "objectives", "territory", "day-rate", "cdc-cap", "astrees", "accounts", "balance",
    "committee", "signatories", "dates", "model", "blanks", "map",
    # … on a cooperation agreement
    "sme", "skills-first", "advance", "cap", "funds", "vote", "schedule", "file",
    # the format of an input file
    "syntax", "encoding", "unknown-key", "missing", "empty", "type", "choice", "amount", "date", "characters",
    "duplicate-key",
    # what befalls an item of a batch
    "collision", "worker", "render", "timeout",
    # an avenant (amendment) to a signed convention
    "amendment-term", "amendment-date", "amendment-empty",
]
"""Every rule code a :class:`Probleme` may carry (the README lists what each means)."""


def format_chemin(chemin: Chemin) -> str:
    """Return a field path as an operator reads it.

    >>> format_chemin(("partenaires", 2, "apports", "avances", 0))
    'partenaires[2].apports.avances[0]'
    >>> format_chemin(())
    '(fichier)'
    """
    texte = ""
    for partie in chemin:
        texte += f"[{partie}]" if isinstance(partie, int) else (f".{partie}" if texte else partie)
    return texte or "(fichier)"


@dataclass(frozen=True)
class Probleme:
    """One problem of an input: which rule, where, what is wrong (in French)."""

    code: CodeRegle
    chemin: Chemin
    message: str
    ligne: int | None = None
    lieu: str | None = None  # where in a workbook (« Partenaires, ligne 7, colonne Avances année 2 »), else None
    gravite: Gravite = "erreur"

    @property
    def champ(self) -> str:
        return format_chemin(self.chemin)

    @property
    def endroit(self) -> str:
        """Where the problem is, as the report prints it: the workbook cell, or the line and the field path."""
        if self.lieu:
            return self.lieu
        return f"ligne {self.ligne}, {self.champ}" if self.ligne else self.champ

    @property
    def bloquant(self) -> bool:
        return self.gravite == "erreur"

    def as_dict(self) -> dict[str, object]:
        donnees: dict[str, object] = {"code": self.code, "champ": self.champ, "ligne": self.ligne,
                                      "message": self.message, "gravite": self.gravite}
        if self.lieu:
            donnees["lieu"] = self.lieu
        return donnees


@dataclass(frozen=True)
class ValidationReport:
    """Every problem found in one input, in file order: errors, and warnings that do not block."""

    source: str
    problemes: tuple[Probleme, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """No error (warnings may remain: see :attr:`avertissements`)."""
        return not self.erreurs

    @property
    def erreurs(self) -> tuple[Probleme, ...]:
        return tuple(p for p in self.problemes if p.bloquant)

    @property
    def avertissements(self) -> tuple[Probleme, ...]:
        return tuple(p for p in self.problemes if not p.bloquant)

    def codes(self) -> set[str]:
        return {p.code for p in self.problemes}

    def with_lines(self, lignes: dict[Chemin, int]) -> ValidationReport:
        """Return the report with each problem's line looked up from the longest known path prefix."""
        return replace(self, problemes=tuple(_with_line(p, lignes) for p in self.problemes))

    def text(self) -> str:
        """Return the report as the command line prints it, in French."""
        if not self.problemes:
            return f"{self.source} : aucun problème."
        n, a = len(self.erreurs), len(self.avertissements)
        bilan = [f"{n} problème{'s' if n > 1 else ''}"] if n else ["valide"]
        if a:
            bilan.append(f"{a} avertissement{'s' if a > 1 else ''}")
        lignes = [f"{self.source} : {', '.join(bilan)}"]
        for p in (*self.erreurs, *self.avertissements):
            marque = "" if p.bloquant else "avertissement "
            lignes.append(f"  - [{marque}{p.code}] {p.endroit} : {p.message}")
        return "\n".join(lignes)

    def as_json(self) -> str:
        return json.dumps(
            {"fichier": self.source, "valide": self.ok, "problemes": [p.as_dict() for p in self.problemes]},
            ensure_ascii=False,
            indent=2,
        )


def _with_line(probleme: Probleme, lignes: dict[Chemin, int]) -> Probleme:
    if probleme.ligne is not None:
        return probleme
    chemin = probleme.chemin
    while chemin not in lignes and chemin:
        chemin = chemin[:-1]
    return replace(probleme, ligne=lignes.get(chemin))


_RAISONS = {
    errno.ENOENT: "fichier ou dossier introuvable", errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise", errno.EROFS: "système de fichiers en lecture seule",
    errno.EDQUOT: "quota disque dépassé", errno.ENAMETOOLONG: "nom trop long",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier", errno.EISDIR: "c'est un dossier",
    errno.EEXIST: "un fichier de ce nom existe déjà", errno.ENOSPC: "espace disque insuffisant",
    errno.EFBIG: "taille de fichier limitée par le système", errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EBUSY: "ressource occupée", errno.ELOOP: "trop de liens symboliques",
    errno.EMFILE: "trop de fichiers ouverts", errno.ENFILE: "trop de fichiers ouverts",
    errno.EXDEV: "déplacement impossible entre deux disques",
    errno.ENOTEMPTY: "le dossier n'est pas vide", errno.ETXTBSY: "fichier en cours d'utilisation",
    errno.EINVAL: "argument invalide", errno.ENOMEM: "mémoire insuffisante", errno.EAGAIN: "ressource indisponible",
}


def raison_systeme(exc: OSError) -> str:
    """Return in French why the system refused (never its English ``strerror``).

    >>> raison_systeme(PermissionError(errno.EACCES, "Permission denied"))
    'permission refusée'
    >>> raison_systeme(OSError(errno.ENOENT, "No such file or directory"))
    'fichier ou dossier introuvable'
    >>> raison_systeme(OSError("no errno"))
    'erreur du système'
    """
    if exc.errno in _RAISONS:
        return _RAISONS[exc.errno]
    return f"erreur du système n° {exc.errno}" if exc.errno else "erreur du système"


def sort_problems(problemes: Iterable[Probleme]) -> tuple[Probleme, ...]:
    """Return problems in file order (by line, unknown lines last), duplicates removed."""
    uniques = dict.fromkeys(problemes)
    return tuple(sorted(uniques, key=lambda p: (p.ligne is None, p.ligne or 0)))


class AlizeError(Exception):
    """Base of every error the library raises on purpose."""


class InvalidInput(AlizeError, ValueError):
    """The input breaks one or more rules; nothing was written."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.text())
        self.report = report

    @property
    def problemes(self) -> Sequence[Probleme]:
        return self.report.problemes


class ClauseError(AlizeError):
    """A clause file cannot be read, compiled or rendered."""

    def __init__(self, message: str, *, clause: str, version: str, ligne: int | None = None,
                 fichier: Path | None = None) -> None:
        ou = f" (ligne {ligne})" if ligne else ""
        super().__init__(f"clause {clause}@{version}{ou} : {message}")
        self.clause, self.version, self.ligne, self.fichier = clause, version, ligne, fichier
        self.detail = message  # what is wrong, without the clause's name


class ModelError(AlizeError):
    """A model file (``modeles/<nom>.yaml``) is missing, unreadable or names what does not exist."""

    def __init__(self, message: str, *, modele: str, fichier: Path | None = None) -> None:
        super().__init__(f"modèle {modele} : {message}")
        self.modele, self.fichier = modele, fichier


class CommandError(AlizeError):
    """The command line asks for something that cannot be done as asked (the user's mistake: exit code 2)."""


class RenderError(AlizeError):
    """A document could not be produced from valid input (a template or output problem)."""


class EcritureError(AlizeError, OSError):
    """A file could not be written (full disk, file-size limit, permissions); what the run wrote was removed.

    Still an :class:`OSError`, as before it was translated, for callers that catch that."""


class UsageError(AlizeError, TypeError):
    """The library was called the wrong way (a developer's mistake, not the user's data)."""
