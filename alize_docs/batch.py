"""Batches: a folder of territory and cooperation files, or a workbook of cooperation agreements, in one run.

Every item is validated first, in the calling process; two items that would write the same path are
refused before anything is written. The valid ones are rendered in parallel by an executor — a process
pool by default, or any :class:`concurrent.futures.Executor` the caller passes (Dask's, Ray's…) — in
chunks, so that a chunk's PDFs come from a single LibreOffice start. A failing item never stops the
others. Each territory gets its own folder; cooperation agreements go to their territory's folder.

A manifest in the output folder records each item's fingerprint (its inputs, the clause versions and
templates it uses, the tool's version): a re-run skips the items whose fingerprint is unchanged and whose
files are all there (``force=True`` redoes them), and since rendering is deterministic, a re-run that does
redo an item writes the same bytes. Each item's files are written all or nothing
(:func:`alize_docs.output.ecrire_ensemble`); leftovers of an interrupted run (temporary files and folders)
are removed at the start of the next.

One batch at a time per output folder: a lock (``filelock``, an OS lock the kernel releases when its
process dies, so a killed run's lock is simply taken over) is held for the whole run, and a second batch on
a folder in use is a :class:`CommandError`. With the default process pool, a chunk of items that runs
longer than its time allowance (``delai_element`` per item) has its worker killed and replaced; its items
are retried one by one, and the one that is still too slow fails alone.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import hashlib
import json
import multiprocessing.util
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout

from alize_docs.api import check_loaded, pdf_files_batch, render_documents
from alize_docs.clauses.library import LIMITES_RENDU, ClauseLibrary, LimitesRendu, bundled_path
from alize_docs.errors import AlizeError, CommandError, EcritureError, Probleme, RenderError
from alize_docs.inputs.classeur import CLASSEURS, is_workbook, workbook_items
from alize_docs.inputs.yaml import LoadedData, read_yaml
from alize_docs.output import (
    PREFIXE_TEMPORAIRE,
    cle,
    document_names,
    ecrire_ensemble,
    message_ecriture,
    nom_de_dossier,
    write_atomic,
)
from alize_docs.render.pdf import LibreOfficeServer, uno_python
from alize_docs.rules.dossier import DossierValide

__all__ = ["DELAI_ELEMENT", "MANIFESTE", "RAPPORT", "VERROU", "BatchReport", "ItemResult", "run_batch"]

MANIFESTE = ".alize-lot.json"
RAPPORT = "rapport-lot.json"
VERROU = ".alize-lot.lock"
DELAI_ELEMENT = 300.0
"""Seconds one item may take in a worker, PDFs included, before its worker is killed (a backstop: clause
rendering has its own limits, LibreOffice its own time limit)."""
_SONDE = 0.2  # how often the parent looks at its workers
_TAILLE_LOT_MAX = 20
_MANIFESTE_TOUS = 25


Statut = Literal["écrit", "inchangé", "invalide", "échec"]
"""What became of an item of a batch."""


@dataclass
class ItemResult:
    """What became of one item: ``écrit``, ``inchangé``, ``invalide`` or ``échec``, its files or its problems."""

    source: str
    statut: Statut
    dossier: str = ""
    fichiers: list[str] = field(default_factory=list)
    problemes: tuple[Probleme, ...] = ()
    empreinte: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the item as the report writes it (its problems as code, field, line and message)."""
        return {"source": self.source, "statut": self.statut, "dossier": self.dossier, "fichiers": self.fichiers,
                "problemes": [p.as_dict() for p in self.problemes]}

    @property
    def ok(self) -> bool:
        return self.statut in ("écrit", "inchangé")


@dataclass
class BatchReport:
    sortie: str
    resultats: list[ItemResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.resultats)

    def compte(self, statut: Statut) -> int:
        return sum(r.statut == statut for r in self.resultats)

    def as_json(self) -> str:
        return json.dumps({"sortie": self.sortie, "reussi": self.ok,
                           "resultats": [r.as_dict() for r in self.resultats]}, ensure_ascii=False, indent=2)

    def summary(self) -> str:
        return (f"{len(self.resultats)} élément(s) : {self.compte('écrit')} écrit(s), {self.compte('inchangé')} "
                f"inchangé(s), {self.compte('invalide')} invalide(s), {self.compte('échec')} en échec.")


