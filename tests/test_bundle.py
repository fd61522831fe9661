"""The signing bundle in Word and the PDFs made by a real LibreOffice."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

import alize_docs
import alize_docs.batch
from alize_docs.errors import RenderError
from alize_docs.render.pdf import convert_to_pdf

from .conftest import FIXTURES, TERRITOIRE, lisible
from .test_convention import normalise

TITRES = ["Convention de partenariat", "Annexe 1 — Budget prévisionnel", "Annexe 2 — Cahier des charges",
          "Annexe 3 — Convention d'opérateur local"]
DEBUTS = ["CONVENTION DE PARTENARIAT", "ANNEXE 1", "ANNEXE 2", "ANNEXE 3"]


@pytest.fixture(scope="module")
def bundle() -> docx.document.Document:
    fichiers = alize_docs.render_documents(alize_docs.Dossier(TERRITOIRE, alize_docs.load_territoire(TERRITOIRE)))
    return docx.Document(io.BytesIO(fichiers["dossier-signature-toulinois.docx"]))


def test_bundle_holds_the_four_documents_in_order_each_in_its_own_section(bundle: docx.document.Document) -> None:
    titres = [p.text for p in bundle.paragraphs if p.style.name == "Title"]
    assert titres == ["DOSSIER DE SIGNATURE", *DEBUTS]
    assert len(bundle.sections) == 5  # the cover, then a section per document
    for k, (section, titre) in enumerate(zip(bundle.sections[1:], TITRES, strict=True), start=1):
        assert lisible(section.header.paragraphs[0].text) == f"{titre}\t«\u00a0ALIZÉ®\u00a0Toulinois\u00a0»"
        assert section._sectPr.find(qn("w:pgNumType")) is None  # numbered through the bundle
        champs = [i.text.strip() for i in section.footer._element.iter(qn("w:instrText"))]
        assert champs == ["PAGE", "NUMPAGES", f"PAGEREF _AlizePiece{k} \\h", f"PAGEREF _AlizePiece{k}Fin \\h"]


def test_bundle_records_every_document_it_holds(bundle: docx.document.Document) -> None:
    assert bundle.core_properties.title.startswith("Dossier de signature")
    tables = [t for t in bundle.tables if t.rows[0].cells[0].text == "Apporteur"]
    assert len(tables) == 1  # the budget of Annexe 1 is there, once


@pytest.fixture(scope="module")
def pdfs(libreoffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = tmp_path_factory.mktemp("pdf")
    alize_docs.generate(TERRITOIRE, dossier, pdf=True)
    alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", dossier, pdf=True)
    return dossier


def pdf_text(chemin: Path) -> list[str]:
    return [normalise(page.extract_text()) for page in PdfReader(str(chemin)).pages]


@pytest.mark.parametrize(("nom", "attendu"), [
    ("convention-partenariat-toulinois", "ARTICLE 8 : DURÉE DE LA CONVENTION"),
    ("annexe-1-budget-toulinois", "Total du fonds d'avances remboursables"),
    ("annexe-2-cahier-des-charges-toulinois", "Le comité d'agrément, structure opérationnelle du programme"),
    ("annexe-3-operateur-local-toulinois", "ne verse les fonds qu'après signature de la convention de coopération"),
    ("cooperation-toul-2011-003", "Paraphes :"),
])
def test_each_pdf_reads_back(pdfs: Path, nom: str, attendu: str) -> None:
    pages = pdf_text(pdfs / f"{nom}.pdf")
    assert attendu in " ".join(pages)
    assert f"Page 1 sur {len(pages)}" in pages[0]


def test_bundle_pdf_has_a_bookmark_per_document_on_its_first_page(pdfs: Path) -> None:
    lecteur = PdfReader(str(pdfs / "dossier-signature-toulinois.pdf"))
    signets = [(s.title, lecteur.get_destination_page_number(s)) for s in lecteur.outline]
    assert [titre for titre, _ in signets] == TITRES
    pages = [normalise(p.extract_text()) for p in lecteur.pages]
    for (_, page), debut in zip(signets, DEBUTS, strict=True):
        assert debut in pages[page] and re.search(r"Page 1 sur \d+", pages[page])
    parties = sum(len(PdfReader(str(pdfs / f"{n}-toulinois.pdf")).pages) for n in
                  ("convention-partenariat", "annexe-1-budget", "annexe-2-cahier-des-charges",
                   "annexe-3-operateur-local"))
    assert len(pages) == 1 + parties  # the cover, then every page of each document
    infos = lecteur.metadata
    assert infos.title.startswith("Dossier de signature") and infos.author == "Parole d'entreprises"
    assert "Toulinois" in infos.subject and infos["/Alize_modele"] == "2008"


def test_pdf_metadata_and_provenance(pdfs: Path) -> None:
    infos = PdfReader(str(pdfs / "convention-partenariat-toulinois.pdf")).metadata
    assert infos.title == "Convention de partenariat ALIZÉ®\u00a0Toulinois"
    assert infos.author == "Parole d'entreprises"
    assert "/CreationDate" not in infos


def test_pdfs_are_byte_identical_from_run_to_run(pdfs: Path, tmp_path: Path) -> None:
    alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path, pdf=True)
    nom = "cooperation-toul-2011-003.pdf"
    assert (tmp_path / nom).read_bytes() == (pdfs / nom).read_bytes()


@pytest.mark.slow
def test_missing_libreoffice_is_a_french_error_and_nothing_is_written(tmp_path: Path) -> None:
    bin_vide = tmp_path / "bin"
    bin_vide.mkdir()
    environnement = {**os.environ, "PATH": str(bin_vide)}
    resultat = subprocess.run([sys.executable, "-m", "alize_docs", "generer", str(TERRITOIRE), "-o",
                               str(tmp_path / "out"), "--pdf"], capture_output=True, text=True, env=environnement,
                              timeout=120)
    assert resultat.returncode == 3
    assert "LibreOffice est introuvable" in resultat.stderr and "Traceback" not in resultat.stderr
    assert not (tmp_path / "out").exists()


def test_a_libreoffice_timeout_kills_the_whole_process_group(libreoffice: str, tmp_path: Path, temporaire: Path
                                                            ) -> None:
    [chemin] = alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path)
    with pytest.raises(RenderError, match="n'a pas terminé la conversion"):
        convert_to_pdf([chemin], delai=0.3)  # type: ignore[arg-type]
    time.sleep(0.5)
    assert _restants(temporaire) == []


@pytest.fixture
def serveur(libreoffice: str) -> Any:
    from alize_docs.render.pdf import LibreOfficeServer, uno_python

    if uno_python() is None:
        if os.environ.get("CI"):
            pytest.fail("python3-uno est requis en CI (.ci/run l'installe)")
        pytest.skip("aucun Python ne pilote LibreOffice (apt-get install python3-uno)")
    with LibreOfficeServer() as s:
        yield s


def _signal_own_libreoffice(serveur: Any, signal_: int) -> None:
    """Send *signal_* to this test's server's LibreOffice only (its process group, where the helper started
    it), never to another LibreOffice of the machine."""
    groupe = os.getpgid(serveur._processus.pid)
    pids = subprocess.run(["pgrep", "-g", str(groupe), "soffice.bin"], capture_output=True, text=True).stdout.split()
    assert pids, "le LibreOffice du serveur est introuvable"
    for pid in pids:
        os.kill(int(pid), signal_)


@pytest.fixture(autouse=True)
def temporaire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of this test's own, where its LibreOffice profiles go (and its workers', who inherit
    TMPDIR): a test looks only at the LibreOffice it started, never at another one of the machine."""
    dossier = tmp_path / "tmp"
    dossier.mkdir()
    monkeypatch.setenv("TMPDIR", str(dossier))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return dossier


