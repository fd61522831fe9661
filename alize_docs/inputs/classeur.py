"""A territory in a spreadsheet (.xlsx or .ods): written from its model, read back into the same plain data.

A territory workbook has one sheet per part of the file, in French: « Dispositif », « Financeurs », « Opérateur »,
« Comité » are two columns (a rubrique and its value; a list of texts repeats its rubrique, one row per item),
« Partenaires » and « Dépenses » are tables (one row per partner, per operating expense), « Aide » explains
every field and a hidden « Listes » sheet holds the drop-down lists. :func:`read_territory_workbook` gives the
plain data the YAML reader would give (text, not floats; dates as ISO text), so the same typed model and rules
apply; every field path keeps its sheet, row and column, and the report prints them
(« Partenaires, ligne 7, colonne Avances année 2 ») instead of a YAML line.

Amounts read back as typed: a whole number as ``40000``, a number with cents with its two decimals
(``1234.50``, as the cell shows it); more decimals than the cent stay, and are refused by the model.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from alize_docs.domain.models import Territoire
from alize_docs.errors import Chemin, InvalidInput, Probleme, ValidationReport
from alize_docs.inputs.yaml import LoadedData, read_yaml

if TYPE_CHECKING:
    from alize_docs.inputs.workbook import Ligne

__all__ = [
    "CLASSEURS", "FEUILLES", "Champ", "DonneesClasseur", "Feuille", "is_cooperation_workbook", "is_workbook",
    "ods_sheets", "read_input", "read_territory_workbook", "territory_workbook", "workbook_items",
    "write_territory_workbook",
]

CLASSEURS = (".xlsx", ".ods")
"""The suffixes of the workbooks the reader accepts."""

Genre = Literal["texte", "long", "montant", "entier", "date", "identifiant14", "choix", "oui-non"]


@dataclass(frozen=True)
class Champ:
    """One field of a sheet: its path (relative to the row in a table), its French label, its kind."""

    chemin: Chemin
    libelle: str
    genre: Genre
    aide: str
    liste: str | None = None  # the drop-down list (a key of _LISTES), if any
    repete: bool = False  # a list of texts: one row per item (two-column sheets only)
    largeur: int = 0  # the column width of a table, 0 to fit its content


@dataclass(frozen=True)
class Feuille:
    """One sheet: two columns (rubrique → valeur), or a table of *racine* (one row per item)."""

    nom: str
    champs: tuple[Champ, ...]
    racine: Chemin | None = None  # a table's list in the data; None for a two-column sheet
    aide: str = ""


def _personne(chemin: Chemin, qui: str, exemple_qualite: str = "Président") -> tuple[Champ, ...]:
    return (Champ((*chemin, "civilite"), f"{qui} : civilité", "choix", "Madame ou Monsieur", "civilite"),
            Champ((*chemin, "prenom"), f"{qui} : prénom", "texte", "Prénom"),
            Champ((*chemin, "nom"), f"{qui} : nom", "texte", "Nom de famille"),
            Champ((*chemin, "qualite"), f"{qui} : qualité", "texte",
                  f"Fonction du signataire (« {exemple_qualite} ») ; facultative pour certains"))


def _annees(chemin: Chemin, quoi: str, genre: Genre = "montant") -> tuple[Champ, ...]:
    unite = "en jours" if genre == "entier" else "en euros"
    return tuple(Champ((*chemin, i), f"{quoi} année {i + 1}", genre,
                       f"{quoi} de l'année {i + 1} de la convention, {unite} ; vide si aucun") for i in range(3))


FEUILLES: tuple[Feuille, ...] = (
    Feuille("Dispositif", (
        Champ(("modele",), "Modèle de clauses", "choix", "Version des clauses de la convention (2008, 2011…)",
              "modeles"),
        Champ(("dispositif", "nom"), "Nom du dispositif", "texte", "Ce qui suit « ALIZÉ® » : Toulinois"),
        Champ(("dispositif", "nature"), "Nature", "choix", "création (première convention) ou renouvellement",
              "nature"),
        Champ(("dispositif", "zone_emploi"), "Zone d'emploi", "texte", "Zone d'emploi INSEE du dispositif"),
        Champ(("dispositif", "departement"), "Département", "choix", "Département du dispositif (liste)",
              "departements"),
        Champ(("dispositif", "territoire"), "Territoire couvert", "texte",
              "Une commune ou une intercommunalité par ligne : répétez la rubrique autant de fois que nécessaire",
              repete=True),
        Champ(("dispositif", "carte_annexee"), "Carte annexée", "oui-non", "oui si une carte est annexée",
              "oui-non"),
        Champ(("dispositif", "contexte"), "Contexte", "long",
              "Article 1 : le contexte économique ; une ligne vide sépare deux paragraphes"),
        Champ(("dispositif", "premiers_resultats"), "Premiers résultats", "long",
              "Résultats de la convention précédente : obligatoire pour un renouvellement, vide sinon"),
        Champ(("dispositif", "objectifs", "projets"), "Objectif : nombre de projets", "entier",
              "Projets de PME à soutenir en trois ans"),
        Champ(("dispositif", "objectifs", "emplois"), "Objectif : nombre d'emplois", "entier",
              "Emplois à créer ou maintenir en trois ans"),
        Champ(("dispositif", "objectifs", "specifiques"), "Objectif spécifique", "texte",
              "Un objectif propre au dispositif par ligne (répétez la rubrique) ; facultatif", repete=True),
        Champ(("dispositif", "valorisation_jour"), "Valorisation d'une journée", "montant",
              "Facultatif : si donnée, celle du modèle (700 €)"),
        Champ(("dispositif", "duree_annees"), "Durée en années", "entier",
              "Facultatif : si donnée, celle du modèle (3 ans)"),
        Champ(("signature", "lieu"), "Lieu de signature", "texte", "Ville où la convention est signée"),
        Champ(("signature", "date"), "Date de signature", "date", "Date de signature de la convention"),
    ), aide="Le dispositif : une rubrique par ligne, sa valeur en colonne B."),
    Feuille("Partenaires", (
        Champ(("id",), "Identifiant", "texte", "Court et unique (side, cc-toulinois) : les autres feuilles et les "
                                               "conventions de coopération le citent", largeur=18),
        Champ(("nom",), "Nom", "texte", "Nom complet du partenaire", largeur=40),
        Champ(("categorie",), "Catégorie", "choix", "entreprise, collectivité ou organisme", "categorie"),
        Champ(("represente_par",), "Représenté par", "choix",
              "État si le partenaire signe par le bloc du Préfet (pas de signataire propre) ; vide sinon",
              "represente_par"),
        *_personne(("signataire",), "Signataire", "Directeur régional"),
        *_annees(("apports", "avances"), "Avances"),
        *_annees(("apports", "fonctionnement"), "Fonctionnement"),
        *_annees(("apports", "jours"), "Jours", "entier"),
    ), racine=("partenaires",), aide="Annexe 1 : une ligne par partenaire, ses dotations au fonds d'avances "
                                     "remboursables et au fonctionnement, et ses jours d'appui, par année."),
    Feuille("Comité", (
        Champ(("comite_agrement", "president", "partenaire"), "Président : identifiant du partenaire", "texte",
              "L'identifiant (feuille Partenaires) de l'entreprise dont le président est salarié"),
        *_personne(("comite_agrement", "president"), "Président", "Directeur régional"),
        Champ(("comite_agrement", "plafond_avance"), "Plafond d'une avance", "montant",
              "Facultatif : montant maximal d'une avance remboursable à une PME"),
    ), aide="Le comité d'agrément : son président et le plafond des avances."),
    Feuille("Opérateur", (
        Champ(("operateur", "nom"), "Nom", "texte", "Nom de l'opérateur local"),
        Champ(("operateur", "forme"), "Forme juridique", "texte", "association régie par la loi du 1er juillet 1901"),
        Champ(("operateur", "siret"), "SIRET", "identifiant14", "14 chiffres, zéros en tête compris"),
        Champ(("operateur", "adresse"), "Adresse", "texte", "Adresse du siège"),
        *_personne(("operateur", "representant"), "Représentant"),
        Champ(("operateur", "autorisation_direction_budget"), "Autorisation de la direction du Budget", "date",
              "Date de l'autorisation"),
        Champ(("operateur", "comptes", "avances", "banque"), "Compte du fonds d'avances : banque", "texte",
              "Banque du compte du fonds d'avances remboursables"),
        Champ(("operateur", "comptes", "avances", "iban"), "Compte du fonds d'avances : IBAN", "texte",
              "IBAN (FR76 …), espaces admis"),
        Champ(("operateur", "comptes", "fonctionnement", "banque"), "Compte de fonctionnement : banque", "texte",
              "Banque du compte de fonctionnement"),
        Champ(("operateur", "comptes", "fonctionnement", "iban"), "Compte de fonctionnement : IBAN", "texte",
              "IBAN, distinct de celui du fonds d'avances"),
    ), aide="L'opérateur local (annexe 3) et ses deux comptes."),
    Feuille("Financeurs", (
        *_personne(("etat", "prefet"), "Préfet", "Préfet de Meurthe-et-Moselle"),
        Champ(("cdc", "direction_regionale"), "CDC : direction régionale", "texte",
              "Direction régionale de la Caisse des Dépôts (Lorraine)"),
        *_personne(("cdc", "directeur"), "CDC : directeur", "Directeur régional"),
        *_annees(("cdc", "apports", "avances"), "CDC : avances"),
        *_personne(("astrees", "representant"), "ASTREES : représentant", "Délégué général"),
    ), aide="L'État, la Caisse des Dépôts et ASTREES."),
)
"""The sheets of a territory workbook, in order (« Dépenses » is a table of its own, see :data:`DEPENSES`)."""

POSTES = {"Communication": "communication", "Contribution ASTREES": "contribution_astrees", "Autre": "autres"}
DEPENSES = Feuille("Dépenses", (
    Champ(("poste",), "Poste", "choix", "Communication, Contribution ASTREES ou Autre (une ligne chacun)", "poste"),
    Champ(("libelle",), "Libellé", "texte", "Pour un poste Autre : ce que la dépense finance", largeur=40),
    *_annees(("montants",), "Montant"),
), racine=("depenses_fonctionnement",), aide="Les dépenses du compte de fonctionnement, par année.")

_LISTES_FIXES: dict[str, dict[str, str]] = {  # shown → the model's value
    "civilite": {"Madame": "Madame", "Monsieur": "Monsieur"},
    "nature": {"création": "creation", "renouvellement": "renouvellement"},
    "categorie": {"entreprise": "entreprise", "collectivité": "collectivite", "organisme": "organisme"},
    "represente_par": {"État": "etat"},
    "oui-non": {"oui": "oui", "non": "non"},
    "poste": {nom: nom for nom in POSTES},
}
_GENRES = {"texte": "texte", "long": "texte long (une ligne vide entre deux paragraphes)", "montant":
           "montant en euros (nombre, ou texte « 15 000,50 »)", "entier": "nombre entier", "date": "date (JJ/MM/AAAA)",
           "identifiant14": "14 chiffres", "choix": "au choix dans la liste", "oui-non": "oui ou non"}
_FORMAT_MONTANT = '#,##0.00 "€"'
_FORMAT_DATE = "DD/MM/YYYY"


# --- reading ----------------------------------------------------------------------------------------------------

@dataclass
class DonneesClasseur(LoadedData):
    """The plain data of a workbook, with each field path's sheet, row and column (``lieux``), row (``lignes``)
    and place in the workbook's order (``rangs``): its report prints the cell, not a YAML line."""

    lieux: dict[Chemin, str] = field(default_factory=dict)
    rangs: dict[Chemin, tuple[int, int, int]] = field(default_factory=dict)

    def report(self, extra: list[Probleme] | tuple[Probleme, ...] = ()) -> ValidationReport:
        places = dict.fromkeys(self._place(p) for p in (*self.problemes, *extra))
        return ValidationReport(self.source, tuple(p for p, _ in sorted(places, key=lambda pr: pr[1])))

    def _place(self, probleme: Probleme) -> tuple[Probleme, tuple[int, int, int]]:
        chemin = probleme.chemin
        while chemin and chemin not in self.lieux:
            chemin = chemin[:-1]
        rang = self.rangs.get(chemin, (-1, 0, 0))
        if probleme.lieu is not None or chemin not in self.lieux:
            return probleme, rang
        return replace(probleme, lieu=self.lieux[chemin], ligne=self.lignes.get(chemin)), rang


