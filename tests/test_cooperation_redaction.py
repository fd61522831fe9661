"""The cooperation agreement as a judge, a lender and the SME's manager read it (issue 17, section 1).

Every assertion is on the text of a generated .docx read back with python-docx: the fixture, and inputs built here
from it (one partner and one intervenant with a man managing the SME, a schedule meeting a Saturday, a Sunday and
15 August, twenty-one instalments, a Valenciennois SME on a quarterly schedule eligible through its balance sheet
only, a signature under Regulation (UE) 1407/2013). The business-day shift of the schedule is checked against a
calendar computed here, independently of the ``holidays`` library the code uses.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

import alize_docs
from alize_docs.inputs.yaml import read_yaml

from .conftest import FIXTURES, TERRITOIRE, set_path

COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"
ESPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2019": "'", "\u2011": "-"})
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre")


# --- an independent French calendar: Easter by the Meeus/Jones/Butcher algorithm, the public holidays of the
# Code du travail (art. L. 3133-1) -----------------------------------------------------------------------------

def paques(annee: int) -> dt.date:
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    mois, jour = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(annee, mois, jour + 1)


def feries(annee: int) -> set[dt.date]:
    p = paques(annee)
    fixes = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
    return {dt.date(annee, m, j) for m, j in fixes} | {p + dt.timedelta(days=n) for n in (1, 39, 50)}


def payable(date: dt.date) -> dt.date:
    while date.weekday() >= 5 or date in feries(date.year):
        date += dt.timedelta(days=1)
    return date


def en_francais(date: dt.date) -> str:
    return f"{'1er' if date.day == 1 else date.day} {MOIS[date.month - 1]} {date.year}"


def dates_contractuelles(versement: dt.date, differe: int, pas: int, nombre: int) -> list[dt.date]:
    dates = []
    for k in range(1, nombre + 1):
        mois = versement.month - 1 + differe + k * pas
        dates.append(versement.replace(year=versement.year + mois // 12, month=mois % 12 + 1))
    return dates


# --- inputs ------------------------------------------------------------------------------------------------

def fixture_data() -> dict[str, Any]:
    return copy.deepcopy(read_yaml(COOPERATION).data)


def valenciennois() -> dict[str, Any]:
    """A territory of the Valenciennois (cap 15 000 €, seed 002), built from the Toulinois example."""
    t = copy.deepcopy(read_yaml(TERRITOIRE).data)
    for chemin, valeur in {
        "dispositif.nom": "Valenciennois", "dispositif.zone_emploi": "Valenciennes", "dispositif.departement": "Nord",
        "dispositif.territoire": ["Valenciennes Métropole", "Communauté d'agglomération de la Porte du Hainaut"],
        "dispositif.contexte": "Le bassin d'emploi de Valenciennes, industriel, reconvertit ses sous-traitants.",
        "signature.lieu": "Valenciennes", "comite_agrement.plafond_avance": "15000",
        "operateur.nom": "Chambre de commerce et d'industrie du Valenciennois",
        "operateur.forme": "établissement public administratif",
        "operateur.adresse": "2 rue des Incas, 59300 Valenciennes",
    }.items():
        set_path(t, chemin, valeur)
    return t


def pme_valenciennoise() -> dict[str, Any]:
    """An SME over 50 M€ of turnover but under 43 M€ of balance sheet, repaying quarterly from 1 October 2011."""
    c = fixture_data()
    for chemin, valeur in {
        "numero": "VAL-2011-012", "comite.date": "2011-09-06", "signature.lieu": "Valenciennes",
        "signature.date": "2011-09-20",
        "beneficiaire.raison_sociale": "Chaudronnerie du Hainaut", "beneficiaire.forme": "SAS",
        "beneficiaire.capital": "800000", "beneficiaire.siren": "593300007",
        "beneficiaire.immatriculation": "RCS Valenciennes",
        "beneficiaire.adresse": "14 avenue de Denain, 59300 Valenciennes",
        "beneficiaire.effectif": "180", "beneficiaire.chiffre_affaires": "62000000",
        "beneficiaire.total_bilan": "38500000", "beneficiaire.capital_detenu_par_une_entreprise": "12",
        "projet.cout_total": "400000",
        "projet.autres_financements": [{"financeur": "Crédit du Nord", "nature": "prêt bancaire",
                                        "montant": "300000"}],
        "avance_remboursable.montant": "15000", "avance_remboursable.duree_mois": "36",
        "avance_remboursable.differe_mois": "3", "avance_remboursable.periodicite": "trimestrielle",
        "avance_remboursable.date_versement": "2011-10-01",
    }.items():
        set_path(c, chemin, valeur)
    return c


def genere(tmp_path: Path, cooperation: dict[str, Any], territoire: dict[str, Any] | None = None
           ) -> docx.document.Document:
    """Write the inputs, generate the agreement as ``alize-docs generer`` does, and open the .docx it wrote."""
    dossier = tmp_path / "entrees"
    dossier.mkdir(exist_ok=True)
    (dossier / "territoire.yaml").write_text(
        yaml.safe_dump(territoire or read_yaml(TERRITOIRE).data, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    cooperation = {**cooperation, "dispositif": "territoire.yaml"}
    chemin = dossier / "cooperation.yaml"
    chemin.write_text(yaml.safe_dump(cooperation, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [ecrit] = alize_docs.generate(chemin, tmp_path / "sortie")
    return docx.Document(str(ecrit))


def texte(document: docx.document.Document) -> str:
    """The body's paragraphs, no-break spaces read as spaces."""
    return "\n".join(p.text for p in document.paragraphs).translate(ESPACES)


