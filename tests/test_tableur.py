"""A territory in a spreadsheet: written from YAML, filled in Excel or LibreOffice Calc, read back as the same model."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import alize_docs
from alize_docs.batch import run_batch
from alize_docs.domain.models import Territoire
from alize_docs.errors import Probleme, ValidationReport
from alize_docs.inputs.classeur import (
    DEPENSES,
    FEUILLES,
    read_territory_workbook,
    territory_workbook,
    write_territory_workbook,
)
from alize_docs.inputs.workbook import COLONNES, read_workbook, write_template
from alize_docs.inputs.yaml import load_model
from tests.conftest import FIXTURES, TERRITOIRE, run_cli

COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"


@pytest.fixture(scope="module")
def toulinois() -> Territoire:
    return alize_docs.load_territoire(TERRITOIRE)


@pytest.fixture
def classeur(tmp_path: Path) -> Path:
    chemin = tmp_path / "toulinois.xlsx"
    resultat = run_cli("tableur", TERRITOIRE, "-o", chemin)
    assert resultat.returncode == 0, resultat.stderr
    assert f"écrit : {chemin}" in resultat.stdout
    return chemin


def rubriques(feuille: Any) -> dict[str, Any]:
    """A two-column sheet as a person reads it: rubrique → valeur (the first of a repeated rubrique)."""
    valeurs: dict[str, Any] = {}
    for libelle, valeur in feuille.iter_rows(min_row=2, max_col=2, values_only=True):
        valeurs.setdefault(libelle, valeur)
    return valeurs


def validations(feuille: Any) -> dict[str, str]:
    """Each cell range of a sheet with a drop-down list → its list's formula."""
    return {str(r): v.formula1 for v in feuille.data_validations.dataValidation for r in v.sqref.ranges}


def liste(classeur: Any, formule: str) -> list[str]:
    feuille, plage = formule.lstrip("=").split("!")
    return [c.value for (c,) in classeur[feuille][plage.replace("$", "")]]


# --- the workbook a person fills ------------------------------------------------------------------------------

def test_a_territory_becomes_a_workbook_with_french_sheets_labels_and_formats(classeur: Path) -> None:
    lu = load_workbook(classeur)
    assert lu.sheetnames == ["Dispositif", "Partenaires", "Comité", "Opérateur", "Financeurs", "Dépenses", "Aide",
                             "Listes"]
    assert lu["Listes"].sheet_state == "hidden"
    dispositif = rubriques(lu["Dispositif"])
    assert dispositif["Nom du dispositif"] == "Toulinois" and dispositif["Nature"] == "création"
    assert dispositif["Département"] == "Meurthe-et-Moselle" and dispositif["Carte annexée"] == "non"
    assert dispositif["Date de signature"] == dt.datetime(2010, 11, 26)
    assert not any("." in str(libelle) or "_" in str(libelle) for libelle in dispositif)  # no YAML paths
    territoires = [v for k, v in lu["Dispositif"].iter_rows(min_row=2, max_col=2, values_only=True)
                   if k == "Territoire couvert"]
    assert territoires == ["Communauté de communes du Toulinois", "Communauté de communes de Hazelle en Haye"]

    partenaires = lu["Partenaires"]
    entetes = [c.value for c in partenaires[1]]
    assert entetes[:8] == ["Identifiant", "Nom", "Catégorie", "Représenté par", "Signataire : civilité",
                           "Signataire : prénom", "Signataire : nom", "Signataire : qualité"]
    assert entetes[8:] == [f"{quoi} année {i}" for quoi in ("Avances", "Fonctionnement", "Jours") for i in (1, 2, 3)]
    side = [c.value for c in partenaires[2]]
    assert side[:3] == ["side", "SIDE", "entreprise"] and side[8] == 40000 and side[14] == 30
    etat = [c.value for c in partenaires[8]]
    assert etat[3] == "État" and etat[4] is None
    assert [c.value for c in partenaires[5]][2] == "collectivité"
    assert partenaires["I2"].number_format == '#,##0.00 "€"'
    assert partenaires.freeze_panes == "A2" and lu["Dispositif"].freeze_panes == "A2"
    assert rubriques(lu["Opérateur"])["SIRET"] == "39017425810008"
    assert lu["Opérateur"]["B10"].number_format == "DD/MM/YYYY"
    assert rubriques(lu["Financeurs"])["CDC : avances année 1"] == 40000
    assert [r for r in lu["Dépenses"].iter_rows(min_row=2, values_only=True) if r[0]] == [
        ("Communication", None, 5000, 5000, 5000), ("Contribution ASTREES", None, 3000, 3000, 3000)]

    # every column wide enough for its longest word and its content
    assert partenaires.column_dimensions["B"].width >= len("Chambre de commerce et d'industrie de Meurthe-et-Moselle")
    assert lu["Dispositif"].column_dimensions["A"].width >= len("Objectif : nombre de projets")
    for lettre, entete in zip("ABCDEFGHIJKLMNOPQ", entetes, strict=True):
        assert partenaires.column_dimensions[lettre].width >= max(len(m) for m in entete.split()), entete