FORMULE = _FORMULE = object()  # a formula cell saved without its computed value
Cellules = dict[int, dict[int, Any]]  # row → column → value (1-based, filled cells only)


def is_workbook(chemin: str | Path) -> bool:
    return Path(chemin).suffix.lower() in CLASSEURS


def read_input(chemin: str | Path) -> LoadedData:
    """Return the plain data of a territory or cooperation file: YAML, or a territory workbook (.xlsx, .ods)."""
    return read_territory_workbook(chemin) if is_workbook(chemin) else read_yaml(chemin)


def read_territory_workbook(chemin: str | Path) -> DonneesClasseur:
    """Return the plain data of a territory workbook, never raising on bad content (problems are in it)."""
    resultat = DonneesClasseur(str(chemin))
    feuilles = _read_sheets(Path(chemin), resultat)
    if feuilles is None:
        return resultat
    if not {"Dispositif", "Partenaires"} <= set(feuilles):
        resultat.problemes.append(Probleme("file", (), _not_a_territory(Path(chemin), feuilles)))
        return resultat
    donnees: dict[str, Any] = {}
    for rang, feuille in enumerate(FEUILLES):
        if feuille.racine is None:
            _read_pairs(feuille, rang, feuilles.get(feuille.nom), donnees, resultat)
        else:
            _read_table(feuille, rang, feuilles.get(feuille.nom), donnees, resultat)
    _read_expenses(len(FEUILLES), feuilles.get(DEPENSES.nom), donnees, resultat)
    resultat.data = _lists(donnees)
    return resultat


