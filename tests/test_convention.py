"""The partnership convention as a reader sees it: read back from the .docx with python-docx."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

import alize_docs
from alize_docs.render.provenance import read_provenance

from .conftest import SEED, TERRITOIRE, docx_text, lisible, set_path

ARTICLES = [
    "ARTICLE 1\u00a0: OBJET DE LA CONVENTION",
    "ARTICLE 2\u00a0: LE TERRITOIRE",
    "ARTICLE 3\u00a0: OBJECTIFS DU DISPOSITIF ALIZÉ®\u00a0TOULINOIS",
    "ARTICLE 4\u00a0: LES MOYENS",
    "ARTICLE 5\u00a0: LE FONCTIONNEMENT",
    "ARTICLE 6\u00a0: CIBLE ET MODALITÉS D'INTERVENTION",
    "ARTICLE 7\u00a0: RÉSEAU ALIZÉ®",
    "ARTICLE 8\u00a0: DURÉE DE LA CONVENTION",
]


def convention_of(chemins: list[Path]) -> Path:
    [chemin] = [c for c in chemins if c.name.startswith("convention-partenariat-")]
    return chemin


@pytest.fixture(scope="module")
def convention_bytes() -> bytes:
    return alize_docs.render_convention(alize_docs.load_territoire(TERRITOIRE))


@pytest.fixture(scope="module")
def word(convention_bytes: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(convention_bytes))


def paragraphs(document: docx.document.Document, style: str | None = None) -> list[str]:
    return [lisible(p.text) for p in document.paragraphs if style is None or p.style.name == style]


def normalise(texte: str) -> str:
    texte = lisible(texte)
    texte = re.sub(r"<sup>(.*?)</sup>", r"\1", texte).replace("**", "").replace("*", "")
    texte = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", texte)
    return re.sub(r"[\s\u00a0\u202f]+", " ", texte).strip()


def test_articles_come_in_order_as_headings(word: docx.document.Document) -> None:
    assert paragraphs(word, "Heading 1") == ["PRÉAMBULE", *ARTICLES]
    assert paragraphs(word, "Heading 2") == [
        "5.1 Le comité local de pilotage et d'évaluation", "5.2 Le comité d'agrément", "5.3 L'opérateur local",
        "6.1 La cible", "6.2 Modalités d'intervention"]
    assert paragraphs(word, "Title") == ["CONVENTION DE PARTENARIAT"]
    assert "RELATIVE À L'ACTION LOCALE INTERENTREPRISES DANS LA ZONE D'EMPLOI DE TOUL" in paragraphs(word, "Subtitle")


def test_every_party_is_named(word: docx.document.Document) -> None:
    texte = "\n".join(paragraphs(word))
    for partie in ["L'entreprise SIDE, représentée par Monsieur Bernard Weiss, Directeur régional\u202f;",
                   "La Communauté de communes du Toulinois, représentée par Monsieur Gérard Thomas, Président\u202f;",
                   "Le Pays Terres de Lorraine, représenté par Madame Sylvie Marchal, Présidente\u202f;",
                   "La Chambre de commerce et d'industrie de Meurthe-et-Moselle, représentée par Monsieur "
                   "Philippe Henry",
                   "L'État, représenté par Monsieur Jean-Marc Lefort, Préfet de Meurthe-et-Moselle, désigné",
                   "agissant au titre du Fonds national d'aménagement et de développement du territoire\u202f;",
                   "La Caisse des dépôts et consignations, représentée par Madame Hélène Ravier, Directrice régionale "
                   "Lorraine,",
                   "(ASTREES), représentant le Comité national de pilotage du programme ALIZÉ®, représentée par "
                   "Monsieur Paul Garnier, Délégué général,",
                   "Parole d'entreprises, association régie par la loi du 1er juillet 1901, "
                   "SIRET 390\u00a0174\u00a0258\u00a010008, dont le siège est 1 place du Marché, 54200 Toul, "
                   "représentée par Monsieur Luc Bertin, Président."]:
        assert partie in texte
    assert "\u00a0: Monsieur" not in texte  # no « Nom : signataire » left from the model's list


def test_one_signature_block_per_signing_party(word: docx.document.Document) -> None:
    cellules = [lisible(c.text) for table in word.tables for row in table.rows for c in row.cells if c.text.strip()]
    blocs = {c.split("\n")[0]: c.split("\n")[1:3] for c in cellules}
    assert blocs == {
        "Pour l'entreprise SIDE": ["Monsieur Bernard Weiss", "Directeur régional"],
        "Pour l'entreprise Fonderie de la Moselle SAS": ["Madame Anne Schmitt", "Directrice de site"],
        "Pour l'entreprise Mécanique de l'Est SA": ["Monsieur Karim Benali", "Directeur général"],
        "Pour la Communauté de communes du Toulinois": ["Monsieur Gérard Thomas", "Président"],
        "Pour le Pays Terres de Lorraine": ["Madame Sylvie Marchal", "Présidente"],
        "Pour la Chambre de commerce et d'industrie de Meurthe-et-Moselle": ["Monsieur Philippe Henry", "Président"],
        "Pour l'État": ["Monsieur Jean-Marc Lefort", "Préfet de Meurthe-et-Moselle"],
        "Pour la Caisse des dépôts et consignations": ["Madame Hélène Ravier", "Directrice régionale Lorraine"],
        "Pour l'Association Travail Emploi Europe Société (ASTREES)": ["Monsieur Paul Garnier", "Délégué général"],
        "Pour Parole d'entreprises, opérateur local": ["Monsieur Luc Bertin", "Président"],
    }
    premiere = word.tables[0].cell(0, 0).paragraphs[0]
    assert all(run.bold for run in premiere.runs)


def test_place_and_date_of_signature(word: docx.document.Document) -> None:
    assert ("Fait à Nancy, le 26 novembre 2010, en dix (10) exemplaires originaux, un pour chaque partie "
            "signataire.") in paragraphs(word)


def test_first_of_the_month_has_a_superscript(word: docx.document.Document) -> None:
    paragraphe = next(p for p in word.paragraphs if "devenue DIACT au 1er janvier 2006" in lisible(p.text))
    exposants = [r.text for r in paragraphe.runs if r.font.superscript]
    assert exposants == ["er"]


def test_amounts_in_words_and_figures(word: docx.document.Document) -> None:
    texte = "\n".join(paragraphs(word))
    assert "cent vingt mille euros (120\u202f000\u00a0€)" in texte
    assert "sept cent cinquante mille euros (750\u202f000\u00a0€)" in texte
    assert ("3\u202f000 euros d'ALIZÉ®\u00a0Toulinois par année de convention (période de douze mois courant à "
            "compter de sa signature), soit 9\u202f000 euros") in texte
    assert "valorisés à hauteur de 700 euros par jour" in texte
    assert "fixé par les partenaires à trente (30) sur la durée" in texte


def test_header_and_footer(word: docx.document.Document) -> None:
    section = word.sections[0]
    assert section.header.paragraphs[0].text == "Convention de partenariat\t«\u00a0ALIZÉ®\u00a0Toulinois\u00a0»"
    champs = [f.get(qn("w:instr")).strip() for f in section.footer._element.iter(qn("w:fldSimple"))]
    assert champs == ["PAGE", "NUMPAGES"]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_no_blank_or_drafting_note_survives(convention_bytes: bytes) -> None:
    texte = docx_text(convention_bytes)
    for motif in [".....", "XXX", "[Ces objectifs", "(lister", "(En cas de renouvellement", "( ?)",
                  "Madame/Monsieur", "\ue000", "\ue001", "None"]:
        assert motif not in texte


CHANGEMENTS_VOULUS = (
    # the wording of the 2008 model changed on purpose (README, « Changes to the model's text »)
    (r"\bEtat\b", "État"),  # capitals keep their accents
    (r"\bA ce titre\b", "À ce titre"),
    (r"\bPREAMBULE\b", "PRÉAMBULE"),
    (r"\bMODALITES\b", "MODALITÉS"),
    (r"\bRESEAU\b", "RÉSEAU"),
    (r"\bDUREE\b", "DURÉE"),
    (r"\bETANT EXPOSE\b", "ÉTANT EXPOSÉ"),
    (r"\bALIZE permet", "ALIZÉ® permet"),  # the program's name keeps its accent and its mark
    # the spelling of Annexe 2 (issue 17): one expansion of the acronym, « fonds », « comptes rendus »
    (r"\(Actions Locales Inter-entreprises en Zones d'Emploi\)", "(Action Locale Interentreprises en Zones d'Emploi)"),
    (r"\bun fond d'avances", "un fonds d'avances"),
    (r"\bcomptes-rendus\b", "comptes rendus"),
    (r"(?<=\S);", " ;"),  # French typography: a (no-break) space before « ; »
    # the participle agrees with the Caisse, the function with the person (the example's director is a woman)
    (r"représenté par son directeur régional,", "représentée par Madame Hélène Ravier, Directrice régionale Lorraine,"),
    # parties identified as a lawyer writes them (README, « Changes to the model's text »)
    # the national partner under its name on the signature date (DATAR again from 14 December 2009)
    (r"devenue DIACT au 1er janvier 2006\)", "devenue DIACT au 1er janvier 2006, puis redevenue DATAR le 14 décembre "
                                             "2009)"),
    (r"^La DIACT, partenaire d'origine", "La DATAR, partenaire d'origine"),
    (r"ceux de la DIACT et", "ceux de la DATAR et"),
    (r"coopération et développement", "coopération et de développement"),  # the title's wording (seed 001)
    (r"^Vu la lettre d'autorisation de l'opérateur local par la Direction du budget$", "autorisant l'opérateur local"),
    (r"Collectivités territoriales partenaires", "collectivités territoriales et de leurs groupements partenaires"),
    (r"Comité national de pilotage du programme ALIZÉ®,$", "Comité national de pilotage du programme ALIZÉ®, "
                                                           "représentée par"),
    (r"Fonds Social Européen", "Fonds social européen"),
    (r"33 Millions", "33 millions"),
    (r"le nombre de création d'emplois générés", "le nombre de créations d'emplois générées"),
    (r"^Contexte économique de la région et plus particulièrement.*", "Contexte économique de la région et du "
                                                                      "territoire"),
    (r"à minima", "a minima"),
    (r"sont versés par l'opérateur local sur deux comptes", "sont versés à l'opérateur local, qui les affecte à deux "
                                                            "comptes"),
    (r"voir Annexe 1 et 3", "voir Annexes 1 et 3"),
    (r"\(cahier des charges - Annexe 2\)", "(cahier des charges – Annexe 2)"),
    (r"Peuvent recevoir des aides, les", "Peuvent recevoir des aides les"),
    (r"compétences\.\.\.\)\s?;", "compétences…) ;"),
    (r"réunion nationale\);", "réunion nationale) ;"),
    (r"organisés par ASTREES", "organisées par ASTREES"),
    (r"comptes-rendus", "comptes rendus"),
    (r"et la CDC – partenaires nationaux du programme - dans", "et de la CDC, partenaires nationaux du programme, "
                                                               "dans"),
)


def voulu(phrase: str) -> str:
    """The model's sentence with the changes made to its wording on purpose."""
    for motif, remplacement in CHANGEMENTS_VOULUS:
        phrase = re.sub(motif, remplacement, phrase)
    return phrase


