"""The check of a clause library, run by reviewers after an edit and by the tests.

For every model and every clause version it uses: the files exist and their metadata is complete;
each clause compiles; every variable and attribute it names exists in what its documents are
given (checked on the template's syntax tree against real sample inputs, so a branch the samples
do not take is checked too); every document renders for several sample inputs (first convention,
renewal, agreement with and without an advance); and the program's mandatory terms are still in
each model's text; each dated fact a model lists (``faits_dates``) is in its text and not later than the start
of its signing period; each phrase one document quotes from another (``citations``) is in both; a document drafted
from a source (``sections_source``: Annexe 2 from ASTREES's presentation) has a heading or a table caption for each
of the source's sections; the convention and Annexe 2 state the comité d'agrément's majority of the model
(``parametres.majorite_comite``) in the words of ``MAJORITES``, and no other. A reviewer who deletes « 0 % », a
section of the cahier des charges or misspells a variable hears of it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.meta import find_undeclared_variables

from alize_docs.assembly.assemble import assemble_cooperation, assemble_territory_document
from alize_docs.assembly.context import contexte_cooperation, contexte_territoire
from alize_docs.clauses.faits import faits_modele
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.document import DocumentKind, Paragraph
from alize_docs.domain.models import Cooperation, Territoire
from alize_docs.domain.programme import DOCUMENTS_TERRITOIRE, MAJORITES
from alize_docs.errors import AlizeError, ClauseError, ModelError
from alize_docs.inputs.yaml import load_model, read_yaml

__all__ = ["LibraryProblem", "check_library"]

_CHAMPS = ("titre", "source")


@dataclass(frozen=True)
class LibraryProblem:
    clause: str
    version: str
    message: str
    ligne: int | None = None
    fichier: Path | None = None

    def text(self) -> str:
        ou = f" ({self.fichier}, ligne {self.ligne})" if self.fichier and self.ligne else (
            f" (ligne {self.ligne})" if self.ligne else "")
        return f"{self.clause}@{self.version}{ou} : {self.message}"


@dataclass(frozen=True)
class Echantillon:
    territoire: Territoire
    cooperations: tuple[Cooperation, ...]


def samples() -> list[Echantillon]:
    """The bundled example and its variants: renewal with a map, agreement without an advance."""
    fixtures = bundled_path("fixtures")
    territoire = load_model(Territoire, read_yaml(fixtures / "toulinois.yaml"))
    cooperation = load_model(Cooperation, read_yaml(fixtures / "cooperation-menuiseries-du-toulois.yaml"))
    renouvellement = territoire.model_copy(update={"dispositif": territoire.dispositif.model_copy(update={
        "nature": "renouvellement", "premiers_resultats": "Résultats.", "carte_annexee": True})})
    sans_avance = cooperation.model_copy(update={"avance_remboursable": None})
    return [Echantillon(territoire, (cooperation, sans_avance)), Echantillon(renouvellement, ())]


def check_library(library: ClauseLibrary) -> list[LibraryProblem]:
    """Return every problem of *library*'s models and clauses (empty when all is well)."""
    problemes: list[LibraryProblem] = []
    echantillons = samples()
    for nom in sorted(library.modeles()):
        try:
            modele = library.modele(nom)
        except (ClauseError, ModelError) as exc:
            problemes.append(LibraryProblem("modeles", nom, str(exc)))
            continue
        for echantillon in echantillons:
            problemes += _check_model(library, nom, modele.documents, echantillon)
        problemes += _check_dates_and_quotations(library, nom, echantillons[0])
        problemes += _check_sections_and_majority(library, nom, echantillons[0])
    problemes += _check_all_versions(library)
    return list(dict.fromkeys(problemes))


def _check_all_versions(library: ClauseLibrary) -> Iterator[LibraryProblem]:
    """Every clause version on disk, used by a model or not, reads, has its metadata and compiles."""
    for ident in library.clause_ids():
        for version in library.versions(ident):
            try:
                clause = library.clause(ident, version)
                library.compile(clause)
            except ClauseError as exc:
                yield LibraryProblem(ident, version, exc.detail, exc.ligne, exc.fichier)
                continue
            for champ in _CHAMPS:
                if not getattr(clause, champ).strip():
                    yield LibraryProblem(ident, version, f"métadonnée « {champ} » vide ou absente", 1, clause.chemin)


