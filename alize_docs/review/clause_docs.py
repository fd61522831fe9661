"""What a reviewer needs beside the clause files: ``clauses/README.md`` and one rendered sample per version.

The README lists, for each kind of document, the variables its clauses may use (with their meaning and the value
the bundled example gives them), the filters and the markup. Each clause version a model uses gets a sample,
``<version>.exemple`` beside its ``<version>.txt``: its text rendered on the bundled example, so that a reviewer
sees what an edit does. ``alize-docs verifier-clauses`` reports a sample that no longer matches its clause, and
``alize-docs verifier-clauses --ecrire`` writes the README and the samples again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, get_type_hints

from pydantic import BaseModel

from alize_docs.assembly.assemble import expand_parties
from alize_docs.assembly.context import (
    ContexteCooperation,
    ContexteTerritoire,
    contexte_cooperation,
    contexte_territoire,
)
from alize_docs.clauses.library import Clause, ClauseLibrary
from alize_docs.document import SignatureTable, Table, TableRef
from alize_docs.errors import ClauseError
from alize_docs.review.library_check import LibraryProblem, samples

__all__ = ["VARIABLES_COOPERATION", "VARIABLES_TERRITOIRE", "clauses_readme", "rendered_samples", "sample_path",
           "sample_problems", "write_clause_docs"]

VARIABLES_TERRITOIRE: dict[str, str] = {
    "dispositif": "le dispositif : nom, nature (creation, renouvellement), zone_emploi, departement, territoire "
                  "(communes et intercommunalités), carte_annexee, contexte, premiers_resultats, objectifs",
    "signature": "lieu et date de signature de la convention",
    "etat": "l'État : son préfet (civilité, prénom, nom, qualité facultative)",
    "cdc": "la Caisse des dépôts : direction régionale, directeur ou directrice, apports au fonds d'avances",
    "astrees": "ASTREES : son représentant",
    "operateur": "l'opérateur local : nom, forme, SIRET, adresse, représentant, autorisation de la Direction du "
                 "budget, comptes (avances, fonctionnement), partenaire qu'il est aussi (s'il l'est)",
    "comite_agrement": "le comité d'agrément : président (partenaire, personne), plafond d'avance",
    "partenaires": "tous les partenaires, dans l'ordre du fichier",
    "entreprises": "les entreprises partenaires qui signent elles-mêmes",
    "collectivites": "les collectivités partenaires qui signent elles-mêmes",
    "organismes": "les organismes partenaires qui signent eux-mêmes",
    "partenaires_etat": "les partenaires représentés par le préfet (pas de bloc de signature propre)",
    "partenaire_operateur": "le partenaire qui est aussi l'opérateur local (il signe une fois, comme opérateur ; "
                            "il n'est pas dans entreprises, collectivites, organismes), ou rien",
    "president_entreprise": "l'entreprise partenaire que représente le président du comité d'agrément",
    "exemplaires": "le nombre d'exemplaires originaux : un par partie qui signe",
    "annees": "chaque année de la convention (premier et dernier jour), comptée par douze mois depuis la signature",
    "renouvellement": "vrai pour une reconduction, faux pour une première convention",
    "alize": "le nom du dispositif, « ALIZÉ® » et son nom",
    "budget": "le budget sur trois ans (annexe 1) : dotations, dépenses, totaux par année",
    "valorisation_totale": "la valeur des jours de compétences apportés sur trois ans",
    "part_cdc": "la dotation de la CDC en pourcentage du total des dotations des autres partenaires au fonds d'avances",
    "programme": "les termes fixes du programme : duree_annees, valorisation_jour, contribution_astrees_annuelle, "
                 "contribution_astrees_totale, plafond_cdc",
    "qualite_prefet": "le titre du préfet ou de la préfète, accordé à sa civilité",
    "qualite_directeur_cdc": "le titre du directeur ou de la directrice régionale de la CDC, accordé",
    "departement": "le département, tel que l'INSEE l'écrit, avec ses formes : `.de` (« du Nord »), `.a`, "
                   "`.avec_article`",
    "partenaire_national": "le nom qu'avait le partenaire national (la DATAR, la DIACT) à la date de signature : "
                           "`.sigle`, `.nom`, `.debut` (la date où il l'a pris ; `programme.toml`)",
    "zone_emploi": "la zone d'emploi, avec ses formes : `.de` (« de Haguenau », « du Havre »), `.a`",
    "lieu_signature": "le lieu de signature, avec ses formes : `.a` (« à Nancy », « au Havre »), `.de`",
    "le_prefet": "« le Préfet » ou « la Préfète », accordé à la civilité",
    "du_prefet": "« du Préfet » ou « de la Préfète », accordé",
    "cdc_representee": "« représentée par son directeur régional » ou « … sa directrice régionale »",
    "operateur_represente": "« représenté » ou « représentée », accordé au nom de l'opérateur",
    "president_representant": "« représentant » ou « représentante », accordé au président du comité",
    "representant_astrees": "« représentant » ou « représentante », accordé au représentant d'ASTREES (sans qualité)",
    "representant_legal_operateur": "« son représentant légal » ou « sa représentante légale » (l'opérateur, sans "
                                    "qualité)",
}
"""The meaning of each variable of the convention's and the annexes' clauses."""

VARIABLES_COOPERATION: dict[str, str] = {
    "cooperation": "la convention de coopération entière (numéro, modèle…)",
    "beneficiaire": "l'entreprise soutenue : raison sociale, forme, capital, SIREN, immatriculation, adresse, "
                    "dirigeant, effectif, chiffre d'affaires, total de bilan, part du capital détenue par une autre "
                    "entreprise, aides de minimis déclarées (facultatives)",
    "projet": "le projet : intitulé, description, coût total, emplois prévus, autres financements",
    "comite": "la décision du comité d'agrément : date, membres présents, voix",
    "avance": "l'avance remboursable (montant, durée, différé, périodicité, date de versement), ou rien",
    "pret": "le prêt bonifié d'un partenaire, ou rien",
    "signature": "lieu et date de signature de la convention de coopération",
    "pret_partenaire": "le partenaire qui accorde le prêt bonifié, ou rien",
    "convention": "lieu et date de signature de la convention de partenariat du territoire",
    "operateur": "l'opérateur local du territoire",
    "operateur_represente": "« représenté » ou « représentée », accordé au nom de l'opérateur",
    "president": "le président du comité d'agrément",
    "president_entreprise": "l'entreprise partenaire que représente le président du comité",
    "alize": "le nom du dispositif, « ALIZÉ® » et son nom",
    "programme": "les termes fixes du programme (voir la convention de partenariat)",
    "appuis": "chaque appui en compétences : partenaire, intervenant, domaine, jours, valorisation",
    "entreprises_competences": "les entreprises partenaires qui apportent des compétences",
    "mandataire": "le partenaire mandataire, qui tient le comité informé",
    "mandataire_fournit_competences": "vrai si le mandataire apporte aussi des compétences",
    "jours_total": "le nombre total de jours de compétences",
    "valorisation_totale": "la valeur de ces jours",
    "echeances": "l'échéancier de remboursement : numéro, date, montant de chaque échéance",
    "num": "le numéro de chaque article, qui dépend des aides accordées",
    "majorite": "la règle de décision du comité d'agrément, telle que le modèle l'écrit",
    "exemplaires": "le nombre d'exemplaires originaux : un par signataire, et un pour l'opérateur local "
                   "s'il ne signe pas",
    "lieu_signature": "le lieu de signature de la convention de coopération, avec ses formes : `.a`, `.de`",
    "lieu_convention": "le lieu de signature de la convention de partenariat, avec ses formes : `.a`, `.de`",
    "le_president": "« le président » ou « la présidente » du comité d'agrément, accordé",
    "president_qualite": "« Président » ou « Présidente » du comité d'agrément, accordé",
    "representant_comite": "« son président » ou « sa présidente », accordé",
    "president_representant": "« représentant » ou « représentante », accordé au président du comité",
    "dirigeant_qualite": "« Dirigeant » ou « Dirigeante » de l'entreprise soutenue, accordé",
    "une_entreprise": "vrai si une seule entreprise partenaire apporte des compétences (« L'entreprise partenaire "
                      "met… »)",
    "intervenants": "les intervenants, accordés en genre et en nombre : `.sujet` (« l'intervenant », « les "
                    "intervenantes »…), `.sujet_majuscule`, `.de` (« des intervenants »), `.pronom`, `.pluriel`",
    "au_dirigeant": "« au dirigeant » ou « à la dirigeante » de l'entreprise soutenue",
    "seul_dirigeant": "« seul » ou « seule », accordé au dirigeant de l'entreprise soutenue",
    "remboursement": "les échéances telles que l'article de l'échéancier les énonce : `.nombre` (« trente (30) »), "
                     "`.n_egales` et `.egales` (« vingt-neuf ») au `.montant_egal`, `.rang_derniere` (« trentième ») "
                     "et `.montant_dernier`, `.ajustee`, `.unique` ; rien sans avance",
    "criteres": "les critères de taille de l'article 6.1 que remplit le bénéficiaire : `.chiffre_affaires`, "
                "`.total_bilan` (un seul suffit)",
    "pme": "les seuils de la PME de l'article 6.1 : effectif_max, chiffre_affaires_max, total_bilan_max, "
           "detention_max",
    "reglement_de_minimis": "le règlement de minimis en vigueur à la date de signature (programme.toml) : "
                            "`.reference`, `.plafond`, `.periode`, `.debut`, `.fin`",
}
"""The meaning of each variable of a cooperation agreement's clauses."""