@dataclass(frozen=True)
class _Element:
    """An item to validate: a YAML file, or a workbook row already read (``donnees``). ``cle`` names it in the
    manifest whatever the path the batch was given (relative, absolute, from another folder)."""

    source: str
    chemin: Path
    cle: str
    donnees: LoadedData | None = field(default=None, compare=False)  # unhashable: an element is its source


@dataclass(frozen=True)
class _Tache:
    """An item to render, as sent to a worker: its validated inputs (pickled), where to write, its fingerprint."""

    source: str
    entrees: DossierValide
    dossier: str
    empreinte: str


def _elements(source: Path) -> list[_Element]:
    if source.is_file() and is_workbook(source):
        from alize_docs.office import ouvrir

        with ouvrir(source):  # the workbook given as SOURCE is refused whole (exit 3) when hostile or broken
            pass
        return [_Element(ligne.source, ligne.dossier, ligne.source, ligne.donnees) for ligne in workbook_items(source)]
    if source.is_dir():
        fichiers = sorted(p for p in source.rglob("*") if p.suffix.lower() in (".yaml", ".yml", *CLASSEURS)
                          and p.is_file() and not p.name.startswith("~$"))  # ~$…: Excel's lock file
        elements = []
        for p in fichiers:
            if not is_workbook(p):
                elements.append(_Element(str(p), p, p.relative_to(source).as_posix()))
            for ligne in workbook_items(p) if is_workbook(p) else ():  # a workbook row: « …xlsx, ligne 5 »
                suite = ligne.source.removeprefix(str(p)).removeprefix(p.name)
                elements.append(_Element(str(p) + suite, ligne.dossier, p.relative_to(source).as_posix() + suite,
                                         ligne.donnees))
        return elements
    raise CommandError(f"{source} n'est ni un dossier de fichiers de saisie ni un classeur .xlsx ou .ods.")


def run_batch(source: str | Path, sortie: str | Path, *, pdf: bool = False, jobs: int | None = None,
              force: bool = False, executor: Executor | None = None, library: ClauseLibrary | None = None,
              clauses: Sequence[str | Path] = (), on_result: Callable[[ItemResult], None] | None = None,
              on_planned: Callable[[int], None] | None = None, limites: LimitesRendu = LIMITES_RENDU,
              delai_element: float = DELAI_ELEMENT) -> BatchReport:
    """Validate then generate every item of *source* into *sortie*; return the report (also written there).

    *library* is the clause library, as everywhere in the API (its folders and limits are sent to the workers);
    *clauses* (folders) and *limites* are the older way to say the same, kept for this release.
    *on_planned* is told how many items will be rendered, *on_result* each item's result as it comes
    (for a progress bar); neither is needed. *delai_element* is the time an item may take in a worker of the
    default pool. Another batch running on *sortie* is a :class:`CommandError`.
    """
    if library is not None:
        clauses = [d for d in library.dossiers if d != bundled_path("clauses")]
        limites = library.limites
    source, sortie = Path(source), Path(sortie)
    with _verrou(sortie):
        return _run_batch(source, sortie, pdf, jobs, force, executor, clauses, on_result, on_planned, limites,
                          delai_element)


@contextlib.contextmanager
def _verrou(sortie: Path) -> Iterator[None]:
    """Hold the output folder's lock for the whole batch; refuse at once if another batch holds it."""
    try:
        sortie.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EcritureError(message_ecriture(exc, sortie)) from None
    verrou = FileLock(sortie / VERROU, timeout=0)
    try:
        verrou.acquire()
    except Timeout:
        raise CommandError(f"le dossier de sortie {sortie} est déjà utilisé par un autre lot en cours : attendez "
                           "qu'il se termine ou choisissez un autre dossier") from None
    try:
        yield
    finally:
        verrou.release()


