"""The parties as a lawyer identifies them, and the corrections a legal review of the convention and Annexe 3 asked
for (README, « Changes to the model's text »)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import alize_docs

from .conftest import docx_text, set_path


def textes(data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> dict[str, str]:
    chemins = alize_docs.generate(write_yaml(data), tmp_path / "out")
    return {c.name.split("-toulinois")[0]: docx_text(c.read_bytes()).replace("\u00a0", " ").replace("\u202f", " ")
            for c in chemins}


def test_each_party_is_represented_by_its_signatory_with_its_identification_and_empowerment(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    set_path(territoire_data, "partenaires.0.identification",
             "société par actions simplifiée au capital de 40 000 €, immatriculée au RCS de Nancy")
    set_path(territoire_data, "partenaires.3.habilitation",
             "agissant en vertu d'une délibération du conseil communautaire du 12 octobre 2010")
    convention = textes(territoire_data, write_yaml, tmp_path)["convention-partenariat"]
    assert ("L'entreprise SIDE, société par actions simplifiée au capital de 40 000 €, immatriculée au RCS de Nancy, "
            "représentée par Monsieur Bernard Weiss, Directeur régional ;") in convention
    assert ("La Communauté de communes du Toulinois, représentée par Monsieur Gérard Thomas, Président, agissant en "
            "vertu d'une délibération du conseil communautaire du 12 octobre 2010 ;") in convention
    assert "Le Pays Terres de Lorraine, représenté par Madame Sylvie Marchal, Présidente ;" in convention  # le Pays
    assert "agissant au titre du Fonds national d'aménagement et de développement du territoire ;" in convention
    assert "État (Fonds national" not in convention  # not a second party under the State
    assert "Les Présidents des collectivités territoriales et de leurs groupements partenaires," in convention


def test_the_cdc_astrees_and_the_operator_are_named_once_with_their_signatory(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    convention = textes(territoire_data, write_yaml, tmp_path)["convention-partenariat"]
    assert ("La Caisse des dépôts et consignations, représentée par Madame Hélène Ravier, Directrice régionale "
            "Lorraine,") in convention
    assert "représentée par sa directrice régionale" not in convention
    assert "Pour la Caisse des dépôts et consignations\nMadame Hélène Ravier\nDirectrice régionale Lorraine" \
        in convention
    assert ", dont le siège est 1 place du Marché, 54200 Toul, représentée par Monsieur Luc Bertin, Président." \
        in convention
    assert "Pour Parole d'entreprises, opérateur local\nMonsieur Luc Bertin" in convention
    assert "Vu la lettre de la Direction du budget du 4 octobre 2010 autorisant l'opérateur local" in convention


def test_article_2_lists_the_territory_with_articles(territoire_data: dict[str, Any],
                                                    write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    convention = textes(territoire_data, write_yaml, tmp_path)["convention-partenariat"]
    assert "la Communauté de communes du Toulinois ;\nla Communauté de communes de Hazelle en Haye." in convention


def test_astrees_contribution_is_read_the_same_in_article_7_annex_1_and_annex_3(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    docs = textes(territoire_data, write_yaml, tmp_path)
    regle = ("3 000 euros d'ALIZÉ® Toulinois par année de convention (période de douze mois courant à compter de sa "
             "signature), soit 9 000 euros pour la période totale de la convention")
    assert regle in docs["convention-partenariat"]
    assert f"« {regle} »" in docs["annexe-1-budget"]
    tous = docs["convention-partenariat"] + docs["annexe-1-budget"] + docs["annexe-3-operateur-local"]
    assert "année calendaire" not in tous
    assert "note de l'Annexe 1" not in docs["annexe-3-operateur-local"]


def test_annex_3_sets_the_operator_apart_from_the_partners(territoire_data: dict[str, Any],
                                                           write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    annexe = textes(territoire_data, write_yaml, tmp_path)["annexe-3-operateur-local"]
    assert ("les partenaires signataires de la convention de partenariat ALIZÉ® Toulinois signée à Nancy le "
            "26 novembre 2010, à l'exception de l'opérateur local, représentés comme il est dit") in annexe
    assert ("sans l'accord du comité local de pilotage et d'évaluation et, pour les sommes apportées par la Caisse des "
            "dépôts et consignations, de celle-ci.") in annexe
    assert "L'opérateur sortant transfère alors au nouvel opérateur local les soldes" in annexe


def test_wording_corrections_of_the_model(territoire_data: dict[str, Any], write_yaml: Callable[..., Path],
                                          tmp_path: Path) -> None:
    convention = textes(territoire_data, write_yaml, tmp_path)["convention-partenariat"]
    for juste, fautif in [
        ("il se réunit a minima une fois par an", "à minima"),
        ("les logos d'ASTREES ainsi que ceux de la DATAR et de la CDC, partenaires nationaux du programme, dans",
         "et la CDC –"),
        ("organisées par ASTREES chaque trimestre", "organisés par ASTREES"),
        ("sont versés à l'opérateur local, qui les affecte à deux comptes distincts", "versés par l'opérateur local"),
        ("voir Annexes 1 et 3", "voir Annexe 1 et 3"),
        ("le nombre de créations d'emplois générées", "création d'emplois générés"),
        ("Peuvent recevoir des aides les TPE/PME", "aides, les"),
        ("33 millions d'euros", "Millions"),
        ("Fonds social européen", "Fonds Social"),
        ("Contexte économique de la région et du territoire\n", "pressenti"),
        ("apport en compétences…) ;", "compétences...)"),
    ]:
        assert juste in convention, juste
        assert fautif not in convention, fautif


def test_the_2011_model_does_not_give_the_datar_its_later_name_for_1997(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    territoire_data["modele"] = "2011"
    set_path(territoire_data, "signature.date", "2011-06-15")
    convention = textes(territoire_data, write_yaml, tmp_path)["convention-partenariat"]
    assert ("avec le soutien de la DATAR (alors Délégation à l'aménagement du territoire et à l'action régionale, "
            "devenue en 2009 Délégation interministérielle") in convention


def test_a_prefet_of_another_departement_than_the_zone_is_a_warning(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "dispositif.departement", "Seine-Maritime")
    rapport = alize_docs.check_file(write_yaml(territoire_data))
    assert rapport.ok  # a zone may straddle départements: the operator decides
    [avertissement] = rapport.avertissements
    assert avertissement.code == "territory" and avertissement.champ == "dispositif.departement"
    assert avertissement.message.startswith("La zone d'emploi de Toul est dans le département de Meurthe-et-Moselle "
                                            "(54), et la convention fait signer le Préfet de la Seine-Maritime")


def test_the_national_partner_is_named_as_it_was_on_the_signature_date(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    """The 2008 model was written when the DATAR was the DIACT; it became the DATAR again on 14 December 2009."""
    docs = textes(territoire_data, write_yaml, tmp_path)  # signed on 26 November 2010
    convention, annexe_2, annexe_3 = (docs[k] for k in ("convention-partenariat", "annexe-2-cahier-des-charges",
                                                        "annexe-3-operateur-local"))
    assert "(devenue DIACT au 1er janvier 2006, puis redevenue DATAR le 14 décembre 2009)" in convention
    assert "La DATAR, partenaire d'origine d'ALIZÉ®" in convention
    assert "ceux de la DATAR et de la CDC" in convention and "ceux de la DATAR et de la CDC" in annexe_3
    assert "présidé par la DATAR" in annexe_2 and "puis redevenue DATAR le 14 décembre 2009" in annexe_2
    assert "Pour les années 2007-2009 la DIACT et la CDC ont" in convention  # a past fact keeps its name
    set_path(territoire_data, "signature.date", "2009-06-15")
    set_path(territoire_data, "operateur.autorisation_direction_budget", "2009-05-04")
    avant = textes(territoire_data, write_yaml, tmp_path / "2009")["convention-partenariat"]
    assert "(devenue DIACT au 1er janvier 2006)" in avant and "La DIACT, partenaire d'origine" in avant
    assert "ceux de la DIACT et de la CDC" in avant
