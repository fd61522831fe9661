"""Cooperation agreements from a spreadsheet: one row per SME, one column per field of the YAML file.

Columns are headed by a French label (« Raison sociale », « Appui 1 : jours »; :data:`LIBELLES`) or, as in
earlier templates, by the YAML path (``beneficiaire.raison_sociale``, ``appui_1.jours``…); lists are
numbered groups (``financement_1.*`` to ``financement_3.*``, ``appui_1.*`` to ``appui_3.*``). What French
Excel does to values is undone here, never guessed: dates may be dates or serial numbers (1900 or 1904
system); amounts may be numbers or French strings (« 15 000,50 »), and a number with binary noise beyond
the cent is refused, not rounded; identifiers (SIREN, SIRET) get their leading zeros back and are never
read as floats; a formula saved without its computed value is refused with its cell.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.datetime import from_excel

from alize_docs.errors import Chemin, Probleme
from alize_docs.inputs.yaml import LoadedData
from alize_docs.office import FichierRefuse, ouvrir

__all__ = ["COLONNES", "LIGNES_MAX", "Colonne", "read_workbook", "write_template"]

LIGNES_MAX = 10_000
"""Filled rows a workbook's sheet may hold (one agreement each): a network signs a few hundred a year. Counted
in the sheet's XML before openpyxl reads anything."""
_LIGNE = re.compile(rb"<(?:\w+:)?row\b.*?</(?:\w+:)?row>", re.S)
_VALEUR = re.compile(rb"<(?:\w+:)?(?:v|is)\b")


@dataclass(frozen=True)
class Colonne:
    chemin: str
    genre: str  # texte | montant | entier | date | identifiant9 | identifiant14
    description: str
    exemple: Any


def _personne(prefixe: str, qui: str, exemple: tuple[str, str, str, str]) -> list[Colonne]:
    civilite, prenom, nom, qualite = exemple
    return [Colonne(f"{prefixe}.civilite", "texte", f"{qui} : Madame ou Monsieur", civilite),
            Colonne(f"{prefixe}.prenom", "texte", f"{qui} : prénom", prenom),
            Colonne(f"{prefixe}.nom", "texte", f"{qui} : nom", nom),
            Colonne(f"{prefixe}.qualite", "texte", f"{qui} : fonction", qualite)]


