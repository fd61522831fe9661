"""Reading a .docx back as its reader sees it: body, tables, headers and footers, one paragraph a line."""

from __future__ import annotations

import io
import re
import zipfile

from docx.oxml.ns import qn
from lxml import etree

from alize_docs.render.package import SAFE_XML

__all__ = ["VISIBLE", "docx_text", "paragraph_texts"]

VISIBLE = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


def paragraph_texts(racine: etree._Element) -> list[str]:
    """Return the text of every paragraph under *racine*."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in racine.iter(qn("w:p"))]


def docx_text(donnees: bytes) -> str:
    """Return every text a reader sees in a .docx: body, tables, headers, footers, one paragraph a line."""
    paquet = zipfile.ZipFile(io.BytesIO(donnees))
    textes: list[str] = []
    for nom in sorted(paquet.namelist()):
        if VISIBLE.match(nom):
            textes += paragraph_texts(etree.fromstring(paquet.read(nom), SAFE_XML))
    return "\n".join(textes)
