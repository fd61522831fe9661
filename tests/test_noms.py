"""alize_docs.noms: articles of départements and communes, organisations, civilité, identifiers."""

from __future__ import annotations

import pytest

from alize_docs import noms
from alize_docs.noms import (
    IdentifiantInvalide,
    NomAmbigu,
    NomInconnu,
    commune,
    departement,
    departements,
    lieu,
    organisation,
    prefet_de,
)

# Typed from French usage (« le préfet du Nord », « le conseil départemental de Maine-et-Loire »…), NOT derived from
# the TNCC, so that a wrong TNCC or a wrong mapping fails.
DE_DEPARTEMENT = {
    "01": "de l'Ain", "02": "de l'Aisne", "03": "de l'Allier", "04": "des Alpes-de-Haute-Provence",
    "05": "des Hautes-Alpes", "06": "des Alpes-Maritimes", "07": "de l'Ardèche", "08": "des Ardennes",
    "09": "de l'Ariège", "10": "de l'Aube", "11": "de l'Aude", "12": "de l'Aveyron", "13": "des Bouches-du-Rhône",
    "14": "du Calvados", "15": "du Cantal", "16": "de la Charente", "17": "de la Charente-Maritime", "18": "du Cher",
    "19": "de la Corrèze", "2A": "de la Corse-du-Sud", "2B": "de la Haute-Corse", "21": "de la Côte-d'Or",
    "22": "des Côtes-d'Armor", "23": "de la Creuse", "24": "de la Dordogne", "25": "du Doubs", "26": "de la Drôme",
    "27": "de l'Eure", "28": "d'Eure-et-Loir", "29": "du Finistère", "30": "du Gard", "31": "de la Haute-Garonne",
    "32": "du Gers", "33": "de la Gironde", "34": "de l'Hérault", "35": "d'Ille-et-Vilaine", "36": "de l'Indre",
    "37": "d'Indre-et-Loire", "38": "de l'Isère", "39": "du Jura", "40": "des Landes", "41": "du Loir-et-Cher",
    "42": "de la Loire", "43": "de la Haute-Loire", "44": "de la Loire-Atlantique", "45": "du Loiret", "46": "du Lot",
    "47": "du Lot-et-Garonne", "48": "de la Lozère", "49": "de Maine-et-Loire", "50": "de la Manche",
    "51": "de la Marne", "52": "de la Haute-Marne", "53": "de la Mayenne", "54": "de Meurthe-et-Moselle",
    "55": "de la Meuse", "56": "du Morbihan", "57": "de la Moselle", "58": "de la Nièvre", "59": "du Nord",
    "60": "de l'Oise", "61": "de l'Orne", "62": "du Pas-de-Calais", "63": "du Puy-de-Dôme",
    "64": "des Pyrénées-Atlantiques", "65": "des Hautes-Pyrénées", "66": "des Pyrénées-Orientales",
    "67": "du Bas-Rhin", "68": "du Haut-Rhin", "69": "du Rhône", "70": "de la Haute-Saône", "71": "de Saône-et-Loire",
    "72": "de la Sarthe", "73": "de la Savoie", "74": "de la Haute-Savoie", "75": "de Paris",
    "76": "de la Seine-Maritime", "77": "de Seine-et-Marne", "78": "des Yvelines", "79": "des Deux-Sèvres",
    "80": "de la Somme", "81": "du Tarn", "82": "du Tarn-et-Garonne", "83": "du Var", "84": "du Vaucluse",
    "85": "de la Vendée", "86": "de la Vienne", "87": "de la Haute-Vienne", "88": "des Vosges", "89": "de l'Yonne",
    "90": "du Territoire de Belfort", "91": "de l'Essonne", "92": "des Hauts-de-Seine", "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne", "95": "du Val-d'Oise",
    "971": "de la Guadeloupe", "972": "de la Martinique", "973": "de la Guyane", "974": "de La Réunion",
    "976": "de Mayotte",
    # Overseas collectivities the data ships.
    "975": "de Saint-Pierre-et-Miquelon", "977": "de Saint-Barthélemy", "978": "de Saint-Martin",
    "984": "des Terres australes et antarctiques françaises", "986": "de Wallis et Futuna",
    "987": "de la Polynésie française", "988": "de la Nouvelle-Calédonie", "989": "de l'Île de Clipperton",
}


