"""The typed inputs of one file: a territory, or a cooperation agreement with its territory.

A cooperation file names its territory's file (``dispositif:``, relative to itself); that file is read once
per version (a batch of agreements names the same territory hundreds of times).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from alize_docs.domain.models import Cooperation, Territoire
from alize_docs.errors import InvalidInput, Probleme
from alize_docs.inputs.classeur import read_input
from alize_docs.inputs.yaml import LoadedData, load_model, read_yaml

__all__ = ["Dossier", "is_cooperation", "load_cooperation", "load_territoire", "read_dossier"]


@dataclass(frozen=True)
class Dossier:
    """The typed inputs of one file, not yet checked against the program's rules: a territory, and the
    cooperation agreement if the file is one. *source* is the file (or, for a workbook row, the workbook)."""

    source: Path
    territoire: Territoire
    cooperation: Cooperation | None = None


def load_territoire(chemin: str | Path) -> Territoire:
    """Return the typed model of a territory file (YAML, or a workbook .xlsx/.ods); raise :class:`InvalidInput`
    listing every problem."""
    return load_model(Territoire, read_input(chemin))


def load_cooperation(chemin: str | Path) -> tuple[Cooperation, Territoire]:
    """Return a cooperation file's model and its territory's (``dispositif:`` is relative to the file)."""
    donnees = read_yaml(chemin)
    cooperation = load_model(Cooperation, donnees)
    return cooperation, _territory_of(Path(chemin), cooperation, donnees)


def is_cooperation(donnees: LoadedData) -> bool:
    """Tell a cooperation file (it names its territory's file) from a territory file."""
    return isinstance(donnees.data, Mapping) and isinstance(donnees.data.get("dispositif"), str)


def read_dossier(donnees: LoadedData, chemin: str | Path) -> Dossier:
    """Return the typed inputs of data already read (a file, a workbook row); a cooperation's ``dispositif:``
    is relative to *chemin* (a file, or the folder of a workbook). Raise :class:`InvalidInput`."""
    if is_cooperation(donnees):
        cooperation = load_model(Cooperation, donnees)
        return Dossier(Path(chemin), _territory_of(Path(chemin), cooperation, donnees), cooperation)
    return Dossier(Path(chemin), load_model(Territoire, donnees))


def _territory_of(chemin: Path, cooperation: Cooperation, donnees: LoadedData) -> Territoire:
    """Load the territory a cooperation names, relative to *chemin*'s folder (*chemin* may be a folder)."""
    fichier = (chemin if chemin.is_dir() else chemin.parent) / cooperation.dispositif
    try:
        etat = fichier.stat() if fichier.is_file() else None
        if etat is None:
            return load_territoire(fichier)  # raises, with the missing file said in French
        return _territory_file(str(fichier.resolve()), etat.st_mtime_ns, etat.st_size)
    except InvalidInput as exc:
        premier = exc.problemes[0]
        n = len(exc.problemes)
        raise InvalidInput(donnees.report([Probleme(
            "file", ("dispositif",),
            f"Le fichier du dispositif « {cooperation.dispositif} » a {n} problème{'s' if n > 1 else ''} "
            f"(vérifiez-le avec « alize-docs valider {fichier} ») ; le premier : {premier.message}")])) from None


@functools.lru_cache(maxsize=64)
def _territory_file(chemin: str, mtime_ns: int, taille: int) -> Territoire:
    """Return a territory file's model, read once per version of the file (the model is immutable; a changed
    file has another mtime or size)."""
    return load_territoire(chemin)
