"""The program's rules on a territory, each reporting every breach with its code, path and French message.

Each rule is a generator of :class:`~alize_docs.errors.Probleme`; :func:`validate_territoire` runs
them all, so a report lists every problem at once. Codes are those of DOMAIN.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from stdnum import iban as stdnum_iban

from alize_docs import noms
from alize_docs.domain.budget import Budget, budget_territoire
from alize_docs.domain.models import Territoire
from alize_docs.domain.programme import (
    CONTRIBUTION_ASTREES_ANNUELLE,
    DUREE_ANNEES,
    PLAFOND_CDC,
    VALORISATION_JOUR,
    PeriodeSignature,
)
from alize_docs.errors import Chemin, Probleme
from alize_docs.formatting import format_date, format_montant, format_pourcentage
from alize_docs.rules.blancs import blank_problems
from alize_docs.rules.identifiants import probleme_iban, probleme_siret

__all__ = ["RULES", "validate_territoire"]


@dataclass(frozen=True)
class Contexte:
    territoire: Territoire
    budget: Budget
    modeles: frozenset[str]
    periodes: Mapping[str, PeriodeSignature | None] = field(default_factory=dict)


Regle = Callable[[Contexte], Iterator[Probleme]]


def duration(ctx: Contexte) -> Iterator[Probleme]:
    """Every yearly list has one value per year of the three-year convention."""
    t = ctx.territoire
    if t.dispositif.duree_annees is not None and t.dispositif.duree_annees != DUREE_ANNEES:
        yield Probleme("duration", ("dispositif", "duree_annees"),
                       f"La convention dure {DUREE_ANNEES} ans à compter de sa signature ; "
                       f"{t.dispositif.duree_annees} ans n'est pas admis.")
    series: list[tuple[Chemin, Sequence[object] | None]] = [
        (("cdc", "apports", "avances"), t.cdc.apports.avances),
        (("depenses_fonctionnement", "communication"), t.depenses_fonctionnement.communication),
        (("depenses_fonctionnement", "contribution_astrees"), t.depenses_fonctionnement.contribution_astrees),
    ]
    for i, autre in enumerate(t.depenses_fonctionnement.autres):
        series.append((("depenses_fonctionnement", "autres", i, "montants"), autre.montants))
    for i, p in enumerate(t.partenaires):
        for nom in ("avances", "fonctionnement", "jours"):
            series.append((("partenaires", i, "apports", nom), getattr(p.apports, nom)))
    for chemin, valeurs in series:
        if valeurs is not None and len(valeurs) != DUREE_ANNEES:
            yield Probleme("duration", chemin,
                           f"{DUREE_ANNEES} valeurs sont attendues, une par année de la convention "
                           f"(elle dure {DUREE_ANNEES} ans) ; {len(valeurs)} reçue{'s' if len(valeurs) > 1 else ''}.")


def renewal(ctx: Contexte) -> Iterator[Probleme]:
    """First local results appear on a renewal, and only there."""
    d = ctx.territoire.dispositif
    chemin = ("dispositif", "premiers_resultats")
    if d.nature == "renouvellement" and not d.premiers_resultats:
        yield Probleme("renewal", chemin, "Pour un renouvellement, les premiers résultats de l'action au "
                                          "niveau local doivent être décrits (préambule).")
    if d.nature == "creation" and d.premiers_resultats:
        yield Probleme("renewal", chemin, "Une première convention (nature : creation) n'a pas encore de "
                                          "résultats locaux : retirez ce texte ou indiquez "
                                          "« nature: renouvellement ».")


def objectives(ctx: Contexte) -> Iterator[Probleme]:
    """The number of SME projects and of jobs are positive whole numbers."""
    o = ctx.territoire.dispositif.objectifs
    for nom, libelle in (("projets", "de projets de PME/PMI"), ("emplois", "d'emplois")):
        valeur = getattr(o, nom)
        if valeur <= 0:
            yield Probleme("objectives", ("dispositif", "objectifs", nom),
                           f"L'objectif {libelle} doit être un nombre entier positif (reçu {valeur}).")


def day_rate(ctx: Contexte) -> Iterator[Probleme]:
    """Skills are valued at the model's day rate."""
    taux = ctx.territoire.dispositif.valorisation_jour
    if taux is not None and taux != VALORISATION_JOUR:
        yield Probleme("day-rate", ("dispositif", "valorisation_jour"),
                       f"Les compétences sont valorisées à {format_montant(VALORISATION_JOUR)} par jour "
                       f"(article 4 du modèle) ; {format_montant(taux)} n'est pas admis.")