def _restants(racine: Path) -> list[str]:
    """The processes still running with a profile under *racine* (this test's LibreOffice, if it outlived)."""
    return subprocess.run(["pgrep", "-f", str(racine)], capture_output=True, text=True).stdout.split()


def test_a_long_lived_libreoffice_converts_and_comes_back_after_dying_or_hanging(serveur: Any, tmp_path: Path,
                                                                                 temporaire: Path) -> None:
    chemins = alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path)
    [premier] = serveur.convert(chemins)
    assert "Paraphes :" in normalise(PdfReader(io.BytesIO(premier)).pages[0].extract_text())
    assert serveur.convert(chemins * 3) == [premier] * 3 and serveur.demarrages == 1
    _signal_own_libreoffice(serveur, signal.SIGKILL)
    time.sleep(0.5)
    assert serveur.convert(chemins) == [premier] and serveur.demarrages == 2
    _signal_own_libreoffice(serveur, signal.SIGSTOP)
    serveur._delai = 5
    assert serveur.convert(chemins) == [premier] and serveur.demarrages == 3
    serveur.close()
    time.sleep(0.5)
    assert _restants(temporaire) == []


def test_a_pdf_batch_uses_one_libreoffice_per_worker_and_gives_the_same_bytes(serveur: Any, tmp_path: Path,
                                                                             temporaire: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from alize_docs.batch import _worker_server

    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(TERRITOIRE, source / "toulinois.yaml")
    accord = (FIXTURES / "cooperation-menuiseries-du-toulois.yaml").read_text(encoding="utf-8")
    for i in range(6):
        numero = "TOUL-2011-003" if i == 0 else f"TOUL-{i}"
        (source / f"c{i}.yaml").write_text(accord.replace("TOUL-2011-003", numero), encoding="utf-8")
    _worker_server.cache_clear()
    with ThreadPoolExecutor(max_workers=1) as executor:  # the worker is this process: its server can be looked at
        rapport = alize_docs.batch.run_batch(source, tmp_path / "out", pdf=True, executor=executor)
    assert rapport.ok, rapport.as_json()
    assert len(list((tmp_path / "out" / "Toulinois").glob("*.pdf"))) == 6 + 5
    serveur_du_lot = _worker_server()
    assert serveur_du_lot is not None and serveur_du_lot.demarrages == 1  # 10 documents, one LibreOffice start
    serveur_du_lot.close()
    _worker_server.cache_clear()
    alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path / "seul", pdf=True)
    nom = "cooperation-toul-2011-003.pdf"  # over UNO in the batch, by one soffice start alone: the same bytes
    assert (tmp_path / "out" / "Toulinois" / nom).read_bytes() == (tmp_path / "seul" / nom).read_bytes()
    time.sleep(1)
    assert _restants(temporaire) == []


def test_libreoffice_does_not_outlive_a_killed_worker(serveur: Any, tmp_path: Path, temporaire: Path) -> None:
    [chemin] = alize_docs.generate(FIXTURES / "cooperation-menuiseries-du-toulois.yaml", tmp_path)
    travailleur = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from alize_docs.render.pdf import LibreOfficeServer\n"
        f"s = LibreOfficeServer(); s.convert([Path({str(chemin)!r})]); print('pret', flush=True); time.sleep(600)")],
        stdout=subprocess.PIPE, text=True)
    assert travailleur.stdout is not None and travailleur.stdout.readline().strip() == "pret"
    assert _restants(temporaire)  # its LibreOffice is running
    travailleur.kill()
    travailleur.wait()
    travailleur.stdout.close()
    limite = time.monotonic() + 20
    while _restants(temporaire) and time.monotonic() < limite:
        time.sleep(0.2)
    assert _restants(temporaire) == []
