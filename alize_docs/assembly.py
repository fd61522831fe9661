"""Assembly: a validated territory and a clause library in, an :class:`AssembledDocument` out.

The context handed to clauses is built here, once: the input models, the computed budget, the
program's fixed terms, and the few phrasings derived from inputs (the Préfet's title, the groups
of partners that sign on their own).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .budget import budget_territoire
from .clauses import ClauseLibrary
from .document import AssembledDocument, Paragraph, SignatureTable
from .errors import InvalidInput, Probleme, ValidationReport
from .formatting import NBSP, de
from .models import Territoire
from .programme import CONTRIBUTION_ASTREES_ANNUELLE, DUREE_ANNEES, PLAFOND_CDC, VALORISATION_JOUR
from .rules import find_blanks

__all__ = ["assemble_convention", "check_no_blanks", "convention_context"]


@dataclass(frozen=True)
class ProgrammeTermes:
    """The program's fixed figures as clauses read them."""

    duree_annees: int = DUREE_ANNEES
    valorisation_jour: Decimal = VALORISATION_JOUR
    contribution_astrees_annuelle: Decimal = CONTRIBUTION_ASTREES_ANNUELLE
    contribution_astrees_totale: Decimal = CONTRIBUTION_ASTREES_ANNUELLE * DUREE_ANNEES
    plafond_cdc: Decimal = PLAFOND_CDC * 100


def nom_dispositif(territoire: Territoire) -> str:
    return f"ALIZÉ®{NBSP}{territoire.dispositif.nom}"


def convention_context(territoire: Territoire) -> dict[str, Any]:
    """Return the variables the partnership convention's clauses may use."""
    t = territoire
    propres = [p for p in t.partenaires if p.represente_par is None]
    prefet = t.etat.prefet
    directeur = t.cdc.directeur
    return {
        "dispositif": t.dispositif,
        "signature": t.signature,
        "etat": t.etat,
        "cdc": t.cdc,
        "astrees": t.astrees,
        "operateur": t.operateur,
        "comite_agrement": t.comite_agrement,
        "partenaires": t.partenaires,
        "entreprises": [p for p in propres if p.categorie == "entreprise"],
        "collectivites": [p for p in propres if p.categorie == "collectivite"],
        "organismes": [p for p in propres if p.categorie == "organisme"],
        "partenaires_etat": [p for p in t.partenaires if p.represente_par == "etat"],
        "president_entreprise": t.partenaire(t.comite_agrement.president.partenaire),
        "renouvellement": t.dispositif.nature == "renouvellement",
        "alize": nom_dispositif(t),
        "budget": budget_territoire(t),
        "programme": ProgrammeTermes(),
        "qualite_prefet": prefet.qualite or (
            f"{'Préfète' if prefet.civilite == 'Madame' else 'Préfet'} {de(t.dispositif.departement)}"),
        "qualite_directeur_cdc": directeur.qualite or (
            "Directrice régionale" if directeur.civilite == "Madame" else "Directeur régional"),
    }


def input_digest(territoire: Territoire) -> str:
    """Return a hash of the input's content (not of its file's layout or comments)."""
    return hashlib.sha256(territoire.model_dump_json().encode()).hexdigest()


def assemble_convention(territoire: Territoire, library: ClauseLibrary) -> AssembledDocument:
    """Return the partnership convention of *territoire*, assembled from its model's clauses."""
    blocs, clauses = library.assemble(territoire.modele, "convention-partenariat", convention_context(territoire))
    nom = nom_dispositif(territoire)
    document = AssembledDocument(
        kind="convention-partenariat",
        title=f"Convention de partenariat {nom}",
        subject=f"Convention de partenariat du dispositif {nom}, zone d'emploi {de(territoire.dispositif.zone_emploi)}",
        header=f"«{NBSP}{nom}{NBSP}»",
        author=territoire.operateur.nom,
        date=territoire.signature.date,
        modele=territoire.modele,
        blocks=tuple(blocs),
        clauses=tuple(clauses),
        input_sha256=input_digest(territoire),
    )
    check_no_blanks(document.title, [document.header, *(_texts(document))])
    return document


def _texts(document: AssembledDocument) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph | SignatureTable)]


def check_no_blanks(source: str, textes: list[str]) -> None:
    """Raise :class:`InvalidInput` (rule ``blanks``) if any text still holds a blank or drafting note."""
    problemes = []
    for texte in textes:
        if (trouve := find_blanks(texte)) is not None:
            extrait = texte if len(texte) < 80 else texte[:79] + "…"
            problemes.append(Probleme("blanks", ("document",), f"Le document produit contient {trouve} : "
                                                               f"« {extrait} »."))
    if problemes:
        raise InvalidInput(ValidationReport(source, tuple(problemes)))