def _not_a_territory(chemin: Path, feuilles: Mapping[str, Cellules]) -> str:
    premiere = next(iter(feuilles.values()), {})
    entetes = {_cle(str(v)) for v in premiere.get(1, {}).values()}
    if "Conventions" in feuilles or {"numero", _cle("Numéro de la convention")} & entetes:
        return (f"{chemin.name} est un classeur de conventions de coopération (une par ligne) : produisez-les avec "
                f"« alize-docs lot {chemin} -o DOSSIER ».")
    return (f"{chemin.name} n'est pas un classeur de dispositif : il lui manque les feuilles « Dispositif » et "
            "« Partenaires » (modèle : « alize-docs modele-tableur --territoire dispositif.xlsx »).")


def _read_sheets(chemin: Path, resultat: LoadedData) -> dict[str, Cellules] | None:
    from alize_docs.office import FichierRefuse, ouvrir

    try:
        with ouvrir(chemin) as paquet:
            octets = paquet.octets_surs()
        return ods_sheets(octets) if chemin.suffix.lower() == ".ods" else _xlsx_sheets(octets)
    except FileNotFoundError:
        message = f"Fichier introuvable : {chemin}."
    except FichierRefuse as exc:
        message = f"{exc}"
    except Exception as exc:  # a library's own error on a broken file: say it in French, keep its name
        message = f"Le classeur {chemin.name} ne peut pas être lu ({type(exc).__name__}) : enregistrez-le de " \
                  "nouveau depuis Excel ou LibreOffice Calc."
    resultat.problemes.append(Probleme("file", (), message))
    return None


def _xlsx_sheets(octets: bytes) -> dict[str, Cellules]:
    from openpyxl import load_workbook

    valeurs = load_workbook(io.BytesIO(octets), data_only=True, read_only=True)
    formules = load_workbook(io.BytesIO(octets), data_only=False, read_only=True)
    feuilles: dict[str, Cellules] = {}
    for feuille, brute in zip(valeurs.worksheets, formules.worksheets, strict=True):
        cellules: Cellules = {}
        for numero, (rangee, rangee_brute) in enumerate(zip(feuille.iter_rows(values_only=True),
                                                            brute.iter_rows(values_only=True), strict=False), 1):
            for colonne, (valeur, formule) in enumerate(zip(rangee, rangee_brute, strict=False), 1):
                if valeur is None and isinstance(formule, str) and formule.startswith("="):
                    valeur = _FORMULE
                elif isinstance(valeur, int | float) and not isinstance(valeur, bool):
                    valeur = _decimal(valeur)
                if valeur is not None and valeur != "":
                    cellules.setdefault(numero, {})[colonne] = valeur
        feuilles[str(feuille.title)] = cellules
    return feuilles