COLONNES: tuple[Colonne, ...] = (
    Colonne("dispositif", "texte", "Fichier YAML du dispositif, relatif au classeur", "toulinois.yaml"),
    Colonne("numero", "texte", "Numéro de la convention", "TOUL-2011-003"),
    Colonne("modele", "texte", "Modèle de clauses (celui du dispositif)", "2008"),
    Colonne("comite.date", "date", "Date du comité d'agrément", dt.date(2011, 3, 15)),
    Colonne("comite.membres_presents", "entier", "Membres présents au comité", 9),
    Colonne("comite.voix_pour", "entier", "Voix pour", 7),
    Colonne("comite.representants_entreprises_presents", "entier", "Représentants d'entreprise présents", 5),
    Colonne("comite.voix_pour_entreprises", "entier", "Voix pour des représentants d'entreprise", 5),
    Colonne("beneficiaire.raison_sociale", "texte", "Raison sociale de la PME", "Menuiseries du Toulois"),
    Colonne("beneficiaire.forme", "texte", "Forme juridique", "SARL"),
    Colonne("beneficiaire.capital", "montant", "Capital social (€)", 50000),
    Colonne("beneficiaire.siren", "identifiant9", "SIREN (9 chiffres, zéros en tête compris)", "802645135"),
    Colonne("beneficiaire.immatriculation", "texte", "RCS <ville> ou RM <département>", "RCS Nancy"),
    Colonne("beneficiaire.adresse", "texte", "Adresse du siège", "12 rue de la Gare, 54200 Toul"),
    *_personne("beneficiaire.dirigeant", "Dirigeant", ("Madame", "Claire", "Martin", "Gérante")),
    Colonne("beneficiaire.effectif", "entier", "Effectif", 14),
    Colonne("beneficiaire.chiffre_affaires", "montant", "Chiffre d'affaires annuel (€)", 1850000),
    Colonne("beneficiaire.total_bilan", "montant", "Total de bilan (€)", 920000),
    Colonne("beneficiaire.capital_detenu_par_une_entreprise", "montant",
            "Part du capital détenue par une autre entreprise (%)", 0),
    Colonne("projet.intitule", "texte", "Intitulé du projet", "Création d'une ligne de fabrication"),
    Colonne("projet.description", "texte", "Description du projet", "Achat de deux centres d'usinage."),
    Colonne("projet.cout_total", "montant", "Coût total du projet (€)", 240000),
    Colonne("projet.emplois_prevus", "entier", "Emplois prévus", 5),
    *(c for i in (1, 2, 3) for c in (
        Colonne(f"financement_{i}.financeur", "texte", f"Autre financement {i} : financeur",
                {1: "Banque Populaire Lorraine Champagne", 2: "fonds propres"}.get(i)),
        Colonne(f"financement_{i}.nature", "texte", f"Autre financement {i} : nature",
                {1: "prêt bancaire", 2: "apport des associés"}.get(i)),
        Colonne(f"financement_{i}.montant", "montant", f"Autre financement {i} : montant (€)",
                {1: 150000, 2: 70000}.get(i)))),
    *(c for i in (1, 2, 3) for c in (
        Colonne(f"appui_{i}.partenaire", "texte", f"Appui en compétences {i} : identifiant de l'entreprise "
                                                  "partenaire (dans le fichier du dispositif)",
                {1: "side", 2: "fonderie"}.get(i)),
        *_personne(f"appui_{i}.intervenant", f"Appui {i}, intervenant",
                   {1: ("Monsieur", "Olivier", "Durand", "Responsable méthodes"),
                    2: ("Madame", "Nadia", "Colin", "Contrôleuse de gestion")}.get(i, (None,) * 4)),  # type: ignore[arg-type]
        Colonne(f"appui_{i}.domaine", "texte", f"Appui {i} : domaine (achats, qualité, production…)",
                {1: "production", 2: "gestion-finance"}.get(i)),
        Colonne(f"appui_{i}.jours", "entier", f"Appui {i} : nombre de jours", {1: 6, 2: 3}.get(i)))),
    Colonne("mandataire", "texte", "Identifiant de l'entreprise partenaire mandataire", "side"),
    Colonne("avance_remboursable.montant", "montant", "Avance remboursable (€) ; vide si aucune", 20000),
    Colonne("avance_remboursable.duree_mois", "entier", "Durée de l'avance en mois, différé compris (≤ 36)", 36),
    Colonne("avance_remboursable.differe_mois", "entier", "Différé en mois (0 à 6)", 6),
    Colonne("avance_remboursable.periodicite", "texte", "mensuelle ou trimestrielle", "mensuelle"),
    Colonne("avance_remboursable.date_versement", "date", "Date prévue du versement", dt.date(2011, 4, 15)),
    Colonne("avance_remboursable.taux", "montant", "Taux d'intérêt (%) ; facultatif : si donné, 0", None),
    Colonne("avance_remboursable.garantie", "texte", "Garantie ; facultative : le modèle n'en demande aucune", None),
    Colonne("pret_bonifie.partenaire", "texte", "Prêt bonifié : identifiant du partenaire qui le consent ; "
                                                "vide si aucun", None),
    Colonne("pret_bonifie.montant", "montant", "Prêt bonifié : montant (€)", None),
    Colonne("pret_bonifie.description", "texte", "Prêt bonifié : conditions (taux, durée…)", None),
    Colonne("signature.lieu", "texte", "Lieu de signature", "Toul"),
    Colonne("signature.date", "date", "Date de signature", dt.date(2011, 4, 8)),
)
"""The columns of a cooperation workbook, in order."""

_LISTES = {"financement": ("projet", "autres_financements"), "appui": ("appui_competences",)}


