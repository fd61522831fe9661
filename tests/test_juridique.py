"""Legal coherence (issue 12 §2): who signs what, on which accounts, under which model, quoting what.

Each test reads the text a signatory reads: the documents are generated into a temporary folder and read back
from the .docx files.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import alize_docs
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.review.library_check import check_library

from .conftest import FIXTURES, docx_text, run_cli, set_path

CCI = "Chambre de commerce et d'industrie de Meurthe-et-Moselle"


def plat(texte: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", texte)


def textes(chemins: list[Path]) -> dict[str, str]:
    """Each generated document's text, by the start of its file name (« convention-partenariat », « annexe-3 »…)."""
    return {"-".join(c.stem.split("-")[:2]): plat(docx_text(c.read_bytes())) for c in chemins
            if c.suffix == ".docx"}


def signature_blocks(texte: str, debut: str) -> int:
    """How many signature blocks begin with *debut* (each block's first line opens with « Pour »)."""
    return texte.count(debut)


@pytest.fixture
def cci_operateur(territoire_data: dict[str, Any]) -> dict[str, Any]:
    """The example territory whose operator is its partner the CCI (the usual case)."""
    set_path(territoire_data, "operateur.nom", CCI)
    set_path(territoire_data, "operateur.forme", "établissement public administratif")
    set_path(territoire_data, "operateur.adresse", "3 rue du Grand Verger, 54000 Nancy")
    set_path(territoire_data, "operateur.representant",
             {"civilite": "Monsieur", "prenom": "Philippe", "nom": "Henry", "qualite": "Président"})
    set_path(territoire_data, "operateur.partenaire", "cci-54")
    return territoire_data