def ods_sheets(octets: bytes) -> dict[str, Cellules]:
    """Return every sheet of an .ods (already accepted by the safe reader) as its filled cells."""
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table

    document = load(io.BytesIO(octets))
    feuilles: dict[str, Cellules] = {}
    for table in document.spreadsheet.getElementsByType(Table):
        cellules: Cellules = {}
        numero = 1
        for rangee in (n for n in table.childNodes if _local(n) in ("table-row", "table-rows", "table-header-rows",
                                                                    "table-row-group")):
            for vraie in ([rangee] if _local(rangee) == "table-row" else
                          [n for n in rangee.childNodes if _local(n) == "table-row"]):
                repetee = int(vraie.getAttribute("numberrowsrepeated") or 1)
                ligne = _ods_row(vraie, teletype)
                if ligne:
                    for i in range(min(repetee, 1000)):
                        cellules[numero + i] = dict(ligne)
                numero += repetee
        feuilles[str(table.getAttribute("name"))] = cellules
    return feuilles


def _local(noeud: Any) -> str:
    return str(noeud.qname[1]) if getattr(noeud, "qname", None) else ""


def _ods_row(rangee: Any, teletype: Any) -> dict[int, Any]:
    ligne: dict[int, Any] = {}
    colonne = 1
    for cellule in rangee.childNodes:
        if _local(cellule) not in ("table-cell", "covered-table-cell"):
            continue
        repetee = int(cellule.getAttribute("numbercolumnsrepeated") or 1)
        valeur = _ods_value(cellule, teletype)
        if valeur is not None:
            for i in range(min(repetee, 1000)):
                ligne[colonne + i] = valeur
        colonne += repetee
    return ligne


def _ods_value(cellule: Any, teletype: Any) -> Any:
    genre = cellule.getAttribute("valuetype")
    if genre in ("float", "currency", "percentage"):
        return _decimal(cellule.getAttribute("value"))
    if genre == "date":
        texte = str(cellule.getAttribute("datevalue"))
        return dt.datetime.fromisoformat(texte) if "T" in texte else dt.date.fromisoformat(texte)
    if genre == "boolean":
        return cellule.getAttribute("booleanvalue") == "true"
    paragraphes = [teletype.extractText(p) for p in cellule.childNodes if _local(p) == "p"]
    texte = "\n".join(paragraphes)
    if not genre and cellule.getAttribute("formula"):
        return _FORMULE
    return texte or None


def _decimal(valeur: Any) -> Decimal:
    """A cell's number as the person typed it: a float's binary noise below 10⁻⁹ dropped."""
    if isinstance(valeur, float):
        return Decimal(repr(valeur)).quantize(Decimal("1e-9")).normalize()
    try:
        return Decimal(str(valeur))
    except InvalidOperation:
        return Decimal("NaN")


def _cle(texte: str) -> str:
    """A label as compared: no accents, case, surrounding spaces or typographic apostrophe."""
    sans = unicodedata.normalize("NFKD", texte.replace("’", "'"))
    return " ".join("".join(c for c in sans if not unicodedata.combining(c)).casefold().split())


def _read_pairs(feuille: Feuille, rang: int, cellules: Cellules | None, donnees: dict[str, Any],
                resultat: DonneesClasseur) -> None:
    champs = {_cle(c.libelle): c for c in feuille.champs}
    for champ in feuille.champs:  # where each field is said when its row is missing
        _locate(resultat, champ.chemin, f"{feuille.nom}, rubrique « {champ.libelle} » (absente)", (rang, 10**6, 0))
        for partie in range(1, len(champ.chemin)):  # the groups exist, so that a missing field names itself
            if isinstance(champ.chemin[partie], int):
                break
            _set(donnees, champ.chemin[:partie], {}, seulement_absent=True)
    if cellules is None:
        resultat.problemes.append(Probleme("missing", feuille.champs[0].chemin[:1],
                                           f"La feuille « {feuille.nom} » manque au classeur.", lieu=feuille.nom))
        return
    vus: dict[str, int] = {}
    for numero in sorted(cellules):
        rangee = cellules[numero]
        libelle, valeur = rangee.get(1), rangee.get(2)
        if numero == 1 and libelle is not None and _cle(str(libelle)) == "rubrique":
            continue
        if libelle is None:
            if valeur is not None:
                resultat.problemes.append(Probleme("unknown-key", (), "Valeur sans rubrique en colonne A.",
                                                   numero, f"{feuille.nom}, ligne {numero}"))
            continue
        trouve = champs.get(_cle(str(libelle)))
        lieu = f"{feuille.nom}, ligne {numero} ({libelle})"
        if trouve is None:
            proches = difflib.get_close_matches(str(libelle), [c.libelle for c in feuille.champs], n=1)
            conseil = f"vouliez-vous dire « {proches[0]} » ?" if proches else "voir la feuille « Aide »."
            resultat.problemes.append(Probleme("unknown-key", (), f"Rubrique inconnue « {libelle} » : {conseil}",
                                               numero, lieu))
            continue
        champ = trouve
        if champ.repete:
            if valeur is None:
                continue
            liste = _get(donnees, champ.chemin) or []
            chemin = (*champ.chemin, len(liste))
            _locate(resultat, champ.chemin, lieu, (rang, numero, 2), numero, remplace=len(liste) == 0)
            _locate(resultat, chemin, lieu, (rang, numero, 2), numero)
            _set(donnees, champ.chemin, [*liste, _value(valeur, champ, chemin, lieu, numero, resultat)])
            continue
        cle = _cle(champ.libelle)
        if cle in vus:
            resultat.problemes.append(Probleme("duplicate-key", champ.chemin, f"Rubrique « {champ.libelle} » en double "
                                               f"(déjà donnée ligne {vus[cle]}) : une seule valeur est admise.",
                                               numero, lieu))
            continue
        vus[cle] = numero
        _locate(resultat, champ.chemin, lieu, (rang, numero, 2), numero, remplace=True)
        converti = _value(valeur, champ, champ.chemin, lieu, numero, resultat)
        if converti is not None:
            _set(donnees, champ.chemin, converti)
    for champ in feuille.champs:  # a group or a list is where its first field is
        for partie in range(1, len(champ.chemin)):
            _locate(resultat, champ.chemin[:partie], resultat.lieux[champ.chemin], resultat.rangs[champ.chemin],
                    resultat.lignes.get(champ.chemin))