def echeancier_lu(document: docx.document.Document) -> list[list[str]]:
    [tableau] = [t for t in document.tables if t.rows[0].cells[0].text == "N°"]
    assert [c.text for c in tableau.rows[0].cells] == ["N°", "Payable le", "Montant", "Capital restant dû"]
    return [[c.text.translate(ESPACES) for c in r.cells] for r in tableau.rows[1:]]


@pytest.fixture(scope="module")
def fixture_doc(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    return genere(tmp_path_factory.mktemp("fixture"), fixture_data())


@pytest.fixture(scope="module")
def valenciennes_doc(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    return genere(tmp_path_factory.mktemp("valenciennois"), pme_valenciennoise(), valenciennois())


# --- business days -----------------------------------------------------------------------------------------

def test_fixture_schedule_moves_12_of_30_instalments_to_the_next_business_day(
        fixture_doc: docx.document.Document) -> None:
    assert [paques(a) for a in (2011, 2012, 2013, 2014)] == [dt.date(2011, 4, 24), dt.date(2012, 4, 8),
                                                             dt.date(2013, 3, 31), dt.date(2014, 4, 20)]
    lignes = echeancier_lu(fixture_doc)
    contractuelles = dates_contractuelles(dt.date(2011, 4, 15), 6, 1, 30)
    assert [ligne[1] for ligne in lignes] == [en_francais(payable(d)) for d in contractuelles]
    deplacees = [d for d in contractuelles if payable(d) != d]
    assert len(deplacees) == 12
    affiche = {ligne[1] for ligne in lignes}
    assert {"16 janvier 2012", "16 août 2012", "16 août 2013"} <= affiche
    assert not {"15 janvier 2012", "15 août 2012", "15 août 2013"} & affiche
    assert [ligne[2] for ligne in lignes] == ["666,67 €"] * 29 + ["666,57 €"]  # amounts unchanged
    assert lignes[-1] == ["30", "15 avril 2014", "666,57 €", "0,00 €"]  # cents on every line of the column


def test_valenciennois_quarterly_schedule_moves_5_of_11(valenciennes_doc: docx.document.Document) -> None:
    lignes = echeancier_lu(valenciennes_doc)
    contractuelles = dates_contractuelles(dt.date(2011, 10, 1), 3, 3, 11)
    assert [ligne[1] for ligne in lignes] == [en_francais(payable(d)) for d in contractuelles]
    deplacees = [d for d in contractuelles if payable(d) != d]
    assert [en_francais(d) for d in deplacees] == ["1er avril 2012", "1er juillet 2012", "1er janvier 2013",
                                                  "1er avril 2013", "1er janvier 2014"]
    affiche = [ligne[1] for ligne in lignes]
    assert affiche[0] == "2 avril 2012" and "2 janvier 2013" in affiche and "2 janvier 2014" in affiche
    assert [ligne[2] for ligne in lignes] == ["1 363,64 €"] * 10 + ["1 363,60 €"]
    t = texte(valenciennes_doc)
    assert "en onze (11) échéances trimestrielles" in t
    assert "Les dix premières échéances s'élèvent à 1 363,64 € ; la onzième, ajustée, à 1 363,60 €" in t


def test_a_schedule_meeting_a_saturday_a_sunday_and_15_august(tmp_path: Path) -> None:
    c = fixture_data()
    for chemin, valeur in {"comite.date": "2013-03-01", "signature.date": "2013-03-08",
                           "avance_remboursable.montant": "12000", "avance_remboursable.duree_mois": "12",
                           "avance_remboursable.differe_mois": "0",
                           "avance_remboursable.date_versement": "2013-03-15"}.items():
        set_path(c, chemin, valeur)
    document = genere(tmp_path, c)
    lignes = echeancier_lu(document)
    contractuelles = dates_contractuelles(dt.date(2013, 3, 15), 0, 1, 12)
    assert [ligne[1] for ligne in lignes] == [en_francais(payable(d)) for d in contractuelles]
    par_numero = {ligne[0]: ligne[1] for ligne in lignes}
    assert par_numero["3"] == "17 juin 2013"  # Saturday 15 June
    assert par_numero["5"] == "16 août 2013"  # Thursday 15 August, Assumption
    assert par_numero["6"] == "16 septembre 2013"  # Sunday 15 September
    t = texte(document)
    assert "Les douze (12) échéances s'élèvent chacune à 1 000 €" in t
    assert "ajustée" not in t
    assert "La dernière échéance est payable le 17 mars 2014" in t  # Saturday 15 March 2014


def test_the_business_day_rule_is_stated_beside_the_table(fixture_doc: docx.document.Document) -> None:
    assert ("Une échéance dont la date tombe un samedi, un dimanche ou un jour férié est payable le premier jour "
            "ouvré suivant, pour le même montant.") in texte(fixture_doc)


# --- article 5, the payment date, early repayment -----------------------------------------------------------

def test_article_5_states_the_instalments_it_describes(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert ("Les vingt-neuf premières échéances s'élèvent à 666,67 € ; la trentième, ajustée, à 666,57 €, de sorte "
            "que leur total est exactement le montant de l'avance, vingt mille euros (20 000 €).") in t
    assert "Les échéances sont égales" not in t and "la dernière est ajustée" not in t


def test_twenty_one_instalments_agree_in_gender(tmp_path: Path) -> None:
    c = fixture_data()
    set_path(c, "avance_remboursable.duree_mois", "27")
    t = texte(genere(tmp_path, c))
    assert "en vingt et une (21) échéances mensuelles" in t
    assert "Les vingt premières échéances s'élèvent à 952,38 € ; la vingt et unième, ajustée, à 952,40 €" in t


def test_payment_on_another_date_shifts_every_instalment(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert ("Cet échéancier suppose le versement de l'avance le 15 avril 2011. Si elle est versée à une autre date, "
            "chaque échéance est décalée d'autant : la durée de trente-six (36) mois, différé compris, court à "
            "compter du versement effectif. L'opérateur local notifie alors par écrit au bénéficiaire l'échéancier "
            "définitif") in t


def test_a_partial_early_repayment_goes_to_the_last_instalments(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert "en tout ou partie, à tout moment et sans frais." in t
    assert ("Un remboursement partiel s'impute sur les dernières échéances, dans l'ordre inverse de l'échéancier, en "
            "commençant par la dernière") in t


# --- end, default, law -------------------------------------------------------------------------------------

def test_the_agreement_ends_on_payment_and_survives_the_partnership(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert "au plus tard le" not in t
    assert "Elle prend fin au paiement de toutes les sommes dues au titre de l'avance." in t
    assert "La dernière échéance est payable le 15 avril 2014 (article 5)" in t
    assert "la convention demeure en vigueur au-delà de cette date tant qu'une somme reste due" in t
    assert ("Les conditions de remboursement de l'avance survivent à la convention de partenariat ALIZÉ® Toulinois, "
            "conclue le 26 novembre 2010 pour une durée de trois ans") in t
    assert "Les échéances qui tombent après son terme sont recouvrées par l'opérateur local" in t
    assert "(article 8 de la convention de partenariat)" in t


def test_the_operator_demands_repayment_on_listed_events_after_notice(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert "le comité d'agrément peut exiger" not in t
    assert ("L'opérateur local, gestionnaire du fonds d'avances remboursables, peut, sur décision du comité "
            "d'agrément, exiger le remboursement immédiat de toutes les sommes restant dues au titre de l'avance, "
            "trente (30) jours après une mise en demeure") in t
    for cas in ("une échéance impayée", "l'affectation de l'avance à un autre objet",
                "un manquement grave du bénéficiaire à ses engagements", "la cessation de son activité",
                "sa dissolution", "la cession de son fonds de commerce",
                "un changement de contrôle à l'issue duquel une autre entreprise détient au moins 25 % de son capital",
                "le transfert de son siège ou de son activité hors du Territoire d'ALIZÉ® Toulinois"):
        assert f"\n{cas}" in t, cas
    assert ("L'ouverture d'une procédure de sauvegarde ou de redressement judiciaire à l'égard du bénéficiaire n'est "
            "pas, à elle seule, un cas d'exigibilité anticipée") in t
    assert "L. 622-29" in t


def test_french_law_and_the_competent_court_none_named(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert "La présente convention est soumise au droit français." in t
    assert "à défaut d'accord amiable" in t and "devant la juridiction compétente." in t
    assert "tribunal" not in t.lower()


# --- declarations ------------------------------------------------------------------------------------------

def test_the_beneficiary_declares_its_figures_and_its_de_minimis_aid(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert "DÉCLARATIONS DU BÉNÉFICIAIRE" in t
    assert "il emploie 14 personnes, moins de 250 ;" in t
    assert ("son chiffre d'affaires annuel, 1 850 000 €, est inférieur à cinquante millions d'euros, et son total de "
            "bilan, 920 000 €, à quarante-trois millions d'euros ;") in t
    assert "aucune autre entreprise ne détient de part de son capital" in t
    assert ("au titre du règlement (CE) n° 1998/2006 de la Commission du 15 décembre 2006 relatif aux aides de "
            "minimis, que les aides de minimis qu'il a reçues au cours de l'exercice fiscal en cours et des deux "
            "exercices fiscaux précédents") in t
    assert "n'excèdent pas le plafond de deux cent mille euros (200 000 €)" in t


def test_the_valenciennois_sme_is_eligible_by_its_balance_sheet_only(valenciennes_doc: docx.document.Document) -> None:
    t = texte(valenciennes_doc)
    assert ("son chiffre d'affaires annuel, 62 000 000 €, dépasse cinquante millions d'euros, mais son total de "
            "bilan, 38 500 000 €, est inférieur à quarante-trois millions d'euros : il remplit le critère du total "
            "de bilan, l'un des deux suffisant ;") in t
    assert "une autre entreprise détient 12 % de son capital, moins de 25 % (critère d'indépendance)" in t
    assert "il emploie 180 personnes" in t


def renouveau() -> dict[str, Any]:
    """The territory renewed on the 2011 model on 26 November 2013."""
    t = copy.deepcopy(read_yaml(TERRITOIRE).data)
    for chemin, valeur in {"modele": "2011", "dispositif.nature": "renouvellement",
                           "dispositif.premiers_resultats": "Douze projets soutenus et 64 emplois créés.",
                           "signature.date": "2013-11-26"}.items():
        set_path(t, chemin, valeur)
    return t


def cooperation_2014(**changements: Any) -> dict[str, Any]:
    c = fixture_data()
    for chemin, valeur in {"modele": "2011", "comite.date": "2014-02-20", "signature.date": "2014-03-10",
                           "avance_remboursable.date_versement": "2014-03-17", **changements}.items():
        set_path(c, chemin, valeur)
    return c


def test_the_de_minimis_regulation_is_the_one_in_force_on_signature(tmp_path: Path) -> None:
    t = texte(genere(tmp_path, cooperation_2014(**{"beneficiaire.aides_de_minimis": "45000"}), renouveau()))
    assert ("au titre du règlement (UE) n° 1407/2013 de la Commission du 18 décembre 2013 relatif aux aides de "
            "minimis, avoir reçu au cours de l'exercice fiscal en cours et des deux exercices fiscaux précédents des "
            "aides de minimis d'un montant total de quarante-cinq mille euros (45 000 €)") in t
    assert "1998/2006" not in t


def test_de_minimis_data_covers_each_regulation() -> None:
    from alize_docs.domain.programme import reglement_de_minimis

    attendus = {dt.date(2005, 6, 1): ("69/2001", 100000), dt.date(2011, 4, 8): ("1998/2006", 200000),
                dt.date(2020, 6, 1): ("1407/2013", 200000), dt.date(2023, 12, 31): ("1407/2013", 200000),
                dt.date(2024, 1, 1): ("2023/2831", 300000)}
    for date, (numero, plafond) in attendus.items():
        reglement = reglement_de_minimis(date)
        assert reglement is not None and numero in reglement.reference and reglement.plafond == plafond, date


def test_declared_de_minimis_aid_at_the_ceiling_is_refused(tmp_path: Path) -> None:
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    (entrees / "territoire.yaml").write_text(yaml.safe_dump(read_yaml(TERRITOIRE).data, allow_unicode=True),
                                             encoding="utf-8")
    c = {**fixture_data(), "dispositif": "territoire.yaml"}
    set_path(c, "beneficiaire.aides_de_minimis", "200000")
    (entrees / "cooperation.yaml").write_text(yaml.safe_dump(c, allow_unicode=True), encoding="utf-8")
    rapport = alize_docs.check_file(entrees / "cooperation.yaml")
    [probleme] = [p for p in rapport.problemes if p.code == "funds"]
    assert probleme.champ == "beneficiaire.aides_de_minimis"
    assert "atteignent le plafond du règlement (CE) n°" in probleme.message.translate(ESPACES)


# --- intervenants and agreement with the inputs ---------------------------------------------------------------

def test_intervenants_keep_information_confidential_and_answer_only_for_gross_negligence(
        fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert ("Les intervenants gardent confidentielles les informations relatives au bénéficiaire dont ils ont "
            "connaissance à l'occasion de leur intervention") in t
    assert ("il n'engage la responsabilité des intervenants et des entreprises partenaires envers le bénéficiaire "
            "qu'en cas de faute lourde.") in t


def test_two_intervenants_in_the_plural_and_a_woman_managing(fixture_doc: docx.document.Document) -> None:
    t = texte(fixture_doc)
    assert "Les entreprises partenaires mettent gracieusement à la disposition du bénéficiaire" in t
    assert ("Les intervenants apportent leur expertise à la dirigeante du bénéficiaire, qui reste seule responsable "
            "de ses choix et de la mise en œuvre du projet : ils ne font pas à sa place") in t
    assert "au dirigeant" not in t and "seul responsable" not in t
    assert ("Soit au total neuf (9) jours d'intervention, valorisés à 700 euros par jour, c'est-à-dire six mille "
            "trois cents euros (6 300 €).") in t


def test_one_partner_and_one_intervenant_in_the_singular(tmp_path: Path) -> None:
    c = fixture_data()
    c["appui_competences"] = c["appui_competences"][:1]
    set_path(c, "beneficiaire.dirigeant", {"civilite": "Monsieur", "prenom": "Paul", "nom": "Girard",
                                           "qualite": "Gérant"})
    t = texte(genere(tmp_path, c))
    assert "L'entreprise partenaire met gracieusement à la disposition du bénéficiaire" in t
    assert ("L'intervenant apporte son expertise au dirigeant du bénéficiaire, qui reste seul responsable de ses "
            "choix et de la mise en œuvre du projet : il ne fait pas à sa place et ne s'engage pas") in t
    assert "L'entreprise partenaire s'engage à mobiliser" in t
    assert "accueillir l'intervenant de l'entreprise partenaire ;" in t
    assert "L'intervenant garde confidentielles" in t
    assert "de l'intervenant et de l'entreprise partenaire envers le bénéficiaire qu'en cas de faute lourde" in t
    assert "Les entreprises partenaires" not in t and "Les intervenants" not in t
    assert ("Soit au total six (6) jours d'intervention, valorisés à 700 euros par jour, c'est-à-dire quatre mille "
            "deux cents euros (4 200 €).") in t


def test_title_keeps_et_off_a_line_end_and_the_signing_line_has_no_commas(
        fixture_doc: docx.document.Document) -> None:
    titre = fixture_doc.paragraphs[0].text
    assert titre == "CONVENTION DE COOPÉRATION ET\u00a0DE\u00a0DÉVELOPPEMENT"
    t = texte(fixture_doc)
    assert "La présente convention est signée et paraphée à chaque page par :" in t
    assert "signée, et paraphée" not in t


def test_one_woman_intervenant_is_the_intervenante(tmp_path: Path) -> None:
    c = fixture_data()
    c["appui_competences"] = c["appui_competences"][1:]  # Madame Nadia Colin, of the Fonderie
    t = texte(genere(tmp_path, c))
    assert ("L'intervenante apporte son expertise à la dirigeante du bénéficiaire, qui reste seule responsable de ses "
            "choix et de la mise en œuvre du projet : elle ne fait pas à sa place") in t
    assert "accueillir l'intervenante de l'entreprise partenaire ;" in t
    assert "il n'engage la responsabilité de l'intervenante et de l'entreprise partenaire" in t