def _libelles() -> dict[str, str]:
    simples = {
        "dispositif": "Fichier du dispositif", "numero": "Numéro de la convention", "modele": "Modèle de clauses",
        "comite.date": "Comité : date", "comite.membres_presents": "Comité : membres présents",
        "comite.voix_pour": "Comité : voix pour",
        "comite.representants_entreprises_presents": "Comité : représentants d'entreprise présents",
        "comite.voix_pour_entreprises": "Comité : voix pour des entreprises",
        "beneficiaire.raison_sociale": "Raison sociale", "beneficiaire.forme": "Forme juridique",
        "beneficiaire.capital": "Capital social", "beneficiaire.siren": "SIREN",
        "beneficiaire.immatriculation": "Immatriculation", "beneficiaire.adresse": "Adresse du siège",
        "beneficiaire.effectif": "Effectif", "beneficiaire.chiffre_affaires": "Chiffre d'affaires",
        "beneficiaire.total_bilan": "Total de bilan",
        "beneficiaire.capital_detenu_par_une_entreprise": "Capital détenu par une entreprise (%)",
        "projet.intitule": "Projet : intitulé", "projet.description": "Projet : description",
        "projet.cout_total": "Projet : coût total", "projet.emplois_prevus": "Projet : emplois prévus",
        "mandataire": "Partenaire mandataire", "avance_remboursable.montant": "Avance : montant",
        "avance_remboursable.duree_mois": "Avance : durée (mois)", "avance_remboursable.differe_mois":
        "Avance : différé (mois)", "avance_remboursable.periodicite": "Avance : périodicité",
        "avance_remboursable.date_versement": "Avance : date de versement", "avance_remboursable.taux":
        "Avance : taux (%)", "avance_remboursable.garantie": "Avance : garantie",
        "pret_bonifie.partenaire": "Prêt bonifié : partenaire", "pret_bonifie.montant": "Prêt bonifié : montant",
        "pret_bonifie.description": "Prêt bonifié : conditions", "signature.lieu": "Lieu de signature",
        "signature.date": "Date de signature"}
    personne = {"civilite": "civilité", "prenom": "prénom", "nom": "nom", "qualite": "fonction"}
    libelles = {}
    for colonne in COLONNES:
        tete, _, champ = colonne.chemin.rpartition(".")
        if colonne.chemin in simples:
            libelles[colonne.chemin] = simples[colonne.chemin]
        elif tete == "beneficiaire.dirigeant":
            libelles[colonne.chemin] = f"Dirigeant : {personne[champ]}"
        elif tete.endswith(".intervenant"):
            libelles[colonne.chemin] = f"Appui {tete[6]}, intervenant : {personne[champ]}"
        elif tete.startswith("appui_"):
            libelles[colonne.chemin] = f"Appui {tete[6:]} : {champ}"
        elif tete.startswith("financement_"):
            libelles[colonne.chemin] = f"Financement {tete[12:]} : {champ}"
    return libelles


LIBELLES: dict[str, str] = _libelles()
"""Each column's French label (its header in the template), by YAML path."""
_DOMAINES = ("achats", "qualité", "production", "gestion-finance", "commercial", "ressources humaines",
             "logistique", "export", "informatique", "innovation")
_CHOIX = {"civilite": ("Madame", "Monsieur"), "periodicite": ("mensuelle", "trimestrielle"), "domaine": _DOMAINES}
_LARGEUR_MAX = 50


def _cle(texte: str) -> str:
    """A header as compared: no accents, case or surrounding spaces."""
    import unicodedata

    sans = unicodedata.normalize("NFKD", texte.replace("’", "'"))
    return " ".join("".join(c for c in sans if not unicodedata.combining(c)).casefold().split())


_PAR_ENTETE: dict[str, Colonne] = {**{_cle(LIBELLES[c.chemin]): c for c in COLONNES},
                                   **{_cle(c.chemin): c for c in COLONNES}}


