"""The clause library: stacked folders, a sandbox, errors that name the clause, version and line."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest

import alize_docs
from alize_docs import ClauseError, ClauseLibrary
from alize_docs.assembly.context import contexte_territoire as territory_context
from alize_docs.clauses.library import bundled_path

from .conftest import TERRITOIRE


def user_clause(dossier: Path, ident: str, version: str, corps: str, **meta: str) -> Path:
    chemin = dossier / ident / f"{version}.txt"
    chemin.parent.mkdir(parents=True, exist_ok=True)
    entete = {"id": ident, "version": f'"{version}"', "titre": "Clause d'essai", **meta}
    chemin.write_text("\n".join(f"{k}: {v}" for k, v in entete.items()) + "\n---\n" + corps, encoding="utf-8")
    return chemin


def render(library: ClauseLibrary, ident: str, version: str = "2008") -> list[str]:
    contexte = territory_context(alize_docs.load_territoire(TERRITOIRE))
    return [b.text for b in library.render(library.clause(ident, version), contexte)]


def test_every_clause_of_the_model_has_complete_metadata(library: ClauseLibrary) -> None:
    refs = library.modele("2008").documents["convention-partenariat"]
    assert len(refs) == 24
    for ident, version in refs:
        clause = library.clause(ident, version)
        assert clause.titre and clause.source and clause.texte.strip()
    assert library.versions("partenariat/article-5-2-comite-agrement") == ["2008", "2011"]


def test_a_clause_folder_stacked_first_overrides_the_bundled_one(tmp_path: Path) -> None:
    user_clause(tmp_path, "partenariat/expose", "2008", "@centre **IL EST CONVENU CE QUI SUIT, À TOUL :**\n")
    library = ClauseLibrary([tmp_path])
    donnees = alize_docs.render_convention(alize_docs.load_territoire(TERRITOIRE), library)
    textes = [p.text for p in docx.Document(io.BytesIO(donnees)).paragraphs]
    assert "IL EST CONVENU CE QUI SUIT, À TOUL\u00a0:" in textes
    assert "CECI ETANT EXPOSE, ENTRE LES PARTENAIRES IL EST CONVENU CE QUI SUIT\u00a0:" not in textes


def test_a_folder_can_bring_its_own_model(tmp_path: Path) -> None:
    shutil.copy(bundled_path("clauses") / "modeles" / "2008.yaml", tmp_path / "x.yaml")
    (tmp_path / "modeles").mkdir()
    (tmp_path / "x.yaml").rename(tmp_path / "modeles" / "2008-toul.yaml")
    assert ClauseLibrary([tmp_path]).modeles() == {"2008", "2008-toul", "2011"}


@pytest.mark.parametrize("attaque", [
    '{{ cycler.__init__.__globals__.os.popen("id").read() }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ dispositif.__class__ }}",
    "{{ partenaires.append(1) }}",
])
def test_clauses_render_in_a_sandbox(tmp_path: Path, attaque: str) -> None:
    user_clause(tmp_path, "essai/attaque", "1", f"Texte {attaque}\n")
    library = ClauseLibrary([tmp_path])
    with pytest.raises(ClauseError) as exc:
        render(library, "essai/attaque", "1")
    assert exc.value.clause == "essai/attaque" and exc.value.version == "1"


def test_a_syntax_error_names_clause_version_and_file_line(tmp_path: Path) -> None:
    chemin = user_clause(tmp_path, "essai/syntaxe", "1", "Ligne un.\n\nLigne {{ dispositif.nom \n")
    with pytest.raises(ClauseError) as exc:
        render(ClauseLibrary([tmp_path]), "essai/syntaxe", "1")
    ligne = chemin.read_text(encoding="utf-8").splitlines().index("Ligne {{ dispositif.nom ") + 1
    assert (exc.value.clause, exc.value.version, exc.value.ligne) == ("essai/syntaxe", "1", ligne)
    assert "syntaxe" in str(exc.value)


def test_a_misspelt_variable_names_its_line(tmp_path: Path) -> None:
    chemin = user_clause(tmp_path, "essai/variable", "1", "Un.\n\nDeux {{ dispositif.nmo }}.\n")
    with pytest.raises(ClauseError) as exc:
        render(ClauseLibrary([tmp_path]), "essai/variable", "1")
    assert exc.value.ligne == len(chemin.read_text(encoding="utf-8").splitlines())
    assert "variable inconnue" in str(exc.value) and "nmo" in str(exc.value)


def test_an_amount_written_without_its_filter_is_a_clause_error(tmp_path: Path) -> None:
    user_clause(tmp_path, "essai/montant", "1", "Dotation : {{ budget.dotation_cdc }}.\n")
    with pytest.raises(ClauseError, match=r"\| montant"):
        render(ClauseLibrary([tmp_path]), "essai/montant", "1")


def test_missing_header_keys_are_reported(tmp_path: Path) -> None:
    chemin = tmp_path / "essai" / "entete" / "1.txt"
    chemin.parent.mkdir(parents=True)
    chemin.write_text('id: essai/entete\nversion: "1"\nauteur: moi\n---\nTexte.\n', encoding="utf-8")
    with pytest.raises(ClauseError, match=r"clé inconnue « auteur ».*clé « titre » manquante"):
        ClauseLibrary([tmp_path]).clause("essai/entete", "1")


@pytest.mark.parametrize(("ident", "version"), [("../../etc/passwd", "2008"), ("/etc/passwd", "1"),
                                                 ("partenariat/titre", "../2008"), ("partenariat/titre", "")])
def test_clause_ids_and_versions_cannot_leave_the_folder(library: ClauseLibrary, ident: str, version: str) -> None:
    with pytest.raises(ClauseError, match="invalide"):
        library.clause(ident, version)


def test_conditions_leave_a_clause_out(library: ClauseLibrary) -> None:
    assert render(library, "partenariat/preambule-premiers-resultats") == []


def test_markup_errors_are_reported_with_the_clause(tmp_path: Path) -> None:
    user_clause(tmp_path, "essai/markup", "1", "@encadre Texte\n")
    with pytest.raises(ClauseError, match="directive inconnue « @encadre »"):
        render(ClauseLibrary([tmp_path]), "essai/markup", "1")