def generer(data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> dict[str, str]:
    return textes(alize_docs.generate(write_yaml(data), tmp_path / "out"))


# --- Annexe 3: the operator that is also a partner, what a lawyer looks for, « Fait à … en N exemplaires » ----

def test_the_examples_are_accepted_unchanged() -> None:
    for exemple in ("toulinois.yaml", "cooperation-menuiseries-du-toulois.yaml"):
        rapport = alize_docs.check_file(FIXTURES / exemple)
        assert rapport.ok and not rapport.problemes, rapport.text()


def test_an_operator_that_is_a_partner_signs_once_as_the_operator(
        cci_operateur: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    docs = generer(cci_operateur, write_yaml, tmp_path)
    for nom in ("convention-partenariat", "annexe-3"):
        texte = docs[nom]
        assert signature_blocks(texte, f"Pour la {CCI}") == 1, nom
        assert f"Pour la {CCI}, partenaire et opérateur local" in texte
    annexe = docs["annexe-3"]
    assert (f"La {CCI}, également partenaire d'ALIZÉ® Toulinois, signe la présente convention une seule fois, en "
            "qualité d'opérateur local ; ses engagements de partenaire, prévus par la convention de partenariat, "
            "demeurent.") in annexe
    assert "également partenaire, qui signe la présente convention une seule fois" in docs["convention-partenariat"]
    # nine signing parties: 2 companies… 3 companies, 2 collectivités, the État, the CDC, ASTREES, the operator
    assert "Fait à Nancy, le 26 novembre 2010, en neuf (9) exemplaires originaux" in annexe


def test_an_operator_named_as_a_partner_must_say_it_is_that_partner(
        cci_operateur: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(cci_operateur, "operateur.partenaire", None)
    rapport = alize_docs.check_file(write_yaml(cci_operateur))
    assert [(p.code, p.champ) for p in rapport.problemes] == [("signatories", "operateur.partenaire")]
    assert "partenaire: cci-54" in rapport.problemes[0].message
    set_path(cci_operateur, "operateur.partenaire", "side")
    rapport = alize_docs.check_file(write_yaml(cci_operateur))
    assert [(p.code, p.champ) for p in rapport.problemes] == [("signatories", "operateur.partenaire")]


def test_annex_3_says_what_survives_termination_liability_and_disputes(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    annexe = generer(territoire_data, write_yaml, tmp_path)["annexe-3"]
    for titre in ("ARTICLE 10 : RÉSILIATION ET REMPLACEMENT DE L'OPÉRATEUR LOCAL", "ARTICLE 11 : RESPONSABILITÉ",
                  "ARTICLE 12 : RÈGLEMENT DES DIFFÉRENDS"):
        assert titre in annexe
    assert "relatives au suivi et au recouvrement des avances en cours (article 4.4)" in annexe
    assert "survivent à la fin de la présente convention" in annexe
    assert "que les partenaires désignent par avenant à la convention de partenariat" in annexe
    assert "L'opérateur sortant transfère alors au nouvel opérateur local les soldes des deux comptes" in annexe
    assert "l'opérateur local ne répond pas du défaut de remboursement d'un bénéficiaire" in annexe
    assert "le différend est porté devant la juridiction compétente" in annexe


def test_every_convention_ends_with_the_number_of_originals(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    docs = generer(territoire_data, write_yaml, tmp_path)
    for nom in ("convention-partenariat", "annexe-3"):
        assert "Fait à Nancy, le 26 novembre 2010, en dix (10) exemplaires originaux, un pour chaque partie " \
               "signataire." in docs[nom]
        assert docs[nom].count("Pour ") - docs[nom].count("Pour l'opérateur local,") >= 9


# --- Accounts in the operator's name, assigned to ALIZÉ® X ---------------------------------------------------

def test_accounts_are_opened_in_the_operators_name(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    docs = generer(territoire_data, write_yaml, tmp_path)
    convention, annexe = docs["convention-partenariat"], docs["annexe-3"]
    assert "au nom d'ALIZÉ" not in convention and "au nom d'ALIZÉ" not in annexe
    assert ("Ces comptes sont ouverts au nom de Parole d'entreprises, opérateur local, et affectés exclusivement "
            "à ALIZÉ® Toulinois") in convention
    assert "L'opérateur local ouvre et tient en son nom deux comptes distincts, affectés exclusivement à " \
           "ALIZÉ® Toulinois" in annexe


# --- The cooperation agreement: the operator lends from the fund it manages and signs -------------------------

def test_the_operator_signs_the_cooperation_agreement_as_manager_of_the_fund(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "toulinois.yaml", tmp_path / "toulinois.yaml")
    shutil.copy(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path / "accord.yaml")
    [accord] = [plat(docx_text(c.read_bytes())) for c in alize_docs.generate(tmp_path / "accord.yaml",
                                                                               tmp_path / "out")]
    assert ("Parole d'entreprises, opérateur local d'ALIZÉ® Toulinois, en qualité de gestionnaire du fonds "
            "d'avances remboursables d'ALIZÉ® Toulinois, représentée par Monsieur Luc Bertin, Président") in accord
    assert "en présence de Parole d'entreprises" not in accord
    assert ("L'avance est consentie par l'opérateur local, Parole d'entreprises, au moyen du fonds d'avances "
            "remboursables d'ALIZÉ® Toulinois dont il tient le compte : il la verse au bénéficiaire par débit de ce "
            "compte et en recouvre les remboursements. Le bénéficiaire est seul tenu de la rembourser.") in accord
    assert "au compte du fonds d'avances remboursables ouvert au nom de l'opérateur local (" in accord
    assert "Pour Parole d'entreprises, opérateur local, gestionnaire du fonds d'avances remboursables" in accord
    assert "le comité d'agrément d'ALIZÉ® Toulinois, représenté par" not in accord
    assert "en cinq (5) exemplaires originaux" in accord  # the SME, the president, two companies, the operator


# --- ASTREES's contribution: one reading, stated in Annexe 1 ------------------------------------------------

def test_annex_1_states_how_the_calendar_year_of_article_7_is_read(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    docs = generer(territoire_data, write_yaml, tmp_path)
    budget = docs["annexe-1"]
    assert "Les années s'entendent par période de douze mois à compter de la date de signature" in budget
    assert ("Note. L'article 7 de la convention fixe la contribution à ASTREES à « 3 000 euros d'ALIZÉ® Toulinois "
            "par année de convention (période de douze mois courant à compter de sa signature), soit 9 000 euros "
            "pour la période totale de la convention », comptée comme dans le présent budget : 3 000 euros pour "
            "chacune des trois années de la convention") in budget
    assert "année 1 : du 26 novembre 2010 au 25 novembre 2011" in budget
    assert "année 3 : du 26 novembre 2012 au 25 novembre 2013), soit 9 000 euros au total" in budget
    assert "3 000 euros pour chacune des trois années de la convention de partenariat, comptées par période de " \
           "douze mois" in docs["annexe-3"]


# --- Models and dates -------------------------------------------------------------------------------------

def test_a_model_signed_outside_its_period_is_refused(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any]) -> None:
    set_path(territoire_data, "signature.date", "2017-03-01")
    rapport = alize_docs.check_file(write_yaml(territoire_data))
    assert not rapport.ok and [(p.code, p.champ) for p in rapport.problemes] == [("model", "modele")]
    assert "Le modèle « 2008 » se signe du 1er septembre 2008 au 31 décembre 2010" in rapport.problemes[0].message
    assert "modele_impose: true" in rapport.problemes[0].message


def test_the_2011_model_is_not_signed_before_its_results(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any]) -> None:
    set_path(territoire_data, "modele", "2011")  # signed on 26 November 2010, it would cite results at 31/12/2010
    rapport = alize_docs.check_file(write_yaml(territoire_data))
    assert [(p.code, p.gravite) for p in rapport.problemes] == [("model", "erreur")]
    message = rapport.problemes[0].message
    assert "du 1er janvier 2011 au 31 décembre 2013" in message and "Choisissez le modèle « 2008 »" in message


def test_a_model_asked_for_explicitly_outside_its_period_is_a_warning(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    set_path(territoire_data, "signature.date", "2017-03-01")
    territoire_data["modele_impose"] = True
    chemin = write_yaml(territoire_data)
    rapport = alize_docs.check_file(chemin)
    assert rapport.ok and [(p.code, p.gravite) for p in rapport.problemes] == [("model", "avertissement")]
    assert "avertissement model" in rapport.text()
    assert alize_docs.generate(chemin, tmp_path / "out")  # a warning does not block
    resultat = run_cli("valider", str(chemin))
    assert resultat.returncode == 0 and "1 avertissement" in resultat.stdout
    assert "se signe du 1er septembre 2008" in resultat.stdout


def test_the_2011_model_no_longer_names_the_diact(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    set_path(territoire_data, "modele", "2011")
    set_path(territoire_data, "signature.date", "2011-06-30")
    docs = generer(territoire_data, write_yaml, tmp_path)
    assert all("DIACT" not in texte for texte in docs.values())
    assert "La DATAR et la CDC ont, dans le cadre de conventions triennales avec ASTREES" in \
        docs["convention-partenariat"]


def _library_with(tmp_path: Path, nom: str, ancien: str, nouveau: str) -> ClauseLibrary:
    modele = (bundled_path("clauses") / "modeles" / f"{nom}.yaml").read_text(encoding="utf-8")
    assert ancien in modele
    (tmp_path / "modeles").mkdir()
    (tmp_path / "modeles" / f"{nom}.yaml").write_text(modele.replace(ancien, nouveau), encoding="utf-8")
    return ClauseLibrary([tmp_path])


@pytest.mark.slow
def test_the_library_check_refuses_a_dated_fact_after_the_period_start(tmp_path: Path) -> None:
    library = _library_with(tmp_path, "2008", "debut: 2008-09-01", "debut: 2008-01-01")
    messages = [p.text() for p in check_library(library)]
    assert any("« au 1er septembre 2008, de vingt dispositifs » (2008-09-01) postérieur au début" in m
               for m in messages), messages


def test_the_library_check_finds_each_dated_fact_in_the_text(tmp_path: Path) -> None:
    library = _library_with(tmp_path, "2011", '{texte: "Au 31 décembre 2010, ALIZÉ® a permis"',
                            '{texte: "Au 31 décembre 2011, ALIZÉ® a permis"')
    assert any("fait daté absent du texte du modèle : « Au 31 décembre 2011" in p.text()
               for p in check_library(library))


# --- Cross-references between documents -------------------------------------------------------------------

def test_annex_2_states_the_principle_article_4_quotes(
        write_yaml: Callable[..., Path], territoire_data: dict[str, Any], tmp_path: Path) -> None:
    docs = generer(territoire_data, write_yaml, tmp_path)
    citation = "accompagner les bénéficiaires de façon rapide"
    assert f"« {citation} » (cahier des charges – Annexe 2)" in docs["convention-partenariat"]
    assert "4.3 Accompagner les bénéficiaires de façon rapide" in docs["annexe-2"]
    assert f"ALIZÉ® a pour principe d'{citation}. La rapidité d'exécution des décisions" in docs["annexe-2"]


@pytest.mark.slow
def test_the_library_check_finds_each_quotation_on_both_sides(tmp_path: Path) -> None:
    library = _library_with(tmp_path, "2008", 'texte: "accompagner les bénéficiaires de façon rapide"',
                            'texte: "accompagner les bénéficiaires sans délai"')
    messages = [p.text() for p in check_library(library)]
    assert "modeles@2008 : citation « accompagner les bénéficiaires sans délai » absente du document " \
           "convention-partenariat (qui la cite)" in messages
    assert "modeles@2008 : citation « accompagner les bénéficiaires sans délai » absente du document " \
           "annexe-2-cahier-des-charges (qu'elle cite)" in messages
    assert not check_library(ClauseLibrary())
