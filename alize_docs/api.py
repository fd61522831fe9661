"""The library's entry points: load, validate, assemble, render, write.

Each function takes what it needs and returns a value; nothing here prints or keeps state between
calls. Pass a :class:`ClauseLibrary` to reuse compiled clauses across many documents.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alize_docs.assembly.assemble import assemble_convention, assemble_cooperation, assemble_dossier, input_digest
from alize_docs.clauses.faits import periodes
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.document import AssembledDocument
from alize_docs.domain.models import Cooperation, Territoire
from alize_docs.domain.programme import DOCUMENTS, Majorite
from alize_docs.errors import (
    AlizeError,
    CommandError,
    InvalidInput,
    Probleme,
    UsageError,
    ValidationReport,
    raison_systeme,
    sort_problems,
)
from alize_docs.inputs.classeur import read_input
from alize_docs.inputs.dossier import Dossier, load_cooperation, load_territoire, read_dossier
from alize_docs.inputs.yaml import LoadedData, load_model
from alize_docs.office import FichierRefuse
from alize_docs.output import document_names, ecrire_ensemble, slug, write_atomic
from alize_docs.render.bundle import BundleSource, bundle_docx, map_piece_docx
from alize_docs.render.docx import document_properties, render_docx, render_piece
from alize_docs.render.provenance import Provenance, read_provenance, read_provenance_file
from alize_docs.render.template_check import check_template
from alize_docs.rules.dossier import DossierValide, exiger_valide, regles_cooperation, valider_dossier
from alize_docs.rules.identifiants import identifiants_bruts
from alize_docs.rules.territoire import validate_territoire

if TYPE_CHECKING:
    from alize_docs.assembly.avenant import AvenantPrecedent

__all__ = [
    "DocumentFiles",
    "Dossier",
    "DossierValide",
    "check_file",
    "check_loaded",
    "document_names",
    "documents_using",
    "generate",
    "generate_avenant",
    "inspect_file",
    "load_cooperation",
    "load_territoire",
    "pdf_files",
    "pdf_files_batch",
    "render_avenant",
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
    syntax, fields, then rules, with lines (or sheet, row and column). A workbook of cooperation agreements gives
    one report for all its rows, each problem naming its sheet, row and column."""
    from alize_docs.inputs.classeur import is_cooperation_workbook, is_workbook

    library = _library(library)  # one library for every row: its clauses compiled once
    if is_workbook(chemin) and is_cooperation_workbook(Path(chemin)):
        from alize_docs.inputs.workbook import read_workbook

        try:
            lignes = list(read_workbook(Path(chemin)))
        except FichierRefuse as exc:
            return ValidationReport(str(chemin), (Probleme("file", (), str(exc)),))
        problemes = [p for ligne in lignes for p in check_loaded(ligne.donnees, ligne.dossier, library)[0].problemes]
        return ValidationReport(str(chemin), tuple(problemes))
    return check_loaded(read_input(chemin), Path(chemin), library)[0]


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
        raise FichierRefuse(chemin, f"le fichier est illisible ({raison_systeme(exc)})") from None
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


# --- avenant (issue 16): an amendment to a signed convention -------------------------------------------------

MANIFESTE_AVENANTS = ".alize-avenants.json"
"""The output folder's record of the avenants written there, by convention: their numbers follow it."""


_LETTRE = ("operateur", "autorisation_direction_budget")


def _lettre_nouvel_operateur(probleme: Probleme) -> bool:
    """The rule « dates » on the Direction du budget's letter: for an avenant, the amendment's rules check it
    against the avenant's date (a new operator's letter comes after the convention's signature)."""
    return probleme.code == "dates" and probleme.chemin == _LETTRE


