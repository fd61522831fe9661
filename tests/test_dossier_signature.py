"""The signing bundle as one document (issue 17, section 4): its cover, its page numbers, its bookmarks, its map.

Every number is read back as a reader sees it: the text of each page of the PDFs (pypdf), the bundle's .docx
converted by LibreOffice, and the stored values of the .docx's fields (what Word shows before it computes them).
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

import alize_docs
from alize_docs.render.pdf import convert_to_pdf

from .conftest import TERRITOIRE, lisible

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITRES = ["Convention de partenariat", "Annexe 1 — Budget prévisionnel", "Annexe 2 — Cahier des charges",
          "Annexe 3 — Convention d'opérateur local"]
PIECES = ["convention-partenariat", "annexe-1-budget", "annexe-2-cahier-des-charges", "annexe-3-operateur-local"]
NOM = "dossier-signature-toulinois"


def pages_text(donnees: bytes | Path) -> list[str]:
    lecteur = PdfReader(io.BytesIO(donnees) if isinstance(donnees, bytes) else str(donnees))
    return [re.sub(r"[\s\u00a0\u202f]+", " ", p.extract_text()).strip() for p in lecteur.pages]


def png(largeur: int, hauteur: int) -> bytes:
    """A real RGB PNG, built byte by byte (no imaging library)."""
    lignes = b"".join(b"\x00" + bytes(v for x in range(largeur) for v in (x % 256, y % 256, 128))
                      for y in range(hauteur))

    def bloc(genre: bytes, donnees: bytes) -> bytes:
        return struct.pack(">I", len(donnees)) + genre + donnees + struct.pack(">I", zlib.crc32(genre + donnees))

    return (b"\x89PNG\r\n\x1a\n" + bloc(b"IHDR", struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0))
            + bloc(b"IDAT", zlib.compress(lignes)) + bloc(b"IEND", b""))


def pdf_une_page(texte: str) -> bytes:
    """A one-page landscape PDF holding *texte*, as a user's map would be."""
    ecrivain = PdfWriter()
    page = ecrivain.add_blank_page(842, 595)
    flux = DecodedStreamObject()
    flux.set_data(f"BT /F1 36 Tf 100 300 Td ({texte}) Tj ET 0 0 1 RG 8 w 40 40 762 515 re S".encode())
    police = ecrivain._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject(
        "/Subtype"): NameObject("/Type1"), NameObject("/BaseFont"): NameObject("/Helvetica")}))
    page[NameObject("/Contents")] = ecrivain._add_object(flux)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({
        NameObject("/F1"): police})})
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def territoire_avec(tmp_path: Path, carte: str | None, annexee: bool = True) -> Path:
    """The Toulinois file with a map announced (``carte_annexee: true``) and, if given, its file."""
    texte = TERRITOIRE.read_text(encoding="utf-8").replace(
        "carte_annexee: false", "carte_annexee: true" if annexee else "carte_annexee: false")
    if carte is not None:
        texte = texte.replace("  carte_annexee:", f"  carte: {carte}\n  carte_annexee:", 1)
    chemin = tmp_path / "toulinois.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def texte_de(xml: bytes) -> str:
    """The text of a part as a reader sees it, tabs included."""
    return "".join("\t" if e.tag == f"{W}tab" else e.text or "" for e in etree.fromstring(xml).iter(f"{W}t", f"{W}tab"))


def champs(xml: bytes) -> list[tuple[str, str]]:
    """Every complex field of a part: (instruction, stored value), in order."""
    trouves: list[tuple[str, str]] = []
    etat, instruction, valeur = "", "", ""
    for element in etree.fromstring(xml).iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
        if element.tag == f"{W}fldChar":
            genre = element.get(f"{W}fldCharType")
            if genre == "begin":
                etat, instruction, valeur = "instr", "", ""
            elif genre == "separate":
                etat = "valeur"
            else:
                trouves.append((instruction.strip(), valeur))
                etat = ""
        elif element.tag == f"{W}instrText" and etat == "instr":
            instruction += element.text or ""
        elif element.tag == f"{W}t" and etat == "valeur":
            valeur += element.text or ""
    return trouves


