"""The avenant (amendment) to a signed partnership convention: what changed, what may not, and its text.

From the signed convention's input and the modified input, :func:`analyser_avenant` finds each change —
a partner who joins or withdraws, a new operator, a party's new representative, each part of the convention
whose text changes (rendered by the convention's own clauses with both inputs, compared clause by clause), each
annex whose text changes — and refuses what an avenant may not do (:func:`problemes_avenant`): change a term of
the program, be dated outside the convention's three years, or change nothing. :func:`assemble_avenant` writes
one article per change from the ``avenant/…`` clauses the model lists under its ``avenant:`` key; the text an
article quotes is the convention's clause rendered with the modified input.

A withdrawal keeps what the partner signed for the years already begun at the avenant's date (each year of the
convention counted in twelve months from its signature): :func:`territoire_consolide` puts the partner back
into the amended convention with those contributions, and its contributions for the later years at zero.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from alize_docs import noms
from alize_docs.assembly.assemble import assemble_territory_document, expand_parties, input_digest
from alize_docs.assembly.context import annees_convention, contexte_territoire, nom_dispositif
from alize_docs.assembly.tables import tableaux_budget
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.document import AssembledDocument, Block, ClauseUse, Paragraph, Run, TableRef
from alize_docs.domain.models import Apports, Operateur, Partenaire, Personne, Territoire
from alize_docs.domain.programme import (
    CONTRIBUTION_ASTREES_ANNUELLE,
    DOCUMENTS,
    DOCUMENTS_TERRITOIRE,
    DUREE_ANNEES,
    VALORISATION_JOUR,
    DocumentKind,
)
from alize_docs.errors import Chemin, InvalidInput, ModelError, Probleme, ValidationReport
from alize_docs.formatting import NBSP, de, format_date, format_montant
from alize_docs.inputs.yaml import read_yaml
from alize_docs.rules.blancs import check_no_blanks

__all__ = ["Adhesion", "Annexe", "Avenant", "AvenantPrecedent", "Remplacement", "Representation", "Retrait",
           "analyser_avenant", "assemble_avenant", "avenant_refs", "documents_joints", "problemes_avenant",
           "territoire_consolide"]

_ORDINAUX = ("première", "deuxième", "troisième", "quatrième", "cinquième")
_HORS_ARTICLES = {"titre", "parties", "expose", "fait-a", "signatures"}
"""The convention's clauses (last part of the id) an avenant never quotes: its own title, parties, place and
date and signature blocks say who signs it; joins, withdrawals and new representatives have their own articles."""
_HORS_ANNEXES = {"fait-a", "signatures"}
"""Likewise for an annex: its place, date and signature blocks follow the convention's parties."""


@dataclass(frozen=True)
class AvenantPrecedent:
    """An earlier avenant to the same convention (from the output folder's manifest)."""

    numero: int
    date: dt.date


@dataclass(frozen=True)
class Adhesion:
    partenaire: Partenaire
    sujet: str  # « La société SIDE », « La Communauté de communes du Toulinois »
    qualite: str  # « d'entreprise partenaire », « de partenaire public »


@dataclass(frozen=True)
class Retrait:
    partenaire: Partenaire
    sujet: str
    annees_annulees: str  # « les deuxième et troisième années de la convention », or "" when none is cancelled


@dataclass(frozen=True)
class Representation:
    partie: str  # « L'État », « SIDE »
    personne: Personne
    representant: str  # « représentant » / « représentante »


@dataclass(frozen=True)
class Remplacement:
    """A part of the convention whose text changes, and its new text (the convention's clauses, modified input)."""

    genre: Literal["article", "preambule", "visas"]
    numero: str
    intitule: str
    blocs: tuple[Block, ...]


@dataclass(frozen=True)
class Annexe:
    kind: DocumentKind
    numero: int
    titre: str


@dataclass(frozen=True)
class Avenant:
    """What an avenant says: its number and date, both inputs, and each change it makes."""

    numero: int
    date: dt.date
    signee: Territoire
    modifiee: Territoire
    consolide: Territoire
    adhesions: tuple[Adhesion, ...] = ()
    retraits: tuple[Retrait, ...] = ()
    nouvel_operateur: Operateur | None = None
    representations: tuple[Representation, ...] = ()
    remplacements: tuple[Remplacement, ...] = ()
    annexes: tuple[Annexe, ...] = ()
    precedents: tuple[AvenantPrecedent, ...] = field(default_factory=tuple)

    @property
    def changements(self) -> int:
        return (len(self.adhesions) + len(self.retraits) + (self.nouvel_operateur is not None)
                + len(self.representations) + len(self.remplacements) + len(self.annexes))

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """What the avenant's documents record of it (``alize:avenant-…``)."""
        return (("numero", str(self.numero)), ("date", self.date.isoformat()),
                ("convention-sha256", input_digest(self.signee)), ("modifiee-sha256", input_digest(self.modifiee)))


