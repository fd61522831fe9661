"""The clause library: versioned clause files and the models that pick a version of each.

A clause is a plain text file ``<dossier>/<id>/<version>.txt``: a header of ``clé: valeur`` lines
(``id``, ``version``, ``titre``, optional ``source``, ``description``, ``condition``), a line
``---``, then the text in the markup of :mod:`alize_docs.markup` with Jinja variables. A model is
``<dossier>/modeles/<nom>.yaml`` listing, for each document, the clause versions it assembles.

A library is a stack of folders: a territory's or a firm's own folder placed before the bundled one
overrides the clauses and models it holds. Clauses render in an immutable Jinja sandbox with
``StrictUndefined``; a value is written as text, never evaluated as template or markup.

Rendering is bounded (:class:`LimitesRendu`): each clause's output, each document's output, the ``for``
iterations of a document and its wall time. Loops are counted by instrumenting the parsed template (every
``for`` iterates through a counting hook, every ``~`` goes through a measuring one); ``*``, ``**`` and ``%``
are intercepted by the sandbox and refused *before* computing a result over the limit; calls and the filters
that can amplify text (``center``, ``indent``, ``replace``, ``format``) check their arguments first. Going
over a limit is a :class:`ClauseError` naming the clause, its version and the limit.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from alize_docs.clauses.markup import MarkupError, outside_values, parse_blocks, protect
from alize_docs.document import Block, ClauseUse, Table, TableRef
from alize_docs.domain.programme import MAJORITES, Majorite
from alize_docs.errors import ClauseError, CodeRegle, ModelError
from alize_docs.formatting import typographie, typographie_redaction
from alize_docs.inputs.yaml import read_yaml

__all__ = ["LIMITES_RENDU", "Clause", "ClauseLibrary", "LimitesRendu", "Modele", "TermeObligatoire", "bundled_path"]

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")
_CHAMPS = {"id", "version", "titre", "source", "description", "condition"}


@dataclass(frozen=True)
class LimitesRendu:
    """The bounds clause rendering runs under, each against one attack of a hostile clause file.

    - ``sortie_clause`` (1 000 000 characters): one clause's rendered text, and any single string or list a
      clause builds (``"x" * n``, ``~``, ``%``, ``center``…), refused before it is computed. The largest
      bundled clause (``annexe2/principes-ethique@2008``) renders 3 935 characters on the fixtures.
    - ``sortie_document`` (5 000 000 characters): all the clauses of one document together.
    - ``iterations`` (100 000): ``for`` iterations of one document (nested loops multiply: two nested
      ``range(100000)`` are stopped after 100 000 turns, in a fraction of a second).
    - ``duree_document`` (20 s): wall time of one document's clauses, checked at every loop turn, call and
      output chunk (no signal: it works in threads).
    """

    sortie_clause: int = 1_000_000
    sortie_document: int = 5_000_000
    iterations: int = 100_000
    duree_document: float = 20.0


LIMITES_RENDU = LimitesRendu()


class _Depassement(Exception):
    """A rendering limit was reached (turned into a :class:`ClauseError` naming the clause)."""


@dataclass
class _Budget:
    """What is left of a document's (or a lone clause's) budget while it renders."""

    limites: LimitesRendu
    fin: float
    sortie: int = 0
    iterations: int = 0

    def verifier_duree(self) -> None:
        if time.monotonic() > self.fin:
            raise _Depassement(f"durée de rendu dépassée (limite : {self.limites.duree_document:g} s par document)")

    def tour(self) -> None:
        self.iterations += 1
        if self.iterations > self.limites.iterations:
            raise _Depassement(f"trop de tours de boucle (limite : {self.limites.iterations} par document)")
        if self.iterations % 64 == 0:
            self.verifier_duree()

    def taille(self, longueur: int) -> None:
        """Refuse a value about to be built of *longueur* characters (or items) over the clause limit."""
        if longueur > self.limites.sortie_clause:
            raise _Depassement(f"valeur trop grande ({longueur} caractères ou éléments ; limite : "
                               f"{self.limites.sortie_clause} par clause)")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("alize_budget", default=None)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # the environment used outside ClauseLibrary.render: default bounds, for this hook alone
        budget = _Budget(LIMITES_RENDU, time.monotonic() + LIMITES_RENDU.duree_document)
    return budget


def bundled_path(nom: str) -> Path:
    """Return the bundled ``clauses`` or ``templates`` folder, installed or in a checkout."""
    installe = Path(str(resources.files("alize_docs"))) / "_data" / nom
    if installe.is_dir():
        return installe
    return Path(__file__).resolve().parents[2] / nom


@dataclass(frozen=True)
class Clause:
    id: str
    version: str
    titre: str
    texte: str
    chemin: Path
    premiere_ligne: int
    source: str = ""
    description: str = ""
    condition: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.chemin.read_bytes()).hexdigest()

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class TermeObligatoire:
    """A phrase a document of the model must contain, and the rule it carries."""

    regle: CodeRegle
    texte: str


@dataclass(frozen=True)
class Modele:
    """A model: for each document, the clause versions it assembles; its decision rule; its mandatory terms."""

    nom: str
    titre: str
    documents: Mapping[str, tuple[tuple[str, str], ...]]
    parametres: Mapping[str, str] = field(default_factory=dict)
    majorite: Majorite = "deux-tiers-des-presents"
    termes_obligatoires: Mapping[str, tuple[TermeObligatoire, ...]] = field(default_factory=dict)


class ClauseLibrary:
    """A stack of clause folders, first one first; compiled clauses are cached per instance."""

    def __init__(self, dossiers: Sequence[str | Path] = (), *, bundled: bool = True,
                 limites: LimitesRendu = LIMITES_RENDU) -> None:
        self.dossiers = tuple(Path(d) for d in dossiers) + ((bundled_path("clauses"),) if bundled else ())
        self.limites = limites
        self._clauses: dict[tuple[str, str], Clause] = {}
        self._modeles: dict[str, Modele] = {}
        self._env = _environment(self._source)
        self._sha: dict[Path, str] = {}
        self._conditions: dict[str, Any] = {}

    # --- finding ---------------------------------------------------------------------------------

    def modeles(self) -> frozenset[str]:
        """Return the names of every model the stack holds."""
        return frozenset(p.stem for d in self.dossiers for p in (d / "modeles").glob("*.yaml"))

    def modele(self, nom: str) -> Modele:
        if nom not in self._modeles:
            self._modeles[nom] = self._read_modele(nom)
        return self._modeles[nom]

    def clause(self, ident: str, version: str) -> Clause:
        cle = (ident, version)
        if cle not in self._clauses:
            self._clauses[cle] = self._read_clause(ident, version)
        return self._clauses[cle]

    def clause_ids(self) -> list[str]:
        ids = {str(p.parent.relative_to(d).as_posix()) for d in self.dossiers for p in d.rglob("*.txt")
               if p.parent != d}
        return sorted(i for i in ids if _ID.fullmatch(i))

    def versions(self, ident: str) -> list[str]:
        return sorted({p.stem for d in self.dossiers for p in (d / ident).glob("*.txt")})

    def _find(self, relatif: str) -> Path | None:
        return next((d / relatif for d in self.dossiers if (d / relatif).is_file()), None)

    def _read_clause(self, ident: str, version: str) -> Clause:
        if not _ID.fullmatch(ident) or not _VERSION.fullmatch(version):
            raise ClauseError("identifiant ou version de clause invalide", clause=ident, version=version)
        chemin = self._find(f"{ident}/{version}.txt")
        if chemin is None:
            raise ClauseError("clause introuvable dans " + ", ".join(map(str, self.dossiers)),
                              clause=ident, version=version)
        return _parse_clause(chemin, ident, version)

    def _read_modele(self, nom: str) -> Modele:
        if not _VERSION.fullmatch(nom) or (chemin := self._find(f"modeles/{nom}.yaml")) is None:
            raise ModelError("introuvable", modele=nom)
        lu = read_yaml(chemin)
        if lu.problemes or not isinstance(lu.data, dict):
            detail = lu.problemes[0].message if lu.problemes else "contenu invalide"
            raise ModelError(detail, modele=nom, fichier=chemin)
        documents = {}
        for doc, refs in (lu.data.get("documents") or {}).items():
            documents[doc] = tuple(_split_ref(str(r), nom) for r in (refs or []))
        parametres = {k: str(v) for k, v in (lu.data.get("parametres") or {}).items()}
        majorite = parametres.get("majorite_comite", Modele.majorite)  # the 2008 rule when the model says none
        if majorite not in MAJORITES:
            raise ModelError(f"paramètre majorite_comite « {majorite} » inconnu ({', '.join(MAJORITES)})",
                             modele=nom, fichier=chemin)
        termes = {}
        for doc, liste in (lu.data.get("termes_obligatoires") or {}).items():
            try:
                termes[str(doc)] = tuple(TermeObligatoire(cast(CodeRegle, str(t["regle"])), str(t["texte"]))
                                         for t in liste or [])
            except (KeyError, TypeError):
                raise ModelError(f"termes_obligatoires.{doc} : chaque terme a une « regle » et un « texte »",
                                 modele=nom, fichier=chemin) from None
        return Modele(nom, str(lu.data.get("titre", nom)), documents, parametres, majorite,
                      termes)

    def _source(self, nom: str) -> tuple[str, str, Callable[[], bool]]:
        ident, version = nom.rsplit("@", 1)
        clause = self.clause(ident, version)
        return self.source(clause), str(clause.chemin), lambda: True

    # --- rendering -------------------------------------------------------------------------------

    @property
    def environment(self) -> jinja2.Environment:
        """The sandboxed Jinja environment clauses render in (its filters are the clauses' vocabulary)."""
        return self._env

    @staticmethod
    def source(clause: Clause) -> str:
        """Return the template source of *clause*, padded so that template lines are file lines."""
        return "\n" * (clause.premiere_ligne - 1) + clause.texte

    def compile(self, clause: Clause) -> jinja2.Template:
        """Return the compiled template of *clause* (cached); a syntax error is a :class:`ClauseError`."""
        try:
            if clause.condition and clause.condition not in self._conditions:
                self._conditions[clause.condition] = self._env.compile_expression(clause.condition)
            return self._env.get_template(clause.ref)
        except jinja2.TemplateSyntaxError as exc:
            raise ClauseError(f"erreur de syntaxe : {_syntax_message(exc.message or '')}", clause=clause.id,
                              version=clause.version, ligne=exc.lineno if exc.name else 1,
                              fichier=clause.chemin) from None

    @contextmanager
    def _document(self) -> Iterator[_Budget]:
        """Run what follows under one document's budget (or the enclosing one, if a document is running)."""
        budget = _BUDGET.get()
        if budget is not None and budget.limites is self.limites:
            yield budget
            return
        budget = _Budget(self.limites, time.monotonic() + self.limites.duree_document)
        jeton = _BUDGET.set(budget)
        try:
            yield budget
        finally:
            _BUDGET.reset(jeton)

    def render(self, clause: Clause, contexte: Mapping[str, Any]) -> list[Block]:
        """Return the blocks of *clause* filled in with *contexte* (empty when its condition is false), within
        the limits (:class:`LimitesRendu`) of the document being assembled, or of this clause alone."""
        gabarit = self.compile(clause)
        with self._document() as budget:
            try:
                if clause.condition and not self._conditions[clause.condition](**contexte):
                    return []
                texte = _rendre(gabarit, contexte, budget)
            except Exception as exc:  # any failure inside a template is the clause's fault, with its line
                raise ClauseError(_describe(exc), clause=clause.id, version=clause.version,
                                  ligne=_template_line(exc, clause), fichier=clause.chemin) from exc
        try:
            return parse_blocks(typographie(outside_values(texte, typographie_redaction)))
        except MarkupError as exc:
            raise ClauseError(str(exc), clause=clause.id, version=clause.version, ligne=exc.ligne,
                              fichier=clause.chemin) from None

    def use(self, clause: Clause) -> ClauseUse:
        if clause.chemin not in self._sha:
            self._sha[clause.chemin] = clause.sha256
        return ClauseUse(clause.id, clause.version, self._sha[clause.chemin])

    def assemble(self, modele: str, document: str, contexte: Mapping[str, Any],
                 tables: Mapping[str, Table] | None = None, *, longueurs: list[int] | None = None,
                 ) -> tuple[list[Block], list[ClauseUse]]:
        """Return the blocks of *document* in *modele* (``@tableau`` places filled from *tables*), and the
        clause versions used; *longueurs*, if given, receives the number of blocks of each clause used."""
        refs = self.modele(modele).documents.get(document)
        if refs is None:
            raise ModelError(f"le modèle ne définit pas le document « {document} »", modele=modele)
        blocs: list[Block] = []
        usages = []
        with self._document():  # one budget for the whole document
            for ident, version in refs:
                clause = self.clause(ident, version)
                rendu = [_place(b, tables or {}, clause) for b in self.render(clause, contexte)]
                if rendu:
                    blocs.extend(rendu)
                    usages.append(self.use(clause))
                    if longueurs is not None:
                        longueurs.append(len(rendu))
        return blocs, usages


def _rendre(gabarit: jinja2.Template, contexte: Mapping[str, Any], budget: _Budget) -> str:
    """Render *gabarit* chunk by chunk, stopping as soon as the clause or the document is over its limits."""
    limites = budget.limites
    morceaux: list[str] = []
    taille = 0
    for morceau in gabarit.generate(contexte):
        taille += len(morceau)
        if taille > limites.sortie_clause:
            raise _Depassement(f"texte rendu trop long (limite : {limites.sortie_clause} caractères par clause)")
        if budget.sortie + taille > limites.sortie_document:
            raise _Depassement(f"document trop long (limite : {limites.sortie_document} caractères par document)")
        budget.verifier_duree()
        morceaux.append(morceau)
    budget.sortie += taille
    return "".join(morceaux)


def _place(bloc: Block, tables: Mapping[str, Table], clause: Clause) -> Block:
    if not isinstance(bloc, TableRef):
        return bloc
    if bloc.name not in tables:
        raise ClauseError(f"tableau « {bloc.name} » inconnu (tableaux de ce document : "
                          f"{', '.join(sorted(tables)) or 'aucun'})", clause=clause.id, version=clause.version,
                          fichier=clause.chemin)
    return tables[bloc.name]


def _split_ref(ref: str, modele: str) -> tuple[str, str]:
    ident, _, version = ref.partition("@")
    if not version:
        raise ModelError(f"référence « {ref} » sans version (attendu id@version)", modele=modele)
    return ident, version


def _parse_clause(chemin: Path, ident: str, version: str) -> Clause:
    contenu = chemin.read_text(encoding="utf-8")
    entete, separateur, texte = contenu.partition("\n---\n")
    if not separateur:
        raise ClauseError("en-tête manquant : des lignes « clé: valeur » puis une ligne ---", clause=ident,
                          version=version, ligne=1, fichier=chemin)
    lu = read_yaml(chemin, texte=entete)
    if lu.problemes or not isinstance(lu.data, dict):
        probleme = lu.problemes[0] if lu.problemes else None
        raise ClauseError(f"en-tête invalide : {probleme.message if probleme else 'clé: valeur attendu'}",
                          clause=ident, version=version, ligne=probleme.ligne if probleme else 1,
                          fichier=chemin)
    meta = {k: "" if v is None else str(v) for k, v in lu.data.items()}
    inconnus = set(meta) - _CHAMPS
    manquants = {"id", "version", "titre"} - {k for k, v in meta.items() if v}
    if inconnus or manquants:
        detail = ", ".join([f"clé inconnue « {k} »" for k in sorted(inconnus)]
                           + [f"clé « {k} » manquante" for k in sorted(manquants)])
        raise ClauseError(f"en-tête invalide : {detail}", clause=ident, version=version, ligne=1, fichier=chemin)
    if (meta["id"], meta["version"]) != (ident, version):
        raise ClauseError(f"l'en-tête annonce {meta['id']}@{meta['version']}, le fichier est {ident}@{version}",
                          clause=ident, version=version, ligne=1, fichier=chemin)
    return Clause(ident, version, meta["titre"], texte, chemin, entete.count("\n") + 3,
                  meta.get("source", ""), meta.get("description", ""), meta.get("condition", ""))


def _finalize(valeur: object) -> str:
    """Write a value into a clause: text is protected; a raw amount, date or None is a clause bug."""
    if isinstance(valeur, jinja2.Undefined):
        str(valeur)  # StrictUndefined raises the error that names the missing variable
    if isinstance(valeur, str):
        return protect(valeur)
    if isinstance(valeur, int) and not isinstance(valeur, bool):
        return protect(str(valeur))
    raise TypeError(f"valeur {type(valeur).__name__} ({valeur!r}) écrite sans filtre : utilisez "
                    "| montant, | date, | nombre… (et « or » pour une valeur facultative)")


_CROCHETS = "_alize_"  # the hooks' prefix: no clause may name a variable with it
_LARGEURS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})  # str methods taking a result width
_LARGEUR = re.compile(r"%[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")
_FORMAT_LARGEUR = re.compile(r"[:<>^=+\- #0,_.]([0-9]+)")


