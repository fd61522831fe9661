"""The alize-docs command as an operator runs it: French output, exit codes, never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from .conftest import TERRITOIRE, lisible, run_cli, set_path

COMMANDE = Path(sys.executable).parent / "alize-docs"


run = run_cli  # in-process: main(argv); the installed script itself is tried once, below


@pytest.mark.slow
def test_the_installed_script_is_the_same_command() -> None:
    resultat = subprocess.run([str(COMMANDE), "valider", str(TERRITOIRE)], capture_output=True, text=True,
                              timeout=120)
    assert resultat.returncode == 0 and resultat.stdout.strip() == f"{TERRITOIRE} : valide."


def test_valider_accepts_the_example() -> None:
    resultat = run("valider", TERRITOIRE)
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == f"{TERRITOIRE} : valide."


def test_valider_lists_every_problem_with_rule_line_and_field(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "cdc.apports.avances", ["70000", "70000", "70000"])
    set_path(territoire_data, "operateur.comptes.fonctionnement.iban", "FR76 1470 7000 5008 0123 4567 869")
    resultat = run("valider", write_yaml(territoire_data), TERRITOIRE)
    assert resultat.returncode == 1
    assert "2 problèmes" in resultat.stdout
    assert "[cdc-cap] ligne " in resultat.stdout and "cdc.apports.avances : La dotation de la CDC" in resultat.stdout
    assert "[accounts] ligne " in resultat.stdout and "operateur.comptes.fonctionnement.iban" in resultat.stdout
    assert f"{TERRITOIRE} : valide." in resultat.stdout
    assert "Traceback" not in resultat.stdout + resultat.stderr


def test_valider_json_report(territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "dispositif.objectifs.projets", "0")
    resultat = run("valider", "--json", write_yaml(territoire_data))
    rapport = json.loads(resultat.stdout)
    assert resultat.returncode == 1 and rapport["valide"] is False
    assert rapport["problemes"][0]["code"] == "objectives"
    assert rapport["problemes"][0]["champ"] == "dispositif.objectifs.projets"


@pytest.mark.parametrize("contenu", [b"\x00\x01\x02PK\x03\x04", b"a: [1, 2\n", b"- liste\n", "é".encode("latin-1")])
def test_garbage_files_get_a_report_not_a_traceback(tmp_path: Path, contenu: bytes) -> None:
    (tmp_path / "x.yaml").write_bytes(contenu)
    for commande in (["valider", tmp_path / "x.yaml"], ["generer", tmp_path / "x.yaml", "-o", tmp_path / "out"]):
        resultat = run(*commande)
        assert resultat.returncode == 1
        assert "Traceback" not in resultat.stdout + resultat.stderr
        assert "problème" in resultat.stdout + resultat.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2_in_french() -> None:
    resultat = run("valider")
    assert resultat.returncode == 2
    assert "utilisation : alize-docs valider" in resultat.stderr
    assert "argument(s) obligatoire(s) manquant(s) : FICHIER" in resultat.stderr
    assert run("inventer").returncode == 2
    assert run("generer", TERRITOIRE).returncode == 2


def test_help_is_in_french() -> None:
    resultat = run("--aide")
    assert resultat.returncode == 0
    assert "vérifie des fichiers de saisie sans rien écrire" in resultat.stdout
    assert "utilisation : alize-docs" in resultat.stdout


def test_generer_writes_the_convention_from_any_directory(tmp_path: Path) -> None:
    resultat = run("generer", TERRITOIRE, "-o", "sortie", cwd=tmp_path)
    assert resultat.returncode == 0, resultat.stderr
    chemin = tmp_path / "sortie" / "convention-partenariat-toulinois.docx"
    noms = ["convention-partenariat", "annexe-1-budget", "annexe-2-cahier-des-charges", "annexe-3-operateur-local",
            "dossier-signature"]
    assert resultat.stdout.splitlines() == [f"écrit : sortie/{n}-toulinois.docx" for n in noms]
    fait = "Fait à Nancy, le 26 novembre 2010, en dix (10) exemplaires originaux, un pour chaque partie signataire."
    assert fait in [lisible(p.text) for p in docx.Document(str(chemin)).paragraphs]
    assert sorted(p.name for p in chemin.parent.iterdir()) == sorted(f"{n}-toulinois.docx" for n in noms)


def test_generer_writes_nothing_for_an_invalid_file(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    set_path(territoire_data, "depenses_fonctionnement.contribution_astrees", ["3000", "3000", "3500"])
    resultat = run("generer", write_yaml(territoire_data), "-o", tmp_path / "out")
    assert resultat.returncode == 1
    assert "[astrees]" in resultat.stderr and "Aucun document n'a été écrit." in resultat.stderr
    assert not (tmp_path / "out").exists()


def test_a_broken_clause_folder_is_reported_in_french(tmp_path: Path) -> None:
    chemin = tmp_path / "partenariat" / "expose" / "2008.txt"
    chemin.parent.mkdir(parents=True)
    chemin.write_text('id: partenariat/expose\nversion: "2008"\ntitre: T\n---\n{% if %}\n', encoding="utf-8")
    resultat = run("generer", TERRITOIRE, "-o", tmp_path / "out", "--clauses", tmp_path)
    assert resultat.returncode == 3
    assert "erreur dans les clauses : clause partenariat/expose@2008 (ligne 5)" in resultat.stderr
    assert "Traceback" not in resultat.stderr
    assert not (tmp_path / "out").exists()


def test_a_mistyped_command_gets_a_suggestion() -> None:
    resultat = run("generr", TERRITOIRE)
    assert resultat.returncode == 2 and "vouliez-vous dire « generer » ?" in resultat.stderr


def test_valider_json_prints_one_json_document_for_several_files() -> None:
    resultat = run("valider", "--json", TERRITOIRE, TERRITOIRE)
    documents = json.loads(resultat.stdout)
    assert [d["valide"] for d in documents] == [True, True]


def test_a_clause_folder_that_does_not_exist_is_an_error_not_the_bundled_clauses(tmp_path: Path) -> None:
    resultat = run("verifier-clauses", "--clauses", tmp_path / "n-existe-pas")
    assert resultat.returncode == 2 and "ce dossier n'existe pas" in resultat.stderr and "aucun problème" not in (
        resultat.stdout)
    (tmp_path / "vide").mkdir()
    resultat = run("valider", "--clauses", tmp_path / "vide", TERRITOIRE)
    assert resultat.returncode == 2 and "ne contient ni clause" in resultat.stderr


def test_a_batch_of_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    resultat = run("lot", tmp_path / "absent", "-o", tmp_path / "sortie")
    assert resultat.returncode == 2 and "n'est ni un dossier" in resultat.stderr


def test_a_batch_not_on_a_terminal_prints_each_item_then_its_failures_first(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.yaml").write_text(TERRITOIRE.read_text(encoding="utf-8"), encoding="utf-8")
    (source / "b.yaml").write_text("dispositif: [", encoding="utf-8")
    resultat = run("lot", source, "-o", tmp_path / "sortie", "--jobs", "1")
    lignes = resultat.stdout.splitlines()
    assert f"{source / 'a.yaml'} : écrit" in lignes and f"{source / 'b.yaml'} : invalide" in lignes
    fin = resultat.stdout.split("élément(s) non produit(s) :", 1)[1]
    assert fin.lstrip().startswith(f"{source / 'b.yaml'} : invalide") and "[syntax]" in fin


def test_checksums_are_reported_with_the_format_errors_not_in_a_second_round(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "signature.date", "2010-02-30")
    set_path(territoire_data, "operateur.comptes.avances.iban", "FR76 1470 7000 5008 0123 4567 868")
    set_path(territoire_data, "operateur.siret", "39017425810009")
    resultat = run("valider", write_yaml(territoire_data))
    assert resultat.returncode == 1 and "3 problèmes" in resultat.stdout
    assert "[date]" in resultat.stdout and "signature.date" in resultat.stdout
    assert "[accounts]" in resultat.stdout and "operateur.comptes.avances.iban : IBAN" in resultat.stdout
    assert "operateur.siret : SIRET « 39017425810009 » invalide" in resultat.stdout


@pytest.mark.parametrize("commande", ["valider", "generer", "clauses", "verifier-clauses", "comparer", "lot",
                                      "renouveler", "modele-tableur", "inspecter", "tableur"])
def test_each_command_explains_itself_with_an_example(commande: str) -> None:
    resultat = run(commande, "--help")
    assert resultat.returncode == 0 and "utilisation : alize-docs " + commande in resultat.stdout
    assert "Exemple" in resultat.stdout and f"alize-docs {commande} " in resultat.stdout.split("Exemple", 1)[1]
    assert "usage:" not in resultat.stdout and "show this help" not in resultat.stdout


@pytest.mark.slow
def test_generer_never_replaces_documents_made_from_other_inputs_without_force(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path], tmp_path: Path) -> None:
    assert run("generer", TERRITOIRE, "-o", tmp_path / "out").returncode == 0
    assert run("generer", TERRITOIRE, "-o", tmp_path / "out").returncode == 0  # the same inputs: regenerated
    avant = (tmp_path / "out" / "convention-partenariat-toulinois.docx").read_bytes()
    set_path(territoire_data, "dispositif.objectifs.projets", 31)
    autre = write_yaml(territoire_data)
    resultat = run("generer", autre, "-o", tmp_path / "out")
    assert resultat.returncode == 2 and "a été produit à partir d'autres données" in resultat.stderr
    assert "--force" in resultat.stderr
    assert (tmp_path / "out" / "convention-partenariat-toulinois.docx").read_bytes() == avant
    assert run("generer", autre, "-o", tmp_path / "out", "--force").returncode == 0
    assert (tmp_path / "out" / "convention-partenariat-toulinois.docx").read_bytes() != avant


def test_a_renewal_s_documents_carry_its_period_and_leave_the_first_convention_s(tmp_path: Path) -> None:
    nouveau = tmp_path / "toulinois-2013.yaml"
    assert run("renouveler", TERRITOIRE, "--date", "26/11/2013", "-o", nouveau).returncode == 0
    nouveau.write_text(nouveau.read_text(encoding="utf-8").replace(
        "À COMPLÉTER : premiers résultats de l'action au niveau local (projets soutenus, emplois créés).",
        "Douze PME accompagnées, 64 emplois créés."), encoding="utf-8")
    assert run("generer", TERRITOIRE, "-o", tmp_path / "out").returncode == 0
    resultat = run("generer", nouveau, "-o", tmp_path / "out")
    assert resultat.returncode == 0, resultat.stderr
    assert f"écrit : {tmp_path / 'out' / 'convention-partenariat-toulinois-2013-2016.docx'}" in resultat.stdout
    assert (tmp_path / "out" / "convention-partenariat-toulinois.docx").is_file()


# --- no English ever reaches the user --------------------------------------------------------------------------

ANGLAIS = re.compile(r"\b(the|is|are|required|invalid|expected|choose|from|allowed|ignored|ambiguous|could|match|"
                     r"unexpected|unrecognized|usage|error|value|positional|show|help|message|exit|object|has|no "
                     r"such|denied|undefined|attribute|Traceback)\b")


@pytest.mark.parametrize("arguments", [
    ["generer"],                                          # required arguments
    ["generer", "a.yaml", "-o", "x", "--inconnue"],       # unrecognized argument
    ["generr", "a.yaml"],                                 # invalid choice (with a suggestion)
    ["lot", "reseau", "-o", "x", "--jobs", "deux"],       # a type conversion
    ["lot", "reseau", "-o", "x", "--jobs", "0"],
    ["generer", "a.yaml", "-o"],                          # an option without its value
    ["generer", "a.yaml", "-o", "x", "-q", "-v"],         # two options that exclude each other
    ["generer", "a.yaml", "-o", "x", "--pdf=oui"],        # a value given to a flag
    ["comparer", "2008", "2011", "--date", "2011-02-30"],
    ["--completion", "fish"],
    ["valider", "--aide"], ["lot", "--aide"], ["--aide"],
])
def test_argparse_speaks_french_whatever_the_mistake(arguments: list[str]) -> None:
    resultat = run(*arguments)
    texte = resultat.stdout + resultat.stderr
    assert resultat.returncode in (0, 2), texte
    assert texte.strip()
    assert not ANGLAIS.search(texte.replace("--help", "").replace("alize-docs", "")), texte


def test_an_option_mistake_is_said_in_french() -> None:
    assert "--jobs/-j : « deux » n'est pas un nombre entier positif" in run("lot", "r", "-o", "x", "-j", "deux").stderr
    assert "-o/--sortie : attend une valeur" in run("generer", "a.yaml", "-o").stderr
    assert "incompatible avec" in run("generer", "a.yaml", "-o", "x", "-q", "-v").stderr


def test_a_system_error_is_said_in_french(tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("")
    resultat = run("generer", TERRITOIRE, "-o", tmp_path / "fichier" / "dessous")
    assert resultat.returncode == 3
    assert "un élément du chemin n'est pas un dossier" in resultat.stderr
    assert not ANGLAIS.search(resultat.stderr), resultat.stderr


@pytest.mark.parametrize(("clause", "attendu"), [
    ("{{ dispositif.nmo }}", "« nmo » n'existe pas"),
    ("{{ territorie }}", "la variable « territorie » n'existe pas"),
    ("{{ 1 / 0 }}", "division par zéro"),
    ("{% for x in [1] %}{{ x }}", "fin de la clause avant"),
    ("{{ x ]] }}", "inattendu"),
    ("{% endfo %}", "balise inconnue « endfo »"),
])
def test_a_broken_clause_is_explained_in_french(tmp_path: Path, clause: str, attendu: str) -> None:
    dossier = tmp_path / "clauses" / "partenariat" / "titre"
    dossier.mkdir(parents=True)
    (dossier / "2008.txt").write_text(f"id: partenariat/titre\nversion: \"2008\"\ntitre: Titre\n---\n{clause}\n",
                                      encoding="utf-8")
    resultat = run("generer", TERRITOIRE, "-o", tmp_path / "out", "--clauses", tmp_path / "clauses")
    assert resultat.returncode == 3, resultat.stdout + resultat.stderr
    assert attendu in resultat.stderr
    assert not ANGLAIS.search(resultat.stderr.replace("dispositif.nmo", "")), resultat.stderr


# --- how much a command says -----------------------------------------------------------------------------------

def test_quiet_prints_nothing_on_success_and_the_problems_on_failure(tmp_path: Path,
                                                                    territoire_data: dict[str, Any],
                                                                    write_yaml: Callable[..., Path]) -> None:
    assert run("valider", TERRITOIRE, "-q").stdout == ""
    resultat = run("generer", TERRITOIRE, "-o", tmp_path / "out", "--quiet")
    assert resultat.returncode == 0 and resultat.stdout == "" and resultat.stderr == ""
    assert (tmp_path / "out" / "convention-partenariat-toulinois.docx").is_file()
    del territoire_data["signature"]
    mauvais = run("valider", write_yaml(territoire_data), "--silencieux")
    assert mauvais.returncode == 1 and "[missing] ligne 1, signature : Ce champ est obligatoire." in mauvais.stdout


def test_verbose_shows_what_each_document_was_built_from(tmp_path: Path) -> None:
    resultat = run("generer", TERRITOIRE, "-o", tmp_path / "out", "-v")
    assert resultat.returncode == 0
    lignes = resultat.stdout.splitlines()
    i = lignes.index(f"écrit : {tmp_path / 'out' / 'convention-partenariat-toulinois.docx'}")
    assert re.fullmatch(r"  modèle 2008, \d+ clauses, données sha256:[0-9a-f]{12}…", lignes[i + 1])
    normal = run("generer", TERRITOIRE, "-o", tmp_path / "out")
    assert "modèle 2008" not in normal.stdout


def test_a_quiet_batch_prints_only_its_failures(tmp_path: Path) -> None:
    reseau = tmp_path / "reseau"
    reseau.mkdir()
    (reseau / "toulinois.yaml").write_bytes(TERRITOIRE.read_bytes())
    (reseau / "casse.yaml").write_text("nom: [\n", encoding="utf-8")
    resultat = run("lot", reseau, "-o", tmp_path / "out", "-q", "-j", "1")
    assert resultat.returncode == 1
    assert "casse.yaml" in resultat.stdout and "toulinois.yaml" not in resultat.stdout


# --- shell completion ------------------------------------------------------------------------------------------

def _complete(script: Path, *mots: str) -> list[str]:
    """What bash offers after ``alize-docs MOTS`` (the last word being typed), with the script loaded."""
    mots_bash = " ".join(f"'{m}'" for m in ("alize-docs", *mots))
    resultat = subprocess.run(["bash", "-c", f"source {script}; COMP_WORDS=({mots_bash}); "
                               f"COMP_CWORD={len(mots)}; _shtab_alize_docs; printf '%s\\n' \"${{COMPREPLY[@]}}\""],
                              capture_output=True, text=True, timeout=60, cwd=script.parent)
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.split()


def test_bash_completes_commands_options_and_files(tmp_path: Path) -> None:
    resultat = run("--completion", "bash")
    assert resultat.returncode == 0
    assert resultat.stdout.startswith("# Complétion de alize-docs pour bash")
    script = tmp_path / "alize-docs.bash"
    script.write_text(resultat.stdout, encoding="utf-8")
    (tmp_path / "toulinois.yaml").write_text("")
    (tmp_path / "sortie").mkdir()
    assert _complete(script, "gen") == ["generer"]
    assert _complete(script, "ver") == ["verifier-clauses"]
    assert "--pdf" in _complete(script, "generer", "--p")
    assert _complete(script, "valider", "toul") == ["toulinois.yaml"]
    assert "--silencieux" in _complete(script, "lot", "--s")
    for shell in ("zsh", "tcsh"):
        assert "generer" in run("--completion", shell).stdout


@pytest.mark.slow
def test_a_reader_that_goes_away_does_not_stop_the_batch(tmp_path: Path) -> None:
    """« alize-docs lot … | head -1 »: the batch finishes, and its exit code is the batch's (not 0 by default)."""
    source = tmp_path / "source"
    source.mkdir()
    for i in range(3):
        (source / f"t{i}.yaml").write_text(TERRITOIRE.read_text(encoding="utf-8").replace(
            "nom: Toulinois", f"nom: Toulinois {i}", 1), encoding="utf-8")
    (source / "casse.yaml").write_text("dispositif: [", encoding="utf-8")
    resultat = subprocess.run(f"{COMMANDE} lot {source} -o {tmp_path / 'sortie'} --jobs 1 | head -1", shell=True,
                              capture_output=True, text=True, timeout=300,
                              executable="/bin/bash")
    assert resultat.stdout.count("\n") == 1
    assert sorted(p.name for p in (tmp_path / "sortie").iterdir() if p.is_dir()) == [
        "Toulinois 0", "Toulinois 1", "Toulinois 2"]
    assert (tmp_path / "sortie" / "rapport-lot.json").is_file()
    code = subprocess.run(f"set -o pipefail; {COMMANDE} lot {source} -o {tmp_path / 'sortie'} --jobs 1 | head -1",
                          shell=True, capture_output=True, text=True, timeout=300, executable="/bin/bash")
    assert code.returncode == 1  # the broken file, not « everything went well »
    assert "Traceback" not in resultat.stderr + code.stderr


def test_quiet_and_verbose_may_come_before_the_command() -> None:
    assert run("-q", "valider", TERRITOIRE).stdout == ""
    assert run("--silencieux", "valider", TERRITOIRE).returncode == 0


def test_help_headings_and_quotes_are_french() -> None:
    aide = run("generer", "--aide").stdout
    assert "options\u00a0:" in aide and "arguments\u00a0:" in aide
    assert "choix invalide « fish »" in run("--completion", "fish").stderr