# --- refusals -------------------------------------------------------------------------------------------------

_Terme = tuple[Chemin, str, Callable[[Territoire], Any]]
_TERMES: tuple[_Terme, ...] = (
    (("modele",), "Le modèle de la convention", lambda t: t.modele),
    (("dispositif", "nom"), "Le nom du dispositif", lambda t: t.dispositif.nom),
    (("dispositif", "zone_emploi"), "La zone d'emploi", lambda t: t.dispositif.zone_emploi),
    (("dispositif", "departement"), "Le département", lambda t: t.dispositif.departement),
    (("dispositif", "nature"), "La nature de la convention (création ou renouvellement)",
     lambda t: t.dispositif.nature),
    (("dispositif", "valorisation_jour"), "La valorisation d'une journée de compétences (700 € par jour)",
     lambda t: t.dispositif.valorisation_jour if t.dispositif.valorisation_jour is not None else VALORISATION_JOUR),
    (("dispositif", "duree_annees"), "La durée de la convention (3 ans)",
     lambda t: t.dispositif.duree_annees if t.dispositif.duree_annees is not None else DUREE_ANNEES),
    (("depenses_fonctionnement", "contribution_astrees"),
     f"La contribution d'ASTREES ({format_montant(CONTRIBUTION_ASTREES_ANNUELLE)} par année)",
     lambda t: t.depenses_fonctionnement.contribution_astrees),
    (("signature", "date"), "La date de signature de la convention", lambda t: t.signature.date),
    (("signature", "lieu"), "Le lieu de signature de la convention", lambda t: t.signature.lieu),
)
"""What an avenant may not change: the program's terms (day rate, ASTREES, duration, the model whose text fixes
the nature of the advances: 0 %, no guarantee, 36 months) and what identifies the convention it amends."""


def _montrer(valeur: Any) -> str:
    if isinstance(valeur, Decimal):
        return format_montant(valeur)
    if isinstance(valeur, dt.date):
        return format_date(valeur)
    if isinstance(valeur, list):
        return " ; ".join(_montrer(v) for v in valeur)
    return str(valeur)


def problemes_avenant(signee: Territoire, modifiee: Territoire, date: dt.date,
                      precedents: Sequence[AvenantPrecedent] = ()) -> list[Probleme]:
    """Return what forbids this avenant: a non-negotiable term changed (``amendment-term``), a date before the
    convention's signature, after its three years or before an earlier avenant (``amendment-date``)."""
    problemes = []
    for chemin, libelle, valeur in _TERMES:
        avant, apres = valeur(signee), valeur(modifiee)
        if avant != apres:
            suite = (" ; la date de l'avenant se donne à part (--date)" if chemin == ("signature", "date") else "")
            problemes.append(Probleme("amendment-term", chemin, (
                f"{libelle} ne peut pas être modifié{'e' if libelle.startswith('La ') else ''} par avenant "
                f"(convention signée : {_montrer(avant)} ; fichier modifié : {_montrer(apres)}){suite}.")))
    annees = annees_convention(signee.signature.date)
    debut, fin = annees[0][0], annees[-1][1]
    if date < debut:
        problemes.append(Probleme("amendment-date", ("avenant", "date"), (
            f"L'avenant est daté du {format_date(date)}, avant la signature de la convention le "
            f"{format_date(debut)} : un avenant modifie une convention déjà signée.")))
    elif date > fin:
        problemes.append(Probleme("amendment-date", ("avenant", "date"), (
            f"L'avenant est daté du {format_date(date)}, hors des trois ans de la convention (du "
            f"{format_date(debut)} au {format_date(fin)}) : la convention a pris fin, il faut la renouveler "
            "(alize-docs renouveler).")))
    lettre = modifiee.operateur.autorisation_direction_budget
    if not _meme_operateur(signee.operateur, modifiee.operateur):
        if lettre > date:
            problemes.append(Probleme("amendment-date", ("operateur", "autorisation_direction_budget"), (
                f"La lettre d'autorisation du nouvel opérateur local par la Direction du budget ({format_date(lettre)}"
                f"), visée par l'avenant, ne peut pas être postérieure à l'avenant ({format_date(date)}).")))
    elif lettre > signee.signature.date:
        problemes.append(Probleme("dates", ("operateur", "autorisation_direction_budget"), (
            f"La lettre d'autorisation de la Direction du budget ({format_date(lettre)}), visée par la convention, "
            f"ne peut pas être postérieure à sa signature ({format_date(signee.signature.date)}).")))
    for precedent in precedents:
        if precedent.date > date:
            problemes.append(Probleme("amendment-date", ("avenant", "date"), (
                f"L'avenant est daté du {format_date(date)}, avant l'avenant n° {precedent.numero} qui le précède "
                f"(daté du {format_date(precedent.date)}).")))
    return problemes


