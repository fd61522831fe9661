"""Computed tables: the budget of Annexe 1 and the repayment schedule, as document tables.

Every figure comes from :mod:`alize_docs.budget` or :mod:`alize_docs.echeancier`; nothing is summed
here that a rule or a clause could compute differently. A zero is printed as a dash. In a column, amounts
show cents on every line or on none; every cell gets the French no-break spaces. :func:`column_widths` gives
each column the width its content needs, within the template's text width.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alize_docs.document import Cell, GenreLigne, Row, Table
from alize_docs.domain.budget import CATEGORIES, Annuel, Budget, Contribution
from alize_docs.domain.echeancier import Echeance
from alize_docs.domain.models import Cooperation, Partenaire
from alize_docs.domain.programme import VALORISATION_JOUR
from alize_docs.formatting import NBSP, format_date, format_montant, format_nombre, format_pourcentage, typographie

__all__ = ["Appui", "column_widths", "tableau_competences", "tableau_echeancier", "tableau_financement",
           "tableaux_budget", "text_width"]

@dataclass(frozen=True)
class Appui:
    """A skills support with its partner resolved and its valuation computed."""

    partenaire: Partenaire
    intervenant: Any
    domaine: str
    jours: int

    @property
    def valorisation(self) -> Decimal:
        return VALORISATION_JOUR * self.jours


_ANNEES = ("Année 1", "Année 2", "Année 3", "Total")
_TIRET = "—"


def _euros(valeur: Decimal) -> Cell:
    return Cell(format_montant(valeur) if valeur else _TIRET, "right")


def _jours(valeur: Decimal) -> Cell:
    return Cell(format_nombre(int(valeur)) if valeur else _TIRET, "right")


Formatter = Callable[[Decimal], Cell]


def _ligne(libelle: str, annuel: Annuel, kind: GenreLigne = "normal", cellule: Formatter = _euros) -> Row:
    return Row((Cell(libelle), *(cellule(v) for v in annuel), cellule(sum(annuel, Decimal(0)))), kind)


def _groupe(libelle: str, colonnes: int) -> Row:
    return Row((Cell(libelle), *(Cell("") for _ in range(colonnes - 1))), "group")


def _par_categorie(budget: Budget, attribut: str, total: str, cellule: Formatter = _euros) -> list[Row]:
    lignes: list[Row] = []
    for categorie, libelle in CATEGORIES.items():
        membres = [c for c in budget.contributions if c.categorie == categorie and any(getattr(c, attribut))]
        if not membres:
            continue
        seul = len(membres) == 1 and membres[0].nom.casefold().startswith(libelle.casefold())
        if seul:  # a single row that already says its category (the CDC, the État): it stands as its category
            lignes.append(_ligne(membres[0].nom, getattr(membres[0], attribut), "subtotal", cellule))
            continue
        lignes.append(_groupe(libelle, 5))
        lignes += [_ligne(c.nom, getattr(c, attribut), cellule=cellule) for c in membres]
        # every group ends with its sub-total, one member or more: a reader never takes the next rows for its own
        lignes.append(_ligne(f"Sous-total {libelle.lower()}", _sum(membres, attribut), "subtotal", cellule))
    lignes.append(_ligne(total, _sum(budget.contributions, attribut), "total", cellule))
    return lignes


def _sum(contributions: Iterable[Contribution], attribut: str) -> Annuel:
    series = [getattr(c, attribut) for c in contributions]
    return tuple(sum(colonne, Decimal(0)) for colonne in zip(*series, strict=True))


def tableaux_budget(budget: Budget) -> dict[str, Table]:
    """Return the tables of Annexe 1, by the names its clauses place them with ``@tableau``."""
    entete = (Cell("Apporteur"), *(Cell(a) for a in _ANNEES))
    avances = _tableau(entete, _par_categorie(budget, "avances", "Total du fonds d'avances remboursables"))
    fonctionnement = _tableau((Cell("Compte de fonctionnement"), *(Cell(a) for a in _ANNEES)), (
        _groupe("Ressources", 5),
        *(_ligne(c.nom, c.fonctionnement) for c in budget.contributions if any(c.fonctionnement)),
        _ligne("Total des ressources", budget.fonctionnement(), "subtotal"),
        _groupe("Emplois", 5),
        *(_ligne(libelle, montants) for libelle, montants in budget.depenses if any(montants)),
        _ligne("Total des emplois", budget.emplois_fonctionnement, "total"),
    ))
    competences = _tableau((Cell("Entreprise (jours)"), *(Cell(a) for a in _ANNEES)), (
        *(_ligne(c.nom, c.jours, cellule=_jours) for c in budget.contributions if any(c.jours)),
        _ligne("Total des jours", budget.jours(), "subtotal", _jours),
        _ligne(f"Valorisation à {format_montant(VALORISATION_JOUR)} par jour", budget.valorisation(), "total"),
    ))
    synthese = _tableau(
        (Cell("Catégorie"), Cell("Fonds d'avances"), Cell("Fonctionnement"), Cell("Compétences valorisées"),
         Cell("Total")),
        _synthese(budget),
    )
    annuel = _tableau((Cell("Poste"), *(Cell(a) for a in _ANNEES)), (
        _ligne("Fonds d'avances remboursables", budget.avances()),
        _ligne("Compte de fonctionnement", budget.fonctionnement()),
        _ligne("Compétences valorisées", budget.valorisation()),
        _ligne("Total général", _sum_series(budget.avances(), budget.fonctionnement(), budget.valorisation()),
               "total"),
    ))
    return {"avances": avances, "fonctionnement": fonctionnement, "competences": competences,
            "synthese": synthese, "synthese-annuelle": annuel}


def _sum_series(*series: Annuel) -> Annuel:
    return tuple(sum(colonne, Decimal(0)) for colonne in zip(*series, strict=True))


def _synthese(budget: Budget) -> list[Row]:
    lignes = []
    for categorie, libelle in CATEGORIES.items():
        montants = [sum(budget.avances(categorie), Decimal(0)), sum(budget.fonctionnement(categorie), Decimal(0)),
                    sum(budget.valorisation(categorie), Decimal(0))]
        if any(montants):
            lignes.append(Row((Cell(libelle), *(_euros(m) for m in montants), _euros(sum(montants, Decimal(0))))))
    totaux = [sum(budget.avances(), Decimal(0)), sum(budget.fonctionnement(), Decimal(0)),
              sum(budget.valorisation(), Decimal(0))]
    lignes.append(Row((Cell("Total"), *(_euros(m) for m in totaux), _euros(budget.total_general)), "total"))
    return lignes


def tableau_echeancier(echeances: Iterable[Echeance]) -> Table:
    """Return the repayment schedule as a table: number, the day each instalment is payable (the next business
    day when its date falls on a Saturday, a Sunday or a public holiday), amount, remaining capital."""
    lignes = [Row((Cell(str(e.numero), "center"), Cell(format_date(e.exigible), "right"),
                   Cell(format_montant(e.montant), "right"), Cell(format_montant(e.capital_restant), "right")))
              for e in echeances]
    return _tableau((Cell("N°"), Cell("Payable le"), Cell("Montant"), Cell("Capital restant dû")), lignes)


def tableau_competences(appuis: Sequence[Appui]) -> Table:
    """Return the skills table of a cooperation agreement: who, which field, how many days, their value."""
    lignes = [Row((Cell(a.partenaire.nom), Cell(f"{a.intervenant.nom_complet}, {a.intervenant.qualite}"
                                                if a.intervenant.qualite else a.intervenant.nom_complet),
                   Cell(a.domaine), Cell(format_nombre(a.jours), "right"),
                   Cell(format_montant(a.valorisation), "right"))) for a in appuis]
    lignes.append(Row((Cell("Total"), Cell(""), Cell(""), Cell(format_nombre(sum(a.jours for a in appuis)), "right"),
                       Cell(format_montant(sum((a.valorisation for a in appuis), Decimal(0))), "right")), "total"))
    return _tableau((Cell("Entreprise partenaire"), Cell("Intervenant"), Cell("Domaine"), Cell("Jours"),
                     Cell("Valorisation")), lignes)


def tableau_financement(cooperation: Cooperation) -> Table:
    """Return the project's financing plan: other financing, the advance, the total against the cost."""
    projet, avance = cooperation.projet, cooperation.avance_remboursable
    lignes = [Row((Cell(f.financeur), Cell(f.nature), Cell(format_montant(f.montant), "right")))
              for f in projet.autres_financements]
    if avance is not None:
        lignes.append(Row((Cell("ALIZÉ®"), Cell(f"avance remboursable à {format_pourcentage(0)}"),
                           Cell(format_montant(avance.montant), "right"))))
    total = sum((f.montant for f in projet.autres_financements), Decimal(0)) + (avance.montant if avance else 0)
    lignes.append(Row((Cell("Total"), Cell(f"coût du projet : {format_montant(projet.cout_total)}"),
                       Cell(format_montant(total), "right")), "total"))
    return _tableau((Cell("Financeur"), Cell("Nature"), Cell("Montant")), lignes)


