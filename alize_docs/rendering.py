"""Word rendering: the one module that talks to docxtpl and python-docx.

:func:`render_docx` fills the template's own fields (header, footer, properties) with docxtpl in a
sandbox with escaping on, then appends the assembled blocks with python-docx as literal runs — a
user's text is never seen by a template engine there. The zip is written with fixed timestamps and
properties dated from the document, so the same input gives byte-identical files.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
import jinja2
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import _ContentTypesItem  # python-docx's own [Content_Types].xml builder (< 2, see pyproject)
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section, _Footer, _Header
from docx.text.paragraph import Paragraph as WordParagraph
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from .compare import Comparison
from .document import AssembledDocument, Run, SignatureTable, Table, TableRef
from .errors import RenderError

__all__ = ["WORD_STYLES", "check_template", "document_properties", "docx_text", "provenance", "read_provenance",
           "render_bundle", "render_docx", "render_redline"]

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

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def render_docx(document: AssembledDocument, template: Path, texte: list[str] | None = None) -> bytes:
    """Return the .docx bytes of *document* laid out on *template*; *texte*, if given, receives every paragraph
    a reader sees in the written parts (body, tables, headers, footers), read from the final XML."""
    word = _open_template(template, document)
    _add_blocks(word, document)
    _properties(word, document, provenance(document))
    return _save(word, texte)


def render_bundle(documents: Sequence[AssembledDocument], template: Path, title: str) -> bytes:
    """Return one .docx holding *documents* in order: a section each, with its own header and page numbers."""
    # docxtpl swaps the rendered header and footer parts behind python-docx's cache of related parts:
    # reopen the filled template so that editing headers and footers edits the parts that get saved.
    tampon = io.BytesIO()
    _open_template(template, documents[0]).save(tampon)
    word = docx.Document(tampon)
    entete = copy.deepcopy(word.sections[0].header._element)
    pied = copy.deepcopy(word.sections[0].footer._element)
    for i, document in enumerate(documents):
        if i:
            section = word.add_section(WD_SECTION.NEW_PAGE)
            _replace_story(section.header, entete, f"{document.short_title}\t{document.header}")
            _replace_story(section.footer, pied, None)
        _add_blocks(word, document)
    for section in word.sections:
        _restart_page_numbers(section)
        for champ in section.footer._element.iter(qn("w:fldSimple")):
            if champ.get(qn("w:instr")).strip() == "NUMPAGES":
                champ.set(qn("w:instr"), " SECTIONPAGES ")
    ensemble = dataclasses.replace(documents[0], kind="dossier-signature", title=title, short_title=title,
                                   clauses=tuple(c for d in documents for c in d.clauses))
    valeurs = provenance(ensemble)
    valeurs["alize:documents"] = ", ".join(d.kind for d in documents)
    _properties(word, ensemble, valeurs)
    return _save(word)


def _open_template(template: Path, document: AssembledDocument) -> WordDocument:
    return _fill_template(template, {"entete": document.header, "titre": document.title,
                                     "titre_court": document.short_title})


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


def _fill_template(template: Path, champs: dict[str, str]) -> WordDocument:
    try:
        gabarit = DocxTemplate(str(template))
        gabarit.render(champs, jinja_env=_template_environment(), autoescape=True)
    except (jinja2.TemplateError, OSError, KeyError, ValueError) as exc:
        raise RenderError(f"gabarit Word {template.name} inutilisable : {exc}") from exc
    word: WordDocument = gabarit.docx
    noms = {st.name for st in word.styles}
    missing = [s for s in WORD_STYLES.values() if s not in noms]
    if missing:
        raise RenderError(f"le gabarit {template.name} ne définit pas les styles : {', '.join(missing)}")
    return word


def _replace_story(partie: _Header | _Footer, modele: etree._Element, texte: str | None) -> None:
    """Give a section its own header or footer: a copy of the first section's, with *texte* if given."""
    partie.is_linked_to_previous = False
    element = partie._element
    for enfant in list(element):
        element.remove(enfant)
    for enfant in copy.deepcopy(modele):
        element.append(enfant)
    if texte is not None:
        paragraphe = partie.paragraphs[0]
        for run in list(paragraphe.runs):
            run._r.getparent().remove(run._r)
        paragraphe.add_run(texte)