def _longueur(valeur: object) -> int:
    return len(valeur) if isinstance(valeur, str | list | tuple | bytes) else 0


def _borne_format(motif: str, valeurs: object) -> None:
    """Refuse a ``%`` format whose widths or precisions would build a value over the limit."""
    budget = _budget()
    arguments = valeurs if isinstance(valeurs, tuple) else (valeurs,)
    total = len(motif)
    for correspondance in _LARGEUR.finditer(motif):
        for largeur in correspondance.groups():
            if largeur == "*":
                total += max((a for a in arguments if isinstance(a, int)), default=0)
            elif largeur:
                total += int(largeur) if len(largeur) < 12 else budget.limites.sortie_clause + 1
    total += sum(_longueur(a) for a in arguments)
    budget.taille(total)


def _borne_appel(fonction: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse, before the call, a method or function whose arguments would build a value over the limit."""
    budget = _budget()
    budget.verifier_duree()
    limite = budget.limites.sortie_clause
    objet = getattr(fonction, "__self__", None)
    nom = getattr(fonction, "__name__", "")
    if isinstance(objet, str) and nom in _LARGEURS:  # a width or tab size: the result's length
        for argument in (*args, *kwargs.values()):
            if isinstance(argument, int) and not isinstance(argument, bool) and argument > limite:
                raise _Depassement(f"argument trop grand ({argument} ; limite : {limite})")
    if isinstance(objet, str) and nom == "replace" and len(args) >= 2:
        _borne_remplacement(objet, args[0], args[1])
    elif isinstance(objet, str) and nom == "join":
        budget.taille(sum(_longueur(a) for a in args[0]) if args and isinstance(args[0], list | tuple) else 0)


def _borne_remplacement(texte: object, ancien: object, nouveau: object) -> None:
    if isinstance(texte, str) and isinstance(ancien, str) and isinstance(nouveau, str):
        occurrences = texte.count(ancien) if ancien else len(texte) + 1
        _budget().taille(len(texte) + occurrences * max(len(nouveau) - len(ancien), 0))


class _EnvironnementBorne(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the budget of :class:`LimitesRendu` enforced in its hooks."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        budget = _budget()
        if operator == "*":
            for sequence, fois in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(fois, int):
                    budget.taille(len(sequence) * max(fois, 0))
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float) \
                and abs(left) > 1 and right > 0:
            chiffres = right * math.log10(abs(left))  # the result's number of digits
            if chiffres > 10_000:
                raise _Depassement(f"nombre trop grand ({left} ** {right} aurait {chiffres:.0f} chiffres)")
        elif operator == "%" and isinstance(left, str):
            _borne_format(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _borne_appel(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        emballe = super().wrap_str_format(value)
        if emballe is None:
            return None
        motif: str = value.__self__
        fonction = emballe

        def borne(*args: Any, **kwargs: Any) -> str:
            limite = _budget().limites.sortie_clause
            _budget().taille(len(motif) + sum(int(n) if len(n) < 12 else limite + 1
                                              for n in _FORMAT_LARGEUR.findall(motif))
                             + sum(_longueur(a) for a in (*args, *kwargs.values())))
            return fonction(*args, **kwargs)

        return borne

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        arbre = super()._parse(source, name, filename)
        for nom in arbre.find_all(nodes.Name):
            if nom.name.startswith(_CROCHETS):
                raise jinja2.TemplateSyntaxError(f"nom réservé « {nom.name} »", nom.lineno, name, filename)
        for boucle in arbre.find_all(nodes.For):
            boucle.iter = _crochet("iterer", [cast(nodes.Expr, boucle.iter)], boucle.iter.lineno)
        for parent in list(arbre.find_all(nodes.Node)):
            for champ in parent.fields:
                valeur = getattr(parent, champ, None)
                if isinstance(valeur, nodes.Concat):
                    setattr(parent, champ, _crochet("joindre", valeur.nodes, valeur.lineno))
                elif isinstance(valeur, list):
                    setattr(parent, champ, [_crochet("joindre", v.nodes, v.lineno) if isinstance(v, nodes.Concat)
                                            else v for v in valeur])
        return arbre


def _crochet(nom: str, arguments: list[nodes.Expr], ligne: int) -> nodes.Call:
    return nodes.Call(nodes.Name(_CROCHETS + nom, "load", lineno=ligne), arguments, [], None, None, lineno=ligne)


def _iterer(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every ``for`` of a clause iterates through here: each turn is counted against the document's budget."""
    budget = _budget()
    for element in iterable:
        budget.tour()
        yield element


def _joindre(*valeurs: Any) -> str:
    """Every ``~`` of a clause goes through here: the joined text is measured before it is built."""
    textes = [str(v) for v in valeurs]
    _budget().taille(sum(map(len, textes)))
    return "".join(textes)


def _filtre_borne(filtre: Callable[..., Any], largeur: int) -> Callable[..., Any]:
    """Wrap a Jinja filter that can amplify text: its width argument (position *largeur*) is checked first."""

    def borne(valeur: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _budget()
        texte = str(valeur)
        argument = args[largeur - 1] if len(args) >= largeur else kwargs.get("width")
        if isinstance(argument, int) and not isinstance(argument, bool):
            budget.taille(len(texte) + max(argument, 0) * (texte.count("\n") + 1))
        elif isinstance(argument, str):
            budget.taille(len(texte) + len(argument) * (texte.count("\n") + 1))
        return filtre(valeur, *args, **kwargs)

    return borne


def _environment(source: Callable[[str], tuple[str, str, Callable[[], bool]]]) -> jinja2.Environment:
    from alize_docs import formatting as fr

    env = _EnvironnementBorne(
        loader=jinja2.FunctionLoader(source),
        bytecode_cache=_compilation_cache(os.environ.get(PAS_DE_CACHE, "")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters.update(
        montant=fr.format_montant,
        montant_en_lettres=fr.montant_en_lettres,
        montant_complet=fr.montant_en_chiffres_et_lettres,
        nombre=fr.format_nombre,
        nombre_complet=fr.nombre_en_lettres_et_chiffres,
        en_lettres=fr.entier_en_lettres,
        date=fr.format_date,
        pourcentage=fr.format_pourcentage,
        de=fr.de,
        avec_article=fr.avec_article,
        a=fr.a,
        iban=fr.format_iban,
        siret=fr.format_siret,
        siren=fr.format_siren,
    )
    defauts = jinja2.filters.FILTERS
    env.filters.update(center=_filtre_borne(defauts["center"], 1), indent=_filtre_borne(defauts["indent"], 1))

    @jinja2.pass_eval_context
    def remplacer(contexte: nodes.EvalContext, valeur: Any, ancien: Any, nouveau: Any, *args: Any) -> Any:
        _borne_remplacement(str(valeur), str(ancien), str(nouveau))
        return defauts["replace"](contexte, valeur, ancien, nouveau, *args)

    def formater(valeur: Any, *args: Any, **kwargs: Any) -> Any:
        _borne_format(str(valeur), tuple(args) or tuple(kwargs.values()))
        return defauts["format"](valeur, *args, **kwargs)

    env.filters.update(replace=remplacer, format=formater)
    env.globals.update({_CROCHETS + "iterer": _iterer, _CROCHETS + "joindre": _joindre})
    return env


_JINJA_EN_FRANCAIS = (  # the messages of jinja2's Undefined, in French
    (re.compile(r"^'([^']+)' is undefined$"), "la variable « {0} » n'existe pas"),
    (re.compile(r"^'([^']+) object' has no attribute '([^']+)'$"),
     "« {1} » n'existe pas (attribut inconnu d'un objet {0})"),
    (re.compile(r"^([^ ]+) has no attribute '([^']+)'$"), "« {1} » n'existe pas (attribut inconnu d'un objet {0})"),
    (re.compile(r"^'([^']+) object' has no element (.+)$"), "l'élément {1} n'existe pas (dans {0})"),
)
_ERREURS_PYTHON = {
    ZeroDivisionError: "division par zéro", TypeError: "opération impossible sur ce type de valeur",
    ValueError: "valeur invalide pour cette opération", KeyError: "clé inconnue", IndexError: "index hors limites",
    AttributeError: "attribut inconnu", OverflowError: "nombre trop grand", ArithmeticError: "erreur de calcul",
}


_JETONS = {"end of print statement": "}}", "end of statement block": "%}", "name": "un nom",
           "end of template": "la fin",
           "end of for loop": "{% endfor %}", "end of if statement": "{% endif %}", "end of macro": "{% endmacro %}",
           "end of comment": "#}", "end of set block": "{% endset %}"}
_SYNTAXE_EN_FRANCAIS = (  # jinja2's syntax errors, in French
    (re.compile(r"^unexpected char '(.+)' at \d+$"), "caractère « {0} » inattendu"),
    (re.compile(r"^unexpected end of template, expected '(.+?)'\.?$"), "fin de la clause avant « {0} »"),
    (re.compile(r"^[Uu]nexpected end of template\b.*", re.S), "fin de la clause avant la fermeture d'un bloc"),
    (re.compile(r"^unexpected '(.+)'$"), "« {0} » inattendu"),
    (re.compile(r"^expected token '(.+?)', got '(.+?)'$"), "« {1} » trouvé où « {0} » était attendu"),
    (re.compile(r"^Encountered unknown tag '(.+?)'.*", re.S), "balise inconnue « {0} »"),
    (re.compile(r"^[Nn]o filter named '(.+?)'.*", re.S), "filtre inconnu « {0} »"),
    (re.compile(r"^[Nn]o test named '(.+?)'.*", re.S), "test inconnu « {0} »"),
    (re.compile(r"^tag name expected$"), "nom de balise attendu après « {%} »"),
    (re.compile(r"^missing end of comment tag$"), "commentaire non fermé (« #} » manquant)"),
    (re.compile(r"^[Bb]lock '(.+?)' defined twice$"), "bloc « {0} » défini deux fois"),
)


def _syntax_message(message: str) -> str:
    """Return a jinja2 syntax error's message in French (a reserved name, ours, is French already).

    >>> _syntax_message("unexpected '}'")
    '« } » inattendu'
    >>> _syntax_message("Encountered unknown tag 'endfo'. Jinja was looking for the following tags: 'endfor'.")
    'balise inconnue « endfo »'
    >>> _syntax_message("expected token 'end of print statement', got 'nom'")
    '« nom » trouvé où « }} » était attendu'
    """
    if message.startswith("nom réservé"):
        return message
    return _traduire(message, _SYNTAXE_EN_FRANCAIS, "syntaxe Jinja invalide à cet endroit", _JETONS)


def _undefined_message(message: str) -> str:
    """Return a jinja2 UndefinedError's message in French.

    >>> _undefined_message("'dict object' has no attribute 'nom_court'")
    "« nom_court » n'existe pas (attribut inconnu d'un objet dict)"
    >>> _undefined_message("'territorie' is undefined")
    "la variable « territorie » n'existe pas"
    """
    return _traduire(message, _JINJA_EN_FRANCAIS, "variable ou attribut inconnu")


def _traduire(message: str, table: Sequence[tuple[re.Pattern[str], str]], defaut: str,
              jetons: Mapping[str, str] | None = None) -> str:
    """Return the French of the first pattern of *table* that *message* matches (its groups filled in, each read
    through *jetons*), else *defaut*: never the English message itself."""
    for motif, francais in table:
        if (trouve := motif.match(message)) is not None:
            return francais.format(*((jetons or {}).get(g, g) for g in trouve.groups()))
    return defaut


PAS_DE_CACHE = "ALIZE_DOCS_NO_CACHE"
"""Set to a non-empty value, no compiled clause is read from or written to the user's cache folder."""


class _CacheCompilation(jinja2.BytecodeCache):
    """Compiled clauses kept in the user's cache folder (``platformdirs.user_cache_dir("alize-docs")/jinja``),
    so that a command compiles only the clauses it has never seen (compiling is most of ``generer``'s time).

    An entry's name is the hash of what the compiled code depends on: the clause's name, its file's path (kept
    in the code, for error lines), the SHA-256 of its source, Jinja's version, Python's bytecode tag and the
    hash of this module (the sandbox and its counting hooks are compiled in: changing them invalidates every
    entry). A different source is another entry, never a stale one. Entries are written to a temporary file
    then renamed (no half-written entry is ever read); the folder is made private (0700) and used only if it is
    the user's own and no one else can write to it."""

    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        cle = hashlib.sha256("\0".join((_SIGNATURE, name, filename or "", hashlib.sha256(
            source.encode("utf-8", "surrogatepass")).hexdigest())).encode()).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, cle, cle)  # the key holds the source's hash: checksum = key
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self.dossier / f"{bucket.key}.jinja", "rb") as fichier:
                bucket.load_bytecode(fichier)
        except Exception:  # missing or unreadable (a pickle or marshal error): compiled again
            bucket.reset()  # missing, or unreadable: compiled again, and written again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            descripteur, temporaire = tempfile.mkstemp(dir=self.dossier, prefix=".", suffix=".tmp")
        except OSError:
            return  # a full disk or a read-only cache: the clause is simply compiled each time
        try:
            with os.fdopen(descripteur, "wb") as fichier:
                bucket.write_bytecode(fichier)
            os.replace(temporaire, self.dossier / f"{bucket.key}.jinja")
        except OSError:
            Path(temporaire).unlink(missing_ok=True)


_SIGNATURE = "|".join((jinja2.__version__, sys.implementation.cache_tag or "",
                       hashlib.sha256(Path(__file__).read_bytes()).hexdigest()))


@functools.lru_cache(maxsize=2)
def _compilation_cache(desactive: str) -> _CacheCompilation | None:
    """Return the cache of compiled clauses, or None when *desactive* (``ALIZE_DOCS_NO_CACHE``) is set or the
    folder is not safely the user's own."""
    if desactive:
        return None
    dossier = user_cache_folder("jinja")
    return None if dossier is None else _CacheCompilation(dossier)


def user_cache_folder(nom: str) -> Path | None:
    """Return the folder *nom* of alize-docs' cache in the user's cache directory (platformdirs), made 0700, or None
    when ``ALIZE_DOCS_NO_CACHE`` is set or the folder is not safely the user's own (a link, someone else's, or one
    others can write to: what it holds is not trusted)."""
    if os.environ.get(PAS_DE_CACHE):
        return None
    try:
        import platformdirs

        dossier = Path(platformdirs.user_cache_dir("alize-docs")) / nom
        dossier.mkdir(mode=0o700, parents=True, exist_ok=True)
        etat = os.lstat(dossier)
    except (ImportError, OSError):
        return None
    import stat

    if not stat.S_ISDIR(etat.st_mode) or (hasattr(os, "getuid") and etat.st_uid != os.getuid()) \
            or etat.st_mode & 0o022:
        return None
    return dossier


def _describe(exc: BaseException) -> str:
    """Return in French why a clause failed to render (never Python's or Jinja's English message)."""
    if isinstance(exc, _Depassement):
        return f"limite de rendu dépassée : {exc}"
    if isinstance(exc, RecursionError):
        return "limite de rendu dépassée : récursion trop profonde (une macro qui s'appelle sans fin ?)"
    if isinstance(exc, MemoryError):
        return "limite de rendu dépassée : mémoire épuisée"
    if isinstance(exc, jinja2.UndefinedError):
        return f"variable inconnue : {_undefined_message(exc.message or '')}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return "opération interdite dans une clause (bac à sable)"
    if _raised_by_us(exc):  # our own filters and hooks speak French already
        return str(exc)
    for genre, francais in _ERREURS_PYTHON.items():
        if isinstance(exc, genre):
            return f"{francais} ({type(exc).__name__})"
    return f"erreur de rendu ({type(exc).__name__})"


def _raised_by_us(exc: BaseException) -> bool:
    """Whether *exc* was raised by this package's own code (a filter, a hook), whose messages are French."""
    tb, dernier = exc.__traceback__, None
    while tb is not None:
        dernier, tb = tb, tb.tb_next
    racine = str(Path(__file__).resolve().parent.parent)
    if dernier is None or not dernier.tb_frame.f_code.co_filename.endswith(".py"):  # a clause's own code
        return False
    return str(Path(dernier.tb_frame.f_code.co_filename).resolve()).startswith(racine)


def _template_line(exc: BaseException, clause: Clause) -> int | None:
    ligne = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(clause.chemin):
            ligne = tb.tb_lineno
        tb = tb.tb_next
    return ligne

