"""Output: the names of the files and folders built from inputs, atomic writes and all-or-nothing sets.

Names are safe on every file system and readable by people.

:func:`slug` makes the ASCII file names of documents; :func:`nom_de_dossier` makes a territory's folder name,
keeping accents. Neither can leave the output folder: no separator, no ``..``, no control character,
no Windows reserved name, at most :data:`OCTETS_MAX` bytes. Names are NFC-normalised, so the two
spellings of « é » (NFC and NFD) give one name, and :func:`cle` tells two names a case-insensitive file
system would confuse.

:func:`write_atomic` writes one file; :func:`ecrire_ensemble` writes a dossier's files all or nothing. A
write that fails (full disk, file-size limit, permissions) is an :class:`EcritureError` in French naming the
file, never the system's English message.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from alize_docs.domain.programme import DOCUMENTS_TERRITOIRE, DUREE_ANNEES
from alize_docs.errors import EcritureError, raison_systeme
from alize_docs.inputs.dossier import Dossier

__all__ = ["OCTETS_MAX", "PREFIXE_TEMPORAIRE", "cle", "document_names", "ecrire_ensemble",
           "message_ecriture", "nom_de_dossier", "slug", "write_atomic"]

PREFIXE_TEMPORAIRE = ".alize-"
"""The prefix of the temporary folders :func:`ecrire_ensemble` writes into (leftovers of a crash are removed
by the next batch)."""

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
        territoire = entrees.territoire
        nom = slug(territoire.dispositif.nom)
        if territoire.dispositif.nature == "renouvellement":  # never over the previous convention's documents
            debut = territoire.signature.date.year
            nom += f"-{debut}-{debut + DUREE_ANNEES}"
        noms = [f"{kind}-{nom}" for kind in DOCUMENTS_TERRITOIRE] + [f"dossier-signature-{nom}"]
    return [f"{n}.docx" for n in noms] + ([f"{n}.pdf" for n in noms] if pdf else [])


def message_ecriture(exc: OSError, chemin: Path | str) -> str:
    """Return the French sentence for a failed write of *chemin* (never the system's English text).

    >>> message_ecriture(OSError(errno.ENOSPC, "No space left on device"), "out/a.docx")
    'espace disque insuffisant pour écrire out/a.docx.'
    >>> message_ecriture(OSError(errno.EFBIG, "File too large"), "out/a.docx")
    'taille de fichier limitée par le système : out/a.docx.'
    """
    if exc.errno == errno.ENOSPC:
        return f"espace disque insuffisant pour écrire {chemin}."
    if exc.errno == errno.EFBIG:
        return f"taille de fichier limitée par le système : {chemin}."
    return f"impossible d'écrire {chemin} : {raison_systeme(exc)}."


@contextmanager
def _en_francais(chemin: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise EcritureError(message_ecriture(exc, chemin)) from None


def _ecrire(chemin: Path, donnees: bytes) -> None:
    """Write and sync one new file (0644)."""
    descripteur = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descripteur, "wb") as fichier:
        os.fchmod(fichier.fileno(), 0o644)  # whatever the umask: these are documents to share
        fichier.write(donnees)
        fichier.flush()
        os.fsync(fichier.fileno())


def _sync_dossier(chemin: Path) -> None:
    descripteur = os.open(chemin, os.O_RDONLY)
    try:
        os.fsync(descripteur)
    finally:
        os.close(descripteur)


def ecrire_ensemble(dossier: Path, fichiers: dict[str, bytes]) -> list[Path]:
    """Write *fichiers* (name → bytes) into *dossier*, all or nothing; return their paths in order.

    Every file is first written and synced in a temporary folder inside *dossier* (same file system), then
    the files already there are set aside and the new ones moved into place, one ``os.replace`` each. If
    anything fails, what this run moved is removed, what it set aside is put back, and the temporary
    folder (and *dossier*, if this run created it) is removed: the previous documents stay as they were.
    A failed write is an :class:`EcritureError` naming the file.
    """
    dossier = Path(dossier)
    cree = not dossier.exists()
    with _en_francais(dossier):
        dossier.mkdir(parents=True, exist_ok=True)
    cibles = [dossier / nom for nom in fichiers]
    temporaire: Path | None = None
    places: list[Path] = []  # new files moved into place
    gardes: list[tuple[Path, Path]] = []  # (target, where its previous version was set aside)
    try:
        with _en_francais(dossier):
            temporaire = Path(tempfile.mkdtemp(dir=dossier, prefix=PREFIXE_TEMPORAIRE))
        for i, (cible, donnees) in enumerate(zip(cibles, fichiers.values(), strict=True)):
            with _en_francais(cible):
                _ecrire(temporaire / f"{i:03d}", donnees)
        for i, cible in enumerate(cibles):
            with _en_francais(cible):
                if cible.exists() or cible.is_symlink():
                    ancien = temporaire / f"ancien-{i:03d}"
                    os.replace(cible, ancien)
                    gardes.append((cible, ancien))
                os.replace(temporaire / f"{i:03d}", cible)
                places.append(cible)
        with _en_francais(dossier):
            _sync_dossier(dossier)
    except BaseException:
        for cible in places:
            cible.unlink(missing_ok=True)
        for cible, ancien in gardes:
            os.replace(ancien, cible)
        if temporaire is not None:
            shutil.rmtree(temporaire, ignore_errors=True)
        if cree:
            with suppress(OSError):  # not empty: something else wrote there meanwhile
                dossier.rmdir()
        raise
    shutil.rmtree(temporaire, ignore_errors=True)
    return cibles


def write_atomic(chemin: Path, donnees: bytes) -> None:
    """Write *donnees* to *chemin* through a temporary file in the same folder, synced then renamed; a failed
    write is an :class:`EcritureError` naming *chemin* (the temporary file is removed)."""
    with _en_francais(chemin):
        _write_atomic(chemin, donnees)


def _write_atomic(chemin: Path, donnees: bytes) -> None:
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