def test_every_departement_of_the_data_has_its_article() -> None:
    livres = {d.code: d for d in departements()}
    assert set(livres) == set(DE_DEPARTEMENT)
    assert len([c for c in livres if len(c) == 2]) == 96 and len([c for c in livres if c < "977"]) >= 101
    for code, attendu in DE_DEPARTEMENT.items():
        d = livres[code]
        assert departement(d.code).de == attendu, code
        assert prefet_de(d, "Monsieur") == "Préfet " + attendu, code
        assert departement(d.nom) is d


@pytest.mark.parametrize(("texte", "attendu"), [
    ("59", "Préfet du Nord"), ("Manche", "Préfète de la Manche"), ("Hauts-de-Seine", "Préfet des Hauts-de-Seine"),
    ("Ain", "Préfète de l'Ain"), ("Territoire de Belfort", "Préfet du Territoire de Belfort"),
    ("Mayotte", "Préfet de Mayotte"), ("Vosges", "Préfète des Vosges"), ("Paris", "Préfet de Paris"),
])
def test_prefet_de(texte: str, attendu: str) -> None:
    civilite: noms.Civilite = "Madame" if "Préfète" in attendu else "Monsieur"
    assert prefet_de(texte, civilite) == attendu


def test_departement_forms() -> None:
    assert [departement(t).avec_article for t in ("Nord", "Manche", "Hauts-de-Seine", "Ain", "Mayotte")] == [
        "le Nord", "la Manche", "les Hauts-de-Seine", "l'Ain", "Mayotte"]
    assert departement("Nord").a == "au Nord" and departement("Manche").a == "à la Manche"
    assert departement("Meurthe-et-Moselle").avec_article_majuscule == "Meurthe-et-Moselle"


@pytest.mark.parametrize(("texte", "code"), [
    ("Val d'Oise", "95"), ("val-d'oise", "95"), ("VAL D’OISE", "95"), ("NORD", "59"), ("Hauts de Seine", "92"),
    ("la Réunion", "974"), ("Réunion", "974"), ("reunion", "974"), ("Territoire de Belfort", "90"), ("le Nord", "59"),
    ("59", "59"), ("2A", "2A"), ("2b", "2B"), ("974", "974"), ("01", "01"), ("1", "01"), (" cote d'or ", "21"),
    ("Seine St Denis", "93"), ("l'Ain", "01"),
])
def test_departement_lookup_forgives(texte: str, code: str) -> None:
    assert departement(texte).code == code


def test_unknown_departement_suggests_in_french() -> None:
    with pytest.raises(NomInconnu, match=r"^Département « Nrod » inconnu ; vouliez-vous dire « Nord » \?$"):
        departement("Nrod")
    with pytest.raises(NomInconnu, match=r"^Département « 20 » inconnu\.$"):
        departement("20")
    assert issubclass(NomInconnu, ValueError)


@pytest.mark.parametrize(("nom", "de", "a"), [
    ("Le Havre", "du Havre", "au Havre"),
    ("Les Sables-d'Olonne", "des Sables-d'Olonne", "aux Sables-d'Olonne"),
    ("Haguenau", "de Haguenau", "à Haguenau"),
    ("Les Andelys", "des Andelys", "aux Andelys"),
    ("Le Mans", "du Mans", "au Mans"),
    ("La Rochelle", "de La Rochelle", "à La Rochelle"),
    ("Nancy", "de Nancy", "à Nancy"),
    ("Toul", "de Toul", "à Toul"),
    ("Amiens", "d'Amiens", "à Amiens"),
    ("L'Haÿ-les-Roses", "de L'Haÿ-les-Roses", "à L'Haÿ-les-Roses"),
    ("Hyères", "d'Hyères", "à Hyères"),
    ("Aux Marais", "des Marais", "aux Marais"),
    ("Los Masos", "de Los Masos", "à Los Masos"),
    ("Le Vernet-Chaméane", "du Vernet-Chaméane", "au Vernet-Chaméane"),  # TNCC 0 in the data, corrected by the name
])
def test_commune_forms(nom: str, de: str, a: str) -> None:
    c = commune(nom)
    assert (c.nom, c.de, c.a, c.avec_article) == (nom, de, a, nom)
    assert "Fait " + commune(nom.lower()).a == "Fait " + a


