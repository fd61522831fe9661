"""Assembly: validated inputs and a clause library in, :class:`AssembledDocument` out.

Each document is its model's clause versions rendered in order with the document's context
(:mod:`alize_docs.assembly.context`) and its computed tables; what comes out is checked for blanks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from alize_docs.assembly.context import (
    ContexteTerritoire,
    contexte_cooperation,
    contexte_territoire,
    cooperation_context,
    nom_dispositif,
    territory_context,
)
from alize_docs.assembly.tables import budget_tables
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.document import AssembledDocument, Table
from alize_docs.domain.models import Cooperation, Territoire
from alize_docs.domain.programme import DOCUMENTS, DOCUMENTS_TERRITOIRE, DocumentKind
from alize_docs.formatting import NBSP, de
from alize_docs.rules.blancs import check_no_blanks

__all__ = [
    "DOCUMENTS",
    "assemble_convention",
    "assemble_cooperation",
    "assemble_dossier",
    "assemble_territory_document",
    "cooperation_context",
    "input_digest",
    "territory_context",
]


def input_digest(*entrees: BaseModel) -> str:
    """Return a hash of the inputs' content (not of their files' layout or comments)."""
    return hashlib.sha256("".join(e.model_dump_json() for e in entrees).encode()).hexdigest()


def assemble_territory_document(territoire: Territoire, library: ClauseLibrary, kind: DocumentKind,
                                contexte: ContexteTerritoire | None = None) -> AssembledDocument:
    """Return one of the territory's documents (the convention or an annex), assembled from its model;
    *contexte* is :func:`contexte_territoire` when the caller already has it."""
    contexte = contexte or contexte_territoire(territoire)
    tables = budget_tables(contexte["budget"]) if kind == "annexe-1-budget" else {}
    nom = nom_dispositif(territoire)
    return _assemble(kind, territoire, library, contexte, tables, (territoire,), title=f"{DOCUMENTS[kind]} {nom}",
                     short_title=DOCUMENTS[kind], date=territoire.signature.date,
                     subject=f"{DOCUMENTS[kind]} du dispositif {nom}, zone d'emploi "
                             f"{de(territoire.dispositif.zone_emploi)}")


def _assemble(kind: DocumentKind, territoire: Territoire, library: ClauseLibrary, contexte: Mapping[str, Any],
              tables: dict[str, Table], entrees: tuple[BaseModel, ...], *, title: str, short_title: str,
              subject: str, date: dt.date) -> AssembledDocument:
    """Assemble *kind* from the territory's model and check that no blank is left in it."""
    blocs, clauses = library.assemble(territoire.modele, kind, contexte, tables)
    document = AssembledDocument(
        kind=kind, title=title, short_title=short_title, subject=subject,
        header=f"«{NBSP}{nom_dispositif(territoire)}{NBSP}»", author=territoire.operateur.nom, date=date,
        modele=territoire.modele, blocks=tuple(blocs), clauses=tuple(clauses), input_sha256=input_digest(*entrees),
    )
    check_no_blanks(document.title, [document.header, *(b.text for b in document.blocks)])
    return document


def assemble_convention(territoire: Territoire, library: ClauseLibrary) -> AssembledDocument:
    """Return the partnership convention of *territoire*."""
    return assemble_territory_document(territoire, library, "convention-partenariat")


def assemble_dossier(territoire: Territoire, library: ClauseLibrary) -> list[AssembledDocument]:
    """Return the convention and its three annexes, in signing order."""
    contexte = contexte_territoire(territoire)  # the budget and all: once for the four documents
    return [assemble_territory_document(territoire, library, kind, contexte) for kind in DOCUMENTS_TERRITOIRE]


def assemble_cooperation(cooperation: Cooperation, territoire: Territoire, library: ClauseLibrary
                         ) -> AssembledDocument:
    """Return the cooperation agreement of one SME, assembled from its territory's model."""
    contexte, tables = contexte_cooperation(cooperation, territoire, library)
    return _assemble("cooperation", territoire, library, contexte, tables, (cooperation, territoire),
                     title=f"Convention de coopération et développement n° {cooperation.numero}",
                     short_title=f"Convention de coopération n° {cooperation.numero}",
                     subject=f"{cooperation.beneficiaire.raison_sociale} : {cooperation.projet.intitule}",
                     date=cooperation.signature.date)
