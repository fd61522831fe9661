"""Build the Word templates in ``templates/`` from python-docx's default document.

The templates are committed; this script says exactly how they were made, so a change of style is
a reviewed change of this file. A designer may also edit a template in Word directly: the renderer
only needs the style names below and the ``{{ … }}`` fields of the header and footer.

Run: ``python tools/build_templates.py`` (then commit ``templates/*.docx``).
"""

from __future__ import annotations

import copy
import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

POLICE = "Times New Roman"
SORTIE = Path(__file__).resolve().parent.parent / "templates"


def _field(paragraph: docx.text.paragraph.Paragraph, instruction: str) -> None:
    champ = OxmlElement("w:fldSimple")
    champ.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    texte = OxmlElement("w:t")
    texte.text = "1"
    run.append(texte)
    champ.append(run)
    paragraph._p.append(champ)


def _style(document: docx.Document, nom: str, *, taille: float, gras: bool = False, italique: bool = False,
           avant: float = 0, apres: float = 6, centre: bool = False, suivant: bool = False,
           majuscules: bool = False) -> None:
    style = document.styles[nom]
    police = style.font
    police.name, police.size, police.bold, police.italic = POLICE, Pt(taille), gras, italique
    police.color.rgb = RGBColor(0, 0, 0)
    police.all_caps = majuscules
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attribut in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts is not None and fonts.get(qn(attribut)) is not None:
            del fonts.attrib[qn(attribut)]
    format_ = style.paragraph_format
    format_.space_before, format_.space_after = Pt(avant), Pt(apres)
    format_.keep_with_next = suivant
    if suivant:  # a heading: kept with its first paragraph, and on one page
        format_.keep_together = True
    if centre:
        format_.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _dash_bullets(document: docx.Document) -> None:
    """Make the bullets of « List Bullet » and « List Bullet 2 » the en dash of French contracts."""
    numerotation = document.part.numbering_part.element
    for num_id in ("1", "2"):
        num = numerotation.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        abstrait = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        niveau = numerotation.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstrait}']/{qn('w:lvl')}")
        niveau.find(qn("w:lvlText")).set(qn("w:val"), "–")
        rpr = niveau.find(qn("w:rPr"))
        if rpr is not None:
            niveau.remove(rpr)


def _settings(document: docx.Document) -> None:
    """Make python-docx's settings.xml valid against ECMA-376 and French: ``w:zoom`` gets its required
    ``w:percent``; the theme fonts, the decimal symbol and the list separator are those of fr-FR; ``m:smallFrac``
    says ``off`` (the 1st edition's ST_OnOff has no ``0``); the proofing state, which claimed the spelling and
    grammar of a text never checked were « clean », goes."""
    reglages = document.settings.element
    reglages.find(qn("w:zoom")).set(qn("w:percent"), "100")
    etat = reglages.find(qn("w:proofState"))
    if etat is not None:
        reglages.remove(etat)
    langues = reglages.find(qn("w:themeFontLang"))
    for attribut in list(langues.attrib):
        del langues.attrib[attribut]
    langues.set(qn("w:val"), "fr-FR")
    reglages.find(qn("w:decimalSymbol")).set(qn("w:val"), ",")
    reglages.find(qn("w:listSeparator")).set(qn("w:val"), ";")
    fraction = reglages.find(f"{qn('m:mathPr')}/{qn('m:smallFrac')}")
    if fraction is not None:
        fraction.set(qn("m:val"), "off")


USED = {"Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2",
        "Centré", "Signature ALIZÉ", "Tableau ALIZÉ", "Table Grid", "Header", "Footer"}


def _trim_styles(document: docx.Document) -> None:
    """Keep the styles the renderer uses, what they are based on or linked to, and the defaults; drop the
    other 150 of python-docx's default template and the latent-style table (Word rebuilds it)."""
    racine = document.styles.element
    par_id = {s.get(qn("w:styleId")): s for s in racine.findall(qn("w:style"))}
    noms = {s.find(qn("w:name")).get(qn("w:val")).lower(): i for i, s in par_id.items()}
    garder = {noms[n.lower()] for n in USED} | {i for i, s in par_id.items() if s.get(qn("w:default")) == "1"}
    a_voir = list(garder)
    while a_voir:
        style = par_id[a_voir.pop()]
        for lien in ("w:basedOn", "w:link", "w:next"):
            cible = style.find(qn(lien))
            if cible is not None and cible.get(qn("w:val")) in par_id and cible.get(qn("w:val")) not in garder:
                garder.add(cible.get(qn("w:val")))
                a_voir.append(cible.get(qn("w:val")))
    for ident, style in par_id.items():
        if ident not in garder:
            racine.remove(style)
    latents = racine.find(qn("w:latentStyles"))
    if latents is not None:
        racine.remove(latents)


