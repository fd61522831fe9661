"""Renewal: the previous convention's input, carried over by a YAML round trip."""

from __future__ import annotations

from pathlib import Path

import alize_docs
from alize_docs.inputs.renewal import A_COMPLETER

from .conftest import TERRITOIRE, run_cli, texte_exemple


def _complete(chemin: Path) -> None:
    chemin.write_text(chemin.read_text(encoding="utf-8").replace(A_COMPLETER, "Douze PME, 64 emplois."),
                      encoding="utf-8")


def test_renewal_keeps_comments_key_order_and_flow_style(tmp_path: Path) -> None:
    ancien = tmp_path / "ancien.yaml"
    ancien.write_text(texte_exemple().replace("signature:\n  lieu: Nancy\n  date: 2010-11-26\n",
                                              "signature: {lieu: Nancy, date: 2010-11-26}  # à la préfecture\n"),
                      encoding="utf-8")
    resultat = run_cli("renouveler", ancien, "--date", "26/11/2013", "-o", tmp_path / "nouveau.yaml")
    assert resultat.returncode == 0, resultat.stderr
    nouveau = (tmp_path / "nouveau.yaml").read_text(encoding="utf-8")
    assert "signature: {lieu: Nancy, date: 2013-11-26}  # à la préfecture" in nouveau
    assert "  nature: renouvellement            # creation | renouvellement" in nouveau
    for ligne in ancien.read_text(encoding="utf-8").splitlines():
        if ligne.lstrip().startswith("#"):
            assert ligne in nouveau  # every comment of the operator's is still there
    cles = [ligne.split(":")[0] for ligne in nouveau.splitlines() if ligne and ligne[0].isalpha()]
    assert cles == ["modele", "dispositif", "signature", "etat", "cdc", "astrees", "operateur", "comite_agrement",
                    "partenaires", "depenses_fonctionnement"]
    _complete(tmp_path / "nouveau.yaml")
    territoire = alize_docs.load_territoire(tmp_path / "nouveau.yaml")
    assert alize_docs.check_file(tmp_path / "nouveau.yaml").ok
    assert (territoire.dispositif.nature, str(territoire.signature.date)) == ("renouvellement", "2013-11-26")
    assert territoire.partenaires == alize_docs.load_territoire(TERRITOIRE).partenaires


def test_a_date_the_calendar_lacks_is_refused_in_french(tmp_path: Path) -> None:
    resultat = run_cli("renouveler", TERRITOIRE, "--date", "30/02/2013", "-o", tmp_path / "n.yaml")
    assert resultat.returncode == 2 and "date invalide « 30/02/2013 »" in resultat.stderr
    assert not (tmp_path / "n.yaml").exists()
