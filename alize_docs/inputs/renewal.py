"""Renewal: the input of a territory's next convention, prepared from its previous one.

The previous file is edited line by line (its comments, layout and figures stay as the operator wrote
them): nature ``renouvellement``, the new signature date, the newest model, and a ``premiers_resultats``
left for the operator to write — validation refuses the new file until it is (rule ``blanks``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from alize_docs.domain.models import Territoire
from alize_docs.errors import CommandError
from alize_docs.inputs.yaml import load_model, read_yaml

__all__ = ["A_COMPLETER", "renew"]

A_COMPLETER = "À COMPLÉTER : premiers résultats de l'action au niveau local (projets soutenus, emplois créés)."
_VALEUR = re.compile(r"^(?P<tete>\s*[\w-]+:[ \t]*)(?P<valeur>[^#\n]*?)(?P<queue>[ \t]*(?:#.*)?)$")


def renew(chemin: Path, date: dt.date, modeles: Iterable[str]) -> tuple[str, int]:
    """Return the text of the renewal's input file (for the newest of *modeles*), and the line of
    ``premiers_resultats`` to complete."""
    donnees = read_yaml(chemin)
    ancien = load_model(Territoire, donnees)
    if date <= ancien.signature.date:
        raise CommandError(f"la nouvelle date de signature ({date.isoformat()}) doit suivre celle de la convention "
                         f"précédente ({ancien.signature.date.isoformat()})")
    lignes = chemin.read_text(encoding="utf-8-sig").splitlines()
    modele = max(modeles, key=lambda m: (len(m), m))
    valeurs = {("modele",): f'"{modele}"', ("dispositif", "nature"): "renouvellement",
               ("signature", "date"): date.isoformat(), ("dispositif", "premiers_resultats"): f'"{A_COMPLETER}"'}
    for chemin_yaml, valeur in valeurs.items():
        if chemin_yaml in donnees.lignes:
            _replace(lignes, donnees.lignes[chemin_yaml] - 1, valeur)
        elif chemin_yaml == ("dispositif", "premiers_resultats"):
            nature = donnees.lignes[("dispositif", "nature")] - 1
            retrait = lignes[nature][: len(lignes[nature]) - len(lignes[nature].lstrip())]
            lignes.insert(nature + 1, f"{retrait}premiers_resultats: {valeur}")
    entete = (f"# Renouvellement préparé par alize-docs à partir de {chemin.name} (convention signée le "
              f"{ancien.signature.date.isoformat()}) : complétez premiers_resultats, vérifiez les apports.")
    texte = "\n".join([entete, *lignes]) + "\n"
    ligne = next(i for i, texte_ligne in enumerate(texte.splitlines(), start=1)
                 if "premiers_resultats:" in texte_ligne)
    return texte, ligne


def _replace(lignes: list[str], index: int, valeur: str) -> None:
    correspondance = _VALEUR.match(lignes[index])
    if correspondance is None or correspondance["valeur"].strip() in ("|", ">", "|-", ">-"):
        raise CommandError(f"ligne {index + 1} : valeur sur plusieurs lignes, modifiez-la à la main")
    lignes[index] = f"{correspondance['tete']}{valeur}{correspondance['queue']}"
