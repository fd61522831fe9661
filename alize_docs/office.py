"""One safe reader for the office files a user gives (.docx, .xlsx, .ods): bounded and all-or-nothing.

:func:`ouvrir` reads the zip's central directory *before* inflating anything and refuses, with a French
sentence naming the file (:class:`FichierRefuse`), whatever could exhaust memory or time, climb out of the
archive, hide macros or smuggle XML entities:

- the size on disk, the number of entries, every part's declared size, their sum and each big part's
  compression ratio are bounded (:class:`Limites`);
- duplicate names (case-insensitive, as OPC part names are), names that climb out (``..``, a leading
  ``/`` or ``\\``, a drive letter, a NUL), encrypted entries and compression methods other than stored
  and deflate are refused;
- the parts a genre requires must be there, and the main part must have the genre's content type (a
  macro document given as .docx or .xlsx is refused).

Declared sizes can lie: :meth:`PaquetOffice.partie` inflates in chunks and stops as soon as the real
output passes the declared size, so a forged header costs at most the declared size (itself bounded).
:meth:`PaquetOffice.xml` refuses a DOCTYPE before parsing (no entity, no DTD, no network: XXE and
"billion laughs" never reach the parser), malformed XML (naming the part and line) and too deep trees.
:meth:`PaquetOffice.octets_surs` hands the original bytes to python-docx or openpyxl only once every part
has been inflated and every XML part parsed under those bounds.

``defusedxml.lxml`` is deprecated (it warns on import), so this module uses lxml's own parser options plus
explicit checks; ``defusedxml`` is still a dependency because openpyxl uses it automatically when present.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from lxml import etree

from .errors import AlizeError, raison_systeme

__all__ = ["LIMITES", "MO", "FichierRefuse", "Genre", "Limites", "PaquetOffice", "ouvrir"]

Genre = Literal["docx", "xlsx", "ods"]

MO = 1_000_000  # a French « Mo », as the messages print it

_MORCEAU = 1 << 20  # inflate 1 MiB at a time
_DESIGNATION: dict[Genre | None, str] = {
    "docx": "un document Word (.docx)",
    "xlsx": "un classeur Excel (.xlsx)",
    "ods": "un classeur OpenDocument (.ods)",
    None: "un document bureautique (.docx, .xlsx ou .ods)",
}
_SUFFIXES: dict[str, Genre] = {".docx": "docx", ".xlsx": "xlsx", ".ods": "ods"}
_PARTIES_REQUISES: dict[Genre, tuple[str, ...]] = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ods": ("mimetype", "content.xml"),
}
_PARTIE_PRINCIPALE: dict[Genre, str] = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ods": "content.xml"}
# The main part's content types python-docx and openpyxl accept (macro-enabled ones are refused apart).
_TYPES_PRINCIPAUX: dict[Genre, frozenset[str]] = {
    "docx": frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"}),
    "xlsx": frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"}),
    "ods": frozenset({"application/vnd.oasis.opendocument.spreadsheet",
                      "application/vnd.oasis.opendocument.spreadsheet-template"}),
}
_METHODES = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})  # the only two OPC and ODF allow
_CHIFFRE = 0x0001 | 0x0040  # traditional and strong encryption flag bits
_PATCH = 0x0020  # "compressed patched data", which zipfile cannot read
_LECTEUR_DISQUE = re.compile(r"^[A-Za-z]:")
# What reading a hostile archive can raise from zipfile, zlib and struct (never let one escape).
_ERREURS_ZIP: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, OSError, EOFError, ValueError,
    OverflowError, IndexError, KeyError, NotImplementedError, RuntimeError,
)


def _mo(octets: int) -> str:
    """Return a size as the messages print it.

    >>> _mo(200 * MO), _mo(1_500_000), _mo(1000)
    ('200 Mo', '1,5 Mo', '1000 octets')
    """
    if octets < 100_000:
        return f"{octets} octets"
    if octets % MO == 0:
        return f"{octets // MO} Mo"
    return f"{octets / MO:.1f} Mo".replace(".", ",")


def _montrer(nom: str) -> str:
    r"""Return an entry name fit for a message: control characters escaped.

    >>> _montrer("a\x00b")
    'a\\x00b'
    """
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in nom)


class FichierRefuse(AlizeError):
    """A user-given office file refused before (or while) reading it; nothing was used from it.

    ``fichier`` is the path or name given, ``raison`` the French reason (no final period).

    >>> str(FichierRefuse("dossier/fichier.docx", "le fichier décompressé dépasserait 200 Mo"))
    'fichier.docx refusé : le fichier décompressé dépasserait 200 Mo.'
    """

    def __init__(self, fichier: Path | str, raison: str) -> None:
        self.fichier = fichier
        self.raison = raison
        nom = Path(fichier).name if str(fichier) else "(sans nom)"
        super().__init__(f"{nom} refusé : {raison}.")


@dataclass(frozen=True)
class Limites:
    """The bounds :func:`ouvrir` enforces, each against one attack (sizes in bytes, ``MO`` = 10⁶).

    - ``taille_fichier`` (50 Mo): the file on disk. Stops reading a huge file into memory at all; real
      agreements and workbooks weigh well under 5 Mo.
    - ``entrees`` (2 000): entries in the central directory. Stops an archive of millions of tiny (or
      overlapping) entries, which costs time and memory per entry even when each is small.
    - ``taille_partie`` (100 Mo): one part's uncompressed size, declared and real. Stops a single part
      inflating into gigabytes (the classic zip bomb).
    - ``taille_totale`` (200 Mo): the sum of all declared uncompressed sizes. Stops many parts each under
      ``taille_partie`` (or overlapping entries sharing one compressed kernel) adding up to gigabytes.
    - ``ratio`` (100) above ``seuil_ratio`` (1 Mo): a part larger than the threshold may not be more than
      ``ratio`` times its compressed size. Stops a bomb whose declared size fits the bounds but is still
      absurdly compressed; small XML parts compress well legitimately, hence the threshold.
    - ``profondeur_xml`` (200): nesting of XML elements. Stops trees deep enough to exhaust the stack
      of recursive code walking them (lxml's own hard cap, without ``huge_tree``, is 256).
    """

    taille_fichier: int = 50 * MO
    entrees: int = 2_000
    taille_partie: int = 100 * MO
    taille_totale: int = 200 * MO
    ratio: int = 100
    seuil_ratio: int = 1 * MO
    profondeur_xml: int = 200


LIMITES = Limites()


def _genre_du_nom(chemin: Path | str) -> Genre | None:
    return _SUFFIXES.get(Path(chemin).suffix.lower()) if str(chemin) else None


def _nom_dangereux(nom: str) -> bool:
    """Whether an entry name could climb out of a directory it is extracted into, or hide another name.

    >>> [_nom_dangereux(n) for n in ("word/document.xml", "../evil.xml", "/abs.xml", "C:\\\\x", "a\\\\..\\\\b")]
    [False, True, True, True, True]
    """
    if not nom or "\x00" in nom or nom[0] in "/\\" or _LECTEUR_DISQUE.match(nom):
        return True
    return ".." in re.split(r"[/\\]", nom)


def _prologue_declare_doctype(donnees: bytes) -> bool:
    """Whether the XML prolog (before the root element) holds a ``<!DOCTYPE``; decided without parsing.

    >>> _prologue_declare_doctype(b'<?xml version="1.0"?><!-- c --><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    True
    >>> _prologue_declare_doctype(b'<?xml version="1.0"?><x>&lt;!DOCTYPE</x>')
    False
    """
    if donnees.startswith((b"\xff\xfe", b"\xfe\xff")):
        texte = donnees.decode("utf-16", errors="replace")
    elif donnees[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a byte-order mark
        texte = donnees.decode("utf-16-le" if donnees[0] == 0x3C else "utf-16-be", errors="replace")
    else:  # UTF-8 or any ASCII-compatible encoding: the markup is ASCII
        texte = donnees.decode("latin-1")
    position = 1 if texte.startswith("\ufeff") else 0
    if texte.startswith("ï»¿"):  # a UTF-8 byte-order mark read as latin-1
        position = 3
    while True:
        while position < len(texte) and texte[position] in " \t\r\n":
            position += 1
        if texte.startswith("<?", position):
            fin, fermeture = texte.find("?>", position + 2), 2
        elif texte.startswith("<!--", position):
            fin, fermeture = texte.find("-->", position + 4), 3
        else:
            return texte.startswith("<!DOCTYPE", position)
        if fin < 0:
            return False  # an unterminated prolog: the parser will call it malformed
        position = fin + fermeture


class PaquetOffice:
    """An office archive whose central directory passed every check of :func:`ouvrir`.

    Parts are inflated only on demand, each bounded by its declared size (itself within the limits).
    """

    def __init__(self, fichier: Path | str, donnees: bytes, archive: zipfile.ZipFile, genre: Genre,
                 limites: Limites) -> None:
        self.fichier = fichier
        self.genre: Genre = genre
        self.limites = limites
        self._donnees = donnees
        self._archive = archive
        self._entrees = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        self._sans_casse = {nom.casefold(): nom for nom in self._entrees}
        self._verifie = False

    def __enter__(self) -> PaquetOffice:
        return self

    def __exit__(self, genre: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    def _refus(self, raison: str) -> FichierRefuse:
        return FichierRefuse(self.fichier, raison)

    def noms(self) -> tuple[str, ...]:
        """The parts (directory entries left out), in archive order."""
        return tuple(self._entrees)

    def __contains__(self, nom: object) -> bool:
        return isinstance(nom, str) and self._trouver(nom) is not None

    def _trouver(self, nom: str) -> zipfile.ZipInfo | None:
        info = self._entrees.get(nom)
        if info is None and (exact := self._sans_casse.get(nom.casefold())) is not None:
            info = self._entrees[exact]
        return info

    def partie(self, nom: str) -> bytes:
        """Return one part inflated, never using more memory than its declared size (bounded by the limits)."""
        info = self._trouver(nom)
        if info is None:
            raise self._refus(f"la partie {_montrer(nom)} est absente")
        declaree = info.file_size
        # zipfile stops at the declared size and then checks the CRC, which hides a lying header behind a
        # "bad CRC": let it inflate one byte more, without its CRC check (it skips the check of a ZipInfo
        # with no CRC), and check both here. Should zipfile change, a lie is still refused, as corruption.
        leurre = copy.copy(info)
        leurre.file_size = declaree + 1
        del leurre.CRC
        sortie = io.BytesIO()
        lus = empreinte = 0
        try:
            with self._archive.open(leurre) as flux:
                while morceau := flux.read(_MORCEAU):
                    lus += len(morceau)
                    if lus > declaree:
                        raise self._refus(f"la partie {_montrer(info.filename)} se décompresse au-delà de sa "
                                          "taille déclarée (archive falsifiée)")
                    empreinte = zlib.crc32(morceau, empreinte)
                    sortie.write(morceau)
        except _ERREURS_ZIP:
            raise self._refus(f"la partie {_montrer(info.filename)} est tronquée ou corrompue") from None
        if lus != declaree or empreinte != info.CRC:
            raise self._refus(f"la partie {_montrer(info.filename)} est tronquée ou corrompue")
        return sortie.getvalue()

    def xml(self, nom: str) -> Any:
        """Return one part parsed (an ``lxml.etree._Element``): no DTD, no entity, no network, bounded depth."""
        return self._analyser(nom, self.partie(nom))

    def _analyser(self, nom: str, donnees: bytes) -> Any:
        montre = _montrer(nom)
        if _prologue_declare_doctype(donnees):
            raise self._refus(f"la partie {montre} déclare un DOCTYPE (entités XML refusées)")
        profondeur_max = self.limites.profondeur_xml
        profondeur = 0
        etree.clear_error_log()  # the log lines are read below: none from an earlier parse
        try:
            evenements = etree.iterparse(io.BytesIO(donnees), events=("start", "end"), resolve_entities=False,
                                         no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False)
            for evenement, _element in evenements:
                if evenement == "start":
                    profondeur += 1
                    if profondeur > profondeur_max:
                        raise self._refus(f"la partie {montre} imbrique plus de {profondeur_max} niveaux "
                                          "d'éléments XML")
                else:
                    profondeur -= 1
            racine = evenements.root
        except etree.XMLSyntaxError as exc:
            if "depth" in f"{exc} {exc.error_log.last_error}".lower():
                raise self._refus(f"la partie {montre} imbrique plus de {profondeur_max} niveaux "
                                  "d'éléments XML") from None
            # iterparse without entity resolution may report "no element found" at line 0: its log knows
            ligne = exc.lineno or getattr(exc.error_log.last_error, "line", 0) or 1
            raise self._refus(f"la partie {montre} est mal formée (ligne {ligne})") from None
        except (etree.LxmlError, ValueError, UnicodeError):
            raise self._refus(f"la partie {montre} est mal formée (ligne 1)") from None
        if racine is None:
            raise self._refus(f"la partie {montre} est mal formée (ligne 1)")
        infos = racine.getroottree().docinfo
        if infos.doctype or infos.internalDTD is not None or infos.externalDTD is not None:
            raise self._refus(f"la partie {montre} déclare un DOCTYPE (entités XML refusées)")
        return racine

    def verifier(self) -> None:
        """Inflate every part and parse every XML part under the limits (once); refuse at the first fault."""
        if self._verifie:
            return
        for nom in self._entrees:
            donnees = self.partie(nom)
            if nom.lower().endswith((".xml", ".rels")):
                self._analyser(nom, donnees)
            elif nom.lower().endswith(".vml") and _prologue_declare_doctype(donnees):  # Excel's VML is not XML
                raise self._refus(f"la partie {_montrer(nom)} déclare un DOCTYPE (entités XML refusées)")
        self._verifie = True

    def octets_surs(self) -> bytes:
        """The original bytes, for python-docx or openpyxl, once every part passed :meth:`verifier`."""
        self.verifier()
        return self._donnees

    def type_de_contenu(self, nom: str) -> str | None:
        """The content type ``[Content_Types].xml`` gives a part (OOXML only), or ``None``."""
        if "[Content_Types].xml" not in self:
            return None
        cible = "/" + nom.lstrip("/")
        extension = cible.rsplit(".", 1)[-1].casefold() if "." in cible.rsplit("/", 1)[-1] else None
        defaut: str | None = None
        for element in self.xml("[Content_Types].xml"):
            if not isinstance(element.tag, str):
                continue
            nature = etree.QName(element).localname
            if nature == "Override" and (element.get("PartName") or "").casefold() == cible.casefold():
                return str(element.get("ContentType") or "")
            if nature == "Default" and extension is not None \
                    and (element.get("Extension") or "").casefold() == extension:
                defaut = str(element.get("ContentType") or "")
        return defaut


def _lire_fichier(chemin: Path | str, limites: Limites, genre: Genre | None) -> bytes:
    designation = _DESIGNATION[genre]
    try:
        with open(chemin, "rb") as fichier:
            donnees = fichier.read(limites.taille_fichier + 1)  # never more, even if it grows meanwhile
    except FileNotFoundError:
        raise FichierRefuse(chemin, "le fichier est introuvable") from None
    except IsADirectoryError:
        raise FichierRefuse(chemin, f"c'est un dossier, pas {designation}") from None
    except OSError as exc:
        raise FichierRefuse(chemin, f"le fichier est illisible ({raison_systeme(exc)})") from None
    return donnees


def ouvrir(chemin: Path | str, donnees: bytes | None = None, limites: Limites = LIMITES,
           genre: Genre | None = None) -> PaquetOffice:
    """Open a user-given .docx, .xlsx or .ods after checking its central directory; refuse with :class:`FichierRefuse`.

    ``chemin`` names the file in messages (and is read when ``donnees`` is not given). ``genre`` defaults
    to the file's suffix, else to what the archive holds.
    """
    genre = genre or _genre_du_nom(chemin)
    if donnees is None:
        donnees = _lire_fichier(chemin, limites, genre)
    if len(donnees) > limites.taille_fichier:
        raise FichierRefuse(chemin, f"le fichier pèse plus de {_mo(limites.taille_fichier)}, la limite admise")
    illisible = f"ce n'est pas {_DESIGNATION[genre]} lisible : l'archive est tronquée ou corrompue"
    try:
        archive = zipfile.ZipFile(io.BytesIO(donnees))
        infos = archive.infolist()
    except _ERREURS_ZIP:
        raise FichierRefuse(chemin, illisible) from None
    try:
        genre = _verifier_repertoire(chemin, infos, limites, genre)
        paquet = PaquetOffice(chemin, donnees, archive, genre, limites)
        _verifier_genre(paquet)
    except BaseException:
        archive.close()
        raise
    return paquet


def _verifier_repertoire(chemin: Path | str, infos: list[zipfile.ZipInfo], limites: Limites,
                         genre: Genre | None) -> Genre:
    """Check the central directory alone (nothing inflated); return the genre, guessed if not given."""
    if len(infos) > limites.entrees:
        raise FichierRefuse(chemin, f"l'archive contient {len(infos)} entrées, au-delà de la limite de "
                                    f"{limites.entrees}")
    vus: set[str] = set()
    total = 0
    for info in infos:
        nom = _montrer(info.orig_filename)
        if _nom_dangereux(info.orig_filename) or _nom_dangereux(info.filename):
            raise FichierRefuse(chemin, f"l'archive contient un nom de partie dangereux (« {nom} »)")
        cle = info.filename.casefold()
        if cle in vus:
            raise FichierRefuse(chemin, f"l'archive contient deux fois la partie {nom}")
        vus.add(cle)
        if info.flag_bits & _CHIFFRE:
            raise FichierRefuse(chemin, f"la partie {nom} est chiffrée (document protégé par mot de passe)")
        if info.flag_bits & _PATCH or info.compress_type not in _METHODES:
            raise FichierRefuse(chemin, f"la partie {nom} utilise une méthode de compression non prise en charge")
        if info.file_size > limites.taille_partie:
            raise FichierRefuse(chemin, f"la partie {nom} décompressée dépasserait {_mo(limites.taille_partie)}")
        if info.file_size > limites.seuil_ratio and info.file_size > limites.ratio * max(info.compress_size, 1):
            raise FichierRefuse(chemin, f"la partie {nom} est compressée plus de {limites.ratio} fois "
                                        "(bombe de décompression)")
        total += info.file_size
        if total > limites.taille_totale:
            raise FichierRefuse(chemin, f"le fichier décompressé dépasserait {_mo(limites.taille_totale)}")
    if genre is None:
        presents = {info.filename for info in infos}
        genre = next((g for g, requis in _PARTIES_REQUISES.items() if requis[-1] in presents), None)
        if genre is None:
            raise FichierRefuse(chemin, f"ce n'est pas {_DESIGNATION[None]} reconnu")
    return genre


def _verifier_genre(paquet: PaquetOffice) -> None:
    """The parts the genre requires are there, and the main part has the genre's content type."""
    genre = paquet.genre
    designation = _DESIGNATION[genre]
    for requis in _PARTIES_REQUISES[genre]:
        if requis not in paquet:
            raise paquet._refus(f"ce n'est pas {designation} : la partie {requis} est absente")
    principale = _PARTIE_PRINCIPALE[genre]
    if genre == "ods":
        nature = paquet.partie("mimetype").decode("ascii", errors="replace").strip()
    else:
        nature = paquet.type_de_contenu(principale) or ""
    if "macroenabled" in nature.casefold():
        raise paquet._refus(f"le document contient des macros (type « {_montrer(nature)} ») : enregistrez-le "
                            f"au format .{genre} sans macros")
    if nature not in _TYPES_PRINCIPAUX[genre]:
        raise paquet._refus(f"ce n'est pas {designation} : la partie {principale} est de type "
                            f"« {_montrer(nature) or 'non déclaré'} »")
