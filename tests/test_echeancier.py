"""The repayment schedule: for every advance, the instalments sum to it within the allowed dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alize_docs.domain.echeancier import ScheduleError, add_months, echeancier

AVANCES = st.decimals(min_value=100, max_value=200000, places=2, allow_nan=False)


@given(AVANCES, st.integers(1, 36), st.integers(0, 6), st.sampled_from(["mensuelle", "trimestrielle"]),
       st.dates(dt.date(2008, 1, 1), dt.date(2030, 12, 31)))
def test_instalments_sum_to_the_advance_after_the_deferral_within_the_duration(
        montant: Decimal, duree: int, differe: int, periodicite: str, versement: dt.date) -> None:
    try:
        echeances = echeancier(montant, duree, differe, periodicite, versement)
    except ScheduleError:
        pas = 1 if periodicite == "mensuelle" else 3
        assert duree <= differe or (duree - differe) % pas
        return
    assert sum(e.montant for e in echeances) == montant
    assert all(e.montant > 0 and e.montant == e.montant.quantize(Decimal("0.01")) for e in echeances)
    assert len({e.montant for e in echeances[:-1]}) <= 1  # equal instalments, the last adjusted
    assert echeances[0].date > add_months(versement, differe)
    assert echeances[-1].date <= add_months(versement, duree)
    assert [e.date for e in echeances] == sorted(e.date for e in echeances)
    assert echeances[-1].capital_restant == 0


def test_a_thousand_euros_in_three() -> None:
    echeances = echeancier(Decimal(1000), 3, 0, "mensuelle", dt.date(2011, 1, 31))
    assert [e.montant for e in echeances] == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert [e.date for e in echeances] == [dt.date(2011, 2, 28), dt.date(2011, 3, 31), dt.date(2011, 4, 30)]


def test_impossible_terms_are_explained_in_french() -> None:
    with pytest.raises(ScheduleError, match="n'est pas un multiple de la périodicité trimestrielle"):
        echeancier(Decimal(1000), 35, 6, "trimestrielle", dt.date(2011, 1, 1))
