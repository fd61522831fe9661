"""The program's fixed terms, read from ``programme.toml`` beside this file, and the names of its documents.

Figures no territory may change (the README's « Rules »): they live in data so that a reviewer reads them in one
place; this module only types them.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Literal, get_args

from alize_docs.document import DocumentKind

__all__ = ["AVANCE_DIFFERE_MAX_MOIS", "AVANCE_DUREE_MAX_MOIS", "CONTRIBUTION_ASTREES_ANNUELLE", "DOCUMENTS",
           "DUREE_ANNEES", "MAJORITES", "PLAFOND_CDC", "PME", "REGLEMENTS_DE_MINIMIS", "VALORISATION_JOUR",
           "DocumentKind", "Majorite", "PeriodeSignature", "Pme", "ReglementDeMinimis", "reglement_de_minimis"]

_TERMES = tomllib.loads(resources.files(__package__).joinpath("programme.toml").read_text(encoding="utf-8"))

DUREE_ANNEES: int = _TERMES["convention"]["duree_annees"]
"""The convention runs three years from its signature (model, art. 8)."""

VALORISATION_JOUR = Decimal(_TERMES["convention"]["valorisation_jour"])
"""A day of skills support is valued at 700 € (model, art. 4)."""

CONTRIBUTION_ASTREES_ANNUELLE = Decimal(_TERMES["convention"]["contribution_astrees_annuelle"])
"""ASTREES receives 3 000 € a year, 9 000 € over the convention (model, art. 7)."""

PLAFOND_CDC = Decimal(_TERMES["convention"]["plafond_cdc"])
"""The CDC may endow the advances fund up to 20 % of the total of the endowments to it, its own included
(« du total des dotations privées et publiques », model, art. 4)."""

AVANCE_DUREE_MAX_MOIS: int = _TERMES["avance"]["duree_max_mois"]
AVANCE_DIFFERE_MAX_MOIS: int = _TERMES["avance"]["differe_max_mois"]
"""An advance lasts at most 3 years, with a deferral of 0 to 6 months, at 0 % (model, art. 6.2)."""


class Pme:
    """The limits of an SME as the model's art. 6.1 states them."""

    effectif_max: int = _TERMES["pme"]["effectif_max"]
    chiffre_affaires_max = Decimal(_TERMES["pme"]["chiffre_affaires_max"])
    total_bilan_max = Decimal(_TERMES["pme"]["total_bilan_max"])
    detention_max = Decimal(_TERMES["pme"]["detention_max_pourcent"])


PME = Pme()

Majorite = Literal["deux-tiers-des-presents", "majorite-des-entreprises"]
"""The comité d'agrément's decision rules a model may name (``parametres.majorite_comite``)."""

MAJORITES: dict[Majorite, str] = dict(_TERMES["majorites"])
"""Each decision rule as the documents word it."""
assert set(MAJORITES) == set(get_args(Majorite)), "programme.toml and Majorite disagree"

@dataclass(frozen=True)
class ReglementDeMinimis:
    """An EU de minimis regulation: its reference, its dates of application, its ceiling per undertaking and the
    period that ceiling is counted over (as the beneficiary's declaration words it)."""

    reference: str
    debut: dt.date
    fin: dt.date
    plafond: Decimal
    periode: str


REGLEMENTS_DE_MINIMIS: tuple[ReglementDeMinimis, ...] = tuple(
    ReglementDeMinimis(r["reference"], r["debut"], r["fin"], Decimal(r["plafond"]), r["periode"])
    for r in _TERMES["de_minimis"])
"""The de minimis regulations in the order they applied (``programme.toml``)."""


def reglement_de_minimis(date: dt.date) -> ReglementDeMinimis | None:
    """Return the de minimis regulation that applies on *date*, or None before the first one.

    >>> reglement_de_minimis(dt.date(2011, 4, 8)).reference
    'règlement (CE) n° 1998/2006 de la Commission du 15 décembre 2006'
    >>> reglement_de_minimis(dt.date(2014, 1, 1)).plafond, reglement_de_minimis(dt.date(2000, 1, 1))
    (Decimal('200000'), None)
    """
    return next((r for r in REGLEMENTS_DE_MINIMIS if r.debut <= date <= r.fin), None)


@dataclass(frozen=True)
class PartenaireNational:
    """The State's delegation for territorial development under one of its names, and the date it took it."""

    sigle: str
    nom: str
    debut: dt.date


PARTENAIRES_NATIONAUX: tuple[PartenaireNational, ...] = tuple(
    PartenaireNational(p["sigle"], p["nom"], p["debut"]) for p in _TERMES["partenaire_national"])


def partenaire_national(date: dt.date) -> PartenaireNational:
    """Return the name the program's national partner had on *date* (``programme.toml``).

    >>> partenaire_national(dt.date(2008, 9, 1)).sigle, partenaire_national(dt.date(2010, 11, 26)).sigle
    ('DIACT', 'DATAR')
    >>> partenaire_national(dt.date(2010, 11, 26)).debut
    datetime.date(2009, 12, 14)
    """
    return [p for p in PARTENAIRES_NATIONAUX if p.debut <= date][-1]


@dataclass(frozen=True)
class PeriodeSignature:
    """The dates between which a model may be signed (``periode_signature`` in its file): its dated facts
    (« au 31 décembre 2010 », « devenue DIACT ») hold only then."""

    debut: dt.date
    fin: dt.date

    def couvre(self, date: dt.date) -> bool:
        return self.debut <= date <= self.fin


DOCUMENTS: dict[DocumentKind, str] = {
    "convention-partenariat": "Convention de partenariat",
    "annexe-1-budget": "Annexe 1 — Budget prévisionnel",
    "annexe-2-cahier-des-charges": "Annexe 2 — Cahier des charges",
    "annexe-3-operateur-local": "Annexe 3 — Convention d'opérateur local",
    "cooperation": "Convention de coopération et de développement",
    "avenant": "Avenant à la convention de partenariat",
}
"""Each document the library writes, by kind, with its title; the territory's four come first, in order."""

DOCUMENTS_TERRITOIRE: tuple[DocumentKind, ...] = tuple(DOCUMENTS)[:4]
"""The documents of a territory's dossier, in signing order."""