def cdc_cap(ctx: Contexte) -> Iterator[Probleme]:
    """The CDC's endowment of the advances fund is at most 20 % of the other partners' endowments to it, private
    and public (« dans la limite de 20 % du total des dotations privées et publiques », model, art. 4)."""
    b = ctx.budget
    if b.dotation_cdc > b.plafond_cdc:
        taux = format_pourcentage(PLAFOND_CDC * 100)
        yield Probleme("cdc-cap", ("cdc", "apports", "avances"),
                       f"La dotation de la CDC ({format_montant(b.dotation_cdc)}) dépasse {taux} du total des "
                       f"dotations privées et publiques des autres partenaires au fonds d'avances remboursables "
                       f"({format_montant(b.plafond_cdc)}, soit {taux} de {format_montant(b.autres_dotations)}, "
                       f"article 4) : elle peut être au plus de {format_montant(b.dotation_cdc_max)}.")


def astrees(ctx: Contexte) -> Iterator[Probleme]:
    """ASTREES receives 3 000 € per calendar year, 9 000 € in all."""
    chemin = ("depenses_fonctionnement", "contribution_astrees")
    for i, montant in enumerate(ctx.territoire.depenses_fonctionnement.contribution_astrees[:DUREE_ANNEES]):
        if montant != CONTRIBUTION_ASTREES_ANNUELLE:
            yield Probleme("astrees", (*chemin, i),
                           f"La contribution à ASTREES est de {format_montant(CONTRIBUTION_ASTREES_ANNUELLE)} "
                           f"par année calendaire (article 7) ; l'année {i + 1} indique {format_montant(montant)}.")


def accounts(ctx: Contexte) -> Iterator[Probleme]:
    """Two distinct accounts, each with a valid IBAN; the operator's SIRET is valid."""
    op = ctx.territoire.operateur
    compacts = {}
    for nom in ("avances", "fonctionnement"):
        iban = getattr(op.comptes, nom).iban
        if (probleme := probleme_iban(iban, ("operateur", "comptes", nom, "iban"))) is not None:
            yield probleme
        else:
            compacts[nom] = stdnum_iban.compact(iban)
    if len(compacts) == 2 and compacts["avances"] == compacts["fonctionnement"]:
        yield Probleme("accounts", ("operateur", "comptes", "fonctionnement", "iban"),
                       "Le compte de fonctionnement doit être distinct du compte du fonds d'avances "
                       "remboursables (article 4) : les deux IBAN sont identiques.")
    if (probleme := probleme_siret(op.siret, ("operateur", "siret"))) is not None:
        yield probleme


def balance(ctx: Contexte) -> Iterator[Probleme]:
    """The operating account's resources equal its uses each year; the advances fund is endowed."""
    b = ctx.budget
    ressources, emplois = b.fonctionnement(), b.emplois_fonctionnement
    for annee, (r, e) in enumerate(zip(ressources, emplois, strict=True), start=1):
        if r != e:
            yield Probleme("balance", ("depenses_fonctionnement",),
                           f"Le compte de fonctionnement n'est pas équilibré en année {annee} : ressources "
                           f"{format_montant(r)} (apports des partenaires), emplois {format_montant(e)} "
                           f"(dépenses) ; écart {format_montant(abs(r - e))}.")
    if not any(b.avances()):
        yield Probleme("balance", ("partenaires",),
                       "Le fonds d'avances remboursables n'est doté par aucun partenaire.")