def _restart_page_numbers(section: Section) -> None:
    sect_pr = section._sectPr
    for ancien in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(ancien)
    numerotation = OxmlElement("w:pgNumType")
    numerotation.set(qn("w:start"), "1")
    suivant = sect_pr.find(qn("w:cols"))
    if suivant is not None:
        suivant.addprevious(numerotation)
    else:
        sect_pr.append(numerotation)


def _save(word: WordDocument, texte: list[str] | None = None) -> bytes:
    """Return the package's bytes, written once: each part as python-docx serialises it (what its own save
    writes), with fixed timestamps, every XML part checked strictly on the way."""
    paquet = word.part.package
    parties = list(paquet.parts)
    entrees = [(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parties).blob),  # type: ignore[no-untyped-call]
               (PACKAGE_URI.rels_uri.membername, paquet.rels.xml)]
    for part in parties:
        entrees.append((part.partname.membername, part.blob))
        if len(part.rels):
            entrees.append((part.partname.rels_uri.membername, part.rels.xml))
    return write_package(entrees, texte)


def _style_ids(word: WordDocument) -> dict[str, str]:
    """Return the style id of each of our block styles, looked up once (python-docx scans every style by name
    at each paragraph otherwise: three quarters of the rendering time)."""
    return {cle: word.styles[nom].style_id for cle, nom in WORD_STYLES.items()}


def _styled(paragraphe: WordParagraph, style_id: str) -> WordParagraph:
    paragraphe._p.style = style_id
    return paragraphe


def _add_blocks(word: WordDocument, document: AssembledDocument) -> None:
    """Append the document's blocks to the body, as WordprocessingML written here and parsed once (python-docx
    inserts every element with a schema-ordered search: ten times slower on a 30-row schedule)."""
    ids = _style_ids(word)
    morceaux = []
    for bloc in document.blocks:
        if isinstance(bloc, SignatureTable):
            morceaux.append(_signature_table_xml(bloc, ids))
        elif isinstance(bloc, Table):
            morceaux.append(_table_xml(bloc, ids))
        elif isinstance(bloc, TableRef):
            raise RenderError(f"tableau « {bloc.name} » non calculé")
        elif bloc.style == "pagebreak":
            morceaux.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        else:
            morceaux.append(_paragraph_xml(ids[bloc.style], bloc.runs))
    corps = word.element.body
    fin = corps.sectPr
    for element in parse_xml(f"<w:body {nsdecls('w')}>{''.join(morceaux)}</w:body>"):
        if fin is not None:
            fin.addprevious(element)
        else:
            corps.append(element)


def _paragraph_xml(style_id: str, runs: Sequence[Run], gras: bool = False, jc: str = "", garder: bool = False,
                   ) -> str:
    proprietes = (f'<w:pStyle w:val="{escape(style_id, _ATTR)}"/>' + ("<w:keepNext/>" if garder else "")
                  + (f'<w:jc w:val="{jc}"/>' if jc else ""))
    return f"<w:p><w:pPr>{proprietes}</w:pPr>{''.join(_run_xml(r, gras) for r in runs)}</w:p>"


_ATTR = {'"': "&quot;"}


def _run_xml(run: Run, gras: bool = False) -> str:
    proprietes = ("<w:b/>" if run.bold or gras else "") + ("<w:i/>" if run.italic else "") + (
        '<w:vertAlign w:val="superscript"/>' if run.superscript else "")
    morceaux = run.text.split("\t")
    texte = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(m)}</w:t>' for m in morceaux)
    return f"<w:r>{f'<w:rPr>{proprietes}</w:rPr>' if proprietes else ''}{texte}</w:r>"


def _twips(centimetres: float) -> int:
    return round(centimetres * 567)


