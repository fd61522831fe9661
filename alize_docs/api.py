"""The library's entry points: load, validate, assemble, render, write.

Each function takes what it needs and returns a value; nothing here prints or keeps state between
calls. Pass a :class:`ClauseLibrary` to reuse compiled clauses across many documents.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from alize_docs.assembly.assemble import assemble_convention, assemble_cooperation, assemble_dossier
from alize_docs.clauses.faits import periodes
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.document import AssembledDocument
from alize_docs.domain.models import Cooperation, Territoire
from alize_docs.domain.programme import DOCUMENTS, Majorite
from alize_docs.errors import AlizeError, CommandError, InvalidInput, ValidationReport, sort_problems
from alize_docs.inputs.classeur import read_input
from alize_docs.inputs.dossier import Dossier, load_cooperation, load_territoire, read_dossier
from alize_docs.inputs.yaml import LoadedData
from alize_docs.office import FichierRefuse
from alize_docs.output import document_names, ecrire_ensemble, slug, write_atomic
from alize_docs.render.bundle import BundleSource, bundle_docx, map_piece_docx
from alize_docs.render.docx import document_properties, render_docx, render_piece
from alize_docs.render.provenance import Provenance, read_provenance, read_provenance_file
from alize_docs.render.template_check import check_template
from alize_docs.rules.dossier import DossierValide, exiger_valide, regles_cooperation, valider_dossier
from alize_docs.rules.identifiants import identifiants_bruts
from alize_docs.rules.territoire import validate_territoire

__all__ = [
    "DocumentFiles",
    "Dossier",
    "DossierValide",
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
    "validate_dossier",
    "write_atomic",
    "write_convention",
]


def _library(library: ClauseLibrary | None) -> ClauseLibrary:
    return library if library is not None else ClauseLibrary()


def _majorite(library: ClauseLibrary) -> Callable[[str], Majorite]:
    return lambda nom: library.modele(nom).majorite


def validate(territoire: Territoire, library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the report of every program rule *territoire* breaks (``report.ok`` when none)."""
    library = _library(library)
    return ValidationReport("territoire", tuple(validate_territoire(territoire, library.modeles(),
                                                                    periodes(library))))


