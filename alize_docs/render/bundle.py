"""The signing bundle as one .docx, made from the pieces already rendered (issue 14: nothing rendered twice).

The bundle is written at the package level: the first piece's parts (styles, numbering, theme, settings) are
kept, a new body joins a cover page and each piece's body, one section each, with that piece's own header
part, a footer of the bundle's own, and a bookmark at the start and at the end of each piece.

Page numbers. LibreOffice (the tool's converter) does not compute ``SECTIONPAGES`` (it prints the stored
value) and, when page numbering restarts in a section, inserts a blank page for parity and counts it in
``NUMPAGES``. So the bundle's numbering runs through it, with no restart: ``PAGE`` and ``NUMPAGES`` are
computed by LibreOffice and Word alike; each piece's range (cover, footers) is a ``PAGEREF`` to its
bookmarks, which LibreOffice computes and Word shows from its stored value. The stored values are exact
when the pieces' page counts are known from a conversion (``--pdf``: the bundle is written again with
them); without one they are « … » — a number is never printed wrong, whatever the application.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from alize_docs.document import AssembledDocument
from alize_docs.domain.programme import DOCUMENTS
from alize_docs.formatting import glyphes
from alize_docs.inputs.carte import Carte
from alize_docs.render.package import SAFE_XML, write_package
from alize_docs.render.provenance import (
    TEXTES_NS,
    clause_text_entries,
    clause_texts_parts,
    custom_properties_xml,
    provenance,
)
from alize_docs.render.wordml import escape

__all__ = ["TITRE_CARTE", "BundleSource", "RenderedPiece", "bundle_docx", "map_piece_docx",
           "signet"]

TITRE_CARTE = "Carte du Territoire"
"""The map's title in the bundle: its cover line, its header and its bookmark."""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_NS = (f'xmlns:w="{_W}" xmlns:r="{_R}" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"')
_INCONNU = "…"
"""The stored value of a page number not known yet (no conversion): never a wrong number."""
_EMU_PAR_TWIP = 635


@dataclass(frozen=True)
class RenderedPiece:
    """A document rendered as a .docx, with what the bundle reuses of it."""

    document: AssembledDocument
    entrees: dict[str, bytes]  # the package's parts by zip name
    corps: str  # the body's WordprocessingML, without its section properties
    section: bytes  # the body's w:sectPr
    styles: dict[str, str]  # our block styles → the template's style ids
    donnees: bytes  # the .docx


@dataclass(frozen=True)
class BundleSource:
    """What the signing bundle is made of: the pieces in order, its title, the map (if given), and whether the
    convention announces one."""

    pieces: tuple[RenderedPiece, ...]
    titre: str
    carte: Carte | None = None
    carte_annoncee: bool = False

    @property
    def titres(self) -> list[str]:
        """The title of each piece, the map last when it is given."""
        return [DOCUMENTS[p.document.kind] for p in self.pieces] + ([TITRE_CARTE] if self.carte else [])

    @property
    def carte_manquante(self) -> bool:
        return self.carte_annoncee and self.carte is None


def signet(numero: int, fin: bool = False) -> str:
    """Return the name of the bookmark at the start (or the end) of piece *numero* (1 for the first)."""
    return f"_AlizePiece{numero}{'Fin' if fin else ''}"


def _t(texte: str, rpr: str = "") -> str:
    """A run of *texte* as printed (typographic apostrophes and spaces, as in the pieces)."""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(glyphes(texte, traits=False))}</w:t></w:r>'


def _champ(instruction: str, valeur: str, rpr: str = "") -> str:
    """A complex field with its stored value (what an application shows before it computes the field)."""
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>{_t(valeur, rpr)}'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def _p(style: str, contenu: str, jc: str = "", extra: str = "") -> str:
    alignement = f'<w:jc w:val="{jc}"/>' if jc else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{escape(style)}"/>{extra}{alignement}</w:pPr>{contenu}</w:p>'