_FILTRES: dict[str, tuple[str, Any]] = {
    "montant": ("un montant en chiffres", Decimal("33333.33")),
    "montant_complet": ("un montant en lettres puis en chiffres, comme un contrat l'écrit", Decimal(9000)),
    "montant_en_lettres": ("un montant en lettres", Decimal(80)),
    "nombre": ("un nombre en chiffres, groupés par milliers", 1057),
    "nombre_complet": ("un nombre en lettres puis en chiffres", 3),
    "en_lettres": ("un nombre en lettres", 21),
    "date": ("une date", dt.date(2011, 4, 1)),
    "pourcentage": ("un pourcentage", Decimal(20)),
    "de": ("« de » devant un nom, élidé ou contracté", "Ain"),
    "a": ("« à » devant un nom, contracté", "Toul"),
    "iban": ("un IBAN par groupes de quatre", "FR7614707000500801234567869"),
    "siret": ("un SIRET", "39017425810008"),
    "siren": ("un SIREN", "390174258"),
}
"""Each filter a clause may use, what it writes, and a value to show it on."""

_BALISAGE = """| balisage | sens |
|---|---|
| ligne vide | nouveau paragraphe (les lignes qui se suivent se joignent) |
| `#`, `##`, `###`, `####` | titre, titre d'article, de sous-article, intertitre |
| `- élément`, `  - élément` | puce, puce de second niveau |
| `**gras**`, `*italique*` | gras, italique (« 1er » prend son exposant tout seul) |
| `@centre …`, `@sous-titre …`, `@saut-de-page` | paragraphe centré, sous-titre, saut de page |
| `@signature Pour X \\| nom \\| qualité` | une case d'un tableau de signatures |
| `@tableau nom` | un tableau calculé (budget, plan de financement, compétences, échéancier) |
| `\\| a \\| b \\|` (une ligne par rangée) | un tableau écrit dans la clause, sa première ligne en en-tête \
(`@largeurs 3,6 5 7,4` juste avant : ses colonnes, en cm) |
| `{{ variable \\| filtre }}`, `{% if … %}` | une variable, une condition (Jinja, en bac à sable) |"""


