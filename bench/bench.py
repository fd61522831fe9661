"""Benchmark: each figure measured in one run, on this machine, beside its baseline measured in the same run, and
their ratio (the machine may be shared: ratios, not absolute speeds, are what one run can compare).

1. per document: the whole pipeline for a partnership convention (read, validate, assemble, render, write)
   against docxtpl with its compiled Jinja template cached, on a template of the same volume with loops and
   conditions (``bench/gabarit_reference.py``); a territory's dossier (4 documents and the bundle) against one
   convention;
2. .docx batches through ``run_batch`` with N workers (parallel: N processes);
3. memory over many documents in one process;
4. PDF batches (N workers, a long-lived LibreOffice each) against N bare warm UNO conversions of the same .docx
   files (the ceiling of the machine); each failed item is printed with its reason;
5. ``alize-docs generer`` of one territory against ``python -c "import alize_docs"``;
6. peak memory of the calling process and of a worker at 10, 1 000, 5 000 items, and the re-run of unchanged
   items (``bench/memoire.py``).

Run: ``make bench`` (or ``python bench/bench.py --help``). Nothing here is a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

import alize_docs
from alize_docs.batch import BatchReport, run_batch
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.domain.models import Territoire
from alize_docs.inputs.yaml import load_model, read_yaml
from alize_docs.render.pdf import LibreOfficeServer, find_libreoffice, uno_python

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gabarit_reference
import memoire

RACINE = Path(__file__).resolve().parent.parent
TERRITOIRE = RACINE / "fixtures" / "toulinois.yaml"
COOPERATION = RACINE / "fixtures" / "cooperation-menuiseries-du-toulois.yaml"


def _rss_mo() -> float:
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1]) / 1024
    return float("nan")


def _median(fonction, repetitions: int) -> float:  # type: ignore[no-untyped-def]
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees)


class _CachedEnvironment(jinja2.Environment):
    """What anyone can do with docxtpl: compile each XML part's template once, keep it."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compilees: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if source not in self._compilees:
            self._compilees[source] = super().from_string(source, globals, template_class)
        return self._compilees[source]


def _docxtpl_cached(modele: Path, env: jinja2.Environment, contexte: dict[str, Any]) -> None:
    gabarit = DocxTemplate(str(modele))
    gabarit.render(contexte, jinja_env=env)
    gabarit.save(io.BytesIO())


def _pipeline(library: ClauseLibrary) -> None:
    territoire = load_model(Territoire, read_yaml(TERRITOIRE))
    alize_docs.render_convention(territoire, library)


def _sources(dossier: Path, territoires: int, cooperations: int) -> tuple[Path, Path]:
    terr, coop = dossier / "territoires", dossier / "cooperations"
    terr.mkdir()
    coop.mkdir()
    modele = TERRITOIRE.read_text(encoding="utf-8")
    for i in range(territoires):
        (terr / f"t{i:03d}.yaml").write_text(modele.replace("  nom: Toulinois ", f"  nom: Territoire {i:03d} "),
                                             encoding="utf-8")
    shutil.copy(TERRITOIRE, coop / "toulinois.yaml")
    accord = COOPERATION.read_text(encoding="utf-8")
    for i in range(cooperations):
        (coop / f"c{i:04d}.yaml").write_text(accord.replace("numero: TOUL-2011-003", f"numero: TOUL-2011-{i:04d}"),
                                             encoding="utf-8")
    return terr, coop


def _batch(source: Path, sortie: Path, jobs: int, pdf: bool = False) -> tuple[float, int, BatchReport]:
    debut = time.perf_counter()
    rapport = run_batch(source, sortie, jobs=jobs, pdf=pdf, force=True)
    duree = time.perf_counter() - debut
    for resultat in rapport.resultats:
        for probleme in resultat.problemes:  # every failure with its reason, never only the summary
            print(f"   ÉCHEC {resultat.source} : [{probleme.code}] {probleme.message}")
    if not rapport.ok:
        print(f"   le lot a échoué : {rapport.summary()}")
    fichiers = sum(1 for r in rapport.resultats for f in r.fichiers if f.endswith(".pdf" if pdf else ".docx"))
    return duree, fichiers, rapport