# --- one table: cents and typography per column ----------------------------------------------------------------

_MONTANT = re.compile(r"\d{1,3}(?:\u202f\d{3})*(?P<centimes>,\d\d)?\xa0€")


def _tableau(entete: tuple[Cell, ...], lignes: Iterable[Row]) -> Table:
    """Return the table of *entete* and *lignes*, every cell with its French no-break spaces and every amount
    of a column with cents if one amount of that column has cents (« 1 000,00 € » above « 1 000,50 € »)."""
    rangees = [Row(tuple(Cell(typographie(c.text), c.align) for c in r.cells), r.kind) for r in lignes]
    avec_centimes = {j for r in rangees for j, c in enumerate(r.cells)
                     if (m := _MONTANT.fullmatch(c.text)) and m["centimes"]}
    if avec_centimes:
        rangees = [Row(tuple(Cell(_centimes(c.text), c.align) if j in avec_centimes else c
                             for j, c in enumerate(r.cells)), r.kind) for r in rangees]
    return Table(tuple(Cell(typographie(c.text), c.align) for c in entete), tuple(rangees))


def _centimes(texte: str) -> str:
    """Return a whole amount with its « ,00 »; any other text as it is."""
    m = _MONTANT.fullmatch(texte)
    return texte.replace(NBSP + "€", ",00" + NBSP + "€") if m and not m["centimes"] else texte


