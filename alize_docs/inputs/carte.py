"""The map of the Territoire (``dispositif.carte``): a PDF, PNG or JPEG file next to the territory file.

It is read once, when the dossier is checked, and travels as bytes to the rendering stage (a batch worker
never opens the user's files). Every limit is checked before the file goes further: its place (inside the
territory file's folder), its size, its kind (by its first bytes, not its name), an image's pixel count
(read from its header, nothing decoded) and a PDF's page count. A refusal is one French sentence naming the
file (SECURITY.md, « Limits »).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from alize_docs.errors import raison_systeme

__all__ = ["CARTE_OCTETS_MAX", "CARTE_PAGES_MAX", "CARTE_PIXELS_MAX", "Carte", "CarteRefusee", "lire_carte"]

CARTE_OCTETS_MAX = 10_000_000
"""A map file weighs at most 10 MB."""
CARTE_PIXELS_MAX = 40_000_000
"""An image map has at most 40 million pixels (and 12 000 on a side): a page printed at 300 dpi needs 9."""
CARTE_COTE_MAX = 12_000
CARTE_PAGES_MAX = 4
"""A PDF map has at most 4 pages."""

GenreCarte = Literal["pdf", "png", "jpeg"]
_SUFFIXES: dict[str, GenreCarte] = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
_SIGNATURES: dict[GenreCarte, bytes] = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}


@dataclass(frozen=True)
class Carte:
    """A map read and checked: its name as given, its kind, its bytes and its size (pixels or pages)."""

    nom: str
    genre: GenreCarte
    donnees: bytes = b""
    pages: int = 1
    pixels: tuple[int, int] = (0, 0)
    dpi: tuple[int, int] = (72, 72)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.donnees).hexdigest()


class CarteRefusee(ValueError):
    """A map file refused; the message is the French sentence to report."""


def lire_carte(dossier: Path, nom: str) -> Carte:
    """Return the map *nom* (a path relative to *dossier*, the territory file's folder), read and checked;
    raise :class:`CarteRefusee` with a French sentence naming the file."""
    relatif = Path(nom)
    if relatif.is_absolute() or nom.startswith(("/", "\\")) or ":" in nom[:3]:
        raise CarteRefusee(f"carte « {nom} » refusée : donnez un chemin relatif au fichier du dispositif "
                           "(la carte doit se trouver dans son dossier).")
    genre = _SUFFIXES.get(relatif.suffix.lower())
    if genre is None:
        raise CarteRefusee(f"carte « {nom} » refusée : seuls les fichiers PDF, PNG et JPEG (.pdf, .png, .jpg) "
                           "sont admis.")
    racine = dossier.resolve()
    chemin = (racine / relatif).resolve()
    if not chemin.is_relative_to(racine):
        raise CarteRefusee(f"carte « {nom} » refusée : elle doit se trouver dans le dossier du fichier du "
                           "dispositif (pas de « .. » qui en sorte).")
    try:
        with open(chemin, "rb") as fichier:
            donnees = fichier.read(CARTE_OCTETS_MAX + 1)
    except FileNotFoundError:
        raise CarteRefusee(f"carte « {nom} » introuvable (le chemin est relatif au fichier du dispositif).") from None
    except OSError as exc:
        raise CarteRefusee(f"carte « {nom} » illisible ({raison_systeme(exc)}).") from None
    if len(donnees) > CARTE_OCTETS_MAX:
        raise CarteRefusee(f"carte « {nom} » refusée : elle pèse plus de {CARTE_OCTETS_MAX // 1_000_000} Mo, "
                           "la limite admise.")
    if not donnees.startswith(_SIGNATURES[genre]):
        raise CarteRefusee(f"carte « {nom} » refusée : son contenu n'est pas celui d'un fichier "
                           f"{genre.upper()} (l'extension ne correspond pas).")
    if genre == "pdf":
        return Carte(nom, genre, donnees, pages=_pdf_pages(nom, donnees))
    return _image(nom, genre, donnees)


def _image(nom: str, genre: GenreCarte, donnees: bytes) -> Carte:
    from docx.image.image import Image  # python-docx reads the header only: size and resolution, nothing decoded

    try:
        image = Image.from_blob(donnees)
        largeur, hauteur = image.px_width, image.px_height
        dpi = (image.horz_dpi or 72, image.vert_dpi or 72)
    except Exception:  # python-docx on a broken header: any of its exceptions
        raise CarteRefusee(f"carte « {nom} » refusée : l'image est illisible ou tronquée.") from None
    if largeur <= 0 or hauteur <= 0:
        raise CarteRefusee(f"carte « {nom} » refusée : l'image n'a pas de dimensions.")
    if largeur > CARTE_COTE_MAX or hauteur > CARTE_COTE_MAX or largeur * hauteur > CARTE_PIXELS_MAX:
        raise CarteRefusee(f"carte « {nom} » refusée : l'image fait {largeur} × {hauteur} pixels, au-delà de la "
                           f"limite admise ({CARTE_PIXELS_MAX // 1_000_000} millions de pixels, "
                           f"{CARTE_COTE_MAX} par côté).")
    return Carte(nom, genre, donnees, pixels=(largeur, hauteur), dpi=dpi)


def _pdf_pages(nom: str, donnees: bytes) -> int:
    from pypdf import PdfReader  # only when a PDF map is given

    try:
        lecteur = PdfReader(io.BytesIO(donnees))
        if lecteur.is_encrypted:
            raise CarteRefusee(f"carte « {nom} » refusée : le PDF est chiffré.")
        pages = len(lecteur.pages)
        for page in lecteur.pages[:CARTE_PAGES_MAX]:
            _ = page.mediabox.width, page.mediabox.height
    except CarteRefusee:
        raise
    except Exception:  # pypdf on a broken PDF: any of its exceptions
        raise CarteRefusee(f"carte « {nom} » refusée : ce n'est pas un PDF lisible (tronqué ou corrompu).") from None
    if pages == 0:
        raise CarteRefusee(f"carte « {nom} » refusée : le PDF n'a aucune page.")
    if pages > CARTE_PAGES_MAX:
        raise CarteRefusee(f"carte « {nom} » refusée : le PDF a {pages} pages, au-delà de la limite admise "
                           f"({CARTE_PAGES_MAX}).")
    return pages
