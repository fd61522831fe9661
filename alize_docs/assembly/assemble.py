"""Assembly: validated inputs and a clause library in, :class:`AssembledDocument` out.

Each document is its model's clause versions rendered in order with the document's context
(:mod:`alize_docs.assembly.context`) and its computed tables; what comes out is checked for blanks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from alize_docs import noms
from alize_docs.assembly.context import (
    ContexteTerritoire,
    contexte_cooperation,
    contexte_territoire,
    cooperation_context,
    nom_dispositif,
    territory_context,
)
from alize_docs.assembly.tables import tableaux_budget
from alize_docs.assembly.textes import clause_texts
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.document import (
    AssembledDocument,
    Block,
    Paragraph,
    Renvoi,
    Run,
    SignatureBlock,
    SignatureTable,
    Table,
)
from alize_docs.domain.models import Cooperation, Partenaire, Territoire
from alize_docs.domain.programme import DOCUMENTS, DOCUMENTS_TERRITOIRE, DocumentKind
from alize_docs.errors import ModelError
from alize_docs.formatting import NBSP, de, typographie
from alize_docs.rules.blancs import check_no_blanks, input_texts

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
    tables = tableaux_budget(contexte["budget"]) if kind == "annexe-1-budget" else {}
    nom = nom_dispositif(territoire)
    return _assemble(kind, territoire, library, contexte, tables, (territoire,), title=f"{DOCUMENTS[kind]} {nom}",
                     short_title=DOCUMENTS[kind], date=territoire.signature.date,
                     subject=f"{DOCUMENTS[kind]} du dispositif {nom}, zone d'emploi "
                             f"{de(territoire.dispositif.zone_emploi)}")


def _assemble(kind: DocumentKind, territoire: Territoire, library: ClauseLibrary, contexte: Mapping[str, Any],
              tables: dict[str, Table], entrees: tuple[BaseModel, ...], *, title: str, short_title: str,
              subject: str, date: dt.date) -> AssembledDocument:
    """Assemble *kind* from the territory's model and check that no blank is left in it."""
    longueurs: list[int] = []
    blocs, clauses = library.assemble(territoire.modele, kind, contexte, tables, longueurs=longueurs)
    textes = clause_texts(blocs, longueurs, lambda morceau: expand_parties(morceau, contexte, territoire.modele, kind))
    blocs = expand_parties(blocs, contexte, territoire.modele, kind)
    document = AssembledDocument(
        kind=kind, title=title, short_title=short_title, subject=subject,
        header=f"«{NBSP}{nom_dispositif(territoire)}{NBSP}»", author=territoire.operateur.nom, date=date,
        modele=territoire.modele, blocks=tuple(blocs), clauses=tuple(clauses), input_sha256=input_digest(*entrees),
        clause_texts=textes,
    )
    check_no_blanks(document.title, [document.header, *(b.text for b in document.blocks)],
                    (v for e in entrees for v in input_texts(e)))
    return document



def expand_parties(blocs: list[Block], contexte: Mapping[str, Any], modele: str, kind: str) -> list[Block]:
    """Replace each ``@parties groupe`` and ``@signatures groupe`` of *blocs* by one entry per party of the group.

    ``@parties groupe`` gives a second-level bullet « Nom : signataire, qualité ; » per party (« Nom ; » for a
    party without a signatory of its own); ``@parties groupe | rôle`` a bullet « Nom, rôle, représentée par
    signataire, qualité, ». ``@signatures groupe`` gives one block « Pour <nom avec son article> | signataire |
    qualité » per party (``@signatures groupe | titre``: « Pour <titre> <nom> »), in the same table as the
    ``@signature`` blocks written right before or after it.
    """
    sortie: list[Block] = []
    developpes: set[int] = set()  # positions in sortie of the signature tables that hold expanded blocks
    for bloc in blocs:
        if not isinstance(bloc, Renvoi):
            if isinstance(bloc, SignatureTable) and sortie and len(sortie) - 1 in developpes:
                sortie[-1] = _joindre(sortie[-1], bloc)
            else:
                sortie.append(bloc)
            continue
        groupe = contexte.get(bloc.groupe)
        if not isinstance(groupe, list):
            raise ModelError(f"« @{bloc.style} {bloc.groupe} » : le document « {kind} » n'a pas ce groupe de "
                             "parties", modele=modele)
        partenaires: list[Partenaire] = groupe
        if bloc.style == "parties":
            sortie.extend(_ligne_partie(p, bloc.runs) for p in partenaires)
        elif partenaires:
            table = SignatureTable(tuple(_bloc_signature(p, bloc.runs) for p in partenaires))
            if sortie and isinstance(sortie[-1], SignatureTable):
                sortie[-1] = _joindre(sortie[-1], table)
            else:
                sortie.append(table)
            developpes.add(len(sortie) - 1)
    return sortie


