"""WordprocessingML for the assembled blocks: paragraphs, runs, signature tables and computed tables.

The body is written here as XML text and parsed once by :mod:`alize_docs.render.docx` (python-docx inserts
every element with a schema-ordered search: ten times slower on a 30-row schedule). Every user text is
escaped; nothing here knows where the blocks came from.

Page breaks, as Word and LibreOffice honour them: a heading (``keepNext``, ``keepLines``) and a paragraph ending
with « : » stay with what follows; « Fait à … » and the lines before a signature table stay with its first row;
a signature block is one cell of a row that never splits (``cantSplit``), and its lines do not ask to be kept
with the next row, so a long table of signatures breaks between blocks; a computed table of up to
:data:`LIGNES_INSECABLES` rows stays on one page, a longer one repeats its header row (``tblHeader``) on each
page and never leaves its header, first or last row alone. A paragraph holding a long unbreakable run (an IBAN
in groups joined by no-break spaces) is aligned left, not justified into gaps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from alize_docs.assembly.tables import column_widths
from alize_docs.document import Block, Paragraph, Run, SignatureTable, Table, TableRef
from alize_docs.errors import RenderError
from alize_docs.formatting import TRAIT_INSECABLE, glyphes

__all__ = ["LIGNES_INSECABLES", "blocks_xml", "paragraph_xml"]

LIGNES_INSECABLES = 25
"""A table up to this many rows is kept on one page."""

_ATTR = {'"': "&quot;"}


def escape(texte: str, entites: Mapping[str, str] = {}) -> str:
    """``xml.sax.saxutils.escape``, without its import of ``urllib.request`` (and ``http``, ``email``…) at start-up."""
    texte = texte.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for caractere, entite in entites.items():
        texte = texte.replace(caractere, entite)
    return texte
_OMBRES = {"header": "D9D9D9", "total": "F2F2F2"}
_TITRES = frozenset({"title", "subtitle", "heading1", "heading2", "heading3"})
_JUSTIFIES = frozenset({"body", "bullet1", "bullet2"})
_IBAN_GROUPES = re.compile(r"\b[A-Z]{2}\d{2}(?:\u00a0[0-9A-Z]{1,4}){3,}")
_COUPURES = re.compile(r"[ \t\n-]")


def _insecable(texte: str) -> bool:
    """What no line can break and justification would leave gaps around: an IBAN in groups joined by no-break
    spaces (33 characters for a French one), or any run of 30 characters (an address on the web).

    >>> _insecable("IBAN FR76\u00a03000\u00a04008\u00a02300"), _insecable("un texte ordinaire")
    (True, False)
    """
    if "\u00a0" in texte and _IBAN_GROUPES.search(texte):
        return True
    return len(texte) >= 30 and max(map(len, _COUPURES.split(texte))) >= 30


def blocks_xml(blocks: Sequence[Block], ids: dict[str, str], largeur_utile: float, taille_tableau: float = 9.5,
               ) -> str:
    """Return the WordprocessingML of *blocks*; *ids* maps our styles to the template's style ids,
    *largeur_utile* is the width between the template's margins, in centimetres, and *taille_tableau* the size of
    its table style's font, in points."""
    morceaux = []
    gardes = _kept_with_signatures(blocks)
    for i, bloc in enumerate(blocks):
        if isinstance(bloc, SignatureTable):
            morceaux.append(_signature_table_xml(bloc, ids, largeur_utile))
        elif isinstance(bloc, Table):
            morceaux.append(_table_xml(bloc, ids, largeur_utile, taille_tableau))
        elif isinstance(bloc, TableRef):
            raise RenderError(f"tableau « {bloc.name} » non calculé")
        elif bloc.style == "pagebreak":
            morceaux.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        else:
            texte = bloc.text
            garder = i in gardes or bloc.style in _TITRES or texte.rstrip().endswith(":")
            jc = "left" if bloc.style in _JUSTIFIES and _insecable(texte) else ""
            morceaux.append(paragraph_xml(ids[bloc.style], bloc.runs, jc=jc, garder=garder,
                                          lignes=bloc.style in _TITRES))
    return "".join(morceaux)


def _kept_with_signatures(blocks: Sequence[Block]) -> set[int]:
    """Return the positions of the paragraphs a table must not be parted from: the one or two right before it
    (« Fait à …, le … », « Les entreprises partenaires : », « … est signée par : »; a heading and a caption), so
    that a signature page never stands alone and a table never stands without its title."""
    gardes = set()
    for i, bloc in enumerate(blocks):
        if isinstance(bloc, SignatureTable | Table):  # a table, too, keeps its heading and its caption
            for j in range(i - 1, max(i - 3, -1), -1):
                precedent = blocks[j]
                if not isinstance(precedent, Paragraph) or precedent.style == "pagebreak":
                    break
                gardes.add(j)
    return gardes


