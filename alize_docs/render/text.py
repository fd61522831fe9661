"""Reading a .docx back as its reader sees it: body, tables, headers and footers, one paragraph a line."""

from __future__ import annotations

import re
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from alize_docs.office import ouvrir

__all__ = ["VISIBLE", "docx_text", "paragraph_text", "paragraph_texts"]

VISIBLE = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


def paragraph_texts(racine: etree._Element) -> list[str]:
    """Return the text of every paragraph under *racine* (:func:`paragraph_text`)."""
    return [paragraph_text(p) for p in racine.iter(qn("w:p"))]


def paragraph_text(paragraphe: etree._Element) -> str:
    """Return one paragraph's text as a reader sees it: a no-break hyphen (``w:noBreakHyphen``) reads « - », a tab
    or a line break a space."""
    return "".join(t.text or "" if t.tag == _T else "-" if t.tag == _TRAIT else " "
                   for t in paragraphe.iter(_T, _TRAIT, _TAB, _BR))


_T, _TRAIT, _TAB, _BR = qn("w:t"), qn("w:noBreakHyphen"), qn("w:tab"), qn("w:br")


def docx_text(donnees: bytes | None = None, chemin: Path | str = "document.docx") -> str:
    """Return every text a reader sees in a .docx: body, tables, headers, footers, one paragraph a line.

    The file (*donnees*, or read from *chemin*) goes through the safe reader: a hostile or broken file is a
    :class:`alize_docs.office.FichierRefuse` naming *chemin*."""
    textes: list[str] = []
    with ouvrir(chemin, donnees, genre="docx") as paquet:
        for nom in sorted(paquet.noms()):
            if VISIBLE.match(nom):
                textes += paragraph_texts(paquet.xml(nom))
    return "\n".join(textes)
