"""The safe office reader: a corpus of hostile archives, generated here (nothing big is shipped)."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from alize_docs.errors import AlizeError
from alize_docs.office import LIMITES, MO, FichierRefuse, Limites, PaquetOffice, ouvrir

MIB = 1 << 20
NOM = "convention.docx"
DOC_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# -- builders -------------------------------------------------------------------------------------------------

def docx_valide() -> bytes:
    tampon = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Convention de partenariat")
    document.save(tampon)
    return tampon.getvalue()


DOCX = docx_valide()


def parties(donnees: bytes = DOCX) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(donnees)) as archive:
        return {nom: archive.read(nom) for nom in archive.namelist()}


def rezipper(contenu: dict[str, bytes]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, donnees in contenu.items():
            archive.writestr(nom, donnees)
    return tampon.getvalue()


Entree = tuple[bytes, bytes, int, int, int, int]  # name, raw (compressed) data, method, CRC, declared size, flags


def stockee(nom: str | bytes, donnees: bytes, drapeaux: int = 0) -> Entree:
    brut = nom.encode() if isinstance(nom, str) else nom
    return brut, donnees, zipfile.ZIP_STORED, zlib.crc32(donnees), len(donnees), drapeaux


def zip_brut(entrees: list[Entree]) -> bytes:
    """A zip written by hand: every header says exactly (and only) what it is told to say."""
    locaux, central = b"", b""
    for nom, brut, methode, crc, taille, drapeaux in entrees:
        decalage = len(locaux)
        locaux += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, drapeaux, methode, 0, 0x21, crc, len(brut), taille,
                              len(nom), 0) + nom + brut
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, drapeaux, methode, 0, 0x21, crc, len(brut),
                               taille, len(nom), 0, 0, 0, 0, 0, decalage) + nom
    fin = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entrees), len(entrees), len(central), len(locaux), 0)
    return locaux + central + fin


def docx_brut(*supplementaires: Entree, sans: tuple[str, ...] = ()) -> bytes:
    """The valid .docx rebuilt by hand (stored parts), with extra (hostile) entries."""
    entrees = [stockee(nom, donnees) for nom, donnees in parties().items() if nom not in sans]
    return zip_brut([*entrees, *supplementaires])


def zeros_deflate(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros, made in milliseconds by repeating one flushed block."""
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    premier = compresseur.compress(bytes(MIB)) + compresseur.flush(zlib.Z_FULL_FLUSH)
    bloc = compresseur.compress(bytes(MIB)) + compresseur.flush(zlib.Z_FULL_FLUSH)
    return premier + bloc * (mib - 1) + compresseur.flush()


def avec_document(xml: bytes) -> bytes:
    contenu = parties()
    contenu["word/document.xml"] = xml
    return rezipper(contenu)


def refus(appel: Callable[[], object]) -> FichierRefuse:
    with pytest.raises(FichierRefuse) as info:
        appel()
    assert "Traceback" not in str(info.value)
    return info.value


def raison(donnees: bytes, nom: str = NOM, **options: object) -> str:
    erreur = refus(lambda: ouvrir(nom, donnees, **options))  # type: ignore[arg-type]
    assert str(erreur) == f"{nom} refusé : {erreur.raison}."
    assert erreur.fichier == nom
    return erreur.raison


# -- what opens -----------------------------------------------------------------------------------------------

def test_un_docx_valide_s_ouvre_et_son_document_se_lit() -> None:
    with ouvrir(NOM, DOCX) as paquet:
        assert isinstance(paquet, PaquetOffice) and paquet.genre == "docx"
        assert "word/document.xml" in paquet.noms()
        racine = paquet.xml("word/document.xml")
        assert racine.tag == f"{{{W}}}document"
        assert "Convention de partenariat" in "".join(racine.itertext())
        assert paquet.type_de_contenu("word/document.xml") == DOC_MAIN
        assert paquet.octets_surs() == DOCX
        assert docx.Document(io.BytesIO(paquet.octets_surs())).paragraphs[0].text == "Convention de partenariat"


def test_depuis_le_disque_et_genre_devine(tmp_path: Path) -> None:
    chemin = tmp_path / "sans-extension"
    chemin.write_bytes(DOCX)
    assert ouvrir(chemin).genre == "docx"
    assert isinstance(FichierRefuse(chemin, "x"), AlizeError)
    erreur = refus(lambda: ouvrir(tmp_path / "absent.docx"))
    assert str(erreur) == "absent.docx refusé : le fichier est introuvable."


