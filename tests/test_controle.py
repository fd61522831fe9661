"""``alize-docs controler``: generated documents edited by hand with python-docx, and what the check reports."""

from __future__ import annotations

import copy
import io
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from pypdf import PdfWriter

import alize_docs
from alize_docs.office import FichierRefuse, ouvrir
from alize_docs.render.provenance import read_clause_texts
from alize_docs.review.controle import RapportControle, check_document

from .conftest import FIXTURES, run_cli
from .test_pins import generated_hashes
from .test_securite import DOCX_CASSES

CONVENTION = "convention-partenariat-toulinois.docx"
ANNEXE_1 = "annexe-1-budget-toulinois.docx"
ANNEXE_3 = "annexe-3-operateur-local-toulinois.docx"
DOSSIER = "dossier-signature-toulinois.docx"
COOPERATION = "cooperation-toul-2011-003.docx"


@pytest.fixture(scope="module")
def generes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = tmp_path_factory.mktemp("generes")
    alize_docs.generate(FIXTURES / "toulinois.yaml", dossier)
    alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", dossier)
    return dossier


@pytest.fixture
def editer(generes: Path, tmp_path: Path) -> Callable[[str, Callable[[WordDocument], None]], Path]:
    """Open a generated document in python-docx, apply an edit, save it as a lawyer would."""
    def faire(nom: str, edition: Callable[[WordDocument], None]) -> Path:
        document = docx.Document(str(generes / nom))
        edition(document)
        chemin = tmp_path / nom
        document.save(str(chemin))
        return chemin

    return faire


def _paragraphes(document: WordDocument) -> list[docx.text.paragraph.Paragraph]:
    return [*document.paragraphs, *(p for t in document.tables for r in t.rows for c in r.cells
                                    for p in c.paragraphs)]


def remplacer(ancien: str, nouveau: str) -> Callable[[WordDocument], None]:
    """An edit: *ancien* becomes *nouveau* in the one run that holds it."""
    def edition(document: WordDocument) -> None:
        runs = [r for p in _paragraphes(document) for r in p.runs if ancien in r.text]
        assert len(runs) == 1, f"« {ancien} » : {len(runs)} runs"
        runs[0].text = runs[0].text.replace(ancien, nouveau)

    return edition


def cellule(document: WordDocument, tableau: str, ligne: str, colonne: str) -> docx.table._Cell:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == tableau)
    j = [c.text for c in table.rows[0].cells].index(colonne)
    return next(r.cells[j] for r in table.rows if r.cells[0].text == ligne)


def test_untouched_documents_of_each_kind_are_clean(generes: Path) -> None:
    for nom in (CONVENTION, ANNEXE_1, ANNEXE_3, "annexe-2-cahier-des-charges-toulinois.docx", DOSSIER, COOPERATION):
        rapport = check_document(generes / nom)
        assert rapport.propre, rapport.text()
        assert rapport.text() == f"{nom} : aucune erreur, aucune modification à la main."
    sortie = run_cli("controler", generes / CONVENTION, generes / DOSSIER, generes / COOPERATION)
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    assert sortie.stdout.count("aucune erreur, aucune modification à la main.") == 3


def test_the_documents_of_every_pinned_input_are_clean(tmp_path: Path) -> None:
    """The 2011 model, a renewal, a quarterly schedule, an agreement without an advance (whose advance terms do
    not apply, as the library check has it)."""
    generated_hashes(tmp_path)
    documents = sorted((tmp_path / "sortie").glob("*.docx"))
    assert len(documents) == 13
    for chemin in documents:
        rapport = check_document(chemin)
        assert rapport.propre, rapport.text()
    sans_avance = check_document(tmp_path / "sortie" / "cooperation-toul-2011-005.docx")
    assert any("sans avance remboursable" in note for note in sans_avance.notes)


