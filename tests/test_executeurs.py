"""Batches on other executors: a thread pool (with a sampling profiler, as a Dask worker runs one), and a real
Dask cluster whose scheduler and worker run from another folder. Each writes the same bytes as the built-in
pool, and only the calling process writes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest

from alize_docs import batch
from alize_docs.api import check_loaded
from alize_docs.batch import run_batch

from .conftest import FIXTURES, RACINE, TERRITOIRE, texte_exemple

COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"
TITRE = "partenariat/titre/2008.txt"


def network(dossier: Path, territoires: int) -> Path:
    """A folder of *territoires* territories and one cooperation agreement."""
    dossier.mkdir(parents=True)
    shutil.copy(TERRITOIRE, dossier / "toulinois.yaml")
    shutil.copy(COOPERATION, dossier / COOPERATION.name)
    for i in range(territoires):
        (dossier / f"t{i:02d}.yaml").write_text(texte_exemple().replace("  nom: Toulinois ", f"  nom: T{i:02d} "),
                                                encoding="utf-8")
    return dossier


def user_clauses(dossier: Path) -> Path:
    """A user's clause folder: the partnership convention's title clause, reworded."""
    cible = dossier / TITRE
    cible.parent.mkdir(parents=True)
    texte = (RACINE / "clauses" / TITRE).read_text(encoding="utf-8")
    cible.write_text(texte.replace("# CONVENTION DE PARTENARIAT", "# CONVENTION DE PARTENARIAT LOCALE"),
                     encoding="utf-8")
    return dossier


def contents(dossier: Path) -> dict[str, str]:
    """Each document's hash, by its path in the output folder."""
    return {p.relative_to(dossier).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dossier.rglob("*.docx"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The network, and what the built-in process pool writes for it."""
    racine = tmp_path_factory.mktemp("reference")
    source = network(racine / "source", 6)
    rapport = run_batch(source, racine / "out", jobs=2)
    assert rapport.ok, rapport.summary()
    return source, contents(racine / "out")


@pytest.fixture
def sampling_profiler() -> Iterator[None]:
    """What Dask's worker runs beside its tasks: a thread that samples every thread's frames
    (``sys._current_frames()``) and holds the last sample until it takes the next."""
    fin = threading.Event()

    def echantillonner() -> None:
        echantillon = None
        while not fin.is_set():
            echantillon = sys._current_frames()
            time.sleep(0.0005)
        del echantillon

    fil = threading.Thread(target=echantillonner, daemon=True)
    fil.start()
    yield
    fin.set()
    fil.join()


@pytest.mark.slow
def test_a_thread_pool_beside_a_sampling_profiler_writes_what_the_process_pool_writes(
        reference: tuple[Path, dict[str, str]], sampling_profiler: None, tmp_path: Path) -> None:
    # Issue 14's « 'lxml.etree._Element' object has no attribute 'sectPr' »: a sampled frame of docxtpl kept
    # its plain lxml body alive, and python-docx got that instead of its own CT_Body.
    source, attendu = reference
    with ThreadPoolExecutor(max_workers=4) as executor:
        rapport = run_batch(source, tmp_path / "out", executor=executor)
    echecs = [p.message for r in rapport.resultats for p in r.problemes]
    assert echecs == [] and rapport.compte("écrit") == 8
    assert contents(tmp_path / "out") == attendu


def _dask_process(*arguments: str, cwd: Path) -> subprocess.Popen[bytes]:
    environnement = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(RACINE), *filter(None, [os.environ.get("PYTHONPATH")])])}  # this checkout, as installed
    return subprocess.Popen([sys.executable, "-m", "distributed.cli." + arguments[0], *arguments[1:]], cwd=cwd,
                            env=environnement, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A Dask scheduler and a worker (two threads), each a process of its own, started from another folder."""
    pytest.importorskip("distributed")
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    fichier = ailleurs / "scheduler.json"
    ordonnanceur = _dask_process("dask_scheduler", "--scheduler-file", str(fichier), "--port", "0",
                                 "--dashboard-address", ":0", "--host", "127.0.0.1", cwd=ailleurs)
    travailleur = None
    try:
        limite = time.monotonic() + 120
        while not fichier.is_file() and time.monotonic() < limite:
            time.sleep(0.1)
        travailleur = _dask_process("dask_worker", "--scheduler-file", str(fichier), "--nthreads", "2",
                                    "--nworkers", "1", "--dashboard-address", ":0", "--no-nanny", cwd=ailleurs)
        yield json.loads(fichier.read_text())["address"]
    finally:
        for processus in (travailleur, ordonnanceur):
            if processus is not None:
                processus.terminate()
                try:
                    processus.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    processus.kill()
                    processus.wait()


@pytest.mark.slow
def test_a_dask_cluster_started_elsewhere_writes_the_documents_here_with_the_same_bytes(
        reference: tuple[Path, dict[str, str]], dask_cluster: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    source, attendu = reference
    monkeypatch.chdir(tmp_path)  # the clause folder is given relative to this folder, not the worker's
    user_clauses(tmp_path / "mes-clauses")
    with Client(dask_cluster, timeout=120) as client:
        client.wait_for_workers(1, timeout=120)
        rapport = run_batch(source, "out", executor=client.get_executor())
        propres = run_batch(source, "out-clauses", executor=client.get_executor(), clauses=["mes-clauses"])
    assert rapport.ok and rapport.compte("écrit") == 8, [p.message for r in rapport.resultats for p in r.problemes]
    assert contents(tmp_path / "out") == attendu  # written here, by the calling process: nothing in the worker's folder
    assert not list((tmp_path / "ailleurs").rglob("*.docx"))
    assert propres.ok, [p.message for r in propres.resultats for p in r.problemes]
    convention = docx.Document(str(tmp_path / "out-clauses" / "T00" / "convention-partenariat-t00.docx"))
    assert "CONVENTION DE PARTENARIAT LOCALE" in [p.text for p in convention.paragraphs]


@pytest.mark.slow
def test_a_rerun_of_unchanged_items_reads_none_of_them_again(reference: tuple[Path, dict[str, str]],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, _ = reference
    copie = tmp_path / "source"
    shutil.copytree(source, copie)
    run_batch(copie, tmp_path / "out", jobs=2)
    validations: list[object] = []  # a re-run with nothing changed validates nothing: the raw fingerprints say so
    monkeypatch.setattr(batch, "check_loaded", lambda *a, **k: validations.append(a) or check_loaded(*a, **k))
    assert {r.statut for r in run_batch(copie, tmp_path / "out", jobs=2).resultats} == {"inchangé"}
    assert validations == []
    (copie / "t00.yaml").write_text((copie / "t00.yaml").read_text(encoding="utf-8").replace(
        "  nom: T00 ", "  nom: T00 bis "), encoding="utf-8")
    (copie / "t01.yaml").write_text("{{{", encoding="utf-8")
    second = run_batch(copie, tmp_path / "out", jobs=2)
    statuts = {Path(r.source).name: r.statut for r in second.resultats}
    assert statuts.pop("t00.yaml") == "écrit" and statuts.pop("t01.yaml") == "invalide"
    assert set(statuts.values()) == {"inchangé"}
    # the territory an agreement names changed: the agreement is redone, though its own file is the same
    (copie / "toulinois.yaml").write_text(texte_exemple().replace("lieu: Nancy", "lieu: Toul"), encoding="utf-8")
    troisieme = run_batch(copie, tmp_path / "out", jobs=2)
    statuts = {Path(r.source).name: r.statut for r in troisieme.resultats}
    assert statuts[COOPERATION.name] == "écrit" and statuts["toulinois.yaml"] == "écrit"
    assert statuts["t02.yaml"] == "inchangé"


RENDU = """
import hashlib, sys
import alize_docs
exemple = alize_docs.exemple("toulinois.yaml")
fichiers = alize_docs.render_documents(alize_docs.Dossier(exemple, alize_docs.load_territoire(exemple)))
print(hashlib.sha256(b"".join(fichiers.values())).hexdigest())
"""


def _render_in_process(cache: Path, **environnement: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if k != "ALIZE_DOCS_NO_CACHE"}, "XDG_CACHE_HOME": str(cache),
           "PYTHONPATH": str(RACINE), **environnement}
    resultat = subprocess.run([sys.executable, "-c", RENDU], env=env, capture_output=True, text=True, timeout=300)
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.strip()


@pytest.mark.slow
def test_compiled_clauses_are_cached_privately_and_change_no_byte(tmp_path: Path) -> None:
    sans = _render_in_process(tmp_path / "aucun", ALIZE_DOCS_NO_CACHE="1")
    assert not (tmp_path / "aucun").exists()  # opted out: nothing written
    froid = _render_in_process(tmp_path / "cache")
    dossier = tmp_path / "cache" / "alize-docs" / "jinja"
    entrees = sorted(p.name for p in dossier.iterdir())
    assert entrees and all(len(n) == len("0" * 64 + ".jinja") for n in entrees)
    assert dossier.stat().st_mode & 0o777 == 0o700
    chaud = _render_in_process(tmp_path / "cache")
    assert sans == froid == chaud
    assert sorted(p.name for p in dossier.iterdir()) == entrees  # read back, nothing compiled again
    # a folder others can write to is not trusted: nothing is read from it or written to it
    partage = tmp_path / "partage" / "alize-docs" / "jinja"
    partage.mkdir(parents=True)
    partage.chmod(0o777)
    assert _render_in_process(tmp_path / "partage") == sans
    assert list(partage.iterdir()) == []


def _agreement_docx(dossier: Path) -> Path:
    import alize_docs

    accord, territoire = alize_docs.load_cooperation(COOPERATION)
    fichiers = alize_docs.render_documents(alize_docs.Dossier(COOPERATION, territoire, accord))
    chemin = dossier / "accord.docx"
    chemin.write_bytes(next(iter(fichiers.values())))
    return chemin


@pytest.mark.slow
def test_two_cold_libreoffice_starts_at_once_each_launch_once_and_convert(
        libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first PDF batch on a fresh machine: two workers start LibreOffice at the same moment, each from a
    # fresh profile, with nothing cached yet (both race to make the pre-initialised profile).
    import io

    from pypdf import PdfReader

    from alize_docs.render.pdf import LibreOfficeServer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-vide"))
    monkeypatch.delenv("ALIZE_DOCS_NO_CACHE", raising=False)
    document = _agreement_docx(tmp_path)
    resultats: dict[int, tuple[int, str]] = {}

    def convertir(i: int) -> None:
        with LibreOfficeServer() as serveur:
            pdf = serveur.convert([document])[0]
            resultats[i] = (serveur.lancements, PdfReader(io.BytesIO(pdf)).pages[0].extract_text())

    fils = [threading.Thread(target=convertir, args=(i,)) for i in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert sorted(resultats) == [0, 1]
    for lancements, texte in resultats.values():
        assert lancements == 1  # from the pre-initialised profile: no exit 81, no second launch
        assert "CONVENTION DE COOPÉRATION" in texte.upper()


@pytest.mark.slow
def test_a_libreoffice_too_slow_to_start_is_tried_again_then_reported_with_its_reason(
        libreoffice: str, tmp_path: Path) -> None:
    from alize_docs.errors import RenderError
    from alize_docs.render.pdf import LibreOfficeServer

    document = _agreement_docx(tmp_path)
    with LibreOfficeServer(demarrage=0.01, profil=None) as serveur, pytest.raises(RenderError) as erreur:
        serveur.convert([document])
    assert serveur.demarrages == 2  # tried once more before failing
    assert "LibreOffice n'a pas démarré : LibreOffice n'écoutait pas après 0.01 s." in str(erreur.value)
