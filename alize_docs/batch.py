"""Batches: a folder of territory and cooperation files, or a workbook of cooperation agreements, in one run.

Every item is validated first, in the calling process, which keeps only its names and fingerprints; two items
that would write the same path are refused before anything is written. The valid ones are then read again one
by one and streamed, a few chunks in flight per worker, to an executor — a process pool by default, or any
:class:`concurrent.futures.Executor` the caller passes (a thread pool, Dask's ``Client.get_executor()``…).
Workers only render: they return each item's files as bytes, or its problems; the calling process writes them.
Nothing a worker does depends on its working directory or on the caller's files: items travel as validated
models, the user's clause folders as data (read once). With PDFs each worker keeps one LibreOffice and converts
an item while it renders the next; an item whose LibreOffice failed is tried once more, alone, before it is
reported. A failing item never stops the others. Each territory gets its own folder; cooperation agreements go
to their territory's folder.

A manifest in the output folder records each item's fingerprint (its inputs, the clause versions and
templates it uses, the tool's version) and the hash of its raw files (the file and the territory file it
names): a re-run skips, without reading them, the items whose raw files and tools are unchanged and whose files
are all there (``force=True`` redoes them); since rendering is deterministic, a re-run that does redo an item
writes the same bytes. Each item's files are written all or nothing (:func:`alize_docs.output.ecrire_ensemble`);
leftovers of an interrupted run (temporary files and folders) are removed at the start of the next.

One batch at a time per output folder: a lock (``filelock``, an OS lock the kernel releases when its
process dies, so a killed run's lock is simply taken over) is held for the whole run, and a second batch on
a folder in use is a :class:`CommandError`. With the default process pool, a chunk of items that runs
longer than its time allowance (``delai_element`` per item) has its worker killed and replaced; its items
are retried one by one, and the one that is still too slow fails alone.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import itertools
import json
import multiprocessing.util
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from filelock import FileLock, Timeout

from alize_docs.api import check_loaded, pdf_files_batch, render_documents
from alize_docs.clauses.library import LIMITES_RENDU, ClauseLibrary, LimitesRendu, bundled_path
from alize_docs.errors import AlizeError, CommandError, EcritureError, Probleme
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


_T = TypeVar("_T")

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


@dataclass(frozen=True)
class _Plan:
    """What the first pass keeps of a valid item: where it goes and its fingerprints — not its inputs, which
    the second pass reads again when it sends the item (the parent never holds every item's inputs)."""

    element: _Element
    dossier: str
    fichiers: list[str]
    empreinte: str
    entree: dict[str, Any] = field(default_factory=dict)  # its manifest entry


@dataclass(frozen=True)
class _Outils:
    """What a worker builds its clause library from: the user's clause folders as data (each folder's name and
    files, read once by the parent), the rendering limits. Equal by the hash of their content."""

    clauses: tuple[tuple[str, tuple[tuple[str, bytes], ...]], ...] = field(compare=False)
    limites: LimitesRendu = field(compare=False)
    cle: str = ""

    @classmethod
    def lire(cls, dossiers: Sequence[str | Path], limites: LimitesRendu) -> _Outils:
        lus = []
        empreinte = hashlib.sha256(repr(limites).encode())
        for dossier in map(Path, dossiers):
            fichiers = tuple((p.relative_to(dossier).as_posix(), p.read_bytes()) for p in sorted(dossier.rglob("*"))
                             if p.is_file() and not any(n.startswith(".") for n in p.relative_to(dossier).parts))
            lus.append((dossier.name, fichiers))
            for nom, contenu in fichiers:
                empreinte.update(f"{dossier.name}/{nom}\0".encode() + hashlib.sha256(contenu).digest())
        return cls(tuple(lus), limites, empreinte.hexdigest())


@dataclass
class _Rendu:
    """What a worker returns for one item: its files (bytes), or why it failed; *relancer* when LibreOffice
    failed on it (the parent tries it once more, alone, before reporting it)."""

    source: str
    fichiers: dict[str, bytes] | None = None
    probleme: Probleme | None = None
    relancer: bool = False


def _run_batch(source: Path, sortie: Path, pdf: bool, jobs: int | None, force: bool, executor: Executor | None,
               clauses: Sequence[str | Path], on_result: Callable[[ItemResult], None] | None,
               on_planned: Callable[[int], None] | None, limites: LimitesRendu,
               delai_element: float) -> BatchReport:
    outils_travail = _Outils.lire(clauses, limites)  # read once, sent to every worker: nothing read there
    library = ClauseLibrary(clauses, limites=limites)
    outils: dict[str, str] = {}  # model → fingerprint of its clauses and templates, computed once per run
    empreintes_brutes: dict[Path, str] = {}  # raw file → its hash, once per run (a territory named 5 000 times)

    def outil(modele: str) -> str:
        if modele not in outils:
            outils[modele] = _model_fingerprint(library, modele, pdf)
        return outils[modele]

    def brut(chemins: Iterable[Path], modele: str) -> str:
        empreinte = hashlib.sha256(outil(modele).encode())
        for chemin in chemins:
            if chemin not in empreintes_brutes:
                empreintes_brutes[chemin] = hashlib.sha256(chemin.read_bytes()).hexdigest()
            empreinte.update(empreintes_brutes[chemin].encode())
        return empreinte.hexdigest()

    _clean_temporaries(sortie)
    manifeste = _read_manifest(sortie)
    resultats: dict[str, ItemResult] = {}
    plans: list[_Plan] = []
    inchanges: set[str] = set()
    elements = _elements(source)
    for element in elements:
        deja = manifeste.get(element.cle, {})
        if not force and element.donnees is None and _unchanged_raw(deja, element.chemin, sortie, brut):
            # the raw files are those of the last run, the tools too: nothing to read, validate or render
            plans.append(_Plan(element, deja["dossier"], deja["fichiers"], deja["empreinte"], deja))
            inchanges.add(element.source)
            continue
        donnees = element.donnees if element.donnees is not None else read_yaml(element.chemin)
        rapport, entrees = check_loaded(donnees, element.chemin, library)
        if entrees is None or not rapport.ok:
            resultats[element.source] = ItemResult(element.source, "invalide", problemes=rapport.problemes)
            continue
        dossier = nom_de_dossier(entrees.territoire.dispositif.nom)
        fichiers = [f"{dossier}/{n}" for n in document_names(entrees.dossier, pdf)]
        modele = entrees.territoire.modele
        empreinte = _fingerprint(entrees, outil(modele))
        entree: dict[str, Any] = {"empreinte": empreinte, "fichiers": fichiers, "dossier": dossier}
        if element.donnees is None:
            dependances = [element.chemin]
            if entrees.cooperation is not None:  # its territory's file, as it names it
                dependances.append(element.chemin.parent / entrees.cooperation.dispositif)
            entree |= {"modele": modele, "brut": brut(dependances, modele),
                       "dependances": [entrees.cooperation.dispositif] if entrees.cooperation else []}
        plans.append(_Plan(element, dossier, fichiers, empreinte, entree))
        if (not force and deja.get("empreinte") == empreinte
                and all((sortie / f).is_file() for f in fichiers)):
            inchanges.add(element.source)
    for element in _collisions(plans):
        inchanges.discard(element.source)
        resultats[element.source] = ItemResult(element.source, "invalide", problemes=(Probleme(
            "collision", (), "Un autre élément du lot écrirait les mêmes fichiers : corrigez le nom du dispositif ou "
                             "le numéro de la convention ; aucun des deux n'est produit."),))
    a_rendre: list[_Plan] = []
    modifie = False
    for plan in plans:
        if plan.element.source in resultats:
            continue
        if plan.element.source in inchanges:
            resultats[plan.element.source] = ItemResult(plan.element.source, "inchangé", plan.dossier,
                                                        plan.fichiers, empreinte=plan.empreinte)
            if manifeste.get(plan.element.cle) != plan.entree:  # the record of an older release, completed
                manifeste[plan.element.cle] = plan.entree
                modifie = True
        else:
            a_rendre.append(plan)
    if on_planned:
        on_planned(len(a_rendre))
    for resultat in resultats.values():
        if on_result:
            on_result(resultat)
    par_source = {plan.element.source: plan for plan in a_rendre}
    nouveaux = 0
    for tache, rendu in _execute(_tasks(a_rendre, library, resultats), len(a_rendre), pdf, jobs, executor,
                                 outils_travail, delai_element):
        resultat = _write_item(tache, rendu, sortie)
        resultats[resultat.source] = resultat
        if resultat.ok:
            plan = par_source[resultat.source]
            manifeste[plan.element.cle] = plan.entree
            nouveaux += 1
            if nouveaux % _MANIFESTE_TOUS == 0:  # a crash loses at most this many items' record: they are redone
                _write_manifest(sortie, manifeste)
        if on_result:
            on_result(resultat)
    if nouveaux or modifie:
        _write_manifest(sortie, manifeste)
    ordre = {e.source: i for i, e in enumerate(elements)}
    bilan = BatchReport(str(sortie), sorted(resultats.values(), key=lambda r: ordre[r.source]))
    write_atomic(sortie / RAPPORT, bilan.as_json().encode())
    return bilan


def _unchanged_raw(deja: dict[str, Any], chemin: Path, sortie: Path,
                   brut: Callable[[Iterable[Path], str], str]) -> bool:
    """Tell whether an item's raw files (the file and the territory file it names) and the tools it is made with
    are those the manifest records, and its files are all there — without reading the item as YAML."""
    if not isinstance(deja.get("brut"), str):
        return False
    try:
        chemins = [chemin, *(chemin.parent / str(d) for d in deja["dependances"])]
        return brut(chemins, str(deja["modele"])) == deja["brut"] and isinstance(deja["dossier"], str) and all(
            (sortie / f).is_file() for f in deja["fichiers"])
    except (OSError, KeyError, TypeError, AlizeError):
        return False  # a file gone, a record of another release, a model since removed: read it again


def _tasks(plans: Sequence[_Plan], library: ClauseLibrary, resultats: dict[str, ItemResult]) -> Iterator[_Tache]:
    """The items to render, read and validated again one by one as the pool takes them (the first pass kept
    only their names and fingerprints)."""
    for plan in plans:
        element = plan.element
        donnees = element.donnees if element.donnees is not None else read_yaml(element.chemin)
        rapport, entrees = check_loaded(donnees, element.chemin, library)
        if entrees is None or not rapport.ok:  # the file changed since the first pass
            resultats[element.source] = ItemResult(element.source, "invalide", problemes=rapport.problemes)
            continue
        yield _Tache(element.source, entrees, plan.dossier, plan.empreinte)


def _write_item(tache: _Tache, rendu: _Rendu, sortie: Path) -> ItemResult:
    """Write an item's files (in the calling process, all or nothing), or report its failure."""
    if rendu.fichiers is None:
        probleme = rendu.probleme or Probleme("render", (), "erreur interne inattendue")
        return ItemResult(tache.source, "échec", tache.dossier, problemes=(probleme,))
    try:  # all or nothing: a failed write leaves the territory's previous documents as they were
        with _ctrl_c_after():
            ecrire_ensemble(sortie / tache.dossier, rendu.fichiers)
    except AlizeError as exc:
        return _failure(tache, exc)
    ecrits = [f"{tache.dossier}/{nom}" for nom in rendu.fichiers]
    return ItemResult(tache.source, "écrit", tache.dossier, ecrits, empreinte=tache.empreinte)


@contextlib.contextmanager
def _ctrl_c_after() -> Iterator[None]:
    """Let an item's write (milliseconds) finish before a Ctrl-C takes effect: the batch stops after it, the
    item complete, rather than undoing it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    recus: list[tuple[int, Any]] = []
    ancien = signal.signal(signal.SIGINT, lambda numero, cadre: recus.append((numero, cadre)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, ancien)
        if recus:
            if callable(ancien):
                ancien(*recus[0])
            elif ancien != signal.SIG_IGN:
                raise KeyboardInterrupt


def _collisions(plans: Iterable[_Plan]) -> list[_Element]:
    """Return the items that would write a path another item writes too (as a case-insensitive,
    normalising file system sees paths)."""
    proprietaires: dict[str, list[_Element]] = {}
    for plan in plans:
        for fichier in plan.fichiers:
            proprietaires.setdefault(cle(fichier), []).append(plan.element)
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


def _execute(taches: Iterator[_Tache], nombre: int, pdf: bool, jobs: int | None, executor: Executor | None,
             outils: _Outils, delai: float) -> Iterator[tuple[_Tache, _Rendu]]:
    """Render the items on the pool, a bounded number of chunks in flight (the parent streams items, it never
    holds them all); an item whose LibreOffice failed is tried once more, alone, before it is reported."""
    if not nombre:
        return
    travailleurs = jobs or os.cpu_count() or 1
    taille = max(1, min(_TAILLE_LOT_MAX if pdf else 4, -(-nombre // (travailleurs * 3))))
    relances: list[list[_Tache]] = []

    def prochain() -> list[_Tache] | None:
        if relances:
            return relances.pop()
        return list(itertools.islice(taches, taille)) or None

    deja_relances: set[str] = set()
    if executor is None:
        rendus = _execute_pool(prochain, pdf, travailleurs, outils, delai)
    else:
        rendus = _execute_executor(executor, prochain, pdf, travailleurs, outils)
    for tache, rendu in rendus:
        if rendu.relancer and tache.source not in deja_relances:
            deja_relances.add(tache.source)
            relances.append([tache])  # taken before the next new chunk
            continue
        yield tache, rendu


_EN_VOL = 2
"""Chunks in flight per worker: one running, one waiting, so that no worker idles between two."""


def _execute_executor(executor: Executor, prochain: Callable[[], list[_Tache] | None], pdf: bool,
                      travailleurs: int, outils: _Outils) -> Iterator[tuple[_Tache, _Rendu]]:
    futures: dict[Future[list[_Rendu]], list[_Tache]] = {}
    while True:
        while len(futures) < travailleurs * _EN_VOL and (lot := prochain()) is not None:
            futures[executor.submit(_render_chunk, lot, pdf, outils)] = lot
        if not futures:
            return
        faits, _ = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
        for future in faits:
            yield from _results(futures.pop(future), future)


def _results(lot: list[_Tache], future: Future[list[_Rendu]]) -> Iterator[tuple[_Tache, _Rendu]]:
    try:
        rendus = future.result()
    except Exception as exc:  # a worker died (SIGKILL, memory…): its items failed, the others go on
        yield from _worker_failures(lot, exc)
        return
    yield from zip(lot, rendus, strict=True)


def _worker_failures(lot: list[_Tache], exc: BaseException) -> Iterator[tuple[_Tache, _Rendu]]:
    for tache in lot:
        yield tache, _Rendu(tache.source, probleme=Probleme(
            "worker", (), f"Le processus de production s'est arrêté ({type(exc).__name__}) : relancez le "
                          "lot, les éléments déjà écrits ne seront pas refaits."))


def _execute_pool(prochain: Callable[[], list[_Tache] | None], pdf: bool, travailleurs: int, outils: _Outils,
                  delai: float) -> Iterator[tuple[_Tache, _Rendu]]:
    """Run the chunks on a process pool of our own, watching the time each chunk takes: when one runs over its
    allowance, the workers are killed and the pool replaced; the late chunk's items are retried one by one
    (a lone late item fails), the chunks that were not finished are submitted again."""
    a_refaire: list[list[_Tache]] = []

    def suivant() -> list[_Tache] | None:
        return a_refaire.pop() if a_refaire else prochain()

    while True:
        pool = ProcessPoolExecutor(max_workers=travailleurs, initializer=_ignore_ctrl_c)
        futures: dict[Future[list[_Rendu]], list[_Tache]] = {}
        debuts: dict[Future[list[_Rendu]], float] = {}
        remplacer = casse = False
        try:
            while True:
                while not casse and len(futures) < travailleurs * _EN_VOL and (lot := suivant()) is not None:
                    try:
                        futures[pool.submit(_render_chunk, lot, pdf, outils)] = lot
                    except concurrent.futures.BrokenExecutor:  # a worker died: the next chunks go to a new pool
                        a_refaire.append(lot)
                        casse = True
                if not futures:
                    remplacer = casse
                    break
                faits, _ = concurrent.futures.wait(futures, timeout=_SONDE,
                                                   return_when=concurrent.futures.FIRST_COMPLETED)
                for future in faits:
                    debuts.pop(future, None)  # a finished chunk's future (and the bytes it holds) is let go
                    yield from _results(futures.pop(future), future)
                maintenant = time.monotonic()
                for future in futures:
                    if future.running():
                        debuts.setdefault(future, maintenant)
                # a pool marks one chunk more than it has workers as running: only the oldest really are
                en_cours = sorted((f for f in debuts if f in futures), key=debuts.__getitem__)[:travailleurs]
                en_retard = [f for f in en_cours if maintenant - debuts[f] > delai * len(futures[f])]
                if not en_retard:
                    continue
                _kill_workers(pool)
                for future in en_retard:
                    lot = futures.pop(future)
                    if len(lot) > 1:
                        a_refaire += [[tache] for tache in lot]
                    else:
                        yield lot[0], _timeout(lot[0], delai)
                for future, lot in list(futures.items()):
                    if future.done() and future.exception() is None:
                        yield from _results(lot, future)
                    else:
                        a_refaire.append(lot)
                futures.clear()
                remplacer = True
                break
        except BaseException:  # Ctrl-C (or any stop): the workers end now, without finishing their chunks
            _kill_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if not remplacer:
            return


def _ignore_ctrl_c() -> None:
    """In a worker: leave Ctrl-C to the parent, which ends the workers itself (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker of *pool* (their LibreOffice ends with them: parent-death signal)."""
    processus = getattr(pool, "_processes", None) or {}
    for travailleur in list(processus.values()):
        with contextlib.suppress(OSError, AttributeError):
            travailleur.kill()


def _timeout(tache: _Tache, delai: float) -> _Rendu:
    return _Rendu(tache.source, probleme=Probleme(
        "timeout", (), f"La production de cet élément a dépassé {delai:g} s : son processus a été arrêté et "
                       "remplacé, les autres éléments continuent. Vérifiez les clauses qu'il utilise (une boucle "
                       "sans fin ?)."))


_BIBLIOTHEQUES: dict[str, ClauseLibrary] = {}
_BIBLIOTHEQUES_VERROU = threading.Lock()


def _worker_library(outils: _Outils) -> ClauseLibrary:
    """One clause library per worker process and clause stack (clauses compile once per worker), built from
    the clause files the parent sent, written into a private folder of the worker's: nothing depends on the
    worker's working directory or on the parent's files."""
    with _BIBLIOTHEQUES_VERROU:  # a thread pool's workers share it
        if outils.cle not in _BIBLIOTHEQUES:
            if len(_BIBLIOTHEQUES) >= 4:
                _BIBLIOTHEQUES.clear()
            racine = Path(tempfile.mkdtemp(prefix="alize-clauses-"))
            multiprocessing.util.Finalize(None, shutil.rmtree, (racine, True), exitpriority=5)
            dossiers = []
            for i, (nom, fichiers) in enumerate(outils.clauses):
                dossier = racine / f"{i:02d}" / nom  # the folder keeps its name (messages name it)
                for relatif, contenu in fichiers:
                    chemin = dossier / relatif
                    chemin.parent.mkdir(parents=True, exist_ok=True)
                    chemin.write_bytes(contenu)
                dossier.mkdir(parents=True, exist_ok=True)
                dossiers.append(dossier)
            _BIBLIOTHEQUES[outils.cle] = ClauseLibrary(dossiers, limites=outils.limites)
        return _BIBLIOTHEQUES[outils.cle]


def _render_chunk(lot: list[_Tache], pdf: bool, outils: _Outils) -> list[_Rendu]:
    """Render a chunk of items (in a worker) and return their files as bytes — a worker writes nothing:
    the calling process writes them. With PDFs, an item's conversion runs while the next one is rendered
    (LibreOffice is another process). An item's failure is its own."""
    library = _worker_library(outils)
    rendus: list[_Rendu] = []
    conversions: list[tuple[_Rendu, Future[dict[str, bytes]]]] = []
    convertisseur = _worker_converter() if pdf else None
    for tache in lot:
        try:
            rendu = _Rendu(tache.source, render_documents(tache.entrees, library))
        except AlizeError as exc:
            rendu = _Rendu(tache.source, probleme=Probleme("render", (), str(exc)))
        except Exception as exc:  # a bug of ours on this item: the item fails, the chunk goes on
            rendu = _Rendu(tache.source, probleme=Probleme(
                "render", (), f"erreur interne inattendue ({type(exc).__name__} : {exc})"))
        rendus.append(rendu)
        if convertisseur is not None and rendu.fichiers is not None:
            conversions.append((rendu, convertisseur.submit(_convert_item, rendu.fichiers)))
    for rendu, conversion in conversions:
        try:
            rendu.fichiers = {**(rendu.fichiers or {}), **conversion.result()}
        except AlizeError as exc:  # LibreOffice failed on this item: the parent tries it once more, alone
            rendu.fichiers, rendu.probleme, rendu.relancer = None, Probleme("render", (), str(exc)), True
    return rendus


class _ParProcessus(Generic[_T]):
    """A value made once per process by *creer* (a forked worker makes its own: a thread or a LibreOffice of
    the parent's does not exist in the child); shared by the process's threads."""

    def __init__(self, creer: Callable[[], _T]) -> None:
        self._creer = creer
        self._valeur: tuple[int, _T] | None = None
        self._verrou = threading.Lock()

    def __call__(self) -> _T:
        with self._verrou:
            if self._valeur is None or self._valeur[0] != os.getpid():
                self._valeur = (os.getpid(), self._creer())
            return self._valeur[1]

    def cache_clear(self) -> None:
        with self._verrou:
            self._valeur = None


def _new_server() -> LibreOfficeServer | None:
    if uno_python() is None:
        return None
    serveur = LibreOfficeServer()
    multiprocessing.util.Finalize(serveur, serveur.close, exitpriority=10)
    return serveur


_worker_converter = _ParProcessus(lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="alize-pdf"))
"""The worker's conversion thread: it waits on LibreOffice (another process) while the worker renders."""

_worker_server = _ParProcessus(_new_server)
"""The worker's long-lived LibreOffice (None where no Python can drive one over UNO). It ends with the
worker: the helper reads the worker's pipe, and its end ends LibreOffice."""


def _convert_item(fichiers: dict[str, bytes]) -> dict[str, bytes]:
    """Convert an item's documents with the worker's long-lived LibreOffice (restarted by itself if it dies
    or hangs); without UNO, with one LibreOffice start."""
    serveur = _worker_server()
    return pdf_files_batch([fichiers], serveur.convert if serveur is not None else None)[0]


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