def test_the_clause_texts_are_recorded_deterministically(generes: Path, tmp_path: Path) -> None:
    alize_docs.generate(FIXTURES / "toulinois.yaml", tmp_path)
    assert (tmp_path / DOSSIER).read_bytes() == (generes / DOSSIER).read_bytes()
    with ouvrir(generes / DOSSIER, genre="docx") as paquet:
        textes = read_clause_texts(paquet)  # every piece's clauses, with the text a reader sees
    assert textes is not None
    assert {t.document for t in textes} == {"convention-partenariat", "annexe-1-budget",
                                            "annexe-2-cahier-des-charges", "annexe-3-operateur-local"}
    titre = next(t for t in textes if t.ref == "partenariat/titre@2008")
    assert titre.lignes[0] == "CONVENTION DE PARTENARIAT"


def test_a_figure_changed_in_a_paragraph_is_reported_with_its_article(editer: Callable[..., Path]) -> None:
    chemin = editer(CONVENTION, remplacer("(120\u202f000\u00a0€)", "(130\u202f000\u00a0€)"))
    rapport = check_document(chemin)
    assert not rapport.ok
    [constat] = rapport.constats
    assert constat.code == "montant"
    assert constat.lieu.upper().startswith("ARTICLE 4")
    assert "« cent vingt mille euros (130 000 €) »" in constat.message
    assert "les lettres disent 120 000 €, les chiffres 130 000 €" in constat.message
    [modification] = rapport.modifications  # and it is an edit of the clause that wrote it
    assert modification.clause == "partenariat/article-4-moyens@2008"
    assert modification.supprime == ["120"] and modification.ajoute == ["130"]
    sortie = run_cli("controler", chemin)
    assert sortie.returncode == 1
    assert "[montant] Convention de partenariat — ARTICLE 4 : LES MOYENS" in sortie.stdout


def test_in_the_bundle_the_convention_contradicting_annex_1_is_reported(editer: Callable[..., Path]) -> None:
    chemin = editer(DOSSIER, remplacer("de la CDC s’élève à cent vingt mille euros (120\u202f000\u00a0€)",
                                       "de la CDC s’élève à cent trente mille euros (130\u202f000\u00a0€)"))
    rapport = check_document(chemin)
    [constat] = rapport.constats  # words and figures agree; the annex does not
    assert constat.code == "incoherence"
    assert constat.document == "Convention de partenariat" and constat.lieu.upper().startswith("ARTICLE 4")
    assert constat.message == ("Dotation de la CDC : la convention dit 130 000 €, le tableau « Apporteur » "
                               "(1. FONDS D'AVANCES REMBOURSABLES) (ligne « Caisse des dépôts et consignations ») "
                               "120 000 €.")


def _side_annee_1(document: WordDocument) -> None:
    case = cellule(document, "Apporteur", "SIDE", "Année 1")
    assert case.text == "40\u202f000\u00a0€"
    case.paragraphs[0].runs[0].text = "45\u202f000\u00a0€"


def test_a_section_break_added_in_the_bundle_leaves_each_document_its_checks(editer: Callable[..., Path]) -> None:
    def edition(document: WordDocument) -> None:
        paragraphe = next(p for p in document.paragraphs if p.text.startswith("Les moyens humains engagés"))
        paragraphe._p.get_or_add_pPr().append(copy.deepcopy(document.sections[-1]._sectPr))
        _side_annee_1(document)

    rapport = check_document(editer(DOSSIER, edition))
    assert len(rapport.constats) == 3, rapport.text()  # no mandatory term of a document sought in another
    assert {c.document for c in rapport.constats} == {"Annexe 1 — Budget prévisionnel"}


def test_a_table_cell_of_annex_1_changed_breaks_its_totals(editer: Callable[..., Path]) -> None:
    rapport = check_document(editer(ANNEXE_1, _side_annee_1))
    lieux = {c.lieu: c.message for c in rapport.constats if c.code == "total"}
    tableau = "tableau « Apporteur » (1. FONDS D'AVANCES REMBOURSABLES)"
    assert lieux[f"{tableau}, ligne « SIDE », colonne « Total »"] == (
        "100 000 € écrit, la somme de la ligne donne 105 000 €.")
    assert lieux[f"{tableau}, ligne « Sous-total entreprises partenaires », colonne « Année 1 »"] == (
        "60 000 € écrit, la somme des lignes donne 65 000 €.")
    assert lieux[f"{tableau}, ligne « Total du fonds d'avances remboursables », colonne « Année 1 »"] == (
        "300 000 € écrit, la somme des lignes donne 305 000 €.")
    assert len(lieux) == 3, rapport.text()


