"""The clause library: versioned clause files and the models that pick a version of each.

A clause is a plain text file ``<dossier>/<id>/<version>.txt``: a header of ``clé: valeur`` lines
(``id``, ``version``, ``titre``, optional ``source``, ``description``, ``condition``), a line
``---``, then the text in the markup of :mod:`alize_docs.markup` with Jinja variables. A model is
``<dossier>/modeles/<nom>.yaml`` listing, for each document, the clause versions it assembles.

A library is a stack of folders: a territory's or a firm's own folder placed before the bundled one
overrides the clauses and models it holds. Clauses render in an immutable Jinja sandbox with
``StrictUndefined``; a value is written as text, never evaluated as template or markup.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from alize_docs.clauses.markup import MarkupError, parse_blocks, protect
from alize_docs.document import Block, ClauseUse, Table, TableRef
from alize_docs.domain.programme import MAJORITES, Majorite
from alize_docs.errors import ClauseError, CodeRegle, ModelError
from alize_docs.formatting import typographie
from alize_docs.inputs.yaml import read_yaml

__all__ = ["Clause", "ClauseLibrary", "Modele", "TermeObligatoire", "bundled_path"]

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")
_CHAMPS = {"id", "version", "titre", "source", "description", "condition"}


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

    def __init__(self, dossiers: Sequence[str | Path] = (), *, bundled: bool = True) -> None:
        self.dossiers = tuple(Path(d) for d in dossiers) + ((bundled_path("clauses"),) if bundled else ())
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
        majorite = parametres.get("majorite_comite", "deux-tiers-des-presents")
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
            raise ClauseError(f"erreur de syntaxe : {exc.message}", clause=clause.id, version=clause.version,
                              ligne=exc.lineno if exc.name else 1, fichier=clause.chemin) from None

    def render(self, clause: Clause, contexte: Mapping[str, Any]) -> list[Block]:
        """Return the blocks of *clause* filled in with *contexte* (empty when its condition is false)."""
        gabarit = self.compile(clause)
        try:
            if clause.condition and not self._conditions[clause.condition](**contexte):
                return []
            texte = gabarit.render(contexte)
        except Exception as exc:  # any failure inside a template is the clause's fault, with its line
            raise ClauseError(_describe(exc), clause=clause.id, version=clause.version,
                              ligne=_template_line(exc, clause), fichier=clause.chemin) from exc
        try:
            return parse_blocks(typographie(texte))
        except MarkupError as exc:
            raise ClauseError(str(exc), clause=clause.id, version=clause.version, ligne=exc.ligne,
                              fichier=clause.chemin) from None

    def use(self, clause: Clause) -> ClauseUse:
        if clause.chemin not in self._sha:
            self._sha[clause.chemin] = clause.sha256
        return ClauseUse(clause.id, clause.version, self._sha[clause.chemin])

    def assemble(self, modele: str, document: str, contexte: Mapping[str, Any],
                 tables: Mapping[str, Table] | None = None) -> tuple[list[Block], list[ClauseUse]]:
        """Return the blocks of *document* in *modele* (``@tableau`` places filled from *tables*), and the
        clause versions used."""
        refs = self.modele(modele).documents.get(document)
        if refs is None:
            raise ModelError(f"le modèle ne définit pas le document « {document} »", modele=modele)
        blocs: list[Block] = []
        usages = []
        for ident, version in refs:
            clause = self.clause(ident, version)
            rendu = [_place(b, tables or {}, clause) for b in self.render(clause, contexte)]
            if rendu:
                blocs.extend(rendu)
                usages.append(self.use(clause))
        return blocs, usages


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


def _environment(source: Callable[[str], tuple[str, str, Callable[[], bool]]]) -> jinja2.Environment:
    from alize_docs import formatting as fr

    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FunctionLoader(source),
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
        a=fr.a,
        iban=fr.format_iban,
        siret=fr.format_siret,
        siren=fr.format_siren,
    )
    return env


def _describe(exc: BaseException) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"variable inconnue : {exc.message}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"opération interdite dans une clause : {exc}"
    return f"{type(exc).__name__} : {exc}"


def _template_line(exc: BaseException, clause: Clause) -> int | None:
    ligne = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(clause.chemin):
            ligne = tb.tb_lineno
        tb = tb.tb_next
    return ligne