def seed_sentences() -> list[str]:
    """Every sentence of the 2008 model that has no blank, from the visas to the list of annexes."""
    texte = SEED.read_text(encoding="utf-8")
    corps = texte[texte.index("Vu la décision"):texte.index("Fait à")]
    corps = re.sub(r" {2}\n", " ", corps)  # the seed's hard line breaks inside a sentence
    corps = re.sub(r"\[[^\]]*\]", "", corps)  # drafting notes: instructions to the drafter, not agreement text
    phrases = []
    for ligne in corps.splitlines():
        ligne = normalise(ligne.lstrip("#-").strip())
        for phrase in re.split(r"(?<=[.;:])\s+(?=[A-ZÉÀ(])", ligne):
            blanc = re.search(r"\.{5}|XXX|\bX\b|\bY\b|\[|\]|\(lister|\(En cas|\(Bassins|Madame/Monsieur|\" ", phrase)
            if phrase and phrase not in ("---",) and not blanc:
                phrases.append(voulu(phrase))
    return phrases


def test_every_blank_free_sentence_of_the_2008_model_is_kept(convention_bytes: bytes) -> None:
    document = normalise(docx_text(convention_bytes).replace("\n", " "))
    phrases = seed_sentences()
    assert len(phrases) > 120
    manquantes = [p for p in phrases if p not in document]
    assert manquantes == []


