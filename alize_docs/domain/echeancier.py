"""The repayment schedule (échéancier) of an advance.

Rule, stated once: the advance is repaid in equal instalments, each rounded to the cent half away
from zero (:func:`~alize_docs.formatting.arrondir`); the last instalment takes the difference, so
the instalments add up exactly to the advance. The first falls one period after the deferral ends,
the last on the last month of the duration (deferral included).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from alize_docs.formatting import arrondir

__all__ = ["PERIODES", "Echeance", "ScheduleError", "add_months", "echeancier"]

PERIODES = {"mensuelle": 1, "trimestrielle": 3}


class ScheduleError(ValueError):
    """The advance's terms do not make a schedule (French message)."""


@dataclass(frozen=True)
class Echeance:
    numero: int
    date: dt.date
    montant: Decimal
    capital_restant: Decimal


def add_months(date: dt.date, mois: int) -> dt.date:
    """Return *date* moved by *mois* months, on the same day or the month's last.

    >>> add_months(dt.date(2011, 1, 31), 1), add_months(dt.date(2011, 4, 15), 36)
    (datetime.date(2011, 2, 28), datetime.date(2014, 4, 15))
    """
    annee, index = divmod(date.month - 1 + mois, 12)
    annee += date.year
    return dt.date(annee, index + 1, min(date.day, calendar.monthrange(annee, index + 1)[1]))


def echeancier(montant: Decimal, duree_mois: int, differe_mois: int, periodicite: str,
               date_versement: dt.date) -> tuple[Echeance, ...]:
    """Return the instalments of an advance paid on *date_versement*.

    >>> [(e.numero, str(e.date), e.montant) for e in echeancier(Decimal(1000), 9, 0, "trimestrielle",
    ...                                                          dt.date(2011, 4, 15))]
    [(1, '2011-07-15', Decimal('333.33')), (2, '2011-10-15', Decimal('333.33')), (3, '2012-01-15', Decimal('333.34'))]
    """
    pas = PERIODES[periodicite]
    remboursement = duree_mois - differe_mois
    if remboursement <= 0:
        raise ScheduleError(f"le différé ({differe_mois} mois) ne laisse aucune période de remboursement sur "
                            f"{duree_mois} mois")
    if remboursement % pas:
        raise ScheduleError(f"la période de remboursement ({remboursement} mois, différé déduit) n'est pas un "
                            f"multiple de la périodicité {periodicite} ({pas} mois)")
    nombre = remboursement // pas
    egal = arrondir(montant / nombre)
    restant = montant
    echeances = []
    for numero in range(1, nombre + 1):
        part = egal if numero < nombre else restant
        restant -= part
        echeances.append(Echeance(numero, add_months(date_versement, differe_mois + numero * pas), part, restant))
    if echeances[-1].montant <= 0:
        raise ScheduleError(f"l'avance ({montant} €) est trop faible pour {nombre} échéances")
    return tuple(echeances)