def write_template(chemin: Path) -> None:
    """Write an empty workbook: the header row (French labels), one example row, formats and drop-down lists for
    the rows to fill, and a sheet explaining each column."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Conventions"
    feuille.append([LIBELLES[c.chemin] for c in COLONNES])
    feuille.append([c.exemple for c in COLONNES])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="D9D9D9")
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
    feuille.row_dimensions[1].height = 45
    fin = 1000  # the drop-down lists reach this row
    for numero, definition in enumerate(COLONNES, 1):
        lettre = get_column_letter(numero)
        format_ = {"date": "DD/MM/YYYY", "montant": '#,##0.00 "€"', "identifiant9": "@", "identifiant14": "@",
                   "entier": "0"}.get(definition.genre, "General")
        if definition.chemin.endswith("capital_detenu_par_une_entreprise") or definition.chemin.endswith(".taux"):
            format_ = "0.00"
        feuille.column_dimensions[lettre].number_format = format_  # the rows to fill too
        feuille.cell(2, numero).number_format = format_
        exemple = definition.exemple.strftime("%d/%m/%Y") if isinstance(definition.exemple, dt.date) else (
            f"{definition.exemple:,} €" if definition.genre == "montant" and definition.exemple else definition.exemple)
        largeur = max(*(len(m) for m in LIBELLES[definition.chemin].split()), len(str(exemple or "")), 10)
        feuille.column_dimensions[lettre].width = min(largeur + 2, _LARGEUR_MAX)
        liste = next((nom for nom in _CHOIX if definition.chemin.rpartition(".")[2] == nom), None)
        if liste is not None:
            libre = liste == "domaine"  # a suggestion: other domains are admitted
            validation = DataValidation(type="list", formula1='"' + ",".join(_CHOIX[liste]) + '"', allow_blank=True,
                                        showErrorMessage=not libre, errorTitle="Valeur non admise",
                                        error=f"Choisissez : {', '.join(_CHOIX[liste])}.")
            validation.add(f"{lettre}2:{lettre}{fin}")
            feuille.add_data_validation(validation)
    feuille.freeze_panes = "B2"
    aide = classeur.create_sheet("Colonnes")
    aide.append(["Colonne", "Contenu", "Type", "Exemple", "Champ du fichier YAML"])
    genres = {"texte": "texte", "montant": "montant en euros (nombre ou « 15 000,50 »)", "entier": "nombre entier",
              "date": "date (JJ/MM/AAAA)", "identifiant9": "9 chiffres (tapez-les en texte)",
              "identifiant14": "14 chiffres (tapez-les en texte)"}
    for definition in COLONNES:
        exemple = definition.exemple
        if isinstance(exemple, dt.date):
            exemple = exemple.strftime("%d/%m/%Y")
        genre = genres[definition.genre]
        choix = _CHOIX.get(definition.chemin.rpartition(".")[2])
        if choix:
            genre = f"au choix : {', '.join(choix)}" + (" (ou un autre domaine)" if choix is _DOMAINES else "")
        aide.append([LIBELLES[definition.chemin], definition.description, genre, exemple, definition.chemin])
    aide.append([])
    aide.append(["Une ligne par PME. Les colonnes « Financement N » et « Appui N » décrivent jusqu'à trois "
                 "financements et trois appuis en compétences : laissez vides ceux qui ne servent pas ; de même le "
                 "prêt bonifié."])
    for cellule in aide[1]:
        cellule.font = Font(bold=True)
    for lettre, largeur in zip("ABCDE", (42, 70, 40, 36, 44), strict=True):
        aide.column_dimensions[lettre].width = largeur
    aide.freeze_panes = "A2"
    classeur.save(chemin)


@dataclass(frozen=True)
class Ligne:
    """One row of a workbook, read into the nested data of a cooperation file."""

    source: str
    donnees: LoadedData
    dossier: Path


def _ouvrir_classeurs(chemin: Path) -> tuple[Any, Any]:
    """Return the workbook's values and formulas, read by openpyxl only once the safe reader accepted it."""
    with ouvrir(chemin, genre="xlsx") as paquet:
        for partie in (n for n in paquet.noms() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            # a quick count on the text, before parsing anything; read_workbook counts exactly again
            remplies = sum(1 for ligne in _LIGNE.finditer(paquet.partie(partie)) if _VALEUR.search(ligne[0]))
            if remplies > LIGNES_MAX + 1:  # the header row, then one agreement a row
                raise FichierRefuse(chemin, f"le classeur compte plus de {LIGNES_MAX} lignes remplies, la limite "
                                            "admise")
        donnees = paquet.octets_surs()
    try:
        valeurs = load_workbook(io.BytesIO(donnees), data_only=True, read_only=True)
        formules = load_workbook(io.BytesIO(donnees), data_only=False, read_only=True)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, zipfile.BadZipFile, OSError) as exc:
        raise FichierRefuse(chemin, f"le classeur est illisible ({type(exc).__name__})") from None
    if not valeurs.worksheets or not formules.worksheets:
        raise FichierRefuse(chemin, "le classeur ne contient aucune feuille de calcul")
    return valeurs, formules