def _ratio(libelle: str, mesure: float, reference: float, unite: str, objectif: str, facteur: float = 1.0) -> None:
    print(f"   {libelle} : {mesure * facteur:8.2f} {unite} ; référence {reference * facteur:8.2f} {unite} ; "
          f"rapport {mesure / reference:5.2f}  ({objectif})")


def _bare_uno(documents: list[Path], serveurs: list[LibreOfficeServer], dossier: Path) -> float:
    """Convert *documents* with the warm *serveurs*, one thread each (their documents split between them), as
    bare UNO conversions (no PDF rewriting); return the wall time."""
    def convertir(n: int) -> None:
        for i, document in enumerate(documents[n::len(serveurs)]):
            serveurs[n]._convert_one(document, dossier / f"nu-{n}-{i}.pdf")

    fils = [threading.Thread(target=convertir, args=(n,)) for n in range(len(serveurs))]
    debut = time.perf_counter()
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    return time.perf_counter() - debut


def _wall(commande: list[str], repetitions: int = 5) -> float:
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        subprocess.run(commande, check=True, capture_output=True)
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees)


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--territoires", type=int, default=20)
    arguments.add_argument("--cooperations", type=int, default=200)
    arguments.add_argument("--pdf", type=int, default=40,
                           help="conventions de coopération converties en PDF (0 : pas de PDF)")
    arguments.add_argument("--documents", type=int, default=500, help="documents rendus d'affilée pour la mémoire")
    arguments.add_argument("--tailles", type=int, nargs="*", default=[10, 1000, 5000],
                           help="tailles de lot pour la mémoire et la relance (aucune : pas mesuré)")
    arguments.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    options = arguments.parse_args()
    charge = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Machine : {os.cpu_count()} cœurs, charge {charge:.1f} au départ, Python {sys.version.split()[0]}, "
          f"alize-docs {alize_docs.__version__}")

    with tempfile.TemporaryDirectory(prefix="alize-bench-") as temporaire:
        dossier = Path(temporaire)
        library = ClauseLibrary()
        reference = gabarit_reference.build(dossier / "gabarit-reference.docx")
        contexte = gabarit_reference.contexte()
        env = _CachedEnvironment()
        _docxtpl_cached(reference, env, contexte)
        _pipeline(library)
        nu, chaine = [], []
        for _ in range(15):  # interleaved: the same load for both
            nu.append(_median(lambda: _docxtpl_cached(reference, env, contexte), 1))
            chaine.append(_median(lambda: _pipeline(library), 1))
        print("\n1. Par document (un processus)")
        _ratio("chaîne alize-docs, convention (lire, valider, assembler, rendre, écrire) / docxtpl, modèle Jinja "
               "compilé gardé, gabarit de même volume avec boucles et conditions", statistics.median(chaine),
               statistics.median(nu), "ms", "objectif ≤ 0,8", 1000)

        dossier_signature = alize_docs.Dossier(TERRITOIRE, alize_docs.load_territoire(TERRITOIRE))
        alize_docs.render_documents(dossier_signature, library)
        complet, une = [], []
        for _ in range(7):
            complet.append(_median(lambda: alize_docs.render_documents(alize_docs.Dossier(
                TERRITOIRE, alize_docs.load_territoire(TERRITOIRE)), library), 1))
            une.append(_median(lambda: _pipeline(library), 1))
        _ratio("dossier d'un territoire (4 documents + dossier de signature) / une convention",
               statistics.median(complet), statistics.median(une), "ms", "objectif ≤ 2,5", 1000)

        terr, coop = _sources(dossier, options.territoires, options.cooperations)
        print(f"\n2. Lots, .docx, {options.jobs} processus en parallèle")
        duree, n, _ = _batch(coop, dossier / "sortie-coop", options.jobs)
        print(f"   {n} conventions de coopération : {duree:5.1f} s, {n / duree:6.1f} documents/s")
        duree, n, _ = _batch(terr, dossier / "sortie-terr", options.jobs)
        print(f"   {options.territoires} territoires ({n} .docx) : {duree:5.1f} s, {n / duree:6.1f} documents/s")

        print(f"\n3. Mémoire sur {options.documents} documents rendus d'affilée (un processus)")
        mesures = {}
        accord, son_territoire = alize_docs.load_cooperation(COOPERATION)
        dossier_accord = alize_docs.Dossier(COOPERATION, son_territoire, accord)
        for i in range(1, options.documents + 1):
            if i % 2:
                alize_docs.render_documents(dossier_accord, library)
            else:
                _pipeline(library)
            if i in (options.documents // 10, options.documents // 2, options.documents):
                mesures[i] = _rss_mo()
        print("   " + ", ".join(f"après {i} : {m:.1f} Mo" for i, m in mesures.items()))

        if options.pdf:
            try:
                find_libreoffice()
                if uno_python() is None:
                    raise alize_docs.AlizeError("pas de Python avec uno (python3-uno)")
            except alize_docs.AlizeError as exc:
                print(f"\n4. PDF : non mesuré ({exc})")
            else:
                _pdf(dossier, coop, options.pdf, options.jobs)

        print("\n5. alize-docs generer d'un territoire (.docx, démarrage de Python compris)")
        importer = _wall([sys.executable, "-c", "import alize_docs"])
        sortie = dossier / "generer"
        generer = _wall([sys.executable, "-m", "alize_docs", "generer", str(TERRITOIRE), "-o", str(sortie), "--force"])
        _ratio("generer / python -c \"import alize_docs\"", generer, importer, "s", "objectif ≤ 1,5")
        print(f"   import alize_docs : {importer:.2f} s  (objectif ≤ 0,3 s)")

    if options.tailles:
        print(f"\n6. Mémoire de pointe et relance, lots de .docx, {options.jobs} processus (bench/memoire.py)")
        for m in memoire.mesurer(options.tailles, options.jobs):
            print(f"   {m['elements']:>5.0f} éléments : processus appelant {m['parent']:6.1f} Mo, processus de "
                  f"production {m['travailleur']:6.1f} Mo ; relance sans changement {m['relance']:5.2f} s"
                  + ("  (objectif ≤ 2 s)" if m["elements"] >= 5000 else ""))
    charge = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nCharge à la fin : {charge:.1f}")
    return 0


def _pdf(dossier: Path, coop: Path, nombre: int, jobs: int) -> None:
    pdf_source = dossier / "pdf"
    pdf_source.mkdir()
    shutil.copy(TERRITOIRE, pdf_source / "toulinois.yaml")
    for chemin in sorted(coop.glob("c*.yaml"))[:nombre]:
        shutil.copy(chemin, pdf_source / chemin.name)
    print(f"\n4. PDF, {jobs} processus en parallèle, un LibreOffice chacun")
    duree, n, rapport = _batch(pdf_source, dossier / "sortie-pdf", jobs, pdf=True)
    documents = sorted(p for p in (dossier / "sortie-pdf").rglob("*.docx") if not p.name.startswith("dossier-"))
    serveurs = [LibreOfficeServer() for _ in range(jobs)]
    try:
        _bare_uno(documents[:jobs], serveurs, dossier)  # warm: started, one document each
        nu = _bare_uno(documents, serveurs, dossier)
    finally:
        for serveur in serveurs:
            serveur.close()
    convertis = len(documents)  # the bundle's PDF is the others joined, not converted
    _ratio(f"lot, {convertis} .docx convertis (+ dossier de signature assemblé), débit / {jobs} conversions UNO nues "
           "à chaud des mêmes fichiers", convertis / duree, len(documents) / nu, "PDF/s", "objectif ≥ 0,9")
    print(f"   lot : {n} PDF écrits en {duree:5.1f} s, démarrage des LibreOffice compris ; "
          f"{rapport.compte('échec')} élément(s) en échec")


if __name__ == "__main__":
    raise SystemExit(main())
