"""The signing bundle's PDF: a cover page, then each piece's own PDF pages, then the map, numbered through.

The pieces' pages are the very pages of their own PDFs (each keeps its « Page N sur M »), so the cover's
ranges are exact by construction: they are counted, not laid out again. Each page gets the bundle's number
(« Dossier de signature, page 12 sur 24 ») in the bottom margin, the cover is drawn here, and a PDF map's
pages are fitted on the bundle's page size under the bundle's header. Text added here is set in the PDF
standard Times (no font embedded). The PDF opens with its bookmarks shown.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from alize_docs.formatting import glyphes
from alize_docs.render.bundle import TITRE_CARTE
from alize_docs.render.pdf import _finish

__all__ = ["bundle_pdf", "page_counts", "pied_de_page"]

try:  # pypdf's own copy of the standard fonts' metrics, to centre and wrap the text drawn here
    from pypdf._codecs.core_font_metrics import CORE_FONT_METRICS

    _LARGEURS = {nom: CORE_FONT_METRICS[nom].character_widths for nom in ("Times-Roman", "Times-Bold")}
except Exception:  # pragma: no cover - another pypdf layout: an average width is enough
    _LARGEURS = {"Times-Roman": {}, "Times-Bold": {}}

_POLICES = {"R": "Times-Roman", "B": "Times-Bold"}
_REMPLACEMENTS = str.maketrans({"\u202f": "\xa0", "\u2011": "-", "\u2010": "-", "\u2007": " "})


def pied_de_page(page: int, total: int) -> str:
    """Return the bundle's page number as it is printed on each page."""
    return f"Dossier de signature, page {page} sur {total}"


def page_counts(pdfs: Iterable[bytes]) -> list[int]:
    """Return the number of pages of each PDF."""
    return [len(PdfReader(io.BytesIO(p)).pages) for p in pdfs]


def _largeur(texte: str, police: str, taille: float) -> float:
    largeurs = _LARGEURS[_POLICES[police]]
    defaut = largeurs.get("default", 500) or 500
    return sum(largeurs.get(c, defaut) for c in texte) * taille / 1000


def _chaine(texte: str) -> bytes:
    octets = texte.translate(_REMPLACEMENTS).encode("cp1252", "replace")
    return b"(" + octets.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _lignes(texte: str, police: str, taille: float, largeur: float) -> list[str]:
    """Cut *texte* into lines no wider than *largeur* points."""
    lignes, courante = [], ""
    for mot in texte.split(" "):
        essai = f"{courante} {mot}".strip()
        if courante and _largeur(essai, police, taille) > largeur:
            lignes.append(courante)
            courante = mot
        else:
            courante = essai
    return [*lignes, courante] if courante else lignes


class _Page:
    """Text drawn on one page: (x, y, font, size, text), x being the left edge."""

    def __init__(self, largeur: float, hauteur: float) -> None:
        self.largeur, self.hauteur = largeur, hauteur
        self.textes: list[tuple[float, float, str, float, str]] = []

    def ecrire(self, x: float, y: float, texte: str, police: str = "R", taille: float = 11,
               aligner: str = "left") -> None:
        texte = glyphes(texte, traits=False)  # ’ and no-break spaces, as the pieces print them (cp1252 has both)
        if aligner == "center":
            x -= _largeur(texte, police, taille) / 2
        elif aligner == "right":
            x -= _largeur(texte, police, taille)
        self.textes.append((x, y, police, taille, texte))

    def flux(self) -> bytes:
        morceaux = [b"q 0 g BT"]
        for x, y, police, taille, texte in self.textes:
            morceaux.append(b"/FAlize%s %.1f Tf 1 0 0 1 %.2f %.2f Tm %s Tj" % (
                police.encode(), taille, x, y, _chaine(texte)))
        morceaux.append(b"ET Q")
        return b"\n".join(morceaux)


