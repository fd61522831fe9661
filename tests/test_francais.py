"""Legal French in the generated documents (issue #12 §1, §4; issue #11, the parties' directives).

Every test builds a variant of ``fixtures/toulinois.yaml`` (and of the cooperation file next to it), generates its
documents and reads their text back.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

import alize_docs
from alize_docs.clauses.markup import MarkupError, parse_blocks
from alize_docs.inputs.yaml import read_yaml
from alize_docs.rules.blancs import find_blanks

from .conftest import DELETE, FIXTURES, RACINE, docx_text, set_path

COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"


def plat(texte: str) -> str:
    """The text with its no-break spaces as plain spaces."""
    return texte.replace("\u00a0", " ").replace("\u202f", " ")


def documents(data: dict[str, Any], dossier: Path, cooperation: dict[str, Any] | None = None) -> dict[str, str]:
    """Generate the territory's documents (and the cooperation agreement if given); their text by file name prefix."""
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / "toulinois.yaml").write_text(_yaml(data), encoding="utf-8")
    fichiers = alize_docs.generate(dossier / "toulinois.yaml", dossier / "out")
    if cooperation is not None:
        (dossier / "cooperation.yaml").write_text(_yaml(cooperation), encoding="utf-8")
        fichiers += alize_docs.generate(dossier / "cooperation.yaml", dossier / "out-cooperation")
    textes = {}
    for fichier in fichiers:
        if fichier.suffix == ".docx":
            textes[fichier.name.split("-")[0] + "-" + fichier.name.split("-")[1]] = docx_text(fichier.read_bytes())
    return textes


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def convention(data: dict[str, Any]) -> str:
    chemin = Path(data.pop("__chemin__"))
    chemin.write_text(_yaml(data), encoding="utf-8")
    return docx_text(alize_docs.render_convention(alize_docs.load_territoire(chemin)))


@pytest.fixture
def territoire(territoire_data: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return territoire_data | {"__chemin__": str(tmp_path / "toulinois.yaml")}


@pytest.fixture
def cooperation_data() -> dict[str, Any]:
    data = copy.deepcopy(read_yaml(COOPERATION).data)
    data["dispositif"] = "toulinois.yaml"
    return data


def blocs_de_signature(texte: str) -> list[str]:
    signatures = texte[texte.rindex("\nFait "):]
    return [ligne for ligne in signatures.splitlines() if ligne.startswith("Pour ")]


# --- 1. départements -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("departement", "civilite", "titre"), [
    ("Nord", "Monsieur", "Préfet du Nord"),
    ("50", "Madame", "Préfète de la Manche"),
    ("hauts de seine", "Monsieur", "Préfet des Hauts-de-Seine"),
    ("Ain", "Madame", "Préfète de l'Ain"),
    ("Territoire de Belfort", "Monsieur", "Préfet du Territoire de Belfort"),
    ("Meurthe-et-Moselle", "Monsieur", "Préfet de Meurthe-et-Moselle"),
])
def test_the_prefets_title_takes_the_departements_article(territoire: dict[str, Any], departement: str,
                                                           civilite: str, titre: str) -> None:
    set_path(territoire, "dispositif.departement", departement)
    set_path(territoire, "etat.prefet.civilite", civilite)
    texte = convention(territoire)
    participe = "représenté"  # agrees with l'État, not with the person
    assert f"L'État, {participe} par {civilite} Jean-Marc Lefort, {titre}, désigné ci-après" in texte
    lignes = texte.splitlines()
    bloc = lignes.index("Pour l'État")
    assert lignes[bloc + 1:bloc + 3] == [f"{civilite} Jean-Marc Lefort", titre]


@pytest.mark.parametrize(("saisi", "canonique"), [
    ("2A", "Corse-du-Sud"), ("59", "Nord"), ("val d'oise", "Val-d'Oise"), ("MEURTHE ET MOSELLE", "Meurthe-et-Moselle"),
    ("Reunion", "La Réunion"),
])
def test_the_departement_is_stored_by_its_insee_name(territoire: dict[str, Any], saisi: str, canonique: str) -> None:
    set_path(territoire, "dispositif.departement", saisi)
    chemin = Path(territoire.pop("__chemin__"))
    chemin.write_text(_yaml(territoire), encoding="utf-8")
    assert alize_docs.load_territoire(chemin).dispositif.departement == canonique


