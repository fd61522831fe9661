"""Batches: folders and workbooks, failures that stop nothing, re-runs, collisions, renewal, a killed worker."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from stdnum import luhn

import alize_docs
from alize_docs.batch import MANIFESTE, RAPPORT, VERROU, run_batch
from alize_docs.inputs.workbook import COLONNES, write_template

from .conftest import FIXTURES, TERRITOIRE, run_cli, texte_exemple

COMMANDE = [sys.executable, "-m", "alize_docs"]
COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"


def territory_variant(dossier: Path, nom: str, fichier: str, **remplacements: str) -> Path:
    texte = texte_exemple().replace("  nom: Toulinois ", f"  nom: {nom} ")
    for ancien, nouveau in remplacements.items():
        texte = texte.replace(ancien.replace("_", " "), nouveau)
    chemin = dossier / fichier
    chemin.write_text(texte, encoding="utf-8")
    return chemin


@pytest.fixture
def source(tmp_path: Path) -> Path:
    dossier = tmp_path / "source"
    dossier.mkdir()
    shutil.copy(TERRITOIRE, dossier / "toulinois.yaml")
    shutil.copy(COOPERATION, dossier / COOPERATION.name)
    territory_variant(dossier, "Épinal", "epinal.yaml")
    territory_variant(dossier, "Cassé", "casse.yaml", **{"avances: [40000, 40000, 40000]": "avances: [9e4, 0, 0]"})
    (dossier / "vide.yaml").write_text("", encoding="utf-8")
    return dossier


def hashes(dossier: Path) -> dict[str, str]:
    return {str(p.relative_to(dossier)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dossier.rglob("*.docx"))}


@pytest.mark.slow
def test_a_batch_writes_every_valid_item_and_reports_the_others(source: Path, tmp_path: Path) -> None:
    rapport = run_batch(source, tmp_path / "out", jobs=2)
    statuts = {Path(r.source).name: r.statut for r in rapport.resultats}
    assert statuts == {"casse.yaml": "invalide", "cooperation-menuiseries-du-toulois.yaml": "écrit",
                       "epinal.yaml": "écrit", "toulinois.yaml": "écrit", "vide.yaml": "invalide"}
    assert not rapport.ok
    casse = next(r for r in rapport.resultats if r.source.endswith("casse.yaml"))
    assert casse.problemes[0].code == "amount" and casse.problemes[0].champ == "cdc.apports.avances[0]"
    attendus = [MANIFESTE, RAPPORT, VERROU, "Toulinois", "Épinal"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(attendus)
    assert "cooperation-toul-2011-003.docx" in os.listdir(tmp_path / "out" / "Toulinois")
    epinal = docx.Document(str(tmp_path / "out" / "Épinal" / "convention-partenariat-epinal.docx"))
    assert "ALIZÉ®\u00a0Épinal" in [p.text for p in epinal.paragraphs]
    json_ = json.loads((tmp_path / "out" / RAPPORT).read_text(encoding="utf-8"))
    assert json_["reussi"] is False and len(json_["resultats"]) == 5


@pytest.mark.slow
def test_a_rerun_changes_no_byte_and_skips_unchanged_items(source: Path, tmp_path: Path) -> None:
    run_batch(source, tmp_path / "out", jobs=2)
    avant = hashes(tmp_path / "out")
    second = run_batch(source, tmp_path / "out", jobs=2)
    assert {r.statut for r in second.resultats if r.ok} == {"inchangé"}
    assert hashes(tmp_path / "out") == avant
    force = run_batch(source, tmp_path / "out", jobs=2, force=True)
    assert {r.statut for r in force.resultats if r.ok} == {"écrit"}
    assert hashes(tmp_path / "out") == avant
    texte = (source / "epinal.yaml").read_text(encoding="utf-8").replace("lieu: Nancy", "lieu: Épinal")
    (source / "epinal.yaml").write_text(texte, encoding="utf-8")
    troisieme = run_batch(source, tmp_path / "out", jobs=2)
    assert {Path(r.source).name for r in troisieme.resultats if r.statut == "écrit"} == {"epinal.yaml"}


@pytest.mark.slow
def test_a_rerun_recognises_its_items_whatever_the_path_it_is_given(
        source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    premier = run_batch("source", "out", jobs=2)  # relative paths, from the batch's parent folder
    assert premier.compte("écrit") == 3
    second = run_batch(source, tmp_path / "out", jobs=2)  # absolute paths
    assert second.compte("inchangé") == 3 and second.compte("écrit") == 0


@pytest.mark.slow
def test_the_executor_is_pluggable(source: Path, tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as executor:
        rapport = run_batch(source, tmp_path / "out", executor=executor)
    assert rapport.compte("écrit") == 3


@pytest.mark.slow
def test_two_items_writing_the_same_path_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    dossier = tmp_path / "source"
    dossier.mkdir()
    territory_variant(dossier, "Épinal", "a.yaml")
    territory_variant(dossier, "E\u0301pinal", "b.yaml")  # the same name in NFD: one folder on disk
    territory_variant(dossier, "Saint-Dié", "c.yaml")
    rapport = run_batch(dossier, tmp_path / "out", jobs=1)
    assert [(Path(r.source).name, r.statut) for r in rapport.resultats] == [
        ("a.yaml", "invalide"), ("b.yaml", "invalide"), ("c.yaml", "écrit")]
    assert rapport.resultats[0].problemes[0].code == "collision"
    assert not (tmp_path / "out" / "Épinal").exists()


@pytest.mark.slow
@pytest.mark.parametrize(("nom", "dossier"), [("../../etc", "-etc"), ("CON", "_CON"), ("A/B\\C:D", "A-B-C-D"),
                                              ("x" * 300, "x" * 120)])
def test_folder_names_built_from_inputs_stay_inside_the_output(tmp_path: Path, nom: str, dossier: str) -> None:
    source = tmp_path / "source"
    source.mkdir()
    territory_variant(source, f"'{nom}'", "t.yaml")
    rapport = run_batch(source, tmp_path / "out", jobs=1)
    assert rapport.ok and rapport.resultats[0].dossier == dossier
    assert (tmp_path / "out" / dossier).is_dir() and not (tmp_path / "etc").exists()


@pytest.mark.slow
def test_cli_batch_exit_codes_and_report(source: Path, tmp_path: Path) -> None:
    resultat = run_cli("lot", str(source), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert resultat.returncode == 1
    assert "5 élément(s) : 3 écrit(s), 0 inchangé(s), 2 invalide(s), 0 en échec." in resultat.stdout
    assert "[amount] ligne" in resultat.stdout and "Traceback" not in resultat.stderr
    (source / "casse.yaml").unlink()
    (source / "vide.yaml").unlink()
    resultat = run_cli("lot", str(source), "-o", str(tmp_path / "out"))
    assert resultat.returncode == 0 and "3 inchangé(s)" in resultat.stdout


# --- workbooks ----------------------------------------------------------------------------------------

def siren_with_leading_zero() -> str:
    return "01234567" + luhn.calc_check_digit("01234567")


def workbook(tmp_path: Path, lignes: list[dict[str, object]], epoque_1904: bool = False) -> Path:
    shutil.copy(TERRITOIRE, tmp_path / "toulinois.yaml")
    chemin = tmp_path / "conventions.xlsx"
    write_template(chemin)
    classeur = load_workbook(chemin)
    if epoque_1904:
        classeur.epoch = Workbook().epoch.__class__(1904, 1, 1)
    feuille = classeur["Conventions"]
    exemple = [c.value for c in feuille[2]]
    feuille.delete_rows(2)
    colonnes = [c.chemin for c in COLONNES]
    for changements in lignes:
        valeurs = list(exemple)
        for cle, valeur in changements.items():
            valeurs[colonnes.index(cle)] = valeur
        feuille.append(valeurs)
    classeur.save(chemin)
    return chemin


def test_the_workbook_template_explains_every_column(tmp_path: Path) -> None:
    resultat = run_cli("modele-tableur", str(tmp_path / "modele.xlsx"))
    assert "écrit" in resultat.stdout
    classeur = load_workbook(tmp_path / "modele.xlsx")
    assert classeur.sheetnames == ["Conventions", "Colonnes"]
    assert [c.value for c in classeur["Conventions"][1]][:3] == ["Fichier du dispositif", "Numéro de la convention",
                                                                 "Modèle de clauses"]
    explications = {r[4].value: r[1].value for r in classeur["Colonnes"].iter_rows(min_row=2) if r[0].value}
    assert explications["beneficiaire.siren"].startswith("SIREN")


def test_the_example_row_of_the_template_is_a_valid_agreement(tmp_path: Path) -> None:
    rapport = run_batch(workbook(tmp_path, [{}]), tmp_path / "out", jobs=1)
    assert rapport.ok, rapport.as_json()
    document = docx.Document(str(tmp_path / "out" / "Toulinois" / "cooperation-toul-2011-003.docx"))
    assert any("vingt mille euros (20\u202f000\u00a0€)" in p.text for p in document.paragraphs)


@pytest.mark.slow
def test_what_french_excel_does_to_values_is_undone(tmp_path: Path) -> None:
    siren = siren_with_leading_zero()
    lignes = [{"numero": "A-1", "beneficiaire.siren": int(siren), "signature.date": 40641,  # a date serial
               "avance_remboursable.montant": 19999.999999999996, "beneficiaire.capital": "50 000 €",
               "projet.cout_total": 240000.0},
              {"numero": "A-2", "avance_remboursable.montant": "=B2*2"},  # a formula with no cached value
              {"numero": "A-3", "avance_remboursable.montant": "20.000"},  # ambiguous
              {"numero": "A-4", "comite.date": dt.datetime(2011, 3, 15, 0, 0)}]
    rapport = run_batch(workbook(tmp_path, lignes), tmp_path / "out", jobs=1)
    statuts = [(r.source, r.statut) for r in rapport.resultats]
    assert statuts == [("conventions.xlsx, ligne 2", "écrit"), ("conventions.xlsx, ligne 3", "invalide"),
                       ("conventions.xlsx, ligne 4", "invalide"), ("conventions.xlsx, ligne 5", "écrit")]
    formule, ambigu = rapport.resultats[1].problemes[0], rapport.resultats[2].problemes[0]
    assert formule.ligne == 3 and "formule enregistrée sans sa valeur calculée" in formule.message
    assert (ambigu.code, ambigu.champ) == ("amount", "avance_remboursable.montant")
    texte = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / "Toulinois" /
                                                        "cooperation-a-1.docx")).paragraphs)
    assert f"SIREN {siren[:3]}\u00a0{siren[3:6]}\u00a0{siren[6:]}" in texte  # no-break: never split
    assert "Fait à Toul, le 8\u00a0avril 2011" in texte and "vingt mille euros (20\u202f000\u00a0€)" in texte


@pytest.mark.slow
def test_the_1904_date_system_is_honoured(tmp_path: Path) -> None:
    rapport = run_batch(workbook(tmp_path, [{"signature.date": 40641 - 1462}], epoque_1904=True), tmp_path / "out",
                        jobs=1)
    assert rapport.ok, rapport.as_json()
    document = docx.Document(str(next((tmp_path / "out").rglob("cooperation-*.docx"))))
    texte = "\n".join(p.text for p in document.paragraphs)
    assert "le 8\u00a0avril 2011" in texte  # the date, with its no-break space


# --- renewal ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_renewal_prepares_the_next_input_which_is_refused_until_completed(tmp_path: Path) -> None:
    nouveau = tmp_path / "toulinois-2013.yaml"
    resultat = run_cli("renouveler", str(TERRITOIRE), "--date", "2013-11-26", "-o", str(nouveau))
    assert "Complétez premiers_resultats (ligne" in resultat.stdout
    rapport = alize_docs.check_file(nouveau)
    assert [(p.code, p.champ) for p in rapport.problemes] == [("blanks", "dispositif.premiers_resultats")]
    nouveau.write_text(nouveau.read_text(encoding="utf-8").replace(
        nouveau.read_text(encoding="utf-8").split('premiers_resultats: "')[1].split('"')[0],
        "Vingt-deux PME accompagnées, 95 emplois créés."), encoding="utf-8")
    territoire = alize_docs.load_territoire(nouveau)
    ancien = alize_docs.load_territoire(TERRITOIRE)
    assert alize_docs.check_file(nouveau).ok
    assert (territoire.modele, territoire.dispositif.nature, territoire.signature.date) == (
        "2011", "renouvellement", dt.date(2013, 11, 26))
    assert territoire.partenaires == ancien.partenaires and territoire.cdc == ancien.cdc
    assert "# Partners" not in nouveau.read_text(encoding="utf-8")
    assert nouveau.read_text(encoding="utf-8").count("# ") >= TERRITOIRE.read_text(encoding="utf-8").count("# ")
    texte = "\n".join(p.text for p in docx.Document(
        str(next(c for c in alize_docs.generate(nouveau, tmp_path / "out") if "convention-" in c.name))).paragraphs)
    assert "la reconduction du dispositif" in texte and "Vingt-deux PME accompagnées, 95 emplois créés." in texte


def test_renewal_refuses_an_earlier_date(tmp_path: Path) -> None:
    resultat = run_cli("renouveler", str(TERRITOIRE), "--date", "2009-01-01", "-o",
                               str(tmp_path / "n.yaml"))
    assert resultat.returncode == 2 and "doit suivre" in resultat.stderr and not (tmp_path / "n.yaml").exists()


# --- a worker killed in the middle of a batch ------------------------------------------------------

def territories(tmp_path: Path, nombre: int) -> tuple[Path, Path]:
    """A folder of *nombre* territories: enough work that a batch is still running when a test interrupts it."""
    source = tmp_path / "source"
    source.mkdir()
    for i in range(nombre):
        territory_variant(source, f"Territoire {i:02d}", f"t{i:02d}.yaml")
    return source, tmp_path / "out"


@pytest.mark.slow
def test_a_worker_killed_mid_batch_leaves_only_complete_files_and_a_rerun_finishes(tmp_path: Path) -> None:
    source, sortie = territories(tmp_path, 40)
    lot = subprocess.Popen([*COMMANDE, "lot", str(source), "-o", str(sortie), "--jobs", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tue = False
    limite = time.monotonic() + 120
    while lot.poll() is None and time.monotonic() < limite:
        travailleurs = subprocess.run(["pgrep", "-P", str(lot.pid)], capture_output=True, text=True).stdout.split()
        if travailleurs and sortie.is_dir() and any(sortie.rglob("*.docx")):
            os.kill(int(travailleurs[0]), signal.SIGKILL)
            tue = True
            break
        time.sleep(0.05)
    lot.communicate(timeout=300)
    assert tue, "no worker was seen to kill"
    assert lot.returncode == 1
    for document in sortie.rglob("*.docx"):
        docx.Document(str(document))  # every file left is complete
    relance = run_cli("lot", str(source), "-o", str(sortie))
    assert relance.returncode == 0, relance.stdout
    assert not list(sortie.rglob(".*.tmp"))
    assert len(list(sortie.rglob("*.docx"))) == 40 * 5


def test_decimal_is_used_from_cell_to_page() -> None:
    from alize_docs.inputs.workbook import _cell

    montant = next(c for c in COLONNES if c.chemin == "avance_remboursable.montant")
    epoque = dt.datetime(1899, 12, 30)
    assert _cell(0.1 + 0.2, montant, epoque) == "0.3"
    assert Decimal(_cell(19999.999999999996, montant, epoque)) == Decimal(20000)
    assert _cell(1234.567, montant, epoque) == "1234.567"  # three decimals stay: the model refuses them


@pytest.mark.slow
def test_ctrl_c_mid_batch_ends_cleanly_and_a_rerun_finishes(tmp_path: Path) -> None:
    source, sortie = territories(tmp_path, 40)
    lot = subprocess.Popen([*COMMANDE, "lot", str(source), "-o", str(sortie), "--jobs", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    limite = time.monotonic() + 120
    while lot.poll() is None and time.monotonic() < limite and not (sortie.is_dir() and any(sortie.rglob("*.docx"))):
        time.sleep(0.05)
    assert lot.poll() is None, "le lot a fini avant l'interruption : donnez-lui plus de travail"
    os.killpg(lot.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: to the whole group, workers included
    _, erreurs = lot.communicate(timeout=300)
    assert lot.returncode == 130 and "interrompu" in erreurs and "Traceback" not in erreurs
    ecrits = list(sortie.rglob("*.docx"))
    assert 0 < len(ecrits) < 40 * 5  # interrupted for real: some documents, not all
    for document in ecrits:
        docx.Document(str(document))
    relance = run_cli("lot", str(source), "-o", str(sortie))
    assert relance.returncode == 0 and not list(sortie.rglob(".*.tmp"))
    assert len(list(sortie.rglob("*.docx"))) == 40 * 5