def test_astrees_and_the_day_rate_in_annex_1_against_the_convention(editer: Callable[..., Path]) -> None:
    def edition(document: WordDocument) -> None:
        for colonne in ("Année 1", "Année 2", "Année 3"):
            cellule(document, "Compte de fonctionnement", "Contribution à ASTREES", colonne).paragraphs[0].runs[
                0].text = "2\u202f500\u00a0€"
        cellule(document, "Compte de fonctionnement", "Contribution à ASTREES", "Total").paragraphs[0].runs[
            0].text = "7\u202f500\u00a0€"

    rapport = check_document(editer(DOSSIER, edition))
    messages = [c.message for c in rapport.constats if c.code == "incoherence"]
    assert ("Contribution à ASTREES : la convention (article 7) dit 3 000 € par année, le tableau 2 500 €."
            in messages)
    assert ("Contribution à ASTREES : la convention (article 7) dit 9 000 € pour la convention, le tableau 7 500 €."
            in messages)


def test_a_mandatory_sentence_deleted_is_reported_by_its_term(editer: Callable[..., Path]) -> None:
    rapport = check_document(editer(CONVENTION, remplacer("Il décide à la majorité des 2/3 des membres présents",
                                                          "Il décide")))
    [constat] = rapport.constats
    assert constat.code == "terme"
    assert constat.message == ("terme obligatoire absent (règle vote) : « Il décide à la majorité des 2/3 des membres "
                               "présents ».")
    assert constat.lieu == "5.2 Le comité d'agrément (partenariat/article-5-2-comite-agrement@2008)"


def test_a_count_in_figures_then_words_is_read_too(editer: Callable[..., Path]) -> None:
    rapport = check_document(editer(CONVENTION, remplacer("une durée de 3 (trois) ans", "une durée de 4 (trois) ans")))
    montant, terme = rapport.constats
    assert montant.code == "montant" and montant.lieu == "ARTICLE 8 : DURÉE DE LA CONVENTION"
    assert montant.message == "« 4 (trois) » : les lettres disent 3, les chiffres 4."
    assert terme.code == "terme" and "(règle duration)" in terme.message and "[-3-]{+4+}" in terme.message


def test_a_mandatory_term_altered_is_shown_word_by_word(editer: Callable[..., Path]) -> None:
    rapport = check_document(editer(COOPERATION, remplacer("sans garantie ou caution", "sans garantie sauf caution")))
    [constat] = rapport.constats
    assert constat.code == "terme" and constat.lieu.upper().startswith("ARTICLE 4")
    assert constat.message == "terme obligatoire altéré (règle advance) : « sans garantie [-ou-]{+sauf+} caution »."


def test_an_article_reworded_is_a_hand_edit_not_an_error(editer: Callable[..., Path]) -> None:
    chemin = editer(COOPERATION, remplacer("Le bénéficiaire est seul tenu de la rembourser",
                                           "Seul le bénéficiaire doit la rembourser"))
    rapport = check_document(chemin)
    assert rapport.ok and not rapport.propre
    [modification] = rapport.modifications
    assert modification.clause == "cooperation/article-4-avance@2008"
    assert modification.lieu.upper().startswith("ARTICLE 4")
    assert modification.supprime == ["Le", "est seul tenu de"]
    assert modification.ajoute == ["Seul le", "doit"]
    sortie = run_cli("controler", chemin)
    assert sortie.returncode == 0  # a lawyer's edit is not an error
    assert "aucune erreur, 1 clause modifiée à la main" in sortie.stdout
    assert "Modifié à la main (information, pas une erreur" in sortie.stdout
    assert "[-Le-]{+Seul le+} bénéficiaire [-est seul tenu de-]{+doit+} la rembourser" in sortie.stdout