@dataclass(frozen=True)
class _Plan:
    """Where each piece starts and ends in the bundle (None: not known without a conversion)."""

    debuts: tuple[int | None, ...]
    fins: tuple[int | None, ...]
    total: int | None

    @classmethod
    def of(cls, pieces: int, pages: Sequence[int] | None) -> _Plan:
        if pages is None:
            return cls((None,) * pieces, (None,) * pieces, None)
        debuts, fins, page = [], [], 1 + pages[0]
        for n in pages[1:]:
            debuts.append(page)
            fins.append(page + n - 1)
            page += n
        return cls(tuple(debuts), tuple(fins), page - 1)

    def plage(self, k: int, une_page: bool, rpr: str = "") -> str:
        """« pages 3 à 11 » (or « page 14 ») for piece *k* (0 for the first), as PAGEREF fields."""
        debut, fin = self.debuts[k], self.fins[k]

        def valeur(n: int | None) -> str:
            return str(n) if n is not None else _INCONNU

        if une_page or (debut is not None and debut == fin):
            return _t("page ", rpr) + _champ(f"PAGEREF {signet(k + 1)} \\h", valeur(debut), rpr)
        return (_t("pages ", rpr) + _champ(f"PAGEREF {signet(k + 1)} \\h", valeur(debut), rpr) + _t(" à ", rpr)
                + _champ(f"PAGEREF {signet(k + 1, fin=True)} \\h", valeur(fin), rpr))


def _footer(plan: _Plan, page: int | None, suite: str = "") -> bytes:
    rpr = '<w:rPr><w:sz w:val="18"/></w:rPr>'
    total = str(plan.total) if plan.total is not None else _INCONNU
    contenu = (_t("Dossier de signature, page ", rpr) + _champ("PAGE", str(page) if page else _INCONNU, rpr)
               + _t(" sur ", rpr) + _champ("NUMPAGES", total, rpr) + suite)
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:ftr {_NS}>"
            f"{_p('Footer', contenu, jc='center')}</w:ftr>").encode()


def _entete(piece: RenderedPiece) -> str:
    """The header text of *piece* as printed (typographic glyphs, no no-break hyphens in a header)."""
    return glyphes(piece.document.header, traits=False)


def _header(titre: str, entete: str) -> bytes:
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:hdr {_NS}>"
            f"{_p('Header', _t(titre) + '<w:r><w:tab/></w:r>' + _t(entete))}</w:hdr>").encode()


def _cover(source: BundleSource, plan: _Plan) -> str:
    ids = source.pieces[0].styles
    premier = source.pieces[0].document
    morceaux = [_p(ids["title"], _t("DOSSIER DE SIGNATURE")), _p(ids["subtitle"], _t(premier.title)),
                _p(ids["body"], _t("Le présent dossier réunit, dans l'ordre, les pièces suivantes :"))]
    rangees = []

    def cellule(contenu: str, jc: str, largeur: int) -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr>'
                f'{_p(ids["table"], contenu, jc=jc)}</w:tc>')

    gras = "<w:rPr><w:b/></w:rPr>"
    rangees.append(f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{cellule(_t('Pièce', gras), 'center', 4500)}"
                   f"{cellule(_t('Pages du dossier', gras), 'center', 2500)}</w:tr>")
    for k, titre in enumerate(source.titres):
        lien = f'<w:hyperlink w:anchor="{signet(k + 1)}" w:history="1">{_t(titre)}</w:hyperlink>'
        une_page = source.carte is not None and k == len(source.pieces)
        rangees.append(f"<w:tr>{cellule(lien, 'left', 4500)}{cellule(plan.plage(k, une_page), 'right', 2500)}</w:tr>")
    morceaux.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(ids["grid"])}"/><w:tblW w:w="7000" w:type="dxa"/>'
                    f'<w:jc w:val="center"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid><w:gridCol w:w="4500"/>'
                    f'<w:gridCol w:w="2500"/></w:tblGrid>{"".join(rangees)}</w:tbl><w:p/>')
    total = str(plan.total) if plan.total is not None else _INCONNU
    morceaux.append(_p(ids["body"], _t("Le dossier compte ") + _champ("NUMPAGES", total)
                       + _t(" pages, page de garde comprise.")))
    if source.carte_manquante:
        morceaux.append(_p(ids["body"], _t(
            "La carte du Territoire annoncée à l'article 2 de la convention n'est pas jointe à ce fichier : "
            "elle est annexée sur papier.")))
    return "".join(morceaux)