def test_the_workbook_offers_drop_down_lists(classeur: Path) -> None:
    lu = load_workbook(classeur)
    partenaires = validations(lu["Partenaires"])
    assert liste(lu, partenaires["C2:C200"]) == ["entreprise", "collectivité", "organisme"]
    assert liste(lu, partenaires["D2:D200"]) == ["État"]
    assert liste(lu, partenaires["E2:E200"]) == ["Madame", "Monsieur"]
    dispositif = {lu["Dispositif"][r.split(":")[0].replace("B", "A")].value: f
                  for r, f in validations(lu["Dispositif"]).items()}
    assert liste(lu, dispositif["Nature"]) == ["création", "renouvellement"]
    assert {"2008", "2011"} <= set(liste(lu, dispositif["Modèle de clauses"]))
    departements = liste(lu, dispositif["Département"])
    assert len(departements) >= 101 and "Meurthe-et-Moselle" in departements and "Val-d'Oise" in departements
    assert liste(lu, validations(lu["Dépenses"])["A2:A200"]) == ["Communication", "Contribution ASTREES", "Autre"]


def test_the_help_sheet_explains_every_field(classeur: Path) -> None:
    aide = load_workbook(classeur)["Aide"]
    lignes = {(r[0], r[1]): (r[2], r[3]) for r in aide.iter_rows(min_row=4, values_only=True) if r[1]}
    assert lignes[("Partenaires", "Avances année 2")][0].startswith("Avances de l'année 2")
    assert lignes[("Dispositif", "Territoire couvert")][0].startswith("Une commune ou une intercommunalité par ligne")
    assert lignes[("Partenaires", "Catégorie")][1] == "au choix : entreprise, collectivité, organisme"
    assert lignes[("Opérateur", "SIRET")][1] == "14 chiffres"
    assert set(lignes) == {(f.nom, c.libelle) for f in (*FEUILLES, DEPENSES) for c in f.champs}
    assert "alize-docs generer" in aide["A1"].value


def test_the_empty_territory_template_holds_the_toulinois_example(tmp_path: Path, toulinois: Territoire) -> None:
    resultat = run_cli("modele-tableur", "--territoire", tmp_path / "dispositif.xlsx")
    assert resultat.returncode == 0 and "écrit" in resultat.stdout
    assert rubriques(load_workbook(tmp_path / "dispositif.xlsx")["Dispositif"])["Nom du dispositif"] == "Toulinois"
    assert load_model(Territoire, read_territory_workbook(tmp_path / "dispositif.xlsx")) == toulinois
    aide = run_cli("modele-tableur", "--aide").stdout
    assert "--territoire" in aide and "alize-docs modele-tableur --territoire dispositif.xlsx" in aide
    assert "alize-docs tableur toulinois.yaml -o toulinois.xlsx" in run_cli("tableur", "--aide").stdout


