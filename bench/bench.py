"""Benchmark: prints figures measured in one run, on this machine, against a baseline measured in the same run.

- the baseline: a bare docxtpl render (load the template, render, save) of a template the size of our
  convention, made from the generated convention itself;
- the pipeline per document: load, validate, assemble, render and save a convention (one process);
- a territory's whole dossier (four documents and the bundle) in CPU time;
- batches of cooperation agreements and of territories through ``run_batch`` with N workers (docx);
- PDFs through the batch (one LibreOffice start per chunk) against one ``soffice`` start per document;
- peak memory per worker, and memory over many documents in one process (is it flat?);
- ``alize-docs generer`` of one territory, Python start-up included.

Run: ``make bench`` (or ``python bench/bench.py --help``). Nothing here is a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate

import alize_docs
from alize_docs.batch import run_batch
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.domain.models import Territoire
from alize_docs.inputs.yaml import load_model, read_yaml
from alize_docs.render.pdf import find_libreoffice

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


def _baseline_template(dossier: Path) -> Path:
    """Make a docxtpl template the size of our convention: the convention itself, values turned into fields."""
    donnees = alize_docs.render_convention(alize_docs.load_territoire(TERRITOIRE))
    import zipfile

    entree = zipfile.ZipFile(io.BytesIO(donnees))
    sortie_tampon = io.BytesIO()
    with zipfile.ZipFile(sortie_tampon, "w", zipfile.ZIP_DEFLATED) as sortie:
        for nom in entree.namelist():
            contenu = entree.read(nom)
            if nom == "word/document.xml":
                texte = contenu.decode()
                for valeur, champ in (("Toulinois", "nom"), ("Parole d&apos;entreprises", "operateur"),
                                      ("Parole d'entreprises", "operateur"), ("Nancy", "lieu"),
                                      ("Meurthe-et-Moselle", "departement"), ("Bernard Weiss", "president")):
                    texte = texte.replace(valeur, "{{ " + champ + " }}")
                contenu = texte.encode()
            sortie.writestr(nom, contenu)
    chemin = dossier / "gabarit-reference.docx"
    chemin.write_bytes(sortie_tampon.getvalue())
    return chemin


def _bare_docxtpl(modele: Path) -> None:
    gabarit = DocxTemplate(str(modele))
    gabarit.render({"nom": "Toulinois", "operateur": "Parole d'entreprises", "lieu": "Nancy",
                    "departement": "Meurthe-et-Moselle", "president": "Bernard Weiss"})
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


def _batch(source: Path, sortie: Path, jobs: int, pdf: bool = False) -> tuple[float, int]:
    debut = time.perf_counter()
    rapport = run_batch(source, sortie, jobs=jobs, pdf=pdf, force=True)
    duree = time.perf_counter() - debut
    if not rapport.ok:
        raise SystemExit(f"le lot a échoué : {rapport.summary()}")
    fichiers = sum(1 for r in rapport.resultats for f in r.fichiers if f.endswith(".pdf" if pdf else ".docx"))
    return duree, fichiers


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--territoires", type=int, default=20)
    arguments.add_argument("--cooperations", type=int, default=200)
    arguments.add_argument("--pdf", type=int, default=40,
                           help="conventions de coopération converties en PDF (0 : pas de PDF)")
    arguments.add_argument("--documents", type=int, default=1000, help="documents rendus d'affilée pour la mémoire")
    arguments.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    options = arguments.parse_args()
    print(f"Machine : {os.cpu_count()} cœurs, Python {sys.version.split()[0]}, alize-docs {alize_docs.__version__}")

    with tempfile.TemporaryDirectory(prefix="alize-bench-") as temporaire:
        dossier = Path(temporaire)
        library = ClauseLibrary()
        reference = _baseline_template(dossier)
        _bare_docxtpl(reference)
        _pipeline(library)
        nu = _median(lambda: _bare_docxtpl(reference), 15)
        chaine = _median(lambda: _pipeline(library), 15)
        print("\n1. Par document (convention de partenariat, un processus)")
        print(f"   docxtpl seul (référence, gabarit de même taille) : {nu * 1000:6.1f} ms")
        print(f"   chaîne alize-docs (lire, valider, assembler, rendre, écrire) : {chaine * 1000:6.1f} ms")
        print(f"   rapport chaîne / référence : {chaine / nu:.2f}  (objectif ≤ 1,0)")

        territoire = alize_docs.load_territoire(TERRITOIRE)
        dossier_signature = alize_docs.Dossier(TERRITOIRE, territoire)
        alize_docs.render_documents(dossier_signature, library)
        cpu = []
        for _ in range(5):
            debut = time.process_time()
            alize_docs.render_documents(alize_docs.Dossier(TERRITOIRE, alize_docs.load_territoire(TERRITOIRE)),
                                        library)
            cpu.append(time.process_time() - debut)
        print(f"   dossier complet d'un territoire (4 documents + dossier de signature) : "
              f"{statistics.median(cpu) * 1000:6.1f} ms de CPU  (objectif ≤ 150 ms)")

        terr, coop = _sources(dossier, options.territoires, options.cooperations)
        duree, n = _batch(coop, dossier / "sortie-coop", options.jobs)
        print(f"\n2. Lots, .docx, {options.jobs} processus")
        print(f"   {n} conventions de coopération : {duree:5.1f} s, {n / duree:6.1f} documents/s  (objectif ≥ 60)")
        duree, n = _batch(terr, dossier / "sortie-terr", options.jobs)
        print(f"   {options.territoires} territoires ({n} .docx) : {duree:5.1f} s, {n / duree:6.1f} documents/s")
        pic = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"   mémoire de pointe d'un processus de production : {pic:6.1f} Mo  (objectif ≤ 150 Mo)")

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
        premier, dernier = mesures[min(mesures)], mesures[max(mesures)]
        print(f"   croissance entre {min(mesures)} et {max(mesures)} documents : {dernier - premier:+.1f} Mo")

        if options.pdf:
            try:
                soffice = find_libreoffice()
            except alize_docs.AlizeError as exc:
                print(f"\n4. PDF : non mesuré ({exc})")
            else:
                pdf_source = dossier / "pdf"
                pdf_source.mkdir()
                shutil.copy(TERRITOIRE, pdf_source / "toulinois.yaml")
                for chemin in sorted(coop.glob("c*.yaml"))[: options.pdf]:
                    shutil.copy(chemin, pdf_source / chemin.name)
                duree, n = _batch(pdf_source, dossier / "sortie-pdf", options.jobs, pdf=True)
                docx_ = sorted((dossier / "sortie-pdf").rglob("*.docx"))[:5]
                debut = time.perf_counter()
                for i, document in enumerate(docx_):
                    subprocess.run([soffice, f"-env:UserInstallation=file://{dossier}/profil-{i}", "--headless",
                                    "--convert-to", "pdf", "--outdir", str(dossier / "un-par-un"), str(document)],
                                   check=True, capture_output=True, timeout=300)
                un_par_un = len(docx_) / (time.perf_counter() - debut)
                print(f"\n4. PDF, {options.jobs} processus")
                print(f"   lot : {n} PDF en {duree:5.1f} s, {n / duree:5.2f} PDF/s  (objectif ≥ 5)")
                print(f"   référence, un soffice par document : {un_par_un:5.2f} PDF/s ; rapport "
                      f"{(n / duree) / un_par_un:4.1f}×  (objectif ≥ 6×)")

        durees = []
        for _ in range(3):
            sortie = dossier / f"generer-{len(durees)}"
            debut = time.perf_counter()
            subprocess.run([sys.executable, "-m", "alize_docs", "generer", str(TERRITOIRE), "-o", str(sortie)],
                           check=True, capture_output=True)
            durees.append(time.perf_counter() - debut)
        print(f"\n5. alize-docs generer d'un territoire (.docx, démarrage de Python compris) : "
              f"{statistics.median(durees):.2f} s  (objectif ≤ 1 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
