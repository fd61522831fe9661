"""The library's entry points: load, validate, assemble, render, write.

Each function takes what it needs and returns a value; nothing here prints or keeps state between
calls. Pass a :class:`ClauseLibrary` to reuse compiled clauses across many documents.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .assembly import DOCUMENTS, assemble_convention, assemble_cooperation, assemble_dossier, check_no_blanks
from .clauses import ClauseLibrary, bundled_path
from .cooperation_rules import validate_cooperation as _cooperation_rules
from .document import AssembledDocument
from .errors import InvalidInput, Probleme, ValidationReport, sort_problems
from .loading import LoadedData, load_model, read_yaml
from .models import Cooperation, Territoire
from .naming import slug
from .pdf import PDF_PREFIX, convert_to_pdf, merge_pdfs, pdf_metadata
from .rendering import check_template, document_properties, render_bundle, render_docx
from .rules import validate_territoire

__all__ = [
    "Dossier",
    "check_file",
    "check_loaded",
    "document_names",
    "documents_using",
    "generate",
    "inspect_file",
    "load_cooperation",
    "load_territoire",
    "pdf_files",
    "pdf_files_batch",
    "render_convention",
    "render_documents",
    "validate",
    "validate_cooperation",
    "write_atomic",
    "write_convention",
]


@dataclass(frozen=True)
class Dossier:
    """The validated inputs of one file: a territory, and the cooperation agreement if the file is one."""

    source: Path
    territoire: Territoire
    cooperation: Cooperation | None = None


def load_territoire(chemin: str | Path) -> Territoire:
    """Return the typed model of a territory file; raise :class:`InvalidInput` listing every problem."""
    return load_model(Territoire, read_yaml(chemin))


def load_cooperation(chemin: str | Path) -> tuple[Cooperation, Territoire]:
    """Return a cooperation file's model and its territory's (``dispositif:`` is relative to the file)."""
    donnees = read_yaml(chemin)
    cooperation = load_model(Cooperation, donnees)
    territoire, probleme = _territory_of(Path(chemin), cooperation)
    if territoire is None:
        raise InvalidInput(donnees.report([probleme] if probleme else []))
    return cooperation, territoire


def _territory_of(chemin: Path, cooperation: Cooperation) -> tuple[Territoire | None, Probleme | None]:
    """Load the territory a cooperation names, relative to *chemin*'s folder (*chemin* may be a folder)."""
    fichier = (chemin if chemin.is_dir() else chemin.parent) / cooperation.dispositif
    try:
        etat = fichier.stat() if fichier.is_file() else None
        if etat is None:
            return load_territoire(fichier), None  # raises, with the missing file said in French
        return _territory_file(str(fichier.resolve()), etat.st_mtime_ns, etat.st_size), None
    except InvalidInput as exc:
        premier = exc.problemes[0]
        n = len(exc.problemes)
        return None, Probleme("file", ("dispositif",),
                              f"Le fichier du dispositif « {cooperation.dispositif} » a {n} "
                              f"problème{'s' if n > 1 else ''} (vérifiez-le avec « alize-docs valider {fichier} ») ; "
                              f"le premier : {premier.message}")


@functools.lru_cache(maxsize=64)
def _territory_file(chemin: str, mtime_ns: int, taille: int) -> Territoire:
    """Return a territory file's model, read once per version of the file: a batch of agreements names the same
    territory hundreds of times (the model is immutable; a changed file has another mtime or size)."""
    return load_territoire(chemin)


