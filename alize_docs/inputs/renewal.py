"""Renewal: the input of a territory's next convention, prepared from its previous one.

The previous file is read and written back by ruamel.yaml's round trip, so its comments, key order, quoting and
flow style (``signature: {lieu: Nancy, date: 2010-11-26}``) stay as the operator wrote them. What changes: nature
``renouvellement``, the new signature date, the newest model, and a ``premiers_resultats`` left for the operator
to write — validation refuses the new file until it is (rule ``blanks``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from alize_docs.domain.models import Territoire
from alize_docs.errors import CommandError
from alize_docs.inputs.yaml import load_model, read_yaml

__all__ = ["A_COMPLETER", "renew"]

A_COMPLETER = "À COMPLÉTER : premiers résultats de l'action au niveau local (projets soutenus, emplois créés)."


def renew(chemin: Path, date: dt.date, modeles: Iterable[str]) -> tuple[str, int]:
    """Return the text of the renewal's input file (for the newest of *modeles*), and the line of
    ``premiers_resultats`` to complete."""
    ancien = load_model(Territoire, read_yaml(chemin))  # the previous file must be valid: InvalidInput otherwise
    if date <= ancien.signature.date:
        raise CommandError(f"la nouvelle date de signature ({date.isoformat()}) doit suivre celle de la convention "
                           f"précédente ({ancien.signature.date.isoformat()})")
    yaml = _aller_retour()
    try:
        donnees: Any = yaml.load(chemin.read_text(encoding="utf-8-sig"))
    except YAMLError as exc:  # pragma: no cover - the strict reader above already accepted this file
        raise CommandError(f"{chemin} : relecture impossible ({exc})") from None
    modele = max(modeles, key=lambda m: (len(m), m))
    donnees["modele"] = DoubleQuotedScalarString(modele)
    dispositif: CommentedMap = donnees["dispositif"]
    dispositif["nature"] = "renouvellement"
    if "premiers_resultats" in dispositif:
        dispositif["premiers_resultats"] = DoubleQuotedScalarString(A_COMPLETER)
    else:
        dispositif.insert(list(dispositif).index("nature") + 1, "premiers_resultats",
                          DoubleQuotedScalarString(A_COMPLETER))
    donnees["signature"]["date"] = date
    sortie = io.StringIO()
    yaml.dump(donnees, sortie)
    texte = (f"# Renouvellement préparé par alize-docs à partir de {chemin.name} (convention signée le "
             f"{ancien.signature.date.isoformat()}) :\n# complétez premiers_resultats, vérifiez les apports.\n"
             + sortie.getvalue())  # above the operator's own comments, which stay
    ligne = next(i for i, contenu in enumerate(texte.splitlines(), start=1) if "premiers_resultats:" in contenu)
    return texte, ligne


def _aller_retour() -> YAML:
    yaml = YAML()  # round trip: comments, order, quotes and flow style kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the operator wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml
