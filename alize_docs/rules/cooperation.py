"""The program's rules on a cooperation agreement, checked against its territory.

Codes are those of DOMAIN.md (sme, skills-first, advance, cap, funds, vote, signatories, schedule,
dates, blanks, model). Readings chosen where the model is open:

- « une partie significative du financement reste à la charge du porteur » : the advance is at most
  half of the project's cost;
- « crédits disponibles » : the advance is at most the advances fund of the territory's three-year
  budget (what other agreements already drew is not known to this file);
- cumulative aid : the advance and the other financing together do not exceed the project's cost; the de minimis
  aid the beneficiary declares (``beneficiaire.aides_de_minimis``, optional) stays below the ceiling of the
  regulation in force on the signature date, so that the advance's own aid still fits; a signature date no de
  minimis regulation covers is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from alize_docs.domain.budget import Budget, budget_territoire
from alize_docs.domain.echeancier import ScheduleError, add_months, echeancier
from alize_docs.domain.models import Beneficiaire, Cooperation, Territoire
from alize_docs.domain.programme import (
    AVANCE_DIFFERE_MAX_MOIS,
    AVANCE_DUREE_MAX_MOIS,
    DUREE_ANNEES,
    PME,
    Majorite,
    reglement_de_minimis,
)
from alize_docs.errors import Chemin, Probleme
from alize_docs.formatting import format_date, format_montant
from alize_docs.rules.blancs import blank_problems
from alize_docs.rules.identifiants import probleme_siren

__all__ = ["COOPERATION_RULES", "CriteresTaille", "criteres_taille", "validate_cooperation"]

_SANS_GARANTIE = {"aucune", "sans", "néant", "neant", "non"}


@dataclass(frozen=True)
class Contexte:
    cooperation: Cooperation
    territoire: Territoire
    budget: Budget
    majorite: Majorite


Regle = Callable[[Contexte], Iterator[Probleme]]


@dataclass(frozen=True)
class CriteresTaille:
    """Which of art. 6.1's size tests the beneficiary meets: the turnover one, the balance sheet one (either
    suffices)."""

    chiffre_affaires: bool
    total_bilan: bool

    @property
    def eligible(self) -> bool:
        return self.chiffre_affaires or self.total_bilan


def criteres_taille(beneficiaire: Beneficiaire) -> CriteresTaille:
    """Return the size tests *beneficiaire* meets: turnover under 50 M€, balance sheet under 43 M€."""
    return CriteresTaille(beneficiaire.chiffre_affaires < PME.chiffre_affaires_max,
                          beneficiaire.total_bilan < PME.total_bilan_max)


def sme(ctx: Contexte) -> Iterator[Probleme]:
    """The beneficiary is an SME by the EU definition, registered, independent, with a job-creating project."""
    b = ctx.cooperation.beneficiaire
    if (probleme := probleme_siren(b.siren, ("beneficiaire", "siren"))) is not None:
        yield probleme
    if not re.match(r"(RCS|RM)\b", b.immatriculation):
        yield Probleme("sme", ("beneficiaire", "immatriculation"),
                       "L'entreprise doit être inscrite au registre du commerce ou au registre des métiers : "
                       f"écrivez « RCS <ville> » ou « RM <département> » (reçu « {b.immatriculation} »).")
    if b.effectif >= PME.effectif_max:
        yield Probleme("sme", ("beneficiaire", "effectif"),
                       f"Une PME emploie moins de {PME.effectif_max} personnes (article 6.1) ; effectif déclaré : "
                       f"{b.effectif}.")
    if not criteres_taille(b).eligible:
        yield Probleme("sme", ("beneficiaire", "chiffre_affaires"),
                       f"Une PME a soit un chiffre d'affaires inférieur à 50 millions d'euros, soit un total de bilan "
                       f"inférieur à 43 millions d'euros ; ici {format_montant(b.chiffre_affaires)} et "
                       f"{format_montant(b.total_bilan)}.")
    if b.capital_detenu_par_une_entreprise >= PME.detention_max:
        yield Probleme("sme", ("beneficiaire", "capital_detenu_par_une_entreprise"),
                       "Critère d'indépendance : moins de 25 % du capital détenu par une autre entreprise "
                       f"(déclaré : {b.capital_detenu_par_une_entreprise} %).")
    if ctx.cooperation.projet.emplois_prevus <= 0:
        yield Probleme("sme", ("projet", "emplois_prevus"),
                       "Le projet doit être créateur d'emplois : indiquez un nombre d'emplois prévus positif.")


def skills_first(ctx: Contexte) -> Iterator[Probleme]:
    """Financial aid only together with skills support."""
    c = ctx.cooperation
    for i, appui in enumerate(c.appui_competences):
        if appui.jours <= 0:
            yield Probleme("skills-first", ("appui_competences", i, "jours"),
                           f"Un appui en compétences compte au moins un jour (reçu {appui.jours}).")
    aide = c.avance_remboursable is not None or c.pret_bonifie is not None
    if aide and not any(a.jours > 0 for a in c.appui_competences):
        yield Probleme("skills-first", ("appui_competences",),
                       "L'attribution d'une aide financière est nécessairement liée à un appui en compétences "
                       "(article 6.2) : indiquez au moins une entreprise partenaire, son intervenant et ses jours.")


def advance(ctx: Contexte) -> Iterator[Probleme]:
    """An advance lasts at most 36 months, with 0 to 6 months of deferral, at 0 %, without guarantee."""
    a = ctx.cooperation.avance_remboursable
    if a is None:
        return
    chemin = ("avance_remboursable",)
    if a.montant <= 0:
        yield Probleme("advance", (*chemin, "montant"), "Le montant de l'avance doit être positif.")
    if not 0 < a.duree_mois <= AVANCE_DUREE_MAX_MOIS:
        yield Probleme("advance", (*chemin, "duree_mois"),
                       f"Une avance remboursable dure au plus 3 années ({AVANCE_DUREE_MAX_MOIS} mois, différé "
                       f"compris) ; reçu {a.duree_mois} mois.")
    if not 0 <= a.differe_mois <= AVANCE_DIFFERE_MAX_MOIS:
        yield Probleme("advance", (*chemin, "differe_mois"),
                       f"Le différé d'une avance remboursable est de 0 à {AVANCE_DIFFERE_MAX_MOIS} mois ; reçu "
                       f"{a.differe_mois} mois.")
    if a.taux is not None and a.taux != 0:
        yield Probleme("advance", (*chemin, "taux"),
                       f"Une avance remboursable est accordée au taux de 0 %, non négociable ; reçu {a.taux} %.")
    if a.garantie is not None and a.garantie.strip().lower() not in _SANS_GARANTIE:
        yield Probleme("advance", (*chemin, "garantie"),
                       "Une avance remboursable est accordée sans garantie ni caution (article 6.2) ; retirez "
                       f"« {a.garantie} ».")


def cap(ctx: Contexte) -> Iterator[Probleme]:
    """The advance stays within the territory's cap, where one is set."""
    a, plafond = ctx.cooperation.avance_remboursable, ctx.territoire.comite_agrement.plafond_avance
    if a is not None and plafond is not None and a.montant > plafond:
        yield Probleme("cap", ("avance_remboursable", "montant"),
                       f"L'avance ({format_montant(a.montant)}) dépasse le plafond du dispositif "
                       f"{ctx.territoire.dispositif.nom} ({format_montant(plafond)} par projet).")


def funds(ctx: Contexte) -> Iterator[Probleme]:
    """Credits are available, the holder finances a significant part, aid does not exceed the cost."""
    a, projet = ctx.cooperation.avance_remboursable, ctx.cooperation.projet
    if a is None:
        return
    fonds = sum(ctx.budget.avances(), Decimal(0))
    if a.montant > fonds:
        yield Probleme("funds", ("avance_remboursable", "montant"),
                       f"L'avance ({format_montant(a.montant)}) dépasse le fonds d'avances remboursables du "
                       f"dispositif ({format_montant(fonds)}) : les crédits ne sont pas disponibles.")
    if a.montant * 2 > projet.cout_total:
        yield Probleme("funds", ("avance_remboursable", "montant"),
                       f"Une partie significative du projet doit rester à la charge du porteur : l'avance "
                       f"({format_montant(a.montant)}) dépasse la moitié du coût du projet "
                       f"({format_montant(projet.cout_total)}).")
    yield from _de_minimis(ctx)
    finance = a.montant + sum((f.montant for f in projet.autres_financements), Decimal(0))
    if finance > projet.cout_total:
        yield Probleme("funds", ("projet", "autres_financements"),
                       f"Les financements ({format_montant(finance)}, avance comprise) dépassent le coût du projet "
                       f"({format_montant(projet.cout_total)}) : les règles de cumul des aides ne sont pas "
                       "respectées.")


def _de_minimis(ctx: Contexte) -> Iterator[Probleme]:
    c = ctx.cooperation
    reglement = reglement_de_minimis(c.signature.date)
    if reglement is None:
        yield Probleme("funds", ("signature", "date"),
                       f"Aucun règlement européen sur les aides de minimis ne s'applique au "
                       f"{format_date(c.signature.date)} : le cumul d'aides publiques ne peut pas être vérifié.")
        return
    declarees = c.beneficiaire.aides_de_minimis
    if declarees is not None and declarees >= reglement.plafond:
        yield Probleme("funds", ("beneficiaire", "aides_de_minimis"),
                       f"Les aides de minimis déclarées ({format_montant(declarees)}) atteignent le plafond du "
                       f"{reglement.reference} ({format_montant(reglement.plafond)}) : l'avance, qui est une aide, "
                       "ne peut plus s'y ajouter.")


def vote(ctx: Contexte) -> Iterator[Probleme]:
    """The comité's decision meets the model's majority."""
    d = ctx.cooperation.comite
    if d.voix_pour > d.membres_presents or d.membres_presents <= 0:
        yield Probleme("vote", ("comite", "voix_pour"),
                       f"{d.voix_pour} voix pour sur {d.membres_presents} membres présents : c'est impossible.")
        return
    if ctx.majorite == "deux-tiers-des-presents" and d.voix_pour * 3 < d.membres_presents * 2:
        yield Probleme("vote", ("comite", "voix_pour"),
                       f"Le comité d'agrément décide à la majorité des 2/3 des membres présents : {d.voix_pour} voix "
                       f"sur {d.membres_presents} n'y suffisent pas.")
    if ctx.majorite == "majorite-des-entreprises":
        presents, pour = d.representants_entreprises_presents, d.voix_pour_entreprises
        if presents is None or pour is None:
            yield Probleme("vote", ("comite", "voix_pour_entreprises"),
                           "Le modèle fait décider le comité à la majorité des représentants d'entreprise présents : "
                           "indiquez representants_entreprises_presents et voix_pour_entreprises.")
        elif pour > presents or pour * 2 <= presents:
            yield Probleme("vote", ("comite", "voix_pour_entreprises"),
                           f"Le comité d'agrément décide à la majorité des représentants d'entreprise présents : "
                           f"{pour} voix sur {presents} n'y suffisent pas.")


def signatories(ctx: Contexte) -> Iterator[Probleme]:
    """Each skills provider and the mandataire are partner companies of the territory, able to sign."""
    t = ctx.territoire
    references: list[tuple[Chemin, str]] = [(("appui_competences", i, "partenaire"), a.partenaire)
                  for i, a in enumerate(ctx.cooperation.appui_competences)]
    references.append((("mandataire",), ctx.cooperation.mandataire))
    for chemin, ident in references:
        partenaire = t.partenaire(ident)
        if partenaire is None:
            yield Probleme("signatories", chemin,
                           f"« {ident} » n'est pas un partenaire du dispositif {t.dispositif.nom} "
                           f"(partenaires : {', '.join(p.id for p in t.partenaires)}).")
        elif partenaire.categorie != "entreprise" or partenaire.signataire is None:
            yield Probleme("signatories", chemin,
                           f"« {partenaire.nom} » doit être une entreprise partenaire qui signe la convention "
                           "(article 6.2).")


def schedule(ctx: Contexte) -> Iterator[Probleme]:
    """The advance's terms make a schedule (its sums and dates hold by construction, see echeancier)."""
    a = ctx.cooperation.avance_remboursable
    if a is None or not 0 < a.duree_mois <= AVANCE_DUREE_MAX_MOIS or a.differe_mois < 0:
        return
    try:
        echeancier(a.montant, a.duree_mois, a.differe_mois, a.periodicite, a.date_versement)
    except ScheduleError as exc:
        yield Probleme("schedule", ("avance_remboursable", "periodicite"), f"Échéancier impossible : {exc}.")


def dates(ctx: Contexte) -> Iterator[Probleme]:
    """The comité decides within the convention's term, then the agreement is signed, then the advance paid."""
    c, t = ctx.cooperation, ctx.territoire
    debut, fin = t.signature.date, add_months(t.signature.date, 12 * DUREE_ANNEES)
    if not debut <= c.comite.date < fin:
        yield Probleme("dates", ("comite", "date"),
                       f"Le comité du {format_date(c.comite.date)} est hors de la période de la convention de "
                       f"partenariat (du {format_date(debut)} au {format_date(fin)}).")
    if c.signature.date < c.comite.date:
        yield Probleme("dates", ("signature", "date"),
                       f"La convention ne peut pas être signée ({format_date(c.signature.date)}) avant la décision "
                       f"du comité d'agrément ({format_date(c.comite.date)}).")
    a = c.avance_remboursable
    if a is not None and a.date_versement < c.signature.date:
        yield Probleme("dates", ("avance_remboursable", "date_versement"),
                       f"L'opérateur local ne verse les fonds qu'après signature de la convention "
                       f"({format_date(c.signature.date)}) ; versement prévu le {format_date(a.date_versement)}.")


def model(ctx: Contexte) -> Iterator[Probleme]:
    """The agreement follows its territory's model."""
    if ctx.cooperation.modele != ctx.territoire.modele:
        yield Probleme("model", ("modele",),
                       f"La convention de coopération suit le modèle de son dispositif "
                       f"(« {ctx.territoire.modele} ») ; reçu « {ctx.cooperation.modele} ».")


def blanks(ctx: Contexte) -> Iterator[Probleme]:
    """No value typed by the user is itself a blank or a drafting note."""
    yield from blank_problems(ctx.cooperation)


COOPERATION_RULES: tuple[Regle, ...] = (model, sme, skills_first, advance, cap, funds, vote, signatories, schedule,
                                        dates, blanks)


def validate_cooperation(cooperation: Cooperation, territoire: Territoire, majorite: Majorite) -> list[Probleme]:
    """Return every breach of the program's rules by *cooperation* (empty when it is valid)."""
    ctx = Contexte(cooperation, territoire, budget_territoire(territoire), majorite)
    return [probleme for regle in COOPERATION_RULES for probleme in regle(ctx)]