def _map_body(carte: Carte, ids: dict[str, str], section: etree._Element) -> str:
    titre = _p(ids["title"], _t(TITRE_CARTE.upper()))
    if carte.genre == "pdf":
        pages = f"{carte.pages} page{'s' if carte.pages > 1 else ''}"
        return titre + _p(ids["body"], _t(
            f"La carte du Territoire (fichier {carte.nom}, {pages}) est jointe, à cette place, au dossier de "
            "signature en PDF."))
    largeur_max, hauteur_max = _zone(section)
    largeur = carte.pixels[0] / max(carte.dpi[0], 1) * 914400
    hauteur = carte.pixels[1] / max(carte.dpi[1], 1) * 914400
    echelle = min(largeur_max / largeur, hauteur_max / hauteur)
    cx, cy = round(largeur * echelle), round(hauteur * echelle)
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    pic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
    nom = escape(carte.nom, {'"': "&quot;"})
    dessin = (f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
              f'<wp:docPr id="1" name="{TITRE_CARTE}" descr="{nom}"/><wp:cNvGraphicFramePr>'
              f'<a:graphicFrameLocks xmlns:a="{a}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
              f'<a:graphic xmlns:a="{a}"><a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}"><pic:nvPicPr>'
              f'<pic:cNvPr id="0" name="{nom}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
              f'<a:blip r:embed="rIdAlizeCarte"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
              f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect">'
              f'<a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>'
              f'</w:r>')
    return titre + _p(ids["center"], dessin, jc="center")


def _zone(section: etree._Element) -> tuple[float, float]:
    """The room for the map on its page, in EMU: between the margins, below its title."""
    taille, marges = section.find(f"{{{_W}}}pgSz"), section.find(f"{{{_W}}}pgMar")

    def mesure(element: etree._Element | None, nom: str, defaut: int) -> int:
        return int(element.get(f"{{{_W}}}{nom}", defaut)) if element is not None else defaut

    largeur = mesure(taille, "w", 11906) - mesure(marges, "left", 1417) - mesure(marges, "right", 1417)
    hauteur = mesure(taille, "h", 16838) - mesure(marges, "top", 1417) - mesure(marges, "bottom", 1417)
    return largeur * _EMU_PAR_TWIP, (hauteur - 2600) * _EMU_PAR_TWIP  # 2 600 twips: the title and its spacing


def _signets(numero: int, ident: int, fin: bool) -> str:
    return (f'<w:bookmarkStart w:id="{ident}" w:name="{signet(numero, fin)}"/>'
            f'<w:bookmarkEnd w:id="{ident}"/>')