def paragraph_xml(style_id: str, runs: Sequence[Run], gras: bool = False, jc: str = "", garder: bool | None = False,
                  lignes: bool = False) -> str:
    """Return one paragraph of *style_id* holding *runs* (bold if *gras*, aligned by *jc*, kept with the next
    one if *garder*, not kept with it whatever its style says if *garder* is None, its lines kept together if
    *lignes*)."""
    garde = {True: "<w:keepNext/>", None: '<w:keepNext w:val="0"/>', False: ""}[garder]
    proprietes = (f'<w:pStyle w:val="{escape(style_id, _ATTR)}"/>' + garde + ("<w:keepLines/>" if lignes else "")
                  + (f'<w:jc w:val="{jc}"/>' if jc else ""))
    return f"<w:p><w:pPr>{proprietes}</w:pPr>{''.join(_run_xml(r, gras) for r in _typographic(runs))}</w:p>"


def _typographic(runs: Sequence[Run]) -> list[Run]:
    """Return *runs* with the printing glyphs of :func:`~alize_docs.formatting.glyphes`, applied to the paragraph's
    whole text (a « ; » opening a run still gets its space) and cut again at the same places."""
    texte = glyphes("".join(r.text for r in runs))
    resultat, debut = [], 0
    for run in runs:
        fin = debut + len(run.text)
        resultat.append(Run(texte[debut:fin], run.bold, run.italic, run.superscript))
        debut = fin
    return resultat


def _run_xml(run: Run, gras: bool = False) -> str:
    proprietes = ("<w:b/>" if run.bold or gras else "") + ("<w:i/>" if run.italic else "") + (
        '<w:vertAlign w:val="superscript"/>' if run.superscript else "")
    texte = "<w:tab/>".join("<w:noBreakHyphen/>".join(f'<w:t xml:space="preserve">{escape(m)}</w:t>'
                                                      for m in morceau.split(TRAIT_INSECABLE))
                            for morceau in run.text.split("\t"))
    return f"<w:r>{f'<w:rPr>{proprietes}</w:rPr>' if proprietes else ''}{texte}</w:r>"


def _twips(centimetres: float) -> int:
    return round(centimetres * 567)


def _signature_table_xml(table: SignatureTable, ids: dict[str, str], largeur_utile: float) -> str:
    largeur = _twips(largeur_utile / 2)
    cellules = []
    for bloc in table.blocks:
        # the row does not split; a line kept with the next would keep the row with the next row, and a table
        # of many blocks would move whole to the next page, leaving « Fait à … » alone
        paragraphes = [paragraph_xml(ids["signature"], ligne, gras=n == 0, garder=None)
                       for n, ligne in enumerate(bloc.lines)]
        paragraphes += ["<w:p/>"] * 4  # room for the signature
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr>{"".join(paragraphes)}</w:tc>')
    if len(cellules) % 2:
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
    rangees = "".join(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cellules[i]}{cellules[i + 1]}</w:tr>"
                      for i in range(0, len(cellules), 2))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
            f'<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid><w:gridCol w:w="{largeur}"/><w:gridCol w:w="{largeur}"/>'
            f'</w:tblGrid>{rangees}</w:tbl><w:p><w:pPr><w:spacing w:after="120"/></w:pPr></w:p>')


def _table_xml(table: Table, ids: dict[str, str], largeur_utile: float, taille: float) -> str:
    largeurs = [_twips(x) for x in (table.widths or column_widths(table, largeur_utile, taille))]
    lignes = [(table.header, "header"), *((r.cells, r.kind) for r in table.rows)]
    dernier = len(table.rows)
    if dernier <= LIGNES_INSECABLES:
        gardes = set(range(dernier))  # every row with the next: the table on one page
    else:
        gardes = {0, 1, dernier - 1}  # the header with the first row, the first with the second, the last two
        gardes |= {n for n, r in enumerate(table.rows, start=1) if r.kind == "group"}  # a group with its first row
    rangees = []
    for numero, (cellules, genre) in enumerate(lignes):
        en_tete = "<w:tblHeader/>" if genre == "header" else ""
        morceaux = []
        for contenu, largeur in zip(cellules, largeurs, strict=True):
            ombre = (f'<w:shd w:val="clear" w:color="auto" w:fill="{_OMBRES[genre]}"/>' if genre in _OMBRES else "")
            run = Run(contenu.text, bold=genre in ("header", "subtotal", "total"), italic=genre == "group")
            paragraphe = paragraph_xml(ids["table"], (run,), jc="center" if genre == "header" else contenu.align,
                                        garder=numero in gardes)
            morceaux.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/>{ombre}</w:tcPr>{paragraphe}</w:tc>')
        rangees.append(f"<w:tr><w:trPr><w:cantSplit/>{en_tete}</w:trPr>{''.join(morceaux)}</w:tr>")
    grille = "".join(f'<w:gridCol w:w="{largeur}"/>' for largeur in largeurs)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(ids["grid"], _ATTR)}"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr>'
            f"<w:tblGrid>{grille}</w:tblGrid>{''.join(rangees)}</w:tbl><w:p/>")

