"""Benchmark: ``alize-docs inspecter`` given a .docx inflating to 2 GiB, end to end; wall time and peak RSS.

Each case runs ``python -m alize_docs inspecter FICHIER`` under ``/usr/bin/time -v`` (Python start-up and imports
included) and prints its exit code, wall time, peak resident memory and the first line of stderr. Cases: a valid
.docx (baseline: no provenance, exit 1); an honest 2 GiB part (refused from the central directory); the
provenance part ``docProps/custom.xml``, which ``inspecter`` does read, with a lying header declaring 1 000 bytes
for 2 GiB of deflated zeros (refused by the streaming guard after 1 000 bytes). Nothing here is a test.

Run: ``python bench/inspecter_bomb.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from office_bomb import RACINE, cas, zeros_deflate, zip_brut


def menteuse_provenance(dossier: Path) -> Path:
    import io

    from office_bomb import docx_valide

    with zipfile.ZipFile(io.BytesIO(docx_valide())) as archive:
        parties = [(n, archive.read(n)) for n in archive.namelist() if n != "docProps/custom.xml"]
    flux, _ = zeros_deflate(2048)
    entrees = [(n, d, zipfile.ZIP_STORED, zlib.crc32(d), len(d)) for n, d in parties]
    entrees.append(("docProps/custom.xml", flux, zipfile.ZIP_DEFLATED, zlib.crc32(bytes(1000)), 1000))
    chemin = dossier / "provenance-en-tete-menteur.docx"
    chemin.write_bytes(zip_brut(entrees))
    return chemin


def main() -> None:
    with tempfile.TemporaryDirectory() as temporaire:
        dossier = Path(temporaire)
        fichiers = [chemin for nom, chemin, _ in cas(dossier) if nom != "bombe-en-tete-menteur.docx"]
        fichiers.append(menteuse_provenance(dossier))
        for chemin in fichiers:
            resultat = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "alize_docs", "inspecter",
                                       str(chemin)], capture_output=True, text=True, cwd=RACINE,
                                      env={"PYTHONPATH": str(RACINE), "PATH": "/usr/bin:/bin"})
            mur = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", resultat.stderr)
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", resultat.stderr)
            secondes = (int(mur[1] or 0) * 3600 + int(mur[2]) * 60 + float(mur[3])) if mur else float("nan")
            premiere = ((resultat.stdout + resultat.stderr).splitlines() or [""])[0]
            print(f"{chemin.name:32} {chemin.stat().st_size / 1e6:5.2f} Mo  code {resultat.returncode}  "
                  f"{secondes:5.2f} s  pic {int(rss[1]) / 1024 if rss else 0:6.1f} Mio  {premiere}")


if __name__ == "__main__":
    main()
