"""The check of a user's own Word template: a plain, self-contained .docx, read safely."""

from __future__ import annotations

import zipfile
from pathlib import Path

from alize_docs.errors import RenderError
from alize_docs.office import FichierRefuse, PaquetOffice, ouvrir
from alize_docs.render.text import VISIBLE, paragraph_texts
from alize_docs.rules.blancs import check_no_blanks

__all__ = ["check_template"]

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
    try:  # the safe reader: names, duplicates, encryption, real sizes, content types, DOCTYPE, well-formed XML
        with ouvrir(chemin, genre="docx") as sur:
            sur.verifier()
            _verifier_liens(sur, nom)
    except FichierRefuse as exc:
        raise RenderError(f"gabarit {nom} refusé : {exc.raison}.") from None


def _verifier_liens(paquet: PaquetOffice, nom: str) -> None:
    """External relationships other than hyperlinks are refused; the template's own text must have no blank."""
    noms = paquet.noms()
    for relations in (n for n in noms if n.endswith(".rels")):
        for relation in paquet.xml(relations):
            genre = relation.get("Type", "").rsplit("/", 1)[-1]
            if relation.get("TargetMode") == "External" and genre != "hyperlink":
                raise RenderError(f"gabarit {nom} refusé : relation externe « {genre} » vers "
                                  f"{relation.get('Target')} ({relations}).")
    textes = [t for n in sorted(noms) if VISIBLE.match(n) for t in paragraph_texts(paquet.xml(n))]
    check_no_blanks(f"gabarit {nom}", textes)  # the template's own text: the inputs and clauses are checked