@dataclass(frozen=True)
class _Exemple:
    kind: str
    contexte: Mapping[str, Any]
    tables: Mapping[str, Table]


def _contextes(library: ClauseLibrary) -> list[_Exemple]:
    """The contexts of the bundled example and of its variants (renewal, agreement without an advance)."""
    exemples = []
    for echantillon in samples():
        exemples.append(_Exemple("territoire", contexte_territoire(echantillon.territoire), {}))
        for cooperation in echantillon.cooperations:
            contexte, tables = contexte_cooperation(cooperation, echantillon.territoire, library)
            exemples.append(_Exemple("cooperation", contexte, tables))
    return exemples


def _apercu(valeur: Any) -> str:
    """Return what a value looks like, for a reviewer."""
    if valeur is None:
        return "aucun (dans l'exemple)"
    if isinstance(valeur, bool):
        return "vrai" if valeur else "faux"
    if isinstance(valeur, str | int | Decimal | dt.date):
        texte = str(valeur)
        return f"« {texte if len(texte) <= 60 else texte[:59] + '…'} »"
    if isinstance(valeur, BaseModel):
        return "champs : " + ", ".join(type(valeur).model_fields)
    if isinstance(valeur, list | tuple):
        return f"{len(valeur)} élément(s)" + (f", le premier : {_apercu(valeur[0])}" if valeur else "")
    if hasattr(valeur, "de") and hasattr(valeur, "a"):  # a name of noms.py: its forms
        return f"`.de` « {valeur.de} », `.a` « {valeur.a} »"
    if isinstance(valeur, dict):
        return "clés : " + ", ".join(map(str, valeur))
    champs = [n for n in getattr(type(valeur), "__dataclass_fields__", {})]
    return "champs : " + ", ".join(champs) if champs else type(valeur).__name__