def _check_model(library: ClauseLibrary, nom: str, documents: Any, echantillon: Echantillon
                 ) -> Iterator[LibraryProblem]:
    territoire = echantillon.territoire.model_copy(update={"modele": nom})
    for kind, refs in documents.items():
        contextes: list[Mapping[str, Any]] = []
        if kind == "cooperation":
            for cooperation in echantillon.cooperations:
                contextes.append(contexte_cooperation(cooperation.model_copy(update={"modele": nom}), territoire,
                                                     library)[0])
        else:
            contextes.append(contexte_territoire(territoire))
        for contexte in contextes:
            for ident, version in refs:
                yield from _check_names(library, ident, version, contexte)
        try:
            textes = _rendered_texts(library, kind, territoire, echantillon, nom)
        except ClauseError as exc:
            yield LibraryProblem(exc.clause, exc.version, exc.detail, exc.ligne, exc.fichier)
            continue
        except AlizeError as exc:
            yield LibraryProblem("modeles", nom, f"document {kind} : {exc}")
            continue
        for texte, complet in textes:
            if complet:
                yield from _check_terms(library, nom, kind, texte)


def _rendered_texts(library: ClauseLibrary, kind: str, territoire: Territoire, echantillon: Echantillon,
                    nom: str) -> list[tuple[str, bool]]:
    """Return each sample's rendered text, and whether every mandatory term applies to it (an agreement
    without an advance has no advance terms)."""
    if kind == "cooperation":
        return [(assemble_cooperation(c.model_copy(update={"modele": nom}), territoire, library).text,
                 c.avance_remboursable is not None) for c in echantillon.cooperations]
    return [(assemble_territory_document(territoire, library, cast(DocumentKind, kind)).text, True)]


def _check_terms(library: ClauseLibrary, nom: str, kind: str, texte: str) -> Iterator[LibraryProblem]:
    lisible = re.sub(r"[\s\u00a0\u202f]+", " ", texte)
    for terme in library.modele(nom).termes_obligatoires.get(kind, ()):
        if terme.texte not in lisible:
            yield LibraryProblem("modeles", nom, f"terme obligatoire absent du document {kind} : « {terme.texte} » "
                                                 f"(règle {terme.regle})")