_FORMULE = object()  # a formula cell saved without its computed value


def _first_sheet(chemin: Path) -> tuple[str, list[list[Any]], dt.datetime]:
    """Return the first sheet of a cooperation workbook (.xlsx or .ods): its name, its rows from the header row on
    (a formula saved without its value is :data:`_FORMULE`), and the workbook's date epoch."""
    if chemin.suffix.lower() == ".ods":
        from alize_docs.inputs.classeur import FORMULE, ods_sheets

        with ouvrir(chemin, genre="ods") as paquet:
            octets = paquet.octets_surs()
        try:
            feuilles = ods_sheets(octets)
        except Exception as exc:  # odfpy's own error on a broken file: in French, with its name
            raise FichierRefuse(chemin, f"le classeur est illisible ({type(exc).__name__})") from None
        if not feuilles:
            raise FichierRefuse(chemin, "le classeur ne contient aucune feuille de calcul")
        nom, cellules = next(iter(feuilles.items()))
        if sum(1 for numero in cellules if numero > 1) > LIGNES_MAX:
            raise FichierRefuse(chemin, f"le classeur compte plus de {LIGNES_MAX} lignes remplies, la limite admise")
        largeur = max((max(ligne) for ligne in cellules.values() if ligne), default=0)
        lignes = [[_FORMULE if (v := cellules.get(n, {}).get(c)) is FORMULE else v for c in range(1, largeur + 1)]
                  for n in range(1, max(cellules, default=0) + 1)]
        return nom, lignes, dt.datetime(1899, 12, 30)
    valeurs, formules = _ouvrir_classeurs(chemin)
    feuille, brute = valeurs.worksheets[0], formules.worksheets[0]
    lignes = []
    for rangee, rangee_brute in zip(feuille.iter_rows(values_only=True), brute.iter_rows(values_only=True),
                                    strict=False):
        lignes.append([_FORMULE if v is None and isinstance(f, str) and f.startswith("=") else v
                       for v, f in zip(rangee, rangee_brute, strict=False)])
    return str(feuille.title), lignes, valeurs.epoch