def test_commune_lookup_and_homonyms() -> None:
    assert commune("Fait à Nancy".removeprefix("Fait à ")).departement == "54"
    assert commune("le havre").code == "76351" and commune("Havre").code == "76351"
    assert commune("76351").nom == "Le Havre"
    assert commune("La Rochelle").departement == "17"  # the most populous
    assert commune("La Rochelle", "Haute-Saône").code == "70450"
    assert commune("Sainte-Colombe", "Doubs").departement == "25"
    assert len(noms.communes("Sainte-Colombe")) > 5
    assert commune("st etienne").nom == "Saint-Étienne"
    with pytest.raises(NomInconnu, match=r"^Aucune commune « Nancy » dans le département du Nord \(59\) ; "
                                         r"il en existe dans : Meurthe-et-Moselle \(54\)\.$"):
        commune("Nancy", "Nord")
    with pytest.raises(NomInconnu, match=r"^Commune « Haguenaux » inconnue ; vouliez-vous dire « Haguenau »"):
        commune("Haguenaux")


def test_homonyms_without_population_are_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    a = noms.Commune("Xville", 0, "99001", "59", None)
    b = noms.Commune("Xville", 0, "99002", "62", None)
    monkeypatch.setattr(noms, "communes", lambda texte: (a, b))
    with pytest.raises(NomAmbigu, match=r"^Plusieurs communes s'appellent « Xville » \(Nord \(59\), "
                                        r"Pas-de-Calais \(62\)\) ; précisez le département\.$"):
        commune("Xville")


def test_lieu_outside_the_cog() -> None:
    assert isinstance(lieu("Nancy"), noms.Commune)
    assert (lieu("Bruxelles").a, lieu("Bruxelles").de) == ("à Bruxelles", "de Bruxelles")
    assert lieu("Anvers").de == "d'Anvers" and lieu("Hambourg").de == "de Hambourg"
    assert (lieu("Le Caire").a, lieu("Le Caire").de) == ("au Caire", "du Caire")
    assert lieu("Los Angeles").de == "de Los Angeles"
    with pytest.raises(NomInconnu):
        lieu("  ")


@pytest.mark.parametrize(("nom", "forme", "attendu"), [
    ("Communauté d'agglomération Valenciennes Métropole", "pour",
     "Pour la Communauté d'agglomération Valenciennes Métropole"),
    ("Chambre de commerce et d'industrie du Valenciennois", "a",
     "à la Chambre de commerce et d'industrie du Valenciennois"),
    ("Fonds national d'aménagement et de développement du territoire", "de",
     "du Fonds national d'aménagement et de développement du territoire"),
    ("Pays Terres de Lorraine", "a", "au Pays Terres de Lorraine"),
    ("Vallourec", "pour", "Pour Vallourec"),
    ("entreprise SIDE", "pour", "Pour l'entreprise SIDE"),
    ("SIDE", "de", "de SIDE"),
    ("Orano La Hague", "de", "d'Orano La Hague"),
    ("Mécanique de l'Est SA", "a", "à Mécanique de l'Est SA"),
    ("Parole d'entreprises", "avec_article", "Parole d'entreprises"),
    ("Communauté de communes du Toulinois", "de", "de la Communauté de communes du Toulinois"),
    ("Agence nationale de la cohésion des territoires", "de", "de l'Agence nationale de la cohésion des territoires"),
    ("Association Alizé Toulinois", "a", "à l'Association Alizé Toulinois"),
    ("Amis du Toulinois", "a", "aux Amis du Toulinois"),
    ("État", "pour", "Pour l'État"),
    ("Société générale", "avec_article", "la Société générale"),
    ("Chambre de métiers et de l'artisanat", "avec_article_majuscule", "La Chambre de métiers et de l'artisanat"),
    ("Région Grand Est", "en_presence_de", "en présence de la Région Grand Est"),
    ("Conseil départemental de Meurthe-et-Moselle", "de", "du Conseil départemental de Meurthe-et-Moselle"),
    ("Haut Conseil pour le climat", "de", "du Haut Conseil pour le climat"),
    ("CCI Grand Lille", "a", "à la CCI Grand Lille"),
    ("La Poste", "de", "de La Poste"),
    ("la Maison de l'emploi", "pour", "Pour la Maison de l'emploi"),
    ("UNION des industries", "de", "de l'UNION des industries"),
])
def test_organisations(nom: str, forme: str, attendu: str) -> None:
    assert getattr(organisation(nom), forme) == attendu


