"""French formatting: exact strings, one rounding rule, words that parse back to the figures."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_to_num import text2num

from alize_docs.formatting import (
    AmountSyntaxError,
    arrondir,
    format_montant,
    montant_en_lettres,
    parse_montant,
    typographie,
)

MONTANTS = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False)
MOTS = re.compile(r"(?:(?P<euros>.+?) (?:euros?|d'euros))?(?: et )?(?:(?P<centimes>.+?) centimes?)?")


def lire_en_lettres(texte: str) -> Decimal:
    """Read French amount words back with text2num, an independent parser."""
    morceaux = MOTS.fullmatch(texte)
    assert morceaux is not None, texte
    euros = text2num(morceaux["euros"], "fr") if morceaux["euros"] else 0
    centimes = text2num(morceaux["centimes"], "fr") if morceaux["centimes"] else 0
    return Decimal(euros) + Decimal(centimes) / 100


def lire_en_chiffres(texte: str) -> Decimal:
    assert texte.endswith("\u00a0€")
    return Decimal(texte.removesuffix("\u00a0€").replace("\u202f", "").replace(",", "."))


@pytest.mark.parametrize(("montant", "attendu"), [
    ("9000", "neuf mille euros"),
    ("80", "quatre-vingts euros"),
    ("81", "quatre-vingt-un euros"),
    ("200000", "deux cent mille euros"),
    ("1000000", "un million d'euros"),
    ("2000000", "deux millions d'euros"),
    ("1200000", "un million deux cent mille euros"),
    ("33333.33", "trente-trois mille trois cent trente-trois euros et trente-trois centimes"),
    ("1", "un euro"),
    ("80000", "quatre-vingt mille euros"),
    ("21.21", "vingt et un euros et vingt et un centimes"),
])
def test_amounts_in_words_as_contracts_write_them(montant: str, attendu: str) -> None:
    assert montant_en_lettres(Decimal(montant)) == attendu


@pytest.mark.parametrize(("montant", "attendu"), [
    ("9000", "9\u202f000\u00a0€"), ("33333.33", "33\u202f333,33\u00a0€"), ("0.50", "0,50\u00a0€"),
    ("1000000.00", "1\u202f000\u202f000\u00a0€"), ("700", "700\u00a0€"),
])
def test_amounts_in_figures_group_thousands_with_narrow_no_break_spaces(montant: str, attendu: str) -> None:
    assert format_montant(Decimal(montant)) == attendu


@given(MONTANTS)
def test_words_parse_back_to_the_figure(montant: Decimal) -> None:
    assert lire_en_lettres(montant_en_lettres(montant)) == montant
    assert lire_en_chiffres(format_montant(montant)) == montant


@given(st.decimals(min_value=0, max_value=Decimal("99999999.9999"), places=4, allow_nan=False))
def test_figures_and_words_come_from_the_same_rounded_value(montant: Decimal) -> None:
    arrondi = arrondir(montant)
    assert lire_en_chiffres(format_montant(montant)) == arrondi
    assert lire_en_lettres(montant_en_lettres(montant)) == arrondi


def test_rounding_is_half_away_from_zero_not_bankers() -> None:
    # Babel would round half-even (0,125 -> 0,12); the library's one rule gives 0,13 in figures and words.
    assert format_montant(Decimal("0.125")) == "0,13\u00a0€"
    assert montant_en_lettres(Decimal("0.125")) == "treize centimes"


@given(MONTANTS)
def test_printed_figures_read_back_as_input(montant: Decimal) -> None:
    assert parse_montant(format_montant(montant)) == montant


@pytest.mark.parametrize(("texte", "attendu"), [
    ("15 000,50", Decimal("15000.50")), ("15 000 €", Decimal("15000")), ("33333.33", Decimal("33333.33")),
    ("15\u00a0000", Decimal("15000")), ("0,5", Decimal("0.5")), ("1 200 000 EUR", Decimal("1200000")),
])
def test_french_amount_strings_parse(texte: str, attendu: Decimal) -> None:
    assert parse_montant(texte) == attendu


@pytest.mark.parametrize(("texte", "raison"), [
    ("15.000", "ambigu"), ("15,000", "ambigu"), ("-500", "négatif"), ("1e5", "lisible"),
    ("15.000,50", "lisible"), ("12,345", "ambigu"), ("1,2345", "deux décimales"), ("quinze", "lisible"),
])
def test_ambiguous_or_unreadable_amounts_are_refused(texte: str, raison: str) -> None:
    with pytest.raises(AmountSyntaxError, match=raison):
        parse_montant(texte)


def test_amounts_refuse_floats() -> None:
    with pytest.raises(TypeError):
        format_montant(0.1)  # type: ignore[arg-type]


@given(st.text(alphabet="ab :;!?«»% ", max_size=30))
def test_typography_is_idempotent(texte: str) -> None:
    assert typographie(typographie(texte)) == typographie(texte)