def _read_table(feuille: Feuille, rang: int, cellules: Cellules | None, donnees: dict[str, Any],
                resultat: DonneesClasseur) -> None:
    assert feuille.racine is not None
    racine = feuille.racine
    resultat.lieux.setdefault(racine, f"feuille {feuille.nom}")
    resultat.rangs.setdefault(racine, (rang, 0, 0))
    if cellules is None:
        _set(donnees, racine, [])
        resultat.problemes.append(Probleme("missing", racine, f"La feuille « {feuille.nom} » manque au classeur.",
                                           lieu=feuille.nom))
        return
    entetes = cellules.get(1, {})
    champs = {_cle(c.libelle): c for c in feuille.champs}
    colonnes: dict[int, Champ] = {}
    for colonne, entete in sorted(entetes.items()):
        champ = champs.get(_cle(str(entete)))
        if champ is None:
            proches = difflib.get_close_matches(str(entete), [c.libelle for c in feuille.champs], n=1)
            conseil = f"vouliez-vous dire « {proches[0]} » ?" if proches else "voir la feuille « Aide »."
            resultat.problemes.append(Probleme("unknown-key", racine, f"Colonne inconnue « {entete} » : {conseil}", 1,
                                               f"{feuille.nom}, ligne 1, colonne {_lettre(colonne)}"))
        else:
            colonnes[colonne] = champ
    places = {c: i for i, c in colonnes.items()}
    elements: list[dict[str, Any]] = []
    for numero in sorted(n for n in cellules if n > 1):
        rangee = {c: v for c, v in cellules[numero].items() if c in colonnes}
        if not rangee:
            continue
        element: dict[str, Any] = {}
        chemin_ligne = (*racine, len(elements))
        _locate(resultat, chemin_ligne, f"{feuille.nom}, ligne {numero}", (rang, numero, 0), numero)
        for champ in feuille.champs:
            lieu = f"{feuille.nom}, ligne {numero}, colonne {champ.libelle}"
            colonne = places.get(champ, 10**6)
            chemin = (*chemin_ligne, *champ.chemin)
            for partie in range(len(chemin_ligne) + 1, len(chemin) + 1):
                _locate(resultat, chemin[:partie], lieu, (rang, numero, colonne), numero)
            if champ in places and places[champ] in rangee:
                converti = _value(rangee[places[champ]], champ, chemin, lieu, numero, resultat)
                if converti is not None:
                    _set(element, champ.chemin, converti)
        elements.append(element)
    _set(donnees, racine, elements)


def _read_expenses(rang: int, cellules: Cellules | None, donnees: dict[str, Any], resultat: DonneesClasseur) -> None:
    """The « Dépenses » table: communication and ASTREES' contribution by year, then the other expenses."""
    brut: dict[str, Any] = {}
    _read_table(DEPENSES, rang, cellules, brut, resultat)
    lignes = brut.get("depenses_fonctionnement", [])
    depenses: dict[str, Any] = {}
    autres: list[dict[str, Any]] = []
    anciens = {c: v for c, v in resultat.lieux.items() if c[:1] == ("depenses_fonctionnement",) and len(c) > 1}
    for chemin in anciens:
        del resultat.lieux[chemin]
    for nom, cle in POSTES.items():
        if cle != "autres":
            _locate(resultat, ("depenses_fonctionnement", cle), f"{DEPENSES.nom}, ligne « {nom} » (absente)",
                    (rang, 10**6, 0))
    for i, ligne in enumerate(lignes):
        ici = ("depenses_fonctionnement", i)
        poste = POSTES.get(str(ligne.get("poste", "")))
        if poste is None:
            resultat.problemes.append(Probleme(
                "choice", ("depenses_fonctionnement",), f"Poste « {ligne.get('poste', '')} » non admis : valeurs "
                f"possibles : {', '.join(POSTES)}.", resultat.lignes.get(ici), anciens.get((*ici, "poste"))))
            continue
        if poste == "autres":
            cible: Chemin = ("depenses_fonctionnement", "autres", len(autres))
            autres.append({k: v for k, v in ligne.items() if k in ("libelle", "montants")})
        else:
            cible = ("depenses_fonctionnement", poste)
            if poste in depenses:
                resultat.problemes.append(Probleme(
                    "duplicate-key", cible, f"Poste « {ligne['poste']} » en double : une seule ligne est admise.",
                    resultat.lignes.get(ici), anciens.get((*ici, "poste"))))
                continue
            depenses[poste] = ligne.get("montants")
            if depenses[poste] is None:
                del depenses[poste]
        for chemin, lieu in anciens.items():  # the row's places, moved to where the data now is
            if chemin[:2] == ici:
                reste = chemin[2:]
                if poste != "autres" and reste[:1] == ("montants",):
                    reste = reste[1:]
                _locate(resultat, (*cible, *reste), lieu, resultat.rangs.get(chemin, (rang, 0, 0)),
                        resultat.lignes.get(chemin), remplace=len(reste) > 0 or "absente" in
                        resultat.lieux.get((*cible, *reste), ""))
    if autres:
        depenses["autres"] = autres
    donnees["depenses_fonctionnement"] = depenses