# --- the amended convention ----------------------------------------------------------------------------------

def _annees_commencees(signee: Territoire, date: dt.date) -> int:
    return sum(1 for debut, _ in annees_convention(signee.signature.date) if debut <= date)


def _garder(valeurs: list[Any] | None, commencees: int, zero: Any) -> list[Any] | None:
    if valeurs is None:
        return None
    return [v if i < commencees else zero for i, v in enumerate(valeurs)]


def territoire_consolide(signee: Territoire, modifiee: Territoire, date: dt.date) -> Territoire:
    """Return the convention as amended: *modifiee*, with each partner who withdraws kept with its contributions
    for the years begun at *date* and none for the later years."""
    ids = {p.id for p in modifiee.partenaires}
    if all(p.id in ids for p in signee.partenaires):
        return modifiee
    commencees = _annees_commencees(signee, date)
    partenaires = list(modifiee.partenaires)
    position = 0  # where the signed convention's next partner goes: after the one before it
    for p in signee.partenaires:
        if p.id in ids:
            position = next(i for i, q in enumerate(partenaires) if q.id == p.id) + 1
            continue
        a = p.apports
        partenaires.insert(position, p.model_copy(update={"apports": Apports(
            avances=_garder(a.avances, commencees, Decimal(0)),
            fonctionnement=_garder(a.fonctionnement, commencees, Decimal(0)),
            jours=_garder(a.jours, commencees, 0))}))
        position += 1
    return modifiee.model_copy(update={"partenaires": partenaires})


# --- changes ---------------------------------------------------------------------------------------------------

def _sujet(p: Partenaire) -> str:
    """The partner at the start of a sentence: « La société SIDE », « La Communauté de communes… »."""
    nom = p.denomination
    if p.categorie == "entreprise" and not nom.article and p.article is None:
        return f"La société {p.nom}"
    return nom.avec_article_majuscule


def _qualite(p: Partenaire) -> str:
    if p.categorie == "entreprise":
        return "d'entreprise partenaire"
    if p.categorie == "collectivite" or p.represente_par == "etat":
        return "de partenaire public"
    return "d'organisme partenaire"


def _annees_texte(indices: list[int]) -> str:
    ordinaux = [_ORDINAUX[i] if i < len(_ORDINAUX) else f"{i + 1}e" for i in indices]
    if not ordinaux:
        return ""
    if len(ordinaux) == 1:
        return f"la {ordinaux[0]} année de la convention"
    return f"les {', '.join(ordinaux[:-1])} et {ordinaux[-1]} années de la convention"


def _meme_operateur(a: Operateur, b: Operateur) -> bool:
    return a.siret == b.siret and a.nom.casefold() == b.nom.casefold()


def _representations(signee: Territoire, modifiee: Territoire, operateur_change: bool) -> list[Representation]:
    paires: list[tuple[str, Personne | None, Personne | None]] = [
        ("L'État", signee.etat.prefet, modifiee.etat.prefet),
        ("La Caisse des dépôts et consignations", signee.cdc.directeur, modifiee.cdc.directeur),
        ("L'Association Travail Emploi Europe Société (ASTREES)", signee.astrees.representant,
         modifiee.astrees.representant)]
    avant = {p.id: p for p in signee.partenaires}
    for p in modifiee.partenaires:
        if p.id in avant:
            paires.append((p.denomination.avec_article_majuscule, avant[p.id].signataire, p.signataire))
    if not operateur_change:
        paires.append((modifiee.operateur.denomination.avec_article_majuscule, signee.operateur.representant,
                       modifiee.operateur.representant))
    return [Representation(partie, apres, noms.representant(apres.civilite))
            for partie, ancien, apres in paires if apres is not None and ancien != apres]