def _polices(ecrivain: PdfWriter) -> dict[str, object]:
    return {cle: ecrivain._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject(f"/{nom}"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        for cle, nom in _POLICES.items()}


def _stamp(ecrivain: PdfWriter, page: PageObject, dessin: _Page, polices: dict[str, object]) -> None:
    """Draw *dessin* over *page*: its content is kept whole, in its own graphics state (q … Q)."""
    ressources = page.get("/Resources")
    ressources = ressources.get_object() if ressources is not None else DictionaryObject()
    page[NameObject("/Resources")] = ressources
    fontes = ressources.get("/Font")
    fontes = fontes.get_object() if fontes is not None else DictionaryObject()
    ressources[NameObject("/Font")] = fontes
    for cle, reference in polices.items():
        fontes[NameObject(f"/FAlize{cle}")] = reference
    contenus = page.get("/Contents")
    existants = [] if contenus is None else (
        list(contenus.get_object()) if isinstance(contenus.get_object(), ArrayObject) else [contenus])
    debut, fin = DecodedStreamObject(), DecodedStreamObject()
    debut.set_data(b"q\n")
    fin.set_data(b"\nQ\n" + dessin.flux())
    page[NameObject("/Contents")] = ArrayObject([ecrivain._add_object(debut), *existants, ecrivain._add_object(fin)])


def _footer(dessin: _Page, numero: int, total: int) -> None:
    dessin.ecrire(dessin.largeur / 2, 20, pied_de_page(numero, total), taille=8, aligner="center")


def bundle_pdf(parties: Sequence[tuple[str, bytes]], metadata: dict[str, str], sous_titre: str, entete: str,
               carte: bytes | None = None, carte_a_cadrer: bool = False, carte_manquante: bool = False) -> bytes:
    """Return the bundle's PDF: a cover listing *parties* (bookmark title, PDF) with their page ranges, their
    pages, then the map (*carte*: its PDF; *carte_a_cadrer*: a user's PDF, fitted under the bundle's header),
    every page numbered through; *carte_manquante*: the cover says the map is attached on paper."""
    lecteurs = [PdfReader(io.BytesIO(p)) for _, p in parties]
    titres = [t for t, _ in parties]
    carte_lecteur = PdfReader(io.BytesIO(carte)) if carte is not None else None
    if carte_lecteur is not None:
        lecteurs.append(carte_lecteur)
        titres.append(TITRE_CARTE)
    comptes = [len(r.pages) for r in lecteurs]
    total = 1 + sum(comptes)
    debuts = [1 + sum(comptes[:k]) + 1 for k in range(len(comptes))]
    ecrivain = PdfWriter()
    polices = _polices(ecrivain)
    boite = lecteurs[0].pages[0].mediabox
    largeur, hauteur = float(boite.width), float(boite.height)
    couverture = ecrivain.add_blank_page(largeur, hauteur)
    _stamp(ecrivain, couverture, _cover(largeur, hauteur, sous_titre, titres, debuts, comptes, total,
                                        carte_manquante), polices)
    numero = 2
    for k, lecteur in enumerate(lecteurs):
        if lecteur is carte_lecteur and carte_a_cadrer:
            for source in lecteur.pages:
                page = _fitted(ecrivain, source, largeur, hauteur)
                dessin = _Page(float(page.mediabox.width), float(page.mediabox.height))
                dessin.ecrire(70, dessin.hauteur - 42, TITRE_CARTE, taille=10)
                dessin.ecrire(dessin.largeur - 70, dessin.hauteur - 42, entete, taille=10, aligner="right")
                _footer(dessin, numero, total)
                _stamp(ecrivain, page, dessin, polices)
                numero += 1
            continue
        ecrivain.append(lecteur, import_outline=False)
        for page in ecrivain.pages[numero - 1:numero - 1 + comptes[k]]:
            dessin = _Page(float(page.mediabox.width), float(page.mediabox.height))
            _footer(dessin, numero, total)
            _stamp(ecrivain, page, dessin, polices)
            numero += 1
    ecrivain.page_mode = "/UseOutlines"
    return _finish(ecrivain, metadata, [(t, d - 1) for t, d in zip(titres, debuts, strict=True)])


def _fitted(ecrivain: PdfWriter, source: PageObject, largeur: float, hauteur: float) -> PageObject:
    """A page of the bundle's size (turned if the map is landscape) with *source* scaled into its margins."""
    boite = source.mediabox
    l_source, h_source = float(boite.width), float(boite.height)
    if l_source > h_source:
        largeur, hauteur = max(largeur, hauteur), min(largeur, hauteur)
    page = ecrivain.add_blank_page(largeur, hauteur)
    zone_l, zone_h = largeur - 2 * 50, hauteur - 70 - 50
    echelle = min(zone_l / l_source, zone_h / h_source)
    x = (largeur - l_source * echelle) / 2 - float(boite.left) * echelle
    y = 50 + (zone_h - h_source * echelle) / 2 - float(boite.bottom) * echelle
    page.merge_transformed_page(source, Transformation().scale(echelle, echelle).translate(x, y))
    return page


def _cover(largeur: float, hauteur: float, sous_titre: str, titres: Sequence[str], debuts: Sequence[int],
           comptes: Sequence[int], total: int, carte_manquante: bool) -> _Page:
    dessin = _Page(largeur, hauteur)
    gauche, droite = 85.0, largeur - 85.0
    y = hauteur - 190
    dessin.ecrire(largeur / 2, y, "DOSSIER DE SIGNATURE", "B", 20, "center")
    y -= 34
    for ligne in _lignes(sous_titre, "R", 14, droite - gauche):
        dessin.ecrire(largeur / 2, y, ligne, "R", 14, "center")
        y -= 19
    y -= 36
    dessin.ecrire(gauche, y, "Le présent dossier réunit, dans l'ordre, les pièces suivantes :", taille=12)
    y -= 30
    dessin.ecrire(gauche + 10, y, "Pièce", "B", 11)
    dessin.ecrire(droite - 10, y, "Pages du dossier", "B", 11, "right")
    y -= 22
    for titre, debut, n in zip(titres, debuts, comptes, strict=True):
        plage = f"page {debut}" if n == 1 else f"pages {debut} à {debut + n - 1}"
        dessin.ecrire(gauche + 10, y, titre, taille=11)
        dessin.ecrire(droite - 10, y, plage, taille=11, aligner="right")
        y -= 20
    y -= 18
    dessin.ecrire(gauche, y, f"Le dossier compte {total} pages, page de garde comprise.", taille=12)
    if carte_manquante:
        y -= 26
        note = ("La carte du Territoire annoncée à l'article 2 de la convention n'est pas jointe à ce fichier : "
                "elle est annexée sur papier.")
        for ligne in _lignes(note, "R", 12, droite - gauche):
            dessin.ecrire(gauche, y, ligne, taille=12)
            y -= 16
    _footer(dessin, 1, total)
    return dessin