def committee(ctx: Contexte) -> Iterator[Probleme]:
    """The comité d'agrément has a partner company, and its president represents one."""
    t = ctx.territoire
    if not any(p.categorie == "entreprise" for p in t.partenaires):
        yield Probleme("committee", ("partenaires",),
                       "Le comité d'agrément doit compter au moins une entreprise partenaire (article 5.2).")
    ident = t.comite_agrement.president.partenaire
    partenaire = t.partenaire(ident)
    chemin = ("comite_agrement", "president", "partenaire")
    if partenaire is None:
        yield Probleme("committee", chemin, f"Le président du comité d'agrément représente « {ident} », qui "
                                            f"n'est pas un partenaire ({_ids(t)}).")
    elif partenaire.categorie != "entreprise":
        yield Probleme("committee", chemin,
                       f"La présidence du comité d'agrément est assurée par le représentant d'une entreprise "
                       f"(article 5.2) ; « {partenaire.nom} » est un partenaire de catégorie "
                       f"« {partenaire.categorie} ».")


def signatories(ctx: Contexte) -> Iterator[Probleme]:
    """Every party signs: each partner has its own signatory or signs through the État's block."""
    vus: dict[str, int] = {}
    for i, p in enumerate(ctx.territoire.partenaires):
        if p.id in vus:
            yield Probleme("signatories", ("partenaires", i, "id"),
                           f"Identifiant « {p.id} » déjà utilisé par le partenaire n° {vus[p.id] + 1}.")
        vus.setdefault(p.id, i)
        if p.signataire is None and p.represente_par is None:
            yield Probleme("signatories", ("partenaires", i, "signataire"),
                           f"« {p.nom} » doit signer la convention : indiquez son signataire (civilité, "
                           "prénom, nom, qualité) ou « represente_par: etat ».")
        elif p.signataire is not None and p.represente_par is not None:
            yield Probleme("signatories", ("partenaires", i, "represente_par"),
                           f"« {p.nom} » a un signataire et signe aussi par le bloc de l'État : choisissez "
                           "l'un ou l'autre.")
        elif p.represente_par == "etat" and p.categorie == "entreprise":
            yield Probleme("signatories", ("partenaires", i, "represente_par"),
                           f"Une entreprise partenaire (« {p.nom} ») signe en son nom propre, pas par le bloc "
                           "de l'État.")
        if p.signataire is not None and not p.signataire.qualite:
            yield Probleme("signatories", ("partenaires", i, "signataire", "qualite"),
                           f"La qualité du signataire de « {p.nom} » (sa fonction) figure au bloc de signature.")
    yield from _operateur_partenaire(ctx.territoire)


def _operateur_partenaire(t: Territoire) -> Iterator[Probleme]:
    """The operator that is also a partner says so (``operateur.partenaire``), so that it signs once."""
    op = t.operateur
    chemin = ("operateur", "partenaire")
    if op.partenaire is None:
        meme = next((p for p in t.partenaires if _nom(p.nom) == _nom(op.nom)), None)
        if meme is not None:
            yield Probleme("signatories", chemin,
                           f"L'opérateur local « {op.nom} » est aussi le partenaire « {meme.id} » : indiquez "
                           f"« partenaire: {meme.id} » sous operateur, pour qu'il signe une seule fois, en qualité "
                           "d'opérateur local.")
        return
    partenaire = t.partenaire(op.partenaire)
    if partenaire is None:
        yield Probleme("signatories", chemin, f"L'opérateur local serait le partenaire « {op.partenaire} », qui "
                                              f"n'existe pas ({_ids(t)}).")
    elif _nom(partenaire.nom) != _nom(op.nom):
        yield Probleme("signatories", chemin,
                       f"L'opérateur local « {op.nom} » et le partenaire « {partenaire.id} » (« {partenaire.nom} ») "
                       "doivent porter le même nom s'ils sont une seule et même personne.")
    elif partenaire.represente_par is not None:
        yield Probleme("signatories", chemin,
                       f"« {partenaire.nom} » signe par le bloc de l'État : l'opérateur local signe en son nom "
                       "propre et ne peut pas être ce partenaire.")


def _nom(nom: str) -> str:
    return " ".join(nom.replace("’", "'").casefold().split())


def dates(ctx: Contexte) -> Iterator[Probleme]:
    """The Direction du budget's authorisation precedes the signature."""
    t = ctx.territoire
    if t.operateur.autorisation_direction_budget > t.signature.date:
        yield Probleme("dates", ("operateur", "autorisation_direction_budget"),
                       "La lettre d'autorisation de la Direction du budget, visée par la convention, ne peut "
                       "pas être postérieure à la signature.")