def build(pied: str) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)

    defauts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    langue = defauts.find(qn("w:lang"))
    if langue is None:
        langue = OxmlElement("w:lang")
    langue.set(qn("w:val"), "fr-FR")
    langue.set(qn("w:eastAsia"), "fr-FR")
    langue.set(qn("w:bidi"), "fr-FR")
    if langue.getparent() is None:
        defauts.append(langue)
    _settings(document)

    _style(document, "Normal", taille=11)
    document.styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _style(document, "Title", taille=18, gras=True, centre=True, avant=24, apres=12, suivant=True)
    titre = document.styles["Title"].element.get_or_add_pPr()
    for bordure in titre.findall(qn("w:pBdr")):
        titre.remove(bordure)
    _style(document, "Subtitle", taille=12, gras=True, centre=True, apres=12, suivant=True)
    _style(document, "Heading 1", taille=12, gras=True, avant=18, apres=6, suivant=True)
    _style(document, "Heading 2", taille=11, gras=True, avant=12, apres=6, suivant=True)
    _style(document, "Heading 3", taille=11, gras=True, italique=True, avant=12, apres=6, suivant=True)
    for nom in ("List Bullet", "List Bullet 2"):
        _style(document, nom, taille=11, apres=3)
    centre = document.styles.add_style("Centré", WD_STYLE_TYPE.PARAGRAPH)
    centre.base_style = document.styles["Normal"]
    centre.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    centre.paragraph_format.space_before = Pt(12)
    signature = document.styles.add_style("Signature ALIZÉ", WD_STYLE_TYPE.PARAGRAPH)
    signature.base_style = document.styles["Normal"]
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    signature.paragraph_format.space_after = Pt(0)  # a block is one cell of a row that never splits: no keepNext,
    # which in a table keeps the row with the next one (a long table of signatures would then move whole)
    tableau = document.styles.add_style("Tableau ALIZÉ", WD_STYLE_TYPE.PARAGRAPH)
    tableau.base_style = document.styles["Normal"]
    tableau.font.size = Pt(9.5)
    tableau.paragraph_format.space_before = Pt(1)
    tableau.paragraph_format.space_after = Pt(1)
    tableau.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for nom in ("Header", "Footer"):
        _style(document, nom, taille=9, apres=0)
        taquets = document.styles[nom].paragraph_format.tab_stops
        taquets.clear_all()
        taquets.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)
    _dash_bullets(document)
    _trim_styles(document)

    entete = section.header.paragraphs[0]
    entete.add_run("{{ titre_court }}\t{{ entete }}")
    pied_de_page = section.footer.paragraphs[0]
    pied_de_page.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pied_de_page.add_run("Page ")
    _field(pied_de_page, "PAGE")
    pied_de_page.add_run(" sur ")
    _field(pied_de_page, "NUMPAGES")
    if pied:
        pied_de_page.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        pied_de_page.add_run(f"\t{pied}")

    corps = document.element.body
    for enfant in list(corps):
        if enfant.tag != qn("w:sectPr"):
            corps.remove(enfant)
    proprietes = document.core_properties
    proprietes.author, proprietes.title, proprietes.comments = "alize-docs", "", ""
    proprietes.last_modified_by, proprietes.revision = "alize-docs", 1
    proprietes.language = "fr-FR"
    tampon = io.BytesIO()
    document.save(tampon)
    return _slim_package(tampon.getvalue())


_INUTILES = {"docProps/thumbnail.jpeg": b"thumbnail", "word/stylesWithEffects.xml": b"stylesWithEffects"}

# python-docx's default app.xml says « Microsoft Macintosh Word », 1 page, 0 words, template Normal.dotm: all
# false of a generated document. Every element of the extended properties is optional (ECMA-376 Part 1,
# §22.2); this names the application and claims no statistic it has not counted.
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>alize-docs</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _slim_package(donnees: bytes) -> bytes:
    """Write an honest app.xml; drop the default template's thumbnail (a picture of an empty page) and Word
    2010's duplicate of the styles (stylesWithEffects.xml, 400 kB nobody needs), with their relationships and
    content types."""
    source = zipfile.ZipFile(io.BytesIO(donnees))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            if info.filename in _INUTILES:
                continue
            contenu = _APP_XML if info.filename == "docProps/app.xml" else source.read(info.filename)
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                contenu = b"".join(
                    ligne for ligne in contenu.replace(b"><", b">\n<").split(b"\n")
                    if not any(marque in ligne for marque in _INUTILES.values())
                ).replace(b">\n<", b"><")
            if info.filename == "[Content_Types].xml":
                contenu = contenu.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
            nouvelle = copy.copy(info)
            nouvelle.date_time = (1980, 1, 1, 0, 0, 0)
            cible.writestr(nouvelle, contenu)
    return sortie.getvalue()


def main() -> int:
    SORTIE.mkdir(exist_ok=True)
    gabarits = {"convention.docx": "", "cooperation.docx": "Paraphes\u00a0:"}
    for nom, pied in gabarits.items():
        (SORTIE / nom).write_bytes(build(pied))
        print(f"écrit : templates/{nom}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
