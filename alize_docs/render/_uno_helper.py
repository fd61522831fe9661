"""Keep one LibreOffice open and convert documents to PDF on request, over UNO.

Run by :class:`alize_docs.pdf.LibreOfficeServer` under a Python that has LibreOffice's ``uno`` module
(Debian: python3-uno), which is usually not the Python of alize-docs: this file imports nothing of alize-docs.

    python3 _uno_helper.py SOFFICE PROFILE_URL PIPE_NAME [START_SECONDS]

It starts ``soffice`` listening on a named pipe with its own profile, connects, then reads one JSON request
per line on stdin (``{"entree": "/a.docx", "sortie": "/a.pdf"}``) and answers one JSON line on stdout
(``{"ok": true}`` or ``{"erreur": "…"}``). End of stdin ends LibreOffice and the helper. If the helper's
parent dies, the kernel kills the helper, and LibreOffice with it (Linux's parent-death signal).

LibreOffice gets START_SECONDS (default 120) of wall time to listen: a cold first start (fonts cached for the
first time, a fresh profile, another instance starting at the same moment on a loaded machine) can take tens of
seconds. The ready line says how many times LibreOffice was launched (a fresh profile makes it exit with code 81
once, asking to be started again; a pre-initialised profile does not).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def _die_with_parent() -> None:
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _property(nom: str, valeur: object) -> PropertyValue:
    propriete = PropertyValue()
    propriete.Name, propriete.Value = nom, valeur
    return propriete


def main() -> int:
    _die_with_parent()
    soffice, profil, tube = sys.argv[1:4]
    delai = float(sys.argv[4]) if len(sys.argv) > 4 else 120.0
    binaire = Path(os.path.realpath(soffice)).with_name("soffice.bin")  # not the wrapper: the signal must reach it
    commande = [str(binaire) if binaire.is_file() else soffice, f"-env:UserInstallation={profil}", "--headless",
                "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck", "--nocrashreport",
                f"--accept=pipe,name={tube};urp;StarOffice.ComponentContext"]

    def lancer() -> subprocess.Popen[bytes]:
        return subprocess.Popen(commande, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)

    lo = lancer()
    lancements = 1
    local = uno.getComponentContext()
    resolveur = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    contexte = None
    fin = time.monotonic() + delai  # wall time, whatever each attempt costs on a loaded machine
    while time.monotonic() < fin:
        try:
            contexte = resolveur.resolve(f"uno:pipe,name={tube};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if lo.poll() == 81 and lancements < 3:  # a fresh profile was just made: started again
                lo = lancer()
                lancements += 1
            elif lo.poll() is not None:
                break
            time.sleep(0.05)
    if contexte is None:
        code = lo.poll()
        raison = (f"LibreOffice s'est arrêté au démarrage (code {code})" if code is not None
                  else f"LibreOffice n'écoutait pas après {delai:g} s")
        print(json.dumps({"erreur": raison, "lancements": lancements}), flush=True)
        lo.kill()
        return 1
    bureau = contexte.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", contexte)
    print(json.dumps({"pret": True, "lancements": lancements}), flush=True)
    for ligne in sys.stdin:
        demande = json.loads(ligne)
        try:
            document = bureau.loadComponentFromURL(Path(demande["entree"]).as_uri(), "_blank", 0,
                                                   (_property("Hidden", True), _property("ReadOnly", True)))
            if document is None:
                raise RuntimeError("document illisible")
            try:
                document.storeToURL(Path(demande["sortie"]).as_uri(),
                                    (_property("FilterName", "writer_pdf_Export"),))
            finally:
                document.close(True)
            reponse: dict[str, object] = {"ok": True}
        except Exception as exc:  # reported to the caller, which decides; the helper goes on
            reponse = {"erreur": f"{type(exc).__name__} : {exc}"}
        print(json.dumps(reponse), flush=True)
    with contextlib.suppress(Exception):  # LibreOffice may already be gone
        bureau.terminate()
    lo.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