def test_an_unknown_departement_is_reported_with_the_other_problems(territoire: dict[str, Any]) -> None:
    set_path(territoire, "dispositif.departement", "Meurthe et Mozelle")
    set_path(territoire, "cdc.apports.avances", ["90000", "90000", "90000"])
    chemin = Path(territoire.pop("__chemin__"))
    chemin.write_text(_yaml(territoire), encoding="utf-8")
    rapport = alize_docs.check_file(chemin)
    problemes = {p.champ: p for p in rapport.problemes}
    assert problemes["dispositif.departement"].code == "territory"
    assert "Département « Meurthe et Mozelle » inconnu ; vouliez-vous dire « Meurthe-et-Moselle » ?" in \
        problemes["dispositif.departement"].message
    assert any(p.code == "cdc-cap" for p in rapport.problemes)


# --- 2. communes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lieu", "fait"), [
    ("Le Havre", "Fait au Havre, le 26 novembre 2010"),
    ("Les Sables-d'Olonne", "Fait aux Sables-d'Olonne, le 26 novembre 2010"),
    ("Nancy", "Fait à Nancy, le 26 novembre 2010"),
    ("Bruxelles", "Fait à Bruxelles, le 26 novembre 2010"),
])
def test_the_place_of_signature_takes_its_article(territoire: dict[str, Any], lieu: str, fait: str) -> None:
    set_path(territoire, "signature.lieu", lieu)
    assert f"{fait}, en dix (10) exemplaires originaux, un pour chaque partie signataire." in \
        convention(territoire).splitlines()


def test_the_employment_area_and_the_place_in_every_document(territoire_data: dict[str, Any],
                                                              cooperation_data: dict[str, Any],
                                                              tmp_path: Path) -> None:
    set_path(territoire_data, "dispositif.zone_emploi", "Le Havre")
    set_path(territoire_data, "signature.lieu", "Le Havre")
    set_path(cooperation_data, "signature.lieu", "Les Sables-d'Olonne")
    textes = documents(territoire_data, tmp_path, cooperation_data)
    titre = "RELATIVE À L'ACTION LOCALE INTERENTREPRISES DANS LA ZONE D'EMPLOI DU HAVRE"
    assert titre in textes["convention-partenariat"]
    assert "mise en place du dispositif ALIZÉ® sur le territoire du Havre." in plat(textes["convention-partenariat"])
    assert "signée au Havre le 26 novembre 2010" in plat(textes["annexe-2"])
    assert "signée au Havre le 26 novembre 2010" in plat(textes["annexe-3"])
    assert "signée au Havre le 26 novembre 2010" in plat(textes["cooperation-toul"])
    assert "Fait aux Sables-d'Olonne, le 8 avril 2011" in plat(textes["cooperation-toul"])
    for texte in textes.values():
        assert "à Le Havre" not in texte and "de Le Havre" not in texte


def test_haguenau_takes_no_elision(territoire: dict[str, Any]) -> None:
    set_path(territoire, "dispositif.zone_emploi", "Haguenau")
    texte = convention(territoire)
    assert "DANS LA ZONE D'EMPLOI DE HAGUENAU" in texte and "territoire de Haguenau" in texte


# --- 3. organisations ------------------------------------------------------------------------------------------

def test_signature_blocks_name_each_partner_with_its_article(territoire: dict[str, Any]) -> None:
    blocs = blocs_de_signature(convention(territoire))
    assert blocs == [
        "Pour l'entreprise SIDE", "Pour l'entreprise Fonderie de la Moselle SAS",
        "Pour l'entreprise Mécanique de l'Est SA",
        "Pour la Communauté de communes du Toulinois", "Pour le Pays Terres de Lorraine",
        "Pour la Chambre de commerce et d'industrie de Meurthe-et-Moselle",
        "Pour l'État", "Pour la Caisse des dépôts et consignations",
        "Pour l'Association Travail Emploi Europe Société (ASTREES)", "Pour Parole d'entreprises, opérateur local",
    ]


def test_an_input_article_overrides_the_lexicon(territoire: dict[str, Any]) -> None:
    set_path(territoire, "partenaires[4].article", "")
    set_path(territoire, "partenaires[0].article", "la")
    blocs = blocs_de_signature(convention(territoire))
    assert "Pour Pays Terres de Lorraine" in blocs and "Pour la SIDE" in blocs