@pytest.fixture(scope="module")
def sortie(libreoffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = tmp_path_factory.mktemp("dossier")
    alize_docs.generate(TERRITOIRE, dossier, pdf=True)
    return dossier


@pytest.fixture(scope="module")
def attendu(sortie: Path) -> list[tuple[str, int, int]]:
    """Each piece's title, first page and page count in the bundle, from the pieces' own PDFs."""
    plan, page = [], 2  # the cover is page 1
    for titre, piece in zip(TITRES, PIECES, strict=True):
        n = len(PdfReader(str(sortie / f"{piece}-toulinois.pdf")).pages)
        plan.append((titre, page, n))
        page += n
    return plan


def test_every_page_of_the_bundle_pdf_is_numbered_in_its_piece_and_through_the_bundle(
        sortie: Path, attendu: list[tuple[str, int, int]]) -> None:
    pages = pages_text(sortie / f"{NOM}.pdf")
    total = 1 + sum(n for _, _, n in attendu)
    assert len(pages) == total
    assert "Dossier de signature, page 1 sur " + str(total) in pages[0]
    for _titre, debut, n in attendu:
        for i in range(n):
            texte = pages[debut - 1 + i]
            assert f"Page {i + 1} sur {n}" in texte  # the piece's own number, as in its own PDF
            assert f"Dossier de signature, page {debut + i} sur {total}" in texte
    assert not re.search(r"Page (\d+) sur (?!\1)(1)\b", " ".join(pages))  # no « Page 2 sur 1 » anywhere


def test_the_cover_lists_each_piece_with_its_real_pages_and_the_pdf_opens_on_its_bookmarks(
        sortie: Path, attendu: list[tuple[str, int, int]]) -> None:
    lecteur = PdfReader(str(sortie / f"{NOM}.pdf"))
    couverture = lisible(pages_text(sortie / f"{NOM}.pdf")[0])  # the cover prints ’ as the pieces do
    assert couverture.startswith("DOSSIER DE SIGNATURE Convention de partenariat ALIZÉ® Toulinois")
    for titre, debut, n in attendu:
        assert f"{titre} pages {debut} à {debut + n - 1}" in couverture
    assert f"Le dossier compte {1 + sum(n for _, _, n in attendu)} pages, page de garde comprise." in couverture
    assert "carte" not in couverture.lower()  # none announced, none missing
    assert lecteur.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    signets = [(s.title, lecteur.get_destination_page_number(s) + 1) for s in lecteur.outline]
    assert signets == [(titre, debut) for titre, debut, _ in attendu]
    premieres = [pages_text(sortie / f"{NOM}.pdf")[debut - 1] for _, debut, _ in attendu]
    assert [p.split(" ")[0] for p in premieres] == ["Convention", "Annexe", "Annexe", "Annexe"]  # their header


def test_libreoffice_prints_every_number_of_the_bundle_docx_right(
        sortie: Path, attendu: list[tuple[str, int, int]]) -> None:
    [pdf] = convert_to_pdf([sortie / f"{NOM}.docx"])
    pages = pages_text(pdf)
    total = 1 + sum(n for _, _, n in attendu)
    assert len(pages) == total
    assert f"Dossier de signature, page 1 sur {total}" in pages[0]
    for titre, debut, n in attendu:
        assert f"{titre} pages {debut} à {debut + n - 1}" in lisible(pages[0])  # the cover prints ’
        for i in range(n):
            assert (f"Dossier de signature, page {debut + i} sur {total} — {titre} : pages {debut} à {debut + n - 1}"
                    in lisible(pages[debut - 1 + i]))
    assert f"Le dossier compte {total} pages" in pages[0]
    assert not re.search(r"[Pp]age \d+ sur 1\b", " ".join(pages))


def test_the_bundle_docx_stores_the_right_values_after_a_conversion_and_none_wrong_without(
        sortie: Path, attendu: list[tuple[str, int, int]], tmp_path: Path) -> None:
    total = str(1 + sum(n for _, _, n in attendu))
    paquet = zipfile.ZipFile(sortie / f"{NOM}.docx")
    couverture = champs(paquet.read("word/document.xml"))
    references = [(i, v) for i, v in couverture if i.startswith("PAGEREF")]
    assert references == [r for k, (_, debut, n) in enumerate(attendu, start=1) for r in (
        (f"PAGEREF _AlizePiece{k} \\h", str(debut)), (f"PAGEREF _AlizePiece{k}Fin \\h", str(debut + n - 1)))]
    assert ("NUMPAGES", total) in couverture
    pieds = sorted(n for n in paquet.namelist() if n.startswith("word/footer-piece"))
    for pied, (_, debut, n) in zip(pieds, attendu, strict=True):
        assert [v for _, v in champs(paquet.read(pied))] == [str(debut), total, str(debut), str(debut + n - 1)]
    document = etree.fromstring(paquet.read("word/document.xml"))
    assert not list(document.iter(f"{W}pgNumType"))  # numbered through: no restart, no blank page in LibreOffice
    assert "SECTIONPAGES" not in paquet.read("word/document.xml").decode() + "".join(
        paquet.read(p).decode() for p in pieds)
    signets = [b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")]
    assert signets == [s for k in range(1, 5) for s in (f"_AlizePiece{k}", f"_AlizePiece{k}Fin")]

    fichiers = alize_docs.render_documents(alize_docs.Dossier(TERRITOIRE, alize_docs.load_territoire(TERRITOIRE)))
    sans = zipfile.ZipFile(io.BytesIO(fichiers[f"{NOM}.docx"]))
    valeurs = [v for _, v in champs(sans.read("word/document.xml"))]
    assert valeurs and set(valeurs) == {"…"}  # not known without a conversion: no number at all, never a wrong one


def test_a_png_map_is_the_last_piece_with_its_header_bookmark_and_page(libreoffice: str, tmp_path: Path) -> None:
    (tmp_path / "cartes").mkdir()
    (tmp_path / "cartes" / "toulinois.png").write_bytes(png(120, 80))
    sortie = tmp_path / "out"
    alize_docs.generate(territoire_avec(tmp_path, "cartes/toulinois.png"), sortie, pdf=True)
    paquet = zipfile.ZipFile(sortie / f"{NOM}.docx")
    assert paquet.read("word/media/alize-carte.png") == (tmp_path / "cartes" / "toulinois.png").read_bytes()
    assert texte_de(paquet.read("word/header-carte.xml")) == "Carte du Territoire\t«\u00a0ALIZÉ®\u00a0Toulinois\u00a0»"
    document = paquet.read("word/document.xml").decode()
    assert 'w:name="_AlizePiece5"' in document and 'r:embed="rIdAlizeCarte"' in document
    pages = pages_text(sortie / f"{NOM}.pdf")
    total = len(pages)
    assert pages[-1].startswith("Carte du Territoire « ALIZÉ® Toulinois » CARTE DU TERRITOIRE")
    assert pages[-1].endswith(f"Dossier de signature, page {total} sur {total}")
    assert f"Carte du Territoire page {total}" in pages[0]
    lecteur = PdfReader(str(sortie / f"{NOM}.pdf"))
    assert [(s.title, lecteur.get_destination_page_number(s) + 1) for s in lecteur.outline][-1] == (
        "Carte du Territoire", total)
    [converti] = convert_to_pdf([sortie / f"{NOM}.docx"])  # the .docx's own map page, printed by LibreOffice
    pages_docx = pages_text(converti)
    assert len(pages_docx) == total
    assert f"Dossier de signature, page {total} sur {total} — Carte du Territoire : page {total}" in pages_docx[-1]


def test_a_pdf_map_goes_into_the_bundle_pdf_as_its_pages(libreoffice: str, tmp_path: Path) -> None:
    (tmp_path / "carte.pdf").write_bytes(pdf_une_page("PLAN DU TOULINOIS"))
    sortie = tmp_path / "out"
    alize_docs.generate(territoire_avec(tmp_path, "carte.pdf"), sortie, pdf=True)
    pages = pages_text(sortie / f"{NOM}.pdf")
    total = len(pages)
    assert "PLAN DU TOULINOIS" in pages[-1]
    assert "Carte du Territoire « ALIZÉ® Toulinois »" in pages[-1]
    assert f"Dossier de signature, page {total} sur {total}" in pages[-1]
    assert f"Carte du Territoire page {total}" in pages[0]
    docx_texte = zipfile.ZipFile(sortie / f"{NOM}.docx").read("word/document.xml").decode()
    assert "La carte du Territoire (fichier carte.pdf, 1 page) est jointe, à cette place, au dossier" in docx_texte


def test_a_map_announced_and_not_given_is_a_warning_naming_it_and_the_documents_are_written(
        tmp_path: Path) -> None:
    chemin = territoire_avec(tmp_path, None)
    rapport = alize_docs.check_file(chemin)
    assert rapport.ok and [(p.code, p.gravite) for p in rapport.problemes] == [("map", "avertissement")]
    assert "le dossier de signature est écrit sans la carte du Territoire" in rapport.problemes[0].message
    assert alize_docs.check_file(TERRITOIRE).problemes == ()  # the examples, unchanged, stay clean
    valider = subprocess.run([sys.executable, "-m", "alize_docs", "valider", str(chemin)], capture_output=True,
                             text=True, timeout=120)
    assert valider.returncode == 0 and "[avertissement map]" in valider.stdout
    assert "sans la carte du Territoire" in valider.stdout
    generer = subprocess.run([sys.executable, "-m", "alize_docs", "generer", str(chemin), "-o", str(tmp_path / "out")],
                             capture_output=True, text=True, timeout=120)
    assert generer.returncode == 0, generer.stderr
    assert "[avertissement map]" in generer.stderr and "sans la carte du Territoire" in generer.stderr
    assert f"écrit : {tmp_path / 'out' / (NOM + '.docx')}" in generer.stdout
    texte = zipfile.ZipFile(tmp_path / "out" / f"{NOM}.docx").read("word/document.xml").decode()
    assert "n’est pas jointe à ce fichier\u00a0: elle est annexée sur papier." in texte


@pytest.mark.parametrize(("nom", "contenu", "message"), [
    ("carte.png", b"pas une image", "carte « carte.png » refusée : son contenu n'est pas celui d'un fichier PNG"),
    ("carte.png", png(1, 1)[:16] + struct.pack(">II", 20_000, 20_000) + png(1, 1)[24:],
     "carte « carte.png » refusée : l'image fait 20000 × 20000 pixels, au-delà de la limite admise"),
    ("carte.gif", b"GIF89a", "carte « carte.gif » refusée : seuls les fichiers PDF, PNG et JPEG"),
    ("../ailleurs.png", png(2, 2), "carte « ../ailleurs.png » refusée : elle doit se trouver dans le dossier"),
    ("absente.pdf", None, "carte « absente.pdf » introuvable"),
    ("carte.pdf", b"%PDF-1.4 tronque", "carte « carte.pdf » refusée : ce n'est pas un PDF lisible"),
], ids=["pas-une-image", "trop-de-pixels", "format", "hors-du-dossier", "absente", "pdf-tronque"])
def test_a_map_over_a_limit_or_unreadable_is_refused_in_french_naming_the_file(
        tmp_path: Path, nom: str, contenu: bytes | None, message: str) -> None:
    dossier = tmp_path / "dispositif"
    dossier.mkdir()
    if contenu is not None:
        (dossier / nom).write_bytes(contenu)
    rapport = alize_docs.check_file(territoire_avec(dossier, nom))
    assert not rapport.ok
    [probleme] = rapport.erreurs
    assert probleme.code == "map" and probleme.champ == "dispositif.carte"
    assert probleme.message.lower().startswith(message.lower())


def test_a_map_given_but_not_announced_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "carte.png").write_bytes(png(2, 2))
    rapport = alize_docs.check_file(territoire_avec(tmp_path, "carte.png", annexee=False))
    assert [p.code for p in rapport.erreurs] == ["map"]
    assert "la convention ne l'annonce pas" in rapport.erreurs[0].message


def test_a_territory_with_a_map_is_not_turned_into_a_workbook_that_would_lose_it(tmp_path: Path) -> None:
    (tmp_path / "carte.png").write_bytes(png(2, 2))
    chemin = territoire_avec(tmp_path, "carte.png")
    commande = [sys.executable, "-m", "alize_docs", "tableur", str(chemin), "-o", str(tmp_path / "t.xlsx")]
    resultat = subprocess.run(commande, capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 1 and not (tmp_path / "t.xlsx").exists()
    assert "pas de colonne pour la carte du Territoire (« carte.png »)" in resultat.stdout + resultat.stderr
