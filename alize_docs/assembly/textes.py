"""Each clause's text as a reader of the rendered document sees it, for ``alize-docs controler``.

A clause's text is its lines — one per paragraph of the .docx, a table cell's and a signature block's included,
blank ones left out, every run of spaces (no-break ones included) read as one space — joined by line breaks.
:mod:`alize_docs.render.provenance` records it with its SHA-256 in the document, and
:mod:`alize_docs.review.controle` reads the same lines back from the .docx to tell what was edited by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence

from alize_docs.document import Block, Paragraph, SignatureTable, Table
from alize_docs.formatting import APOSTROPHE, TRAIT_INSECABLE

__all__ = ["block_lines", "clause_texts", "normalise_line", "text_sha256"]



_GLYPHES = str.maketrans({APOSTROPHE: "'", TRAIT_INSECABLE: "-"})


def normalise_line(texte: str) -> str:
    """Return a paragraph's text with each run of spaces (tabs, no-break spaces) as one space, trimmed, and the
    printing glyphs the rendering gives it (:func:`alize_docs.formatting.glyphes`: ’, no-break hyphens) read as typed.

    >>> normalise_line(" 9\\u202f000\\u00a0€\\tpar an ")
    '9 000 € par an'
    >>> normalise_line("l’opérateur de Saint\\u2011Amand")
    "l'opérateur de Saint-Amand"
    """
    return " ".join(texte.translate(_GLYPHES).split())  # str.split() takes every Unicode space, no-break ones too


def block_lines(bloc: Block) -> Iterator[str]:
    """Yield the non-blank lines a reader sees of *bloc*, in the order the .docx holds them."""
    if isinstance(bloc, Table):
        textes: list[str] = [c.text for c in bloc.header] + [c.text for r in bloc.rows for c in r.cells]
    elif isinstance(bloc, SignatureTable):
        textes = ["".join(r.text for r in ligne) for b in bloc.blocks for ligne in b.lines]
    elif isinstance(bloc, Paragraph):
        textes = [bloc.text]
    else:  # a TableRef never reaches a document
        textes = []
    for texte in textes:
        if ligne := normalise_line(texte):
            yield ligne


def text_sha256(lignes: Sequence[str]) -> str:
    """Return the SHA-256 of a clause's lines, as the document records it."""
    return hashlib.sha256("\n".join(lignes).encode("utf-8")).hexdigest()


def clause_texts(blocs: Sequence[Block], longueurs: Sequence[int],
                 developper: Callable[[list[Block]], list[Block]]) -> tuple[str, ...]:
    """Return the text of each clause whose *longueurs* blocks follow one another in *blocs*, each clause's
    blocks expanded by *developper* (``@parties``, ``@signatures``) as the document's are."""
    textes = []
    debut = 0
    for longueur in longueurs:
        morceau = developper(list(blocs[debut:debut + longueur]))
        textes.append("\n".join(ligne for bloc in morceau for ligne in block_lines(bloc)))
        debut += longueur
    return tuple(textes)
