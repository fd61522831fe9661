"""Issue 15, « Bounded and all-or-nothing »: rendering budgets, the safe reader on every user file, writes
all or nothing, one batch per folder, and a corpus of broken files for every reader."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import alize_docs
from alize_docs.batch import run_batch
from alize_docs.clauses.library import ClauseLibrary, LimitesRendu, bundled_path
from alize_docs.errors import ClauseError, CommandError, EcritureError, RenderError
from alize_docs.office import FichierRefuse
from alize_docs.output import ecrire_ensemble
from alize_docs.render.provenance import read_provenance_file
from alize_docs.render.text import docx_text

from .conftest import FIXTURES, RACINE, TERRITOIRE, run_cli

COOPERATION = FIXTURES / "cooperation-menuiseries-du-toulois.yaml"
GABARIT = bundled_path("templates") / "convention.docx"
_EN_TETE = 'id: cooperation/titre\nversion: "2008"\ntitre: essai\n---\n'
_BOUCLES = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def _jamais_interne(sortie: str) -> None:
    assert "erreur interne" not in sortie and "Traceback" not in sortie, sortie


# --- 1. A budget for rendering ---------------------------------------------------------------------------


def clause_folder(tmp_path: Path, texte: str, ident: str = "cooperation/titre") -> Path:
    dossier = tmp_path / "clauses"
    (dossier / ident).mkdir(parents=True, exist_ok=True)
    (dossier / ident / "2008.txt").write_text(_EN_TETE.replace("cooperation/titre", ident) + texte,
                                              encoding="utf-8")
    return dossier


@pytest.mark.parametrize(("texte", "limite"), [
    ('{{ "x" * 1000000000 }}', "valeur trop grande (1000000000"),
    ('{{ [1, 2] * 900000000 }}', "valeur trop grande"),
    (_BOUCLES, "trop de tours de boucle (limite : 100000 par document)"),
    ('{{ "%999999999d" % 1 }}', "valeur trop grande"),
    ('{{ "{:>999999999}".format(1) }}', "valeur trop grande"),
    ('{{ "x" | center(999999999) }}', "valeur trop grande"),
    ('{{ "x".ljust(999999999) }}', "argument trop grand"),
    ('{{ "xxxxxxxxxx" | replace("x", "y" * 900000) }}', "valeur trop grande"),
    ('{% set s = "x" * 900000 %}{{ s ~ s }}', "valeur trop grande (1800000"),
    ('{{ 10 ** 100000000 }}', "nombre trop grand"),
    ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "texte rendu trop long"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "récursion trop profonde"),
], ids=["chaine", "liste", "boucles", "pourcent", "format", "center", "ljust", "replace", "tilde", "puissance",
        "sortie", "recursion"])
def test_a_hostile_clause_is_stopped_fast_naming_clause_version_and_limit(tmp_path: Path, texte: str,
                                                                          limite: str) -> None:
    library = ClauseLibrary([clause_folder(tmp_path, texte)])
    with pytest.raises(ClauseError) as exc:
        library.render(library.clause("cooperation/titre", "2008"), {})
    message = str(exc.value)
    assert message.startswith("clause cooperation/titre@2008") and "limite de rendu dépassée" in message
    assert limite in message


def test_limits_are_settings_per_document_and_wall_time(tmp_path: Path) -> None:
    dossier = clause_folder(tmp_path, "{% for i in range(50) %}{{ 'abcdefghij' }}{% endfor %}")
    clause = ClauseLibrary([dossier]).clause("cooperation/titre", "2008")
    assert ClauseLibrary([dossier]).render(clause, {})  # 500 characters: within the defaults
    petite = ClauseLibrary([dossier], limites=LimitesRendu(sortie_clause=100))
    with pytest.raises(ClauseError, match="limite : 100 caractères par clause"):
        petite.render(clause, {})
    with pytest.raises(ClauseError, match="limite : 20 par document"):
        ClauseLibrary([dossier], limites=LimitesRendu(iterations=20)).render(clause, {})
    lente = ClauseLibrary([clause_folder(tmp_path, _BOUCLES)],
                          limites=LimitesRendu(iterations=10**12, duree_document=0.2))
    with pytest.raises(ClauseError, match=r"durée de rendu dépassée \(limite : 0.2 s par document\)"):
        lente.render(lente.clause("cooperation/titre", "2008"), {})


def test_the_document_budget_adds_up_its_clauses(library: ClauseLibrary, tmp_path: Path) -> None:
    alize_docs.generate(TERRITOIRE, tmp_path / "a")  # the real documents fit the defaults…
    serree = ClauseLibrary(limites=LimitesRendu(sortie_document=5_000))  # … and a whole convention is > 5 000
    with pytest.raises(ClauseError, match="document trop long"):
        alize_docs.render_convention(alize_docs.load_territoire(TERRITOIRE), serree)


def test_big_numbers_as_values_are_not_limits(tmp_path: Path) -> None:
    texte = '{{ "{} €".format(150000000) }} {{ "%d" % 2000000000 }} {{ [1500000, 2] | join(" ") }}'
    library = ClauseLibrary([clause_folder(tmp_path, texte)])
    [bloc] = library.render(library.clause("cooperation/titre", "2008"), {})
    assert "150000000\xa0€" in bloc.text and "2000000000" in bloc.text  # the € after a number: no-break space


def test_a_clause_cannot_reach_the_budget_hooks(tmp_path: Path) -> None:
    library = ClauseLibrary([clause_folder(tmp_path, "{% set _alize_iterer = range %}x")])
    with pytest.raises(ClauseError, match="nom réservé « _alize_iterer »"):
        library.render(library.clause("cooperation/titre", "2008"), {})


def _lot_de_cooperations(tmp_path: Path) -> Path:
    """Two agreements of one territory (kept outside the batch): TOUL-2011-003 and TOUL-2011-004."""
    shutil.copy(TERRITOIRE, tmp_path / "toulinois.yaml")
    source = tmp_path / "source"
    source.mkdir()
    texte = COOPERATION.read_text(encoding="utf-8").replace("dispositif: toulinois.yaml",
                                                            "dispositif: ../toulinois.yaml")
    (source / "a.yaml").write_text(texte, encoding="utf-8")
    (source / "b.yaml").write_text(texte.replace("TOUL-2011-003", "TOUL-2011-004"), encoding="utf-8")
    return source


def _titre_qui_boucle(tmp_path: Path) -> Path:
    original = (bundled_path("clauses") / "cooperation" / "titre" / "2008.txt").read_text(encoding="utf-8")
    dossier = tmp_path / "clauses" / "cooperation" / "titre"
    dossier.mkdir(parents=True)
    (dossier / "2008.txt").write_text(original + '{% if cooperation.numero == "TOUL-2011-004" %}' + _BOUCLES
                                      + "{% endif %}\n", encoding="utf-8")
    return tmp_path / "clauses"


def test_in_a_batch_the_looping_item_fails_and_the_batch_goes_on(tmp_path: Path) -> None:
    rapport = run_batch(_lot_de_cooperations(tmp_path), tmp_path / "out", jobs=2,
                        library=ClauseLibrary([_titre_qui_boucle(tmp_path)]))
    statuts = {r.source.rsplit("/", 1)[-1]: r for r in rapport.resultats}
    assert statuts["a.yaml"].statut == "écrit"
    assert statuts["b.yaml"].statut == "échec"
    assert "clause cooperation/titre@2008" in statuts["b.yaml"].problemes[0].message
    assert "trop de tours de boucle" in statuts["b.yaml"].problemes[0].message


@pytest.mark.slow
def test_a_worker_stuck_in_a_clause_is_ended_and_replaced(tmp_path: Path) -> None:
    sans_limite = LimitesRendu(iterations=10**15, duree_document=10**6)  # only the parent's timeout is left
    rapport = run_batch(_lot_de_cooperations(tmp_path), tmp_path / "out", jobs=2,
                        clauses=[_titre_qui_boucle(tmp_path)], limites=sans_limite, delai_element=1.0)
    statuts = {r.source.rsplit("/", 1)[-1]: r for r in rapport.resultats}
    assert statuts["a.yaml"].statut == "écrit"
    assert statuts["b.yaml"].statut == "échec" and statuts["b.yaml"].problemes[0].code == "timeout"
    assert "a dépassé 1 s" in statuts["b.yaml"].problemes[0].message


# --- 2 and 5. The safe reader on every user file; a corpus of broken files ---------------------------------


def _parties(source: Path = GABARIT) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as archive:
        return {nom: archive.read(nom) for nom in archive.namelist()}


def _zip(parties: list[tuple[str, bytes]] | dict[str, bytes]) -> bytes:
    sortie = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we make on purpose
        with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
            for nom, contenu in (parties.items() if isinstance(parties, dict) else parties):
                archive.writestr(nom, contenu)
    return sortie.getvalue()


def _remplace(nom: str, ancien: bytes, nouveau: bytes) -> bytes:
    parties = _parties()
    assert ancien in parties[nom]
    parties[nom] = parties[nom].replace(ancien, nouveau)
    return _zip(parties)


_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XXE = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&x;</w:document>')
DOCX_CASSES: dict[str, tuple[Callable[[], bytes], str]] = {
    "tronque": (lambda: GABARIT.read_bytes()[: GABARIT.stat().st_size // 2], "l'archive est tronquée ou corrompue"),
    "pas-un-zip": (lambda: b"PK\x03\x04 ce n'est pas un zip", "l'archive est tronquée ou corrompue"),
    "partie-absente": (lambda: _zip({n: c for n, c in _parties().items() if n != "word/document.xml"}),
                       "la partie word/document.xml est absente"),
    "mauvais-type": (lambda: _remplace("[Content_Types].xml", _MAIN, b"application/xml"),
                     "la partie word/document.xml est de type « application/xml »"),
    "macros": (lambda: _remplace("[Content_Types].xml", _MAIN,
                                 b"application/vnd.ms-word.document.macroEnabled.main+xml"), "contient des macros"),
    "doublon": (lambda: _zip([*_parties().items(), ("word/document.xml", b"<x/>")]),
                "contient deux fois la partie word/document.xml"),
    "remonte": (lambda: _zip({**_parties(), "../../evil.xml": b"<x/>"}),
                "nom de partie dangereux (« ../../evil.xml »)"),
    "bombe": (lambda: _zip({**_parties(), "word/bombe.xml": b"<a>" + b" " * 3_000_000 + b"</a>"}),
              "compressée plus de 100 fois"),
    "xxe": (lambda: _zip({**_parties(), "word/document.xml": _XXE, "docProps/custom.xml": _XXE}),
            "déclare un DOCTYPE"),
}


@pytest.fixture(scope="module")
def generes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return alize_docs.generate(COOPERATION, tmp_path_factory.mktemp("generes"))


@pytest.mark.parametrize("cas", DOCX_CASSES)
def test_inspecter_and_comparer_refuse_a_broken_docx_in_french(tmp_path: Path, cas: str, generes: list[Path]) -> None:
    fabrique, raison = DOCX_CASSES[cas]
    chemin = tmp_path / "fichier.docx"
    chemin.write_bytes(fabrique())
    resultat = run_cli("inspecter", chemin)
    assert resultat.returncode == 3, resultat
    _jamais_interne(resultat.stdout + resultat.stderr)
    assert "fichier.docx refusé : " in resultat.stderr and raison in resultat.stderr, resultat.stderr
    resultat = run_cli("comparer", generes[0], chemin)
    assert resultat.returncode == 3 and "fichier.docx refusé : " in resultat.stderr and raison in resultat.stderr
    _jamais_interne(resultat.stdout + resultat.stderr)


def test_inspecter_still_reads_a_generated_docx_and_pdf_and_asks_for_one(tmp_path: Path, generes: list[Path]) -> None:
    resultat = run_cli("inspecter", generes[0])
    assert resultat.returncode == 0 and "document : cooperation" in resultat.stdout
    resultat = run_cli("inspecter", COOPERATION)
    assert resultat.returncode == 2
    assert "inspecter attend un document .docx ou .pdf produit par alize-docs" in resultat.stderr
    (tmp_path / "faux.pdf").write_bytes(b"%PDF-1.7 tronque")
    resultat = run_cli("inspecter", tmp_path / "faux.pdf")
    assert resultat.returncode == 3 and "faux.pdf refusé : ce n'est pas un PDF lisible" in resultat.stderr
    _jamais_interne(resultat.stderr)


def test_a_user_template_goes_through_the_safe_reader(tmp_path: Path) -> None:
    (tmp_path / "gabarits").mkdir()
    (tmp_path / "gabarits" / "convention.docx").write_bytes(_zip({**_parties(), "../evil.xml": b"<x/>"}))
    with pytest.raises(RenderError, match=r"gabarit convention.docx refusé : l'archive contient un nom de partie "
                                          r"dangereux"):
        alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=tmp_path / "gabarits")
    (tmp_path / "gabarits" / "convention.docx").write_bytes(
        _zip({**_parties(), "word/_rels/document.xml.rels": _XXE}))
    with pytest.raises(RenderError, match="déclare un DOCTYPE"):
        alize_docs.generate(TERRITOIRE, tmp_path / "out", gabarits=tmp_path / "gabarits")
    assert not (tmp_path / "out").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_docx_is_read_or_refused_never_a_crash(data: st.DataObject) -> None:
    octets = bytearray(GABARIT.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        octets[data.draw(st.integers(0, len(octets) - 1))] = data.draw(st.integers(0, 255))
    coupe = bytes(octets[: data.draw(st.integers(0, len(octets)))])
    for lecture in (lambda: docx_text(coupe, "x.docx"), lambda: read_provenance_file(Path("x.docx"), coupe)):
        try:
            lecture()
        except FichierRefuse as exc:
            assert str(exc).startswith("x.docx refusé : ")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused_as_a_docx(donnees: bytes) -> None:
    with pytest.raises(FichierRefuse):
        docx_text(donnees, "x.docx")


def _classeur(tmp_path: Path, remplir: Callable[[Workbook], None], nom: str = "classeur.xlsx",
              write_only: bool = False) -> Path:
    classeur = Workbook(write_only=write_only)
    remplir(classeur)
    chemin = tmp_path / nom
    classeur.save(chemin)
    return chemin


def _entete(feuille: object) -> None:
    from alize_docs.inputs.workbook import COLONNES

    feuille.append([c.chemin for c in COLONNES])  # type: ignore[attr-defined]
    feuille.append([c.exemple for c in COLONNES])  # type: ignore[attr-defined]


def test_workbook_with_formulas_merged_cells_and_dates_as_text_is_reported_per_row(tmp_path: Path) -> None:
    shutil.copy(TERRITOIRE, tmp_path / "toulinois.yaml")

    def remplir(classeur: Workbook) -> None:
        feuille = classeur.active
        _entete(feuille)
        feuille["M2"] = "=1+1"  # beneficiaire.siren, saved without its value
        feuille.append(feuille[2] and [c.value for c in feuille[2]])
        feuille["D3"] = "le 15 mars"  # comite.date as text
        feuille.merge_cells("A4:C4")
        feuille["A4"] = "toulinois.yaml"

    resultat = run_cli("lot", _classeur(tmp_path, remplir), "-o", tmp_path / "out")
    _jamais_interne(resultat.stdout + resultat.stderr)
    assert resultat.returncode == 1
    assert "formule enregistrée sans sa valeur calculée" in resultat.stdout
    assert "classeur.xlsx, ligne 3" in resultat.stdout and "classeur.xlsx, ligne 4" in resultat.stdout


@pytest.mark.slow
def test_a_workbook_of_100000_rows_is_refused(tmp_path: Path) -> None:
    def remplir(classeur: Workbook) -> None:
        feuille = classeur.create_sheet("Conventions")
        feuille.append(["numero"])
        for i in range(100_000):
            feuille.append([i])

    chemin = _classeur(tmp_path, remplir, write_only=True)
    resultat = run_cli("lot", chemin, "-o", tmp_path / "out")  # refused by counting rows, before openpyxl reads them
    assert resultat.returncode == 3
    assert "classeur.xlsx refusé : le classeur compte plus de 10000 lignes" in resultat.stderr
    _jamais_interne(resultat.stderr)


@pytest.mark.parametrize(("cas", "raison"), [
    ("feuille-absente", "la partie xl/worksheets/sheet1.xml est absente"),
    ("xxe", "déclare un DOCTYPE"),
    ("bombe", "compressée plus de 100 fois"),
    ("pas-un-classeur", "ce n'est pas un classeur Excel (.xlsx) : la partie xl/workbook.xml est absente"),
])
def test_a_broken_workbook_is_refused_in_french(tmp_path: Path, cas: str, raison: str) -> None:
    propre = _classeur(tmp_path, lambda c: _entete(c.active), "propre.xlsx")
    parties = _parties(propre)
    if cas == "feuille-absente":
        del parties["xl/worksheets/sheet1.xml"]
    elif cas == "xxe":
        parties["xl/sharedStrings.xml"] = _XXE
    elif cas == "bombe":
        parties["xl/bombe.xml"] = b"<a>" + b" " * 3_000_000 + b"</a>"
    else:
        parties = _parties()
    (tmp_path / "classeur.xlsx").write_bytes(_zip(parties))
    resultat = run_cli("lot", tmp_path / "classeur.xlsx", "-o", tmp_path / "out")
    _jamais_interne(resultat.stdout + resultat.stderr)
    assert resultat.returncode == 3 and "classeur.xlsx refusé : " in resultat.stderr
    if cas != "feuille-absente":
        assert raison in resultat.stderr, resultat.stderr


@pytest.mark.parametrize(("contenu", "attendu"), [
    (lambda: ("a: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(), "imbrique plus de 64 niveaux"),
    (lambda: "".join("  " * i + f"k{i}:\n" for i in range(200)).encode(), "imbrique plus de 64 niveaux"),
    (lambda: ("a: " + "{x: " * 10_000 + "1" + "}" * 10_000 + "\n").encode(), "imbrique plus de 64 niveaux"),
    (lambda: b'a: &a ["lol","lol","lol"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\nd: [*c,*c,*c]\n', "alias YAML"),
    (lambda: b"nom: " + b"x" * 50_000_000 + b"\n", "dépasse 2 Mo"),
    (lambda: bytes(range(256)) * 20, "UTF-8"),
    (lambda: b"\x00\x01\x02binaire\xff\xfe", "UTF-8"),
], ids=["listes", "rubriques", "flux", "rires", "50-mo", "binaire", "binaire-court"])
def test_a_hostile_yaml_gets_a_french_report(tmp_path: Path, contenu: Callable[[], bytes], attendu: str) -> None:
    chemin = tmp_path / "saisie.yaml"
    chemin.write_bytes(contenu())
    for commande in (("valider", chemin), ("generer", chemin, "-o", tmp_path / "out")):
        resultat = run_cli(*commande)
        assert resultat.returncode == 1, resultat
        assert attendu in resultat.stdout + resultat.stderr
        _jamais_interne(resultat.stdout + resultat.stderr)
    assert not (tmp_path / "out").exists()


# --- 3. All or nothing for a dossier ----------------------------------------------------------------------


def _empreintes(dossier: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dossier.iterdir())}


@pytest.mark.slow
def test_a_file_size_limit_leaves_the_previous_documents_and_nothing_new(tmp_path: Path) -> None:
    sortie = tmp_path / "out"
    sortie.mkdir()
    noms = [f"{n}-toulinois.docx" for n in ("convention-partenariat", "annexe-1-budget",
                                             "annexe-2-cahier-des-charges", "annexe-3-operateur-local",
                                             "dossier-signature")]
    anciens = {n: f"ancienne version de {n}".encode() for n in noms}
    for nom, contenu in anciens.items():
        (sortie / nom).write_bytes(contenu)
    avant = _empreintes(sortie)
    environnement = {**os.environ, "PYTHONPATH": str(RACINE), "LC_ALL": "C.UTF-8"}
    resultat = subprocess.run(["prlimit", "--fsize=30000", sys.executable, "-m", "alize_docs", "generer",
                               str(TERRITOIRE), "-o", str(sortie), "--force"], capture_output=True, text=True,
                              env=environnement, timeout=60)
    assert resultat.returncode == 3, resultat.stderr
    assert "taille de fichier limitée par le système : " in resultat.stderr
    assert "File too large" not in resultat.stderr + resultat.stdout
    _jamais_interne(resultat.stderr)
    assert _empreintes(sortie) == avant  # the previous documents untouched, no leftover


def test_a_full_disk_during_the_moves_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sortie = tmp_path / "out"
    sortie.mkdir()
    (sortie / "b.docx").write_bytes(b"ancien b")
    reel = os.replace
    appels = []

    def replace(source: object, cible: object) -> None:
        appels.append(cible)
        if len(appels) == 3:  # a.docx moved, b.docx set aside: the new b.docx fails
            raise OSError(errno.ENOSPC, "No space left on device")
        reel(source, cible)  # type: ignore[arg-type]

    monkeypatch.setattr("alize_docs.output.os.replace", replace)
    with pytest.raises(EcritureError, match=r"espace disque insuffisant pour écrire .*out/b\.docx\."):
        ecrire_ensemble(sortie, {"a.docx": b"nouveau a", "b.docx": b"nouveau b", "c.docx": b"nouveau c"})
    monkeypatch.undo()
    assert _empreintes(sortie) == {"b.docx": hashlib.sha256(b"ancien b").hexdigest()}
    assert ecrire_ensemble(tmp_path / "neuf", {"a.docx": b"a"}) == [tmp_path / "neuf" / "a.docx"]
    assert [p.name for p in (tmp_path / "neuf").iterdir()] == ["a.docx"]


def test_a_failed_write_in_a_new_folder_removes_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def panne(chemin: Path, donnees: bytes) -> None:
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr("alize_docs.output._ecrire", panne)
    with pytest.raises(EcritureError, match=r"taille de fichier limitée par le système : .*a\.docx"):
        ecrire_ensemble(tmp_path / "nouveau", {"a.docx": b"a"})
    assert list(tmp_path.iterdir()) == []


# --- 4. One batch per output folder at a time -------------------------------------------------------------


_TENIR = ("import sys, time\nfrom filelock import FileLock\nverrou = FileLock(sys.argv[1], timeout=0)\n"
          "verrou.acquire()\nprint('pris', flush=True)\ntime.sleep(60)\n")


def _tenir_le_verrou(sortie: Path) -> subprocess.Popen[str]:
    sortie.mkdir(parents=True, exist_ok=True)
    enfant = subprocess.Popen([sys.executable, "-c", _TENIR, str(sortie / ".alize-lot.lock")], stdout=subprocess.PIPE,
                              text=True)
    assert enfant.stdout is not None and enfant.stdout.readline().strip() == "pris"
    return enfant


def test_a_second_batch_on_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "vide.yaml").write_text("", encoding="utf-8")
    enfant = _tenir_le_verrou(tmp_path / "out")
    try:
        resultat = run_cli("lot", tmp_path / "source", "-o", tmp_path / "out")
        assert resultat.returncode == 2
        assert "est déjà utilisé par un autre lot en cours" in resultat.stderr
        with pytest.raises(CommandError):
            run_batch(tmp_path / "source", tmp_path / "out")
    finally:
        enfant.kill()
        enfant.wait()
        enfant.stdout.close()  # type: ignore[union-attr]


def test_the_lock_of_a_killed_batch_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "vide.yaml").write_text("", encoding="utf-8")
    enfant = _tenir_le_verrou(tmp_path / "out")
    os.kill(enfant.pid, signal.SIGKILL)
    enfant.wait()
    enfant.stdout.close()  # type: ignore[union-attr]
    resultat = run_cli("lot", tmp_path / "source", "-o", tmp_path / "out")
    assert resultat.returncode == 1 and "invalide" in resultat.stdout  # the batch ran: its one item is empty
    assert (tmp_path / "out" / "rapport-lot.json").is_file()