def test_an_invalid_yaml_file_writes_no_workbook(tmp_path: Path) -> None:
    mauvais = tmp_path / "t.yaml"
    mauvais.write_text(TERRITOIRE.read_text(encoding="utf-8").replace("categorie: organisme", "categorie: asso", 1),
                       encoding="utf-8")
    resultat = run_cli("tableur", mauvais, "-o", tmp_path / "t.xlsx")
    assert resultat.returncode == 1 and "Aucun classeur n'a été écrit." in resultat.stderr
    assert "Valeur « asso » non admise" in resultat.stderr and not (tmp_path / "t.xlsx").exists()


# --- valider, generer, lot ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_workbook_is_validated_and_generated_like_its_yaml_byte_for_byte(classeur: Path, tmp_path: Path) -> None:
    assert run_cli("valider", classeur).stdout == f"{classeur} : valide.\n"
    depuis_yaml = alize_docs.generate(TERRITOIRE, tmp_path / "yaml")
    depuis_classeur = alize_docs.generate(classeur, tmp_path / "classeur")
    assert [p.name for p in depuis_yaml] == [p.name for p in depuis_classeur]
    for a, b in zip(depuis_yaml, depuis_classeur, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    resultat = run_cli("generer", classeur, "-o", tmp_path / "cli")
    assert resultat.returncode == 0 and "convention-partenariat-toulinois.docx" in resultat.stdout


def _edit(chemin: Path, changements: dict[tuple[str, str], Any]) -> Path:
    lu = load_workbook(chemin)
    for (feuille, cellule), valeur in changements.items():
        lu[feuille][cellule] = valeur
    lu.save(chemin)
    return chemin


def test_each_error_names_its_sheet_row_and_column(classeur: Path) -> None:
    _edit(classeur, {("Partenaires", "J7"): "15.000", ("Partenaires", "G3"): None, ("Partenaires", "C4"): "asso",
                     ("Dispositif", "A5"): "Zone d'emplo", ("Dépenses", "C3"): "beaucoup"})
    resultat = run_cli("valider", classeur)
    assert resultat.returncode == 1
    assert resultat.stdout.splitlines()[1:] == [
        "  - [unknown-key] Dispositif, ligne 5 (Zone d'emplo) : Rubrique inconnue « Zone d'emplo » : vouliez-vous "
        "dire « Zone d'emploi » ?",
        "  - [missing] Dispositif, rubrique « Zone d'emploi » (absente) : Ce champ est obligatoire.",
        "  - [missing] Partenaires, ligne 3, colonne Signataire : nom : Ce champ est obligatoire.",
        "  - [choice] Partenaires, ligne 4, colonne Catégorie : Valeur « asso » non admise : au choix : entreprise, "
        "collectivité, organisme.",
        "  - [amount] Partenaires, ligne 7, colonne Avances année 2 : « 15.000 » est ambigu : séparez les milliers "
        "par une espace (15 000) et les centimes par une virgule (15,50).",
        "  - [amount] Dépenses, ligne 3, colonne Montant année 1 : « beaucoup » n'est pas un montant lisible : "
        "écrivez par exemple 15 000 ou 15 000,50."]
    probleme = json.loads(run_cli("valider", "--json", classeur).stdout)["problemes"][4]
    assert probleme["lieu"] == "Partenaires, ligne 7, colonne Avances année 2" and probleme["ligne"] == 7
    assert probleme["champ"] == "partenaires[5].apports.avances[1]"


def test_a_rule_broken_in_a_workbook_names_its_row(classeur: Path) -> None:
    _edit(classeur, {("Financeurs", "B11"): 1_000_000})
    rapport = alize_docs.check_file(classeur)
    assert [(p.code, p.lieu) for p in rapport.problemes] == [
        ("cdc-cap", "Financeurs, ligne 11 (CDC : avances année 1)")]
    assert "dépasse 20\u202f% du total des dotations privées et publiques" in rapport.text()


def test_what_a_person_types_in_calc_is_read_as_meant(classeur: Path, toulinois: Territoire) -> None:
    _edit(classeur, {("Dispositif", "B4"): "Renouvellement", ("Dispositif", "B10"): "Le contexte.",
                     ("Dispositif", "B11"): "Vingt PME aidées.", ("Partenaires", "I2"): "40 000,50 €",
                     ("Partenaires", "C2"): "Entreprise", ("Opérateur", "B4"): 39017425810008,
                     ("Dispositif", "B18"): "26/11/2010", ("Partenaires", "O2"): 30.0})
    territoire = load_model(Territoire, read_territory_workbook(classeur))
    assert territoire.dispositif.nature == "renouvellement"
    assert territoire.dispositif.premiers_resultats == "Vingt PME aidées."
    assert territoire.partenaires[0].apports.avances == [Decimal("40000.50"), 30000, 30000]
    assert territoire.operateur.siret == "39017425810008" and territoire.signature == toulinois.signature


def test_a_cooperation_workbook_given_to_generer_says_to_use_lot(tmp_path: Path) -> None:
    write_template(tmp_path / "conventions.xlsx")
    resultat = run_cli("generer", tmp_path / "conventions.xlsx", "-o", tmp_path / "out")
    assert resultat.returncode == 1
    assert (f"conventions.xlsx est un classeur de conventions de coopération (une par ligne) : produisez-les avec "
            f"« alize-docs lot {tmp_path / 'conventions.xlsx'} -o DOSSIER »") in resultat.stderr


@pytest.mark.slow
def test_a_batch_folder_reads_territory_and_cooperation_workbooks(tmp_path: Path, classeur: Path) -> None:
    reseau = tmp_path / "reseau"
    (reseau / "toul").mkdir(parents=True)
    shutil.copy(classeur, reseau / "toul" / "toulinois.xlsx")
    shutil.copy(TERRITOIRE, reseau / "toul" / "toulinois.yaml")  # the agreements' territory
    write_template(reseau / "toul" / "conventions.xlsx")
    (reseau / "toul" / "~$conventions.xlsx").write_bytes(b"lock")  # Excel's lock file: not an item
    rapport = run_batch(reseau, tmp_path / "sortie", jobs=1)
    sources = sorted(Path(r.source).name for r in rapport.resultats)
    assert sources == ["conventions.xlsx, ligne 2", "toulinois.xlsx", "toulinois.yaml"]
    # the workbook and the YAML file write the same documents: refused together, as any collision
    assert {r.source.rsplit("/", 1)[-1]: r.statut for r in rapport.resultats} == {
        "conventions.xlsx, ligne 2": "écrit", "toulinois.xlsx": "invalide", "toulinois.yaml": "invalide"}
    (reseau / "toul" / "toulinois.yaml").rename(reseau / "toul" / "toulinois.yml.bak")
    (reseau / "toul" / "conventions.xlsx").unlink()
    rapport = run_batch(reseau, tmp_path / "sortie2", jobs=1)
    assert rapport.ok and rapport.resultats[0].source == str(reseau / "toul" / "toulinois.xlsx")
    assert "convention-partenariat-toulinois.docx" in " ".join(rapport.resultats[0].fichiers)


def test_a_cooperation_file_may_name_a_territory_workbook(tmp_path: Path, classeur: Path) -> None:
    cooperation = tmp_path / "cooperation.yaml"
    cooperation.write_text(COOPERATION.read_text(encoding="utf-8").replace("toulinois.yaml", classeur.name),
                           encoding="utf-8")
    assert alize_docs.check_file(cooperation).ok


def test_a_report_prints_the_cell_not_a_yaml_line() -> None:
    place = Probleme("amount", ("partenaires", 5), "Montant illisible.", 7, "Partenaires, ligne 7, colonne Nom")
    rapport = ValidationReport("t.xlsx", (place, Probleme("missing", ("modele",), "Obligatoire.", 3)))
    assert rapport.text().splitlines()[1:] == ["  - [amount] Partenaires, ligne 7, colonne Nom : Montant illisible.",
                                               "  - [missing] ligne 3, modele : Obligatoire."]
    assert "lieu" not in json.loads(rapport.as_json())["problemes"][1]


# --- round trip ----------------------------------------------------------------------------------------------

_texte = st.text(st.sampled_from("abcdeéèêàçôÉÀ' -’ŒœXYZ"), min_size=1, max_size=20).map(str.strip).filter(bool)
_montant = st.one_of(st.integers(0, 900_000).map(Decimal),
                     st.integers(0, 90_000_000).map(lambda c: Decimal(c).scaleb(-2)).filter(
                         lambda d: d != d.to_integral_value()))
_annees = st.one_of(st.none(), st.lists(_montant, min_size=3, max_size=3))


@st.composite
def territoires(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    donnees = json.loads(json.dumps(base))
    partenaires = []
    for i in range(draw(st.integers(1, 8))):
        categorie = draw(st.sampled_from(["entreprise", "collectivite", "organisme"]))
        partenaire: dict[str, Any] = {"id": f"p{i}", "nom": draw(_texte), "categorie": categorie}
        if draw(st.booleans()):
            partenaire["represente_par"] = "etat"
        else:
            partenaire["signataire"] = {"civilite": draw(st.sampled_from(["Madame", "Monsieur"])),
                                        "prenom": draw(_texte), "nom": draw(_texte)}
            if draw(st.booleans()):
                partenaire["signataire"]["qualite"] = draw(_texte)
        apports = {cle: draw(_annees) for cle in ("avances", "fonctionnement")}
        apports["jours"] = draw(st.one_of(st.none(), st.lists(st.integers(0, 99), min_size=3, max_size=3)))
        partenaire["apports"] = {k: [str(v) for v in vs] for k, vs in apports.items() if vs is not None}
        partenaires.append(partenaire)
    donnees["partenaires"] = partenaires
    donnees["dispositif"]["nom"] = draw(_texte)
    donnees["dispositif"]["territoire"] = draw(st.lists(_texte, min_size=1, max_size=3))
    donnees["cdc"]["apports"]["avances"] = [str(m) for m in draw(st.lists(_montant, min_size=3, max_size=3))]
    donnees["comite_agrement"]["plafond_avance"] = str(draw(_montant))
    donnees["depenses_fonctionnement"]["autres"] = [
        {"libelle": draw(_texte), "montants": [str(m) for m in draw(st.lists(_montant, min_size=3, max_size=3))]}
        for _ in range(draw(st.integers(0, 2)))]
    return donnees


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_territory_comes_back_from_its_workbook_as_the_same_model(tmp_path_factory: pytest.TempPathFactory,
                                                                      data: st.DataObject) -> None:
    base = alize_docs.load_territoire(TERRITOIRE).model_dump(mode="json")
    territoire = Territoire.model_validate(data.draw(territoires(base)))
    chemin = tmp_path_factory.mktemp("rt") / "t.xlsx"
    write_territory_workbook(territoire, chemin)
    relu = load_model(Territoire, read_territory_workbook(chemin))
    assert relu.model_dump_json() == territoire.model_dump_json()  # the documents' input digest: same bytes


def test_cents_accents_and_apostrophes_give_the_same_documents(tmp_path: Path, toulinois: Territoire) -> None:
    donnees = toulinois.model_dump(mode="json")
    donnees["partenaires"][1]["nom"] = "L'Œuvre d’Épinal « Côté »"
    donnees["partenaires"][1]["apports"]["avances"] = ["10000.50", "9999.99", "10000"]
    donnees["depenses_fonctionnement"]["communication"] = ["4998.95", "5000", "4998"]
    donnees["depenses_fonctionnement"]["autres"] = [{"libelle": "Études", "montants": ["1.05", "0", "2"]}]
    territoire = Territoire.model_validate(donnees)
    dossier = alize_docs.Dossier(tmp_path / "t.xlsx", territoire)
    (tmp_path / "t.xlsx").write_bytes(territory_workbook(territoire))
    relu = load_model(Territoire, read_territory_workbook(tmp_path / "t.xlsx"))
    assert alize_docs.render_documents(alize_docs.Dossier(tmp_path / "t.xlsx", relu)) == \
        alize_docs.render_documents(dossier)


# --- what LibreOffice Calc saves -----------------------------------------------------------------------------

def _calc(libreoffice: str, classeur: Path, format_: str, tmp_path: Path) -> Path:
    sortie = tmp_path / f"calc-{format_}"
    subprocess.run([libreoffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless",
                    "--norestore", "--convert-to", format_, "--outdir", str(sortie), str(classeur)],
                   check=True, capture_output=True, timeout=120)
    return sortie / f"{classeur.stem}.{format_}"


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_calc_is_accepted(libreoffice: str, classeur: Path, tmp_path: Path,
                                                          toulinois: Territoire) -> None:
    _edit(classeur, {("Partenaires", "J7"): 5000.5})
    ods = _calc(libreoffice, classeur, "ods", tmp_path)
    xlsx = _calc(libreoffice, ods, "xlsx", tmp_path)  # saved by Calc, from its own file
    attendu = toulinois.model_dump(mode="json")
    attendu["partenaires"][5]["apports"]["avances"][1] = "5000.50"
    for chemin in (ods, xlsx):
        relu = load_model(Territoire, read_territory_workbook(chemin))
        assert relu == Territoire.model_validate(attendu), chemin.name
    _edit(xlsx, {("Partenaires", "J7"): "15.000"})
    assert "Partenaires, ligne 7, colonne Avances année 2 : « 15.000 » est ambigu" in run_cli("valider", xlsx).stdout


@pytest.mark.slow
def test_a_real_ods_file_is_accepted(libreoffice: str, classeur: Path, tmp_path: Path) -> None:
    ods = _calc(libreoffice, classeur, "ods", tmp_path)
    resultat = run_cli("generer", ods, "-o", tmp_path / "out")
    assert resultat.returncode == 0, resultat.stderr
    texte = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / "convention-partenariat-toulinois.docx"))
                      .paragraphs)
    assert "Toulinois" in texte