def _piece(corps: str, numero: int, ident: int, section: etree._Element | None) -> str:
    """Return a piece's body with a bookmark before its first word and one after its last (the page where it
    ends, when its last paragraph runs over a page), its section properties in its last paragraph (a paragraph
    of their own would add a line, and maybe a page). The body is the WordprocessingML this package writes
    (:func:`alize_docs.render.wordml.blocks_xml`): top-level paragraphs open with ``<w:p><w:pPr>``."""
    if numero:
        if corps.startswith("<w:p><w:pPr>"):
            fin_ppr = corps.index("</w:pPr>") + len("</w:pPr>")
            corps = corps[:fin_ppr] + _signets(numero, ident, False) + corps[fin_ppr:]
        else:
            corps = _signets(numero, ident, False) + corps
    fin = _signets(numero, ident + 1, True) if numero else ""
    proprietes = _xml(section) if section is not None else ""
    if corps.endswith("<w:p/>"):
        return corps[:-len("<w:p/>")] + f"<w:p><w:pPr>{proprietes}</w:pPr>{fin}</w:p>"
    if corps.endswith("</w:p>") and (debut := corps.rfind("<w:p>")) >= 0:
        dernier = corps[debut:]
        if dernier.startswith("<w:p><w:pPr>"):
            fin_ppr = dernier.index("</w:pPr>")
            dernier = dernier[:fin_ppr] + proprietes + dernier[fin_ppr:]
        else:
            dernier = f"<w:p><w:pPr>{proprietes}</w:pPr>" + dernier[len("<w:p>"):]
        return corps[:debut] + dernier[:-len("</w:p>")] + fin + "</w:p>"
    return corps + f"<w:p><w:pPr>{proprietes}</w:pPr>{fin}</w:p>"


def _xml(element: etree._Element) -> str:
    etree.cleanup_namespaces(element, top_nsmap={"w": _W, "r": _R})
    texte = str(etree.tostring(element, encoding="unicode"))
    return texte.replace(f' xmlns:w="{_W}"', "").replace(f' xmlns:r="{_R}"', "")


@dataclass
class _Paquet:
    """The bundle's package being built from the first piece's."""

    base: RenderedPiece
    parties: dict[str, bytes] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # id, type, target
    types: dict[str, str] = field(default_factory=dict)  # part name → content type
    defauts: dict[str, str] = field(default_factory=dict)  # extension → content type

    def part(self, nom: str, donnees: bytes, genre: str, type_contenu: str | None) -> str:
        ident = f"rIdAlize{len(self.relations) + 1}"
        self.parties[f"word/{nom}"] = donnees
        self.relations.append((ident, _RT + genre, nom))
        if type_contenu:
            self.types[f"/word/{nom}"] = type_contenu
        return ident


def _section(modele: bytes, entetes: Sequence[tuple[str, str]], pied: str | None) -> etree._Element:
    """A copy of a piece's section properties with the bundle's header and footer references, no restart of
    the page numbers, starting on a new page."""
    section = etree.fromstring(modele, SAFE_XML)
    types_pieds = set()
    for enfant in list(section):
        nom = etree.QName(enfant).localname
        if nom in ("headerReference", "footerReference", "pgNumType", "type"):
            if nom == "footerReference":
                types_pieds.add(enfant.get(f"{{{_W}}}type", "default"))
            section.remove(enfant)
    references = [("headerReference", genre, ident) for genre, ident in entetes]
    if pied is not None:
        references += [("footerReference", genre, pied) for genre in sorted(types_pieds | {"default"})]
    for position, (balise, genre, ident) in enumerate(references):
        section.insert(position, etree.Element(f"{{{_W}}}{balise}", {f"{{{_W}}}type": genre, f"{{{_R}}}id": ident}))
    return section


def _piece_headers(piece: RenderedPiece, paquet: _Paquet, numero: int) -> list[tuple[str, str]]:
    """Copy a piece's own header parts (filled from its template) into the bundle: (type, relationship id)."""
    section = etree.fromstring(piece.section, SAFE_XML)
    cibles = {r.get("Id"): r.get("Target") for r in etree.fromstring(
        piece.entrees["word/_rels/document.xml.rels"], SAFE_XML)}
    entetes = []
    for reference in section.iter(f"{{{_W}}}headerReference"):
        cible = cibles.get(reference.get(f"{{{_R}}}id"))
        if cible is None or f"word/{cible}" not in piece.entrees:
            continue
        nom = f"header-piece{numero}-{reference.get(f'{{{_W}}}type', 'default')}.xml"
        ident = paquet.part(nom, piece.entrees[f"word/{cible}"], "header", _CT_HEADER)
        relations = piece.entrees.get(f"word/_rels/{cible}.rels")
        if relations is not None:  # a header's own images: the same template, the same media parts
            paquet.parties[f"word/_rels/{nom}.rels"] = relations
        entetes.append((reference.get(f"{{{_W}}}type", "default"), ident))
    return entetes


