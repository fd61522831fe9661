"""The cooperation agreement: the example read back from Word, and every SME rule refusing a bad input."""

from __future__ import annotations

import copy
import io
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn

import alize_docs
from alize_docs.inputs.yaml import read_yaml

from .conftest import DELETE, FIXTURES, TERRITOIRE, lisible, set_path
from .test_budget import montant

COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"


@pytest.fixture(scope="module")
def word() -> docx.document.Document:
    cooperation, territoire = alize_docs.load_cooperation(COOPERATION)
    [donnees] = alize_docs.render_documents(alize_docs.Dossier(COOPERATION, territoire, cooperation)).values()
    return docx.Document(io.BytesIO(donnees))


def texte(document: docx.document.Document) -> str:
    return lisible("\n".join(p.text for p in document.paragraphs))


def test_the_example_loads_exactly_as_it_is_and_is_valid() -> None:
    cooperation, territoire = alize_docs.load_cooperation(COOPERATION)
    assert cooperation.avance_remboursable is not None
    assert cooperation.avance_remboursable.montant == Decimal(20000)
    assert territoire.dispositif.nom == "Toulinois"
    assert alize_docs.check_file(COOPERATION).ok


def test_shared_example_is_the_bundled_fixture() -> None:
    partage = FIXTURES.parent.parent / "shared" / "examples" / COOPERATION.name
    if not partage.exists():
        pytest.skip("shared/ n'est pas à côté de la copie de travail")
    assert partage.read_bytes() == COOPERATION.read_bytes()


def test_parties_project_and_decision(word: docx.document.Document) -> None:
    t = texte(word)
    assert ("Menuiseries du Toulois, SARL au capital de 50\u202f000\u00a0€, immatriculée au RCS Nancy sous le "
            "numéro SIREN 802\u00a0645\u00a0135") in t
    assert "représentée par Madame Claire Martin, Gérante, ci-après dénommée «\u00a0le bénéficiaire\u00a0»" in t
    assert "Création d'une ligne de fabrication de fenêtres bois-aluminium" in t
    assert ("prise à la majorité des 2/3 des membres présents (7 voix pour, 9 membres présents, dont 5 voix pour "
            "sur 5 représentants d'entreprise présents)") in t
    assert "Le projet doit permettre la création de cinq (5) emplois" in t


def test_skills_support_table_and_valuation(word: docx.document.Document) -> None:
    competences = next(t for t in word.tables if t.rows[0].cells[0].text == "Entreprise partenaire")
    lignes = [[c.text for c in r.cells] for r in competences.rows[1:]]
    assert lignes[0] == ["SIDE", "Monsieur Olivier Durand, Responsable méthodes", "production", "6",
                         "4\u202f200\u00a0€"]
    assert lignes[1][0] == "Fonderie de la Moselle SAS" and lignes[1][3:] == ["3", "2\u202f100\u00a0€"]
    assert lignes[2][3:] == ["9", "6\u202f300\u00a0€"]
    assert "Soit au total neuf (9) jours d'intervention, valorisés à 700 euros par jour, c'est-à-dire six mille " \
           "trois cents euros (6\u202f300\u00a0€)." in texte(word)


def test_advance_terms_in_words_and_figures(word: docx.document.Document) -> None:
    t = texte(word)
    assert "une avance remboursable de vingt mille euros (20\u202f000\u00a0€)" in t
    for terme in ("pour une durée de trente-six (36) mois, dont une période de différé de remboursement de six (6) "
                  "mois\u202f;", "à un taux de 0\u202f%", "sans garantie ou caution.",
                  "ne versera les fonds qu'après signature de la présente convention"):
        assert terme in t


def test_schedule_adds_up_exactly_and_respects_deferral_and_duration(word: docx.document.Document) -> None:
    tableau = next(t for t in word.tables if t.rows[0].cells[0].text == "N°")
    lignes = [[lisible(c.text) for c in r.cells] for r in tableau.rows[1:]]
    assert len(lignes) == 30
    assert sum(montant(ligne[2]) for ligne in lignes) == Decimal(20000)
    assert lignes[0][1:] == ["15 novembre 2011", "666,67\u00a0€", "19\u202f333,33\u00a0€"]
    assert lignes[-1][1:] == ["15 avril 2014", "666,57\u00a0€", "0,00\u00a0€"]  # cents as in the column
    restant = Decimal(20000)
    for ligne in lignes:
        restant -= montant(ligne[2])
        assert montant(ligne[3]) == restant


def test_mandataire_and_signatories(word: docx.document.Document) -> None:
    assert "L'entreprise partenaire SIDE est désignée «\u00a0mandataire\u00a0»" in texte(word)
    blocs = [lisible(c.text.split("\n")[0]) for t in word.tables for r in t.rows for c in r.cells
             if c.text.startswith(("Pour ", "Le président"))]
    assert blocs == ["Pour le bénéficiaire, Menuiseries du Toulois", "Le président du comité d'agrément",
                     "Pour l'entreprise partenaire SIDE", "Pour l'entreprise partenaire Fonderie de la Moselle SAS",
                     "Pour Parole d'entreprises, opérateur local, gestionnaire du fonds d'avances remboursables"]
    assert "en cinq (5) exemplaires originaux" in texte(word)


def test_every_page_has_room_for_initials(word: docx.document.Document) -> None:
    pied = word.sections[0].footer
    assert "Paraphes\u00a0:" in pied.paragraphs[0].text
    assert [f.get(qn("w:instr")).strip() for f in pied._element.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]


# --- one failing input per rule -------------------------------------------------------------------