def test_a_chamber_as_operator_takes_its_article(territoire_data: dict[str, Any], cooperation_data: dict[str, Any],
                                                 tmp_path: Path) -> None:
    cci = "Chambre de commerce et d'industrie de Meurthe-et-Moselle"
    set_path(territoire_data, "operateur.nom", cci)
    set_path(territoire_data, "operateur.forme", "établissement public")
    set_path(territoire_data, "operateur.partenaire", "cci-54")  # the partner cci-54 is the operator
    textes = {nom: plat(t) for nom, t in documents(territoire_data, tmp_path, cooperation_data).items()}
    assert f"Les partenaires confient à la {cci} la fonction d'« opérateur local »" in textes["convention-partenariat"]
    assert f"Pour la {cci}, partenaire et opérateur local" in textes["convention-partenariat"]
    assert f"les partenaires confient à la {cci} la fonction" in textes["annexe-3"]
    assert f"- la {cci}, établissement public" in "- " + textes["annexe-3"].split("Et :\n")[1]
    assert f"La {cci}, opérateur local d'ALIZÉ® Toulinois, en qualité de gestionnaire" in textes["cooperation-toul"]


def test_cooperation_names_partners_without_concatenation(territoire_data: dict[str, Any],
                                                          cooperation_data: dict[str, Any], tmp_path: Path) -> None:
    texte = plat(documents(territoire_data, tmp_path, cooperation_data)["cooperation-toul"])
    assert "représentant de SIDE," in texte
    assert "Pour l'entreprise partenaire SIDE" in texte
    assert "Parole d'entreprises, opérateur local d'ALIZÉ® Toulinois, en qualité de gestionnaire du fonds" in texte


# --- 4. civilité -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("civilite", "titre"), [("Madame", "Directrice régionale"),
                                                 ("Monsieur", "Directeur régional")])
def test_the_cdc_is_represented_by_its_director(territoire: dict[str, Any], civilite: str, titre: str) -> None:
    set_path(territoire, "cdc.directeur.civilite", civilite)
    texte = plat(convention(territoire))
    assert f"La Caisse des dépôts et consignations, représentée par {civilite} Hélène Ravier, {titre} Lorraine," \
        in texte
    assert "Direction régionale Lorraine :" not in texte  # the director is named once, with the region
    lignes = texte.splitlines()
    bloc = lignes.index("Pour la Caisse des dépôts et consignations")
    assert lignes[bloc + 2] == f"{titre} Lorraine"


def test_a_prefete_presides_the_steering_committee(territoire_data: dict[str, Any], tmp_path: Path) -> None:
    set_path(territoire_data, "etat.prefet.civilite", "Madame")
    textes = documents(territoire_data, tmp_path)
    assert "Présidé par la Préfète ou son représentant" in textes["convention-partenariat"]
    assert "à l'initiative de la Préfète ou de son représentant" in textes["annexe-3"]


def test_a_woman_presides_the_comite_dagrement(territoire_data: dict[str, Any], cooperation_data: dict[str, Any],
                                               tmp_path: Path) -> None:
    set_path(territoire_data, "comite_agrement.president.civilite", "Madame")
    set_path(territoire_data, "comite_agrement.president.prenom", "Claire")
    set_path(territoire_data, "comite_agrement.president.qualite", DELETE)
    texte = plat(documents(territoire_data, tmp_path, cooperation_data)["cooperation-toul"])
    assert ("Madame Claire Weiss, représentante de SIDE, agissant en qualité de présidente du comité d'agrément "
            "d'ALIZÉ® Toulinois,") in texte  # the comité has no legal personality: its president signs
    lignes = texte.splitlines()
    bloc = lignes.index("La présidente du comité d'agrément")
    assert lignes[bloc + 1:bloc + 3] == ["Madame Claire Weiss", "Présidente, SIDE"]


# --- 5. identifiers --------------------------------------------------------------------------------------------

def test_identifiers_print_as_french_documents_print_them(territoire_data: dict[str, Any],
                                                          cooperation_data: dict[str, Any], tmp_path: Path) -> None:
    set_path(territoire_data, "operateur.comptes.avances.iban", "FR76-1470-7000-5008-0123-4567-869")
    textes = documents(territoire_data, tmp_path, cooperation_data)
    chemin = tmp_path / "toulinois.yaml"
    assert alize_docs.load_territoire(chemin).operateur.comptes.avances.iban == "FR7614707000500801234567869"
    iban = "FR76\u00a01470\u00a07000\u00a05008\u00a00123\u00a04567\u00a0869"
    assert iban in textes["convention-partenariat"] and iban in textes["annexe-3"]
    assert "FR76-" not in "".join(textes.values())
    assert "SIRET 390\u00a0174\u00a0258\u00a010008" in textes["convention-partenariat"]
    assert re.search(r"SIREN \d{3}\u00a0\d{3}\u00a0\d{3}\b", textes["cooperation-toul"])


