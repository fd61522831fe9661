"""What reviewers read beside the clauses: clauses/README.md and the rendered sample of every clause version."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import get_type_hints

import pytest

from alize_docs.assembly.context import ContexteCooperation, ContexteTerritoire
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.review.clause_docs import (
    VARIABLES_COOPERATION,
    VARIABLES_TERRITOIRE,
    clauses_readme,
    rendered_samples,
    sample_problems,
)

from .conftest import run_cli


def test_every_variable_a_clause_gets_is_explained() -> None:
    assert set(VARIABLES_TERRITOIRE) == set(get_type_hints(ContexteTerritoire))
    assert set(VARIABLES_COOPERATION) == set(get_type_hints(ContexteCooperation))


def test_the_committed_readme_is_the_generated_one(library: ClauseLibrary) -> None:
    committe = (bundled_path("clauses") / "README.md").read_text(encoding="utf-8")
    assert committe == clauses_readme(library), "régénérez-le : alize-docs verifier-clauses --ecrire"
    assert "| `montant_complet` |" in committe and "neuf mille euros (9" in committe
    assert "| `qualite_prefet` |" in committe and "| `echeances` |" in committe


def test_every_clause_version_a_model_uses_has_its_sample_and_it_is_current(library: ClauseLibrary) -> None:
    echantillons = rendered_samples(library)
    assert len(echantillons) >= 50
    assert sample_problems(library, bundled_path("clauses")) == []
    signatures = echantillons[bundled_path("clauses") / "partenariat" / "signatures" / "2008.exemple"]
    assert "Pour l'entreprise SIDE | Monsieur Bernard Weiss | Directeur régional" in signatures


@pytest.mark.slow
def test_an_edit_that_the_sample_does_not_show_is_reported_then_rewritten(tmp_path: Path) -> None:
    dossier = tmp_path / "clauses"
    source = bundled_path("clauses") / "partenariat" / "article-8-duree"
    shutil.copytree(source, dossier / "partenariat" / "article-8-duree")
    clause = dossier / "partenariat" / "article-8-duree" / "2008.txt"
    clause.write_text(clause.read_text(encoding="utf-8").replace("à compter de la date de signature",
                                                                  "à compter du jour de la signature"),
                      encoding="utf-8")
    resultat = run_cli("verifier-clauses", "--clauses", dossier)
    assert resultat.returncode == 1
    assert "partenariat/article-8-duree@2008 : l'exemple rendu 2008.exemple ne correspond plus" in resultat.stdout
    resultat = run_cli("verifier-clauses", "--clauses", dossier, "--ecrire")
    assert f"écrit : {dossier / 'partenariat' / 'article-8-duree' / '2008.exemple'}" in resultat.stdout
    assert "à compter du jour de la signature" in (clause.with_suffix(".exemple")).read_text(encoding="utf-8")
    assert (dossier / "README.md").is_file()
