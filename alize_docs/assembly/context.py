"""The variables each document's clauses read: one typed context per kind of document, built once.

The context holds the input models, the computed budget or schedule, the program's fixed terms, and the few
phrasings derived from inputs: places with their article (:mod:`alize_docs.noms`), the words that agree with a
person's civilité (the Préfet's title, « représentée par sa directrice régionale »), the groups of partners that
sign on their own (read by ``@parties`` and ``@signatures``), article numbers. ``clauses/README.md`` lists
every variable with its meaning and an example.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from alize_docs import noms
from alize_docs.assembly.tables import Appui, tableau_competences, tableau_echeancier, tableau_financement
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.document import Table
from alize_docs.domain.budget import Budget, budget_territoire
from alize_docs.domain.echeancier import Echeance, echeancier
from alize_docs.domain.models import (
    Astrees,
    AvanceRemboursable,
    Beneficiaire,
    Cdc,
    ComiteAgrement,
    Cooperation,
    DecisionComite,
    Etat,
    Operateur,
    Partenaire,
    PresidentComite,
    PretBonifie,
    Projet,
    Signature,
    Territoire,
)
from alize_docs.domain.models import Dispositif as DispositifModele
from alize_docs.domain.programme import (
    CONTRIBUTION_ASTREES_ANNUELLE,
    DUREE_ANNEES,
    MAJORITES,
    PLAFOND_CDC,
    PME,
    VALORISATION_JOUR,
    PartenaireNational,
    Pme,
    ReglementDeMinimis,
    partenaire_national,
    reglement_de_minimis,
)
from alize_docs.formatting import NBSP, entier_en_lettres, format_nombre, ordinal_en_lettres
from alize_docs.rules.cooperation import CriteresTaille, criteres_taille

__all__ = ["ContexteCooperation", "ContexteTerritoire", "Intervenants", "ProgrammeTermes", "Remboursement",
           "contexte_cooperation",
           "contexte_territoire", "cooperation_context", "nom_dispositif", "territory_context"]


@dataclass(frozen=True)
class ProgrammeTermes:
    """The program's fixed figures as clauses read them."""

    duree_annees: int = DUREE_ANNEES
    valorisation_jour: Decimal = VALORISATION_JOUR
    contribution_astrees_annuelle: Decimal = CONTRIBUTION_ASTREES_ANNUELLE
    contribution_astrees_totale: Decimal = CONTRIBUTION_ASTREES_ANNUELLE * DUREE_ANNEES
    plafond_cdc: Decimal = PLAFOND_CDC * 100


@dataclass(frozen=True)
class Intervenants:
    """The skills providers' staff as article 3 names them, agreeing in gender and number: « l'intervenant »,
    « l'intervenante », « les intervenants », « les intervenantes », with the pronoun standing for them."""

    sujet: str
    pronom: str
    pluriel: bool

    @property
    def sujet_majuscule(self) -> str:
        """The subject starting a sentence: « L'intervenant », « Les intervenants »."""
        return self.sujet[0].upper() + self.sujet[1:]

    @property
    def de(self) -> str:
        """« de l'intervenant », « des intervenants »."""
        return "des" + self.sujet[3:] if self.pluriel else "de " + self.sujet


def intervenants(appuis: list[Appui]) -> Intervenants:
    """Return how article 3 names the staff of *appuis*: feminine only when every one is a woman.

    >>> from types import SimpleNamespace as N
    >>> un = [N(intervenant=N(civilite="Madame"))]
    >>> intervenants(un).sujet_majuscule, intervenants(un * 2).de  # type: ignore[arg-type]
    ("L'intervenante", 'des intervenantes')
    """
    feminin = all(a.intervenant.civilite == "Madame" for a in appuis)
    if len(appuis) > 1:
        return Intervenants("les intervenantes" if feminin else "les intervenants", "elles" if feminin else "ils",
                            True)
    return Intervenants("l'intervenante" if feminin else "l'intervenant", "elle" if feminin else "il", False)


@dataclass(frozen=True)
class Remboursement:
    """How article 5 states the instalments: *nombre* of them in words and figures (« trente (30) »), the
    *egales* first ones in words (« vingt-neuf ») of *montant_egal*, the last one's rank (« trentième ») and
    amount; *ajustee* when the last differs from the others."""

    nombre: str
    n_egales: int
    egales: str
    montant_egal: Decimal
    rang_derniere: str
    montant_dernier: Decimal
    ajustee: bool
    unique: bool


def remboursement(echeances: tuple[Echeance, ...]) -> Remboursement | None:
    if not echeances:
        return None
    n, premiere, derniere = len(echeances), echeances[0], echeances[-1]
    return Remboursement(
        nombre=f"{entier_en_lettres(n, feminin=True)} ({format_nombre(n)})", n_egales=n - 1,
        egales=entier_en_lettres(n - 1, feminin=True) if n > 1 else "",
        montant_egal=premiere.montant, rang_derniere=ordinal_en_lettres(n, feminin=True),
        montant_dernier=derniere.montant, ajustee=derniere.montant != premiere.montant, unique=n == 1)