def test_un_classeur_xlsx_et_un_ods_s_ouvrent() -> None:
    tampon = io.BytesIO()
    Workbook().save(tampon)
    with ouvrir("classeur.xlsx", tampon.getvalue()) as paquet:
        assert paquet.genre == "xlsx"
        paquet.octets_surs()
    ods = zip_brut([stockee("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                    stockee("content.xml", b'<?xml version="1.0"?><office:document-content xmlns:office='
                                           b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')])
    assert ouvrir("classeur.ods", ods).genre == "ods"
    faux = zip_brut([stockee("mimetype", b"application/vnd.oasis.opendocument.text"), stockee("content.xml", b"<a/>")])
    assert raison(faux, "classeur.ods") == ("ce n'est pas un classeur OpenDocument (.ods) : la partie content.xml "
                                            "est de type « application/vnd.oasis.opendocument.text »")


# -- not an archive, or not the right one ---------------------------------------------------------------------

def test_une_archive_tronquee() -> None:
    assert raison(DOCX[: len(DOCX) // 2]) == ("ce n'est pas un document Word (.docx) lisible : l'archive est "
                                              "tronquée ou corrompue")


def test_des_octets_quelconques() -> None:
    assert raison(bytes(range(256)) * 8, "tableau.xlsx") == ("ce n'est pas un classeur Excel (.xlsx) lisible : "
                                                             "l'archive est tronquée ou corrompue")
    assert raison(b"", "vide.docx").startswith("ce n'est pas un document Word (.docx) lisible")


def test_une_partie_requise_manque() -> None:
    contenu = parties()
    del contenu["word/document.xml"]
    assert raison(rezipper(contenu)) == ("ce n'est pas un document Word (.docx) : la partie word/document.xml "
                                         "est absente")
    assert raison(rezipper({"a.txt": b"a"}), "inconnu.bin") == ("ce n'est pas un document bureautique (.docx, "
                                                                ".xlsx ou .ods) reconnu")


def test_un_document_a_macros_donne_pour_un_docx() -> None:
    contenu = parties()
    contenu["[Content_Types].xml"] = contenu["[Content_Types].xml"].replace(DOC_MAIN.encode(), DOCM_MAIN.encode())
    assert raison(rezipper(contenu)) == (f"le document contient des macros (type « {DOCM_MAIN} ») : "
                                         "enregistrez-le au format .docx sans macros")
    assert raison(rezipper(contenu), "macro.docm") == raison(rezipper(contenu))  # genre guessed from the parts
    contenu["[Content_Types].xml"] = contenu["[Content_Types].xml"].replace(DOCM_MAIN.encode(), b"text/plain")
    assert raison(rezipper(contenu)) == ("ce n'est pas un document Word (.docx) : la partie word/document.xml "
                                         "est de type « text/plain »")


def test_une_partie_en_double() -> None:
    contenu = parties()
    tampon = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(tampon, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns « Duplicate name »
        for nom, donnees in contenu.items():
            archive.writestr(nom, donnees)
        archive.writestr("word/document.xml", b"<autre/>")
    assert raison(tampon.getvalue()) == "l'archive contient deux fois la partie word/document.xml"
    # OPC part names ignore case
    assert raison(docx_brut(stockee("WORD/Document.xml", b"<a/>"))) == ("l'archive contient deux fois la partie "
                                                                         "WORD/Document.xml")


@pytest.mark.parametrize("nom", ["../evil.xml", "word/../../evil.xml", "/abs.xml", "\\abs.xml", "C:\\x",
                                 "c:/x.xml", "word\\..\\x.xml"])
def test_un_nom_qui_sort_de_l_archive(nom: str) -> None:
    contenu = parties()
    contenu[nom] = b"<x/>"
    assert raison(rezipper(contenu)) == f"l'archive contient un nom de partie dangereux (« {nom} »)"


def test_un_nom_avec_un_nul() -> None:
    assert raison(docx_brut(stockee(b"word/a\x00.exe", b"x"))) == ("l'archive contient un nom de partie dangereux "
                                                                   "(« word/a\\x00.exe »)")


def test_une_partie_chiffree() -> None:
    assert raison(docx_brut(stockee("word/secret.xml", b"\x00" * 12 + b"<a/>", drapeaux=0x1))) == (
        "la partie word/secret.xml est chiffrée (document protégé par mot de passe)")


def test_une_methode_de_compression_inconnue() -> None:
    entree = (b"word/media/x.bin", b"BZh9", zipfile.ZIP_BZIP2, 0, 4, 0)
    assert raison(docx_brut(entree)) == ("la partie word/media/x.bin utilise une méthode de compression non prise "
                                         "en charge")


# -- bounds ---------------------------------------------------------------------------------------------------

def test_les_limites_de_taille_et_d_entrees() -> None:
    assert Limites() == LIMITES and LIMITES.taille_totale == 200 * MO
    assert raison(DOCX, limites=Limites(taille_fichier=1000)) == "le fichier pèse plus de 1000 octets, la limite admise"
    assert raison(DOCX, limites=Limites(entrees=5)) == f"l'archive contient {len(parties())} entrées, au-delà de la " \
                                                       "limite de 5"


@pytest.fixture(scope="session")
def bombe() -> bytes:
    """A .docx whose word/media/zeros.bin inflates to 2 GiB (about 2 MB on disk), honest headers."""
    flux = zeros_deflate(2048)
    return docx_brut((b"word/media/zeros.bin", flux, zipfile.ZIP_DEFLATED, 0, 2048 * MIB, 0))


def test_une_bombe_de_2_gio_refusee_sans_rien_decompresser(bombe: bytes) -> None:
    assert len(bombe) < 3 * MO
    assert raison(bombe) == "la partie word/media/zeros.bin décompressée dépasserait 100 Mo"


def test_un_taux_de_compression_absurde() -> None:
    flux = zeros_deflate(50)
    entree = (b"word/media/zeros.bin", flux, zipfile.ZIP_DEFLATED, 0, 50 * MIB, 0)
    assert raison(docx_brut(entree)) == "la partie word/media/zeros.bin est compressée plus de 100 fois (bombe de " \
                                        "décompression)"


def test_le_total_decompresse_borne() -> None:
    bruit = random.Random(0).randbytes(MIB)  # 1 MiB declared as 90 Mo each: ratio under 100
    entrees = [(f"word/media/p{i}.bin".encode(), bruit, zipfile.ZIP_STORED, 0, 90 * MO, 0) for i in range(3)]
    assert raison(docx_brut(*entrees)) == "le fichier décompressé dépasserait 200 Mo"


def test_un_en_tete_qui_ment_sur_la_taille() -> None:
    """Declared 1 000 bytes, real 2 GiB: the streaming guard stops at 1 001 bytes."""
    flux = zeros_deflate(2048)
    menteuse = docx_brut((b"word/document.xml", flux, zipfile.ZIP_DEFLATED, zlib.crc32(bytes(1000)), 1000, 0),
                         sans=("word/document.xml",))
    paquet = ouvrir(NOM, menteuse)  # the central directory alone looks fine
    attendu = "la partie word/document.xml se décompresse au-delà de sa taille déclarée (archive falsifiée)"
    assert refus(lambda: paquet.partie("word/document.xml")).raison == attendu
    assert refus(lambda: paquet.xml("word/document.xml")).raison == attendu
    assert refus(paquet.octets_surs).raison == attendu


def test_un_en_tete_qui_exagere_la_taille() -> None:
    contenu = parties()["word/document.xml"]
    exagere = docx_brut((b"word/document.xml", contenu, zipfile.ZIP_STORED, zlib.crc32(contenu), len(contenu) + 10, 0),
                        sans=("word/document.xml",))
    paquet = ouvrir(NOM, exagere)
    assert refus(lambda: paquet.partie("word/document.xml")).raison == ("la partie word/document.xml est tronquée ou "
                                                                        "corrompue")


def test_une_empreinte_fausse() -> None:
    contenu = parties()["word/document.xml"]
    faux = docx_brut((b"word/document.xml", contenu, zipfile.ZIP_STORED, 12345, len(contenu), 0),
                     sans=("word/document.xml",))
    assert refus(lambda: ouvrir(NOM, faux).octets_surs()).raison == ("la partie word/document.xml est tronquée ou "
                                                                     "corrompue")


# -- XML ------------------------------------------------------------------------------------------------------

XXE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>'
       b'</w:document>')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.replace("&lol0;", "&lol;").encode()
                     for i in range(1, 10))
          + b']>\n<lolz>&lol9;</lolz>')
DOCTYPE = "la partie word/document.xml déclare un DOCTYPE (entités XML refusées)"


@pytest.mark.parametrize("xml", [XXE, LAUGHS, XXE.decode().replace("UTF-8", "UTF-16").encode("utf-16"),
                                 b"\xef\xbb\xbf" + XXE, b"<!-- c --><?pi x?>\n<!DOCTYPE a SYSTEM 'http://x/a.dtd'><a/>"],
                         ids=["xxe", "milliard-de-rires", "utf-16", "bom-utf-8", "dtd-externe"])
def test_un_doctype_refuse_avant_l_analyse(xml: bytes) -> None:
    paquet = ouvrir(NOM, avec_document(xml))
    erreur = refus(lambda: paquet.xml("word/document.xml"))
    assert erreur.raison == DOCTYPE and str(erreur) == f"{NOM} refusé : {DOCTYPE}."
    assert refus(paquet.octets_surs).raison == DOCTYPE


def test_un_doctype_dans_les_types_de_contenu_refuse_a_l_ouverture() -> None:
    contenu = parties()
    sans_declaration = contenu["[Content_Types].xml"].split(b"?>", 1)[1]
    contenu["[Content_Types].xml"] = b'<!DOCTYPE t [<!ENTITY e "e">]>' + sans_declaration
    assert raison(rezipper(contenu)) == "la partie [Content_Types].xml déclare un DOCTYPE (entités XML refusées)"


def test_une_entite_non_declaree_est_du_xml_mal_forme() -> None:
    xml = XXE.replace(b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', b"")
    erreur = refus(lambda: ouvrir(NOM, avec_document(xml)).xml("word/document.xml"))
    assert erreur.raison == "la partie word/document.xml est mal formée (ligne 2)"


def test_un_xml_mal_forme_nomme_la_partie_et_la_ligne() -> None:
    paquet = ouvrir(NOM, avec_document(b'<?xml version="1.0"?>\n<a>\n<b></a>'))
    assert refus(lambda: paquet.xml("word/document.xml")).raison == ("la partie word/document.xml est mal formée "
                                                                      "(ligne 3)")
    assert refus(lambda: ouvrir(NOM, avec_document(b"")).xml("word/document.xml")).raison == (
        "la partie word/document.xml est mal formée (ligne 1)")


@pytest.mark.parametrize(("niveaux", "limites"), [(10_000, LIMITES), (300, LIMITES), (20, Limites(profondeur_xml=10))])
def test_un_xml_trop_profond(niveaux: int, limites: Limites) -> None:
    xml = b"<a>" * niveaux + b"</a>" * niveaux
    paquet = ouvrir(NOM, avec_document(xml), limites=limites)
    assert refus(lambda: paquet.xml("word/document.xml")).raison == (
        f"la partie word/document.xml imbrique plus de {limites.profondeur_xml} niveaux d'éléments XML")


def test_une_partie_absente_demandee() -> None:
    absente = refus(lambda: ouvrir(NOM, DOCX).partie("word/absente.xml"))
    assert absente.raison == "la partie word/absente.xml est absente"
    assert ouvrir(NOM, DOCX).partie("WORD/DOCUMENT.XML") == parties()["word/document.xml"]  # OPC ignores case


# -- fuzzing --------------------------------------------------------------------------------------------------

def tout_lire(donnees: bytes, nom: str = NOM) -> None:
    """Open and read everything: only a PaquetOffice or a FichierRefuse may come out."""
    try:
        paquet = ouvrir(nom, donnees)
    except FichierRefuse as erreur:
        assert str(erreur).startswith(f"{nom} refusé : ")
        return
    try:
        paquet.octets_surs()
        for partie in paquet.noms():
            if partie.endswith(".xml"):
                paquet.xml(partie)
    except FichierRefuse:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_des_octets_arbitraires(donnees: bytes) -> None:
    tout_lire(donnees)
    tout_lire(b"PK\x03\x04" + donnees, "x.xlsx")


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(DOCX) - 1), st.integers(0, 255)), max_size=8),
       st.integers(0, len(DOCX)))