# --- the cooperation workbook ----------------------------------------------------------------------------------

def test_the_cooperation_template_speaks_french_with_drop_downs(tmp_path: Path) -> None:
    write_template(tmp_path / "c.xlsx")
    lu = load_workbook(tmp_path / "c.xlsx")
    feuille = lu["Conventions"]
    entetes = [c.value for c in feuille[1]]
    assert "Raison sociale" in entetes and "SIREN" in entetes and "Appui 1, intervenant : civilité" in entetes
    assert not any("." in e or "_" in e for e in entetes)  # no YAML paths any more
    assert {"Prêt bonifié : partenaire", "Prêt bonifié : montant", "Prêt bonifié : conditions",
            "Avance : taux (%)", "Avance : garantie"} <= set(entetes)
    colonne = {e: get_column_letter(i) for i, e in enumerate(entetes, 1)}
    listes = validations(feuille)
    assert listes[f"{colonne['Dirigeant : civilité']}2:{colonne['Dirigeant : civilité']}1000"] == '"Madame,Monsieur"'
    assert listes[f"{colonne['Avance : périodicité']}2:{colonne['Avance : périodicité']}1000"] == \
        '"mensuelle,trimestrielle"'
    domaines = listes[f"{colonne['Appui 1 : domaine']}2:{colonne['Appui 1 : domaine']}1000"]
    assert "achats" in domaines and "ressources humaines" in domaines and "gestion-finance" in domaines
    assert feuille[f"{colonne['Avance : montant']}2"].number_format == '#,##0.00 "€"'
    assert feuille[f"{colonne['Date de signature']}2"].number_format == "DD/MM/YYYY"
    assert feuille.column_dimensions[colonne["Raison sociale"]].width >= len("Menuiseries du Toulois")
    assert feuille.freeze_panes == "B2"


