"""Assembly: validated inputs and a clause library in, :class:`AssembledDocument` out.

The context handed to clauses is built here, once per document: the input models, the computed
budget or schedule, the program's fixed terms, the tables, and the few phrasings derived from
inputs (the Préfet's title, the groups of partners that sign on their own, article numbers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .budget import budget_territoire
from .clauses import ClauseLibrary
from .cooperation_rules import MAJORITES
from .document import AssembledDocument, Cell, Row, Table
from .echeancier import echeancier
from .errors import InvalidInput, Probleme, ValidationReport
from .formatting import NBSP, de, format_montant, format_nombre
from .models import Cooperation, Partenaire, Territoire
from .programme import CONTRIBUTION_ASTREES_ANNUELLE, DUREE_ANNEES, PLAFOND_CDC, VALORISATION_JOUR
from .rules import find_blanks
from .tables import budget_tables, schedule_table

__all__ = [
    "DOCUMENTS",
    "assemble_convention",
    "assemble_cooperation",
    "assemble_dossier",
    "assemble_territory_document",
    "check_no_blanks",
    "cooperation_context",
    "territory_context",
]

DOCUMENTS = {
    "convention-partenariat": "Convention de partenariat",
    "annexe-1-budget": "Annexe 1 — Budget prévisionnel",
    "annexe-2-cahier-des-charges": "Annexe 2 — Cahier des charges",
    "annexe-3-operateur-local": "Annexe 3 — Convention d'opérateur local",
    "cooperation": "Convention de coopération et développement",
}
"""Each document the library writes, by kind, with its title; the territory's four come first, in order."""


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


def territory_context(territoire: Territoire) -> dict[str, Any]:
    """Return the variables the convention's and the annexes' clauses may use."""
    t = territoire
    budget = budget_territoire(t)
    propres = [p for p in t.partenaires if p.represente_par is None]
    prefet, directeur = t.etat.prefet, t.cdc.directeur
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
        "budget": budget,
        "valorisation_totale": sum(budget.valorisation(), Decimal(0)),
        "part_cdc": (budget.dotation_cdc * 100 / budget.autres_dotations).quantize(Decimal("0.1"))
        if budget.autres_dotations else Decimal(0),
        "programme": ProgrammeTermes(),
        "qualite_prefet": prefet.qualite or (
            f"{'Préfète' if prefet.civilite == 'Madame' else 'Préfet'} {de(t.dispositif.departement)}"),
        "qualite_directeur_cdc": directeur.qualite or (
            "Directrice régionale" if directeur.civilite == "Madame" else "Directeur régional"),
    }


def input_digest(*modeles: BaseModel) -> str:
    """Return a hash of the inputs' content (not of their files' layout or comments)."""
    return hashlib.sha256("".join(m.model_dump_json() for m in modeles).encode()).hexdigest()


def assemble_territory_document(territoire: Territoire, library: ClauseLibrary, kind: str,
                                contexte: dict[str, Any] | None = None) -> AssembledDocument:
    """Return one of the territory's documents (the convention or an annex), assembled from its model;
    *contexte* is :func:`territory_context` when the caller already has it."""
    contexte = contexte or territory_context(territoire)
    tables = budget_tables(contexte["budget"]) if kind == "annexe-1-budget" else {}
    nom = nom_dispositif(territoire)
    return _assemble(kind, territoire, library, contexte, tables, (territoire,), title=f"{DOCUMENTS[kind]} {nom}",
                     short_title=DOCUMENTS[kind], date=territoire.signature.date,
                     subject=f"{DOCUMENTS[kind]} du dispositif {nom}, zone d'emploi "
                             f"{de(territoire.dispositif.zone_emploi)}")


