"""WordprocessingML for the assembled blocks: paragraphs, runs, signature tables and computed tables.

The body is written here as XML text and parsed once by :mod:`alize_docs.render.docx` (python-docx inserts
every element with a schema-ordered search: ten times slower on a 30-row schedule). Every user text is
escaped; nothing here knows where the blocks came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from alize_docs.document import Block, Paragraph, Run, SignatureTable, Table, TableRef
from alize_docs.errors import RenderError

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


def blocks_xml(blocks: Sequence[Block], ids: dict[str, str], largeur_utile: float) -> str:
    """Return the WordprocessingML of *blocks*; *ids* maps our styles to the template's style ids, and
    *largeur_utile* is the width between the template's margins, in centimetres."""
    morceaux = []
    gardes = _kept_with_signatures(blocks)
    for i, bloc in enumerate(blocks):
        if isinstance(bloc, SignatureTable):
            morceaux.append(_signature_table_xml(bloc, ids, largeur_utile))
        elif isinstance(bloc, Table):
            morceaux.append(_table_xml(bloc, ids, largeur_utile))
        elif isinstance(bloc, TableRef):
            raise RenderError(f"tableau « {bloc.name} » non calculé")
        elif bloc.style == "pagebreak":
            morceaux.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        else:
            morceaux.append(paragraph_xml(ids[bloc.style], bloc.runs, garder=i in gardes))
    return "".join(morceaux)


def _kept_with_signatures(blocks: Sequence[Block]) -> set[int]:
    """Return the positions of the paragraphs a signature table must not be parted from: the one or two right
    before it (« Fait à …, le … », « Les entreprises partenaires : », « … est signée par : »), so that a
    signature page never stands alone."""
    gardes = set()
    for i, bloc in enumerate(blocks):
        if isinstance(bloc, SignatureTable):
            for j in range(i - 1, max(i - 3, -1), -1):
                precedent = blocks[j]
                if not isinstance(precedent, Paragraph) or precedent.style == "pagebreak":
                    break
                gardes.add(j)
    return gardes


def paragraph_xml(style_id: str, runs: Sequence[Run], gras: bool = False, jc: str = "", garder: bool = False,
                  ) -> str:
    """Return one paragraph of *style_id* holding *runs* (bold if *gras*, aligned by *jc*, kept with the next
    one if *garder*)."""
    proprietes = (f'<w:pStyle w:val="{escape(style_id, _ATTR)}"/>' + ("<w:keepNext/>" if garder else "")
                  + (f'<w:jc w:val="{jc}"/>' if jc else ""))
    return f"<w:p><w:pPr>{proprietes}</w:pPr>{''.join(_run_xml(r, gras) for r in runs)}</w:p>"


def _run_xml(run: Run, gras: bool = False) -> str:
    proprietes = ("<w:b/>" if run.bold or gras else "") + ("<w:i/>" if run.italic else "") + (
        '<w:vertAlign w:val="superscript"/>' if run.superscript else "")
    morceaux = run.text.split("\t")
    texte = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(m)}</w:t>' for m in morceaux)
    return f"<w:r>{f'<w:rPr>{proprietes}</w:rPr>' if proprietes else ''}{texte}</w:r>"


def _twips(centimetres: float) -> int:
    return round(centimetres * 567)


def _signature_table_xml(table: SignatureTable, ids: dict[str, str], largeur_utile: float) -> str:
    largeur = _twips(largeur_utile / 2)
    cellules = []
    for bloc in table.blocks:
        paragraphes = [paragraph_xml(ids["signature"], ligne, gras=n == 0) for n, ligne in enumerate(bloc.lines)]
        paragraphes += ["<w:p/>"] * 4  # room for the signature
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr>{"".join(paragraphes)}</w:tc>')
    if len(cellules) % 2:
        cellules.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
    rangees = "".join(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cellules[i]}{cellules[i + 1]}</w:tr>"
                      for i in range(0, len(cellules), 2))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
            f'<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid><w:gridCol w:w="{largeur}"/><w:gridCol w:w="{largeur}"/>'
            f'</w:tblGrid>{rangees}</w:tbl><w:p><w:pPr><w:spacing w:after="120"/></w:pPr></w:p>')


def _table_xml(table: Table, ids: dict[str, str], largeur_utile: float) -> str:
    largeurs = [_twips(x) for x in (table.widths or _default_widths(len(table.header), largeur_utile))]
    lignes = [(table.header, "header"), *((r.cells, r.kind) for r in table.rows)]
    insecable = len(table.rows) <= LIGNES_INSECABLES
    rangees = []
    for numero, (cellules, genre) in enumerate(lignes):
        en_tete = "<w:tblHeader/>" if genre == "header" else ""
        morceaux = []
        for contenu, largeur in zip(cellules, largeurs, strict=True):
            ombre = (f'<w:shd w:val="clear" w:color="auto" w:fill="{_OMBRES[genre]}"/>' if genre in _OMBRES else "")
            run = Run(contenu.text, bold=genre in ("header", "subtotal", "total"), italic=genre == "group")
            paragraphe = paragraph_xml(ids["table"], (run,), jc="center" if genre == "header" else contenu.align,
                                        garder=insecable and numero < len(table.rows))
            morceaux.append(f'<w:tc><w:tcPr><w:tcW w:w="{largeur}" w:type="dxa"/>{ombre}</w:tcPr>{paragraphe}</w:tc>')
        rangees.append(f"<w:tr><w:trPr><w:cantSplit/>{en_tete}</w:trPr>{''.join(morceaux)}</w:tr>")
    grille = "".join(f'<w:gridCol w:w="{largeur}"/>' for largeur in largeurs)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(ids["grid"], _ATTR)}"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr>'
            f"<w:tblGrid>{grille}</w:tblGrid>{''.join(rangees)}</w:tbl><w:p/>")


def _default_widths(colonnes: int, largeur_utile: float) -> tuple[float, ...]:
    """Give the first (label) column a third of the width or more, the others share the rest."""
    premiere = max(largeur_utile / colonnes, largeur_utile * 0.34)
    return (premiere, *([(largeur_utile - premiere) / (colonnes - 1)] * (colonnes - 1)))