def test_organisation_article_override() -> None:
    assert organisation("Société générale", "").de == "de Société générale"
    assert organisation("SIDE", "la").pour == "Pour la SIDE"
    assert organisation("Orano", "l'").de == "de l'Orano"
    assert organisation("Orano", "la").de == "de l'Orano"
    assert organisation("Compagnons du devoir", "les").a == "aux Compagnons du devoir"
    assert organisation("Vallourec", "le").a == "au Vallourec"
    with pytest.raises(NomInconnu, match="Article « une » inconnu"):
        organisation("Vallourec", "une")


def test_elide() -> None:
    assert all(map(noms.elide, ["Amiens", "État", "Île", "hôpital", "homme", "Yonne", "Orano", "EDF", "Œuvre"]))
    assert not any(map(noms.elide, ["Havre", "hameau", "Hauts-de-France", "Hongrie", "yaourt", "SIDE", "", "3M"]))


def test_civilite_agreement() -> None:
    assert noms.accord("Madame", "désigné", "désignée") == "désignée"
    assert noms.titre_prefet("Madame") == "Préfète" and noms.titre_prefet("Monsieur") == "Préfet"
    assert noms.directeur_regional("Madame") == "Directrice régionale"
    assert noms.directeur_regional("Monsieur") == "Directeur régional"
    assert (noms.represente("Madame"), noms.representant("Madame"), noms.dirigeant("Madame")) == (
        "représentée", "représentante", "dirigeante")
    assert (noms.president("Monsieur"), noms.le_la("Madame"), noms.il_elle("Monsieur"), noms.seul("Madame")) == (
        "président", "la", "il", "seule")
    assert noms.represente_par(True, "Madame", "directeur régional", "directrice régionale") == (
        "représentée par sa directrice régionale")
    assert noms.represente_par(True, "Monsieur", "directeur régional", "directrice régionale") == (
        "représentée par son directeur régional")
    assert noms.represente_par(False, "Madame", "présidente", "présidente") == "représenté par sa présidente"
    with pytest.raises(ValueError, match=r"^Civilité « M\. » inconnue"):
        noms.president("M.")  # type: ignore[arg-type]


def test_identifiers() -> None:
    attendu = "FR76\u00a03000\u00a04008\u00a02300\u00a00101\u00a02345\u00a0669"
    assert noms.format_iban("FR76-3000-4008-2300-0101-2345-669") == attendu
    assert noms.format_iban("fr76 3000 4008 2300 0101 2345 669") == attendu
    assert noms.format_iban("FR76.3000.4008.2300.0101.2345.669", " ") == "FR76 3000 4008 2300 0101 2345 669"
    assert noms.normalise_iban("FR76-3000-4008-2300-0101-2345-669") == noms.normalise_iban(
        "FR76\u00a03000 4008 2300 0101 2345 669") == "FR7630004008230001012345669"
    assert noms.format_siren("390174258") == "390\u00a0174\u00a0258"
    assert noms.format_siret("39017425810008", " ") == "390 174 258 10008"
    with pytest.raises(IdentifiantInvalide, match=r"^IBAN « FR76-3000 » invalide : "):
        noms.format_iban("FR76-3000")
    with pytest.raises(IdentifiantInvalide, match=r"^SIREN « 390174259 » invalide : clé de contrôle incorrecte"):
        noms.format_siren("390174259")


def test_import_is_cheap() -> None:
    """Importing noms reads no data and loads no third-party library (stdnum only when an identifier is formatted)."""
    import ast
    import subprocess
    import sys

    code = ("import sys, alize_docs; avant = set(sys.modules); import alize_docs.noms as n; "
            "assert n._index_communes.cache_info().currsize == 0; "
            "assert n._index_departements.cache_info().currsize == 0; print(sorted(set(sys.modules) - avant))")
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    nouveaux = ast.literal_eval(sortie)  # the printed list of module names
    assert "alize_docs.noms" in nouveaux
    assert not [m for m in nouveaux if m.split(".")[0] in ("stdnum", "lxml", "docx", "babel", "pydantic")]