def test_a_cooperation_workbook_with_old_headers_or_optional_fields_is_read(tmp_path: Path) -> None:
    shutil.copy(TERRITOIRE, tmp_path / "toulinois.yaml")
    write_template(tmp_path / "nouveau.xlsx")
    lu = load_workbook(tmp_path / "nouveau.xlsx")
    feuille = lu["Conventions"]
    entetes = [c.value for c in feuille[1]]
    feuille.cell(2, entetes.index("Prêt bonifié : partenaire") + 1, "cc-toulinois")
    feuille.cell(2, entetes.index("Prêt bonifié : montant") + 1, 30000)
    feuille.cell(2, entetes.index("Prêt bonifié : conditions") + 1, "à taux zéro sur cinq ans")
    feuille.cell(2, entetes.index("Avance : taux (%)") + 1, 0)
    lu.save(tmp_path / "nouveau.xlsx")
    for i, colonne in enumerate(COLONNES, 1):  # the same workbook as an earlier template wrote it
        feuille.cell(1, i, colonne.chemin)
    lu.save(tmp_path / "ancien.xlsx")
    for nom in ("nouveau.xlsx", "ancien.xlsx"):
        (ligne,) = read_workbook(tmp_path / nom)
        assert ligne.donnees.problemes == []
        assert ligne.donnees.data["pret_bonifie"] == {"partenaire": "cc-toulinois", "montant": "30000",
                                                      "description": "à taux zéro sur cinq ans"}
        assert ligne.donnees.data["avance_remboursable"]["taux"] == "0"
        assert ligne.donnees.data["beneficiaire"]["raison_sociale"] == "Menuiseries du Toulois"


