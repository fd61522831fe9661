"""The three-year budget of a territory, computed once in ``Decimal``.

The rules (CDC cap, balance), the convention's clauses and Annexe 1 all read their figures from
:func:`budget_territoire`, so the figures a convention states and the annex's always agree.
Sums are exact (inputs are whole cents); only a share, a percentage, is ever rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from alize_docs.domain.models import Territoire
from alize_docs.domain.programme import DUREE_ANNEES, PLAFOND_CDC, VALORISATION_JOUR

__all__ = ["CATEGORIES", "Budget", "Contribution", "budget_territoire"]

CATEGORIES = {
    "entreprise": "Entreprises partenaires",
    "collectivite": "Collectivités territoriales",
    "organisme": "Organismes locaux",
    "etat": "État",
    "cdc": "Caisse des dépôts et consignations",
}

Annuel = tuple[Decimal, ...]
_ZERO = Decimal(0)


def _annuel(valeurs: Sequence[Decimal | int] | None) -> Annuel:
    """Return exactly one value per year: missing years count as zero (the duration rule reports them)."""
    liste = [Decimal(v) for v in (valeurs or ())][:DUREE_ANNEES]
    return tuple(liste + [_ZERO] * (DUREE_ANNEES - len(liste)))


def _somme_annuelle(series: Iterable[Annuel]) -> Annuel:
    return tuple(sum(colonne, _ZERO) for colonne in zip(*series, strict=True)) if series else _annuel(())


@dataclass(frozen=True)
class Contribution:
    """What one partner (or the CDC) brings, year by year."""

    ident: str
    nom: str
    categorie: str
    avances: Annuel
    fonctionnement: Annuel
    jours: Annuel

    @property
    def valorisation(self) -> Annuel:
        return tuple(j * VALORISATION_JOUR for j in self.jours)


@dataclass(frozen=True)
class Budget:
    contributions: tuple[Contribution, ...]
    depenses: tuple[tuple[str, Annuel], ...]

    def _series(self, attribut: str, categorie: str | None = None) -> Annuel:
        return _somme_annuelle([getattr(c, attribut) for c in self.contributions
                                if categorie is None or c.categorie == categorie])

    def avances(self, categorie: str | None = None) -> Annuel:
        return self._series("avances", categorie)

    def fonctionnement(self, categorie: str | None = None) -> Annuel:
        return self._series("fonctionnement", categorie)

    def valorisation(self, categorie: str | None = None) -> Annuel:
        return self._series("valorisation", categorie)

    def jours(self, categorie: str | None = None) -> Annuel:
        return self._series("jours", categorie)

    @property
    def emplois_fonctionnement(self) -> Annuel:
        return _somme_annuelle([montants for _, montants in self.depenses])

    @property
    def dotation_cdc(self) -> Decimal:
        return sum(self.avances("cdc"), _ZERO)

    @property
    def autres_dotations(self) -> Decimal:
        """The other partners' endowments to the advances fund, over the convention."""
        return sum(self.avances(), _ZERO) - self.dotation_cdc

    @property
    def total_dotations(self) -> Decimal:
        """« le total des dotations privées et publiques » of the model's Article 4: every endowment to the advances
        fund over the convention, the CDC's included (the CDC is a public body, and its endowment one of them)."""
        return sum(self.avances(), _ZERO)

    @property
    def plafond_cdc(self) -> Decimal:
        """The CDC's cap: 20 % of the total of the other partners' endowments, private and public (model, art. 4,
        read as the program's rule states it: the CDC's own endowment is not in the base)."""
        return self.autres_dotations * PLAFOND_CDC

    @property
    def dotation_cdc_max(self) -> Decimal:
        """The largest CDC endowment the other endowments allow, to the cent below: c ≤ 20 % × autres.

        >>> autres = Contribution("a", "A", "entreprise", (Decimal(750000), _ZERO, _ZERO), (), ())
        >>> Budget((autres,), ()).dotation_cdc_max
        Decimal('150000.00')
        """
        return self.plafond_cdc.quantize(Decimal("0.01"), ROUND_DOWN)

    @property
    def part_cdc(self) -> Decimal:
        """The CDC's endowment as a percentage of the other partners' endowments, to one decimal (what the cap is
        set on)."""
        if not self.autres_dotations:
            return _ZERO
        return (self.dotation_cdc * 100 / self.autres_dotations).quantize(Decimal("0.1"))

    @property
    def total_financier(self) -> Decimal:
        return sum(self.avances(), _ZERO) + sum(self.fonctionnement(), _ZERO)

    @property
    def total_general(self) -> Decimal:
        return self.total_financier + sum(self.valorisation(), _ZERO)

    @property
    def part_competences(self) -> Decimal:
        """The share of valued skills in the whole budget, in percent, to one decimal."""
        if not self.total_general:
            return _ZERO
        return (sum(self.valorisation(), _ZERO) * 100 / self.total_general).quantize(Decimal("0.1"))


def budget_territoire(territoire: Territoire) -> Budget:
    """Return the budget of *territoire*: every partner's and the CDC's contributions and the operating uses."""
    contributions = [
        Contribution(
            ident=p.id,
            nom=p.nom,
            categorie="etat" if p.represente_par == "etat" else p.categorie,
            avances=_annuel(p.apports.avances),
            fonctionnement=_annuel(p.apports.fonctionnement),
            jours=_annuel(p.apports.jours),
        )
        for p in territoire.partenaires
    ]
    contributions.append(Contribution(
        ident="cdc", nom="Caisse des dépôts et consignations", categorie="cdc",
        avances=_annuel(territoire.cdc.apports.avances), fonctionnement=_annuel(()), jours=_annuel(()),
    ))
    depenses = territoire.depenses_fonctionnement
    lignes = [("Communication", _annuel(depenses.communication)),
              ("Contribution à ASTREES", _annuel(depenses.contribution_astrees))]
    lignes += [(autre.libelle, _annuel(autre.montants)) for autre in depenses.autres]
    return Budget(tuple(contributions), tuple(lignes))
