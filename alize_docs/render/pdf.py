"""PDF: .docx to PDF by LibreOffice headless, and the signing bundle's PDF with a bookmark per document.

LibreOffice is run the careful way: its own profile per run (two instances sharing a profile fail
silently), all documents of a call in one start, a time limit after which the whole process group
is killed (killing the ``soffice`` wrapper alone leaves ``soffice.bin`` running), no network for
linked content, and each PDF checked afterwards — LibreOffice exits 0 even when it converted nothing.
PDFs are rewritten with fixed dates and identifiers, so equal inputs give equal files.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, ByteStringObject, NameObject

from alize_docs.errors import RenderError

__all__ = ["DELAI", "LibreOfficeServer", "convert_to_pdf", "find_libreoffice",
           "normalise_pdf", "pdf_metadata", "uno_python"]

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


DELAI_DOCUMENT = 120
"""Seconds a long-lived LibreOffice may take for one document before it is killed and restarted."""

DELAI_DEMARRAGE = 120
"""Seconds a long-lived LibreOffice may take to start listening (a cold first start on a loaded machine, two
instances at once, takes tens of seconds; the helper once gave up after about 30)."""


def initialised_profile(delai: float = DELAI_DEMARRAGE) -> Path | None:
    """Return a LibreOffice profile initialised once (``--terminate_after_init``) and kept in the user's cache
    folder, one per LibreOffice installation: a server starts from a copy of it, so LibreOffice is launched
    once (from a fresh profile it exits with code 81 and must be launched again). None when there is no usable
    cache folder or the initialisation failed (the server then starts from a fresh profile)."""
    from alize_docs.clauses.library import user_cache_folder  # the clauses' stack only when a profile is made

    racine = user_cache_folder("libreoffice")
    if racine is None:
        return None
    binaire = Path(os.path.realpath(find_libreoffice()))
    binaire = binaire.with_name("soffice.bin") if binaire.with_name("soffice.bin").is_file() else binaire
    etat = binaire.stat()
    cle = hashlib.sha256(f"{binaire}|{etat.st_size}|{etat.st_mtime_ns}".encode()).hexdigest()[:16]
    modele = racine / f"profil-libreoffice-{cle}"
    if (modele / "user").is_dir():
        return modele
    temporaire = Path(tempfile.mkdtemp(dir=racine, prefix=".profil-"))
    try:
        subprocess.run([str(binaire), f"-env:UserInstallation={(temporaire / 'p').as_uri()}", "--headless",
                        "--invisible", "--nologo", "--norestore", "--nolockcheck", "--terminate_after_init"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=delai, check=True, start_new_session=True)
        if not (temporaire / "p" / "user").is_dir():
            return None
        with contextlib.suppress(OSError):  # another worker made it meanwhile: theirs is as good
            os.rename(temporaire / "p", modele)
        return modele if (modele / "user").is_dir() else None
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)


@functools.lru_cache(maxsize=1)
def uno_python() -> str | None:
    """Return a Python that can drive LibreOffice over UNO (Debian: python3-uno), or None."""
    for candidat in ("/usr/bin/python3", shutil.which("python3")):
        if candidat and Path(candidat).is_file() and subprocess.run(
                [candidat, "-c", "import uno"], capture_output=True, timeout=60).returncode == 0:
            return candidat
    return None


class LibreOfficeServer:
    """One LibreOffice kept open, with its own profile, driven over UNO by a helper process (``_uno_helper.py``
    under a Python that has ``uno``). A LibreOffice that dies or hangs (no answer in *delai* seconds) is
    killed with its whole process group and started again, and the document tried once more."""

    def __init__(self, delai: float = DELAI_DOCUMENT, demarrage: float = DELAI_DEMARRAGE,
                 profil: Path | bool | None = True) -> None:
        """*profil*: a pre-initialised profile to start from (True: :func:`initialised_profile`; None or False:
        a fresh one)."""
        python = uno_python()
        if python is None:
            raise RenderError("aucun Python ne peut piloter LibreOffice (Debian : apt-get install python3-uno).")
        self._commande = [python, str(Path(__file__).with_name("_uno_helper.py")), find_libreoffice()]
        self._dossier = Path(tempfile.mkdtemp(prefix="alize-lo-"))
        self._delai = delai
        self._demarrage = demarrage
        self._modele = initialised_profile(demarrage) if profil is True else profil or None
        self._processus: subprocess.Popen[str] | None = None
        self._verrou = threading.Lock()  # one conversion at a time, even when a thread pool shares the server
        self.demarrages = 0
        self.lancements = 0
        """LibreOffice launches, all starts together (two for a start from a fresh profile)."""

    def __enter__(self) -> LibreOfficeServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[str]:
        self.demarrages += 1
        dossier = self._dossier / f"profil-{self.demarrages}"
        if self._modele is not None:
            with contextlib.suppress(OSError):
                shutil.copytree(self._modele, dossier, symlinks=True)
        tube = f"alize-{os.getpid()}-{threading.get_ident()}-{self.demarrages}"
        processus = subprocess.Popen([*self._commande, dossier.as_uri(), tube, str(self._demarrage)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, start_new_session=True)
        self._processus = processus
        try:
            pret = self._read(processus, self._demarrage + 10)
        except (TimeoutError, ValueError):
            pret = {"erreur": f"pas de réponse en {self._demarrage:g} s"}
        self.lancements += int(pret.get("lancements", 1))
        if pret.get("pret") is not True:
            self._stop()
            raise RenderError(f"LibreOffice n'a pas démarré : {pret.get('erreur', '?')}.")
        return processus

    def _read(self, processus: subprocess.Popen[str], delai: float) -> dict[str, Any]:
        assert processus.stdout is not None
        prets, _, _ = select.select([processus.stdout], [], [], delai)
        ligne = processus.stdout.readline() if prets else ""
        if not ligne:
            raise TimeoutError
        resultat: dict[str, Any] = json.loads(ligne)
        return resultat

    def _stop(self) -> None:
        if self._processus is not None:
            _kill_group(self._processus.pid)
            self._processus.wait()
            for tube in (self._processus.stdin, self._processus.stdout):
                if tube is not None:
                    with contextlib.suppress(OSError):
                        tube.close()
            self._processus = None

    def _convert_one(self, entree: Path, sortie: Path) -> None:
        for essai in (1, 2):
            try:
                processus = self._processus if self._processus and self._processus.poll() is None else self._start()
            except RenderError:  # it did not start (a cold start that took too long?): once more, from scratch
                if essai == 2:
                    raise
                continue
            try:
                assert processus.stdin is not None
                processus.stdin.write(json.dumps({"entree": str(entree), "sortie": str(sortie)}) + "\n")
                processus.stdin.flush()
                reponse = self._read(processus, self._delai)
            except (TimeoutError, BrokenPipeError, OSError, ValueError):
                self._stop()  # dead or hung: kill it all, start afresh for the next try
                if essai == 2:
                    raise RenderError(f"LibreOffice n'a pas converti {entree.name} (arrêté puis relancé).") from None
                continue
            if reponse.get("ok") and sortie.is_file():
                return
            if essai == 2:
                raise RenderError(f"LibreOffice n'a pas converti {entree.name} : {reponse.get('erreur', '?')}.")
            self._stop()  # LibreOffice answered with an error (it may be dying): try once more with a fresh one

    def convert(self, documents: Sequence[Path], metadonnees: Sequence[dict[str, str]] = ()) -> list[bytes]:
        """Return the PDF of each .docx, in order, with the metadata given for it."""
        with self._verrou:
            return self._convert(documents, metadonnees)

    def _convert(self, documents: Sequence[Path], metadonnees: Sequence[dict[str, str]]) -> list[bytes]:
        resultats = []
        for i, document in enumerate(documents):
            sortie = self._dossier / f"{i:05d}.pdf"
            sortie.unlink(missing_ok=True)
            self._convert_one(document, sortie)
            resultats.append(normalise_pdf(sortie.read_bytes(), document.name,
                                           metadonnees[i] if i < len(metadonnees) else None))
            sortie.unlink()
        return resultats

    def close(self) -> None:
        """End LibreOffice (gently: end of input; then by force) and remove the profiles."""
        if self._processus is not None and self._processus.stdin is not None:
            with contextlib.suppress(OSError):
                self._processus.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._processus.wait(timeout=30)
        self._stop()
        shutil.rmtree(self._dossier, ignore_errors=True)


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