def test_renewal_variant(territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    set_path(territoire_data, "dispositif.nature", "renouvellement")
    set_path(territoire_data, "dispositif.premiers_resultats",
             "Depuis 2010, 22 PME ont été accompagnées.\n\nElles ont créé 95 emplois.")
    chemin = convention_of(alize_docs.generate(write_yaml(territoire_data), tmp_path / "out"))
    texte = paragraphs(docx.Document(str(chemin)))
    objet = "La présente convention a pour objet la reconduction du dispositif ALIZÉ® sur le territoire de Toul."
    assert objet in texte
    debut = texte.index("Premiers résultats de l'action au niveau local.")
    assert texte[debut + 1:debut + 3] == ["Depuis 2010, 22 PME ont été accompagnées.", "Elles ont créé 95 emplois."]


def test_first_convention_has_no_renewal_wording(word: docx.document.Document) -> None:
    texte = "\n".join(paragraphs(word))
    assert "la mise en place du dispositif ALIZÉ® sur le territoire de Toul" in texte
    assert "reconduction" not in texte and "Premiers résultats" not in texte


def test_user_text_is_written_literally_never_as_template_or_markup(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    brut = "Croissance {{ 7*7 }} & <b>gras</b> **pas gras** # pas un titre {% if x %}"
    set_path(territoire_data, "dispositif.contexte", brut)
    set_path(territoire_data, "partenaires[0].nom", "SIDE & Fils <SA>")
    chemin = convention_of(alize_docs.generate(write_yaml(territoire_data), tmp_path / "out"))
    document = docx.Document(str(chemin))
    paragraphe = next(p for p in document.paragraphs if p.text.startswith("Croissance"))
    assert paragraphe.text == brut
    assert not any(r.bold for r in paragraphe.runs)
    assert "Pour l'entreprise SIDE & Fils <SA>" in [lisible(c.text.split("\n")[0]) for c in document.tables[0]._cells]


def test_same_input_gives_byte_identical_files(tmp_path: Path) -> None:
    premiers = alize_docs.generate(TERRITOIRE, tmp_path / "a")
    seconds = alize_docs.generate(TERRITOIRE, tmp_path / "b")
    assert [p.name for p in premiers] == [p.name for p in seconds] and len(premiers) == 5
    for a, b in zip(premiers, seconds, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_document_records_its_provenance(convention_bytes: bytes, word: docx.document.Document) -> None:
    origine = read_provenance(convention_bytes)
    assert origine is not None and origine.modele == "2008" and origine.document == "convention-partenariat"
    clauses = [c.ref for c in origine.clauses]
    assert clauses[0] == "partenariat/titre@2008" and "partenariat/article-5-2-comite-agrement@2008" in clauses
    assert "partenariat/preambule-premiers-resultats@2008" not in clauses  # not used on a first convention
    assert word.core_properties.title == "Convention de partenariat ALIZÉ®\u00a0Toulinois"
    assert word.core_properties.author == "Parole d'entreprises"


def test_invalid_input_writes_nothing(territoire_data: dict[str, Any], write_yaml: Callable[..., Path],
                                      tmp_path: Path) -> None:
    set_path(territoire_data, "cdc.apports.avances", ["90000", "90000", "90000"])
    with pytest.raises(alize_docs.InvalidInput):
        alize_docs.generate(write_yaml(territoire_data), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_atomic_write_leaves_nothing_behind_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cible = tmp_path / "convention.docx"
    cible.write_bytes(b"ancienne version")

    def panne(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("alize_docs.output.os.replace", panne)
    with pytest.raises(OSError):
        alize_docs.write_atomic(cible, b"nouvelle version")
    assert cible.read_bytes() == b"ancienne version"
    assert [p.name for p in tmp_path.iterdir()] == ["convention.docx"]


def test_libreoffice_opens_the_convention_and_counts_its_pages(libreoffice: str, tmp_path: Path) -> None:
    chemin = convention_of(alize_docs.generate(TERRITOIRE, tmp_path))
    profil = tmp_path / "profil"
    subprocess.run([libreoffice, f"-env:UserInstallation=file://{profil}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(chemin)], check=True, capture_output=True, timeout=180,
                   start_new_session=True)
    lecteur = PdfReader(str(chemin.with_suffix(".pdf")))
    pages = [page.extract_text() for page in lecteur.pages]
    assert len(pages) >= 8
    assert f"Page 1 sur {len(pages)}" in normalise(pages[0])
    assert f"Page {len(pages)} sur {len(pages)}" in normalise(pages[-1])
    assert "« ALIZÉ® Toulinois »" in normalise(pages[3])
    assert "ARTICLE 8 : DURÉE DE LA CONVENTION" in normalise(" ".join(pages))
