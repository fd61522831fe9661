"""Hostile and broken input: a corpus of bad files, hostile text, user templates, and property tests."""

from __future__ import annotations

import copy
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import alize_docs
from alize_docs import InvalidInput, RenderError, Territoire
from alize_docs.clauses.library import bundled_path
from alize_docs.cli import main
from alize_docs.inputs.yaml import load_model, read_yaml
from alize_docs.render.package import write_package
from alize_docs.rules.blancs import find_blanks

from .conftest import TERRITOIRE, docx_text, set_path
from .test_budget import montant

CORPUS = sorted((Path(__file__).parent / "data" / "mauvais").glob("*.yaml"))


@pytest.mark.parametrize("fichier", CORPUS, ids=lambda p: p.stem)
def test_each_bad_file_gets_its_expected_error_and_writes_nothing(fichier: Path, tmp_path: Path) -> None:
    code, champ = fichier.read_bytes().split(b"\n", 1)[0].decode().removeprefix("# attendu : ").split(" ")
    rapport = alize_docs.check_file(fichier)
    assert [(p.code, p.champ) for p in rapport.problemes] == [(code, champ)], rapport.text()
    assert rapport.problemes[0].message.endswith((".", "?"))
    with pytest.raises(InvalidInput):
        alize_docs.generate(fichier, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_markup_shaped_text_stays_literal_in_header_properties_body_and_tables(
        territoire_data: dict[str, Any], write_yaml: Any, tmp_path: Path) -> None:
    hostile = "A <B> & C </w:t></w:r><w:r><w:t>{{ 7*7 }}"
    set_path(territoire_data, "dispositif.nom", hostile)
    set_path(territoire_data, "partenaires[0].nom", "SIDE & <Fils>")
    chemins = alize_docs.generate(write_yaml(territoire_data), tmp_path)
    convention = docx.Document(str(next(c for c in chemins if c.name.startswith("convention-"))))
    assert convention.sections[0].header.paragraphs[0].text.endswith(f"ALIZÉ®\u00a0{hostile}\u00a0»")
    assert convention.core_properties.title == f"Convention de partenariat ALIZÉ®\u00a0{hostile}"
    assert f"ALIZÉ®\u00a0{hostile}" in [p.text for p in convention.paragraphs]
    budget = docx.Document(str(next(c for c in chemins if c.name.startswith("annexe-1-"))))
    assert "SIDE & <Fils>" in [r.cells[0].text for r in budget.tables[0].rows]


def template_with(tmp_path: Path, ajouts: dict[str, bytes],
                  remplacements: dict[str, tuple[bytes, bytes]] | None = None) -> Path:
    remplacements = remplacements or {}
    dossier = tmp_path / "gabarits"
    dossier.mkdir(exist_ok=True)
    cible = dossier / "convention.docx"
    with zipfile.ZipFile(bundled_path("templates") / "convention.docx") as source, \
            zipfile.ZipFile(cible, "w", zipfile.ZIP_DEFLATED) as sortie:
        for nom in source.namelist():
            contenu = source.read(nom)
            if nom in remplacements:
                contenu = contenu.replace(*remplacements[nom])
            sortie.writestr(nom, contenu)
        for nom, contenu in ajouts.items():
            sortie.writestr(nom, contenu)
    return dossier


_EXTERNE = (b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/attachedTemplate" Target="http://exemple.invalid/t.dotm" TargetMode="External"/>'
            b"</Relationships>")


@pytest.mark.parametrize(("ajouts", "remplacements", "message"), [
    ({"word/vbaProject.bin": b"\x00" * 100}, {}, "macros"),
    ({"word/remplissage.xml": b"<a>" + b" " * 60_000_000 + b"</a>"}, {}, "bombe zip"),
    ({}, {"word/_rels/document.xml.rels": _EXTERNE}, "relation externe « attachedTemplate »"),
], ids=["macro", "bombe", "lien-externe"])
def test_unsafe_user_templates_are_refused(tmp_path: Path, ajouts: dict[str, bytes],
                                           remplacements: dict[str, tuple[bytes, bytes]], message: str) -> None:
    dossier = template_with(tmp_path, ajouts, remplacements)
    with pytest.raises(RenderError, match=message):
        alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=dossier)
    assert not (tmp_path / "out").exists()


def test_a_template_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gabarits").mkdir()
    (tmp_path / "gabarits" / "convention.docx").write_bytes(b"Ceci n'est pas un zip")
    with pytest.raises(RenderError, match="n'est pas un document Word"):
        alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=tmp_path / "gabarits")
    assert not (tmp_path / "out").exists()


def test_a_safe_user_template_is_used_and_its_fields_filled(tmp_path: Path) -> None:
    lien = (b"</Relationships>", b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/hyperlink" Target="https://www.exemple.fr/" TargetMode="External"/></Relationships>')
    dossier = template_with(tmp_path, {}, {"word/_rels/document.xml.rels": lien,
                                           "word/header1.xml": (b"{{ titre_court }}", b"CCI de Meurthe-et-Moselle")})
    chemins = alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=dossier)
    entete = docx.Document(str(chemins[0])).sections[0].header.paragraphs[0].text
    assert entete == "CCI de Meurthe-et-Moselle\t«\u00a0ALIZÉ®\u00a0Toulinois\u00a0»"