def _territoire_avenant(source: Territoire | str | Path, library: ClauseLibrary,
                        tolere: Callable[[Probleme], bool] = lambda p: False
                        ) -> tuple[Territoire, LoadedData | None, list[Probleme]]:
    """Return a territory, the data it was read from when it is a file, and the errors the normal validation
    finds in it (those *tolere* accepts left out). A file that does not even give a territory (syntax, fields)
    is an :class:`InvalidInput` at once."""
    if isinstance(source, Territoire):
        return source, None, [p for p in validate(source, library).erreurs if not tolere(p)]
    chemin = Path(source)
    donnees = read_input(chemin)
    rapport, valide = check_loaded(donnees, chemin, library)
    if valide is not None and valide.cooperation is not None:
        raise CommandError(f"{chemin.name} est une convention de coopération : un avenant modifie une convention "
                           "de partenariat (le fichier d'un dispositif)")
    if valide is not None:
        return valide.territoire, donnees, []
    try:
        territoire = load_model(Territoire, donnees)
    except InvalidInput:
        raise InvalidInput(rapport) from None
    return territoire, donnees, [p for p in rapport.erreurs if not tolere(p)]


def _entrees_avenant(signee: Territoire | str | Path, modifiee: Territoire | str | Path, date: dt.date,
                     library: ClauseLibrary, precedents: Sequence[AvenantPrecedent] = ()
                     ) -> tuple[Territoire, Territoire, Callable[[Sequence[Probleme]], ValidationReport]]:
    """Return both inputs checked: the signed one by the normal validation, the modified one by it and by the
    avenant's own rules, every problem in one report (:class:`InvalidInput`); and how to report more."""
    from alize_docs.assembly.avenant import problemes_avenant

    ancien, _, erreurs = _territoire_avenant(signee, library)
    if erreurs:
        raise InvalidInput(ValidationReport(str(signee) if not isinstance(signee, Territoire) else "territoire",
                                            sort_problems(erreurs)))
    nouveau, donnees, erreurs = _territoire_avenant(modifiee, library, _lettre_nouvel_operateur)
    source = str(modifiee) if not isinstance(modifiee, Territoire) else "avenant"

    def rapporter(problemes: Sequence[Probleme]) -> ValidationReport:
        if donnees is None:
            return ValidationReport(source, sort_problems(problemes))
        return ValidationReport(source, sort_problems([*erreurs, *donnees.report(list(problemes)).problemes]))

    propres = problemes_avenant(ancien, nouveau, date, precedents)
    if erreurs or propres:
        raise InvalidInput(rapporter([*([] if donnees is not None else erreurs), *propres]))
    return ancien, nouveau, rapporter


def _nom_base(territoire: Territoire) -> str:
    """The part of a territory's file names after the document's kind (« toulinois », « toulinois-2013-2016 »)."""
    return document_names(Dossier(Path("."), territoire))[0].removeprefix("convention-partenariat-").removesuffix(
        ".docx")


def render_avenant(signee: Territoire | str | Path, modifiee: Territoire | str | Path, numero: int = 1,
                   date: dt.date | None = None, library: ClauseLibrary | None = None,
                   precedents: Sequence[AvenantPrecedent] = ()) -> dict[str, bytes]:
    """Return the .docx files of avenant n° *numero* turning the signed convention's input *signee* into
    *modifiee* (models or files), dated *date* (today by default), by file name: the avenant
    (``avenant-N-<dispositif>.docx``), each annex it replaces, and the amended convention with tracked changes
    against the signed one (``convention-consolidee-N-<dispositif>.docx``).

    Both inputs pass the normal validation first; then the avenant's rules (``amendment-term``,
    ``amendment-date``, ``amendment-empty``). Any problem is an :class:`InvalidInput` and nothing is returned."""
    from alize_docs.assembly.avenant import analyser_avenant, assemble_avenant, documents_joints
    from alize_docs.review.avenant import tracked_changes

    library = _library(library)
    if numero < 1:
        raise UsageError("le numéro d'un avenant est un entier positif")
    date = date or dt.date.today()
    ancien, nouveau, rapporter = _entrees_avenant(signee, modifiee, date, library, precedents)
    try:
        avenant = analyser_avenant(ancien, nouveau, numero, date, library, precedents)
        if avenant.consolide is not nouveau:  # a withdrawal: its contributions to date stay in the budget
            erreurs = [p for p in validate(avenant.consolide, library).erreurs if not _lettre_nouvel_operateur(p)]
            if erreurs:
                raise InvalidInput(ValidationReport("avenant", sort_problems(erreurs)))
    except InvalidInput as exc:
        raise InvalidInput(rapporter(exc.problemes)) from None
    base = _nom_base(ancien)
    document = assemble_avenant(avenant, library)
    fichiers = {f"avenant-{numero}-{base}.docx": render_docx(document, _template(document))}
    annexes, convention = documents_joints(avenant, library)
    for annexe in annexes:
        fichiers[f"{annexe.kind}-avenant-{numero}-{base}.docx"] = render_docx(annexe, _template(annexe))
    signee_docx = render_docx(assemble_convention(ancien, library), _template(convention))
    fichiers[f"convention-consolidee-{numero}-{base}.docx"] = tracked_changes(
        signee_docx, render_docx(convention, _template(convention)), f"Avenant n° {numero}", date)
    return fichiers