def bundle_docx(source: BundleSource, pages: Sequence[int] | None = None) -> bytes:
    """Return the signing bundle's .docx. *pages*: the page count of each section (cover, pieces, map) from a
    conversion, giving the page numbers' stored values; None when there was no conversion."""
    plan = _Plan.of(len(source.titres), pages)
    base = source.pieces[0]
    paquet = _Paquet(base)
    pied = paquet.part("footer-garde.xml", _footer(plan, 1 if pages else None), "footer", _CT_FOOTER)
    corps = [_piece(_cover(source, plan), 0, 0, _section(base.section, [], pied))]
    fin_du_corps = None
    for k, piece in enumerate(source.pieces):
        entetes = _piece_headers(piece, paquet, k + 1)
        rpr = '<w:rPr><w:sz w:val="18"/></w:rPr>'
        suite = _t(f" — {DOCUMENTS[piece.document.kind]} : ", rpr) + plan.plage(k, False, rpr)
        pied = paquet.part(f"footer-piece{k + 1}.xml", _footer(plan, plan.debuts[k], suite), "footer", _CT_FOOTER)
        section = _section(piece.section, entetes, pied)
        if k == len(source.pieces) - 1 and source.carte is None:
            corps.append(_piece(piece.corps, k + 1, 10 + 2 * k, None))
            fin_du_corps = section
        else:
            corps.append(_piece(piece.corps, k + 1, 10 + 2 * k, section))
    if source.carte is not None:
        texte, fin_du_corps = _map_section(source, paquet, plan, len(source.pieces))
        corps.append(texte)
    assert fin_du_corps is not None
    corps.append(_xml(fin_du_corps))
    textes = [e for p in source.pieces for e in clause_text_entries(p.document)]
    return _write(paquet, "".join(corps), source.titre, _bundle_properties(source),
                  clause_texts_parts(textes) if textes else None)


def _map_section(source: BundleSource, paquet: _Paquet, plan: _Plan, k: int) -> tuple[str, etree._Element]:
    assert source.carte is not None
    base = source.pieces[0]
    modele = etree.fromstring(base.section, SAFE_XML)
    texte = _piece(_map_body(source.carte, base.styles, modele), k + 1, 10 + 2 * k, None)
    entete = paquet.part("header-carte.xml", _header(TITRE_CARTE, _entete(base)), "header", _CT_HEADER)
    rpr = '<w:rPr><w:sz w:val="18"/></w:rPr>'
    suite = _t(f" — {TITRE_CARTE} : ", rpr) + plan.plage(k, True, rpr)
    pied = paquet.part("footer-carte.xml", _footer(plan, plan.debuts[k], suite), "footer", _CT_FOOTER)
    if source.carte.genre != "pdf":
        _add_image(paquet, source.carte)
    return texte, _section(base.section, [("default", entete)], pied)


def _add_image(paquet: _Paquet, carte: Carte) -> None:
    extension = "png" if carte.genre == "png" else "jpeg"
    paquet.parties[f"word/media/alize-carte.{extension}"] = carte.donnees
    paquet.relations.append(("rIdAlizeCarte", _RT + "image", f"media/alize-carte.{extension}"))
    paquet.defauts[extension] = f"image/{extension}"


def map_piece_docx(source: BundleSource) -> bytes | None:
    """Return the map alone as a .docx (its header, its title, the image), for the bundle's PDF; None unless the
    map is an image (a PDF map's pages go into the bundle's PDF as they are)."""
    if source.carte is None or source.carte.genre == "pdf":
        return None
    base = source.pieces[0]
    paquet = _Paquet(base)
    modele = etree.fromstring(base.section, SAFE_XML)
    entete = paquet.part("header-carte.xml", _header(TITRE_CARTE, _entete(base)), "header", _CT_HEADER)
    _add_image(paquet, source.carte)
    texte = _map_body(source.carte, base.styles, modele) + _xml(_section(base.section, [("default", entete)], None))
    origine = provenance(base.document)
    return _write(paquet, texte, TITRE_CARTE, custom_properties_xml(origine))


