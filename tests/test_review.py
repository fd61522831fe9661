"""Legal reviewers: the 2011 model, the library check, comparisons with tracked changes, provenance."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml
from lxml import etree

import alize_docs
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.inputs.yaml import read_yaml
from alize_docs.render.provenance import read_provenance
from alize_docs.review.compare import clause_paragraphs, compare, terminal_text
from alize_docs.review.library_check import check_library
from alize_docs.review.redline import render_redline

from .conftest import FIXTURES, TERRITOIRE, docx_text, lisible, run_cli, set_path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)


def paragraphs(donnees: bytes) -> list[str]:
    return [lisible(p.text) for p in docx.Document(io.BytesIO(donnees)).paragraphs]


# --- the 2011 model --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def conventions() -> dict[str, bytes]:
    territoire = alize_docs.load_territoire(TERRITOIRE)
    # the same signature date for both models: the 2011 one, outside its period, is asked for on purpose
    return {m: alize_docs.render_convention(territoire.model_copy(update={"modele": m, "modele_impose": m == "2011"}))
            for m in ("2008", "2011")}


def test_the_2011_model_changes_exactly_what_changed(conventions: dict[str, bytes]) -> None:
    ancien, nouveau = ("\n".join(paragraphs(conventions[m])) for m in ("2008", "2011"))
    assert "Il décide à la majorité des 2/3 des membres présents" in ancien
    assert "Il décide à la majorité des représentants d'entreprise présents" in nouveau
    assert "2/3" not in nouveau
    assert "Au 31 décembre 2010, ALIZÉ® a permis" in nouveau and "d'accompagner 1\u202f300 projets" in nouveau
    assert "La DATAR, partenaire d'origine" in nouveau and "ceux de la DATAR et de la CDC" in nouveau
    communs = [p for p in paragraphs(conventions["2008"]) if p.startswith("Les moyens humains engagés")]
    assert communs and communs[0] in paragraphs(conventions["2011"])


def test_provenance_names_the_versions_each_model_uses(conventions: dict[str, bytes]) -> None:
    versions = {m: {c.ref for c in origine.clauses} for m, d in conventions.items()
                if (origine := read_provenance(d)) is not None}
    assert "partenariat/article-5-2-comite-agrement@2008" in versions["2008"]
    assert "partenariat/article-5-2-comite-agrement@2011" in versions["2011"]
    assert "partenariat/article-6-2-modalites@2008" in versions["2011"]  # unchanged: the 2008 version serves


def test_a_clause_hash_is_the_hash_of_its_file(conventions: dict[str, bytes]) -> None:
    origine = read_provenance(conventions["2011"])
    assert origine is not None
    clause = next(c for c in origine.clauses if c.id == "partenariat/article-7-reseau")
    fichier = bundled_path("clauses") / "partenariat" / "article-7-reseau" / "2011.txt"
    assert clause.version == "2011" and clause.sha256 == hashlib.sha256(fichier.read_bytes()).hexdigest()


def territory_2011(tmp_path: Path) -> Path:
    texte = TERRITOIRE.read_text(encoding="utf-8").replace('modele: "2008"', 'modele: "2011"')
    (tmp_path / "toulinois.yaml").write_text(texte, encoding="utf-8")
    return tmp_path / "toulinois.yaml"


def test_the_cooperation_vote_follows_its_territorys_model(tmp_path: Path) -> None:
    territoire = territory_2011(tmp_path)
    donnees = copy.deepcopy(read_yaml(FIXTURES / "cooperation-menuiseries-du-toulois.yaml").data)
    set_path(donnees, "modele", "2011")
    set_path(donnees, "comite.voix_pour", "5")  # 5 of 9: not 2/3, but all 5 company representatives
    cooperation = tmp_path / "cooperation.yaml"
    cooperation.write_text(yaml.safe_dump(donnees, allow_unicode=True), encoding="utf-8")
    assert alize_docs.check_file(cooperation).ok
    [chemin] = alize_docs.generate(cooperation, tmp_path / "out")
    assert "prise à la majorité des représentants d'entreprise présents (5 voix pour, 9 membres présents" in \
        "\n".join(paragraphs(chemin.read_bytes()))
    territoire.write_text(territoire.read_text(encoding="utf-8").replace('"2011"', '"2008"'), encoding="utf-8")
    set_path(donnees, "modele", "2008")
    cooperation.write_text(yaml.safe_dump(donnees, allow_unicode=True), encoding="utf-8")
    assert [p.code for p in alize_docs.check_file(cooperation).problemes] == ["vote"]


# --- the library as reviewers see it ---------------------------------------------------------------

def test_clauses_lists_ids_versions_and_models() -> None:
    sortie = run_cli("clauses").stdout
    bloc = sortie[sortie.index("partenariat/article-5-2-comite-agrement"):]
    assert bloc.splitlines()[:3] == ["partenariat/article-5-2-comite-agrement  —  Article 5.2 — Le comité d'agrément",
                                     "    @2008  (2008)", "    @2011  (2011)"]
    assert "partenariat/article-6-2-modalites  —  Article 6.2 — Modalités d'intervention\n    @2008  (2008, 2011)" \
        in sortie


@pytest.mark.slow
def test_the_bundled_library_passes_its_check() -> None:
    assert check_library(ClauseLibrary()) == []
    resultat = run_cli("verifier-clauses")
    assert resultat.returncode == 0 and "aucun problème" in resultat.stdout


def override(tmp_path: Path, ident: str, version: str, changer: Callable[[str], str]) -> Path:
    source = bundled_path("clauses") / ident / f"{version}.txt"
    cible = tmp_path / "clauses" / ident / f"{version}.txt"
    cible.parent.mkdir(parents=True, exist_ok=True)
    cible.write_text(changer(source.read_text(encoding="utf-8")), encoding="utf-8")
    return cible


@pytest.mark.slow
def test_the_check_catches_a_deleted_mandatory_term(tmp_path: Path) -> None:
    override(tmp_path, "partenariat/article-6-2-modalites", "2008", lambda t: t.replace("- à un taux de 0 %,\n", ""))
    problemes = [p.text() for p in check_library(ClauseLibrary([tmp_path / "clauses"]))]
    assert problemes == ["modeles@2008 : terme obligatoire absent du document convention-partenariat : "
                         "« à un taux de 0 % » (règle advance)",
                         "modeles@2011 : terme obligatoire absent du document convention-partenariat : "
                         "« à un taux de 0 % » (règle advance)"]
    resultat = run_cli("verifier-clauses", "--clauses", str(tmp_path / "clauses"))
    assert resultat.returncode == 1 and "« à un taux de 0 % »" in resultat.stdout


@pytest.mark.slow
def test_the_check_catches_a_misspelt_variable_even_in_a_branch_not_taken(tmp_path: Path) -> None:
    cible = override(tmp_path, "partenariat/article-2-territoire", "2008",
                     lambda t: t.replace("{% if dispositif.carte_annexee %}",
                                         "{% if dispositif.carte_annexee %}\nVoir {{ dispositif.cartes }}."))
    ligne = cible.read_text(encoding="utf-8").splitlines().index("Voir {{ dispositif.cartes }}.") + 1
    [probleme, *_] = check_library(ClauseLibrary([tmp_path / "clauses"]))
    assert (probleme.clause, probleme.version, probleme.ligne) == ("partenariat/article-2-territoire", "2008", ligne)
    assert "« dispositif.cartes » n'existe pas" in probleme.message


@pytest.mark.slow
def test_the_check_catches_syntax_errors_unknown_names_and_missing_metadata(tmp_path: Path) -> None:
    override(tmp_path, "partenariat/article-1-objet", "2008",
             lambda t: t.replace("{{ zone_emploi.de }}", "{{ zone_emploi.de "))
    override(tmp_path, "partenariat/expose", "2008", lambda t: t.replace("CECI", "{{ preambule }} CECI"))
    override(tmp_path, "partenariat/fait-a", "2008", lambda t: re.sub(r"source: .*\n", "", t))
    textes = [p.text() for p in check_library(ClauseLibrary([tmp_path / "clauses"]))]
    assert any(t.startswith("partenariat/article-1-objet@2008") and "syntaxe" in t for t in textes)
    assert any(t.startswith("partenariat/expose@2008") and "variable inconnue « preambule »" in t for t in textes)
    assert any(t.startswith("partenariat/fait-a@2008") and "métadonnée « source »" in t for t in textes)


# --- comparisons --------------------------------------------------------------------------------------

def test_terminal_diff_is_word_level_plain_when_not_a_terminal() -> None:
    resultat = run_cli("comparer", "partenariat/article-5-2-comite-agrement@2008", "@2011")
    assert "à la majorité des [-2/3 des membres-]{+représentants d'entreprise+} présents" in resultat.stdout
    assert "\x1b[" not in resultat.stdout
    assert "partenariat/article-5-2-comite-agrement : 2008 → 2011 : 4 mot(s) supprimé(s), 3 ajouté(s)" \
        in resultat.stdout


def test_terminal_diff_is_coloured_on_a_terminal() -> None:
    comparaison = compare("partenariat/article-5-2-comite-agrement@2008", "@2011", ClauseLibrary())
    assert "\x1b[31;9m2/3 des membres\x1b[0m" in terminal_text(comparaison, couleur=True)


def resolve(donnees: bytes, accepter: bool) -> list[str]:
    """Accept or reject every tracked change of a .docx, as Word would, and return its paragraphs."""
    racine = etree.fromstring(zipfile.ZipFile(io.BytesIO(donnees)).read("word/document.xml"))
    textes = []
    for p in racine.iter(f"{W}p"):
        marque = p.find(f"{W}pPr/{W}rPr")
        if marque is not None and marque.find(f"{W}del" if accepter else f"{W}ins") is not None:
            continue
        texte = ""
        for element in p.iter(f"{W}t", f"{W}delText"):
            insere = any(a.tag == f"{W}ins" for a in element.iterancestors())
            if (element.tag == f"{W}t" and (accepter or not insere)) or (element.tag == f"{W}delText" and not accepter):
                texte += element.text or ""
        textes.append(texte)
    return textes


@pytest.mark.parametrize(("a", "b"), [("partenariat/article-5-2-comite-agrement@2008", "@2011"),
                                      ("partenariat/preambule-resultats-nationaux@2008", "@2011")])
def test_redline_accept_all_gives_b_reject_all_gives_a(a: str, b: str) -> None:
    library = ClauseLibrary()
    comparaison = compare(a, b, library)
    donnees = render_redline(comparaison, bundled_path("templates") / "convention.docx", "Service juridique", DATE)
    ident, version_a = a.split("@")
    attendu_a = clause_paragraphs(library.clause(ident, version_a))
    attendu_b = clause_paragraphs(library.clause(ident, b.lstrip("@")))
    debut = paragraphs(donnees).index(f"{ident} (2008 → 2011)") + 1
    assert resolve(donnees, accepter=True)[debut:] == attendu_b
    assert resolve(donnees, accepter=False)[debut:] == attendu_a


def test_libreoffice_sees_the_model_changes_as_tracked_changes(libreoffice: str, tmp_path: Path) -> None:
    resultat = run_cli("comparer", "2008", "2011", "-o", str(tmp_path / "redline.docx"),
                               "--date", "2026-11-22", "--auteur", "Service juridique")
    assert resultat.returncode == 0, resultat.stderr
    subprocess.run([libreoffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(tmp_path / "redline.docx")],
                   check=True, capture_output=True, timeout=180, start_new_session=True)
    contenu = etree.fromstring(zipfile.ZipFile(tmp_path / "redline.odt").read("content.xml"))
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0", "dc": "http://purl.org/dc/elements/1.1/",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
    regions = contenu.findall(".//text:tracked-changes/text:changed-region", ns)
    insertions = [r for r in regions if r.find("text:insertion", ns) is not None]
    suppressions = [r for r in regions if r.find("text:deletion", ns) is not None]
    assert insertions and suppressions
    assert {c.text for c in contenu.iterfind(".//text:changed-region//dc:creator", ns)} == {"Service juridique"}
    supprime = [" ".join(r.find("text:deletion", ns).itertext()) for r in suppressions]
    assert any("2/3 des membres" in t for t in supprime)
    assert any("DIACT" in t for t in supprime)
    corps = " ".join(contenu.find(".//office:text", ns).itertext())
    assert "représentants d'entreprise" in corps and "DATAR" in corps


def test_two_generated_documents_compare(conventions: dict[str, bytes], tmp_path: Path) -> None:
    for modele, donnees in conventions.items():
        (tmp_path / f"convention-{modele}.docx").write_bytes(donnees)
    resultat = run_cli("comparer", str(tmp_path / "convention-2008.docx"),
                               str(tmp_path / "convention-2011.docx"), "-o", str(tmp_path / "r.docx"),
                               "--date", "2026-11-22")
    assert resultat.returncode == 0, resultat.stderr
    assert "[-2/3 des membres-]{+représentants d’entreprise+}" in resultat.stdout
    lignes_b = [ligne for ligne in docx_text(conventions["2011"]).split("\n") if ligne.strip()]
    accepte = resolve((tmp_path / "r.docx").read_bytes(), accepter=True)
    debut = accepte.index("document (convention-2008.docx → convention-2011.docx)") + 1
    assert [lisible(ligne) for ligne in accepte[debut:]] == lignes_b


def test_comparing_unknown_things_is_a_usage_error() -> None:
    resultat = run_cli("comparer", "2008", "1999")
    assert resultat.returncode == 2 and "je ne sais pas comparer" in resultat.stderr


# --- provenance -------------------------------------------------------------------------------------

def test_inspecter_shows_what_a_document_was_built_from(tmp_path: Path) -> None:
    alize_docs.generate(TERRITOIRE, tmp_path)
    shutil.copy(TERRITOIRE, tmp_path / "autre.yaml")
    resultat = run_cli("inspecter", str(tmp_path / "annexe-1-budget-toulinois.docx"))
    lignes = resultat.stdout.splitlines()
    assert lignes[:2] == ["document : annexe-1-budget", "modele : 2008"]
    assert re.fullmatch(r"clause-01 : annexe1/budget@2008 sha256:[0-9a-f]{64}", lignes[4])
    trouves = run_cli("inspecter", str(tmp_path), "--clause", "partenariat/signatures@2008").stdout.split()
    assert [Path(t).name for t in trouves] == ["annexe-3-operateur-local-toulinois.docx",
                                               "convention-partenariat-toulinois.docx",
                                               "dossier-signature-toulinois.docx"]


def test_every_pdf_records_the_same_provenance_as_its_docx(libreoffice: str, tmp_path: Path) -> None:
    chemins = alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path, pdf=True)
    docx_, pdf = (alize_docs.inspect_file(c) for c in chemins)
    assert docx_ == pdf and pdf is not None and pdf.document == "cooperation"
    assert pdf.clauses[0].ref == "cooperation/titre@2008" and len(pdf.clauses[0].sha256) == 64


def test_inspecting_a_foreign_file_says_so(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Un document quelconque.")
    document.save(str(tmp_path / "autre.docx"))
    resultat = run_cli("inspecter", str(tmp_path / "autre.docx"))
    assert resultat.returncode == 1 and "aucune trace d'alize-docs" in resultat.stdout