def _lisible(texte: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", texte)


def _check_dates_and_quotations(library: ClauseLibrary, nom: str, echantillon: Echantillon
                                ) -> Iterator[LibraryProblem]:
    """Each dated fact is in the model's text and not after its period's start; each quotation is in the document
    that quotes it and in the one it quotes."""
    try:
        faits = faits_modele(library, nom)
        territoire = echantillon.territoire.model_copy(update={"modele": nom})
        textes = {kind: _lisible(assemble_territory_document(territoire, library, kind).text)
                  for kind in DOCUMENTS_TERRITOIRE if kind in library.modele(nom).documents}
    except AlizeError as exc:  # a broken clause is reported by the other checks
        yield LibraryProblem("modeles", nom, str(exc))
        return
    tout = " ".join(textes.values())
    for fait in faits.faits_dates:
        if fait.texte not in tout:
            yield LibraryProblem("modeles", nom, f"fait daté absent du texte du modèle : « {fait.texte} »")
        if faits.periode is None:
            yield LibraryProblem("modeles", nom, "des faits datés sans « periode_signature »")
        elif fait.date > faits.periode.debut:
            yield LibraryProblem("modeles", nom, f"fait daté « {fait.texte} » ({fait.date.isoformat()}) postérieur "
                                                 f"au début de la période de signature "
                                                 f"({faits.periode.debut.isoformat()})")
    for citation in faits.citations:
        for kind, role in ((citation.document, "qui la cite"), (citation.source, "qu'elle cite")):
            if kind not in textes:
                yield LibraryProblem("modeles", nom, f"citation « {citation.texte} » : document « {kind} » inconnu")
            elif citation.texte not in textes[kind]:
                yield LibraryProblem("modeles", nom, f"citation « {citation.texte} » absente du document {kind} "
                                                     f"({role})")


_TITRES = ("title", "subtitle", "heading1", "heading2", "heading3", "center")
_NUMERO = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_MAJORITE_DOCUMENTS: tuple[DocumentKind, ...] = ("convention-partenariat", "annexe-2-cahier-des-charges")


def _titre(texte: str) -> str:
    """A heading as the coverage check compares it: no number, one case, one apostrophe, single spaces."""
    return _NUMERO.sub("", _lisible(texte).replace("’", "'").strip()).casefold()


def _check_sections_and_majority(library: ClauseLibrary, nom: str, echantillon: Echantillon
                                 ) -> Iterator[LibraryProblem]:
    """Each section of a document's source has its heading (or caption) in the document; the convention and
    Annexe 2 state the model's majority, and no other."""
    try:
        modele = library.modele(nom)
        faits = faits_modele(library, nom)
        territoire = echantillon.territoire.model_copy(update={"modele": nom})
        documents = {kind: assemble_territory_document(territoire, library, kind)
                     for kind in DOCUMENTS_TERRITOIRE if kind in modele.documents}
    except AlizeError:  # reported by the other checks
        return
    for couverture in faits.couvertures:
        document = documents.get(cast(DocumentKind, couverture.document))
        if document is None:
            yield LibraryProblem("modeles", nom, f"sections_source : document « {couverture.document} » inconnu")
            continue
        titres = {_titre(b.text) for b in document.blocks if isinstance(b, Paragraph) and b.style in _TITRES}
        for section in couverture.sections:
            if _titre(section.titre) not in titres:
                yield LibraryProblem("modeles", nom, f"section « {section.source} » de la source ({couverture.source}) "
                                                     f"sans titre « {section.titre} » dans le document "
                                                     f"{couverture.document}")
    regle = MAJORITES[modele.majorite]
    for kind in _MAJORITE_DOCUMENTS:
        if kind not in documents:
            continue
        texte = _lisible(documents[kind].text)
        if regle not in texte:
            yield LibraryProblem("modeles", nom, f"le document {kind} ne dit pas la majorité du modèle : « {regle} »")
        for autre in set(MAJORITES.values()) - {regle}:
            if autre in texte:
                yield LibraryProblem("modeles", nom, f"le document {kind} dit une autre majorité que celle du modèle "
                                                     f"(« {autre} » au lieu de « {regle} »)")


def _check_names(library: ClauseLibrary, ident: str, version: str, contexte: Mapping[str, Any]
                 ) -> Iterator[LibraryProblem]:
    try:
        clause = library.clause(ident, version)
        arbre = library.environment.parse(library.source(clause))
    except ClauseError:
        return  # reported by _check_all_versions
    except jinja2.TemplateSyntaxError:
        return
    connus = set(contexte) | set(library.environment.globals)
    for nom in sorted(find_undeclared_variables(arbre) - connus):
        yield LibraryProblem(ident, version, f"variable inconnue « {nom} »", _first_line(arbre, nom), clause.chemin)
    valeurs = dict(contexte)
    for boucle in arbre.find_all(nodes.For):
        liste = _resolve(boucle.iter, valeurs)
        if isinstance(boucle.target, nodes.Name) and isinstance(liste, list | tuple) and liste:
            valeurs.setdefault(boucle.target.name, liste[0])
    for acces in arbre.find_all(nodes.Getattr):
        parent = _resolve(acces.node, valeurs)
        if parent in (None, _INCONNU):
            continue
        if _attribute(parent, acces.attr) is _INCONNU:
            yield LibraryProblem(ident, version, f"« {_dotted(acces)} » n'existe pas ({type(parent).__name__} "
                                                 f"n'a pas d'attribut « {acces.attr} »)", acces.lineno, clause.chemin)


_INCONNU = object()


def _resolve(noeud: nodes.Node, valeurs: dict[str, Any]) -> Any:
    """Return the sample value an expression names, or _INCONNU when it is not a plain name.attribute chain."""
    if isinstance(noeud, nodes.Name):
        return valeurs.get(noeud.name, _INCONNU)
    if isinstance(noeud, nodes.Getattr):
        parent = _resolve(noeud.node, valeurs)
        if parent in (None, _INCONNU):
            return _INCONNU
        return _attribute(parent, noeud.attr)
    return _INCONNU


def _attribute(valeur: Any, nom: str) -> Any:
    """Look *nom* up as Jinja does: an attribute, or else an item of a mapping."""
    if hasattr(valeur, nom):
        return getattr(valeur, nom)
    if isinstance(valeur, Mapping):
        return valeur.get(nom, _INCONNU)
    return _INCONNU


def _dotted(noeud: nodes.Node) -> str:
    if isinstance(noeud, nodes.Getattr):
        return f"{_dotted(noeud.node)}.{noeud.attr}"
    return noeud.name if isinstance(noeud, nodes.Name) else "…"


def _first_line(arbre: nodes.Template, nom: str) -> int | None:
    return next((n.lineno for n in arbre.find_all(nodes.Name) if n.name == nom), None)
