"""Issue 17, sections 2 and 3: Annexe 2 is the whole cahier des charges, Annexe 1 states the CDC's cap on Article 4's
base, and the documents are typeset as French legal documents are. Everything is read back from the .docx with
python-docx, for both models: the bundled example (2008) and a 2011 territory of the Valenciennois signed at
Saint-Amand-les-Eaux, whose comité is presided by a woman of Orano La Hague and whose ASTREES and operator
representatives are women without a qualité."""

from __future__ import annotations

import copy
import io
import itertools
import re
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from pypdf import PdfReader

import alize_docs
from alize_docs.clauses.faits import faits_modele
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.domain.programme import MAJORITES
from alize_docs.inputs.yaml import read_yaml
from alize_docs.review.library_check import check_library

from .conftest import RACINE, TERRITOIRE, lisible

SEED_001 = RACINE / "tests" / "data" / "cahier-des-charges-seed-001.txt"  # copy of shared/seeds/001_…txt
MODELES = ("2008", "2011")
PAS_D_ESPACE = re.compile(r"(?<![\u00a0\u202f])[;?!]")


def _territoire_2011(dossier: Path) -> Path:
    data: dict[str, Any] = copy.deepcopy(read_yaml(TERRITOIRE).data)
    data["modele"] = "2011"
    data["signature"] = {"lieu": "Saint-Amand-les-Eaux", "date": "2012-03-15"}
    data["dispositif"].update({"zone_emploi": "Valenciennes", "departement": "Nord"})
    data["operateur"]["autorisation_direction_budget"] = "2012-01-10"
    data["operateur"]["representant"] = {"civilite": "Madame", "prenom": "Agnès", "nom": "Roux"}
    data["partenaires"][0]["nom"] = "Orano La Hague"
    dirigeante = {"civilite": "Madame", "prenom": "Claire", "nom": "Dubois", "qualite": "Directrice"}
    data["partenaires"][0]["signataire"] = dirigeante
    data["comite_agrement"]["president"] = {"partenaire": "side", **dirigeante}
    data["astrees"]["representant"] = {"civilite": "Madame", "prenom": "Marie", "nom": "Durand"}
    chemin = dossier / "valenciennois.yaml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return chemin


@pytest.fixture(scope="module")
def entrees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {"2008": TERRITOIRE, "2011": _territoire_2011(tmp_path_factory.mktemp("valenciennois"))}


@pytest.fixture(scope="module")
def documents(entrees: dict[str, Path]) -> dict[str, dict[str, docx.document.Document]]:
    """For each model: its convention and annexes, by kind (« convention », « annexe-1 », « annexe-2 »…)."""
    resultat = {}
    for modele, chemin in entrees.items():
        fichiers = alize_docs.render_documents(alize_docs.Dossier(chemin, alize_docs.load_territoire(chemin)))
        resultat[modele] = {"-".join(nom.split("-")[:2]).replace("-partenariat", ""): docx.Document(io.BytesIO(b))
                            for nom, b in fichiers.items() if not nom.startswith("dossier")}
    return resultat


def body(document: docx.document.Document) -> list[WordParagraph | WordTable]:
    """The body's paragraphs and tables, in order."""
    elements: list[WordParagraph | WordTable] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            elements.append(WordParagraph(element, document))
        elif element.tag == qn("w:tbl"):
            elements.append(WordTable(element, document))
    return elements


def texts(document: docx.document.Document) -> list[str]:
    """Every paragraph, table cell and header a reader sees, as printed (’ and no-break hyphens read back as -)."""
    lignes = [p.text for p in document.paragraphs]
    lignes += [c.text for t in document.tables for r in t.rows for c in r.cells]
    lignes += [p.text for s in document.sections for p in s.header.paragraphs + s.footer.paragraphs]
    return lignes


def text(document: docx.document.Document) -> str:
    return "\n".join(texts(document))