# --- 6. accents on capitals ------------------------------------------------------------------------------------

def test_capitals_keep_their_accents(territoire_data: dict[str, Any], cooperation_data: dict[str, Any],
                                     tmp_path: Path) -> None:
    textes = documents(territoire_data, tmp_path, cooperation_data)
    texte = plat(textes["convention-partenariat"])
    for attendu in ["L'État, représenté par", "« l'État »", "Pour l'État", "RELATIVE À L'ACTION", "PRÉAMBULE",
                    "MODALITÉS D'INTERVENTION", "RÉSEAU ALIZÉ®", "DURÉE DE LA CONVENTION", "CECI ÉTANT EXPOSÉ",
                    "À ce titre elle est partenaire"]:
        assert attendu in texte, attendu
    for nom, contenu in textes.items():
        assert not re.search(r"\bEtat\b|\bETAT\b|\bA ce titre|\bA compter|ALIZE\b|PREAMBULE|DUREE", contenu), nom


def test_no_clause_writes_an_unaccented_capital() -> None:
    for clause in (RACINE / "clauses").rglob("*.txt"):
        texte = clause.read_text(encoding="utf-8").partition("\n---\n")[2]
        assert not re.search(r"\bEtat\b|\bETAT\b|\bA (?:ce|compter)\b|RELATIVE A\b|PREAMBULE|MODALITES|RESEAU\b|DUREE",
                             texte), clause


# --- 7. blanks -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("adresse", ["2 place Pie X, 54200 Toul", "Bâtiment Y, 12 rue Charles X, 54200 Toul"])
def test_a_lone_x_or_y_in_a_name_is_not_a_blank(territoire: dict[str, Any], adresse: str) -> None:
    set_path(territoire, "operateur.adresse", adresse)
    assert adresse in plat(convention(territoire))


@pytest.mark.parametrize("texte", [
    "fixé par les partenaires à X sur la durée", "de X projets", "Y emplois", "X", "Toul XXX", ".....",
    "[note]", "à compléter",
])
def test_the_models_blanks_are_still_refused(texte: str) -> None:
    assert find_blanks(texte) is not None


def test_a_value_left_as_x_is_refused(territoire: dict[str, Any]) -> None:
    set_path(territoire, "dispositif.zone_emploi", "X")
    chemin = Path(territoire.pop("__chemin__"))
    chemin.write_text(_yaml(territoire), encoding="utf-8")
    rapport = alize_docs.check_file(chemin)
    assert [(p.code, p.champ) for p in rapport.problemes] == [("blanks", "dispositif.zone_emploi")]


# --- 8. the parties' directives --------------------------------------------------------------------------------

@pytest.mark.parametrize("clause", ["partenariat/parties", "partenariat/signatures", "cooperation/parties",
                                    "cooperation/signatures"])
def test_parties_and_signatures_hold_no_loop(clause: str) -> None:
    texte = (RACINE / "clauses" / clause / "2008.txt").read_text(encoding="utf-8")
    assert "{% for" not in texte
    assert "@parties" in texte or "@signatures" in texte


def test_the_directives_parse_and_name_a_known_group() -> None:
    from alize_docs.document import Renvoi

    [bloc] = parse_blocks("@signatures entreprises")
    assert isinstance(bloc, Renvoi) and (bloc.style, bloc.groupe) == ("signatures", "entreprises")
    with pytest.raises(MarkupError, match="groupe de parties"):
        parse_blocks("@signatures actionnaires")


def test_an_empty_group_gives_no_heading(territoire: dict[str, Any]) -> None:
    set_path(territoire, "partenaires[5].categorie", "collectivite")  # the CCI; the État's partner signs with it
    texte = convention(territoire)
    assert "Les organismes partenaires :" not in texte and "Les Présidents des organismes" not in texte


def test_the_example_files_are_accepted_as_they_are() -> None:
    assert alize_docs.check_file(FIXTURES / "toulinois.yaml").problemes == ()
    assert alize_docs.check_file(COOPERATION).problemes == ()


def test_the_comite_president_represents_her_company(territoire: dict[str, Any]) -> None:
    set_path(territoire, "comite_agrement.president.civilite", "Madame")
    set_path(territoire, "partenaires[0].nom", "Société industrielle de l'Est")
    texte = plat(convention(territoire))
    assert ("la présidence du comité d'agrément est assurée par Madame Bernard Weiss, Directeur régional, "
            "représentante de la Société industrielle de l'Est.") in texte
