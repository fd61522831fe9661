"""Pinned outputs: the SHA-256 of every file the fixtures and a set of generated inputs give.

A refactoring changes none of these bytes. A change that means to alter the documents updates the pins in the
same commit: ``ALIZE_UPDATE_PINS=1 pytest tests/test_pins.py`` rewrites ``tests/data/pins.json``, and the diff of
that file shows which documents changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

import alize_docs

from .conftest import FIXTURES

PINS = Path(__file__).parent / "data" / "pins.json"
TERRITOIRE = (FIXTURES / "toulinois.yaml").read_text(encoding="utf-8")
COOPERATION = (FIXTURES / "cooperation-menuiseries-du-toulois.yaml").read_text(encoding="utf-8")


def _variant(texte: str, **remplacements: str) -> str:
    for ancien, nouveau in remplacements.items():
        assert ancien in texte, ancien  # a variant that stops matching would pin the fixture twice
        texte = texte.replace(ancien, nouveau)
    return texte


ENTREES: dict[str, str] = {
    "toulinois.yaml": TERRITOIRE,
    "cooperation-menuiseries-du-toulois.yaml": COOPERATION,
    # the 2011 model (signed in its period), a renewal, a woman as Préfet and a man directing the CDC
    "renouveau.yaml": _variant(
        TERRITOIRE, **{
            'modele: "2008"': 'modele: "2011"',
            "  nom: Toulinois ": "  nom: Renouveau ",
            "nature: creation": "nature: renouvellement",
            "premiers_resultats: null": "premiers_resultats: Douze projets soutenus et 64 emplois créés depuis 2007.",
            "{civilite: Monsieur, prenom: Jean-Marc, nom: Lefort}": "{civilite: Madame, prenom: Anne, nom: Lefort}",
            "{civilite: Madame, prenom: Hélène, nom: Ravier}": "{civilite: Monsieur, prenom: Hervé, nom: Ravier}",
            "carte_annexee: false": "carte_annexee: true",
            "date: 2010-11-26": "date: 2013-11-26",  # in the 2011 model's period
        }),
    # a quarterly schedule on a shorter advance
    "cooperation-trimestrielle.yaml": _variant(
        COOPERATION, **{
            "numero: TOUL-2011-003": "numero: TOUL-2011-004",
            "periodicite: mensuelle": "periodicite: trimestrielle",
            "duree_mois: 36": "duree_mois: 30",
            "montant: 20000\n": "montant: 15000\n",
        }),
    # skills only: no advance
    "cooperation-competences.yaml": _variant(
        COOPERATION, **{
            "numero: TOUL-2011-003": "numero: TOUL-2011-005",
            "mandataire: side\n\navance_remboursable:\n  montant: 20000\n  duree_mois: 36                    "
            "# deferral included\n  differe_mois: 6\n  periodicite: mensuelle            # mensuelle | trimestrielle\n"
            "  date_versement: 2011-04-15\n": "mandataire: side\n",
        }),
}


def generated_hashes(dossier: Path) -> dict[str, str]:
    """Write every input of :data:`ENTREES` into *dossier*, generate each, and return the files' hashes."""
    entrees = dossier / "entrees"
    entrees.mkdir()
    for nom, texte in ENTREES.items():
        (entrees / nom).write_text(texte, encoding="utf-8")
    sortie = dossier / "sortie"
    for nom in ENTREES:
        alize_docs.generate(entrees / nom, sortie)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(sortie.iterdir())}


def test_outputs_are_byte_identical_to_the_pins(tmp_path: Path) -> None:
    obtenus = generated_hashes(tmp_path)
    if os.environ.get("ALIZE_UPDATE_PINS"):
        PINS.write_text(json.dumps(obtenus, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    attendus = json.loads(PINS.read_text(encoding="utf-8"))
    differents = sorted(n for n in attendus.keys() | obtenus.keys() if attendus.get(n) != obtenus.get(n))
    assert not differents, f"documents changés (ALIZE_UPDATE_PINS=1 pour mettre à jour) : {differents}"
    assert len(obtenus) == 5 + 5 + 3  # two territories' five files, three agreements


@pytest.mark.parametrize("nom", ["renouveau.yaml", "cooperation-trimestrielle.yaml", "cooperation-competences.yaml"])
def test_each_pinned_variant_says_what_it_varies(tmp_path: Path, nom: str) -> None:
    shutil.copy(FIXTURES / "toulinois.yaml", tmp_path / "toulinois.yaml")
    (tmp_path / nom).write_text(ENTREES[nom], encoding="utf-8")
    ecrits = alize_docs.generate(tmp_path / nom, tmp_path / "sortie")
    from alize_docs.render.text import docx_text

    texte = docx_text(ecrits[0].read_bytes())
    attendu = {"renouveau.yaml": "reconduction", "cooperation-trimestrielle.yaml": "trimestri",
               "cooperation-competences.yaml": "Menuiseries du Toulois"}[nom]
    assert attendu in texte
    if nom == "cooperation-competences.yaml":
        assert "échéancier" not in texte.lower()