CAS: list[tuple[str, dict[str, Any], str, str]] = [
    ("sme-siren", {"beneficiaire.siren": "802645136"}, "sme", "beneficiaire.siren"),
    ("sme-registre", {"beneficiaire.immatriculation": "Nancy"}, "sme", "beneficiaire.immatriculation"),
    ("sme-effectif", {"beneficiaire.effectif": "250"}, "sme", "beneficiaire.effectif"),
    ("sme-taille", {"beneficiaire.chiffre_affaires": "60000000", "beneficiaire.total_bilan": "45000000"}, "sme",
     "beneficiaire.chiffre_affaires"),
    ("sme-independance", {"beneficiaire.capital_detenu_par_une_entreprise": "30"}, "sme",
     "beneficiaire.capital_detenu_par_une_entreprise"),
    ("sme-emplois", {"projet.emplois_prevus": "0"}, "sme", "projet.emplois_prevus"),
    ("skills-first", {"appui_competences": []}, "skills-first", "appui_competences"),
    ("skills-first-jours", {"appui_competences[1].jours": "0"}, "skills-first", "appui_competences[1].jours"),
    ("advance-duree", {"avance_remboursable.duree_mois": "48"}, "advance", "avance_remboursable.duree_mois"),
    ("advance-differe", {"avance_remboursable.differe_mois": "9"}, "advance", "avance_remboursable.differe_mois"),
    ("advance-taux", {"avance_remboursable.taux": "1,5"}, "advance", "avance_remboursable.taux"),
    ("advance-garantie", {"avance_remboursable.garantie": "caution personnelle du gérant"}, "advance",
     "avance_remboursable.garantie"),
    ("cap", {"avance_remboursable.montant": "30000"}, "cap", "avance_remboursable.montant"),
    ("funds-part", {"projet.cout_total": "35000"}, "funds", "avance_remboursable.montant"),
    ("funds-cumul", {"projet.autres_financements[0].montant": "160000"}, "funds", "projet.autres_financements"),
    ("vote", {"comite.voix_pour": "5"}, "vote", "comite.voix_pour"),
    ("vote-impossible", {"comite.voix_pour": "10"}, "vote", "comite.voix_pour"),
    ("signatories-mandataire", {"mandataire": "cc-toulinois"}, "signatories", "mandataire"),
    ("signatories-inconnu", {"appui_competences[0].partenaire": "arcelor"}, "signatories",
     "appui_competences[0].partenaire"),
    ("schedule", {"avance_remboursable.duree_mois": "35", "avance_remboursable.periodicite": "trimestrielle"},
     "schedule", "avance_remboursable.periodicite"),
    ("dates-signature", {"signature.date": "2011-03-01"}, "dates", "signature.date"),
    ("dates-versement", {"avance_remboursable.date_versement": "2011-04-01"}, "dates",
     "avance_remboursable.date_versement"),
    ("dates-comite", {"comite.date": "2010-06-01", "signature.date": "2010-06-02"}, "dates", "comite.date"),
    ("model", {"modele": "2011"}, "model", "modele"),
    ("blanks", {"projet.intitule": "XXX"}, "blanks", "projet.intitule"),
    ("dispositif", {"dispositif": "absent.yaml"}, "file", "dispositif"),
]


def ecrire(tmp_path: Path, donnees: dict[str, Any]) -> Path:
    shutil.copy(TERRITOIRE, tmp_path / "toulinois.yaml")
    chemin = tmp_path / "cooperation.yaml"
    chemin.write_text(yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return chemin


@pytest.mark.parametrize(("changements", "code", "champ"), [c[1:] for c in CAS], ids=[c[0] for c in CAS])
def test_each_sme_rule_refuses_an_input_that_breaks_it(
        tmp_path: Path, changements: dict[str, Any], code: str, champ: str) -> None:
    donnees = copy.deepcopy(read_yaml(COOPERATION).data)
    for chemin, valeur in changements.items():
        set_path(donnees, chemin, valeur)
    rapport = alize_docs.check_file(ecrire(tmp_path, donnees))
    assert (code, champ) in [(p.code, p.champ) for p in rapport.problemes], rapport.text()
    with pytest.raises(alize_docs.InvalidInput):
        alize_docs.generate(tmp_path / "cooperation.yaml", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_agreement_without_advance_numbers_its_articles_without_gaps(tmp_path: Path) -> None:
    donnees = copy.deepcopy(read_yaml(COOPERATION).data)
    set_path(donnees, "avance_remboursable", DELETE)
    [chemin] = alize_docs.generate(ecrire(tmp_path, donnees), tmp_path / "out")
    titres = [p.text for p in docx.Document(str(chemin)).paragraphs if p.style.name == "Heading 1"]
    assert [t.split("\u00a0:")[0] for t in titres] == [f"ARTICLE {i}" for i in range(1, 9)]
    assert "ÉCHÉANCIER" not in "".join(titres) and "APPUI FINANCIER" not in "".join(titres)
    assert "EXIGIBILITÉ" not in "".join(titres)


def test_majority_vote_rules_follow_the_model(tmp_path: Path) -> None:
    from alize_docs.rules.cooperation import validate_cooperation

    cooperation, territoire = alize_docs.load_cooperation(COOPERATION)
    decision = cooperation.comite.model_copy(update={"voix_pour": 5, "voix_pour_entreprises": 3})
    vote = cooperation.model_copy(update={"comite": decision})
    assert [p.code for p in validate_cooperation(vote, territoire, "deux-tiers-des-presents")] == ["vote"]
    assert validate_cooperation(vote, territoire, "majorite-des-entreprises") == []
    minorite = vote.model_copy(update={"comite": decision.model_copy(update={"voix_pour_entreprises": 2})})
    assert [p.code for p in validate_cooperation(minorite, territoire, "majorite-des-entreprises")] == ["vote"]