def _manifeste_avenants(sortie: Path) -> list[dict[str, Any]]:
    chemin = sortie / MANIFESTE_AVENANTS
    if not chemin.is_file():
        return []
    try:
        avenants = json.loads(chemin.read_text(encoding="utf-8"))["avenants"]
        valide = isinstance(avenants, list) and all(isinstance(a["numero"], int) for a in avenants)
    except (OSError, ValueError, KeyError, TypeError):
        valide = False  # a check that « python -O » keeps, unlike an assert
    if not valide:
        raise CommandError(f"{chemin} est illisible : corrigez-le, ou donnez le numéro de l'avenant (--numero)")
    return list(avenants)


def generate_avenant(signee: str | Path, modifiee: str | Path, sortie: str | Path, numero: int | None = None,
                     date: dt.date | None = None, library: ClauseLibrary | None = None, pdf: bool = False
                     ) -> list[Path]:
    """Write avenant n° *numero* (:func:`render_avenant`) into the folder *sortie*, all or nothing, and return the
    paths written. Without *numero*, the avenant follows the earlier avenants to the same convention that the
    folder's manifest (:data:`MANIFESTE_AVENANTS`) records, or is n° 1; the same inputs again keep their number.
    A number the manifest gives to an avenant made from other inputs is a :class:`CommandError`."""
    from alize_docs.assembly.avenant import AvenantPrecedent

    library = _library(library)
    sortie = Path(sortie)
    date = date or dt.date.today()
    ancien, nouveau, _ = _entrees_avenant(signee, modifiee, date, library)
    convention = {"dispositif": _nom_base(ancien), "signature": ancien.signature.date.isoformat()}
    empreintes = {"signee_sha256": input_digest(ancien), "modifiee_sha256": input_digest(nouveau),
                  "date": date.isoformat()}
    tous = _manifeste_avenants(sortie)
    siens = [a for a in tous if a.get("convention") == convention]
    meme = next((a for a in siens if all(a.get(k) == v for k, v in empreintes.items())), None)
    if numero is None:
        numero = meme["numero"] if meme else max((a["numero"] for a in siens), default=0) + 1
    elif (autre := next((a for a in siens if a["numero"] == numero), None)) is not None and autre is not meme:
        raise CommandError(f"l'avenant n° {numero} à cette convention existe déjà dans {sortie} (fait à partir "
                           "d'autres données) : rien n'a été écrit ; donnez un autre numéro")
    elif meme is not None and meme["numero"] != numero:
        raise CommandError(f"ces données ont déjà fait l'avenant n° {meme['numero']} à cette convention dans {sortie} "
                           f": rien n'a été écrit (relancez sans --numero, ou avec --numero {meme['numero']}, pour le "
                           "refaire)")
    precedents = [AvenantPrecedent(a["numero"], dt.date.fromisoformat(a["date"])) for a in siens
                  if a["numero"] < numero]
    fichiers = render_avenant(signee, modifiee, numero, date, library, precedents)
    if pdf:
        fichiers |= pdf_files(fichiers)
    entree = {"numero": numero, "convention": convention, **empreintes, "fichiers": sorted(fichiers)}
    manifeste = [a for a in tous if not (a.get("convention") == convention and a["numero"] == numero)] + [entree]
    manifeste.sort(key=lambda a: (str(a.get("convention")), a["numero"]))
    contenu = json.dumps({"avenants": manifeste}, ensure_ascii=False, indent=1, sort_keys=True).encode()
    ecrits = ecrire_ensemble(sortie, fichiers | {MANIFESTE_AVENANTS: contenu})
    return [c for c in ecrits if c.name != MANIFESTE_AVENANTS]
# --- end avenant
