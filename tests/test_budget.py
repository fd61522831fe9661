"""Annexe 1: every cell against an independent sum of the fixture; the convention states the same figures."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import docx
import pytest

import alize_docs
from alize_docs.inputs.yaml import read_yaml

from .conftest import TERRITOIRE, lisible


def montant(texte: str) -> Decimal:
    """Read a printed amount back: « 40 000 € » → 40000, « — » → 0."""
    propre = texte.replace("\u202f", "").replace("\u00a0", "").replace("€", "").replace(",", ".").strip()
    return Decimal(0) if propre in ("—", "") else Decimal(propre)


@pytest.fixture(scope="module")
def fichiers() -> dict[str, bytes]:
    dossier = alize_docs.Dossier(TERRITOIRE, alize_docs.load_territoire(TERRITOIRE))
    return alize_docs.render_documents(dossier)


@pytest.fixture(scope="module")
def annexe(fichiers: dict[str, bytes]) -> docx.document.Document:
    return docx.Document(io.BytesIO(fichiers["annexe-1-budget-toulinois.docx"]))


def rows(table: Any) -> dict[str, list[str]]:
    return {lisible(r.cells[0].text): [c.text for c in r.cells[1:]] for r in table.rows[1:]}


def raw() -> dict[str, Any]:
    return read_yaml(TERRITOIRE).data


def test_advances_fund_cell_by_cell(annexe: docx.document.Document) -> None:
    donnees = raw()
    lignes = rows(annexe.tables[0])
    attendu_total = [Decimal(0)] * 3
    for partenaire in donnees["partenaires"]:
        valeurs = [Decimal(v) for v in partenaire["apports"].get("avances") or []]
        if valeurs:
            assert [montant(c) for c in lignes[partenaire["nom"]]] == [*valeurs, sum(valeurs)]
            attendu_total = [a + v for a, v in zip(attendu_total, valeurs, strict=True)]
    cdc = [Decimal(v) for v in donnees["cdc"]["apports"]["avances"]]
    assert [montant(c) for c in lignes["Caisse des dépôts et consignations"]] == [*cdc, sum(cdc)]
    attendu_total = [a + v for a, v in zip(attendu_total, cdc, strict=True)]
    assert [montant(c) for c in lignes["Total du fonds d'avances remboursables"]] == [*attendu_total,
                                                                                     sum(attendu_total)]
    assert montant(lignes["Sous-total entreprises partenaires"][3]) == Decimal(150000)  # the press article's figure


def test_operating_account_balances_every_year(annexe: docx.document.Document) -> None:
    lignes = rows(annexe.tables[1])
    ressources = [montant(c) for c in lignes["Total des ressources"]]
    emplois = [montant(c) for c in lignes["Total des emplois"]]
    assert ressources == emplois == [Decimal(8000)] * 3 + [Decimal(24000)]
    assert [montant(c) for c in lignes["Contribution à ASTREES"]] == [Decimal(3000)] * 3 + [Decimal(9000)]


def test_skills_days_and_their_valuation(annexe: docx.document.Document) -> None:
    donnees = raw()
    lignes = rows(annexe.tables[2])
    jours = [Decimal(0)] * 3
    for partenaire in donnees["partenaires"]:
        if valeurs := [Decimal(v) for v in partenaire["apports"].get("jours") or []]:
            assert [montant(c) for c in lignes[partenaire["nom"]]] == [*valeurs, sum(valeurs)]
            jours = [a + v for a, v in zip(jours, valeurs, strict=True)]
    assert [montant(c) for c in lignes["Total des jours"]] == [*jours, Decimal(200)]
    valorisation = lignes["Valorisation à 700\u00a0€ par jour"]
    assert [montant(c) for c in valorisation] == [j * 700 for j in jours] + [Decimal(140000)]


def test_synthesis_and_grand_total(annexe: docx.document.Document) -> None:
    synthese = rows(annexe.tables[3])
    assert [montant(c) for c in synthese["Total"]] == [Decimal(870000), Decimal(24000), Decimal(140000),
                                                       Decimal(1034000)]
    annuel = rows(annexe.tables[4])
    assert montant(annuel["Total général"][3]) == Decimal(1034000)
    assert sum(montant(annuel["Total général"][i]) for i in range(3)) == Decimal(1034000)
    texte = lisible("\n".join(p.text for p in annexe.paragraphs))
    assert ("s'élève à un million trente-quatre mille euros (1\u202f034\u202f000\u00a0€) sur la durée de la "
            "convention, dont cent quarante mille euros (140\u202f000\u00a0€) d'apport en compétences valorisé, "
            "soit 13,5\u202f% de l'ensemble.") in texte


def test_convention_and_annex_state_the_same_figures(fichiers: dict[str, bytes],
                                                     annexe: docx.document.Document) -> None:
    convention = lisible("\n".join(p.text for p in docx.Document(io.BytesIO(
        fichiers["convention-partenariat-toulinois.docx"])).paragraphs))
    lignes = rows(annexe.tables[0])
    cdc = lignes["Caisse des dépôts et consignations"][3]
    total = montant(lignes["Total du fonds d'avances remboursables"][3]) - montant(cdc)
    assert f"la dotation prévisionnelle de la CDC s'élève à cent vingt mille euros ({cdc})" in convention
    # the same base in both documents: the other partners' endowments (Article 4, rule cdc-cap)
    meme_base = (f"soit 16\u202f% du total des dotations privées et publiques des autres partenaires au fonds "
                 f"d'avances remboursables, qui s'élève à sept cent cinquante mille euros "
                 f"({alize_docs.format_montant(total)})")
    assert meme_base in convention
    texte_annexe = lisible("\n".join(p.text for p in annexe.paragraphs))
    for phrase in ("par année de convention (période de douze mois courant à compter de sa signature), soit "
                   "9\u202f000 euros", "3\u202f000 euros pour chacune des trois années",
                   "700 euros par jour"):
        assert phrase in texte_annexe
    assert ("3\u202f000 euros d'ALIZÉ®\u00a0Toulinois par année de convention (période de douze mois courant à "
            "compter de sa signature), soit 9\u202f000 euros") in convention
    assert "valorisés à hauteur de 700 euros par jour" in convention
    assert meme_base in texte_annexe


def test_every_group_of_the_fund_ends_with_its_subtotal_and_the_state_and_cdc_stand_apart(
        annexe: docx.document.Document) -> None:
    """A reader never takes the État's and the CDC's rows for a part of the group above them (legal review)."""
    libelles = [lisible(r.cells[0].text) for r in annexe.tables[0].rows]
    cci = libelles.index("Chambre de commerce et d'industrie de Meurthe-et-Moselle")
    assert libelles[cci + 1] == "Sous-total organismes locaux"
    assert rows(annexe.tables[0])["Sous-total organismes locaux"] == ["20\u202f000\u00a0€"] * 3 + ["60\u202f000\u00a0€"]
    for nom in ("État (Fonds national d'aménagement et de développement du territoire)",
                "Caisse des dépôts et consignations"):
        rangee = annexe.tables[0].rows[libelles.index(nom)]
        assert all(run.bold for p in rangee.cells[0].paragraphs for run in p.runs), nom  # set as its own category