def _documents(library: ClauseLibrary) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
    for nom in sorted(library.modeles()):
        for kind, refs in library.modele(nom).documents.items():
            yield f"{kind} (modèle {nom})", refs


def clauses_readme(library: ClauseLibrary) -> str:
    """Return the text of ``clauses/README.md`` for *library*."""
    exemples = _contextes(library)
    territoire = next(e.contexte for e in exemples if e.kind == "territoire")
    cooperation = next(e.contexte for e in exemples if e.kind == "cooperation")
    lignes = ["# Les clauses", "",
              "Ce fichier est produit par `alize-docs verifier-clauses --ecrire` : ne le modifiez pas à la main.", "",
              "Chaque clause est un fichier `<id>/<version>.txt` : un en-tête de lignes `clé: valeur` (`id`, "
              "`version`, `titre`, `source`, et au besoin `description` et `condition`), une ligne `---`, puis le "
              "texte. À côté, `<version>.exemple` montre ce texte rendu sur l'exemple fourni (le Toulinois) : "
              "après une modification, `alize-docs verifier-clauses` signale les exemples qui ne correspondent "
              "plus, et `--ecrire` les refait. Un modèle (`modeles/<nom>.yaml`) donne, pour chaque document, les "
              "versions de clauses qu'il assemble, sa règle de majorité et ses termes obligatoires, la période "
              "où il peut être signé (`periode_signature`), les faits datés de son texte (`faits_dates`, aucun "
              "postérieur au début de la période) et les passages qu'un document cite d'un autre (`citations`, "
              "vérifiés des deux côtés).", "",
              "## Le balisage", "", _BALISAGE, "",
              "## Les filtres", "", "| filtre | ce qu'il écrit | exemple |", "|---|---|---|"]
    for nom, (sens, valeur) in _FILTRES.items():
        rendu = library.environment.filters[nom](valeur)
        lignes.append(f"| `{nom}` | {sens} | `{{{{ {valeur!s} \\| {nom} }}}}` → « {rendu} » |")
    for titre, type_, descriptions, contexte in (
            ("convention de partenariat et ses annexes", ContexteTerritoire, VARIABLES_TERRITOIRE, territoire),
            ("convention de coopération et de développement", ContexteCooperation, VARIABLES_COOPERATION, cooperation)):
        lignes += ["", f"## Les variables de la {titre}", "", "| variable | sens | dans l'exemple |", "|---|---|---|"]
        for nom in get_type_hints(type_):
            lignes.append(f"| `{nom}` | {descriptions[nom]} | {_apercu(contexte[nom])} |")
    lignes += ["", "## Les documents et leurs clauses", ""]
    for titre, refs in _documents(library):
        lignes.append(f"- **{titre}** : " + ", ".join(f"`{i}@{v}`" for i, v in refs))
    return "\n".join(lignes) + "\n"


