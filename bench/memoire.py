"""Memory of a batch as it grows: peak RSS of the calling process and of a worker, at 10, 1 000 and 5 000 items,
and the time of a re-run when nothing changed.

Each size runs in a fresh process (``--un N``), so that each peak is that size's own: the calling process's
peak is its ``VmHWM``, a worker's the largest ``ru_maxrss`` of its ended children. Items: a tenth
territories, the rest cooperation agreements (.docx, 2 workers). Not a test: it measures and prints.

Run: ``python bench/memoire.py`` (``--tailles 10 1000 5000``); ``make bench`` runs it too.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
TERRITOIRE = RACINE / "fixtures" / "toulinois.yaml"
COOPERATION = RACINE / "fixtures" / "cooperation-menuiseries-du-toulois.yaml"


def sources(dossier: Path, nombre: int) -> Path:
    """*nombre* items: a tenth territories (one folder each), the rest agreements of the Toulinois."""
    source = dossier / "source"
    source.mkdir()
    territoire = TERRITOIRE.read_text(encoding="utf-8")
    accord = COOPERATION.read_text(encoding="utf-8")
    shutil.copy(TERRITOIRE, source / "toulinois.yaml")
    territoires = max(0, nombre // 10 - 1)
    for i in range(territoires):
        (source / f"t{i:05d}.yaml").write_text(territoire.replace("  nom: Toulinois ", f"  nom: Territoire {i:05d} "),
                                               encoding="utf-8")
    for i in range(nombre - territoires - 1):
        (source / f"c{i:05d}.yaml").write_text(accord.replace("numero: TOUL-2011-003", f"numero: TOUL-2011-{i:05d}"),
                                               encoding="utf-8")
    return source


def _vmhwm_mo() -> float:
    """This process's peak RSS (``VmHWM``: unlike ``ru_maxrss``, not raised by the RSS of the process that
    started it)."""
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmHWM:"):
            return int(ligne.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def une_taille(nombre: int, jobs: int) -> dict[str, float]:
    from alize_docs.batch import run_batch

    with tempfile.TemporaryDirectory(prefix="alize-memoire-") as temporaire:
        source = sources(Path(temporaire), nombre)
        debut = time.perf_counter()
        rapport = run_batch(source, Path(temporaire) / "out", jobs=jobs)
        duree = time.perf_counter() - debut
        if not rapport.ok:
            raise SystemExit(f"le lot a échoué : {rapport.summary()}")
        debut = time.perf_counter()
        relance = run_batch(source, Path(temporaire) / "out", jobs=jobs)
        duree_relance = time.perf_counter() - debut
        assert relance.compte("inchangé") == nombre, relance.summary()
    return {"elements": nombre, "duree": duree, "relance": duree_relance, "parent": _vmhwm_mo(),
            "travailleur": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def mesurer(tailles: list[int], jobs: int) -> list[dict[str, float]]:
    """Run each size in a fresh process; return its figures."""
    mesures = []
    for nombre in tailles:
        sortie = subprocess.run([sys.executable, __file__, "--un", str(nombre), "--jobs", str(jobs)], check=True,
                                capture_output=True, text=True).stdout
        mesures.append(json.loads(sortie.splitlines()[-1]))
    return mesures


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--tailles", type=int, nargs="+", default=[10, 1000, 5000])
    arguments.add_argument("--jobs", type=int, default=2)
    arguments.add_argument("--un", type=int, help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.un:
        print(json.dumps(une_taille(options.un, options.jobs)))
        return 0
    for m in mesurer(options.tailles, options.jobs):
        print(f"{m['elements']:>6.0f} éléments : processus appelant {m['parent']:6.1f} Mo, processus de production "
              f"{m['travailleur']:6.1f} Mo (pointes) ; lot {m['duree']:6.1f} s, relance sans changement "
              f"{m['relance']:5.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
