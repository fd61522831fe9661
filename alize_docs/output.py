"""Output: the names of the files and folders built from inputs, and atomic writes.

Names are safe on every file system and readable by people.

:func:`slug` makes the ASCII file names of documents; :func:`nom_de_dossier` makes a territory's folder name,
keeping accents. Neither can leave the output folder: no separator, no ``..``, no control character,
no Windows reserved name, at most :data:`OCTETS_MAX` bytes. Names are NFC-normalised, so the two
spellings of « é » (NFC and NFD) give one name, and :func:`cle` tells two names a case-insensitive file
system would confuse.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from alize_docs.domain.programme import DOCUMENTS_TERRITOIRE
from alize_docs.inputs.dossier import Dossier

__all__ = ["OCTETS_MAX", "cle", "document_names", "nom_de_dossier", "slug", "write_atomic"]

OCTETS_MAX = 120
_INTERDITS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_RESERVES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def slug(texte: str) -> str:
    """Return a file-name-safe, lower-case, accent-free version of *texte*.

    >>> slug("ALIZÉ® Val de Sambre / Avesnois")
    'alize-val-de-sambre-avesnois'
    """
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:80] or "document"


def nom_de_dossier(texte: str) -> str:
    """Return a folder name for *texte*: accents kept, nothing that could escape or break a file system.

    >>> nom_de_dossier("Val de Sambre / Avesnois"), nom_de_dossier("../../etc"), nom_de_dossier("CON")
    ('Val de Sambre - Avesnois', '-etc', '_CON')
    """
    nom = unicodedata.normalize("NFC", texte)
    nom = _INTERDITS.sub("-", nom)
    nom = re.sub(r"\.{2,}", "-", nom)
    nom = re.sub(r"-+(?:\s*-+)*", "-", re.sub(r"\s+", " ", nom)).strip(" .")
    nom = re.sub(r"^-(?=-)", "", nom)
    if nom.split(".")[0].upper() in _RESERVES:
        nom = "_" + nom
    while len(nom.encode("utf-8")) > OCTETS_MAX:
        nom = nom[:-1]
    return nom.rstrip(" .") or "dispositif"


def cle(chemin: str) -> str:
    """Return the key under which two paths collide on a case-insensitive, normalising file system."""
    return unicodedata.normalize("NFC", chemin).casefold()


def document_names(entrees: Dossier, pdf: bool = False) -> list[str]:
    """Return the names of the files a dossier gives: .docx (and .pdf) of each document, bundle last."""
    if entrees.cooperation is not None:
        noms = [f"cooperation-{slug(entrees.cooperation.numero)}"]
    else:
        nom = slug(entrees.territoire.dispositif.nom)
        noms = [f"{kind}-{nom}" for kind in DOCUMENTS_TERRITOIRE] + [f"dossier-signature-{nom}"]
    return [f"{n}.docx" for n in noms] + ([f"{n}.pdf" for n in noms] if pdf else [])


def write_atomic(chemin: Path, donnees: bytes) -> None:
    """Write *donnees* to *chemin* through a temporary file in the same folder, synced then renamed."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    try:
        os.fchmod(descripteur, 0o644)  # mkstemp makes 0600; these are documents to share
        with os.fdopen(descripteur, "wb") as fichier:
            fichier.write(donnees)
            fichier.flush()
            os.fsync(fichier.fileno())
        os.replace(temporaire, chemin)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    dossier_parent = os.open(chemin.parent, os.O_RDONLY)
    try:
        os.fsync(dossier_parent)
    finally:
        os.close(dossier_parent)
