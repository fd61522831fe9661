"""Names of files and folders built from inputs: safe on every file system, readable by people.

:func:`slug` makes the ASCII file names of documents; :func:`dossier` makes a territory's folder name,
keeping accents. Neither can leave the output folder: no separator, no ``..``, no control character,
no Windows reserved name, at most :data:`OCTETS_MAX` bytes. Names are NFC-normalised, so the two
spellings of « é » (NFC and NFD) give one name, and :func:`cle` tells two names a case-insensitive file
system would confuse.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["OCTETS_MAX", "cle", "dossier", "slug"]

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


def dossier(texte: str) -> str:
    """Return a folder name for *texte*: accents kept, nothing that could escape or break a file system.

    >>> dossier("Val de Sambre / Avesnois"), dossier("../../etc"), dossier("CON"), dossier("Épinal ")
    ('Val de Sambre - Avesnois', '-etc', '_CON', 'Épinal')
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