def _run_batch(source: Path, sortie: Path, pdf: bool, jobs: int | None, force: bool, executor: Executor | None,
               clauses: Sequence[str | Path], on_result: Callable[[ItemResult], None] | None,
               on_planned: Callable[[int], None] | None, limites: LimitesRendu,
               delai_element: float) -> BatchReport:
    library = ClauseLibrary(clauses, limites=limites)
    outils: dict[str, str] = {}  # model → fingerprint of its clauses and templates, computed once per run
    _clean_temporaries(sortie)
    manifeste = _read_manifest(sortie)
    resultats: dict[str, ItemResult] = {}
    planifies: list[tuple[_Element, DossierValide, str, list[str]]] = []
    elements = _elements(source)
    cles = {e.source: e.cle for e in elements}
    for element in elements:
        donnees = element.donnees if element.donnees is not None else read_yaml(element.chemin)
        rapport, entrees = check_loaded(donnees, element.chemin, library)
        if entrees is None or not rapport.ok:
            resultats[element.source] = ItemResult(element.source, "invalide", problemes=rapport.problemes)
            continue
        dossier = nom_de_dossier(entrees.territoire.dispositif.nom)
        planifies.append((element, entrees, dossier, [f"{dossier}/{n}" for n in document_names(entrees.dossier, pdf)]))
    for element in _collisions(planifies):
        resultats[element.source] = ItemResult(element.source, "invalide", problemes=(Probleme(
            "collision", (), "Un autre élément du lot écrirait les mêmes fichiers : corrigez le nom du dispositif ou "
                             "le numéro de la convention ; aucun des deux n'est produit."),))
    taches = []
    for element, entrees, dossier, fichiers in planifies:
        if element.source in resultats:
            continue
        modele = entrees.territoire.modele
        if modele not in outils:
            outils[modele] = _model_fingerprint(library, modele, pdf)
        empreinte = _fingerprint(entrees, outils[modele])
        deja = manifeste.get(element.cle, {})
        if not force and deja.get("empreinte") == empreinte and all((sortie / f).is_file() for f in fichiers):
            resultats[element.source] = ItemResult(element.source, "inchangé", dossier, fichiers, empreinte=empreinte)
            continue
        taches.append(_Tache(element.source, entrees, dossier, empreinte))
    if on_planned:
        on_planned(len(taches))
    for resultat in resultats.values():
        if on_result:
            on_result(resultat)
    nouveaux = 0
    for resultat in _execute(taches, sortie, pdf, jobs, executor, (tuple(str(c) for c in clauses), limites),
                             delai_element):
        resultats[resultat.source] = resultat
        if resultat.ok:
            manifeste[cles[resultat.source]] = {"empreinte": resultat.empreinte, "fichiers": resultat.fichiers}
            nouveaux += 1
            if nouveaux % _MANIFESTE_TOUS == 0:  # a crash loses at most this many items' record: they are redone
                _write_manifest(sortie, manifeste)
        if on_result:
            on_result(resultat)
    if nouveaux:
        _write_manifest(sortie, manifeste)
    ordre = [e.source for e in elements]
    bilan = BatchReport(str(sortie), sorted(resultats.values(), key=lambda r: ordre.index(r.source)))
    write_atomic(sortie / RAPPORT, bilan.as_json().encode())
    return bilan


def _collisions(planifies: Iterable[tuple[_Element, DossierValide, str, list[str]]]) -> list[_Element]:
    """Return the items that would write a path another item writes too (as a case-insensitive,
    normalising file system sees paths)."""
    proprietaires: dict[str, list[_Element]] = {}
    for element, _, _, fichiers in planifies:
        for fichier in fichiers:
            proprietaires.setdefault(cle(fichier), []).append(element)
    return list(dict.fromkeys(e for elements in proprietaires.values() if len(elements) > 1 for e in elements))


def _model_fingerprint(library: ClauseLibrary, modele: str, pdf: bool) -> str:
    """Return the fingerprint of what every item of *modele* is made with: the tool, its clause versions, the
    templates. The same for all of a model's items: computed once per model and run."""
    from alize_docs._version import __version__

    empreinte = hashlib.sha256(f"{__version__}|{pdf}|{modele}".encode())
    for refs in library.modele(modele).documents.values():
        for ident, version in refs:
            empreinte.update(library.use(library.clause(ident, version)).sha256.encode())
    for gabarit in sorted(bundled_path("templates").glob("*.docx")):
        empreinte.update(hashlib.sha256(gabarit.read_bytes()).digest())
    return empreinte.hexdigest()


def _fingerprint(entrees: DossierValide, outils: str) -> str:
    empreinte = hashlib.sha256(outils.encode())
    for modele in (entrees.territoire, entrees.cooperation):
        if modele is not None:
            empreinte.update(modele.model_dump_json().encode())
    return empreinte.hexdigest()


_Outils = tuple[tuple[str, ...], LimitesRendu]  # what a worker builds its clause library from