def _assemble(kind: str, territoire: Territoire, library: ClauseLibrary, contexte: dict[str, Any],
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
    contexte = territory_context(territoire)  # the budget and all: once for the four documents
    return [assemble_territory_document(territoire, library, kind, contexte) for kind in list(DOCUMENTS)[:4]]


# --- cooperation agreement ------------------------------------------------------------------------

@dataclass(frozen=True)
class Appui:
    """A skills support with its partner resolved and its valuation computed."""

    partenaire: Partenaire
    intervenant: Any
    domaine: str
    jours: int

    @property
    def valorisation(self) -> Decimal:
        return VALORISATION_JOUR * self.jours


def cooperation_context(cooperation: Cooperation, territoire: Territoire, library: ClauseLibrary
                        ) -> tuple[dict[str, Any], dict[str, Table]]:
    """Return the variables and the tables of a cooperation agreement's clauses."""
    c, t = cooperation, territoire
    appuis = [Appui(_partner(t, a.partenaire), a.intervenant, a.domaine, a.jours) for a in c.appui_competences]
    entreprises = list({a.partenaire.id: a.partenaire for a in appuis}.values())
    mandataire = _partner(t, c.mandataire)
    avance = c.avance_remboursable
    echeances = echeancier(avance.montant, avance.duree_mois, avance.differe_mois, avance.periodicite,
                           avance.date_versement) if avance else ()
    numeros = _article_numbers(avance is not None or c.pret_bonifie is not None, avance is not None)
    signataires = 2 + len(entreprises) + (mandataire not in entreprises)
    contexte = {
        "cooperation": c, "beneficiaire": c.beneficiaire, "projet": c.projet, "comite": c.comite,
        "avance": avance, "pret": c.pret_bonifie, "signature": c.signature,
        "pret_partenaire": _partner(t, c.pret_bonifie.partenaire) if c.pret_bonifie else None,
        "convention": t.signature, "operateur": t.operateur, "president": t.comite_agrement.president,
        "president_entreprise": _partner(t, t.comite_agrement.president.partenaire),
        "alize": nom_dispositif(t), "programme": ProgrammeTermes(),
        "appuis": appuis, "entreprises_competences": entreprises, "mandataire": mandataire,
        "mandataire_fournit_competences": mandataire in entreprises,
        "jours_total": sum(a.jours for a in appuis),
        "valorisation_totale": sum((a.valorisation for a in appuis), Decimal(0)),
        "echeances": echeances, "num": numeros,
        "majorite": MAJORITES[library.modele(t.modele).parametres.get("majorite_comite", "deux-tiers-des-presents")],
        "exemplaires": signataires + 1,
    }
    tables = {"competences": _skills_table(appuis), "financement": _financing_table(c)}
    if echeances:
        tables["echeancier"] = schedule_table(echeances)
    return contexte, tables


def _partner(territoire: Territoire, ident: str) -> Partenaire:
    partenaire = territoire.partenaire(ident)
    if partenaire is None:  # validation refuses such a file before assembly
        raise KeyError(ident)
    return partenaire


def _article_numbers(appui_financier: bool, avance: bool) -> dict[str, int | None]:
    ordre = ["objet", "projet", "competences"] + (["avance"] if appui_financier else []) + (
        ["echeancier"] if avance else []) + ["mandataire", "engagements", "duree"]
    numeros: dict[str, int | None] = {"avance": None, "echeancier": None}
    numeros.update({nom: i for i, nom in enumerate(ordre, start=1)})
    return numeros


def _skills_table(appuis: list[Appui]) -> Table:
    lignes = [Row((Cell(a.partenaire.nom), Cell(f"{a.intervenant.nom_complet}, {a.intervenant.qualite}"
                                                if a.intervenant.qualite else a.intervenant.nom_complet),
                   Cell(a.domaine), Cell(format_nombre(a.jours), "right"),
                   Cell(format_montant(a.valorisation), "right"))) for a in appuis]
    lignes.append(Row((Cell("Total"), Cell(""), Cell(""), Cell(format_nombre(sum(a.jours for a in appuis)), "right"),
                       Cell(format_montant(sum((a.valorisation for a in appuis), Decimal(0))), "right")), "total"))
    return Table((Cell("Entreprise partenaire"), Cell("Intervenant"), Cell("Domaine"), Cell("Jours"),
                  Cell("Valorisation")), tuple(lignes))


def _financing_table(cooperation: Cooperation) -> Table:
    projet, avance = cooperation.projet, cooperation.avance_remboursable
    lignes = [Row((Cell(f.financeur), Cell(f.nature), Cell(format_montant(f.montant), "right")))
              for f in projet.autres_financements]
    if avance is not None:
        lignes.append(Row((Cell("ALIZÉ®"), Cell("avance remboursable à 0 %"), Cell(format_montant(avance.montant),
                                                                                     "right"))))
    total = sum((f.montant for f in projet.autres_financements), Decimal(0)) + (avance.montant if avance else 0)
    lignes.append(Row((Cell("Total"), Cell(f"coût du projet : {format_montant(projet.cout_total)}"),
                       Cell(format_montant(total), "right")), "total"))
    return Table((Cell("Financeur"), Cell("Nature"), Cell("Montant")), tuple(lignes))


def assemble_cooperation(cooperation: Cooperation, territoire: Territoire, library: ClauseLibrary
                         ) -> AssembledDocument:
    """Return the cooperation agreement of one SME, assembled from its territory's model."""
    contexte, tables = cooperation_context(cooperation, territoire, library)
    return _assemble("cooperation", territoire, library, contexte, tables, (cooperation, territoire),
                     title=f"Convention de coopération et développement n° {cooperation.numero}",
                     short_title=f"Convention de coopération n° {cooperation.numero}",
                     subject=f"{cooperation.beneficiaire.raison_sociale} : {cooperation.projet.intitule}",
                     date=cooperation.signature.date)


def check_no_blanks(source: str, textes: list[str]) -> None:
    """Raise :class:`InvalidInput` (rule ``blanks``) if any text still holds a blank or drafting note."""
    if find_blanks("\n".join(textes)) is None:  # the usual case: one search over the whole document
        return
    problemes = []
    for texte in textes:
        if (trouve := find_blanks(texte)) is not None:
            extrait = texte if len(texte) < 80 else texte[:79] + "…"
            problemes.append(Probleme("blanks", ("document",), f"Le document produit contient {trouve} : "
                                                               f"« {extrait} »."))
    if problemes:
        raise InvalidInput(ValidationReport(source, tuple(problemes)))
