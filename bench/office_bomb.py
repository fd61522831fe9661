"""Benchmark: a .docx inflating to 2 GiB given to the safe reader, refused; time and peak memory per case.

Each case runs in a fresh subprocess (so ``ru_maxrss`` is that refusal's peak, Python start-up and imports
included) and prints one line: the case, the wall time of ``ouvrir`` + reading the bomb part, the peak RSS,
and the French message. Cases: an honest 2 GiB part (refused from the central directory), the same part
with a lying header declaring 1 000 bytes (refused by the streaming guard), and the valid .docx itself as
a baseline. Nothing here is a test: it measures and prints.

Run: ``python bench/office_bomb.py`` (``--json`` for one JSON object per line).
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
MIB = 1 << 20

ENFANT = r"""
import json, resource, sys, time
from alize_docs.office import FichierRefuse, ouvrir
chemin, partie = sys.argv[1], sys.argv[2]
debut = time.perf_counter()
try:
    paquet = ouvrir(chemin)
    paquet.partie(partie)
    paquet.octets_surs()
    message = "accepté"
except FichierRefuse as erreur:
    message = str(erreur)
duree = time.perf_counter() - debut
print(json.dumps({"secondes": duree, "pic_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": message}, ensure_ascii=False))
"""


def zeros_deflate(mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mib`` MiB of zeros (one flushed block repeated) and its CRC-32."""
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    premier = compresseur.compress(bytes(MIB)) + compresseur.flush(zlib.Z_FULL_FLUSH)
    bloc = compresseur.compress(bytes(MIB)) + compresseur.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    zeros = bytes(MIB)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    return premier + bloc * (mib - 1) + compresseur.flush(), crc


def zip_brut(entrees: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written by hand from (name, raw data, method, CRC, declared size): headers say what they are told."""
    locaux, central = b"", b""
    for nom, brut, methode, crc, taille in entrees:
        octets, decalage = nom.encode(), len(locaux)
        locaux += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, methode, 0, 0x21, crc, len(brut), taille,
                              len(octets), 0) + octets + brut
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, methode, 0, 0x21, crc, len(brut),
                               taille, len(octets), 0, 0, 0, 0, 0, decalage) + octets
    fin = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entrees), len(entrees), len(central), len(locaux), 0)
    return locaux + central + fin


def docx_valide() -> bytes:
    import docx

    tampon = io.BytesIO()
    docx.Document().save(tampon)
    return tampon.getvalue()


def cas(dossier: Path) -> list[tuple[str, Path, str]]:
    valide = docx_valide()
    with zipfile.ZipFile(io.BytesIO(valide)) as archive:
        parties = [(nom, archive.read(nom)) for nom in archive.namelist()]
    flux, crc = zeros_deflate(2048)
    stockees = [(nom, donnees, zipfile.ZIP_STORED, zlib.crc32(donnees), len(donnees)) for nom, donnees in parties]
    honnete = zip_brut([*stockees, ("word/media/zeros.bin", flux, zipfile.ZIP_DEFLATED, crc, 2048 * MIB)])
    sans_document = [entree for entree in stockees if entree[0] != "word/document.xml"]
    menteuse = zip_brut([*sans_document, ("word/document.xml", flux, zipfile.ZIP_DEFLATED, zlib.crc32(bytes(1000)),
                                          1000)])
    fichiers = []
    for nom, donnees, partie in (("valide.docx", valide, "word/document.xml"),
                                 ("bombe-2-gio.docx", honnete, "word/media/zeros.bin"),
                                 ("bombe-en-tete-menteur.docx", menteuse, "word/document.xml")):
        chemin = dossier / nom
        chemin.write_bytes(donnees)
        fichiers.append((nom, chemin, partie))
    return fichiers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as dossier:
        for nom, chemin, partie in cas(Path(dossier)):
            sortie = subprocess.run([sys.executable, "-c", ENFANT, str(chemin), partie], check=True,
                                    capture_output=True, text=True, cwd=RACINE,
                                    env={"PYTHONPATH": str(RACINE), "PATH": "/usr/bin:/bin"})
            mesure = json.loads(sortie.stdout)
            mesure |= {"cas": nom, "taille_mo": chemin.stat().st_size / 1e6}
            if options.json:
                print(json.dumps(mesure, ensure_ascii=False))
            else:
                print(f"{nom:28} {mesure['taille_mo']:5.2f} Mo  {mesure['secondes'] * 1000:7.1f} ms  "
                      f"pic {mesure['pic_mo']:6.1f} Mo  {mesure['message']}")


if __name__ == "__main__":
    main()