def _signature_table_xml(table: SignatureTable, ids: dict[str, str]) -> str:
    largeur = _twips(_LARGEUR_UTILE / 2)
    cellules = []
    for bloc in table.blocks:
        paragraphes = [_paragraph_xml(ids["signature"], ligne, gras=n == 0) for n, ligne in enumerate(bloc.lines)]
        paragraphes += ["<w:p/>"] * 4  # room for the signature
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr>{"".join(paragraphes)}</w:tc>')
    if len(cellules) % 2:
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
    rangees = "".join(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cellules[i]}{cellules[i + 1]}</w:tr>"
                      for i in range(0, len(cellules), 2))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
            f'<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid><w:gridCol w:w="{largeur}"/><w:gridCol w:w="{largeur}"/>'
            f'</w:tblGrid>{rangees}</w:tbl><w:p><w:pPr><w:spacing w:after="120"/></w:pPr></w:p>')


_OMBRES = {"header": "D9D9D9", "total": "F2F2F2"}


def _table_xml(table: Table, ids: dict[str, str]) -> str:
    largeurs = [_twips(x) for x in (table.widths or _default_widths(len(table.header)))]
    lignes = [(table.header, "header"), *((r.cells, r.kind) for r in table.rows)]
    insecable = len(table.rows) <= _LIGNES_INSECABLES
    rangees = []
    for numero, (cellules, genre) in enumerate(lignes):
        en_tete = "<w:tblHeader/>" if genre == "header" else ""
        morceaux = []
        for contenu, largeur in zip(cellules, largeurs, strict=True):
            ombre = (f'<w:shd w:val="clear" w:color="auto" w:fill="{_OMBRES[genre]}"/>' if genre in _OMBRES else "")
            run = Run(contenu.text, bold=genre in ("header", "subtotal", "total"), italic=genre == "group")
            paragraphe = _paragraph_xml(ids["table"], (run,), jc="center" if genre == "header" else contenu.align,
                                        garder=insecable and numero < len(table.rows))
            morceaux.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/>{ombre}</w:tcPr>{paragraphe}</w:tc>')
        rangees.append(f"<w:tr><w:trPr><w:cantSplit/>{en_tete}</w:trPr>{''.join(morceaux)}</w:tr>")
    grille = "".join(f'<w:gridCol w:w="{largeur}"/>' for largeur in largeurs)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(ids["grid"], _ATTR)}"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr>'
            f"<w:tblGrid>{grille}</w:tblGrid>{''.join(rangees)}</w:tbl><w:p/>")


_LARGEUR_UTILE = 16.0  # cm between the template's margins
_LIGNES_INSECABLES = 25  # a table up to this many rows is kept on one page


def _default_widths(colonnes: int) -> tuple[float, ...]:
    """Give the first (label) column a third of the width or more, the others share the rest."""
    premiere = max(_LARGEUR_UTILE / colonnes, _LARGEUR_UTILE * 0.34)
    return (premiere, *([(_LARGEUR_UTILE - premiere) / (colonnes - 1)] * (colonnes - 1)))


def _properties(word: WordDocument, document: AssembledDocument, valeurs: dict[str, str]) -> None:
    proprietes = word.core_properties
    moment = dt.datetime.combine(document.date, dt.time(), tzinfo=dt.UTC).replace(tzinfo=None)
    proprietes.title = _property(document.title)
    proprietes.subject = _property(document.subject)
    proprietes.author = _property(document.author)
    proprietes.last_modified_by = "alize-docs"
    proprietes.created = proprietes.modified = moment
    proprietes.last_printed = moment
    proprietes.revision = 1
    proprietes.keywords = f"ALIZÉ® ; modèle {document.modele}"
    proprietes.comments = f"Produit par alize-docs à partir du modèle {document.modele}."
    proprietes.language = "fr-FR"
    _custom_properties(word, valeurs)


def _property(texte: str) -> str:
    """Return *texte* fit for a core property (255 characters at most); the document holds it whole."""
    return texte if len(texte) <= 255 else texte[:254] + "…"