def sample_path(clause: Clause) -> Path:
    """Return the path of the rendered sample of *clause*, beside its file."""
    return clause.chemin.with_suffix(".exemple")


def _texte(library: ClauseLibrary, clause: Clause, exemples: list[_Exemple]) -> str:
    """Return *clause* rendered on the first example it applies to, its ``@parties`` and ``@signatures`` expanded,
    one paragraph a line."""
    genre = "cooperation" if clause.id.startswith("cooperation/") else "territoire"
    for exemple in (e for e in exemples if e.kind == genre):
        blocs = expand_parties(library.render(clause, exemple.contexte), exemple.contexte, "exemple", genre)
        if blocs:
            return "\n\n".join(_bloc(b) for b in blocs) + "\n"
    return "(cette clause ne s'applique à aucun des exemples)\n"


def _bloc(bloc: Any) -> str:
    if isinstance(bloc, TableRef):
        return f"[tableau {bloc.name}]"
    if isinstance(bloc, SignatureTable):
        return "\n\n".join(" | ".join(b.text.split("\n")) for b in bloc.blocks)
    return str(bloc.text)


def rendered_samples(library: ClauseLibrary) -> dict[Path, str]:
    """Return the sample of every clause version a model uses, by the sample's path."""
    exemples = _contextes(library)
    refs = sorted({r for nom in library.modeles() for refs in library.modele(nom).documents.values() for r in refs})
    echantillons = {}
    for ident, version in refs:
        try:
            clause = library.clause(ident, version)
            echantillons[sample_path(clause)] = _texte(library, clause, exemples)
        except ClauseError:
            continue  # the library check reports the clause itself
    return echantillons


def sample_problems(library: ClauseLibrary, fourni: Path | None = None) -> list[LibraryProblem]:
    """Return a problem for every sample that no longer matches its clause, and for every clause of the folder
    *fourni* (the bundled clauses) that has none."""
    problemes = []
    for chemin, texte in rendered_samples(library).items():
        version = chemin.stem
        clause_id = next((chemin.parent.relative_to(d).as_posix() for d in library.dossiers
                          if chemin.is_relative_to(d)), chemin.parent.as_posix())
        if not chemin.is_file():
            if fourni is not None and chemin.is_relative_to(fourni):
                problemes.append(LibraryProblem(clause_id, version, "exemple rendu absent ("
                                                f"{chemin.name}) : alize-docs verifier-clauses --ecrire"))
        elif chemin.read_text(encoding="utf-8") != texte:
            problemes.append(LibraryProblem(
                clause_id, version, f"l'exemple rendu {chemin.name} ne correspond plus au texte de la clause : "
                                    "relisez-le avec alize-docs verifier-clauses --ecrire"))
    return problemes


def write_clause_docs(library: ClauseLibrary) -> list[Path]:
    """Write the samples of every clause version a model uses (beside each clause) and the README of the first
    folder of *library*; return the paths written."""
    ecrits = []
    for chemin, texte in rendered_samples(library).items():
        if not chemin.is_file() or chemin.read_text(encoding="utf-8") != texte:
            chemin.write_text(texte, encoding="utf-8")
            ecrits.append(chemin)
    readme = library.dossiers[0] / "README.md"
    texte = clauses_readme(library)
    if not readme.is_file() or readme.read_text(encoding="utf-8") != texte:
        readme.write_text(texte, encoding="utf-8")
        ecrits.append(readme)
    return ecrits