def test_des_mutations_d_un_docx_valide(inversions: list[tuple[int, int]], longueur: int) -> None:
    donnees = bytearray(DOCX)
    for position, masque in inversions:
        donnees[position] ^= masque
    tout_lire(bytes(donnees))
    tout_lire(bytes(donnees[:longueur]))


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), max_size=6))
def test_des_mutations_d_une_archive_stockee(inversions: list[tuple[int, int]]) -> None:
    """Stored parts put the XML bytes in clear: mutations reach the XML parser and the headers alike."""
    base = bytearray(docx_brut())
    for position, masque in inversions:
        base[-1 - position % len(base)] ^= masque  # the central directory and the last parts
        base[position % len(base)] ^= masque  # the first local headers and [Content_Types].xml
    tout_lire(bytes(base))


def test_octets_surs_verifie_toutes_les_parties() -> None:
    contenu = parties()
    contenu["word/styles.xml"] = b'<!DOCTYPE s [<!ENTITY e SYSTEM "http://exemple.invalid/">]><s>&e;</s>'
    paquet = ouvrir(NOM, rezipper(contenu))
    assert paquet.xml("word/document.xml") is not None  # the main part alone is fine
    assert refus(paquet.octets_surs).raison == "la partie word/styles.xml déclare un DOCTYPE (entités XML refusées)"
    contenu = parties()
    contenu["word/vmlDrawing1.vml"] = b"<xml><br></xml>"  # Excel's legacy VML is not well-formed: left alone
    assert ouvrir(NOM, rezipper(contenu)).octets_surs()
