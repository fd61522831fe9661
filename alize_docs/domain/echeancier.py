"""The repayment schedule (échéancier) of an advance.

Rule, stated once: the advance is repaid in equal instalments, each rounded to the cent half away
from zero (:func:`~alize_docs.formatting.arrondir`); the last instalment takes the difference, so
the instalments add up exactly to the advance. The first falls one period after the deferral ends,
the last on the last month of the duration (deferral included).

An instalment whose date falls on a Saturday, a Sunday or a French public holiday is payable on the next business
day (:attr:`Echeance.exigible`); its amount does not change. The holidays are those of the ``holidays`` library
(metropolitan France, the national list; Alsace-Moselle's local ones are not applied), imported only when a date is
asked for, so that validating a file does not load it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from alize_docs.formatting import arrondir

__all__ = ["PERIODES", "Echeance", "ScheduleError", "add_months", "echeancier", "jour_ouvre", "jours_feries"]

PERIODES = {"mensuelle": 1, "trimestrielle": 3}


class ScheduleError(ValueError):
    """The advance's terms do not make a schedule (French message)."""


@dataclass(frozen=True)
class Echeance:
    """One instalment: its contractual *date*, and :attr:`exigible`, the business day it is payable on."""

    numero: int
    date: dt.date
    montant: Decimal
    capital_restant: Decimal

    @property
    def exigible(self) -> dt.date:
        """The day the instalment is payable: its date, or the next business day when it falls on a day off."""
        return jour_ouvre(self.date)

    @property
    def reportee(self) -> bool:
        """True when the instalment's date is not a business day."""
        return self.exigible != self.date


@functools.cache
def jours_feries(annee: int) -> frozenset[dt.date]:
    """Return the French public holidays of *annee* (the ``holidays`` library's list for France).

    >>> sorted(d.isoformat() for d in jours_feries(2012))[:3]
    ['2012-01-01', '2012-04-09', '2012-05-01']
    """
    from holidays.countries.france import France  # a fifth of a second to import: only when a date is asked for

    return frozenset(France(years=annee))  # type: ignore[no-untyped-call]


def jour_ouvre(date: dt.date) -> dt.date:
    """Return *date*, or the next day that is neither a Saturday, a Sunday nor a French public holiday.

    >>> jour_ouvre(dt.date(2012, 1, 15)), jour_ouvre(dt.date(2012, 8, 15)), jour_ouvre(dt.date(2012, 11, 15))
    (datetime.date(2012, 1, 16), datetime.date(2012, 8, 16), datetime.date(2012, 11, 15))
    >>> jour_ouvre(dt.date(2012, 4, 7))  # Saturday, then Easter Sunday and Monday
    datetime.date(2012, 4, 10)
    """
    while date.weekday() >= 5 or date in jours_feries(date.year):
        date += dt.timedelta(days=1)
    return date


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