def validate(territoire: Territoire, library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the report of every program rule *territoire* breaks (``report.ok`` when none)."""
    library = library or ClauseLibrary()
    return ValidationReport("territoire", tuple(validate_territoire(territoire, library.modeles())))


def validate_cooperation(cooperation: Cooperation, territoire: Territoire,
                         library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the report of every program rule a cooperation agreement breaks, given its territory."""
    library = library or ClauseLibrary()
    return ValidationReport(cooperation.numero, tuple(_cooperation_problems(cooperation, territoire, library)))


def _cooperation_problems(cooperation: Cooperation, territoire: Territoire, library: ClauseLibrary
                          ) -> list[Probleme]:
    if territoire.modele not in library.modeles():
        return [Probleme("model", ("modele",), f"Modèle « {territoire.modele} » inconnu.")]
    majorite = library.modele(territoire.modele).parametres.get("majorite_comite", "deux-tiers-des-presents")
    return _cooperation_rules(cooperation, territoire, majorite)


def check_file(chemin: str | Path, library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the full report of a territory or cooperation file: syntax, fields, then rules, with lines."""
    return _check(chemin, library or ClauseLibrary())[0]


def _is_cooperation(donnees: LoadedData) -> bool:
    return isinstance(donnees.data, Mapping) and isinstance(donnees.data.get("dispositif"), str)


def _check(chemin: str | Path, library: ClauseLibrary) -> tuple[ValidationReport, Dossier | None]:
    return check_loaded(read_yaml(chemin), Path(chemin), library)


def check_loaded(donnees: LoadedData, chemin: Path, library: ClauseLibrary
                 ) -> tuple[ValidationReport, Dossier | None]:
    """Return the report of data already read (a file, a workbook row), and its dossier when it is valid;
    a cooperation's ``dispositif:`` is relative to *chemin* (a file, or the folder of a workbook)."""
    try:
        if _is_cooperation(donnees):
            cooperation = load_model(Cooperation, donnees)
            territoire, probleme = _territory_of(Path(chemin), cooperation)
            if territoire is None:
                return donnees.report([probleme] if probleme else []), None
            regles = _cooperation_problems(cooperation, territoire, library)
            return donnees.report(regles), Dossier(Path(chemin), territoire, cooperation)
        territoire = load_model(Territoire, donnees)
    except InvalidInput as exc:
        return exc.report, None
    return donnees.report(validate_territoire(territoire, library.modeles())), Dossier(Path(chemin), territoire)


def _template(document: AssembledDocument, gabarits: Path | None = None) -> Path:
    """Return the Word template of *document*: the user's from *gabarits* if there is one (checked), else ours."""
    nom = "cooperation.docx" if document.kind == "cooperation" else "convention.docx"
    if gabarits is not None and (gabarits / nom).is_file():
        check_template(gabarits / nom)
        return gabarits / nom
    return bundled_path("templates") / nom


def _render(document: AssembledDocument, gabarits: Path | None = None) -> bytes:
    texte: list[str] = []  # what the written XML parts show a reader, gathered as they are checked
    donnees = render_docx(document, _template(document, gabarits), texte)
    check_no_blanks(document.title, texte)
    return donnees


def render_convention(territoire: Territoire, library: ClauseLibrary | None = None) -> bytes:
    """Return the .docx bytes of the partnership convention; raise :class:`InvalidInput` if invalid."""
    library = library or ClauseLibrary()
    rapport = validate(territoire, library)
    if not rapport.ok:
        raise InvalidInput(ValidationReport("territoire", sort_problems(rapport.problemes)))
    return _render(assemble_convention(territoire, library))


def document_names(dossier: Dossier, pdf: bool = False) -> list[str]:
    """Return the names of the files a dossier gives: .docx (and .pdf) of each document, bundle last."""
    if dossier.cooperation is not None:
        noms = [f"cooperation-{slug(dossier.cooperation.numero)}"]
    else:
        nom = slug(dossier.territoire.dispositif.nom)
        noms = [f"{kind}-{nom}" for kind in list(DOCUMENTS)[:4]] + [f"dossier-signature-{nom}"]
    return [f"{n}.docx" for n in noms] + ([f"{n}.pdf" for n in noms] if pdf else [])


def render_documents(dossier: Dossier, library: ClauseLibrary | None = None,
                     gabarits: Path | None = None) -> dict[str, bytes]:
    """Return the .docx files of a validated dossier by file name: a territory's four documents and their
    bundle, or one cooperation agreement. *gabarits*: a folder of the user's own Word templates."""
    library = library or ClauseLibrary()
    noms = document_names(dossier)
    if dossier.cooperation is not None:
        document = assemble_cooperation(dossier.cooperation, dossier.territoire, library)
        return {noms[0]: _render(document, gabarits)}
    documents = assemble_dossier(dossier.territoire, library)
    fichiers = {nom: _render(d, gabarits) for nom, d in zip(noms, documents, strict=False)}
    titre = f"Dossier de signature — convention de partenariat ALIZÉ® {dossier.territoire.dispositif.nom}"
    fichiers[noms[-1]] = render_bundle(documents, _template(documents[0], gabarits), titre)
    return fichiers


def _pdf_metadata(docx: bytes) -> dict[str, str]:
    """Return a PDF's metadata from its .docx: title, subject, author, and the same provenance."""
    proprietes = document_properties(docx)
    metadonnees = {f"/{cle.title()}": proprietes.pop(cle) for cle in ("title", "subject", "author")}
    return metadonnees | {PDF_PREFIX + cle.removeprefix("alize:"): valeur for cle, valeur in proprietes.items()}


def pdf_files(fichiers: dict[str, bytes]) -> dict[str, bytes]:
    """Return the PDF of every .docx of *fichiers*; the bundle's is the others joined, with bookmarks."""
    return pdf_files_batch([fichiers])[0]


Convertisseur = Callable[[Sequence[Path], Sequence[dict[str, str]]], list[bytes]]


def pdf_files_batch(lots: list[dict[str, bytes]], convertir: Convertisseur = convert_to_pdf
                    ) -> list[dict[str, bytes]]:
    """Return the PDFs of several dossiers' .docx files, converted together (by default by a single
    LibreOffice start; a batch worker passes its long-lived :class:`LibreOfficeServer`)."""
    a_convertir: list[tuple[int, str, bytes]] = [
        (i, nom, donnees) for i, lot in enumerate(lots) for nom, donnees in lot.items()
        if not nom.startswith("dossier-signature-")]
    with tempfile.TemporaryDirectory(prefix="alize-docx-") as temporaire:
        chemins = []
        for i, nom, donnees in a_convertir:
            chemin = Path(temporaire) / f"{i:05d}-{nom}"
            chemin.write_bytes(donnees)
            chemins.append(chemin)
        metadonnees = [_pdf_metadata(d) for _, _, d in a_convertir]
        convertis = convertir(chemins, metadonnees)
    resultats: list[dict[str, bytes]] = [{} for _ in lots]
    titres: list[list[tuple[str, bytes]]] = [[] for _ in lots]  # bookmark title and PDF of each part, in order
    for (i, nom, _), pdf, infos in zip(a_convertir, convertis, metadonnees, strict=True):
        resultats[i][nom.removesuffix(".docx") + ".pdf"] = pdf
        titres[i].append((DOCUMENTS[infos[PDF_PREFIX + "document"]], pdf))
    for lot, pdfs, parties in zip(lots, resultats, titres, strict=True):
        for faisceau in (n for n in lot if n.startswith("dossier-signature-")):
            pdfs[faisceau.removesuffix(".docx") + ".pdf"] = merge_pdfs(parties, _pdf_metadata(lot[faisceau]))
    return resultats


def inspect_file(chemin: str | Path) -> dict[str, str]:
    """Return what a generated .docx or PDF records of its making (model, clauses, input hash, tool)."""
    donnees = Path(chemin).read_bytes()
    if donnees.startswith(b"%PDF"):
        return {cle.replace(PDF_PREFIX, "alize:", 1): valeur for cle, valeur in pdf_metadata(donnees).items()
                if cle.startswith(PDF_PREFIX)}
    return {cle: valeur for cle, valeur in document_properties(donnees).items() if cle.startswith("alize:")}


def documents_using(dossier: str | Path, reference: str) -> list[Path]:
    """Return the documents of *dossier* (recursively) built from the clause version *reference* (``id@v``)."""
    trouves = []
    for chemin in sorted(Path(dossier).rglob("*")):
        if chemin.suffix.lower() not in (".docx", ".pdf") or not chemin.is_file():
            continue
        try:
            provenance = inspect_file(chemin)
        except (OSError, ValueError, KeyError):
            continue  # not one of ours, or unreadable: nothing to report
        if any(v.split(" ")[0] == reference for k, v in provenance.items() if k.startswith("alize:clause-")):
            trouves.append(chemin)
    return trouves


def write_atomic(chemin: Path, donnees: bytes) -> None:
    """Write *donnees* to *chemin* through a temporary file in the same folder, synced then renamed."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    try:
        os.fchmod(descripteur, 0o644)  # mkstemp makes 0600; these are documents to share
        with os.fdopen(descripteur, "wb") as fichier:
            fichier.write(donnees)
            fichier.flush()
            os.fsync(fichier.fileno())
        os.replace(temporaire, chemin)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    dossier = os.open(chemin.parent, os.O_RDONLY)
    try:
        os.fsync(dossier)
    finally:
        os.close(dossier)


def write_convention(territoire: Territoire, dossier: str | Path, library: ClauseLibrary | None = None) -> Path:
    """Write the partnership convention into *dossier* atomically and return its path."""
    chemin = Path(dossier) / f"convention-partenariat-{slug(territoire.dispositif.nom)}.docx"
    write_atomic(chemin, render_convention(territoire, library))
    return chemin


def generate(chemin: str | Path, dossier: str | Path, library: ClauseLibrary | None = None,
             pdf: bool = False, gabarits: Path | None = None) -> list[Path]:
    """Validate a territory or cooperation file and write its documents into *dossier* (and their PDFs).

    Everything is rendered before anything is written: an invalid file or a failed conversion writes
    nothing.
    """
    library = library or ClauseLibrary()
    rapport, entrees = _check(chemin, library)
    if entrees is None or not rapport.ok:
        raise InvalidInput(rapport)
    fichiers = render_documents(entrees, library, gabarits)
    if pdf:
        fichiers |= pdf_files(fichiers)
    ecrits = []
    for nom, donnees in fichiers.items():
        write_atomic(Path(dossier) / nom, donnees)
        ecrits.append(Path(dossier) / nom)
    return ecrits

