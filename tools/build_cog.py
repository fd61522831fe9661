"""Build ``alize_docs/cog/`` from INSEE's Code officiel géographique as shipped by ``@etalab/decoupage-administratif``.

The names and their articles (TNCC, « type de nom en clair », ``typeLiaison`` in the package) are never typed by hand:
this script reads the npm package and writes

- ``alize_docs/cog/departements.json``: one object per line, ``code``, ``nom``, ``tncc``, ``region``;
- ``alize_docs/cog/communes.tsv``: current communes only (type COM, ``commune-actuelle``), columns ``code``, ``nom``,
  ``tncc``, ``departement``, ``population`` (empty when unknown);
- ``alize_docs/cog/SOURCE.md``: the package, its version, its licence and every correction applied.

Corrections (all listed in SOURCE.md):

- a commune whose name starts with an article (« Le », « La », « Les », « L' », « Aux », « Las », « Los ») that its TNCC
  does not account for, or that has no TNCC at all (the overseas collectivities carry none), gets the TNCC the name
  says; a commune without TNCC and without article gets 1 before a vowel, 0 otherwise;
- the overseas collectivities (``zone`` ``com``) all carry TNCC 0 in the package's ``departements.json``, which would
  give « de Polynésie française »; ``COLLECTIVITES`` below sets the article French uses for the four that take one.

Run: ``python tools/build_cog.py PATH/TO/package`` (an unpacked ``npm pack``), or ``python tools/build_cog.py --npm``
(runs ``npm pack @etalab/decoupage-administratif@6`` in a temporary directory), then commit ``alize_docs/cog/``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

PAQUET = "@etalab/decoupage-administratif"
VERSION = "6"
SORTIE = Path(__file__).resolve().parent.parent / "alize_docs" / "cog"
TAILLE_MAX = 1_500_000

# Editorial correction: the package gives TNCC 0 to every overseas collectivity. Usage (statutory texts) writes
# « des Terres australes et antarctiques françaises », « de la Polynésie française », « de la Nouvelle-Calédonie »,
# « de l'île de Clipperton »; the others (Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, Wallis et Futuna)
# keep TNCC 0.
COLLECTIVITES = {"984": 4, "987": 3, "988": 3, "989": 5}

# The article a name may start with, and the TNCC it stands for (INSEE's table: 2 Le, 3 La, 4 Les, 5 L', 6 Aux,
# 7 Las, 8 Los).
ARTICLES = (("Le ", 2), ("La ", 3), ("Les ", 4), ("L'", 5), ("Aux ", 6), ("Las ", 7), ("Los ", 8))


def _tncc_du_nom(nom: str) -> int | None:
    for article, tncc in ARTICLES:
        if nom.startswith(article):
            return tncc
    return None


def _voyelle(nom: str) -> bool:
    return unicodedata.normalize("NFD", nom[:1])[:1].lower() in "aeiouy"


def _commune_tncc(entree: dict[str, Any], corrections: list[str]) -> int:
    nom: str = entree["nom"]
    tncc: int | None = entree.get("typeLiaison")
    du_nom = _tncc_du_nom(nom)
    if du_nom is not None and tncc != du_nom:
        avant = "absent" if tncc is None else str(tncc)
        corrections.append(f"commune {entree['code']} « {nom} » : TNCC {avant} → {du_nom} (article du nom)")
        return du_nom
    if tncc is None:
        deduit = 1 if _voyelle(nom) else 0
        corrections.append(f"commune {entree['code']} « {nom} » : TNCC absent → {deduit}")
        return deduit
    return tncc


def construire(paquet: Path, sortie: Path = SORTIE) -> dict[str, Any]:
    """Write the data files from the unpacked npm package at ``paquet``; return a summary."""
    donnees = paquet / "data"
    meta = json.loads((paquet / "package.json").read_text(encoding="utf-8"))
    departements = json.loads((donnees / "departements.json").read_text(encoding="utf-8"))
    communes = json.loads((donnees / "communes.json").read_text(encoding="utf-8"))
    corrections: list[str] = []
    sortie.mkdir(parents=True, exist_ok=True)

    lignes_dep = []
    for dep in departements:
        tncc = dep["typeLiaison"]
        corrige = COLLECTIVITES.get(dep["code"], tncc)
        if corrige != tncc:
            corrections.append(f"département {dep['code']} « {dep['nom']} » : TNCC {tncc} → {corrige}")
            tncc = corrige
        ligne = {"code": dep["code"], "nom": dep["nom"], "tncc": tncc}
        if dep.get("region"):
            ligne["region"] = dep["region"]
        lignes_dep.append(json.dumps(ligne, ensure_ascii=False, separators=(",", ":")))
    (sortie / "departements.json").write_text("[\n" + ",\n".join(lignes_dep) + "\n]\n", encoding="utf-8")

    lignes_com = ["code\tnom\ttncc\tdepartement\tpopulation"]
    for commune in communes:
        if commune.get("type") != "commune-actuelle":
            continue
        population = commune.get("population")
        lignes_com.append("\t".join((commune["code"], commune["nom"], str(_commune_tncc(commune, corrections)),
                                     commune["departement"], "" if population is None else str(population))))
    fichier_communes = sortie / "communes.tsv"
    fichier_communes.write_text("\n".join(lignes_com) + "\n", encoding="utf-8")
    taille = fichier_communes.stat().st_size
    if taille > TAILLE_MAX:
        raise SystemExit(f"communes.tsv fait {taille} octets, plus que {TAILLE_MAX}")

    fichier_licence = paquet / "LICENSE"
    copyright_ = next((ligne.strip() for ligne in fichier_licence.read_text(encoding="utf-8").splitlines()
                       if ligne.startswith("Copyright")), "") if fichier_licence.exists() else ""
    source = [
        "# Source of the data in this folder",
        "",
        f"Built by `tools/build_cog.py` from the npm package `{meta['name']}` version {meta['version']}",
        f"({meta.get('license', '?')} licence, {copyright_}; repository {meta.get('repository', '')}),",
        "which ships INSEE's Code officiel géographique as JSON. Do not edit these files by hand: rebuild them.",
        "",
        f"- `departements.json`: {len(lignes_dep)} entries (départements and overseas collectivities).",
        f"- `communes.tsv`: {len(lignes_com) - 1} current communes (type COM), {taille} bytes.",
        "",
        "TNCC (`typeLiaison`): 0 « de », 1 « d' », 2 « du » (Le), 3 « de la » (La), 4 « des » (Les), 5 « de l' » (L'),",
        "6 « des » (Aux), 7 « de Las », 8 « de Los ». Commune names hold their article (« Le Havre »); département",
        "names do not (« Nord »), except « La Réunion » (TNCC 0).",
        "",
        f"## Corrections applied ({len(corrections)})",
        "",
        *(f"- {c}" for c in corrections),
        "",
    ]
    (sortie / "SOURCE.md").write_text("\n".join(source), encoding="utf-8")
    return {"version": meta["version"], "departements": len(lignes_dep), "communes": len(lignes_com) - 1,
            "octets_communes": taille, "corrections": len(corrections)}


def _telecharger(dossier: Path) -> Path:
    subprocess.run(["npm", "pack", f"{PAQUET}@{VERSION}"], cwd=dossier, check=True, capture_output=True)
    archive = next(dossier.glob("*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(dossier, filter="data")
    return dossier / "package"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Construit alize_docs/cog/ à partir du COG de l'INSEE (paquet npm).")
    groupe = parser.add_mutually_exclusive_group(required=True)
    groupe.add_argument("paquet", nargs="?", type=Path, help="dossier du paquet npm décompressé")
    groupe.add_argument("--npm", action="store_true", help="télécharger le paquet avec « npm pack »")
    args = parser.parse_args(argv)
    if args.npm:
        with tempfile.TemporaryDirectory() as tmp:
            resume = construire(_telecharger(Path(tmp)))
    else:
        resume = construire(args.paquet)
    print(json.dumps(resume, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
