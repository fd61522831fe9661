"""The .docx package: every part written once, with fixed timestamps, each XML part checked strictly.

Equal inputs give equal bytes: the zip entries carry a fixed date and fixed permissions, and the parts are
written in the order python-docx keeps them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from docx.document import Document as WordDocument
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem  # python-docx's own [Content_Types].xml builder (< 2, see pyproject)
from lxml import etree

from alize_docs.errors import RenderError

__all__ = ["SAFE_XML", "package_bytes", "package_entries", "write_package"]

SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
"""The parser for XML this package wrote itself (user files go through :mod:`alize_docs.office`)."""

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_VERIFIEES: set[bytes] = set()
"""XML parts already found well formed (the same bytes parse the same way): a template's styles, theme and
settings are checked once per process, not once per document."""


def package_bytes(word: WordDocument) -> bytes:
    """Return the package's bytes: each part as python-docx serialises it (what its own save writes)."""
    return write_package(package_entries(word))


def package_entries(word: WordDocument) -> list[tuple[str, bytes]]:
    """Return the package's entries (zip name, bytes) in the order python-docx keeps its parts."""
    paquet = word.part.package
    parties = list(paquet.parts)
    entrees = [(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parties).blob),  # type: ignore[no-untyped-call]
               (PACKAGE_URI.rels_uri.membername, paquet.rels.xml)]
    for part in parties:
        entrees.append((part.partname.membername, part.blob))
        if len(part.rels):
            entrees.append((part.partname.rels_uri.membername, part.rels.xml))
    return entrees


def write_package(entrees: Sequence[tuple[str, bytes]]) -> bytes:
    """Return a zip of *entrees* with fixed timestamps (equal inputs, equal bytes), every XML part parsed
    strictly first: a malformed part is an error, never a corrupt file."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as cible:
        for nom, contenu in entrees:
            if nom.endswith((".xml", ".rels")) and contenu not in _VERIFIEES:
                try:
                    etree.fromstring(contenu, SAFE_XML)
                except etree.XMLSyntaxError as exc:
                    raise RenderError(f"partie {nom} mal formée après rendu : {exc}") from exc
                if len(contenu) <= 200_000:  # a template's parts, the same in every document: checked once
                    if len(_VERIFIEES) >= 256:
                        _VERIFIEES.clear()
                    _VERIFIEES.add(contenu)
            entree = zipfile.ZipInfo(nom, date_time=_ZIP_DATE)
            entree.compress_type = zipfile.ZIP_DEFLATED
            entree.external_attr = 0o644 << 16
            cible.writestr(entree, contenu)
    return sortie.getvalue()
