"""Blanks: the model's ``.....``, ``XXX``, ``X``/``Y``, drafting notes and « à compléter » left in a text.

Run on every value a user typed (rule ``blanks``) and on every assembled document before it is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from alize_docs.errors import Chemin, InvalidInput, Probleme, ValidationReport

__all__ = ["BLANKS", "blank_problems", "check_no_blanks", "find_blanks", "input_texts"]


BLANKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.{4,}|…{2,}|_{3,}"), "des pointillés (un blanc à remplir)"),
    (re.compile(r"XXX|(?m:^[ \t]*[XY][ \t]*$)|(?<![\w'’-])[XY](?=[ \t\u00a0]+(?:projets?|emplois?)\b)"
                r"|(?<![\w'’-])(?:à|de|soit)[ \t\u00a0]+[XY](?![\w'’-])"),
     "un blanc « XXX », « X » ou « Y » du modèle"),
    (re.compile(r"\[[^\]]*\]"), "une note entre crochets (note de rédaction)"),
    (re.compile("[\ue000-\uf8ff]"), "un marqueur interne de mise en forme (erreur de clause)"),
    (re.compile(r"(?i:à compléter|a completer)|\(\s*\?\s*\)|Madame/Monsieur"), "un texte à compléter"),
    (re.compile(r"\((?i:en cas de|lister|bassins présentant)"), "une note de rédaction du modèle"),
)
"""Patterns that betray a blank or a drafting note left in a text, with what they mean in French.

A lone « X » or « Y » is a blank only where the model writes one: a whole value, « à X », « de X », « soit Y »,
« X projets », « Y emplois ». Elsewhere it is a name (« 2 place Pie X », « Bâtiment Y », « rue Charles X »)."""


_GARDES = (("....", "……", "___"), ("XXX", " X", " Y", "\nX", "\nY", "\tX", "\tY", "\u00a0X", "\u00a0Y"), ("[",),
           None, ("ompl", "OMPL", "?", "Madame/"), ("(",))
"""For each pattern of BLANKS, substrings one of which must be in a text for the pattern to be worth running
(None: always run); a plain substring test is a hundred times cheaper than a regex scan of a whole document."""


def find_blanks(texte: str) -> str | None:
    """Return the French description of the first blank found in *texte*, or None.

    >>> find_blanks("Fait à ....., le")
    'des pointillés (un blanc à remplir)'
    >>> find_blanks("sur le territoire de XXX") is None, find_blanks("SIDE, Toul") is None
    (False, True)
    >>> find_blanks("fixé par les partenaires à X sur la durée") is None, find_blanks("2 place Pie X") is None
    (False, True)
    """
    if texte[:1] in ("X", "Y"):  # a lone X or Y at the very start has no guard before it
        texte = "\n" + texte
    prive = bool(texte) and max(texte) >= "\ue000"  # one C-level pass instead of a regex scan
    for (motif, description), gardes in zip(BLANKS, _GARDES, strict=True):
        if gardes is None and not prive:
            continue
        if (gardes is None or any(g in texte for g in gardes)) and motif.search(texte):
            return description
    return None


def blank_problems(modele: BaseModel) -> Iterator[Probleme]:
    """Yield a ``blanks`` problem for every text of *modele* that is a blank or a drafting note."""
    textes = list(_strings(modele, ()))
    if find_blanks("\n".join(texte for _, texte in textes)) is None:  # the usual case: one search
        return
    for chemin, texte in textes:
        if (trouve := find_blanks(texte)) is not None:
            yield Probleme("blanks", chemin, f"Le texte contient {trouve} : « {_extrait(texte)} ». "
                                             "Remplacez-le par la valeur définitive.")


def input_texts(modele: BaseModel) -> Iterator[str]:
    """Every text of an input model (names, addresses…), as typed."""
    return (texte for _, texte in _strings(modele, ()))


def _strings(valeur: object, chemin: Chemin) -> Iterator[tuple[Chemin, str]]:
    if isinstance(valeur, str):
        yield chemin, valeur
    elif isinstance(valeur, BaseModel):
        for nom in type(valeur).model_fields:
            yield from _strings(getattr(valeur, nom), (*chemin, nom))
    elif isinstance(valeur, list):
        for i, element in enumerate(valeur):
            yield from _strings(element, (*chemin, i))


def _extrait(texte: str, taille: int = 60) -> str:
    return texte if len(texte) <= taille else texte[: taille - 1] + "…"


def check_no_blanks(source: str, textes: list[str], valeurs: Iterable[str] = ()) -> None:
    """Raise :class:`InvalidInput` (rule ``blanks``) if any text still holds a blank or drafting note.

    *valeurs*: the user's own values, already checked by :func:`blank_problems` as they were typed; they are set
    aside (as typed, and in capitals, as a heading prints them), so that a name a heading capitalises (« Xxxx »,
    « XXXX ») is not taken for the model's « XXX »."""
    if find_blanks("\n".join(textes)) is None:  # the usual case: one search over the whole document
        return
    if valeurs := sorted({v for v in valeurs if len(v) > 1}, key=len, reverse=True):
        motif = re.compile("|".join(re.escape(v) for v in (*valeurs, *(v.upper() for v in valeurs))))
        textes = [motif.sub(" ", texte) for texte in textes]
        if find_blanks("\n".join(textes)) is None:
            return
    problemes = []
    for texte in textes:
        if (trouve := find_blanks(texte)) is not None:
            extrait = texte if len(texte) < 80 else texte[:79] + "…"
            problemes.append(Probleme("blanks", ("document",), f"Le document produit contient {trouve} : "
                                                               f"« {extrait} »."))
    if problemes:
        raise InvalidInput(ValidationReport(source, tuple(problemes)))