def _execute(taches: list[_Tache], sortie: Path, pdf: bool, jobs: int | None, executor: Executor | None,
             outils: _Outils, delai: float) -> Iterable[ItemResult]:
    if not taches:
        return
    travailleurs = jobs or os.cpu_count() or 1
    taille = max(1, min(_TAILLE_LOT_MAX, -(-len(taches) // (travailleurs * 3))))
    lots = [taches[i:i + taille] for i in range(0, len(taches), taille)]
    if executor is None:
        yield from _execute_pool(lots, sortie, pdf, travailleurs, outils, delai)
        return
    futures: dict[Future[list[ItemResult]], list[_Tache]] = {
        executor.submit(_render_chunk, lot, str(sortie), pdf, outils): lot for lot in lots}
    for future in concurrent.futures.as_completed(futures):
        try:
            yield from future.result()
        except Exception as exc:  # a worker died (SIGKILL, memory…): its items failed, the others go on
            yield from _worker_failures(futures[future], exc)


def _worker_failures(lot: list[_Tache], exc: BaseException) -> Iterator[ItemResult]:
    for tache in lot:
        yield ItemResult(tache.source, "échec", tache.dossier, problemes=(Probleme(
            "worker", (), f"Le processus de production s'est arrêté ({type(exc).__name__}) : relancez le "
                          "lot, les éléments déjà écrits ne seront pas refaits."),))


def _execute_pool(lots: list[list[_Tache]], sortie: Path, pdf: bool, travailleurs: int, outils: _Outils,
                  delai: float) -> Iterator[ItemResult]:
    """Run *lots* on a process pool of our own, watching the time each chunk takes: when one runs over its
    allowance, the workers are killed and the pool replaced; the late chunk's items are retried one by one
    (a lone late item fails), the chunks that were not finished are submitted again."""
    a_faire = [(lot, False) for lot in lots]  # (chunk, already retried alone)
    while a_faire:
        pool = ProcessPoolExecutor(max_workers=travailleurs, initializer=_ignore_ctrl_c)
        futures = {pool.submit(_render_chunk, lot, str(sortie), pdf, outils): (lot, seul) for lot, seul in a_faire}
        a_faire = []
        debuts: dict[Future[list[ItemResult]], float] = {}
        try:
            while futures:
                faits, _ = concurrent.futures.wait(futures, timeout=_SONDE,
                                                   return_when=concurrent.futures.FIRST_COMPLETED)
                for future in faits:
                    lot, _seul = futures.pop(future)
                    try:
                        yield from future.result()
                    except Exception as exc:  # a worker died (SIGKILL, memory…): its items failed
                        yield from _worker_failures(lot, exc)
                maintenant = time.monotonic()
                for future in futures:
                    if future.running():
                        debuts.setdefault(future, maintenant)
                # a pool marks one chunk more than it has workers as running: only the oldest really are
                en_cours = sorted((f for f in debuts if f in futures), key=debuts.__getitem__)[:travailleurs]
                en_retard = [f for f in en_cours if maintenant - debuts[f] > delai * len(futures[f][0])]
                if not en_retard:
                    continue
                _kill_workers(pool)
                for future in en_retard:
                    lot, seul = futures.pop(future)
                    if len(lot) > 1:
                        a_faire += [([tache], True) for tache in lot]
                    else:
                        yield _timeout(lot[0], delai)
                for future, (lot, seul) in list(futures.items()):
                    if future.done() and future.exception() is None:
                        yield from future.result()
                    else:
                        a_faire.append((lot, seul))
                futures.clear()
        except BaseException:  # Ctrl-C (or any stop): the workers end now, without finishing their chunks
            _kill_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _ignore_ctrl_c() -> None:
    """In a worker: leave Ctrl-C to the parent, which ends the workers itself (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker of *pool* (their LibreOffice ends with them: parent-death signal)."""
    processus = getattr(pool, "_processes", None) or {}
    for travailleur in list(processus.values()):
        with contextlib.suppress(OSError, AttributeError):
            travailleur.kill()


def _timeout(tache: _Tache, delai: float) -> ItemResult:
    return ItemResult(tache.source, "échec", tache.dossier, problemes=(Probleme(
        "timeout", (), f"La production de cet élément a dépassé {delai:g} s : son processus a été arrêté et "
                       "remplacé, les autres éléments continuent. Vérifiez les clauses qu'il utilise (une boucle "
                       "sans fin ?)."),))


@functools.lru_cache(maxsize=4)
def _worker_library(clauses: tuple[str, ...], limites: LimitesRendu = LIMITES_RENDU) -> ClauseLibrary:
    """One clause library per worker process and clause stack: clauses compile once per worker."""
    return ClauseLibrary(clauses, limites=limites)


_RENDU = threading.Lock()
"""One render at a time in a process: the Word stack (docxtpl, python-docx and the template caches) is not
documented as thread-safe, and a thread pool sharing it once lost an item (issue 14). Processes are not slowed;
threads gain nothing from rendering in parallel under the GIL anyway."""


def _render_chunk(lot: list[_Tache], sortie: str, pdf: bool, outils: _Outils) -> list[ItemResult]:
    """Render a chunk of items (in a worker): every .docx, then all their PDFs by one LibreOffice start,
    then write each item's files. An item's failure is its own."""
    library = _worker_library(*outils)
    rendus: list[tuple[_Tache, dict[str, bytes]]] = []
    resultats: list[ItemResult] = []
    for tache in lot:
        try:
            with _RENDU:
                rendus.append((tache, render_documents(tache.entrees, library)))
        except AlizeError as exc:
            resultats.append(_failure(tache, exc))
        except Exception as exc:  # a bug of ours on this item: the item fails, the chunk goes on
            resultats.append(_failure(tache, AlizeError(f"erreur interne inattendue ({type(exc).__name__} : {exc})")))
    if pdf and rendus:
        try:
            convertis = _convert_with_restart([f for _, f in rendus])
            for (_, fichiers), pdfs in zip(rendus, convertis, strict=True):
                fichiers |= pdfs
        except AlizeError as exc:
            resultats += [_failure(tache, exc) for tache, _ in rendus]
            rendus = []
    for tache, fichiers in rendus:
        try:  # all or nothing: a failed write leaves the territory's previous documents as they were
            ecrire_ensemble(Path(sortie) / tache.dossier, fichiers)
        except AlizeError as exc:
            resultats.append(_failure(tache, exc))
            continue
        ecrits = [f"{tache.dossier}/{nom}" for nom in fichiers]
        resultats.append(ItemResult(tache.source, "écrit", tache.dossier, ecrits, empreinte=tache.empreinte))
    return resultats


@functools.lru_cache(maxsize=1)
def _worker_server() -> LibreOfficeServer | None:
    """The worker's long-lived LibreOffice (None where no Python can drive one over UNO). It ends with the
    worker: the helper reads the worker's pipe, and its end ends LibreOffice."""
    if uno_python() is None:
        return None
    serveur = LibreOfficeServer()
    multiprocessing.util.Finalize(serveur, serveur.close, exitpriority=10)
    return serveur


def _convert_with_restart(lots: list[dict[str, bytes]]) -> list[dict[str, bytes]]:
    """Convert a chunk's documents with the worker's long-lived LibreOffice (restarted by itself if it dies
    or hangs); without UNO, with one LibreOffice start for the chunk, tried twice."""
    serveur = _worker_server()
    if serveur is not None:
        return pdf_files_batch(lots, serveur.convert)
    try:
        return pdf_files_batch(lots)
    except RenderError:
        return pdf_files_batch(lots)


def _failure(tache: _Tache, exc: Exception) -> ItemResult:
    return ItemResult(tache.source, "échec", tache.dossier,
                      problemes=(Probleme("render", (), str(exc)),))


def _read_manifest(sortie: Path) -> dict[str, Any]:
    try:
        contenu = json.loads((sortie / MANIFESTE).read_text(encoding="utf-8"))
        return contenu if isinstance(contenu, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(sortie: Path, manifeste: dict[str, Any]) -> None:
    write_atomic(sortie / MANIFESTE, json.dumps(manifeste, ensure_ascii=False, indent=1, sort_keys=True).encode())


def _clean_temporaries(sortie: Path) -> None:
    """Remove what an interrupted run left (the batch holds the folder's lock): temporary files of
    :func:`write_atomic` (``.nom.xxxx.tmp``) and temporary folders of :func:`ecrire_ensemble` (``.alize-…``)."""
    if sortie.is_dir():
        for reste in sortie.rglob(".*.tmp"):
            reste.unlink(missing_ok=True)
        for reste in [p for p in sortie.rglob(PREFIXE_TEMPORAIRE + "*") if p.is_dir() and not p.is_symlink()]:
            shutil.rmtree(reste, ignore_errors=True)