def _joindre(premier: Block, second: SignatureTable) -> SignatureTable:
    assert isinstance(premier, SignatureTable)
    return SignatureTable(premier.blocks + second.blocks)


def _ligne_partie(partenaire: Partenaire, role: tuple[Run, ...]) -> Paragraph:
    """One party as a lawyer identifies it: « L'entreprise SIDE, représentée par Monsieur…, Directeur régional ; »
    (its identification and the act that empowers its signatory when the input gives them); a part of the State's
    budget (``represente_par: etat``) « agissant au titre du Fonds national… ; »."""
    signataire = partenaire.signataire
    personne = "" if signataire is None else signataire.nom_complet + (
        f", {signataire.qualite}" if signataire.qualite else "")
    represente = noms.represente_organisation(partenaire.nom, partenaire.article)
    if not role:
        if partenaire.represente_par == "etat":
            interieur = re.fullmatch(r"(?:l')?[ÉE]tat\s*\((.+)\)", partenaire.nom.strip(), re.IGNORECASE)
            titre = noms.organisation(interieur[1]) if interieur else partenaire.denomination
            return Paragraph("bullet2", (Run(typographie(f"agissant au titre {titre.de} ;")),))
        nom = partenaire.denomination.avec_article_majuscule
        if partenaire.categorie == "entreprise" and partenaire.article is None and nom == partenaire.nom:
            nom = f"L'entreprise {partenaire.nom}"  # as the model's signature blocks say « L'entreprise… »
        morceaux = [nom, *([partenaire.identification] if partenaire.identification else []),
                    *([f"{represente} par {personne}"] if personne else []),
                    *([partenaire.habilitation] if partenaire.habilitation else [])]
        return Paragraph("bullet2", (Run(typographie(", ".join(morceaux) + " ;")),))
    debut = Run(partenaire.denomination.avec_article_majuscule + ", ")
    fin = Run(typographie(f", {represente} par {personne}," if personne else ","))
    return Paragraph("bullet1", (debut, *role, fin))


def _bloc_signature(partenaire: Partenaire, titre: tuple[Run, ...]) -> SignatureBlock:
    """One party's block: « Pour <titre> <nom> » when the directive gives a title (« l'entreprise », as the model
    writes it for companies) and the input sets no article, else « Pour » and the name with its article."""
    signataire = partenaire.signataire
    entete = "".join(r.text for r in titre).strip()
    lignes = [f"Pour {entete} {partenaire.nom}" if entete and partenaire.article is None
              else partenaire.denomination.pour]  # an article the input sets prevails
    if signataire is not None:
        lignes += [signataire.nom_complet, *([signataire.qualite] if signataire.qualite else [])]
    return SignatureBlock(tuple((Run(ligne),) for ligne in lignes))


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
                     title=f"Convention de coopération et de développement n° {cooperation.numero}",
                     short_title=f"Convention de coopération n° {cooperation.numero}",
                     subject=f"{cooperation.beneficiaire.raison_sociale} : {cooperation.projet.intitule}",
                     date=cooperation.signature.date)