def provenance(document: AssembledDocument) -> dict[str, str]:
    """Return what a document records of its making: model, tool, input hash, each clause and its hash."""
    from . import __version__

    valeurs = {
        "alize:document": document.kind,
        "alize:modele": document.modele,
        "alize:outil": f"alize-docs {__version__}",
        "alize:donnees-sha256": document.input_sha256,
    }
    for i, clause in enumerate(document.clauses, start=1):
        valeurs[f"alize:clause-{i:02d}"] = f"{clause.ref} sha256:{clause.sha256}"
    return valeurs


_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _custom_properties(word: WordDocument, valeurs: dict[str, str]) -> None:
    racine = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for pid, (nom, valeur) in enumerate(valeurs.items(), start=2):
        propriete = etree.SubElement(racine, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid), name=nom)
        etree.SubElement(propriete, f"{{{_VT_NS}}}lpwstr").text = valeur
    blob = etree.tostring(racine, xml_declaration=True, encoding="UTF-8", standalone=True)
    paquet = word.part.package
    part = Part(PackURI("/docProps/custom.xml"), _CUSTOM_CT, blob, paquet)
    paquet.relate_to(part, _CUSTOM_RT)


def read_provenance(donnees: bytes) -> dict[str, str]:
    """Return the custom properties a .docx records (empty if it has none)."""
    paquet = zipfile.ZipFile(io.BytesIO(donnees))
    if "docProps/custom.xml" not in paquet.namelist():
        return {}
    racine = etree.fromstring(paquet.read("docProps/custom.xml"), _SAFE_XML)
    return {p.get("name"): "".join(p.itertext()) for p in racine.iter(f"{{{_CUSTOM_NS}}}property")}


def document_properties(donnees: bytes) -> dict[str, str]:
    """Return a .docx's title, subject and author, and its provenance (custom properties)."""
    proprietes = docx.Document(io.BytesIO(donnees)).core_properties
    return {"title": proprietes.title or "", "subject": proprietes.subject or "", "author": proprietes.author or "",
            **read_provenance(donnees)}