def territory(ctx: Contexte) -> Iterator[Probleme]:
    """Article 2 lists at least one commune or intercommunalité; the département is one of the COG."""
    if not ctx.territoire.dispositif.territoire:
        yield Probleme("territory", ("dispositif", "territoire"),
                       "Listez au moins une commune ou intercommunalité du territoire (article 2).")
    departement = ctx.territoire.dispositif.departement
    try:
        du_prefet = noms.departement(departement)
    except noms.NomInconnu as exc:
        yield Probleme("territory", ("dispositif", "departement"),
                       f"{exc} Indiquez le nom du département tel que l'écrit l'INSEE (« Meurthe-et-Moselle ») "
                       "ou son numéro (« 54 », « 2A »).")
        return
    zone = ctx.territoire.dispositif.zone_emploi
    homonymes = noms.communes(zone)
    if homonymes and all(c.departement != du_prefet.code for c in homonymes):
        ou = noms.departement(homonymes[0].departement)
        yield Probleme("territory", ("dispositif", "departement"),
                       f"La zone d'emploi {noms.lieu(zone).de} est dans le département {ou.de} ({ou.code}), et la "
                       f"convention fait signer le Préfet {du_prefet.de} : vérifiez le département (seul le Préfet "
                       "du département du territoire est compétent pour engager l'État).",
                       gravite="avertissement")


def model(ctx: Contexte) -> Iterator[Probleme]:
    """The model named exists in the clause library, and the convention is signed in the model's period (its
    dated facts hold only then); a model asked for on purpose (``modele_impose``) outside it is a warning."""
    t = ctx.territoire
    if t.modele not in ctx.modeles:
        yield Probleme("model", ("modele",), f"Modèle « {t.modele} » inconnu : modèles "
                                             f"disponibles : {', '.join(sorted(ctx.modeles))}.")
        return
    periode = ctx.periodes.get(t.modele)
    date = t.signature.date
    if periode is None or periode.couvre(date):
        return
    intervalle = f"du {format_date(periode.debut)} au {format_date(periode.fin)}"
    if t.modele_impose:
        yield Probleme("model", ("modele",),
                       f"Le modèle « {t.modele} » se signe {intervalle} ; la signature du {format_date(date)} "
                       "en sort. Il est retenu comme demandé (modele_impose) : vérifiez que les faits datés de son "
                       "préambule et de son article 7 valent encore à cette date.", gravite="avertissement")
        return
    autres = [nom for nom, p in sorted(ctx.periodes.items()) if p is not None and p.couvre(date)]
    conseil = (f"Choisissez le modèle « {autres[0]} », dont la période couvre cette date, ou indiquez"
               if autres else "Indiquez")
    yield Probleme("model", ("modele",),
                   f"Le modèle « {t.modele} » se signe {intervalle} : ses faits datés ne valent que pour cette "
                   f"période, et la signature du {format_date(date)} en sort. {conseil} « modele_impose: true » "
                   "pour le retenir malgré tout.")


def blanks(ctx: Contexte) -> Iterator[Probleme]:
    """No value typed by the user is itself a blank or a drafting note."""
    yield from blank_problems(ctx.territoire)


def _ids(t: Territoire) -> str:
    return "partenaires : " + ", ".join(p.id for p in t.partenaires)


RULES: tuple[Regle, ...] = (
    model, duration, renewal, objectives, territory, day_rate, cdc_cap, astrees, accounts, balance,
    committee, signatories, dates, blanks,
)


def validate_territoire(territoire: Territoire, modeles: frozenset[str],
                        periodes: Mapping[str, PeriodeSignature | None] | None = None) -> list[Probleme]:
    """Return every breach of the program's rules by *territoire* (empty when it is valid); *periodes*: each
    model's signing period. Warnings (``gravite="avertissement"``) do not make it invalid."""
    ctx = Contexte(territoire, budget_territoire(territoire), modeles, dict(periodes or {}))
    return [probleme for regle in RULES for probleme in regle(ctx)]