def _locate(resultat: DonneesClasseur, chemin: Chemin, lieu: str, rang: tuple[int, int, int],
            ligne: int | None = None, *, remplace: bool = False) -> None:
    if remplace or chemin not in resultat.lieux:
        resultat.lieux[chemin] = lieu
        resultat.rangs[chemin] = rang
        if ligne is not None:
            resultat.lignes[chemin] = ligne


def _lettre(colonne: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(colonne))


def _value(valeur: Any, champ: Champ, chemin: Chemin, lieu: str, ligne: int, resultat: LoadedData) -> Any:
    """Return a cell's value as the YAML reader would give it (text), or None for an empty cell."""
    if valeur is None:
        return None
    if valeur is _FORMULE:
        resultat.problemes.append(Probleme("type", chemin, "Cette cellule est une formule enregistrée sans sa valeur "
                                           "calculée : ouvrez le classeur dans Excel ou LibreOffice et "
                                           "enregistrez-le.", ligne, lieu))
        return None
    if isinstance(valeur, str):
        if not valeur.strip():
            return None
        if champ.genre == "choix" and champ.liste in _LISTES_FIXES:
            choix = {_cle(k): v for k, v in _LISTES_FIXES[champ.liste].items()}
            choix |= {_cle(v): v for v in _LISTES_FIXES[champ.liste].values()}
            if _cle(valeur) not in choix:
                resultat.problemes.append(Probleme("choice", chemin, f"Valeur « {valeur.strip()} » non admise : au "
                                                   f"choix : {', '.join(_LISTES_FIXES[champ.liste])}.", ligne, lieu))
                return None
            return choix[_cle(valeur)]
        return valeur
    if isinstance(valeur, bool):
        if champ.genre == "oui-non":
            return "oui" if valeur else "non"
        return "true" if valeur else "false"
    if isinstance(valeur, dt.datetime | dt.date):
        jour = valeur.date() if isinstance(valeur, dt.datetime) else valeur
        return jour.isoformat() if champ.genre == "date" else jour.strftime("%d/%m/%Y")
    if isinstance(valeur, Decimal):
        if champ.genre == "date" and valeur.is_finite():
            from openpyxl.utils.datetime import from_excel

            return from_excel(float(valeur)).date().isoformat()
        if champ.genre == "identifiant14" and valeur.is_finite() and valeur == valeur.to_integral_value():
            return str(int(valeur)).zfill(14)
        return _number_text(valeur)
    return str(valeur)


def _number_text(nombre: Decimal) -> str:
    """``40000`` for a whole number, ``1234.50`` for one with cents, every digit beyond (refused later)."""
    if not nombre.is_finite():
        return str(nombre)
    if nombre == nombre.to_integral_value():
        return str(int(nombre))
    exposant = nombre.normalize().as_tuple().exponent
    if isinstance(exposant, int) and exposant >= -2:
        return format(nombre.quantize(Decimal("0.01")), "f")
    return format(nombre.normalize(), "f")


def _get(donnees: Any, chemin: Chemin) -> Any:
    for partie in chemin:
        dedans = partie in donnees if isinstance(donnees, dict) else (
            isinstance(donnees, list) and isinstance(partie, int) and partie < len(donnees))
        if not dedans:
            return None
        donnees = donnees[partie]
    return donnees


def _set(donnees: dict[Any, Any], chemin: Chemin, valeur: Any, *, seulement_absent: bool = False) -> None:
    cible: Any = donnees
    for partie in chemin[:-1]:
        cible = cible.setdefault(partie, {})
    if not (seulement_absent and chemin[-1] in cible):
        cible[chemin[-1]] = valeur


def _lists(donnees: Any) -> Any:
    """Turn the year groups ({0: …, 2: …}) into lists, a missing year as None (refused by the model)."""
    if isinstance(donnees, list):
        return [_lists(v) for v in donnees]
    if not isinstance(donnees, dict):
        return donnees
    if donnees and all(isinstance(k, int) for k in donnees):
        return [_lists(donnees.get(i)) for i in range(max(donnees) + 1)]
    return {k: _lists(v) for k, v in donnees.items()}


# --- writing ----------------------------------------------------------------------------------------------------

def write_territory_workbook(territoire: Territoire, chemin: str | Path, modeles: Collection[str] = ()) -> None:
    """Write *territoire* as a workbook (.xlsx) that :func:`read_territory_workbook` reads back into the same model.

    *modeles*: the clause models offered in the « Modèle de clauses » drop-down list (the territory's own at least).
    Raise :class:`InvalidInput` if a list holds more than the three years the workbook has columns for.
    """
    Path(chemin).write_bytes(territory_workbook(territoire, modeles, str(chemin)))


