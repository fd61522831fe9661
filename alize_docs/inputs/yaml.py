"""Read input files into plain data, then into typed models, reporting every problem in French.

YAML is read without PyYAML's type guessing: a plain scalar is text (``33333.33`` stays the string
``"33333.33"`` and becomes ``Decimal`` in the model, ``01000`` stays ``"01000"``, ``NO`` stays
``"NO"``), except ``null``/``~``/empty and ``true``/``false``. Duplicate keys, anchors and aliases,
custom tags and files over :data:`TAILLE_MAX` are refused. Every field path keeps its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from alize_docs.domain.traduction import translate_validation_error
from alize_docs.errors import (
    Chemin,
    CodeRegle,
    InvalidInput,
    Probleme,
    ValidationReport,
    raison_systeme,
    sort_problems,
)

__all__ = ["PROFONDEUR_MAX", "TAILLE_MAX", "LoadedData", "load_model", "read_yaml"]

TAILLE_MAX = 2 * 1024 * 1024
PROFONDEUR_MAX = 64
"""Nesting of lists and mappings a file may have (ours use 4): deeper would exhaust the composer's stack."""
_NULS = {"", "~", "null", "Null", "NULL"}
_BOOLEENS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_ETIQUETTES = {f"tag:yaml.org,2002:{nom}" for nom in
               ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}

M = TypeVar("M", bound=BaseModel)
_COMPOSEUR = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when built in: same nodes, 5× faster


@dataclass
class LoadedData:
    """Plain data read from a file, the line of each field path, and the problems met on the way."""

    source: str
    data: Any = None
    lignes: dict[Chemin, int] = field(default_factory=dict)
    problemes: list[Probleme] = field(default_factory=list)

    def report(self, extra: list[Probleme] | tuple[Probleme, ...] = ()) -> ValidationReport:
        tous = ValidationReport(self.source, tuple(self.problemes) + tuple(extra)).with_lines(self.lignes)
        return ValidationReport(self.source, sort_problems(tous.problemes))


