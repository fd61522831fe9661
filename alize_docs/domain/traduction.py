"""pydantic's validation errors in French: a rule code, the field's path, a sentence an operator understands.

Used by the readers of input files and by the models themselves, so that a model built in code with a wrong value
raises :class:`~alize_docs.errors.InvalidInput` too, never pydantic's English ``ValidationError``.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from alize_docs.errors import Chemin, CodeRegle, Probleme

__all__ = ["translate_validation_error"]


_TYPES_FR: dict[str, tuple[CodeRegle, str]] = {
    "missing": ("missing", "Ce champ est obligatoire."),
    "int_parsing": ("type", "Nombre entier attendu (reçu « {input} »)."),
    "int_from_float": ("type", "Nombre entier attendu (reçu « {input} »)."),
    "int_type": ("type", "Nombre entier attendu."),
    "bool_parsing": ("type", "Oui ou non attendu (true/false, oui/non), reçu « {input} »."),
    "bool_type": ("type", "Oui ou non attendu (true/false, oui/non)."),
    "string_type": ("type", "Un texte est attendu ici."),
    "list_type": ("type", "Une liste est attendue ici (une ligne « - … » par élément)."),
    "model_type": ("type", "Une rubrique « clé: valeur » est attendue ici."),
    "model_attributes_type": ("type", "Une rubrique « clé: valeur » est attendue ici."),
    "dict_type": ("type", "Une rubrique « clé: valeur » est attendue ici."),
    "date_type": ("date", "Une date est attendue (AAAA-MM-JJ)."),
    "decimal_type": ("amount", "Un montant est attendu."),
    "greater_than_equal": ("type", "La valeur doit être supérieure ou égale à {ge} (reçu « {input} »)."),
    "frozen_instance": ("type", "Valeur non modifiable."),
}


def translate_validation_error(exc: ValidationError, model: type[BaseModel]) -> list[Probleme]:
    """Return pydantic's errors as French problems with a rule code and a field path."""
    problemes = []
    expliques: set[Chemin] = set()  # missing keys a misspelt key explains ("vouliez-vous dire…")
    for erreur in exc.errors(include_url=False):
        chemin = tuple(erreur["loc"])
        type_ = erreur["type"]
        if type_ == "extra_forbidden":
            probleme, proche = _unknown_key(model, chemin)
            problemes.append(probleme)
            if proche:
                expliques.add((*chemin[:-1], proche))
        elif type_ == "literal_error":
            attendu = str(erreur.get("ctx", {}).get("expected", "")).replace(" or ", " ou ")
            problemes.append(Probleme("choice", chemin, f"Valeur « {erreur['input']} » non admise : "
                                                        f"valeurs possibles : {attendu}."))
        elif type_ in _TYPES_FR:
            code, gabarit = _TYPES_FR[type_]
            problemes.append(Probleme(code, chemin, gabarit.format(input=erreur.get("input"),
                                                                  **erreur.get("ctx", {}))))
        elif type_ in {"amount", "date", "characters", "empty"}:
            problemes.append(Probleme(cast(CodeRegle, type_), chemin, erreur["msg"]))
        else:
            problemes.append(Probleme("type", chemin, f"Valeur invalide (« {erreur.get('input')} »)."))
    return [p for p in problemes if not (p.code == "missing" and p.chemin in expliques)]


def _unknown_key(model: type[BaseModel], chemin: Chemin) -> tuple[Probleme, str | None]:
    cle = str(chemin[-1])
    admises = sorted(_fields_at(model, chemin[:-1]))
    proches = difflib.get_close_matches(cle, admises, n=1)
    conseil = f"vouliez-vous dire « {proches[0]} » ?" if proches else "clés admises ici : " + ", ".join(admises) + "."
    return Probleme("unknown-key", chemin, f"Clé inconnue « {cle} » : {conseil}"), proches[0] if proches else None


def _fields_at(model: type[BaseModel], chemin: Chemin) -> set[str]:
    courant: Any = model
    for partie in chemin:
        if isinstance(partie, int):
            continue
        champ = courant.model_fields.get(partie) if _is_model(courant) else None
        if champ is None:
            return set()
        courant = _inner_model(champ.annotation)
    return set(courant.model_fields) if _is_model(courant) else set()


def _is_model(objet: Any) -> bool:
    return isinstance(objet, type) and issubclass(objet, BaseModel)


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    origine = typing.get_origin(annotation)
    if origine in (list, typing.Union, types.UnionType, typing.Annotated):
        for argument in typing.get_args(annotation):
            trouve = _inner_model(argument)
            if trouve is not None:
                return trouve
    return None