def territory_workbook(territoire: Territoire, modeles: Collection[str] = (), source: str = "classeur") -> bytes:
    """Return the .xlsx bytes of :func:`write_territory_workbook`."""
    from openpyxl import Workbook

    donnees = territoire.model_dump(mode="python")
    _check_years(donnees, source)
    if territoire.dispositif.carte is not None:  # no column for it yet: never dropped silently
        raise InvalidInput(ValidationReport(source, (Probleme("map", ("dispositif", "carte"), (
            f"Le classeur n'a pas de colonne pour la carte du Territoire (« {territoire.dispositif.carte} ») : "
            "gardez ce dispositif en YAML, ou retirez la clé « carte » avant de le convertir.")),)))
    classeur = Workbook()
    classeur.remove(classeur.active)
    valeurs = _list_values(modeles or (territoire.modele,), territoire.modele)
    listes = _list_ranges(valeurs)
    for feuille in FEUILLES:
        if feuille.racine is None:
            _write_pairs(classeur.create_sheet(feuille.nom), feuille, donnees, listes)
        else:
            _write_table(classeur.create_sheet(feuille.nom), feuille, donnees[str(feuille.racine[0])], listes)
    _write_table(classeur.create_sheet(DEPENSES.nom), DEPENSES, _expense_rows(donnees["depenses_fonctionnement"]),
                 listes)
    _help_sheet(classeur.create_sheet("Aide"))
    _lists_sheet(classeur.create_sheet("Listes"), valeurs)
    classeur.active = 0
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _check_years(donnees: dict[str, Any], source: str) -> None:
    trop: list[Probleme] = []

    def parcourir(valeur: Any, chemin: Chemin) -> None:
        if isinstance(valeur, dict):
            for cle, v in valeur.items():
                parcourir(v, (*chemin, cle))
        elif isinstance(valeur, list):
            if chemin[-1] in ("avances", "fonctionnement", "jours", "montants", "communication",
                              "contribution_astrees") and len(valeur) > 3:
                trop.append(Probleme("duration", chemin, f"{len(valeur)} années données : le classeur en prévoit "
                                                         "trois (la durée d'une convention)."))
            for i, v in enumerate(valeur):
                parcourir(v, (*chemin, i))

    parcourir(donnees, ())
    if trop:
        raise InvalidInput(ValidationReport(source, tuple(trop)))


def _expense_rows(depenses: dict[str, Any]) -> list[dict[str, Any]]:
    lignes = [{"poste": nom, "montants": depenses[cle]} for nom, cle in POSTES.items()
              if cle != "autres" and depenses.get(cle) is not None]
    return lignes + [{"poste": "Autre", "libelle": a["libelle"], "montants": a["montants"]}
                     for a in depenses.get("autres", [])]


def _list_values(modeles: Iterable[str], modele: str) -> dict[str, list[str]]:
    from alize_docs.noms import departements

    valeurs = {nom: list(choix) for nom, choix in _LISTES_FIXES.items()}
    valeurs["modeles"] = sorted({*modeles, modele})
    valeurs["departements"] = [d.nom for d in departements()]
    return valeurs


def _list_ranges(valeurs: dict[str, list[str]]) -> dict[str, str]:
    """Each drop-down list's range in the hidden « Listes » sheet."""
    from openpyxl.utils import get_column_letter

    return {nom: f"Listes!${get_column_letter(colonne)}$2:${get_column_letter(colonne)}${len(choix) + 1}"
            for colonne, (nom, choix) in enumerate(valeurs.items(), 1)}


def _lists_sheet(feuille: Any, valeurs: dict[str, list[str]]) -> None:
    feuille.sheet_state = "hidden"
    for colonne, (nom, choix) in enumerate(valeurs.items(), 1):
        feuille.cell(1, colonne, nom)
        for ligne, valeur in enumerate(choix, 2):
            feuille.cell(ligne, colonne, valeur)


def _shown(valeur: Any, champ: Champ) -> Any:
    """A model's value as the workbook shows it (the drop-down's French word, a date, a Decimal)."""
    if valeur is None:
        return None
    if champ.genre == "oui-non":
        return "oui" if valeur else "non"
    if champ.liste in _LISTES_FIXES:
        return next((k for k, v in _LISTES_FIXES[champ.liste].items() if v == valeur), valeur)
    return valeur


def _put(feuille: Any, ligne: int, colonne: int, valeur: Any, champ: Champ) -> Any:
    from openpyxl.styles import Alignment

    cellule = feuille.cell(ligne, colonne)
    cellule.value = valeur
    if isinstance(valeur, str):
        cellule.data_type = "s"  # never a formula, whatever the text begins with
    if champ.genre == "montant":
        cellule.number_format = _FORMAT_MONTANT
    elif champ.genre == "date":
        cellule.number_format = _FORMAT_DATE
    elif champ.genre in ("identifiant14", "texte", "long", "choix"):
        cellule.number_format = "@"
    if champ.genre == "long" or (isinstance(valeur, str) and "\n" in valeur):
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
    return cellule


def _format_column(dimension: Any, champ: Champ) -> None:
    formats = {"montant": _FORMAT_MONTANT, "date": _FORMAT_DATE, "entier": "0"}
    dimension.number_format = formats.get(champ.genre, "@")


def _header(feuille: Any, titres: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for colonne, titre in enumerate(titres, 1):
        cellule = feuille.cell(1, colonne, titre)
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="D9E2F3")
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
    feuille.freeze_panes = "A2"


