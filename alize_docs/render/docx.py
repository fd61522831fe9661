"""Word rendering: an assembled document laid out on a Word template.

:func:`render_docx` fills the template's own fields (header, footer, properties) with docxtpl in a
sandbox with escaping on, then appends the assembled blocks (:mod:`alize_docs.render.wordml`) as literal
runs — a user's text is never seen by a template engine there. The package is written by
:mod:`alize_docs.render.package` with fixed timestamps and properties dated from the document, so the same
input gives byte-identical files.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Length
from docx.text.paragraph import Paragraph as WordParagraph
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from alize_docs.document import AssembledDocument
from alize_docs.errors import RenderError
from alize_docs.formatting import glyphes
from alize_docs.render.bundle import RenderedPiece
from alize_docs.render.package import package_entries, write_package
from alize_docs.render.provenance import (
    Provenance,
    add_clause_texts,
    add_custom_properties,
    clause_text_entries,
    provenance,
    read_provenance,
)
from alize_docs.render.wordml import blocks_xml

__all__ = ["WORD_STYLES", "core_property", "document_properties", "fill_template", "render_docx", "render_piece",
           "style_ids", "styled", "usable_width"]

WORD_STYLES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "heading3": "Heading 3",
    "body": "Normal",
    "center": "Centré",
    "bullet1": "List Bullet",
    "bullet2": "List Bullet 2",
    "signature": "Signature ALIZÉ",
    "table": "Tableau ALIZÉ",
    "grid": "Table Grid",
}
"""Our block styles and the Word styles a template must define for them."""


def render_docx(document: AssembledDocument, template: Path) -> bytes:
    """Return the .docx bytes of *document* laid out on *template*."""
    return render_piece(document, template).donnees


def render_piece(document: AssembledDocument, template: Path) -> RenderedPiece:
    """Return *document* rendered on *template*, with what the signing bundle reuses of it (its parts, its
    body's WordprocessingML, its section properties): the bundle is made from the pieces, never rendered
    again."""
    word = _open_template(template, document)
    ids = style_ids(word)
    largeur = usable_width(word)
    taille = word.styles[WORD_STYLES["table"]].font.size  # the table style's own, or the document default's
    corps = blocks_xml(document.blocks, ids, largeur, taille.pt if taille else 9.5)
    _insert_blocks(word, corps)
    _properties(word, document, provenance(document))
    add_clause_texts(word, clause_text_entries(document))
    entrees = package_entries(word)
    fin = word.element.body.sectPr
    section = etree.tostring(fin) if fin is not None else b""
    return RenderedPiece(document, dict(entrees), corps, section, ids, write_package(entrees))


def _open_template(template: Path, document: AssembledDocument) -> WordDocument:
    return fill_template(template, {"entete": glyphes(document.header, traits=False), "titre": glyphes(
        document.title, traits=False), "titre_court": glyphes(document.short_title, traits=False)})


class _TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox docxtpl fills a template's fields in, compiling each distinct XML source once: docxtpl
    hands it the same parts for every document made from one template."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compilees: dict[str, jinja2.Template] = {}

    def from_string(self, source: str | jinja2.nodes.Template, globals: MutableMapping[str, Any] | None = None,
                    template_class: type[jinja2.Template] | None = None) -> jinja2.Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        if source not in self._compilees:
            if len(self._compilees) >= 64:  # a long batch with many user templates: start afresh
                self._compilees.clear()
            self._compilees[source] = super().from_string(source)
        return self._compilees[source]


@functools.lru_cache(maxsize=1)
def _template_environment() -> jinja2.Environment:
    return _TemplateEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


class _Gabarit(DocxTemplate):  # type: ignore[misc]
    """docxtpl, with a rendered body that is python-docx's own element class whatever holds what.

    docxtpl parses the rendered body with a plain lxml parser and moves it into python-docx's tree. lxml keeps
    one Python proxy per node: while anything still holds the plain proxy (the frame of docxtpl's ``render``
    kept alive by a sampling profiler such as Dask's, a debugger, a traceback), ``document.body`` is that plain
    ``_Element`` — with no ``sectPr`` — instead of python-docx's ``CT_Body`` (issue 14: one item in a few Dask
    runs failed with ``'lxml.etree._Element' object has no attribute 'sectPr'``). The body is replaced by a
    copy made inside python-docx's document, whose proxies only python-docx's class lookup ever creates."""

    def map_tree(self, tree: etree._Element) -> None:
        racine = self.docx._element
        racine.replace(racine.body, tree)
        racine.replace(tree, copy.deepcopy(tree))  # same XML; a new node, made in python-docx's document


def fill_template(template: Path, champs: dict[str, str]) -> WordDocument:
    """Return *template* with its own fields filled from *champs*, checked to define our styles."""
    try:
        gabarit = _Gabarit(str(template))
        gabarit.render(champs, jinja_env=_template_environment(), autoescape=True)
    except (jinja2.TemplateError, OSError, KeyError, ValueError) as exc:
        raise RenderError(f"gabarit Word {template.name} inutilisable : {exc}") from exc
    word: WordDocument = gabarit.docx
    noms = {st.name for st in word.styles}
    missing = [s for s in WORD_STYLES.values() if s not in noms]
    if missing:
        raise RenderError(f"le gabarit {template.name} ne définit pas les styles : {', '.join(missing)}")
    return word


def style_ids(word: WordDocument) -> dict[str, str]:
    """Return the style id of each of our block styles, looked up once (python-docx scans every style by name
    at each paragraph otherwise: three quarters of the rendering time)."""
    return {cle: word.styles[nom].style_id for cle, nom in WORD_STYLES.items()}


def styled(paragraphe: WordParagraph, style_id: str) -> WordParagraph:
    """Return *paragraphe* given the style *style_id*."""
    paragraphe._p.style = style_id
    return paragraphe


def usable_width(word: WordDocument) -> float:
    """Return the width between the first section's margins, in centimetres to the millimetre (a user's
    template may have other margins or another paper size)."""
    section = word.sections[0]
    largeur = (section.page_width or Length(0)) - (section.left_margin or Length(0)) - (
        section.right_margin or Length(0))
    return round(largeur / 360000, 1)


def _insert_blocks(word: WordDocument, xml: str) -> None:
    """Append blocks written as WordprocessingML to the body, parsed once."""
    corps = word.element.body
    fin = corps.sectPr
    for element in parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>"):
        if fin is not None:
            fin.addprevious(element)
        else:
            corps.append(element)


def _properties(word: WordDocument, document: AssembledDocument, origine: Provenance) -> None:
    proprietes = word.core_properties
    moment = dt.datetime.combine(document.date, dt.time(), tzinfo=dt.UTC).replace(tzinfo=None)
    proprietes.title = core_property(document.title)
    proprietes.subject = core_property(document.subject)
    proprietes.author = core_property(document.author)
    proprietes.last_modified_by = "alize-docs"
    proprietes.created = proprietes.modified = moment
    proprietes.last_printed = moment
    proprietes.revision = 1
    proprietes.keywords = f"ALIZÉ® ; modèle {document.modele}"
    proprietes.comments = f"Produit par alize-docs à partir du modèle {document.modele}."
    proprietes.language = "fr-FR"
    add_custom_properties(word, origine)


def core_property(texte: str) -> str:
    """Return *texte* fit for a core property (255 characters at most); the document holds it whole."""
    return texte if len(texte) <= 255 else texte[:254] + "…"


_DC = "{http://purl.org/dc/elements/1.1/}"


def document_properties(donnees: bytes) -> tuple[dict[str, str], Provenance | None]:
    """Return a .docx's title, subject and author, and its provenance — read from ``docProps/core.xml`` alone
    (a PDF's metadata, per document of a batch: opening the whole package with python-docx cost more than the
    rest of the PDF pass)."""
    import zipfile

    from alize_docs.render.package import SAFE_XML

    with zipfile.ZipFile(io.BytesIO(donnees)) as paquet:
        racine = etree.fromstring(paquet.read("docProps/core.xml"), SAFE_XML)
    valeurs = {cle: "".join(e.itertext()) if (e := racine.find(_DC + nom)) is not None else ""
               for cle, nom in (("title", "title"), ("subject", "subject"), ("author", "creator"))}
    return valeurs, read_provenance(donnees)