def _bundle_properties(source: BundleSource) -> bytes:
    premier = source.pieces[0].document
    clauses = tuple(c for p in source.pieces for c in p.document.clauses)
    empreinte = premier.input_sha256  # the map's bytes are inputs of the bundle too
    if source.carte is not None:
        empreinte = hashlib.sha256(f"{empreinte}|carte:{source.carte.sha256}".encode()).hexdigest()
    ensemble = AssembledDocument("dossier-signature", source.titre, source.titre, premier.subject, premier.header,
                                 premier.author, premier.date, premier.modele, (), clauses, empreinte)
    return custom_properties_xml(provenance(ensemble, tuple(p.document.kind for p in source.pieces)))


def _write(paquet: _Paquet, corps: str, titre: str, proprietes: bytes,
           textes: tuple[bytes, bytes] | None = None) -> bytes:
    """Write the package: the first piece's parts but its body, header, footer and properties, then ours;
    *textes*: the clause texts of every piece (item and properties parts), in place of the first piece's."""
    base = paquet.base.entrees
    document = base["word/document.xml"]
    entete = document[:document.index(b"<w:body>")].decode()
    rels = etree.fromstring(base["word/_rels/document.xml.rels"], SAFE_XML)
    retirees = set()
    for relation in list(rels):
        if relation.get("Type", "").rsplit("/", 1)[-1] in ("header", "footer"):
            retirees.add("word/" + relation.get("Target", ""))
            rels.remove(relation)
    for ident, genre, cible in paquet.relations:
        etree.SubElement(rels, f"{{{_PKG_R}}}Relationship", Id=ident, Type=genre, Target=cible)
    types = etree.fromstring(base["[Content_Types].xml"], SAFE_XML)
    for element in list(types):
        if element.get("PartName", "")[1:] in retirees:
            types.remove(element)
    connues = {e.get("Extension") for e in types if e.tag == f"{{{_CT}}}Default"}
    for extension, genre in paquet.defauts.items():
        if extension not in connues:
            types.insert(0, etree.Element(f"{{{_CT}}}Default", Extension=extension, ContentType=genre))
    for nom, genre in paquet.types.items():
        etree.SubElement(types, f"{{{_CT}}}Override", PartName=nom, ContentType=genre)
    remplacees = {
        "[Content_Types].xml": etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True),
        "word/document.xml": f"{entete}<w:body>{corps}</w:body></w:document>".encode(),
        "word/_rels/document.xml.rels": etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                       standalone=True),
        "docProps/core.xml": _core(base["docProps/core.xml"], titre),
        "docProps/custom.xml": proprietes,
    }
    for nom, donnees in base.items():  # the first piece's clause texts become every piece's
        if textes is not None and nom.startswith("customXml/item") and TEXTES_NS.encode() in donnees[:300]:
            remplacees[nom] = textes[0]
            remplacees[nom.replace("/item", "/itemProps")] = textes[1]
    sortie = []
    for nom, donnees in base.items():
        if nom in retirees or nom.removeprefix("word/_rels/").removesuffix(".rels") in {
                r.removeprefix("word/") for r in retirees}:
            continue
        sortie.append((nom, remplacees.get(nom, donnees)))
    sortie += list(paquet.parties.items())
    return write_package(sortie)


def _core(xml: bytes, titre: str) -> bytes:
    """The first piece's core properties with the bundle's title."""
    from alize_docs.render.docx import core_property  # one definition of the 255-character bound

    texte = escape(core_property(titre))
    remplacement = f"<dc:title>{texte}</dc:title>".encode()  # a user's backslash is no group reference
    return bytes(re.sub(rb"<dc:title>.*?</dc:title>", lambda _: remplacement, xml, count=1, flags=re.S))
