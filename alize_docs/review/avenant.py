"""The consolidated convention: the convention as amended, with real Word tracked changes against the signed one.

:func:`tracked_changes` takes the signed convention's .docx and the amended one's (both rendered by this tool,
with their styles, tables and provenance) and marks, in the amended document, what the avenant changed:
paragraphs are aligned, then a changed paragraph is diffed word by word (:mod:`alize_docs.review.diff`); deleted
words are ``w:del`` runs, inserted ones ``w:ins`` runs (the redline's own, :mod:`alize_docs.review.redline`), a
paragraph only the signed version has comes back as a deleted paragraph. Accepting every change gives the
amended convention, rejecting them the signed text.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
from collections.abc import Iterator

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from alize_docs.render.package import package_bytes
from alize_docs.review.diff import word_diff
from alize_docs.review.redline import _revision, _tracked_run

__all__ = ["tracked_changes"]


def _texte(paragraphe: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraphe.iter(qn("w:t")))


def _paragraphes(corps: etree._Element) -> list[etree._Element]:
    return list(corps.iter(qn("w:p")))


def _marquer_fin(paragraphe: etree._Element, balise: str, marque: dict[str, str], numero: Iterator[int]) -> None:
    """Mark the paragraph mark itself as inserted or deleted (``w:pPr/w:rPr/w:ins|w:del``)."""
    proprietes = paragraphe.find(qn("w:pPr"))
    if proprietes is None:
        proprietes = OxmlElement("w:pPr")
        paragraphe.insert(0, proprietes)
    rpr = proprietes.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        proprietes.append(rpr)
    rpr.append(_revision(balise, marque, numero))


def _envelopper(paragraphe: etree._Element, balise: str, marque: dict[str, str], numero: Iterator[int]) -> None:
    """Wrap every run of *paragraphe* in a ``w:ins`` (or ``w:del``, its text becoming ``w:delText``)."""
    for run in list(paragraphe.iterchildren(qn("w:r"))):
        if balise == "w:del":
            for texte in run.iter(qn("w:t")):
                texte.tag = qn("w:delText")
        enveloppe = _revision(balise, marque, numero)
        run.addprevious(enveloppe)
        enveloppe.append(run)
    _marquer_fin(paragraphe, balise, marque, numero)


def _reecrire(paragraphe: etree._Element, ancien: str, marque: dict[str, str], numero: Iterator[int]) -> None:
    """Rewrite *paragraphe* as the word diff from *ancien* to its text, in the format of its first run."""
    nouveau = _texte(paragraphe)
    runs = list(paragraphe.iterchildren(qn("w:r")))
    format_ = runs[0].find(qn("w:rPr")) if runs else None
    ancre = runs[0] if runs else None
    for segment in word_diff(ancien, nouveau):
        if segment.kind == "equal":
            element = OxmlElement("w:r")
            texte = OxmlElement("w:t")
            texte.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            texte.text = segment.text
            element.append(texte)
        else:
            element = _tracked_run(segment.kind, segment.text, marque, numero)
        cible = element if segment.kind == "equal" else element[0]
        if format_ is not None:
            cible.insert(0, copy.deepcopy(format_))
        if ancre is not None:
            ancre.addprevious(element)
        else:
            paragraphe.append(element)
    for run in runs:
        paragraphe.remove(run)


def tracked_changes(signee: bytes, modifiee: bytes, auteur: str, date: dt.date) -> bytes:
    """Return *modifiee* (a .docx) with every difference from *signee* as a tracked change by *auteur* on *date*."""
    ancien = docx.Document(io.BytesIO(signee))
    word = docx.Document(io.BytesIO(modifiee))
    marque = {"w:author": auteur, "w:date": f"{date.isoformat()}T00:00:00Z"}
    numero = iter(range(1, 10_000_000))
    avant = _paragraphes(ancien.element.body)
    apres = _paragraphes(word.element.body)
    textes_avant, textes_apres = [_texte(p) for p in avant], [_texte(p) for p in apres]
    operations = difflib.SequenceMatcher(None, textes_avant, textes_apres, autojunk=False).get_opcodes()
    for operation, i1, i2, j1, j2 in operations:
        if operation == "equal":
            continue
        paires = min(i2 - i1, j2 - j1)
        for k in range(paires):
            _reecrire(apres[j1 + k], textes_avant[i1 + k], marque, numero)
        for k in range(j1 + paires, j2):
            _envelopper(apres[k], "w:ins", marque, numero)
        supprimes = [copy.deepcopy(avant[k]) for k in range(i1 + paires, i2)]
        for paragraphe in supprimes:
            _envelopper(paragraphe, "w:del", marque, numero)
        if supprimes:
            if j2 < len(apres):
                for paragraphe in supprimes:
                    apres[j2].addprevious(paragraphe)
            else:
                for paragraphe in reversed(supprimes):
                    apres[-1].addnext(paragraphe)
    return package_bytes(word)