def _cle(ident: str, blocs: Sequence[Block], precedente: tuple[str, str, str]) -> tuple[str, str, str]:
    """The part of the convention a clause belongs to: (genre, numéro, intitulé)."""
    if ident.rsplit("/", 1)[-1] == "visas":
        return ("visas", "", "")
    cle = precedente
    for bloc in blocs:
        if not isinstance(bloc, Paragraph):
            continue
        motif = {"heading1": r"ARTICLE\s+(\d+)", "heading2": r"(\d+(?:\.\d+)+)\s"}.get(bloc.style)
        if motif and (m := re.match(motif, bloc.text)):
            cle = ("article", m[1], "")
        elif bloc.style == "heading3" and "preambule" in ident and cle[0] != "article":
            cle = ("preambule", "", bloc.text.strip())
    return cle


def _parties_rendues(territoire: Territoire, kind: DocumentKind, library: ClauseLibrary
                     ) -> list[tuple[str, tuple[str, str, str], list[Block]]]:
    """Each clause of *kind* rendered with *territoire*: its id, the part it belongs to, its blocks."""
    contexte = contexte_territoire(territoire)
    tables = tableaux_budget(contexte["budget"]) if kind == "annexe-1-budget" else {}
    refs = library.modele(territoire.modele).documents.get(kind, ())
    rendus = []
    cle: tuple[str, str, str] = ("", "", "")
    for ident, version in refs:
        rendu = [tables.get(b.name, b) if isinstance(b, TableRef) else b  # a budget table compares by its cells
                 for b in library.render(library.clause(ident, version), contexte)]
        blocs = expand_parties(rendu, contexte, territoire.modele, kind)
        cle = _cle(ident, blocs, cle)
        rendus.append((ident, cle, blocs))
    return rendus


def _textes(blocs: Sequence[Block]) -> list[tuple[str, str]]:
    return [(getattr(b, "style", type(b).__name__), b.text) for b in blocs]


def _cite(blocs: list[Block]) -> tuple[Block, ...]:
    """The new text of a part, as an avenant quotes it: its own headings left out, in italics, between « »."""
    while blocs and isinstance(blocs[0], Paragraph) and blocs[0].style.startswith("heading"):
        blocs = blocs[1:]
    paragraphes = [b for b in blocs if isinstance(b, Paragraph)]
    cites: list[Block] = []
    for bloc in blocs:
        if not isinstance(bloc, Paragraph):
            cites.append(bloc)
            continue
        runs = [Run(r.text, r.bold, True, r.superscript) for r in bloc.runs]
        if bloc is paragraphes[0]:
            runs.insert(0, Run(f"«{NBSP}", italic=False))
        if bloc is paragraphes[-1]:
            runs.append(Run(f"{NBSP}»", italic=False))
        cites.append(Paragraph("body" if bloc.style.startswith("heading") else bloc.style, tuple(runs)))
    return tuple(cites)


def _remplacements(signee: Territoire, consolide: Territoire, library: ClauseLibrary) -> list[Remplacement]:
    avant = _parties_rendues(signee, "convention-partenariat", library)
    apres = _parties_rendues(consolide, "convention-partenariat", library)
    textes_avant: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for ident, cle, blocs in avant:
        if ident.rsplit("/", 1)[-1] not in _HORS_ARTICLES:
            textes_avant.setdefault(cle, []).extend(_textes(blocs))
    groupes: dict[tuple[str, str, str], list[Block]] = {}
    for ident, cle, blocs in apres:
        if ident.rsplit("/", 1)[-1] not in _HORS_ARTICLES:
            groupes.setdefault(cle, []).extend(blocs)
    remplacements = []
    for cle, blocs in groupes.items():
        if _textes(blocs) != textes_avant.get(cle) and cle[0] in ("article", "preambule", "visas"):
            genre: Literal["article", "preambule", "visas"] = cle[0]  # type: ignore[assignment]
            remplacements.append(Remplacement(genre, cle[1], cle[2], _cite(blocs)))
    return remplacements


def _annexes(signee: Territoire, consolide: Territoire, library: ClauseLibrary) -> list[Annexe]:
    annexes = []
    for numero, kind in enumerate(DOCUMENTS_TERRITOIRE[1:], start=1):
        avant = [_textes(b) for i, _, b in _parties_rendues(signee, kind, library)
                 if i.rsplit("/", 1)[-1] not in _HORS_ANNEXES]
        apres = [_textes(b) for i, _, b in _parties_rendues(consolide, kind, library)
                 if i.rsplit("/", 1)[-1] not in _HORS_ANNEXES]
        if avant != apres:
            annexes.append(Annexe(kind, numero, DOCUMENTS[kind].split(" — ", 1)[-1]))
    return annexes


