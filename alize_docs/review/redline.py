"""The redline: a comparison written as a Word document with real tracked changes (``w:ins``/``w:del``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from alize_docs.render.docx import core_property, fill_template, style_ids, styled
from alize_docs.render.package import package_bytes
from alize_docs.review.compare import Comparison

__all__ = ["render_redline"]


def render_redline(comparison: Comparison, template: Path, auteur: str, date: dt.datetime) -> bytes:
    """Return a .docx showing *comparison* as real tracked changes (``w:ins``/``w:del``) by *auteur* on *date*,
    which Word and LibreOffice offer to accept or reject: accepting them all gives B's text, rejecting A's."""
    word = fill_template(template, {"entete": f"{comparison.label_a} → {comparison.label_b}",
                                     "titre": comparison.title, "titre_court": "Comparaison"})
    ids = style_ids(word)
    styled(word.add_paragraph(comparison.title), ids["title"])
    styled(word.add_paragraph(f"A : {comparison.label_a} — B : {comparison.label_b}"), ids["subtitle"])
    for ligne in comparison.summary():
        styled(word.add_paragraph(ligne), ids["bullet1"])
    marque = {"w:author": auteur, "w:date": date.strftime("%Y-%m-%dT%H:%M:%SZ")}
    numero = iter(range(1, 1_000_000))
    for section in comparison.sections:
        if not section.changed:
            continue
        styled(word.add_paragraph(f"{section.title} ({section.version_a} → {section.version_b})"), ids["heading2"])
        for paragraphe in section.paragraphs:
            p = styled(word.add_paragraph(), ids["body"])
            if paragraphe.kind in ("insert", "delete"):
                proprietes = OxmlElement("w:rPr")
                proprietes.append(_revision("w:ins" if paragraphe.kind == "insert" else "w:del", marque, numero))
                p._p.get_or_add_pPr().append(proprietes)
            for segment in paragraphe.segments:
                if segment.kind == "equal":
                    p.add_run(segment.text)
                else:
                    p._p.append(_tracked_run(segment.kind, segment.text, marque, numero))
    proprietes = word.core_properties
    proprietes.title, proprietes.author = core_property(comparison.title), core_property(auteur)
    proprietes.last_modified_by = core_property(auteur)
    proprietes.created = proprietes.modified = date.replace(tzinfo=None)
    proprietes.revision = 1
    return package_bytes(word)


def _revision(balise: str, marque: dict[str, str], numero: Iterator[int]) -> etree._Element:
    element = OxmlElement(balise)
    element.set(qn("w:id"), str(next(numero)))
    for nom, valeur in marque.items():
        element.set(qn(nom), valeur)
    return element


def _tracked_run(kind: str, texte: str, marque: dict[str, str], numero: Iterator[int]) -> etree._Element:
    enveloppe = _revision("w:ins" if kind == "insert" else "w:del", marque, numero)
    run = OxmlElement("w:r")
    contenu = OxmlElement("w:t" if kind == "insert" else "w:delText")
    contenu.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    contenu.text = texte
    run.append(contenu)
    enveloppe.append(run)
    return enveloppe
