"""An installed wheel, used from outside the checkout, finds its clauses and templates."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from .conftest import RACINE, TERRITOIRE


@pytest.mark.slow
def test_installed_wheel_works_from_another_directory(tmp_path: Path) -> None:
    dist, site, ailleurs = tmp_path / "dist", tmp_path / "site", tmp_path / "ailleurs"
    ailleurs.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(RACINE)], check=True, timeout=300)
    [roue] = dist.glob("alize_docs-*.whl")
    contenu = zipfile.ZipFile(roue).namelist()
    assert "alize_docs/_data/clauses/modeles/2008.yaml" in contenu
    assert "alize_docs/_data/clauses/partenariat/article-5-2-comite-agrement/2008.txt" in contenu
    assert "alize_docs/_data/templates/convention.docx" in contenu
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(roue)], check=True, timeout=300)
    (ailleurs / "toulinois.yaml").write_bytes(TERRITOIRE.read_bytes())
    environnement = {**os.environ, "PYTHONPATH": str(site)}
    script = ("import alize_docs; from alize_docs.clauses.library import bundled_path; "
              "print(alize_docs.__file__); print(bundled_path('clauses')); print(bundled_path('templates'))")
    chemins = subprocess.run([sys.executable, "-c", script], cwd=ailleurs, env=environnement, check=True,
                             capture_output=True, text=True).stdout.split()
    assert all(Path(c).is_relative_to(site) for c in chemins), chemins
    resultat = subprocess.run([sys.executable, "-m", "alize_docs", "generer", "toulinois.yaml", "-o", "sortie"],
                              cwd=ailleurs, env=environnement, capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stderr
    document = docx.Document(str(ailleurs / "sortie" / "convention-partenariat-toulinois.docx"))
    assert "ARTICLE 8\u00a0: DURÉE DE LA CONVENTION" in [p.text for p in document.paragraphs]
