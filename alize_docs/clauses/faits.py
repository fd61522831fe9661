"""What a model file says besides its clause versions: the period in which it may be signed, the dated facts
its text states, and the phrases one of its documents quotes from another.

Read from ``modeles/<nom>.yaml`` (the first folder of the library's stack that has it)::

    periode_signature: {debut: 2011-01-01, fin: 2013-12-31}
    faits_dates:
      - {texte: "au 31 décembre 2010", date: 2010-12-31}
    citations:
      - {document: convention-partenariat, texte: "accompagner les bénéficiaires de façon rapide",
         source: annexe-2-cahier-des-charges}
    sections_source:
      annexe-2-cahier-des-charges:
        source: "Présentation « Fonctionnement et principes d'ALIZÉ® » (ASTREES, 2011)"
        sections:
          - {source: "ALIZÉ®, qu'est-ce ?"}
          - {source: "Qu'est ce que l'accompagnement Alizé®", annexe: "Qu'est-ce que l'accompagnement ALIZÉ® ?"}

Validation refuses a signature outside the period (rule ``model``); the library check verifies that each dated
fact is in the model's text and not after the period's start, that each quotation is in both documents, and that
a document drafted from a source has a heading (or a table's caption) for each of the source's sections: its
``annexe`` heading, or the source's own words when the heading kept them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alize_docs.clauses.library import ClauseLibrary
from alize_docs.domain.programme import PeriodeSignature
from alize_docs.errors import ModelError
from alize_docs.formatting import parse_date
from alize_docs.inputs.yaml import read_yaml

__all__ = ["Citation", "Couverture", "FaitDate", "FaitsModele", "SectionSource", "faits_modele", "periodes"]


@dataclass(frozen=True)
class FaitDate:
    """A dated fact of the model's text (« au 1er septembre 2008 ») and the date it speaks of."""

    texte: str
    date: dt.date


@dataclass(frozen=True)
class Citation:
    """A phrase *document* quotes from *source* (another document of the same model)."""

    document: str
    texte: str
    source: str


@dataclass(frozen=True)
class SectionSource:
    """A heading of a document's source, and the heading that covers it in the document (the same by default)."""

    source: str
    annexe: str = ""

    @property
    def titre(self) -> str:
        return self.annexe or self.source


@dataclass(frozen=True)
class Couverture:
    """The sections of *source* that *document* must cover, in the source's order."""

    document: str
    source: str
    sections: tuple[SectionSource, ...]


@dataclass(frozen=True)
class FaitsModele:
    periode: PeriodeSignature | None = None
    faits_dates: tuple[FaitDate, ...] = ()
    citations: tuple[Citation, ...] = ()
    couvertures: tuple[Couverture, ...] = ()


_MEMO: dict[tuple[Path, int], FaitsModele] = {}


def faits_modele(library: ClauseLibrary, nom: str) -> FaitsModele:
    """Return the period, dated facts and quotations of model *nom* (empty when its file has none)."""
    chemin = next((d / "modeles" / f"{nom}.yaml" for d in library.dossiers
                   if (d / "modeles" / f"{nom}.yaml").is_file()), None)
    if chemin is None:
        raise ModelError("introuvable", modele=nom)
    cle = (chemin, chemin.stat().st_mtime_ns)
    if cle not in _MEMO:
        _MEMO[cle] = _lire(chemin, nom)
    return _MEMO[cle]


def periodes(library: ClauseLibrary) -> dict[str, PeriodeSignature | None]:
    """Return each model's signing period."""
    return {nom: faits_modele(library, nom).periode for nom in sorted(library.modeles())}


def _lire(chemin: Path, nom: str) -> FaitsModele:
    lu = read_yaml(chemin)
    if lu.problemes or not isinstance(lu.data, dict):
        raise ModelError(lu.problemes[0].message if lu.problemes else "contenu invalide", modele=nom, fichier=chemin)
    donnees: dict[str, Any] = lu.data
    try:
        periode = None
        if (brut := donnees.get("periode_signature")) is not None:
            periode = PeriodeSignature(_date(brut["debut"]), _date(brut["fin"]))
            if periode.fin < periode.debut:
                raise ValueError("periode_signature : la fin précède le début")
        faits = tuple(FaitDate(str(f["texte"]), _date(f["date"])) for f in donnees.get("faits_dates") or [])
        citations = tuple(Citation(str(c["document"]), str(c["texte"]), str(c["source"]))
                          for c in donnees.get("citations") or [])
        couvertures = tuple(
            Couverture(str(document), str(c["source"]),
                       tuple(SectionSource(str(r["source"]), str(r.get("annexe") or "")) for r in c["sections"]))
            for document, c in (donnees.get("sections_source") or {}).items())
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = str(exc) if isinstance(exc, ValueError) else f"clé manquante ou mal formée ({exc})"
        raise ModelError(f"periode_signature, faits_dates, citations ou sections_source : {detail}", modele=nom,
                         fichier=chemin) from None
    return FaitsModele(periode, faits, citations, couvertures)


def _date(valeur: object) -> dt.date:
    if isinstance(valeur, dt.date):
        return valeur
    return parse_date(str(valeur))
