"""Page layout as a reader sees it, on the PDF LibreOffice prints and in the Word file.

Long inputs force page breaks: a territory of thirty partners (a partner's advance with cents), an agreement with
a 36-month schedule and intervenants with long names. The documents are converted once for the module, in one
LibreOffice run; the page texts are read with pypdf, compared without their spaces (a cell's line breaks differ
from the Word text's).
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
import pytest
import yaml
from docx.document import Document as WordDocument
from pypdf import PdfReader

import alize_docs
from alize_docs.formatting import NBSP, NNBSP
from alize_docs.inputs.yaml import read_yaml
from alize_docs.render.pdf import convert_to_pdf

from .conftest import FIXTURES, TERRITOIRE, lisible

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"
TITRES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3")
PRENOMS = ("Jean-Baptiste", "Marie-Hélène", "Christophe", "Anne-Sophie", "Frédéric", "Émilie")


def _long_territory() -> dict[str, Any]:
    data = copy.deepcopy(read_yaml(TERRITOIRE).data)
    for i in range(24):
        femme = i % 2 == 1
        data["partenaires"].append({
            "id": f"e{i}", "nom": f"Établissements Métallurgiques Lorrains n° {i + 1}", "categorie": "entreprise",
            "signataire": {"civilite": "Madame" if femme else "Monsieur", "prenom": PRENOMS[i % 6],
                           "nom": "Delacroix-Beaumarchais",
                           "qualite": "Directrice générale déléguée" if femme else "Directeur général délégué"},
            "apports": {"avances": ["1000.50" if i == 0 else "1000", "1000", "1000"], "jours": [2, 2, 2]}})
    return data


def _long_cooperation() -> dict[str, Any]:
    data = copy.deepcopy(read_yaml(COOPERATION).data)
    data["dispositif"] = "long.yaml"
    data["avance_remboursable"]["differe_mois"] = 0  # 36 monthly instalments
    data["appui_competences"] = [
        {"partenaire": f"e{i}", "domaine": "production", "jours": 2,
         "intervenant": {"civilite": "Monsieur", "prenom": "Jean-Christophe", "nom": "Vandenberghe-Dupont",
                         "qualite": "Responsable méthodes et industrialisation"}} for i in range(6)]
    data["mandataire"] = "e0"
    return data


@dataclass
class Imprime:
    """A document as written (.docx) and as printed (its pages' texts)."""

    nom: str
    word: WordDocument
    pages: list[str]

    def compactes(self) -> list[str]:
        return [_compact(p) for p in self.pages]

    def corps(self, numero: int) -> str:
        """Page *numero*'s text without its header (first line) and footer (« Page N sur M »), spaces removed."""
        lignes = [ligne for ligne in self.pages[numero].splitlines() if ligne.strip()]
        if lignes and _compact(lignes[-1]).startswith("Page"):
            lignes = lignes[:-1]
        return _compact("\n".join(lignes[1:]))


def _compact(texte: str) -> str:
    """The text without spaces nor hyphens (python-docx reads a w:noBreakHyphen as nothing, the PDF as « - »)."""
    return re.sub(r"[\s\u00a0\u202f\-\u2011]+", "", texte)


@pytest.fixture(scope="module")
def imprimes(libreoffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Imprime]:
    dossier = tmp_path_factory.mktemp("mise-en-page")
    (dossier / "long.yaml").write_text(yaml.safe_dump(_long_territory(), allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    (dossier / "coop.yaml").write_text(yaml.safe_dump(_long_cooperation(), allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    long, demo = dossier / "long", dossier / "demo"
    fichiers = [*alize_docs.generate(dossier / "long.yaml", long), *alize_docs.generate(dossier / "coop.yaml", long)]
    for fichier in alize_docs.generate(COOPERATION, demo):  # one LibreOffice run names each PDF by its stem
        fichiers.append(fichier.rename(demo / f"demo-{fichier.name}"))
    pdfs = convert_to_pdf(fichiers)
    imprimes = {f"{f.parent.name}/{f.stem.removeprefix('demo-')}": Imprime(
        f.stem, docx.Document(str(f)), [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages])
        for f, pdf in zip(fichiers, pdfs, strict=True)}
    longueurs = {nom: len(i.pages) for nom, i in imprimes.items()}  # the inputs do force page breaks
    assert longueurs["long/convention-partenariat-toulinois"] >= 10, longueurs
    assert longueurs["long/cooperation-toul-2011-003"] >= 5, longueurs
    return imprimes


def _page_of(imprime: Imprime, texte: str, depuis: int = 0) -> int:
    cherche = _compact(texte)
    return next(i for i, page in enumerate(imprime.compactes()) if i >= depuis and cherche in page)


def _signatures_in_order(word: WordDocument) -> Iterator[tuple[str, list[str]]]:
    """The body in order: (« fait », its text) for each « Fait à … », (« bloc », its lines) for each block."""
    for element in word.element.body:
        if element.tag == f"{W}p":
            texte = "".join(t.text or "" for t in element.iter(f"{W}t"))
            if texte.startswith("Fait à"):
                yield "fait", [texte]
        elif element.tag == f"{W}tbl" and element.find(f".//{W}tblHeader") is None:
            for cellule in element.iter(f"{W}tc"):
                lignes = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in cellule.iter(f"{W}p")]
                if any(ligne.strip() for ligne in lignes):
                    yield "bloc", [ligne for ligne in lignes if ligne.strip()]


def test_a_signature_block_never_splits_and_fait_a_stays_with_the_first(imprimes: dict[str, Imprime]) -> None:
    signes = set()
    for nom, imprime in imprimes.items():
        pages = imprime.compactes()
        debut, fait = 0, None
        for genre, lignes in _signatures_in_order(imprime.word):
            page = _page_of(imprime, lignes[0], debut)
            if genre == "fait":
                fait = page
            else:
                signes.add(nom)
                assert _compact("".join(lignes)) in pages[page], f"{nom}, page {page + 1} : bloc coupé {lignes}"
                assert fait is None or fait == page, f"{nom}, page {fait + 1} : « Fait à » sans signature"
                fait = None
            debut = page
    assert len(signes) == 5, signes  # the convention, Annexe 3, the bundle, the two agreements


def test_no_page_ends_with_what_announces_the_next_and_tables_repeat_their_header(
        imprimes: dict[str, Imprime]) -> None:
    """A heading keeps with its first paragraph; « … par : », « Les entreprises partenaires : », « … suivantes : »
    keep with the list, table or signatures they announce; a table across pages repeats its header row at the top
    of each page, and leaves neither its header nor a group's label row nor a lone row at the bottom of one."""
    for nom, imprime in imprimes.items():
        titres = [p.text for p in imprime.word.paragraphs if p.style.name in TITRES and p.text.strip()]
        for numero in range(len(imprime.pages)):
            corps = imprime.corps(numero)
            assert not corps.endswith(":"), f"{nom}, page {numero + 1} finit par « : » : {imprime.pages[numero][-200:]}"
            for titre in titres:
                assert not corps.endswith(_compact(titre)), f"{nom}, page {numero + 1} finit par le titre « {titre} »"
    coupes = 0
    for nom, imprime in imprimes.items():
        for table in imprime.word.tables:
            if table._tbl.find(f".//{W}tblHeader") is None or table.rows[0].cells[0].text == "Pièce":
                continue  # the bundle's cover: its page ranges are PAGEREF fields LibreOffice computes
            entete = _compact("".join(c.text for c in table.rows[0].cells))
            rangees = [(_compact("".join(c.text for c in r.cells)), not any(c.text for c in r.cells[1:]))
                       for r in table.rows[1:]]
            pages: list[int] = []
            debut = _page_of(imprime, table.rows[1].cells[0].text + table.rows[1].cells[1].text)
            for rangee, _ in rangees:
                page = next(i for i in range(debut, len(imprime.pages)) if rangee in imprime.compactes()[i])
                pages.append(page)
                debut = page
            premiere = imprime.corps(pages[0]).rsplit(entete, 1)
            assert len(premiere) == 2 and premiere[1], f"{nom}, page {pages[0] + 1} : l'en-tête « {entete} » seul"
            for page in sorted(set(pages))[1:]:
                coupes += 1
                assert imprime.corps(page).startswith(entete), f"{nom}, page {page + 1} : sans l'en-tête « {entete} »"
                assert pages.count(page - 1) >= 2 and pages.count(page) >= 2, f"{nom}, page {page + 1} : ligne seule"
                dernier = max(n for n, p in enumerate(pages) if p == page - 1)
                assert not rangees[dernier][1], f"{nom}, page {page} : le groupe « {rangees[dernier][0]} » seul en bas"
    assert coupes >= 2  # the 36-month schedule and Annexe 1's advances do break


def test_the_skills_table_gives_each_name_room(imprimes: dict[str, Imprime]) -> None:
    """The « Intervenant » column holds « Madame Nadia Colin, » and « Monsieur Olivier Durand, » on one line
    (it wrapped the name over four lines, one word a line)."""
    lignes = [ligne.strip() for page in imprimes["demo/cooperation-toul-2011-003"].pages
              for ligne in page.splitlines()]
    assert any("Monsieur Olivier Durand," in ligne for ligne in lignes), lignes
    assert any("Madame Nadia Colin," in ligne for ligne in lignes), lignes


# --- the Word files ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WordDocument]:
    """The demo's documents and the long ones, as Word files (no LibreOffice)."""
    dossier = tmp_path_factory.mktemp("mise-en-page-docx")
    donnees = _long_territory()
    donnees["dispositif"]["zone_emploi"] = "Épinal"
    donnees["dispositif"]["departement"] = "Vosges"
    (dossier / "long.yaml").write_text(yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    (dossier / "coop.yaml").write_text(yaml.safe_dump(_long_cooperation(), allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    fichiers = [*alize_docs.generate(dossier / "long.yaml", dossier / "long"),
                *alize_docs.generate(dossier / "coop.yaml", dossier / "long"),
                *alize_docs.generate(TERRITOIRE, dossier / "demo"), *alize_docs.generate(COOPERATION, dossier / "demo")]
    return {f"{f.parent.name}/{f.stem}": docx.Document(str(f)) for f in fichiers}


def _textes(word: WordDocument) -> Iterator[str]:
    yield from (p.text for p in word.paragraphs)
    for table in word.tables:
        for rangee in table.rows:
            yield from (c.text for c in rangee.cells)


def test_headings_in_capitals_are_wholly_in_capitals(mots: dict[str, WordDocument]) -> None:
    for nom, attendus in (("demo/convention-partenariat-toulinois",
                           ["RELATIVE À L'ACTION LOCALE INTERENTREPRISES DANS LA ZONE D'EMPLOI DE TOUL",
                            f"ARTICLE 3{NBSP}: OBJECTIFS DU DISPOSITIF ALIZÉ®{NBSP}TOULINOIS"]),
                          ("long/convention-partenariat-toulinois",
                           ["RELATIVE À L'ACTION LOCALE INTERENTREPRISES DANS LA ZONE D'EMPLOI D'ÉPINAL"])):
        titres = [lisible(p.text) for p in mots[nom].paragraphs if p.style.name in TITRES]
        for attendu in attendus:
            assert attendu in titres, titres
    for nom, word in mots.items():
        for p in word.paragraphs:
            lettres = [c for c in p.text if c.isalpha()]
            if p.style.name in ("Heading 1", "Heading 2") and p.text.startswith("ARTICLE"):
                assert all(c.isupper() for c in lettres), (nom, p.text)


def test_amounts_in_a_column_all_show_cents_or_none(mots: dict[str, WordDocument]) -> None:
    montant = re.compile(r"\d{1,3}(?:\u202f\d{3})*(,\d\d)?\xa0€")
    vus = set()
    for nom, word in mots.items():
        for table in word.tables:
            for colonne in table.columns:
                montants = [montant.fullmatch(c.text) for c in colonne.cells]
                genres = {m[1] is not None for m in montants if m}
                assert len(genres) <= 1, (nom, [c.text for c in colonne.cells])
                if True in genres and False not in genres and len([m for m in montants if m]) > 3:
                    vus.add(nom)
    echeancier = next(t for t in mots["demo/cooperation-toul-2011-003"].tables if t.rows[0].cells[0].text == "N°")
    assert echeancier.rows[-1].cells[3].text == f"0,00{NBSP}€"
    assert {"long/annexe-1-budget-toulinois", "demo/cooperation-toul-2011-003"} <= vus
    avances = mots["long/annexe-1-budget-toulinois"].tables[0]
    assert [c.text for c in avances.rows[-1].cells][1:] == [f"324{NNBSP}000,50{NBSP}€", f"309{NNBSP}000{NBSP}€",
                                                           f"309{NNBSP}000{NBSP}€", f"942{NNBSP}000,50{NBSP}€"]


def test_numbers_never_break_across_lines(mots: dict[str, WordDocument]) -> None:
    """« 1 057 », « 240 000 € », « 0 % »: the spaces in and after a number are no-break spaces, in the text and
    in the tables (an ordinary space would let a line end there)."""
    cassables = re.compile(r"(?<![\d,.])\d{1,3} \d{3}(?!\d)|\d[ \u202f]€|\d [%]")
    for nom, word in mots.items():
        for texte in _textes(word):
            assert not cassables.search(texte), (nom, texte)
    convention = "\n".join(_textes(mots["demo/convention-partenariat-toulinois"]))
    assert f"1{NNBSP}057 projets" in convention and f"7{NNBSP}160 emplois" in convention
    cooperation = "\n".join(_textes(mots["demo/cooperation-toul-2011-003"]))
    assert f"avance remboursable à 0{NNBSP}%" in cooperation


def test_a_paragraph_with_an_iban_is_left_aligned(mots: dict[str, WordDocument]) -> None:
    vus = 0
    for nom, word in mots.items():
        for p in word.paragraphs:
            if "IBAN" in p.text and re.search(r"FR76\xa0\d{4}", p.text):
                vus += 1
                alignement = p.paragraph_format.alignment
                alignement = alignement if alignement is not None else p.style.paragraph_format.alignment
                assert alignement is not None and alignement.name == "LEFT", (nom, p.text, alignement)
    assert vus >= 3


def test_signature_lines_do_not_chain_their_rows_and_rows_never_split(mots: dict[str, WordDocument]) -> None:
    """In a table, « keep with next » on a row's paragraph keeps the row with the next one: a signature table of
    thirty blocks would move whole to the next page, and leave « Fait à … » alone."""
    for nom, word in mots.items():
        for table in word.tables:
            if table._tbl.find(f".//{W}tblHeader") is not None:
                continue
            for rangee in table.rows:
                assert rangee._tr.find(f"{W}trPr/{W}cantSplit") is not None, nom
                for cellule in rangee.cells:
                    for p in cellule.paragraphs:
                        propre = p.paragraph_format.keep_with_next
                        garde = propre if propre is not None else p.style.paragraph_format.keep_with_next
                        assert not garde, (nom, p.text)