def test_a_territory_with_more_than_three_years_is_refused_by_tableur(tmp_path: Path) -> None:
    quatre = tmp_path / "t.yaml"
    quatre.write_text(TERRITOIRE.read_text(encoding="utf-8").replace(
        "communication: [5000, 5000, 5000]", "communication: [5000, 5000, 5000, 5000]"), encoding="utf-8")
    resultat = run_cli("tableur", quatre, "-o", tmp_path / "t.xlsx")
    assert resultat.returncode == 1
    assert "4 années données : le classeur en prévoit trois (la durée d'une convention)." in resultat.stderr


def _cooperation_workbook(tmp_path: Path) -> Path:
    """The cooperation template with its example row, beside a copy of the territory it names."""
    shutil.copy(TERRITOIRE, tmp_path / TERRITOIRE.name)
    write_template(tmp_path / "conventions.xlsx")
    return tmp_path / "conventions.xlsx"


def test_valider_checks_every_row_of_a_cooperation_workbook_by_sheet_row_and_column(tmp_path: Path) -> None:
    chemin = _cooperation_workbook(tmp_path)
    lu = load_workbook(chemin)
    feuille = lu["Conventions"]
    entetes = [c.value for c in feuille[1]]
    for colonne, cellule in enumerate(feuille[2], 1):  # a second agreement, like the first but for its number
        feuille.cell(3, colonne, cellule.value)
    feuille.cell(3, entetes.index("Numéro de la convention") + 1, "TOUL-2011-004")
    feuille.cell(2, entetes.index("Numéro de la convention") + 1).value = None
    feuille.cell(3, entetes.index("SIREN") + 1, "12345678")
    lu.save(chemin)
    resultat = run_cli("valider", chemin)
    assert resultat.returncode == 1
    assert "Conventions, ligne 2, colonne Numéro de la convention : Ce champ est obligatoire." in resultat.stdout
    assert "Conventions, ligne 3, colonne SIREN" in resultat.stdout
    assert "2 problèmes" in resultat.stdout  # both rows in one report


@pytest.mark.slow
def test_a_cooperation_workbook_saved_as_ods_by_calc_gives_the_same_agreements(libreoffice: str,
                                                                               tmp_path: Path) -> None:
    xlsx = _cooperation_workbook(tmp_path)
    ods = _calc(libreoffice, xlsx, "ods", tmp_path)
    shutil.copy(TERRITOIRE, ods.parent / TERRITOIRE.name)
    assert run_cli("valider", ods).stdout.strip() == f"{ods} : valide."
    rapports = {}
    for chemin in (xlsx, ods):
        rapports[chemin.suffix] = run_batch(chemin, tmp_path / f"out{chemin.suffix}", jobs=1)
        assert rapports[chemin.suffix].ok, rapports[chemin.suffix].summary()
    octets = {s: sorted((tmp_path / f"out{s}").rglob("cooperation-*.docx"))[0].read_bytes() for s in (".xlsx", ".ods")}
    assert octets[".xlsx"] == octets[".ods"]
    texte = "\n".join(p.text for p in docx.Document(sorted((tmp_path / "out.ods").rglob("*.docx"))[0]).paragraphs)
    assert "Menuiseries du Toulois" in texte or "MENUISERIES DU TOULOIS" in texte.upper()