def analyser_avenant(signee: Territoire, modifiee: Territoire, numero: int, date: dt.date,
                     library: ClauseLibrary, precedents: Sequence[AvenantPrecedent] = ()) -> Avenant:
    """Return the avenant that turns *signee* into *modifiee* on *date*; raise :class:`InvalidInput` with the
    avenant's rules (``amendment-term``, ``amendment-date``, ``amendment-empty``). The modified input's own
    rules are the caller's to check first (the normal validation)."""
    problemes = problemes_avenant(signee, modifiee, date, precedents)
    if problemes:
        raise InvalidInput(ValidationReport("avenant", tuple(problemes)))
    consolide = territoire_consolide(signee, modifiee, date)
    ids_avant = {p.id for p in signee.partenaires}
    ids_apres = {p.id for p in modifiee.partenaires}
    commencees = _annees_commencees(signee, date)
    operateur_change = not _meme_operateur(signee.operateur, modifiee.operateur)
    avenant = Avenant(
        numero=numero, date=date, signee=signee, modifiee=modifiee, consolide=consolide,
        adhesions=tuple(Adhesion(p, _sujet(p), _qualite(p)) for p in modifiee.partenaires if p.id not in ids_avant),
        retraits=tuple(Retrait(p, _sujet(p), _annees_texte(list(range(commencees, DUREE_ANNEES))))
                       for p in signee.partenaires if p.id not in ids_apres),
        nouvel_operateur=modifiee.operateur if operateur_change else None,
        representations=tuple(_representations(signee, modifiee, operateur_change)),
        remplacements=tuple(_remplacements(signee, consolide, library)),
        annexes=tuple(_annexes(signee, consolide, library)),
        precedents=tuple(p for p in precedents if p.numero < numero),
    )
    if not avenant.changements:
        raise InvalidInput(ValidationReport("avenant", (Probleme("amendment-empty", (), (
            "Le fichier modifié ne change rien à la convention signée ni à ses annexes : il n'y a pas d'avenant "
            "à écrire.")),)))
    return avenant


# --- the avenant's text ----------------------------------------------------------------------------------------

def avenant_refs(library: ClauseLibrary, modele: str) -> tuple[tuple[str, str], ...]:
    """Return the avenant's clause versions that *modele* lists under its ``avenant:`` key, in order."""
    library.modele(modele)  # an unknown model is a ModelError
    for dossier in library.dossiers:
        chemin = dossier / "modeles" / f"{modele}.yaml"
        if not chemin.is_file():
            continue
        lu = read_yaml(chemin)
        refs = lu.data.get("avenant") if isinstance(lu.data, dict) else None
        if not isinstance(refs, list) or not refs:
            raise ModelError("le modèle ne définit pas l'avenant (clé « avenant » : la liste de ses clauses)",
                             modele=modele, fichier=chemin)
        resultat = []
        for ref in refs:
            ident, arobase, version = str(ref).rpartition("@")
            if not arobase or not ident:
                raise ModelError(f"avenant : « {ref} » n'est pas de la forme id@version", modele=modele,
                                 fichier=chemin)
            resultat.append((ident, version))
        return tuple(resultat)
    raise ModelError("introuvable", modele=modele)


def _parties_avenant(avenant: Avenant) -> list[Partenaire]:
    """Every partner of the signed convention (as the modified input names its signatory, when it stays) and
    every partner who joins, in that order."""
    apres = {p.id: p for p in avenant.modifiee.partenaires}
    avant = [apres.get(p.id, p) for p in avenant.signee.partenaires]
    return avant + [a.partenaire for a in avenant.adhesions]


