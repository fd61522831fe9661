"""PDF: .docx to PDF by LibreOffice headless, and the signing bundle's PDF with a bookmark per document.

LibreOffice is run the careful way: its own profile per run (two instances sharing a profile fail
silently), all documents of a call in one start, a time limit after which the whole process group
is killed (killing the ``soffice`` wrapper alone leaves ``soffice.bin`` running), no network for
linked content, and each PDF checked afterwards — LibreOffice exits 0 even when it converted nothing.
PDFs are rewritten with fixed dates and identifiers, so equal inputs give equal files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, ByteStringObject, NameObject

from .errors import RenderError

__all__ = ["DELAI", "PDF_PREFIX", "convert_to_pdf", "find_libreoffice", "merge_pdfs", "normalise_pdf", "pdf_metadata"]

PDF_PREFIX = "/Alize_"
"""PDF metadata keys of the provenance: ``/Alize_modele``, ``/Alize_clause-01``… (``alize:…`` in a .docx)."""

DELAI = 180
"""Seconds LibreOffice may take for one call, whatever the number of documents."""


def find_libreoffice() -> str:
    """Return the LibreOffice binary, or raise a French :class:`RenderError` saying how to install it."""
    for nom in ("soffice", "libreoffice"):
        if chemin := shutil.which(nom):
            return chemin
    raise RenderError("LibreOffice est introuvable : installez-le (Debian : apt-get install "
                      "libreoffice-writer-nogui) pour produire les PDF.")


def convert_to_pdf(documents: Sequence[Path], metadonnees: Sequence[dict[str, str]] = (),
                   delai: float = DELAI) -> list[bytes]:
    """Return the PDF of each .docx, in order, converted by one LibreOffice run with its own profile, with
    the metadata given for it (title, subject, author, provenance)."""
    binaire = find_libreoffice()
    with tempfile.TemporaryDirectory(prefix="alize-lo-") as temporaire:
        dossier = Path(temporaire)
        sortie = dossier / "pdf"
        commande = [binaire, f"-env:UserInstallation={(dossier / 'profil').as_uri()}", "--headless", "--norestore",
                    "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(sortie),
                    *(str(d) for d in documents)]
        environnement = {**os.environ, "HOME": str(dossier), "no_proxy": "*", "http_proxy": "http://0.0.0.0:9",
                         "https_proxy": "http://0.0.0.0:9"}
        processus = subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, env=environnement, start_new_session=True)
        try:
            _, erreurs = processus.communicate(timeout=delai)
        except subprocess.TimeoutExpired:
            os.killpg(processus.pid, signal.SIGKILL)
            processus.communicate()
            raise RenderError(f"LibreOffice n'a pas terminé la conversion en {delai} s : arrêté.") from None
        finally:
            _kill_group(processus.pid)
        resultats = []
        for i, document in enumerate(documents):
            pdf = sortie / (document.stem + ".pdf")
            if not pdf.is_file():
                detail = erreurs.decode("utf-8", "replace").strip()[-300:]
                raise RenderError(f"LibreOffice n'a pas produit le PDF de {document.name} "
                                  f"(code {processus.returncode}){' : ' + detail if detail else ''}.")
            resultats.append(normalise_pdf(pdf.read_bytes(), document.name,
                                           metadonnees[i] if i < len(metadonnees) else None))
        return resultats


def _kill_group(pid: int) -> None:
    """Make sure nothing of the LibreOffice run survives it (``soffice.bin`` outlives its wrapper)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def normalise_pdf(donnees: bytes, nom: str = "document", metadata: dict[str, str] | None = None,
                  signets: Sequence[tuple[str, int]] = ()) -> bytes:
    """Return *donnees* checked (it opens, it has pages) and rewritten without dates or random identifiers."""
    try:
        lecteur = PdfReader(io.BytesIO(donnees))
        if not lecteur.pages:
            raise RenderError(f"le PDF de {nom} n'a aucune page.")
    except PdfReadError as exc:
        raise RenderError(f"le PDF de {nom} est illisible : {exc}") from exc
    ecrivain = PdfWriter(clone_from=lecteur)
    return _finish(ecrivain, metadata or {}, signets)


def _finish(ecrivain: PdfWriter, metadata: dict[str, str], signets: Sequence[tuple[str, int]]) -> bytes:
    for titre, page in signets:
        ecrivain.add_outline_item(title=titre, page_number=page)
    infos = {k: v for k, v in (ecrivain.metadata or {}).items() if k not in ("/CreationDate", "/ModDate")}
    ecrivain.metadata = None
    ecrivain.add_metadata({**infos, **metadata})
    if NameObject("/Metadata") in ecrivain._root_object:
        del ecrivain._root_object[NameObject("/Metadata")]  # XMP repeats the dates
    contenus = (page.get_contents() for page in ecrivain.pages)
    empreinte = hashlib.md5(b"".join(c.get_data() for c in contenus if c is not None),
                            usedforsecurity=False).digest()
    ecrivain._ID = ArrayObject([ByteStringObject(empreinte), ByteStringObject(empreinte)])
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def pdf_metadata(donnees: bytes) -> dict[str, str]:
    """Return a PDF's document information, keys as stored (``/Title``, ``/Alize_modele``…)."""
    infos = PdfReader(io.BytesIO(donnees)).metadata
    return {str(cle): str(valeur) for cle, valeur in (infos or {}).items()}


def merge_pdfs(parties: Sequence[tuple[str, bytes]], metadata: dict[str, str]) -> bytes:
    """Return one PDF of *parties* in order, with a bookmark per part (its title) and *metadata*."""
    ecrivain = PdfWriter()
    signets = []
    for titre, donnees in parties:
        signets.append((titre, len(ecrivain.pages)))
        ecrivain.append(PdfReader(io.BytesIO(donnees)), import_outline=False)
    return _finish(ecrivain, metadata, signets)