def test_a_paragraph_added_or_deleted_is_a_hand_edit_of_its_clause(editer: Callable[..., Path]) -> None:
    def edition(document: WordDocument) -> None:
        paragraphe = next(p for p in document.paragraphs if p.text.startswith("Les moyens humains engagés"))
        paragraphe.insert_paragraph_before("Les partenaires se réunissent chaque trimestre.")

    [modification] = check_document(editer(CONVENTION, edition)).modifications
    assert modification.clause == "partenariat/article-4-moyens@2008"
    assert modification.ajoute == ["Les partenaires se réunissent chaque trimestre."]


def test_a_blank_inserted_is_reported(editer: Callable[..., Path]) -> None:
    rapport = check_document(editer(ANNEXE_3, remplacer("Fait à Nancy", "Fait à .....")))
    [constat] = rapport.constats
    assert constat.code == "blanc"
    assert constat.message.startswith("le texte contient des pointillés (un blanc à remplir) : « Fait à ....., le 26 ")
    assert len(rapport.modifications) == 1


def test_json_output_is_one_document(generes: Path, editer: Callable[..., Path]) -> None:
    modifie = editer(CONVENTION, remplacer("(120\u202f000\u00a0€)", "(130\u202f000\u00a0€)"))
    sortie = run_cli("controler", "--json", modifie, generes / COOPERATION)
    assert sortie.returncode == 1
    [premier, second] = json.loads(sortie.stdout)
    assert premier["ok"] is False and premier["modele"] == "2008"
    assert premier["erreurs"][0]["code"] == "montant"
    assert premier["modifications_manuelles"][0]["clause"] == "partenariat/article-4-moyens@2008"
    assert second == {**second, "fichier": COOPERATION, "ok": True, "erreurs": [], "modifications_manuelles": []}
    seul = json.loads(run_cli("controler", "--json", generes / COOPERATION).stdout)
    assert seul["documents"] == ["cooperation"]


def test_what_cannot_be_checked_is_a_french_sentence_and_its_exit_code(generes: Path, tmp_path: Path) -> None:
    saisie = FIXTURES / "toulinois.yaml"
    sortie = run_cli("controler", saisie)
    assert sortie.returncode == 2
    assert "controler attend un document Word (.docx) ou un PDF" in sortie.stderr
    faux = tmp_path / "faux.docx"
    faux.write_text("pas un document", encoding="utf-8")
    sortie = run_cli("controler", faux, generes / COOPERATION)
    assert sortie.returncode == 3 and "Traceback" not in sortie.stderr
    assert "faux.docx refusé : " in sortie.stderr
    assert "aucune erreur" in sortie.stdout  # the other file is still checked
    with pytest.raises(alize_docs.CommandError):
        check_document(b"texte")


def test_a_pdf_without_a_text_layer_is_refused_with_the_reason(tmp_path: Path) -> None:
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(595, 842)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    chemin = tmp_path / "scan.pdf"
    chemin.write_bytes(tampon.getvalue())
    with pytest.raises(FichierRefuse, match="ce PDF n'a pas de couche texte"):
        check_document(chemin)
    assert run_cli("controler", chemin).returncode == 3