def nom_dispositif(territoire: Territoire) -> str:
    return f"ALIZÉ®{NBSP}{territoire.dispositif.nom}"


class ContexteTerritoire(TypedDict):
    """The variables of the convention's and the annexes' clauses."""

    dispositif: DispositifModele
    signature: Signature
    etat: Etat
    cdc: Cdc
    astrees: Astrees
    operateur: Operateur
    comite_agrement: ComiteAgrement
    partenaires: list[Partenaire]
    entreprises: list[Partenaire]
    collectivites: list[Partenaire]
    organismes: list[Partenaire]
    partenaires_etat: list[Partenaire]
    partenaire_operateur: Partenaire | None
    president_entreprise: Partenaire | None
    exemplaires: int
    annees: list[tuple[dt.date, dt.date]]
    renouvellement: bool
    alize: str
    budget: Budget
    valorisation_totale: Decimal
    part_cdc: Decimal
    programme: ProgrammeTermes
    departement: noms.Departement
    zone_emploi: noms.Lieu
    partenaire_national: PartenaireNational
    lieu_signature: noms.Lieu
    qualite_prefet: str
    le_prefet: str
    du_prefet: str
    qualite_directeur_cdc: str
    cdc_representee: str
    operateur_represente: str
    president_representant: str
    representant_astrees: str
    representant_legal_operateur: str


class ContexteCooperation(TypedDict):
    """The variables of a cooperation agreement's clauses."""

    cooperation: Cooperation
    beneficiaire: Beneficiaire
    projet: Projet
    comite: DecisionComite
    avance: AvanceRemboursable | None
    pret: PretBonifie | None
    signature: Signature
    pret_partenaire: Partenaire | None
    convention: Signature
    operateur: Operateur
    operateur_represente: str
    president: PresidentComite
    president_entreprise: Partenaire
    alize: str
    programme: ProgrammeTermes
    appuis: list[Appui]
    entreprises_competences: list[Partenaire]
    mandataire: Partenaire
    mandataire_fournit_competences: bool
    jours_total: int
    valorisation_totale: Decimal
    echeances: tuple[Echeance, ...]
    num: dict[str, int | None]
    majorite: str
    exemplaires: int
    lieu_signature: noms.Lieu
    lieu_convention: noms.Lieu
    le_president: str
    representant_comite: str
    president_representant: str
    president_qualite: str
    dirigeant_qualite: str
    une_entreprise: bool
    intervenants: Intervenants
    au_dirigeant: str
    seul_dirigeant: str
    remboursement: Remboursement | None
    criteres: CriteresTaille
    pme: Pme
    reglement_de_minimis: ReglementDeMinimis | None


def contexte_territoire(territoire: Territoire) -> ContexteTerritoire:
    """Return the variables the convention's and the annexes' clauses may use."""
    t = territoire
    budget = budget_territoire(t)
    operateur_partenaire = t.partenaire_operateur  # signs once, as the operator
    propres = [p for p in t.partenaires if p.represente_par is None and p is not operateur_partenaire]
    prefet, directeur = t.etat.prefet, t.cdc.directeur
    departement = noms.departement(t.dispositif.departement)  # validation refuses an unknown one
    return ContexteTerritoire(**{
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
        "partenaire_operateur": operateur_partenaire,
        "president_entreprise": t.partenaire(t.comite_agrement.president.partenaire),
        "exemplaires": len(propres) + 4,  # the partners signing themselves, the État, the CDC, ASTREES, the operator
        "annees": annees_convention(t.signature.date),
        "renouvellement": t.dispositif.nature == "renouvellement",
        "alize": nom_dispositif(t),
        "budget": budget,
        "valorisation_totale": sum(budget.valorisation(), Decimal(0)),
        "part_cdc": budget.part_cdc,
        "programme": ProgrammeTermes(),
        "departement": departement,
        "zone_emploi": noms.lieu(t.dispositif.zone_emploi),
        "partenaire_national": partenaire_national(t.signature.date),
        "lieu_signature": noms.lieu(t.signature.lieu),
        "qualite_prefet": prefet.qualite or noms.prefet_de(departement, prefet.civilite),
        "le_prefet": noms.accord(prefet.civilite, "le Préfet", "la Préfète"),
        "du_prefet": noms.accord(prefet.civilite, "du Préfet", "de la Préfète"),
        "qualite_directeur_cdc": directeur.qualite or noms.directeur_regional(directeur.civilite),
        "president_representant": noms.representant(t.comite_agrement.president.civilite),
        "representant_astrees": noms.representant(t.astrees.representant.civilite),
        "representant_legal_operateur": noms.accord(t.operateur.representant.civilite, "son représentant légal",
                                                    "sa représentante légale"),
        "operateur_represente": "représenté" if t.operateur.denomination.tncc == 2 else "représentée",
        "cdc_representee": noms.represente_par(True, directeur.civilite, "directeur régional",
                                               "directrice régionale"),
    })