def read_workbook(chemin: Path) -> Iterator[Ligne]:
    """Yield each filled row of *chemin* (.xlsx or .ods) as the data of a cooperation file, problems included;
    each problem names its sheet, row and column (« Conventions, ligne 5, colonne Dirigeant : nom »).

    The file goes through the safe reader first (:func:`alize_docs.office.ouvrir`): a hostile or broken
    workbook, or one of more than :data:`LIGNES_MAX` filled rows, is a :class:`FichierRefuse`."""
    from alize_docs.inputs.classeur import DonneesClasseur

    nom, lignes, epoch = _first_sheet(chemin)
    remplies = 0
    entetes = [str(v).strip() if v is not None and v is not _FORMULE else "" for v in (lignes[0] if lignes else [])]
    connues = {e: _PAR_ENTETE[_cle(e)] for e in entetes if _cle(e) in _PAR_ENTETE}  # a French label, or a YAML path
    inconnues = [e for e in entetes if e and e not in connues]
    for numero, rangee in enumerate(lignes[1:], start=2):
        if all(v in (None, "") for v in rangee):
            continue
        remplies += 1
        if remplies > LIGNES_MAX:
            raise FichierRefuse(chemin, f"le classeur compte plus de {LIGNES_MAX} lignes remplies, la limite admise")
        source = f"{chemin.name}, ligne {numero}"
        resultat = DonneesClasseur(source)
        resultat.problemes += [Probleme("unknown-key", (e,), f"Colonne inconnue « {e} » (voir la feuille « Colonnes » "
                                                            "du modèle de classeur).", numero,
                                        lieu=f"{nom}, ligne 1, colonne {e}") for e in inconnues]
        donnees: dict[str, Any] = {}
        for entete, valeur in zip(entetes, rangee, strict=False):
            if entete not in connues:
                continue
            chemin_yaml = _yaml_path(connues[entete].chemin)
            lieu = f"{nom}, ligne {numero}, colonne {entete}"
            resultat.lieux[chemin_yaml] = lieu
            resultat.rangs[chemin_yaml] = (0, numero, entetes.index(entete))
            resultat.lignes[chemin_yaml] = numero
            if valeur is _FORMULE:
                resultat.problemes.append(Probleme("type", chemin_yaml, f"La cellule « {entete} » est une formule "
                                                   "enregistrée sans sa valeur calculée : ouvrez le classeur dans "
                                                   "Excel ou LibreOffice et enregistrez-le.", numero, lieu=lieu))
                continue
            converti = _cell(valeur, connues[entete], epoch)
            if converti is not None:
                _set(donnees, chemin_yaml, converti)
        resultat.data = _lists(donnees)
        resultat.lignes[()] = numero
        resultat.lieux[()] = f"{nom}, ligne {numero}"
        resultat.rangs[()] = (0, numero, -1)
        yield Ligne(source, resultat, chemin.parent)


def _yaml_path(entete: str) -> Chemin:
    tete, _, reste = entete.partition(".")
    groupe, souligne, rang = tete.rpartition("_")
    if souligne and groupe in _LISTES and rang.isdigit():
        return (*_LISTES[groupe], int(rang) - 1, *reste.split("."))
    return tuple(entete.split("."))


def _set(donnees: dict[str, Any], chemin: Chemin, valeur: Any) -> None:
    cible: Any = donnees
    for partie in chemin[:-1]:
        cible = cible.setdefault(partie, {})
    cible[chemin[-1]] = valeur


def _lists(donnees: dict[str, Any]) -> dict[str, Any]:
    """Turn the numbered groups ({0: …, 2: …}) into lists, in order, skipping the empty ones."""
    for cle, valeur in list(donnees.items()):
        if isinstance(valeur, dict):
            if valeur and all(isinstance(k, int) for k in valeur):
                donnees[cle] = [_lists(valeur[k]) for k in sorted(valeur)]
            else:
                donnees[cle] = _lists(valeur)
    return donnees


def _cell(valeur: Any, colonne: Colonne, epoch: dt.datetime) -> Any:
    """Return a cell's value as the YAML reader would give it: text, or a date; never a float."""
    if valeur is None or (isinstance(valeur, str) and not valeur.strip()):
        return None
    if colonne.genre == "date":
        if isinstance(valeur, dt.datetime):
            return valeur.date().isoformat()
        if isinstance(valeur, dt.date):
            return valeur.isoformat()
        if isinstance(valeur, int | float | Decimal) and not isinstance(valeur, bool):
            return from_excel(float(valeur), epoch=epoch).date().isoformat()
        return str(valeur).strip()
    if colonne.genre.startswith("identifiant"):
        largeur = 9 if colonne.genre == "identifiant9" else 14
        if isinstance(valeur, int | float | Decimal) and not isinstance(valeur, bool) and valeur == int(valeur):
            return str(int(valeur)).zfill(largeur)
        return str(valeur).strip()
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, Decimal):  # an .ods cell: the exact number, as typed
        return format(valeur.normalize(), "f") if valeur == valeur.to_integral_value() else format(valeur, "f")
    if isinstance(valeur, float):
        # Excel stores doubles: drop the binary noise below 1e-9, keep what was typed; more than two
        # decimals then remains an error for an amount, never a silent rounding.
        return format(Decimal(repr(valeur)).quantize(Decimal("1e-9")).normalize(), "f")
    if isinstance(valeur, dt.datetime | dt.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur)