def headings(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


# --- Annexe 2: every section of its source ---------------------------------------------------------------------

@pytest.mark.parametrize("modele", MODELES)
def test_annex_2_has_the_two_missing_sections_and_the_organisation_table(
        documents: dict[str, dict[str, docx.document.Document]], modele: str) -> None:
    annexe = documents[modele]["annexe-2"]
    titres = headings(annexe)
    for titre in ["5. QUELLE EST LA VALEUR AJOUTÉE D’ALIZÉ®\u202f?",
                  "5.1 ALIZÉ®, facteur de développement sur le long terme",
                  "5.2 Les entreprises partenaires mobilisées sur un mode différent",
                  "5.3 ALIZÉ®, un programme de développement territorial",
                  "6. POURQUOI ALIZÉ® SÉDUIT LES ENTREPRISES\u202f?",
                  "6.1 La motivation des responsables de PME",
                  "6.2 La motivation des responsables de la grande entreprise"]:
        assert titre in titres
    contenu = text(annexe)
    for phrase in ["En optant pour le prêt, et non la subvention, ALIZÉ® offre l’opportunité de voir le fonds se "
                   "reconstituer sur le territoire",
                   "ALIZÉ® «\u00a0prend le relais\u00a0» des PFIL",
                   "l’enrichissement des compétences de leurs propres salariés",
                   "la reconnaissance de ses pairs."]:
        assert phrase in contenu
    assert len(" ".join(p.text for p in annexe.paragraphs).split()) > 2160  # the whole presentation, and more
    elements = body(annexe)
    [tableau] = [e for e in elements if isinstance(e, WordTable)]
    legende = elements[elements.index(tableau) - 1]
    assert isinstance(legende, WordParagraph) and legende.text == "L’organisation locale du programme ALIZÉ®"
    assert all(run.italic for run in legende.runs)
    assert [c.text for c in tableau.rows[0].cells] == ["Organe", "Qui le compose ou le porte", "Ce qu’il fait"]
    assert [round(c.width.cm, 1) for c in tableau.columns] == [3.6, 5.0, 7.4]  # « @largeurs 3,6 5 7,4 »
    assert [r.cells[0].text for r in tableau.rows[1:]] == [
        "Comité local de pilotage et d’évaluation", "Comité d’agrément", "Opérateur local", "Entreprises partenaires"]


def test_each_model_keeps_its_dated_facts(documents: dict[str, dict[str, docx.document.Document]]) -> None:
    ancien, nouveau = (text(documents[m]["annexe-2"]) for m in MODELES)
    assert "les territoires ALIZÉ® les plus anciens ont plus de dix ans d’existence" in ancien
    assert "16 territoires" not in ancien and "douze ans" not in ancien and "DATAR (Délégation" not in ancien
    assert "16 territoires ALIZÉ® ont au moins quatre ans d’existence, et les plus anciens affichent douze" in nouveau
    assert "DIACT" not in nouveau


def test_the_list_of_the_sources_headings_is_the_seeds() -> None:
    lignes = SEED_001.read_text(encoding="utf-8").splitlines()
    titres = [ligne.removeprefix("■").strip().strip("*").strip() for ligne in lignes if ligne.startswith("■")]
    schema = "L'organisation locale du programme ALIZÉ®"  # the diagram's title, a line without « ■ »
    assert schema in lignes
    titres.insert(titres.index("Principes et éthique"), schema)
    library = ClauseLibrary()
    for modele in MODELES:
        [couverture] = faits_modele(library, modele).couvertures
        assert couverture.document == "annexe-2-cahier-des-charges"
        assert [s.source for s in couverture.sections] == titres


@pytest.mark.slow
def test_the_library_check_finds_a_missing_section_and_another_majority(tmp_path: Path) -> None:
    for ident, version, ancien, nouveau in [
            ("annexe2/valeur-ajoutee", "2011", "### 5.2 Les entreprises partenaires mobilisées sur un mode différent\n",
             ""),
            ("annexe2/organisation-locale", "2011", "Il décide à la majorité des représentants d'entreprise présents",
             "Il décide à la majorité des 2/3 des membres présents")]:
        source = (bundled_path("clauses") / ident / f"{version}.txt").read_text(encoding="utf-8")
        assert ancien in source
        (tmp_path / ident).mkdir(parents=True)
        (tmp_path / ident / f"{version}.txt").write_text(source.replace(ancien, nouveau), encoding="utf-8")
    messages = [p.text() for p in check_library(ClauseLibrary([tmp_path]))]
    assert ("modeles@2011 : section « Les entreprises partenaires mobilisées sur un mode différent » de la source "
            "(Présentation « Fonctionnement et principes d'ALIZÉ® » (ASTREES, 2011 ; seed 001)) sans titre « Les "
            "entreprises partenaires mobilisées sur un mode différent » dans le document annexe-2-cahier-des-charges"
            ) in messages
    assert ("modeles@2011 : le document annexe-2-cahier-des-charges dit une autre majorité que celle du modèle "
            "(« à la majorité des 2/3 des membres présents » au lieu de « à la majorité des représentants "
            "d'entreprise présents »)") in messages
    assert not any("modeles@2008 : section" in m for m in messages)


@pytest.mark.parametrize("modele", MODELES)
def test_the_annex_states_its_models_majority_and_the_convention_prevails(
        documents: dict[str, dict[str, docx.document.Document]], modele: str) -> None:
    regle = lisible(MAJORITES["deux-tiers-des-presents" if modele == "2008" else "majorite-des-entreprises"])
    autre = next(lisible(m) for m in MAJORITES.values() if lisible(m) != regle)
    annexe, convention = (lisible(text(documents[modele][k])) for k in ("annexe-2", "convention"))
    assert f"Il décide {regle} des moyens humains et financiers" in annexe
    assert f"Il décide {regle} les moyens financiers et humains" in convention
    assert autre not in annexe and autre not in convention
    assert ("En cas de contradiction entre la présente convention et l'une de ses annexes, la présente convention "
            "prévaut.") in convention
    assert "En cas de contradiction entre le présent cahier des charges et la convention, la convention prévaut." \
        in annexe


# --- the source's errors, corrected -----------------------------------------------------------------------------

@pytest.mark.parametrize("modele", MODELES)
def test_the_sources_errors_are_corrected(documents: dict[str, dict[str, docx.document.Document]],
                                          modele: str) -> None:
    docs = documents[modele]
    annexe, convention = text(docs["annexe-2"]), text(docs["convention"])
    tout = "\n".join(text(d) for d in docs.values())
    assert "un fonds d’avances remboursables est constitué" in annexe
    assert "un fonds d’avances remboursables est constitué" in convention  # art. 6.2
    assert "un fond d’" not in tout and "un fond d'" not in tout
    assert "de réconforter dans les moments de doute" in annexe and "reconforter" not in annexe
    assert "À ce titre, elle a en charge" in annexe
    assert "Le programme «\u00a0ALIZÉ®\u00a0», Action Locale Interentreprises en Zones d’Emploi" in annexe
    assert '"' not in tout and "ALIZE " not in tout and "ALIZE®" not in tout and "Alizé" not in tout
    assert "(Action Locale Interentreprises en Zones d’Emploi)" in convention and "Inter-entreprises" not in tout
    assert "compte rendu" in annexe and "comptes rendus" in convention
    assert "compte-rendu" not in tout and "comptes-rendus" not in tout
    assert "Caisse des dépôts et consignations" in annexe and "Caisse des Dépôts" not in tout
    assert "Elles donnent lieu, en moyenne, à trois ou quatre rencontres." in annexe
    assert "Il est composé a minima des entreprises partenaires et de l’opérateur local." in annexe
    assert "en veillant à la cohérence et à la lisibilité des différentes interventions" in annexe
    assert "36 millions" in annexe or "33 millions" in annexe
    assert "à posteriori" not in tout
    for document in (docs["annexe-2"], docs["convention"]):
        latin = [r for p in document.paragraphs for r in p.runs if "posteriori" in r.text]
        assert latin and all(r.text.strip() == "a posteriori" and r.italic for r in latin)


# --- the typographic pass -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("modele", MODELES)
def test_apostrophes_spaces_and_hyphens_are_french(documents: dict[str, dict[str, docx.document.Document]],
                                                   modele: str) -> None:
    for nom, document in documents[modele].items():
        lignes = texts(document)
        assert not [ligne for ligne in lignes if "'" in ligne], nom
        assert not [ligne for ligne in lignes if PAS_D_ESPACE.search(ligne)], nom
        assert not [ligne for ligne in lignes if re.search(r"(?<![\u00a0\d]):(?!\d)", ligne)], nom
    annexe = text(documents[modele]["annexe-2"])
    if modele == "2008":
        assert "d’accompagner 1\u202f057 projets" in annexe and "représentant 7\u202f160 emplois" in annexe
    else:
        assert "d’accompagner 1\u202f300 projets" in annexe and "9\u202f000 emplois" in annexe
    convention = documents[modele]["convention"]
    # a user's name: only the glyph changes
    assert "L’entreprise Mécanique de l’Est SA, représentée par Monsieur Karim Benali" in text(convention)


def test_place_names_do_not_break_after_a_hyphen(documents: dict[str, dict[str, docx.document.Document]]) -> None:
    annexe = documents["2011"]["annexe-2"]
    [paragraphe] = [p for p in annexe.paragraphs if "Saint-Amand-les-Eaux" in p.text]
    assert "signée à Saint-Amand-les-Eaux le 15\u00a0mars 2012" in paragraphe.text  # the letters as typed
    assert len(paragraphe._p.findall(f".//{qn('w:noBreakHyphen')}")) == 3
    assert "Saint-Amand-" not in "".join(t.text or "" for t in paragraphe._p.iter(qn("w:t")))
    convention = documents["2008"]["convention"]
    [meurthe] = [p for p in convention.paragraphs
                 if p.text.startswith("La Chambre de commerce et d’industrie de Meurthe")]
    assert len(meurthe._p.findall(f".//{qn('w:noBreakHyphen')}")) == 2


# --- civilité ---------------------------------------------------------------------------------------------------

def test_the_civilite_reaches_every_noun(documents: dict[str, dict[str, docx.document.Document]]) -> None:
    convention = documents["2011"]["convention"]
    contenu = text(convention)
    assert "Madame Claire Dubois, Directrice, représentante d’Orano La Hague" in contenu
    assert "représentée par Madame Marie Durand, représentante d’ASTREES," in contenu
    assert "Madame Agnès Roux, sa représentante légale" in contenu
    blocs = {c.text.split("\n")[0]: c.text.split("\n")[1:3] for t in convention.tables for r in t.rows
             for c in r.cells if c.text.strip()}
    assert blocs["Pour l’Association Travail Emploi Europe Société (ASTREES)"] == ["Madame Marie Durand",
                                                                                   "Représentante d’ASTREES"]
    assert blocs["Pour Parole d’entreprises, opérateur local"] == ["Madame Agnès Roux", "Représentante légale"]
    assert "représentant d’ASTREES" not in contenu and "son représentant légal" not in contenu


# --- Annexe 1: the CDC's cap on one base --------------------------------------------------------------------------

@pytest.mark.parametrize("modele", MODELES)
def test_the_cdc_cap_has_one_base_worded_alike(documents: dict[str, dict[str, docx.document.Document]],
                                               modele: str) -> None:
    annexe, convention = (text(documents[modele][k]) for k in ("annexe-1", "convention"))
    meme = ("s’élève à cent vingt mille euros (120\u202f000\u00a0€), soit 16\u202f% du total des dotations privées "
            "et publiques des autres partenaires au fonds d’avances remboursables, qui s’élève à sept cent cinquante "
            "mille euros (750\u202f000\u00a0€)")
    assert meme in annexe and meme in convention
    limite = "dans la limite de 20\u202f% du total des dotations privées et publiques des autres partenaires."
    assert limite in annexe and limite in convention
    assert "18,1" not in annexe and "dotation de la CDC comprise" not in annexe + convention


def test_the_rule_and_the_annex_compute_the_cap_on_the_same_base(tmp_path: Path) -> None:
    data: dict[str, Any] = copy.deepcopy(read_yaml(TERRITOIRE).data)
    data["cdc"]["apports"]["avances"] = ["50000", "50000", "50000"]  # 150 000 €: 20 % of 750 000 €
    chemin = tmp_path / "territoire.yaml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    fichiers = alize_docs.render_documents(alize_docs.Dossier(chemin, alize_docs.load_territoire(chemin)))
    annexe = text(docx.Document(io.BytesIO(fichiers["annexe-1-budget-toulinois.docx"])))
    assert ("soit 20\u202f% du total des dotations privées et publiques des autres partenaires au fonds d’avances "
            "remboursables, qui s’élève à sept cent cinquante mille euros (750\u202f000\u00a0€)") in annexe
    data["cdc"]["apports"]["avances"] = ["50000", "50000", "50000.01"]
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [probleme] = alize_docs.check_file(chemin).problemes
    assert probleme.code == "cdc-cap" and probleme.message == (
        "La dotation de la CDC (150\u202f000,01\u00a0€) dépasse 20\u202f% du total des dotations privées et publiques "
        "des autres partenaires au fonds d'avances remboursables (150\u202f000\u00a0€, soit 20\u202f% de "
        "750\u202f000\u00a0€, article 4) : elle peut être au plus de 150\u202f000\u00a0€.")


# --- Annexe 1: tables with captions, no nested parentheses, no repeated header --------------------------------------

@pytest.mark.parametrize("modele", MODELES)
def test_annex_1_tables_have_captions_and_no_header_repeats_its_row(
        documents: dict[str, dict[str, docx.document.Document]], modele: str) -> None:
    annexe = documents[modele]["annexe-1"]
    elements = body(annexe)
    tableaux = [e for e in elements if isinstance(e, WordTable)]
    legendes = [elements[elements.index(t) - 1] for t in tableaux]
    assert [p.text for p in legendes if isinstance(p, WordParagraph)] == [
        "Tableau 1 — Dotations au fonds d’avances remboursables",
        "Tableau 2 — Ressources et emplois du compte de fonctionnement",
        "Tableau 3 — Jours d’intervention des entreprises partenaires et leur valorisation",
        "Tableau 4 — Synthèse du budget prévisionnel par catégorie de partenaires, sur la durée de la convention",
        "Tableau 5 — Synthèse annuelle du budget prévisionnel"]
    annuel = tableaux[4]
    legende, titre = elements[elements.index(annuel) - 1], elements[elements.index(annuel) - 2]
    assert isinstance(titre, WordParagraph) and titre.text == "4.2 Par année" and titre.style.name == "Heading 2"
    for paragraphe in (titre, legende):
        assert isinstance(paragraphe, WordParagraph)
        assert paragraphe.paragraph_format.keep_with_next or paragraphe.style.paragraph_format.keep_with_next
    premiers = [r.cells[0].text for r in tableaux[0].rows]
    assert not [a for a, b in itertools.pairwise(premiers) if a == b]
    assert not [a for a, b in itertools.pairwise(premiers) if b.startswith(a) and a in (
        "État", "Caisse des dépôts et consignations")]
    assert not re.search(r"\([^()]*\(", " ".join(p.text for p in annexe.paragraphs))


def test_the_yearly_table_keeps_with_its_heading_in_libreoffice(libreoffice: str, entrees: dict[str, Path],
                                                                tmp_path: Path) -> None:
    for modele, chemin in entrees.items():
        sortie = tmp_path / modele
        [annexe] = [p for p in alize_docs.generate(chemin, sortie) if p.name.startswith("annexe-1")]
        subprocess.run([libreoffice, f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(sortie), str(annexe)], check=True,
                       capture_output=True, timeout=180, start_new_session=True)
        pages = [lisible(p.extract_text()) for p in PdfReader(str(annexe.with_suffix(".pdf"))).pages]
        [page] = [p for p in pages if "Tableau 5" in p]
        assert "4.2 Par année" in page and "Total général" in page and "Poste" in page
