"""Loading: the example as it is, Decimal money, strict YAML, every problem at once with its line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import alize_docs
from alize_docs import InvalidInput, Territoire
from alize_docs.inputs.yaml import read_yaml

from .conftest import TERRITOIRE, texte_exemple


def problems(chemin: Path) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as exc:
        alize_docs.load_territoire(chemin)
    return [(p.code, p.champ) for p in exc.value.problemes]


def test_the_example_territory_loads_exactly_as_it_is() -> None:
    t = alize_docs.load_territoire(TERRITOIRE)
    assert isinstance(t, Territoire)
    assert t.dispositif.nom == "Toulinois"
    assert t.partenaires[2].apports.avances == [Decimal(10000), Decimal(5000), Decimal(5000)]
    assert t.operateur.siret == "39017425810008"
    assert t.dispositif.premiers_resultats is None


def test_shared_example_is_the_bundled_fixture() -> None:
    partage = TERRITOIRE.parent.parent.parent / "shared" / "examples" / "toulinois.yaml"
    if not partage.exists():
        pytest.skip("shared/ n'est pas à côté de la copie de travail")
    assert partage.read_bytes() == TERRITOIRE.read_bytes()


def test_yaml_decimal_never_passes_through_float(tmp_path: Path) -> None:
    texte = texte_exemple().replace("avances: [40000, 40000, 40000]",
                                                            "avances: [33333.33, 0.1, 40000]")
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    t = alize_docs.load_territoire(tmp_path / "t.yaml")
    assert t.cdc.apports.avances[:2] == [Decimal("33333.33"), Decimal("0.1")]
    assert all(type(v) is Decimal for v in t.cdc.apports.avances)


def test_french_amount_strings_are_accepted(tmp_path: Path) -> None:
    texte = texte_exemple().replace(
        "communication: [5000, 5000, 5000]", 'communication: ["5 000,00", "5 000 €", "5000"]')
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    t = alize_docs.load_territoire(tmp_path / "t.yaml")
    assert t.depenses_fonctionnement.communication == [Decimal(5000)] * 3


@pytest.mark.parametrize(("remplacement", "code"), [
    ('avances: ["15.000", 40000, 40000]', "amount"),
    ('avances: ["15,000", 40000, 40000]', "amount"),
    ("avances: [-40000, 40000, 40000]", "amount"),
    ("avances: [40000.005, 40000, 40000]", "amount"),
])
def test_ambiguous_negative_or_subcent_amounts_are_refused(tmp_path: Path, remplacement: str, code: str) -> None:
    texte = texte_exemple().replace("avances: [40000, 40000, 40000]", remplacement)
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    assert problems(tmp_path / "t.yaml") == [(code, "cdc.apports.avances[0]")]


def test_all_problems_of_a_file_come_at_once_with_lines(tmp_path: Path) -> None:
    texte = (texte_exemple()
             .replace("  objectifs:", "  objetifs:")
             .replace("date: 2010-11-26", "date: 2010-02-30")
             .replace("avances: [40000, 40000, 40000]", 'avances: ["15.000", 40000, 40000]')
             .replace("nature: creation", "nature: création"))
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        alize_docs.load_territoire(tmp_path / "t.yaml")
    rapport = exc.value.report
    vus = {(p.code, p.champ): p for p in rapport.problemes}
    assert set(vus) == {("unknown-key", "dispositif.objetifs"), ("date", "signature.date"),
                        ("amount", "cdc.apports.avances[0]"), ("choice", "dispositif.nature")}
    # the misspelt key explains the missing one: a single message, not two
    assert "vouliez-vous dire « objectifs »" in vus["unknown-key", "dispositif.objetifs"].message
    assert "2010-02-30" in vus["date", "signature.date"].message
    lignes = texte_exemple().splitlines()
    assert "objectifs:" in lignes[vus["unknown-key", "dispositif.objetifs"].ligne - 1]
    assert "date: 2010-11-26" in lignes[vus["date", "signature.date"].ligne - 1]


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    texte = texte_exemple().replace("  zone_emploi: Toul\n",
                                                            "  zone_emploi: Toul\n  zone_emploi: Nancy\n")
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        alize_docs.load_territoire(tmp_path / "t.yaml")
    [probleme] = exc.value.problemes
    premiere = texte.splitlines().index("  zone_emploi: Toul") + 1
    assert (probleme.code, probleme.champ) == ("duplicate-key", "dispositif.zone_emploi")
    assert f"déjà donnée ligne {premiere}" in probleme.message and probleme.ligne == premiere + 1


@pytest.mark.parametrize(("valeur", "point"), [
    ('"Le bassin\\x07 de Toul"', "U+0007"), ('"Texte\\x0c"', "U+000C"), ('"A\\uFFFE"', "U+FFFE"),
    ('"A\\x00B"', "U+0000"),
])
def test_characters_word_cannot_hold_are_refused_naming_field_and_position(
        tmp_path: Path, valeur: str, point: str) -> None:
    texte = texte_exemple().replace("  zone_emploi: Toul\n", f"  zone_emploi: {valeur}\n")
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        alize_docs.load_territoire(tmp_path / "t.yaml")
    [probleme] = exc.value.problemes
    assert (probleme.code, probleme.champ) == ("characters", "dispositif.zone_emploi")
    assert point in probleme.message and "position" in probleme.message


def test_yaml_type_guessing_does_not_change_text(tmp_path: Path) -> None:
    texte = (texte_exemple()
             .replace("  zone_emploi: Toul", "  zone_emploi: NO")
             .replace("  departement: Meurthe-et-Moselle", "  departement: 01000")
             .replace("lieu: Nancy", "lieu: 1:30"))
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    t = alize_docs.load_territoire(tmp_path / "t.yaml")
    assert (t.dispositif.zone_emploi, t.dispositif.departement, t.signature.lieu) == ("NO", "01000", "1:30")


def test_aliases_are_refused(tmp_path: Path) -> None:
    texte = texte_exemple().replace(
        "communication: [5000, 5000, 5000]", "communication: &a [5000, 5000, 5000]\n  autres_alias: *a")
    (tmp_path / "t.yaml").write_text(texte, encoding="utf-8")
    codes = problems(tmp_path / "t.yaml")
    assert ("syntax", "depenses_fonctionnement.autres_alias") in codes


@pytest.mark.parametrize(("contenu", "fragment"), [
    (b"dispositif: {nom: Toul\n", "Syntaxe YAML invalide"),
    (b"\xff\xfe\x00garbage\x00", "UTF-8"),
    (b"", "vide"),
    (b"- a\n- b\n", "clé: valeur"),
    (b"a: b: c\n", "deux-points inattendu"),
])
def test_broken_files_get_a_french_message_not_a_traceback(tmp_path: Path, contenu: bytes, fragment: str) -> None:
    (tmp_path / "t.yaml").write_bytes(contenu)
    with pytest.raises(InvalidInput) as exc:
        alize_docs.load_territoire(tmp_path / "t.yaml")
    assert fragment in str(exc.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert problems(tmp_path / "absent.yaml") == [("file", "(fichier)")]


def test_python_floats_are_refused_from_library_callers() -> None:
    donnees = read_yaml(TERRITOIRE).data
    donnees["cdc"]["apports"]["avances"] = [33333.33, 1, 1]
    with pytest.raises(Exception, match="virgule flottante"):
        Territoire.model_validate(donnees)


def test_models_accept_python_values_for_library_callers() -> None:
    donnees = read_yaml(TERRITOIRE).data
    donnees["cdc"]["apports"]["avances"] = [Decimal("40000"), 40000, "40 000"]
    t = Territoire.model_validate(donnees)
    assert t.cdc.apports.avances == [Decimal(40000)] * 3