# --- column widths from content ----------------------------------------------------------------------------------

# Advance widths of Times New Roman (Liberation Serif, its metric twin, which LibreOffice uses in its place), in
# thousandths of an em, read from the font's hmtx table: each string lists the characters of one width. Accented
# letters take their base letter's width; any other character counts as a wide letter.
_CHASSES = {
    180: "'", 200: "|", 250: " ,.\u00a0\u202f", 278: "/:;\\ijlt", 333: "!()-I[]`fr’", 389: "Js",
    400: "°", 408: '"', 444: "?acez", 469: "^", 480: "{}", 500: "#$*0123456789_bdghknopquvxy«»€–",
    541: "~", 556: "FPS", 564: "+<=>", 611: "ELTZ", 667: "BCR", 722: "ADGHKNOQUVXYwœ", 760: "®",
    778: "&m", 889: "M", 921: "@", 944: "W", 1000: "—",
}
_CHASSE = {c: largeur for largeur, caracteres in _CHASSES.items() for c in caracteres}
_GRAS = 1.08  # Times Bold is about 8 % wider
_TAILLE = 9.5  # points: the « Tableau ALIZÉ » style of the bundled templates (a user's may have another)
_MARGES = 0.38 + 0.12  # cm: the cell's left and right margins (108 twips each), and a little air
_COUPURES = re.compile(r"[ \t\n]+")  # where a line should break: a space (« gestion-finance » and
# « Jean-Christophe » may break after their hyphen, but a column should not need it)


def text_width(texte: str, gras: bool = False, taille: float = _TAILLE) -> float:
    """Return the width of *texte* on one line, in centimetres.

    >>> round(text_width("Intervenant"), 2), round(text_width("Intervenant", gras=True), 2)
    (1.53, 1.65)
    """
    milliemes = sum(_CHASSE.get(unicodedata.normalize("NFD", c)[0], 722) for c in texte)
    return milliemes / 1000 * taille / 72 * 2.54 * (_GRAS if gras else 1)


def column_widths(table: Table, largeur_utile: float, taille: float = _TAILLE) -> tuple[float, ...]:
    """Return the width of each column of *table*, in centimetres, adding up to *largeur_utile*, for a font of
    *taille* points.

    Each column needs at least its longest word and at most its longest text on one line. When
    all texts fit on one line, each column gets its line and the spare width in proportion; otherwise each gets
    its word and the width left goes to the columns that would wrap, in proportion to what they lack — so a
    column of figures keeps its figures on one line and a name is not broken over four.

    >>> from alize_docs.document import Cell, Row, Table
    >>> t = Table((Cell("Nom"), Cell("Montant")), (Row((Cell("Fonderie de la Moselle SAS"), Cell("1 000 €"))),))
    >>> [round(x, 1) for x in column_widths(t, 16.0)]
    [11.4, 4.6]
    """
    lignes = [(table.header, True), *((r.cells, r.kind in ("subtotal", "total")) for r in table.rows)]
    plus_longue = [0.0] * len(table.header)
    plus_long_mot = [0.0] * len(table.header)
    for cellules, gras in lignes:
        for j, cellule in enumerate(cellules):
            plus_longue[j] = max(plus_longue[j], text_width(cellule.text, gras, taille) + _MARGES)
            mots = [m for m in _COUPURES.split(cellule.text) if m]
            plus_long_mot[j] = max([plus_long_mot[j], *(text_width(m, gras, taille) + _MARGES for m in mots)])
    if sum(plus_longue) <= largeur_utile:
        return tuple(x * largeur_utile / sum(plus_longue) for x in plus_longue)
    if sum(plus_long_mot) >= largeur_utile:
        return tuple(x * largeur_utile / sum(plus_long_mot) for x in plus_long_mot)
    manques = [long - mot for long, mot in zip(plus_longue, plus_long_mot, strict=True)]
    reste = largeur_utile - sum(plus_long_mot)
    return tuple(mot + reste * manque / sum(manques) for mot, manque in zip(plus_long_mot, manques, strict=True))