def _contexte(avenant: Avenant) -> dict[str, Any]:
    contexte: dict[str, Any] = dict(contexte_territoire(avenant.consolide))
    operateurs = {avenant.signee.operateur.partenaire, avenant.modifiee.operateur.partenaire} - {None}
    parties = _parties_avenant(avenant)
    propres = [p for p in parties if p.represente_par is None and p.id not in operateurs]
    change = avenant.nouvel_operateur is not None
    contexte.update({
        "avenant": avenant,
        "convention": avenant.signee.signature,
        "lieu_convention": noms.lieu(avenant.signee.signature.lieu),
        "lieu_signature": noms.lieu(avenant.signee.signature.lieu),
        "entreprises": [p for p in propres if p.categorie == "entreprise"],
        "collectivites": [p for p in propres if p.categorie == "collectivite"],
        "organismes": [p for p in propres if p.categorie == "organisme"],
        "partenaires_etat": [p for p in parties if p.represente_par == "etat"],
        "operateur": avenant.signee.operateur if change else avenant.modifiee.operateur,
        "nouvel_operateur": avenant.nouvel_operateur,
        "partenaire_operateur": None if change else contexte["partenaire_operateur"],
        "operateur_change": {"designe": "désigné" if change and avenant.modifiee.operateur.denomination.tncc == 2
                             else "désignée"},
        "exemplaires": len(propres) + 3 + (2 if change else 1),  # the État, the CDC, ASTREES, the operator(s)
        "numero_article": 0,
    })
    return contexte


def _par_article(avenant: Avenant) -> Mapping[str, tuple[tuple[str, Any], ...]]:
    """For each article clause (last part of its id), the variable each of its articles gets, one per change."""
    return {
        "article-adhesion": tuple(("adhesion", a) for a in avenant.adhesions),
        "article-retrait": tuple(("retrait", r) for r in avenant.retraits),
        "article-operateur": (("nouvel_operateur", avenant.nouvel_operateur),) if avenant.nouvel_operateur else (),
        "article-representation": tuple(("representation", r) for r in avenant.representations),
        "article-remplacement": tuple(("remplacement", r) for r in avenant.remplacements),
        "article-annexe": tuple(("annexe", a) for a in avenant.annexes),
    }


def assemble_avenant(avenant: Avenant, library: ClauseLibrary) -> AssembledDocument:
    """Return the avenant's document: title, visas, parties, one article per change, the closing article, place,
    date and number of originals, one signature block per party."""
    modele = avenant.signee.modele
    contexte = _contexte(avenant)
    par_article = _par_article(avenant)
    blocs: list[Block] = []
    usages: list[ClauseUse] = []
    numero = 0
    for ident, version in avenant_refs(library, modele):
        clause = library.clause(ident, version)
        nom = ident.rsplit("/", 1)[-1]
        variantes: tuple[tuple[str, Any], ...] = par_article.get(nom, (("", None),))
        rendus: list[Block] = []
        for variable, valeur in variantes:
            if nom.startswith("article-"):
                numero += 1
            contexte_article = contexte | {"numero_article": numero} | ({variable: valeur} if variable else {})
            rendu = expand_parties(library.render(clause, contexte_article), contexte_article, modele, "avenant")
            rendus += rendu
            if variable == "remplacement":
                rendus += valeur.blocs
        if rendus:
            blocs += rendus
            usages.append(library.use(clause))
    nom_alize = nom_dispositif(avenant.signee)
    document = AssembledDocument(
        kind="avenant", title=f"Avenant n° {avenant.numero} à la convention de partenariat {nom_alize}",
        short_title=f"Avenant n° {avenant.numero}",
        subject=f"Avenant n° {avenant.numero} à la convention de partenariat du dispositif {nom_alize}, zone "
                f"d'emploi {de(avenant.signee.dispositif.zone_emploi)}",
        header=f"«{NBSP}{nom_alize}{NBSP}»", author=avenant.modifiee.operateur.nom, date=avenant.date,
        modele=modele, blocks=tuple(blocs), clauses=tuple(usages),
        input_sha256=input_digest(avenant.signee, avenant.modifiee), avenant=avenant.provenance())
    check_no_blanks(document.title, [document.header, *(b.text for b in document.blocks)])
    return document


def documents_joints(avenant: Avenant, library: ClauseLibrary) -> tuple[list[AssembledDocument], AssembledDocument]:
    """Return the annexes the avenant replaces (each rendered from the amended convention) and the amended
    convention itself, each recording the avenant in its provenance."""
    def marque(document: AssembledDocument) -> AssembledDocument:
        return AssembledDocument(**{**document.__dict__, "avenant": avenant.provenance()})

    contexte = contexte_territoire(avenant.consolide)
    annexes = [marque(assemble_territory_document(avenant.consolide, library, a.kind, contexte))
               for a in avenant.annexes]
    convention = marque(assemble_territory_document(avenant.consolide, library, "convention-partenariat", contexte))
    return annexes, convention