def validate_cooperation(cooperation: Cooperation, territoire: Territoire,
                         library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the report of every program rule a cooperation agreement breaks, given its territory."""
    library = _library(library)
    return ValidationReport(cooperation.numero, tuple(regles_cooperation(
        cooperation, territoire, library.modeles(), _majorite(library))))


def validate_dossier(dossier: Dossier, library: ClauseLibrary | None = None) -> DossierValide:
    """Return *dossier* validated, the only form the rendering functions take; raise :class:`InvalidInput`."""
    library = _library(library)
    return exiger_valide(dossier, library.modeles(), _majorite(library), periodes(library))


def check_file(chemin: str | Path, library: ClauseLibrary | None = None) -> ValidationReport:
    """Return the full report of a territory or cooperation file (YAML, or a territory workbook .xlsx/.ods):
    syntax, fields, then rules, with lines (or sheet, row and column)."""
    return check_loaded(read_input(chemin), Path(chemin), _library(library))[0]


def check_loaded(donnees: LoadedData, chemin: str | Path, library: ClauseLibrary | None = None
                 ) -> tuple[ValidationReport, DossierValide | None]:
    """Return the report of data already read (a file, a workbook row), and the validated dossier when it is
    valid; a cooperation's ``dispositif:`` is relative to *chemin* (a file, or the folder of a workbook)."""
    library = _library(library)
    try:
        entrees = read_dossier(donnees, chemin)
    except InvalidInput as exc:  # the checksums too, in the same report as the format errors
        deja = {p.chemin for p in exc.problemes}
        sommes = [p for p in identifiants_bruts(donnees.data) if p.chemin not in deja]
        return (donnees.report([*exc.problemes, *sommes]) if sommes else exc.report), None
    problemes, valide = valider_dossier(entrees, library.modeles(), _majorite(library), periodes(library))
    rapport = donnees.report(problemes)
    return rapport, valide if rapport.ok else None


def _template(document: AssembledDocument, gabarits: Path | None = None) -> Path:
    """Return the Word template of *document*: the user's from *gabarits* if there is one (checked), else ours."""
    nom = "cooperation.docx" if document.kind == "cooperation" else "convention.docx"
    if gabarits is not None and (gabarits / nom).is_file():
        check_template(gabarits / nom)
        return gabarits / nom
    return bundled_path("templates") / nom


def render_convention(territoire: Territoire, library: ClauseLibrary | None = None) -> bytes:
    """Return the .docx bytes of the partnership convention; raise :class:`InvalidInput` if invalid."""
    library = _library(library)
    rapport = validate(territoire, library)
    if not rapport.ok:
        raise InvalidInput(ValidationReport("territoire", sort_problems(rapport.erreurs)))
    document = assemble_convention(territoire, library)
    return render_docx(document, _template(document))


class DocumentFiles(dict[str, bytes]):
    """The files of a dossier by name (what :func:`render_documents` returns). For a territory it also keeps
    what its signing bundle is made of (:attr:`signature`), so that :func:`pdf_files` can put the map in the
    bundle's PDF and write the bundle's .docx again with its page numbers known."""

    signature: BundleSource | None = None


def render_documents(dossier: DossierValide | Dossier, library: ClauseLibrary | None = None,
                     gabarits: str | Path | None = None) -> DocumentFiles:
    """Return the .docx files of a dossier by file name: a territory's four documents and their bundle, or one
    cooperation agreement. A :class:`Dossier` not yet validated is validated first (:class:`InvalidInput`).
    *gabarits*: a folder of the user's own Word templates."""
    library = _library(library)
    valide = dossier if isinstance(dossier, DossierValide) else validate_dossier(dossier, library)
    dossier_gabarits = Path(gabarits) if gabarits is not None else None
    noms = document_names(valide.dossier)
    fichiers = DocumentFiles()
    if valide.cooperation is not None:
        document = assemble_cooperation(valide.cooperation, valide.territoire, library)
        fichiers[noms[0]] = render_docx(document, _template(document, dossier_gabarits))
        return fichiers
    documents = assemble_dossier(valide.territoire, library)
    gabarit = _template(documents[0], dossier_gabarits)
    pieces = tuple(render_piece(d, gabarit) for d in documents)  # the territory's four share one template
    for nom, piece in zip(noms, pieces, strict=False):
        fichiers[nom] = piece.donnees
    titre = f"Dossier de signature — convention de partenariat ALIZÉ® {valide.territoire.dispositif.nom}"
    fichiers.signature = BundleSource(pieces, titre, valide.carte, valide.territoire.dispositif.carte_annexee)
    fichiers[noms[-1]] = bundle_docx(fichiers.signature)  # built from the pieces: nothing rendered twice
    return fichiers


def _pdf_metadata(docx: bytes) -> tuple[dict[str, str], str]:
    """Return a PDF's metadata from its .docx (title, subject, author, and the same provenance), and the
    document's kind."""
    proprietes, origine = document_properties(docx)
    metadonnees = {f"/{cle.title()}": valeur for cle, valeur in proprietes.items()}
    if origine is None:
        return metadonnees, ""
    return metadonnees | origine.pdf_metadata(), origine.document


def pdf_files(fichiers: dict[str, bytes]) -> dict[str, bytes]:
    """Return the PDF of every .docx of *fichiers*; the bundle's is its cover, the others' pages and the map,
    numbered through, with bookmarks. Given what :func:`render_documents` returned, the bundle's .docx is
    returned too, written again with its page numbers' stored values now known."""
    return pdf_files_batch([fichiers])[0]


Convertisseur = Callable[[Sequence[Path], Sequence[dict[str, str]]], list[bytes]]


def pdf_files_batch(lots: list[dict[str, bytes]], convertir: Convertisseur | None = None
                    ) -> list[dict[str, bytes]]:
    """Return the PDFs of several dossiers' .docx files, converted together (by default by a single
    LibreOffice start; a batch worker passes its long-lived :class:`LibreOfficeServer`)."""
    from alize_docs.render.pdf import convert_to_pdf  # pypdf: only when PDFs are asked for
    from alize_docs.render.signature_pdf import bundle_pdf, page_counts

    convertir = convertir or convert_to_pdf
    a_convertir: list[tuple[int, str, bytes]] = [
        (i, nom, donnees) for i, lot in enumerate(lots) for nom, donnees in lot.items()
        if not nom.startswith("dossier-signature-")]
    for i, lot in enumerate(lots):  # an image map is laid out on its page by LibreOffice, with the others
        source = getattr(lot, "signature", None)
        carte = map_piece_docx(source) if source is not None else None
        if carte is not None:
            a_convertir.append((i, "carte.docx", carte))
    with tempfile.TemporaryDirectory(prefix="alize-docx-") as temporaire:
        chemins = []
        for n, (i, nom, donnees) in enumerate(a_convertir):
            chemin = Path(temporaire) / f"{i:05d}-{n:02d}-{nom}"
            chemin.write_bytes(donnees)
            chemins.append(chemin)
        infos = [_pdf_metadata(d) if nom != "carte.docx" else ({}, "") for _, nom, d in a_convertir]
        convertis = convertir(chemins, [m for m, _ in infos])
    resultats: list[dict[str, bytes]] = [{} for _ in lots]
    parties: list[list[tuple[str, bytes]]] = [[] for _ in lots]  # bookmark title and PDF of each piece, in order
    cartes: list[bytes | None] = [None for _ in lots]
    for (i, nom, _), pdf, (_, kind) in zip(a_convertir, convertis, infos, strict=True):
        if nom == "carte.docx":
            cartes[i] = pdf
            continue
        resultats[i][nom.removesuffix(".docx") + ".pdf"] = pdf
        parties[i].append((DOCUMENTS[kind], pdf))  # type: ignore[index]
    for i, (lot, pdfs) in enumerate(zip(lots, resultats, strict=True)):
        source = getattr(lot, "signature", None)
        for faisceau in (n for n in lot if n.startswith("dossier-signature-")):
            metadonnees = _pdf_metadata(lot[faisceau])[0]
            carte, a_cadrer = cartes[i], False
            if source is not None and source.carte is not None and carte is None:
                carte, a_cadrer = source.carte.donnees, True  # a PDF map: its own pages, fitted
            premier = source.pieces[0].document if source is not None else None
            pdfs[faisceau.removesuffix(".docx") + ".pdf"] = bundle_pdf(
                parties[i], metadonnees, premier.title if premier else metadonnees.get("/Subject", ""),
                premier.header if premier else "", carte, a_cadrer,
                carte_manquante=source is not None and source.carte_manquante)
            if source is not None:  # the .docx again, its page numbers' stored values now those of the PDF
                pages = [1, *page_counts(p for _, p in parties[i])] + ([1] if source.carte is not None else [])
                pdfs[faisceau] = bundle_docx(source, pages)
    return resultats


_PDF_MAX = 50_000_000  # as the safe reader's file-size bound for office files


def inspect_file(chemin: str | Path) -> Provenance | None:
    """Return what a generated .docx or PDF records of its making (model, clauses, input hash, tool), or None
    when it records nothing. Any other file is a :class:`CommandError`; a hostile or broken .docx or PDF a
    :class:`alize_docs.office.FichierRefuse`."""
    chemin = Path(chemin)
    suffixe = chemin.suffix.lower()
    if suffixe not in (".docx", ".pdf"):
        raise CommandError(f"{chemin.name} : inspecter attend un document .docx ou .pdf produit par alize-docs "
                           "(pour un fichier de saisie, utilisez « alize-docs valider »)")
    if suffixe == ".docx":
        return read_provenance_file(chemin)
    try:
        with open(chemin, "rb") as fichier:
            donnees = fichier.read(_PDF_MAX + 1)
    except OSError as exc:
        raise FichierRefuse(chemin, f"le fichier est illisible ({exc.strerror or 'erreur du système'})") from None
    if len(donnees) > _PDF_MAX:
        raise FichierRefuse(chemin, f"le fichier pèse plus de {_PDF_MAX // 1_000_000} Mo, la limite admise")
    if not donnees.startswith(b"%PDF"):
        raise FichierRefuse(chemin, "ce n'est pas un PDF (il ne commence pas par %PDF)")
    from alize_docs.render.pdf import pdf_metadata  # pypdf: only for a PDF

    try:
        return Provenance.from_properties(pdf_metadata(donnees))
    except AlizeError:
        raise
    except Exception:  # pypdf on a broken PDF: any of its exceptions
        raise FichierRefuse(chemin, "ce n'est pas un PDF lisible : il est tronqué ou corrompu") from None


def documents_using(racine: str | Path, reference: str) -> list[Path]:
    """Return the documents under the folder *racine* built from the clause version *reference* (``id@v``)."""
    trouves = []
    for chemin in sorted(Path(racine).rglob("*")):
        if chemin.suffix.lower() not in (".docx", ".pdf") or not chemin.is_file():
            continue
        try:
            origine = inspect_file(chemin)
        except (OSError, ValueError, KeyError, AlizeError):
            continue  # not one of ours, unreadable or refused: nothing to report
        if origine is not None and origine.uses(reference):
            trouves.append(chemin)
    return trouves


def write_convention(territoire: Territoire, sortie: str | Path, library: ClauseLibrary | None = None) -> Path:
    """Write the partnership convention into the folder *sortie* atomically and return its path."""
    chemin = Path(sortie) / f"convention-partenariat-{slug(territoire.dispositif.nom)}.docx"
    write_atomic(chemin, render_convention(territoire, library))
    return chemin


def _refuse_replacing_others(sortie: Path, fichiers: dict[str, bytes]) -> None:
    """Raise :class:`CommandError` if a .docx of *fichiers* would replace one made from other inputs."""
    for nom, donnees in fichiers.items():
        existant = sortie / nom
        if not existant.is_file():
            continue
        try:
            ancien = read_provenance_file(existant)
        except FichierRefuse:  # not a .docx that can be read: not one of ours
            ancien = None
        nouveau = read_provenance(donnees)
        if ancien is None or nouveau is None or ancien.donnees_sha256 != nouveau.donnees_sha256:
            origine = "à partir d'autres données" if ancien is not None else "par un autre outil (ou à la main)"
            raise CommandError(f"{existant} existe et a été produit {origine} : rien n'a été écrit ; "
                               "relancez avec --force pour le remplacer, ou choisissez un autre dossier")


def generate(chemin: str | Path, sortie: str | Path, library: ClauseLibrary | None = None,
             pdf: bool = False, gabarits: str | Path | None = None, force: bool = False,
             avertir: Callable[[ValidationReport], None] | None = None) -> list[Path]:
    """Validate a territory or cooperation file (YAML, or a territory workbook) and write its documents into the
    folder *sortie* (and their PDFs).

    Everything is rendered before anything is written, then written all or nothing
    (:func:`alize_docs.output.ecrire_ensemble`): an invalid file, a failed conversion or a failed write
    (:class:`EcritureError`, in French, naming the file) leaves the folder as it was. A document already there
    that was built from other inputs (or not by alize-docs) is replaced only with *force*
    (:class:`CommandError` otherwise). *avertir* is given the report when it has warnings (a map announced and
    not given…): the documents are written all the same.
    """
    library = _library(library)
    rapport, valide = check_loaded(read_input(chemin), Path(chemin), library)
    if valide is None:
        raise InvalidInput(rapport)
    if rapport.avertissements and avertir is not None:
        avertir(rapport)
    fichiers = render_documents(valide, library, gabarits)
    if not force:
        _refuse_replacing_others(Path(sortie), fichiers)
    if pdf:
        fichiers |= pdf_files(fichiers)
    return ecrire_ensemble(Path(sortie), fichiers)  # all or nothing: the previous documents stay if it fails