def read_yaml(chemin: str | Path, *, texte: str | bytes | None = None) -> LoadedData:
    """Return the plain data of a YAML file (or of *texte*), never raising on bad content."""
    resultat = LoadedData(str(chemin))
    brut = _read_bytes(chemin, texte, resultat)
    if brut is None:
        return resultat
    try:
        contenu = brut.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        resultat.problemes.append(Probleme(
            "encoding", (), f"Le fichier n'est pas encodé en UTF-8 (octet 0x{brut[exc.start]:02X} à la "
            f"position {exc.start + 1}) : enregistrez-le en UTF-8."))
        return resultat
    if (trop_profond := _too_deep(contenu)) is not None:
        resultat.problemes.append(Probleme(
            "syntax", (), f"Le fichier imbrique plus de {PROFONDEUR_MAX} niveaux de listes ou de rubriques "
                          f"(ligne {trop_profond}) : ce n'est pas un fichier de saisie ALIZÉ®.", trop_profond))
        return resultat
    try:
        try:
            racine = yaml.compose(contenu, Loader=_COMPOSEUR)
        except yaml.YAMLError:  # the rare bad file: PyYAML's own parser says more, and the same as without libyaml
            racine = yaml.compose(contenu, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        car = exc.character if isinstance(exc.character, str) else chr(exc.character)
        ligne = contenu[:max(contenu.find(car), 0)].count("\n") + 1  # libyaml counts bytes, PyYAML characters
        resultat.problemes.append(Probleme(
            "characters", (), f"Caractère interdit U+{ord(car):04X} ligne {ligne} : il ne peut pas figurer "
                              "dans un document Word. Retirez-le (il vient souvent d'un copier-coller).", ligne))
        return resultat
    except yaml.YAMLError as exc:
        resultat.problemes.append(_yaml_problem(exc))
        return resultat
    except RecursionError:  # nesting the event scan did not catch: refused the same way
        resultat.problemes.append(Probleme("syntax", (), f"Le fichier imbrique plus de {PROFONDEUR_MAX} niveaux "
                                                         "de listes ou de rubriques : ce n'est pas un fichier de "
                                                         "saisie ALIZÉ®."))
        return resultat
    if racine is None:
        resultat.problemes.append(Probleme("missing", (), "Le fichier est vide."))
        return resultat
    resultat.data = _Walker(resultat).walk(racine, ())
    return resultat


def _too_deep(contenu: str) -> int | None:
    """Return the line where nesting passes :data:`PROFONDEUR_MAX`, read from the event stream (the parser is
    a state machine; only the composer recurses), or None; a syntax error is left to the composer to report."""
    profondeur = 0
    try:
        for evenement in yaml.parse(contenu, Loader=_COMPOSEUR):
            if isinstance(evenement, yaml.CollectionStartEvent):
                profondeur += 1
                if profondeur > PROFONDEUR_MAX:
                    return _ligne(evenement.start_mark)
            elif isinstance(evenement, yaml.CollectionEndEvent):
                profondeur -= 1
    except yaml.MarkedYAMLError as exc:  # libyaml's scanner stops at its own nesting limit, reading ahead
        return _ligne(exc.problem_mark) if "nesting depth" in str(exc.problem) else None
    except (yaml.YAMLError, RecursionError):
        return None
    return None


def _ligne(marque: Any) -> int:
    return int(getattr(marque, "line", 0)) + 1


def _read_bytes(chemin: str | Path, texte: str | bytes | None, resultat: LoadedData) -> bytes | None:
    if texte is not None:
        brut = texte.encode("utf-8") if isinstance(texte, str) else texte
    else:
        try:
            with open(chemin, "rb") as fichier:
                brut = fichier.read(TAILLE_MAX + 1)
        except FileNotFoundError:
            resultat.problemes.append(Probleme("file", (), f"Fichier introuvable : {chemin}."))
            return None
        except IsADirectoryError:
            resultat.problemes.append(Probleme("file", (), f"{chemin} est un dossier, pas un fichier."))
            return None
        except OSError as exc:
            resultat.problemes.append(Probleme("file", (), f"Lecture impossible : {raison_systeme(exc)}."))
            return None
    if len(brut) > TAILLE_MAX:
        resultat.problemes.append(Probleme(
            "file", (), f"Le fichier dépasse {TAILLE_MAX // (1024 * 1024)} Mo : ce n'est pas un fichier "
            "de saisie ALIZÉ®."))
        return None
    return brut


class _Walker:
    def __init__(self, resultat: LoadedData) -> None:
        self.resultat = resultat
        self.vus: set[int] = set()

    def walk(self, noeud: yaml.Node, chemin: Chemin) -> Any:
        self.resultat.lignes.setdefault(chemin, noeud.start_mark.line + 1)
        if id(noeud) in self.vus:
            return self._refuse(chemin, "syntax", "Les alias YAML (*nom) ne sont pas admis : recopiez la valeur.")
        self.vus.add(id(noeud))
        if noeud.tag not in _ETIQUETTES:
            return self._refuse(chemin, "syntax", f"Étiquette YAML « {noeud.tag} » non admise.")
        if isinstance(noeud, yaml.MappingNode):
            return self._mapping(noeud, chemin)
        if isinstance(noeud, yaml.SequenceNode):
            return [self.walk(enfant, (*chemin, i)) for i, enfant in enumerate(noeud.value)]
        assert isinstance(noeud, yaml.ScalarNode)
        return _scalar(noeud)

    def _mapping(self, noeud: yaml.MappingNode, chemin: Chemin) -> dict[str, Any]:
        resultat: dict[str, Any] = {}
        for cle_noeud, valeur_noeud in noeud.value:
            if not isinstance(cle_noeud, yaml.ScalarNode) or cle_noeud.value == "<<":
                self._refuse(chemin, "syntax", "Clé YAML complexe ou fusion (<<) non admise.",
                             cle_noeud.start_mark.line + 1)
                continue
            cle = cle_noeud.value
            ligne = cle_noeud.start_mark.line + 1
            if cle in resultat:
                premiere = self.resultat.lignes.get((*chemin, cle))
                self._refuse((*chemin, cle), "duplicate-key",
                             f"Clé « {cle} » en double (déjà donnée ligne {premiere}) : une seule valeur "
                             "est admise.", ligne)
                continue
            self.resultat.lignes[(*chemin, cle)] = ligne
            resultat[cle] = self.walk(valeur_noeud, (*chemin, cle))
        return resultat

    def _refuse(self, chemin: Chemin, code: CodeRegle, message: str, ligne: int | None = None) -> None:
        self.resultat.problemes.append(Probleme(code, chemin, message, ligne))


def _scalar(noeud: yaml.ScalarNode) -> Any:
    if noeud.style:  # quoted or block scalar: always text (plain is None for PyYAML, "" for libyaml)
        return noeud.value
    if noeud.value in _NULS:
        return None
    return _BOOLEENS.get(noeud.value, noeud.value)


_YAML_MESSAGES = (
    ("mapping values are not allowed", "deux-points inattendu : une valeur qui contient « : » doit "
                                       "être entre guillemets"),
    ("could not find expected ':'", "deux-points manquant après une clé"),
    ("cannot start any token", "caractère inattendu (une tabulation ? indentez avec des espaces)"),
    ("expected <block end>", "indentation incohérente"),
    ("expected a single document", "le fichier contient plusieurs documents YAML (séparés par ---)"),
    ("found undefined alias", "alias non défini"),
    ("unexpected end of stream", "guillemet non refermé"),
    ("special characters are not allowed", "caractère interdit dans le fichier"),
    ("expected ',' or ']'", "liste entre crochets mal refermée"),
    ("expected ',' or '}'", "rubrique entre accolades mal refermée"),
)


def _yaml_problem(exc: yaml.YAMLError) -> Probleme:
    probleme = str(getattr(exc, "problem", "") or getattr(exc, "reason", "") or exc)
    francais = next((fr for en, fr in _YAML_MESSAGES if en in probleme), "structure YAML invalide")
    marque = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    ligne = marque.line + 1 if marque is not None else None
    colonne = f", colonne {marque.column + 1}" if marque is not None else ""
    return Probleme("syntax", (), f"Syntaxe YAML invalide{colonne} : {francais}.", ligne)


# --- typed models -------------------------------------------------------------------------------

def load_model(model: type[M], donnees: LoadedData) -> M:
    """Return *model* built from *donnees*; raise :class:`InvalidInput` with every problem otherwise."""
    if donnees.data is None and donnees.problemes:
        raise InvalidInput(donnees.report())
    if not isinstance(donnees.data, Mapping):
        raise InvalidInput(donnees.report([Probleme("syntax", (), "Le fichier doit être une suite de "
                                                                   "rubriques « clé: valeur ».")]))
    try:
        instance = model.model_validate(donnees.data)
    except ValidationError as exc:
        deja = [p.chemin for p in donnees.problemes]  # a value the reader refused is not reported twice
        nouveaux = [p for p in translate_validation_error(exc, model)
                    if not any(p.chemin[:len(c)] == c for c in deja if c)]
        raise InvalidInput(donnees.report(nouveaux)) from None
    if donnees.problemes:
        raise InvalidInput(donnees.report())
    return instance