_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def write_package(entrees: Sequence[tuple[str, bytes]], texte: list[str] | None = None) -> bytes:
    """Return a zip of *entrees* with fixed timestamps (equal inputs, equal bytes), every XML part parsed
    strictly first: a malformed part is an error, never a corrupt file. *texte*, if given, receives the
    paragraphs of the parts a reader sees, from that same parse."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as cible:
        for nom, contenu in entrees:
            if nom.endswith((".xml", ".rels")):
                try:
                    racine = etree.fromstring(contenu, _SAFE_XML)
                except etree.XMLSyntaxError as exc:
                    raise RenderError(f"partie {nom} mal formée après rendu : {exc}") from exc
                if texte is not None and _VISIBLE.match(nom):
                    texte += _paragraph_texts(racine)
            entree = zipfile.ZipInfo(nom, date_time=_ZIP_DATE)
            entree.compress_type = zipfile.ZIP_DEFLATED
            entree.external_attr = 0o644 << 16
            cible.writestr(entree, contenu)
    return sortie.getvalue()


def render_redline(comparison: Comparison, template: Path, auteur: str, date: dt.datetime) -> bytes:
    """Return a .docx showing *comparison* as real tracked changes (``w:ins``/``w:del``) by *auteur* on *date*,
    which Word and LibreOffice offer to accept or reject: accepting them all gives B's text, rejecting A's."""
    word = _fill_template(template, {"entete": f"{comparison.label_a} → {comparison.label_b}",
                                     "titre": comparison.title, "titre_court": "Comparaison"})
    ids = _style_ids(word)
    _styled(word.add_paragraph(comparison.title), ids["title"])
    _styled(word.add_paragraph(f"A : {comparison.label_a} — B : {comparison.label_b}"), ids["subtitle"])
    for ligne in comparison.summary():
        _styled(word.add_paragraph(ligne), ids["bullet1"])
    marque = {"w:author": auteur, "w:date": date.strftime("%Y-%m-%dT%H:%M:%SZ")}
    numero = iter(range(1, 1_000_000))
    for section in comparison.sections:
        if not section.changed:
            continue
        _styled(word.add_paragraph(f"{section.title} ({section.version_a} → {section.version_b})"), ids["heading2"])
        for paragraphe in section.paragraphs:
            p = _styled(word.add_paragraph(), ids["body"])
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
    proprietes.title, proprietes.author = _property(comparison.title), _property(auteur)
    proprietes.last_modified_by = _property(auteur)
    proprietes.created = proprietes.modified = date.replace(tzinfo=None)
    proprietes.revision = 1
    return _save(word)


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


_TAILLE_GABARIT = 20 * 1024 * 1024
_TAILLE_DEPLIEE = 100 * 1024 * 1024
_TAUX_MAX = 200
_PARTIES_MAX = 2000
_MACROS = ("vbaproject.bin", "vbadata.xml", ".bin")
_MACRO_TYPES = (b"macroEnabled", b"vbaProject")


def check_template(chemin: Path) -> None:
    """Refuse a Word template that is not a plain, self-contained .docx: not a zip, a zip bomb (sizes and
    compression ratios checked before anything is read), macros, or external relationships other than
    hyperlinks (an external ``attachedTemplate`` would survive rendering and be fetched when opened)."""
    nom = chemin.name
    if chemin.suffix.lower() != ".docx":
        raise RenderError(f"gabarit {nom} refusé : seuls les documents .docx sont admis (pas de .docm ni .dotm).")
    if chemin.stat().st_size > _TAILLE_GABARIT:
        raise RenderError(f"gabarit {nom} refusé : plus de {_TAILLE_GABARIT // 2**20} Mo.")
    try:
        paquet = zipfile.ZipFile(chemin)
        entrees = paquet.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise RenderError(f"gabarit {nom} refusé : ce n'est pas un document Word (.docx) valide ({exc}).") from None
    with paquet:
        if len(entrees) > _PARTIES_MAX or sum(e.file_size for e in entrees) > _TAILLE_DEPLIEE:
            raise RenderError(f"gabarit {nom} refusé : son contenu décompressé est démesuré (bombe zip ?).")
        for entree in entrees:
            if entree.file_size > 1024 * 1024 and entree.file_size > _TAUX_MAX * max(entree.compress_size, 1):
                raise RenderError(f"gabarit {nom} refusé : la partie {entree.filename} se décompresse "
                                  f"{entree.file_size // max(entree.compress_size, 1)} fois (bombe zip ?).")
            if entree.filename.lower().endswith(_MACROS):
                raise RenderError(f"gabarit {nom} refusé : il contient des macros ({entree.filename}).")
        noms = {e.filename for e in entrees}
        if "word/document.xml" not in noms or "[Content_Types].xml" not in noms:
            raise RenderError(f"gabarit {nom} refusé : ce n'est pas un document Word (word/document.xml manque).")
        if any(marque in paquet.read("[Content_Types].xml") for marque in _MACRO_TYPES):
            raise RenderError(f"gabarit {nom} refusé : c'est un document à macros.")
        for relations in (n for n in noms if n.endswith(".rels")):
            racine = etree.fromstring(paquet.read(relations), _SAFE_XML)
            for relation in racine:
                genre = relation.get("Type", "").rsplit("/", 1)[-1]
                if relation.get("TargetMode") == "External" and genre != "hyperlink":
                    raise RenderError(f"gabarit {nom} refusé : relation externe « {genre} » vers "
                                      f"{relation.get('Target')} ({relations}).")


_VISIBLE = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


def _paragraph_texts(racine: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in racine.iter(qn("w:p"))]


def docx_text(donnees: bytes) -> str:
    """Return every text a reader sees in a .docx: body, tables, headers, footers, one paragraph a line."""
    paquet = zipfile.ZipFile(io.BytesIO(donnees))
    textes: list[str] = []
    for nom in sorted(paquet.namelist()):
        if _VISIBLE.match(nom):
            textes += _paragraph_texts(etree.fromstring(paquet.read(nom), _SAFE_XML))
    return "\n".join(textes)