def _validation(feuille: Any, champ: Champ, listes: dict[str, str], plage: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if champ.liste is None:
        return
    validation = DataValidation(type="list", formula1=f"={listes[champ.liste]}", allow_blank=True,
                                showErrorMessage=True, errorTitle="Valeur non admise",
                                error=f"{champ.libelle} : choisissez une valeur de la liste.")
    validation.add(plage)
    feuille.add_data_validation(validation)


def _width(valeurs: Iterable[Any], minimum: int = 8, maximum: int = 60) -> float:
    longueur = minimum
    for valeur in valeurs:
        if valeur is None:
            continue
        texte = valeur.strftime("%d/%m/%Y") if isinstance(valeur, dt.date) else (
            f"{valeur:,.2f} €" if isinstance(valeur, Decimal) else str(valeur))
        longueur = max(longueur, *(len(ligne) for ligne in texte.split("\n")))
    return min(longueur + 2, maximum)


def _write_pairs(feuille: Any, definition: Feuille, donnees: dict[str, Any], listes: dict[str, str]) -> None:
    _header(feuille, ("Rubrique", "Valeur"))
    ligne = 2
    valeurs: list[Any] = []
    for champ in definition.champs:
        valeur = _get(donnees, champ.chemin)
        for element in (valeur or [None]) if champ.repete else [valeur]:
            feuille.cell(ligne, 1, champ.libelle)
            montre = _shown(element, champ)
            _put(feuille, ligne, 2, montre, champ)
            _validation(feuille, champ, listes, f"B{ligne}")
            if champ.genre != "long":
                valeurs.append(montre)
            ligne += 1
    feuille.column_dimensions["A"].width = _width(c.libelle for c in definition.champs)
    longs = any(c.genre == "long" for c in definition.champs)
    feuille.column_dimensions["B"].width = 90 if longs else _width(valeurs, 20)


def _write_table(feuille: Any, definition: Feuille, elements: list[dict[str, Any]], listes: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    _header(feuille, [c.libelle for c in definition.champs])
    feuille.row_dimensions[1].height = 32
    for ligne, element in enumerate(elements, 2):
        for colonne, champ in enumerate(definition.champs, 1):
            _put(feuille, ligne, colonne, _shown(_get(element, champ.chemin), champ), champ)
    fin = max(len(elements) + 1, 200)
    for colonne, champ in enumerate(definition.champs, 1):
        lettre = get_column_letter(colonne)
        _validation(feuille, champ, listes, f"{lettre}2:{lettre}{fin}")
        _format_column(feuille.column_dimensions[lettre], champ)  # the rows to fill keep the column's format
        contenu = [_shown(_get(e, champ.chemin), champ) for e in elements]
        mots = max(10, *(len(m) for m in champ.libelle.split()))
        feuille.column_dimensions[lettre].width = max(_width(contenu, mots), champ.largeur)


def _help_sheet(feuille: Any) -> None:
    from openpyxl.styles import Alignment, Font

    feuille.append(["Classeur d'un dispositif ALIZÉ® : remplissez chaque feuille, puis « alize-docs valider "
                    "FICHIER.xlsx » et « alize-docs generer FICHIER.xlsx -o DOSSIER ». Un problème est signalé "
                    "avec sa feuille, sa ligne et sa colonne."])
    feuille.append([])
    feuille.append(["Feuille", "Rubrique ou colonne", "Contenu", "Type"])
    for cellule in feuille[3]:
        cellule.font = Font(bold=True)
    for definition in (*FEUILLES, DEPENSES):
        feuille.append([definition.nom, "", definition.aide, ""])
        feuille.cell(feuille.max_row, 1).font = Font(bold=True)
        for champ in definition.champs:
            genre = _GENRES[champ.genre]
            if champ.liste in _LISTES_FIXES:
                genre = f"au choix : {', '.join(_LISTES_FIXES[champ.liste])}"
            elif champ.liste == "departements":
                genre = "au choix dans la liste des départements"
            feuille.append([definition.nom, champ.libelle, champ.aide, genre])
    for lettre, largeur in zip("ABCD", (14, 40, 90, 40), strict=True):
        feuille.column_dimensions[lettre].width = largeur
    for rangee in feuille.iter_rows(min_row=4):
        for cellule in rangee:
            cellule.alignment = Alignment(wrap_text=True, vertical="top")
    feuille.freeze_panes = "A4"


# --- batches ----------------------------------------------------------------------------------------------------

def workbook_items(chemin: Path) -> list[Ligne]:
    """The items of a workbook in a batch: a territory workbook is one item (its own path as source), a workbook of
    cooperation agreements one item per filled row (« conventions.xlsx, ligne 5 »)."""
    from alize_docs.inputs.workbook import Ligne, read_workbook

    if is_cooperation_workbook(chemin):
        return list(read_workbook(chemin))
    return [Ligne(str(chemin), read_territory_workbook(chemin), chemin)]


def is_cooperation_workbook(chemin: Path) -> bool:
    """Whether a workbook (.xlsx or .ods) is one of cooperation agreements (no « Partenaires » sheet; an unreadable
    file is left to the territory reader, which says why)."""
    from alize_docs.office import ouvrir

    try:  # the sheet names alone (xl/workbook.xml, or the tables of content.xml): no sheet is read for it
        if chemin.suffix.lower() == ".ods":
            with ouvrir(chemin, genre="ods") as paquet:
                table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
                noms = {f.get(f"{table}name") for f in paquet.xml("content.xml").iter(f"{table}table")}
        else:
            with ouvrir(chemin, genre="xlsx") as paquet:
                noms = {f.get("name") for f in paquet.xml("xl/workbook.xml").iter() if str(f.tag).endswith("}sheet")}
    except Exception:  # refused or broken: read_territory_workbook reports it in French
        return False
    return "Partenaires" not in noms
