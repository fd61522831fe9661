"""Computed tables: the budget of Annexe 1 and the repayment schedule, as document tables.

Every figure comes from :mod:`alize_docs.budget` or :mod:`alize_docs.echeancier`; nothing is summed
here that a rule or a clause could compute differently. A zero is printed as a dash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alize_docs.document import Cell, GenreLigne, Row, Table
from alize_docs.domain.budget import CATEGORIES, Annuel, Budget, Contribution
from alize_docs.domain.echeancier import Echeance
from alize_docs.domain.models import Cooperation, Partenaire
from alize_docs.domain.programme import VALORISATION_JOUR
from alize_docs.formatting import format_date, format_montant, format_nombre

__all__ = ["Appui", "tableau_competences", "tableau_echeancier", "tableau_financement", "tableaux_budget"]

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
        if not (len(membres) == 1 and membres[0].nom.casefold().startswith(libelle.casefold())):
            lignes.append(_groupe(libelle, 5))  # not above a single row that already says it (the CDC, the État)
        lignes += [_ligne(c.nom, getattr(c, attribut), cellule=cellule) for c in membres]
        if len(membres) > 1:
            lignes.append(_ligne(f"Sous-total {libelle.lower()}", _sum(membres, attribut), "subtotal", cellule))
    lignes.append(_ligne(total, _sum(budget.contributions, attribut), "total", cellule))
    return lignes


def _sum(contributions: Iterable[Contribution], attribut: str) -> Annuel:
    series = [getattr(c, attribut) for c in contributions]
    return tuple(sum(colonne, Decimal(0)) for colonne in zip(*series, strict=True))


def tableaux_budget(budget: Budget) -> dict[str, Table]:
    """Return the tables of Annexe 1, by the names its clauses place them with ``@tableau``."""
    entete = (Cell("Apporteur"), *(Cell(a) for a in _ANNEES))
    avances = Table(entete, tuple(_par_categorie(budget, "avances", "Total du fonds d'avances remboursables")))
    fonctionnement = Table((Cell("Compte de fonctionnement"), *(Cell(a) for a in _ANNEES)), (
        _groupe("Ressources", 5),
        *(_ligne(c.nom, c.fonctionnement) for c in budget.contributions if any(c.fonctionnement)),
        _ligne("Total des ressources", budget.fonctionnement(), "subtotal"),
        _groupe("Emplois", 5),
        *(_ligne(libelle, montants) for libelle, montants in budget.depenses if any(montants)),
        _ligne("Total des emplois", budget.emplois_fonctionnement, "total"),
    ))
    competences = Table((Cell("Entreprise (jours)"), *(Cell(a) for a in _ANNEES)), (
        *(_ligne(c.nom, c.jours, cellule=_jours) for c in budget.contributions if any(c.jours)),
        _ligne("Total des jours", budget.jours(), "subtotal", _jours),
        _ligne(f"Valorisation à {format_montant(VALORISATION_JOUR)} par jour", budget.valorisation(), "total"),
    ))
    synthese = Table(
        (Cell("Catégorie"), Cell("Fonds d'avances"), Cell("Fonctionnement"), Cell("Compétences valorisées"),
         Cell("Total")),
        tuple(_synthese(budget)),
        widths=(4.0, 2.9, 3.2, 3.1, 2.8),
    )
    annuel = Table((Cell("Poste"), *(Cell(a) for a in _ANNEES)), (
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
    """Return the repayment schedule as a table: number, due date, amount, remaining capital."""
    lignes = [Row((Cell(str(e.numero), "center"), Cell(format_date(e.date), "right"), Cell(format_montant(e.montant),
                                                                                           "right"),
                   Cell(format_montant(e.capital_restant), "right"))) for e in echeances]
    return Table((Cell("N°"), Cell("Échéance"), Cell("Montant"), Cell("Capital restant dû")), tuple(lignes),
                 widths=(1.5, 4.5, 4.0, 5.0))


def tableau_competences(appuis: Sequence[Appui]) -> Table:
    """Return the skills table of a cooperation agreement: who, which field, how many days, their value."""
    lignes = [Row((Cell(a.partenaire.nom), Cell(f"{a.intervenant.nom_complet}, {a.intervenant.qualite}"
                                                if a.intervenant.qualite else a.intervenant.nom_complet),
                   Cell(a.domaine), Cell(format_nombre(a.jours), "right"),
                   Cell(format_montant(a.valorisation), "right"))) for a in appuis]
    lignes.append(Row((Cell("Total"), Cell(""), Cell(""), Cell(format_nombre(sum(a.jours for a in appuis)), "right"),
                       Cell(format_montant(sum((a.valorisation for a in appuis), Decimal(0))), "right")), "total"))
    return Table((Cell("Entreprise partenaire"), Cell("Intervenant"), Cell("Domaine"), Cell("Jours"),
                  Cell("Valorisation")), tuple(lignes))


def tableau_financement(cooperation: Cooperation) -> Table:
    """Return the project's financing plan: other financing, the advance, the total against the cost."""
    projet, avance = cooperation.projet, cooperation.avance_remboursable
    lignes = [Row((Cell(f.financeur), Cell(f.nature), Cell(format_montant(f.montant), "right")))
              for f in projet.autres_financements]
    if avance is not None:
        lignes.append(Row((Cell("ALIZÉ®"), Cell("avance remboursable à 0 %"), Cell(format_montant(avance.montant),
                                                                                     "right"))))
    total = sum((f.montant for f in projet.autres_financements), Decimal(0)) + (avance.montant if avance else 0)
    lignes.append(Row((Cell("Total"), Cell(f"coût du projet : {format_montant(projet.cout_total)}"),
                       Cell(format_montant(total), "right")), "total"))
    return Table((Cell("Financeur"), Cell("Nature"), Cell("Montant")), tuple(lignes))
