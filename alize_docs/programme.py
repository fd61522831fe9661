"""The program's fixed terms: figures no territory may change (DOMAIN.md, « Rules »)."""

from decimal import Decimal

DUREE_ANNEES = 3
"""The convention runs three years from its signature (model, art. 8)."""

VALORISATION_JOUR = Decimal(700)
"""A day of skills support is valued at 700 € (model, art. 4)."""

CONTRIBUTION_ASTREES_ANNUELLE = Decimal(3000)
"""ASTREES receives 3 000 € per calendar year, 9 000 € over the convention (model, art. 7)."""

PLAFOND_CDC = Decimal("0.20")
"""The CDC may endow the advances fund up to 20 % of the other endowments to it (model, art. 4)."""

AVANCE_DUREE_MAX_MOIS = 36
AVANCE_DIFFERE_MAX_MOIS = 6
"""An advance lasts at most 3 years, with a deferral of 0 to 6 months, at 0 % (model, art. 6.2)."""