def test_a_template_field_cannot_reach_python(tmp_path: Path) -> None:
    attaque = b'{{ cycler.__init__.__globals__.os.popen("id").read() }}'
    dossier = template_with(tmp_path, {}, {"word/header1.xml": (b"{{ titre_court }}", attaque)})
    with pytest.raises(RenderError, match="inutilisable"):
        alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=dossier)


def test_a_malformed_xml_part_is_an_error_not_a_corrupt_file() -> None:
    with pytest.raises(RenderError, match=r"partie word/document\.xml mal formée"):
        write_package([("word/document.xml", b"<w:document><w:body></w:document>")])


def test_clause_folders_cannot_be_escaped_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["comparer", "../../../etc/passwd@2008", "@2011"]) == 3
    assert "identifiant ou version de clause invalide" in capsys.readouterr().err


# --- properties -------------------------------------------------------------------------------------

YAMLISH = st.text(alphabet=":-[]{}&*!|>'\"#%@`,?\n\t abcé0123\\.~", max_size=300)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), YAMLISH.map(str.encode)))
def test_the_loader_raises_nothing_but_the_librarys_error_on_arbitrary_bytes(contenu: bytes) -> None:
    try:
        load_model(Territoire, read_yaml("essai.yaml", texte=contenu))
    except InvalidInput as exc:
        assert exc.problemes and all(p.message for p in exc.problemes)


TEXTE = (st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp"),
                                        exclude_characters="«»[]…\u2028\u2029"), min_size=1, max_size=30)
         .map(lambda t: " ".join(t.split())).filter(lambda t: bool(t) and find_blanks(t) is None))


def _lisible(texte: str) -> str:
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contexte=TEXTE, nom=TEXTE, lieu=TEXTE, operateur=TEXTE)
def test_any_valid_input_renders_a_document_that_holds_its_values_literally(
        contexte: str, nom: str, lieu: str, operateur: str) -> None:
    donnees = copy.deepcopy(read_yaml(TERRITOIRE).data)
    for chemin, valeur in (("dispositif.contexte", contexte), ("partenaires[0].nom", nom),
                           ("signature.lieu", lieu), ("operateur.nom", operateur)):
        set_path(donnees, chemin, valeur)
    territoire = Territoire.model_validate(donnees)
    assume(alize_docs.validate(territoire).ok)
    texte = _lisible(docx_text(alize_docs.render_convention(territoire)))
    for valeur in (contexte, nom, lieu, operateur):
        assert _lisible(valeur) in texte


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2, allow_nan=False),
                min_size=18, max_size=18))
def test_every_total_of_the_budget_equals_the_sum_of_its_displayed_parts(montants: list[Decimal]) -> None:
    donnees = copy.deepcopy(read_yaml(TERRITOIRE).data)
    donnees["cdc"]["apports"]["avances"] = ["0", "0", "0"]
    for i, partenaire in enumerate(donnees["partenaires"][:6]):
        partenaire["apports"]["avances"] = [str(m) for m in montants[3 * i:3 * i + 3]]
    territoire = Territoire.model_validate(donnees)
    fichiers = alize_docs.render_documents(alize_docs.Dossier(TERRITOIRE, territoire))
    tableau = docx.Document(io.BytesIO(fichiers["annexe-1-budget-toulinois.docx"])).tables[0]
    lignes = [[c.text for c in r.cells] for r in tableau.rows[1:]]
    for ligne in lignes:
        if ligne[1]:
            assert sum(montant(c) for c in ligne[1:4]) == montant(ligne[4])
    parts = [ligne for ligne in lignes if ligne[1] and not ligne[0].startswith(("Sous-total", "Total"))]
    total = next(ligne for ligne in lignes if ligne[0].startswith("Total"))
    for colonne in range(1, 5):
        assert sum(montant(ligne[colonne]) for ligne in parts) == montant(total[colonne])




def test_a_blank_left_in_a_user_template_is_refused_before_rendering(tmp_path: Path) -> None:
    dossier = template_with(tmp_path, {}, {"word/header1.xml": (b"{{ titre_court }}", b"Convention XXX")})
    with pytest.raises(InvalidInput) as exc:
        alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=dossier)
    [probleme, *_] = exc.value.problemes
    assert probleme.code == "blanks" and "Convention XXX" in probleme.message
    assert not (tmp_path / "out").exists()


def test_an_oversized_input_file_is_refused_before_parsing(tmp_path: Path) -> None:
    (tmp_path / "gros.yaml").write_bytes(b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
    rapport = alize_docs.check_file(tmp_path / "gros.yaml")
    assert [(p.code, p.champ) for p in rapport.problemes] == [("file", "(fichier)")]
    assert "dépasse 2 Mo" in rapport.problemes[0].message