def annees_convention(signature: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Return the first and last day of each year of the convention, counted in twelve months from *signature*.

    >>> [(d.isoformat(), f.isoformat()) for d, f in annees_convention(dt.date(2010, 11, 26))][0]
    ('2010-11-26', '2011-11-25')
    """
    def plus(annees: int) -> dt.date:
        try:
            return signature.replace(year=signature.year + annees)
        except ValueError:  # 29 February
            return signature.replace(year=signature.year + annees, day=28)
    return [(plus(i), plus(i + 1) - dt.timedelta(days=1)) for i in range(DUREE_ANNEES)]


def contexte_cooperation(cooperation: Cooperation, territoire: Territoire, library: ClauseLibrary
                         ) -> tuple[ContexteCooperation, dict[str, Table]]:
    """Return the variables and the tables of a cooperation agreement's clauses."""
    c, t = cooperation, territoire
    appuis = [Appui(_partner(t, a.partenaire), a.intervenant, a.domaine, a.jours) for a in c.appui_competences]
    entreprises = list({a.partenaire.id: a.partenaire for a in appuis}.values())
    mandataire = _partner(t, c.mandataire)
    avance = c.avance_remboursable
    echeances = echeancier(avance.montant, avance.duree_mois, avance.differe_mois, avance.periodicite,
                           avance.date_versement) if avance else ()
    numeros = _article_numbers(avance is not None or c.pret_bonifie is not None, avance is not None)
    signataires = 2 + len(entreprises) + (mandataire not in entreprises) + (avance is not None)  # the operator lends
    president = t.comite_agrement.president
    contexte = ContexteCooperation(**{
        "cooperation": c, "beneficiaire": c.beneficiaire, "projet": c.projet, "comite": c.comite,
        "avance": avance, "pret": c.pret_bonifie, "signature": c.signature,
        "pret_partenaire": _partner(t, c.pret_bonifie.partenaire) if c.pret_bonifie else None,
        "convention": t.signature, "operateur": t.operateur, "president": t.comite_agrement.president,
        "operateur_represente": "représenté" if t.operateur.denomination.tncc == 2 else "représentée",
        "president_entreprise": _partner(t, t.comite_agrement.president.partenaire),
        "alize": nom_dispositif(t), "programme": ProgrammeTermes(),
        "appuis": appuis, "entreprises_competences": entreprises, "mandataire": mandataire,
        "mandataire_fournit_competences": mandataire in entreprises,
        "jours_total": sum(a.jours for a in appuis),
        "valorisation_totale": sum((a.valorisation for a in appuis), Decimal(0)),
        "echeances": echeances, "num": numeros,
        "majorite": MAJORITES[library.modele(t.modele).majorite],
        "exemplaires": signataires + (avance is None),  # and one for the operator when it does not sign
        "lieu_signature": noms.lieu(c.signature.lieu),
        "lieu_convention": noms.lieu(t.signature.lieu),
        "le_president": noms.accord(president.civilite, "Le président", "La présidente"),
        "representant_comite": noms.accord(president.civilite, "son président", "sa présidente"),
        "president_representant": noms.representant(president.civilite),
        "president_qualite": noms.accord(president.civilite, "Président", "Présidente"),
        "dirigeant_qualite": noms.accord(c.beneficiaire.dirigeant.civilite, "Dirigeant", "Dirigeante"),
        "une_entreprise": len(entreprises) == 1,
        "intervenants": intervenants(appuis),
        "au_dirigeant": noms.accord(c.beneficiaire.dirigeant.civilite, "au dirigeant", "à la dirigeante"),
        "seul_dirigeant": noms.seul(c.beneficiaire.dirigeant.civilite),
        "remboursement": remboursement(echeances),
        "criteres": criteres_taille(c.beneficiaire),
        "pme": PME,
        "reglement_de_minimis": reglement_de_minimis(c.signature.date),
    })
    tables = {"competences": tableau_competences(appuis), "financement": tableau_financement(c)}
    if echeances:
        tables["echeancier"] = tableau_echeancier(echeances)
    return contexte, tables


def _partner(territoire: Territoire, ident: str) -> Partenaire:
    partenaire = territoire.partenaire(ident)
    if partenaire is None:  # validation refuses such a file before assembly
        raise KeyError(ident)
    return partenaire


def _article_numbers(appui_financier: bool, avance: bool) -> dict[str, int | None]:
    ordre = ["objet", "projet", "competences"] + (["avance"] if appui_financier else []) + (
        ["echeancier"] if avance else []) + ["mandataire", "declarations", "engagements"] + (
        ["exigibilite"] if avance else []) + ["duree", "droit"]
    numeros: dict[str, int | None] = {"avance": None, "echeancier": None, "exigibilite": None}
    numeros.update({nom: i for i, nom in enumerate(ordre, start=1)})
    return numeros




territory_context = contexte_territoire
"""Deprecated alias of :func:`contexte_territoire` (removed in the next release)."""
cooperation_context = contexte_cooperation
"""Deprecated alias of :func:`contexte_cooperation` (removed in the next release)."""
