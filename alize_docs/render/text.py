"""Reading a .docx back as its reader sees it: body, tables, headers and footers, one paragraph a line."""

from __future__ import annotations

import re
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from alize_docs.office import ouvrir

__all__ = ["VISIBLE", "docx_text", "paragraph_texts"]

VISIBLE = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


def paragraph_texts(racine: etree._Element) -> list[str]:
    """Return the text of every paragraph under *racine* (a no-break hyphen, ``w:noBreakHyphen``, reads « - »)."""
    return ["".join("-" if t.tag == _TRAIT else t.text or "" for t in p.iter(qn("w:t"), _TRAIT))
            for p in racine.iter(qn("w:p"))]


_TRAIT = qn("w:noBreakHyphen")


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