def test_a_pdf_is_checked_through_its_text_layer(libreoffice: str, generes: Path, editer: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    from alize_docs.render.pdf import convert_to_pdf

    modifie = editer(COOPERATION, remplacer("c’est-à-dire six mille trois cents euros (6\u202f300\u00a0€)",
                                            "c’est-à-dire six mille trois cents euros (6\u202f800\u00a0€)"))
    annexe = editer(ANNEXE_1, _side_annee_1)
    (tmp_path / "propre").mkdir()
    propre = shutil.copy(generes / DOSSIER, tmp_path / "propre" / DOSSIER)
    pdfs = convert_to_pdf([modifie, annexe, Path(propre)])
    for nom, pdf in zip(("cooperation.pdf", "annexe-1.pdf", "dossier.pdf"), pdfs, strict=True):
        (tmp_path / nom).write_bytes(pdf)

    rapport: RapportControle = check_document(tmp_path / "cooperation.pdf")
    [constat] = rapport.constats
    assert constat.code == "montant" and constat.lieu.startswith("page ")
    assert "les lettres disent 6 300 €, les chiffres 6 800 €" in constat.message
    assert rapport.text().startswith("cooperation.pdf : 1 erreur (modifications à la main non recherchées")
    assert any(note.startswith("PDF : contrôlés sur sa couche texte") for note in rapport.notes)
    totaux = {c.lieu: c.message for c in check_document(tmp_path / "annexe-1.pdf").constats}
    tableau = "tableau « Apporteur » (1. FONDS D'AVANCES REMBOURSABLES)"  # the table read back from the text
    assert totaux[f"{tableau}, ligne « SIDE », colonne « Total »"] == (
        "100 000 € écrit, la somme de la ligne donne 105 000 €.")
    assert len(totaux) == 3
    dossier = check_document(tmp_path / "dossier.pdf")  # without provenance: its documents told by their titles
    assert dossier.ok, dossier.text()


def test_a_docx_saved_again_by_libreoffice_keeps_its_clause_texts(libreoffice: str, generes: Path,
                                                                  tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(generes / CONVENTION, source / CONVENTION)
    subprocess.run([libreoffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(source / CONVENTION)], check=True, capture_output=True, timeout=180)
    rapport = check_document(tmp_path / "lo" / CONVENTION)
    assert rapport.modifications_recherchees and rapport.propre, rapport.text()


@pytest.mark.parametrize("cas", DOCX_CASSES)
def test_a_hostile_or_broken_docx_is_refused_in_french(tmp_path: Path, cas: str) -> None:
    fabrique, raison = DOCX_CASSES[cas]
    chemin = tmp_path / "fichier.docx"
    chemin.write_bytes(fabrique())
    sortie = run_cli("controler", chemin)
    assert sortie.returncode == 3, sortie
    assert "fichier.docx refusé : " in sortie.stderr and raison in sortie.stderr, sortie.stderr
    assert "Traceback" not in sortie.stderr and "interne" not in sortie.stderr


def test_a_mutated_docx_is_checked_or_refused_never_a_crash(generes: Path) -> None:
    octets = (generes / ANNEXE_1).read_bytes()
    aleas = random.Random(16)
    for _ in range(40):
        mute = bytearray(octets)
        for _ in range(aleas.randint(1, 6)):
            mute[aleas.randrange(len(mute))] = aleas.randrange(256)
        try:
            check_document(bytes(mute[: aleas.randint(len(mute) // 2, len(mute))]), nom="x.docx")
        except alize_docs.AlizeError as exc:
            assert str(exc)  # a French refusal


def test_the_repayment_schedule_adds_up_to_the_advance(editer: Callable[..., Path]) -> None:
    def edition(document: WordDocument) -> None:
        cellule(document, "N°", "3", "Montant").paragraphs[0].runs[0].text = "676,67\u00a0€"

    rapport = check_document(editer(COOPERATION, edition))
    assert [c.message for c in rapport.constats] == [
        "17 999,99 € écrit ; 18 666,66 € moins l'échéance de 676,67 € donnent 17 989,99 €.",
        "Échéancier : les échéances font 20 010 €, l'article 4 accorde une avance de 20 000 €.",
    ]
    assert rapport.constats[0].lieu.startswith("tableau « N° » (ARTICLE 5")
    assert rapport.constats[0].lieu.endswith("ligne « 3 », colonne « Capital restant dû »")


def test_tracked_changes_are_read_as_accepted_and_noted(editer: Callable[..., Path]) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def edition(document: WordDocument) -> None:
        paragraphe = next(p for p in document.paragraphs if "Le bénéficiaire est seul tenu" in p.text)
        suppression = parse_xml(f'<w:del {nsdecls("w")} w:id="90" w:author="Avocat" w:date="2011-04-01T00:00:00Z">'
                                '<w:r><w:delText xml:space="preserve"> Texte retiré.</w:delText></w:r></w:del>')
        paragraphe._p.append(suppression)

    rapport = check_document(editer(COOPERATION, edition))
    assert rapport.propre, rapport.text()  # the deleted words are not read
    assert any(n.startswith("le document contient 1 modification suivie (révisions) non acceptée(s)")
               for n in rapport.notes)
