"""The ``alize-docs`` command: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 success, 1 invalid input (the report says why), 2 usage error (a folder already used by another
batch included), 3 the tool could not do it: a clause, model or template problem, a user file refused by the safe
reader, a failed write, LibreOffice, or a bug of ours (each reported in French without a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from alize_docs._version import __version__
from alize_docs.api import check_file, documents_using, generate, inspect_file
from alize_docs.clauses.library import ClauseLibrary, bundled_path
from alize_docs.errors import AlizeError, ClauseError, CommandError, InvalidInput, ModelError, raison_systeme
from alize_docs.formatting import parse_date
from alize_docs.output import write_atomic

OK, INVALIDE, USAGE, INTERNE = 0, 1, 2, 3

_TRADUCTIONS = (  # every message of argparse a user can meet (Python 3.11–3.13 wordings), in French
    (r"the following arguments are required: (.*)", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"one of the arguments (.*) is required", r"l'un de ces arguments est obligatoire : \1"),
    (r"unrecognized arguments: (.*)", r"argument(s) non reconnu(s) : \1"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"choix invalide \1 (au choix : \2)"),
    (r"invalid (\w+) value: (.*)", r"valeur invalide \2 (nombre entier attendu)"),
    (r"expected one argument", r"attend une valeur"),
    (r"expected at most one argument", r"attend au plus une valeur"),
    (r"expected at least one argument", r"attend au moins une valeur"),
    (r"expected (\d+) arguments?", r"attend \1 valeur(s)"),
    (r"not allowed with argument (.*)", r"incompatible avec \1"),
    (r"ignored explicit argument (.*)", r"valeur inattendue \1"),
    (r"ambiguous option: (.*?) could match (.*)", r"option ambiguë : \1 (\2)"),
    (r"unexpected option string: (.*)", r"option inattendue : \1"),
    (r"unknown parser (.*?) \(choices: (.*)\)", r"commande inconnue \1 (au choix : \2)"),
    (r"^argument (.*?): ", r"\1 : "),
)


def _en_francais(message: str) -> str:
    """Return argparse's English *message* in French.

    >>> _en_francais("argument --jobs/-j: invalid int value: 'abc'")
    "--jobs/-j : valeur invalide 'abc' (nombre entier attendu)"
    >>> _en_francais("argument -o/--sortie: expected one argument")
    '-o/--sortie : attend une valeur'
    """
    for anglais, francais in _TRADUCTIONS:
        message = re.sub(anglais, francais, message)
    return message


class _Parser(argparse.ArgumentParser):
    """argparse speaking French to the user."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "arguments\u00a0"  # argparse adds the colon: « arguments : »
        self._optionals.title = "options\u00a0"
        self.add_argument("-h", "--aide", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str) -> NoReturn:
        message = _en_francais(message)
        if (choix := re.search(r"choix invalide '([^']*)' \(au choix : (.*)\)", message)) is not None:
            proches = difflib.get_close_matches(choix[1], re.findall(r"'([^']*)'", choix[2]), n=1)
            if proches:
                message += f" ; vouliez-vous dire « {proches[0]} » ?"
        message = re.sub(r"'([^']*)'", r"« \1 »", message)
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog} : erreur : {message}\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: object, groups: object, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)  # type: ignore[arg-type]


_EXEMPLES = {
    "valider": ["alize-docs valider toulinois.yaml cooperation-toul-2011-003.yaml",
                "alize-docs valider --json reseau/*.yaml > rapport.json"],
    "generer": ["alize-docs generer toulinois.yaml -o sortie/", "alize-docs generer toulinois.yaml -o sortie/ --pdf"],
    "clauses": ["alize-docs clauses", "alize-docs clauses --clauses clauses-toul/"],
    "verifier-clauses": ["alize-docs verifier-clauses --clauses clauses-toul/", "alize-docs verifier-clauses --ecrire"],
    "comparer": ["alize-docs comparer 2008 2011 -o redline.docx",
                 "alize-docs comparer partenariat/article-5-2-comite-agrement@2008 @2011",
                 "alize-docs comparer signee.docx relue.docx"],
    "lot": ["alize-docs lot reseau/ -o sortie/ --pdf --jobs 2", "alize-docs lot conventions.xlsx -o sortie/"],
    "renouveler": ["alize-docs renouveler toulinois.yaml --date 2013-11-26 -o toulinois-2013.yaml"],
    "avenant": ["alize-docs avenant toulinois.yaml toulinois-modifie.yaml -o sortie/ --date 2011-12-01",
                "alize-docs avenant toulinois.yaml toulinois-modifie.yaml -o sortie/ --numero 2 --pdf"],
    "inspecter": ["alize-docs inspecter sortie/convention-partenariat-toulinois.docx",
                  "alize-docs inspecter sortie/ --clause partenariat/signatures@2008"],
    "controler": ["alize-docs controler sortie/convention-partenariat-toulinois.docx",
                  "alize-docs controler --json sortie/*.docx > controle.json"],
}
"""An example or two per command, shown at the end of its --help."""


def _exemples(commande: str) -> str:
    lignes = _EXEMPLES[commande]
    return ("Exemples :" if len(lignes) > 1 else "Exemple :") + "".join(f"\n  {ligne}" for ligne in lignes)


def _parser() -> _Parser:
    parser = _Parser(
        prog="alize-docs",
        description="Rédige les conventions du programme ALIZÉ® à partir d'un fichier de saisie YAML ou d'un "
                    "classeur (.xlsx, .ods).",
        epilog="Exemples :\n  alize-docs valider toulinois.yaml\n  alize-docs generer toulinois.yaml -o dossier/",
    )
    parser.add_argument("--version", action="version", version=f"alize-docs {__version__}",
                        help="affiche la version et quitte")
    parser.add_argument("--completion", action=_Completion, choices=("bash", "zsh", "tcsh"), metavar="SHELL",
                        help="écrit le script de complétion pour bash, zsh ou tcsh, puis quitte "
                             "(README, section « Shell completion »)")
    commandes = parser.add_subparsers(dest="commande", title="commandes", metavar="COMMANDE",
                                      parser_class=_Parser)
    commandes.required = True

    valider = commandes.add_parser("valider", epilog=_exemples("valider"),
        help="vérifie des fichiers de saisie sans rien écrire",
                                   description="Vérifie chaque fichier et liste tous ses problèmes : "
                                               "la règle, le champ, la ligne, ce qui ne va pas.")
    valider.add_argument("fichiers", nargs="+", metavar="FICHIER",
                         help="fichier de saisie YAML, ou classeur de dispositif .xlsx/.ods (voir tableur)")
    valider.add_argument("--json", action="store_true", help="écrit le rapport en JSON")
    _clauses_option(valider)

    generer = commandes.add_parser("generer", epilog=_exemples("generer"),
        help="produit les documents Word d'un fichier de saisie",
                                   description="Vérifie le fichier puis écrit ses documents : pour un dispositif, "
                                               "la convention de partenariat, ses trois annexes et le dossier de "
                                               "signature qui les réunit ; pour une convention de coopération, "
                                               "celle-ci. Rien n'est écrit si le fichier a un problème.")
    generer.add_argument("fichier", metavar="FICHIER",
                         help="fichier de saisie YAML, ou classeur de dispositif .xlsx/.ods (voir tableur)")
    generer.add_argument("-o", "--sortie", metavar="DOSSIER", required=True, type=Path,
                         help="dossier où écrire les documents (créé au besoin)")
    generer.add_argument("--pdf", action="store_true",
                         help="écrit aussi chaque document en PDF (LibreOffice requis), et le dossier de "
                              "signature en un seul PDF avec un signet par document")
    generer.add_argument("--force", action="store_true",
                         help="remplace aussi les documents du dossier produits à partir d'autres données")
    _clauses_option(generer)

    liste = commandes.add_parser("clauses", epilog=_exemples("clauses"),
        help="liste les clauses, leurs versions et les modèles qui les utilisent")
    _clauses_option(liste)

    verifier = commandes.add_parser("verifier-clauses", epilog=_exemples("verifier-clauses"),
        help="vérifie la bibliothèque de clauses",
                                    description="Vérifie chaque modèle et chaque version de clause : fichiers et "
                                                "métadonnées, syntaxe, variables, rendu sur des exemples, termes "
                                                "obligatoires du programme, exemples rendus à jour.")
    _clauses_option(verifier)
    verifier.add_argument("--ecrire", action="store_true",
                          help="réécrit les exemples rendus de chaque clause et clauses/README.md (variables, "
                               "filtres, balisage), puis vérifie")

    comparer = commandes.add_parser(
        "comparer", epilog=_exemples("comparer"),
        help="compare deux versions d'une clause, deux modèles ou deux documents Word",
        description="A et B : une clause et deux versions (partenariat/article-5-2-comite-agrement@2008 @2011), "
                    "deux modèles (2008 2011) ou deux fichiers .docx. Affiche les différences mot à mot et un "
                    "résumé par clause ; avec -o, écrit un document Word en mode révision (modifications suivies).")
    comparer.add_argument("a", metavar="A")
    comparer.add_argument("b", metavar="B")
    comparer.add_argument("-o", "--sortie", metavar="FICHIER.docx", type=Path,
                          help="écrit les différences comme modifications suivies dans ce document Word")
    comparer.add_argument("--auteur", default="alize-docs", help="auteur des modifications suivies")
    comparer.add_argument("--date", type=_date, default=None, metavar="AAAA-MM-JJ",
                          help="date des modifications suivies (aujourd'hui par défaut)")
    _clauses_option(comparer)

    lot = commandes.add_parser(
        "lot", epilog=_exemples("lot"),
        help="produit en une fois les documents d'un dossier de fichiers ou d'un classeur",
        description="SOURCE : un dossier de fichiers de dispositifs et de conventions de coopération (mélangés, "
                    "YAML ou classeurs), ou un classeur .xlsx de conventions de coopération (voir modele-tableur), "
                    "ou un classeur de dispositif .xlsx/.ods. Tout est vérifié "
                    "d'abord ; les éléments valides sont produits en parallèle, un dossier par dispositif ; un "
                    "élément en échec n'arrête pas les autres. Les éléments inchangés depuis le dernier passage "
                    "ne sont pas refaits. Le rapport est écrit dans DOSSIER/rapport-lot.json.")
    lot.add_argument("source", metavar="SOURCE", type=Path)
    lot.add_argument("-o", "--sortie", metavar="DOSSIER", required=True, type=Path)
    lot.add_argument("--pdf", action="store_true", help="produit aussi les PDF (LibreOffice requis)")
    lot.add_argument("--jobs", "-j", type=_entier_positif, default=None, metavar="N",
                     help="nombre de processus de production (par défaut : le nombre de cœurs)")
    lot.add_argument("--force", action="store_true", help="refait aussi les éléments inchangés")
    _clauses_option(lot)

    renouveler = commandes.add_parser(
        "renouveler", epilog=_exemples("renouveler"),
        help="prépare le fichier de saisie du renouvellement d'une convention",
        description="Écrit NOUVEAU.yaml à partir d'ANCIEN.yaml : nature renouvellement, nouvelle date de "
                    "signature, modèle le plus récent, partenaires et apports repris, et premiers_resultats à "
                    "compléter (le fichier est refusé tant qu'il ne l'est pas).")
    renouveler.add_argument("ancien", metavar="ANCIEN.yaml", type=Path)
    renouveler.add_argument("--date", required=True, type=_date, metavar="AAAA-MM-JJ",
                            help="date de signature de la nouvelle convention")
    renouveler.add_argument("-o", "--sortie", required=True, metavar="NOUVEAU.yaml", type=Path)

    tableur = commandes.add_parser(
        "modele-tableur", help="écrit un classeur à remplir : conventions de coopération, ou un dispositif",
        description="Écrit un classeur .xlsx de conventions de coopération : la ligne des colonnes, une ligne "
                    "d'exemple, et une feuille qui explique chaque colonne. Avec --territoire, un classeur de "
                    "dispositif rempli avec l'exemple du Toulinois, à remplacer par le vôtre.",
        epilog="Exemples :\n  alize-docs modele-tableur conventions.xlsx\n"
               "  alize-docs modele-tableur --territoire dispositif.xlsx")
    tableur.add_argument("fichier", metavar="FICHIER.xlsx", type=Path, nargs="?",
                         help="classeur de conventions de coopération à écrire")
    tableur.add_argument("--territoire", metavar="FICHIER.xlsx", type=Path,
                         help="écrit plutôt un classeur de dispositif (feuilles Dispositif, Partenaires, Comité, "
                              "Opérateur, Financeurs, Dépenses, Aide)")

    classeur = commandes.add_parser(
        "tableur", help="écrit le fichier d'un dispositif sous forme de classeur .xlsx",
        description="Écrit TERRITOIRE.yaml en classeur .xlsx (Excel, LibreOffice Calc) : une feuille par partie, "
                    "listes déroulantes, formats des montants et des dates, et une feuille « Aide ». Le classeur "
                    "rempli s'utilise comme le fichier YAML : valider, generer, lot.",
        epilog="Exemple :\n  alize-docs tableur toulinois.yaml -o toulinois.xlsx\n"
               "  alize-docs generer toulinois.xlsx -o dossier/")
    classeur.add_argument("territoire", metavar="TERRITOIRE.yaml", type=Path, help="fichier de saisie d'un dispositif")
    classeur.add_argument("-o", "--sortie", metavar="TERRITOIRE.xlsx", type=Path, required=True,
                          help="classeur à écrire")

    # --- avenant (issue 16)
    avenant = commandes.add_parser(
        "avenant", epilog=_exemples("avenant"),
        help="écrit l'avenant qui fait passer une convention signée à un fichier modifié",
        description="SIGNEE.yaml : le fichier de la convention signée ; MODIFIEE.yaml : le même, modifié (un "
                    "partenaire qui adhère ou se retire, un apport, l'opérateur local…). Écrit "
                    "avenant-N-<dispositif>.docx (un article par changement), les annexes qu'il remplace, et "
                    "convention-consolidee-N-<dispositif>.docx, la convention modifiée en mode révision. Refuse, "
                    "sans rien écrire, un terme non négociable modifié, une date hors des trois ans de la "
                    "convention, un fichier modifié invalide ou sans changement.")
    avenant.add_argument("signee", metavar="SIGNEE.yaml", help="fichier de saisie de la convention signée")
    avenant.add_argument("modifiee", metavar="MODIFIEE.yaml", help="fichier de saisie modifié")
    avenant.add_argument("-o", "--sortie", metavar="DOSSIER", required=True, type=Path,
                         help="dossier où écrire l'avenant (créé au besoin)")
    avenant.add_argument("--numero", type=_numero, default=None, metavar="N",
                         help="numéro de l'avenant (par défaut : celui qui suit les avenants du dossier, ou 1)")
    avenant.add_argument("--date", type=_date, default=None, metavar="AAAA-MM-JJ",
                         help="date de signature de l'avenant (aujourd'hui par défaut)")
    avenant.add_argument("--pdf", action="store_true", help="écrit aussi chaque document en PDF (LibreOffice requis)")
    _clauses_option(avenant)
    # --- end avenant

    inspecter = commandes.add_parser(
        "inspecter", epilog=_exemples("inspecter"),
        help="montre de quoi un document a été fait (modèle, versions des clauses, données)",
        description="Pour un fichier .docx ou .pdf produit par alize-docs : son modèle, ses clauses (id, version, "
                    "empreinte), l'empreinte des données et l'outil. Pour un dossier avec --clause id@version : "
                    "les documents construits avec cette version.")
    inspecter.add_argument("chemin", metavar="FICHIER|DOSSIER", type=Path)
    inspecter.add_argument("--clause", metavar="ID@VERSION", help="liste les documents qui utilisent cette version")
    _controler_parser(commandes)
    for sous_commande in commandes.choices.values():
        _verbosity_options(sous_commande)
    _verbosity_options(parser, "niveau_global")
    return parser


class _Completion(argparse.Action):
    """--completion SHELL: print the shell's completion script (built by shtab from this parser) and exit."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, valeur: object,
                 option: str | None = None) -> None:
        import shtab

        for action in _actions(parser):  # paths complete as files, folders as folders
            if isinstance(action, argparse._SubParsersAction):
                continue
            metavar = str(action.metavar or "")
            if metavar in ("DOSSIER", "SOURCE", "FICHIER|DOSSIER"):
                action.complete = shtab.DIRECTORY if metavar == "DOSSIER" else shtab.FILE  # type: ignore[attr-defined]
            elif action.type is Path or metavar in ("A", "B") or "FICHIER" in metavar or "." in metavar:
                action.complete = shtab.FILE  # type: ignore[attr-defined]
        script = shtab.complete(parser, shell=str(valeur))
        entete = [f"# Complétion de alize-docs pour {valeur}, écrite par « alize-docs --completion {valeur} » (shtab).",
                  "# Chargez-la depuis votre fichier d'initialisation du shell (README, section « Shell completion »)."]
        lignes = script.splitlines()
        debut = next((i for i, ligne in enumerate(lignes) if ligne.strip() and not ligne.startswith("#")), 0)
        print("\n".join([*entete, *lignes[debut:]]))
        parser.exit(OK)


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """Every argument of *parser* and of its subcommands."""
    actions = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sous in dict.fromkeys(action.choices.values()):
                actions += _actions(sous)
    return actions


def _verbosity_options(parser: argparse.ArgumentParser, dest: str = "niveau") -> None:
    """-q and -v on a subcommand, or before it (*dest* ``niveau_global``): how much it prints (problems and errors
    are printed whatever the level)."""
    groupe = parser.add_mutually_exclusive_group()
    groupe.add_argument("-q", "--quiet", "--silencieux", dest=dest, action="store_const", const=0,
                        default=1 if dest == "niveau" else None,
                        help="n'affiche que les problèmes et les erreurs (le code de sortie dit le reste)")
    groupe.add_argument("-v", "--verbose", "--detaille", dest=dest, action="store_const", const=2,
                        help="affiche aussi le détail : modèle, clauses et empreinte de chaque document écrit, "
                             "chaque élément d'un lot")


def _dire(arguments: argparse.Namespace, texte: str) -> None:
    """Print *texte* unless the command runs with --quiet."""
    if getattr(arguments, "niveau", 1) >= 1:
        print(texte, flush=True)


def _detailler(arguments: argparse.Namespace, texte: str) -> None:
    """Print *texte* only with --verbose."""
    if getattr(arguments, "niveau", 1) >= 2:
        print(texte, flush=True)


def _date(texte: str) -> dt.datetime:
    try:
        return dt.datetime.combine(parse_date(texte), dt.time(), tzinfo=dt.UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {texte} » (AAAA-MM-JJ ou JJ/MM/AAAA, avec un jour qui "
                                         "existe)") from None


def _entier_positif(texte: str) -> int:
    if not texte.strip().isdigit() or int(texte) < 1:
        raise argparse.ArgumentTypeError(f"« {texte} » n'est pas un nombre entier positif")
    return int(texte)


def _numero(texte: str) -> int:
    if not texte.isdigit() or int(texte) < 1:
        raise argparse.ArgumentTypeError(f"numéro d'avenant invalide « {texte} » (un entier positif)")
    return int(texte)


def _clauses_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clauses", metavar="DOSSIER", type=Path, action="append", default=[],
                        help="dossier de clauses prioritaire sur les clauses fournies (répétable)")


class _SortieTolerante(io.TextIOBase):
    """Standard output that a closed pipe (``| head``) does not interrupt: once the reader is gone, what follows is
    dropped and the command finishes its work (a batch, a redline), its exit code telling how it went."""

    def __init__(self, flux: TextIO) -> None:
        self.flux, self.fermee = flux, False

    def write(self, texte: str) -> int:
        if not self.fermee:
            try:
                self.flux.write(texte)
            except BrokenPipeError:
                self._fermer()
        return len(texte)

    def flush(self) -> None:
        if not self.fermee:
            try:
                self.flux.flush()
            except BrokenPipeError:
                self._fermer()

    def _fermer(self) -> None:
        self.fermee = True
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):  # nor the interpreter's flush at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.flux.fileno())

    def isatty(self) -> bool:
        return not self.fermee and self.flux.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.flux, "encoding", "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ancienne = sys.stdout
    sys.stdout = _SortieTolerante(ancienne)
    try:
        return _main(argv)
    finally:
        sys.stdout.flush()
        sys.stdout = ancienne


def _main(argv: Sequence[str] | None) -> int:
    try:
        arguments = _parser().parse_args(argv)
        if getattr(arguments, "niveau_global", None) is not None and getattr(arguments, "niveau", 1) == 1:
            arguments.niveau = arguments.niveau_global  # « alize-docs -q valider … » as « valider -q »
        library = ClauseLibrary(_clause_folders(getattr(arguments, "clauses", [])))
        commandes = {"valider": _valider, "generer": _generer, "clauses": _lister, "verifier-clauses": _verifier,
                     "comparer": _comparer, "inspecter": _inspecter, "lot": _lot, "modele-tableur": _tableur,
                     "renouveler": _renouveler, "tableur": _classeur, "avenant": _avenant,
                     "controler": _controler}
        return commandes[arguments.commande](arguments, library)
    except ClauseError as exc:
        print(f"alize-docs : erreur dans les clauses : {exc}", file=sys.stderr)
        return INTERNE
    except ModelError as exc:
        print(f"alize-docs : erreur dans les modèles : {exc}", file=sys.stderr)
        return INTERNE
    except CommandError as exc:
        print(f"alize-docs : erreur : {exc}", file=sys.stderr)
        return USAGE
    except AlizeError as exc:
        print(f"alize-docs : erreur : {exc}", file=sys.stderr)
        return INTERNE
    except KeyboardInterrupt:
        print("\nalize-docs : interrompu. Les fichiers déjà écrits sont complets ; relancez la commande pour "
              "terminer.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"alize-docs : erreur : {exc.filename or 'fichier'} : {raison_systeme(exc)}.", file=sys.stderr)
        return INTERNE
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for whoever debugs it
        if os.environ.get("ALIZE_DOCS_DEBUG"):
            raise
        print(f"alize-docs : erreur interne inattendue ({type(exc).__name__}). Rien n'a été écrit. "
              "Relancez avec ALIZE_DOCS_DEBUG=1 pour le détail et signalez-la.", file=sys.stderr)
        return INTERNE


def _clause_folders(dossiers: Sequence[Path]) -> list[Path]:
    """Return the --clauses folders, each checked to exist and hold clauses or models: a mistyped folder is never
    silently replaced by the bundled clauses."""
    for dossier in dossiers:
        if not dossier.is_dir():
            raise CommandError(f"--clauses {dossier} : ce dossier n'existe pas")
        if not any(dossier.rglob("*.txt")) and not any((dossier / "modeles").glob("*.yaml")):
            raise CommandError(f"--clauses {dossier} : ce dossier ne contient ni clause (<id>/<version>.txt) ni "
                               "modèle (modeles/<nom>.yaml)")
    return list(dossiers)


def _valider(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    rapports = [check_file(f, library) for f in arguments.fichiers]
    if arguments.json:  # one JSON document, whatever the number of files
        documents = [json.loads(r.as_json()) for r in rapports]
        print(json.dumps(documents[0] if len(documents) == 1 else documents, ensure_ascii=False, indent=2))
    for rapport in [] if arguments.json else rapports:
        if rapport.problemes:
            print(rapport.text())
        else:
            _dire(arguments, f"{rapport.source} : valide.")
    return OK if all(r.ok for r in rapports) else INVALIDE


def _generer(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    try:
        chemins = generate(arguments.fichier, arguments.sortie, library, pdf=arguments.pdf, force=arguments.force,
                           avertir=lambda rapport: print(rapport.text(), file=sys.stderr))
    except InvalidInput as exc:
        print(exc.report.text(), file=sys.stderr)
        print("Aucun document n'a été écrit.", file=sys.stderr)
        return INVALIDE
    for chemin in chemins:
        _dire(arguments, f"écrit : {chemin}")
        if arguments.niveau >= 2 and chemin.suffix == ".docx" and (origine := inspect_file(chemin)) is not None:
            n = len(origine.clauses)
            _detailler(arguments, f"  modèle {origine.modele}, {n} clause{'s' if n > 1 else ''}, données "
                                  f"sha256:{origine.donnees_sha256[:12]}…")
    return OK


def _avenant_refs(library: ClauseLibrary, modele: str) -> tuple[tuple[str, str], ...]:
    from alize_docs.assembly.avenant import avenant_refs

    try:
        return avenant_refs(library, modele)
    except ModelError:  # a model without an avenant (a firm's own, older folder)
        return ()


def _avenant(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.api import generate_avenant

    date = arguments.date.date() if arguments.date else None
    try:
        chemins = generate_avenant(arguments.signee, arguments.modifiee, arguments.sortie, arguments.numero, date,
                                   library, pdf=arguments.pdf)
    except InvalidInput as exc:
        print(exc.report.text(), file=sys.stderr)
        print("Aucun document n'a été écrit.", file=sys.stderr)
        return INVALIDE
    for chemin in chemins:
        _dire(arguments, f"écrit : {chemin}")
    return OK


def _lister(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    usages: dict[tuple[str, str], list[str]] = {}
    for modele in sorted(library.modeles()):
        for ident, version in {r for refs in library.modele(modele).documents.values() for r in refs}:
            usages.setdefault((ident, version), []).append(modele)
        for ident, version in set(_avenant_refs(library, modele)):  # avenant: the model's « avenant: » clauses
            usages.setdefault((ident, version), []).append(modele)
    for ident in library.clause_ids():
        versions = library.versions(ident)
        titre = library.clause(ident, versions[-1]).titre
        print(f"{ident}  —  {titre}")
        for version in versions:
            modeles = ", ".join(sorted(usages.get((ident, version), []))) or "aucun modèle"
            print(f"    @{version}  ({modeles})")
    return OK


def _verifier(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.review.clause_docs import sample_problems, write_clause_docs
    from alize_docs.review.library_check import check_library

    if arguments.ecrire:
        for chemin in write_clause_docs(library):
            _dire(arguments, f"écrit : {chemin}")
    problemes = check_library(library) + sample_problems(library, bundled_path("clauses"))
    n_versions = sum(len(library.versions(i)) for i in library.clause_ids())
    bilan = (f"{len(library.clause_ids())} clauses, {n_versions} versions, modèles "
             f"{', '.join(sorted(library.modeles()))}")
    if not problemes:
        _dire(arguments, f"Bibliothèque de clauses ({bilan}) : aucun problème.")
        return OK
    print(f"Bibliothèque de clauses ({bilan}) : {len(problemes)} problème{'s' if len(problemes) > 1 else ''}")
    for probleme in problemes:
        print(f"  - {probleme.text()}")
    return INVALIDE


def _comparer(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.review.compare import compare, terminal_text
    from alize_docs.review.redline import render_redline

    comparaison = compare(arguments.a, arguments.b, library)
    couleur = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(terminal_text(comparaison, couleur))
    if arguments.sortie:
        date = arguments.date or dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        donnees = render_redline(comparaison, bundled_path("templates") / "convention.docx", arguments.auteur, date)
        write_atomic(arguments.sortie, donnees)
        _dire(arguments, f"écrit : {arguments.sortie}")
    return OK


def _lot(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from alize_docs.batch import RAPPORT, ItemResult, run_batch

    if arguments.jobs is not None and arguments.jobs < 1:
        raise CommandError("--jobs attend un nombre de processus positif")
    erreurs, sortie = Console(stderr=True), Console()
    barre = Progress(TextColumn("production"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                     console=erreurs, transient=True, disable=not erreurs.is_terminal or arguments.niveau == 0)
    def planifie(n: int) -> None:
        barre.update(tache, total=n)

    def fini(resultat: ItemResult) -> None:
        if resultat.statut in ("écrit", "échec"):
            barre.advance(tache)
        # a log or a pipe: one line per item as it ends, never minutes of silence (on a terminal too with -v)
        if (not sortie.is_terminal and arguments.niveau >= 1) or arguments.niveau >= 2:
            print(f"{resultat.source} : {resultat.statut}", flush=True)
            for fichier in resultat.fichiers if arguments.niveau >= 2 else ():
                print(f"  {fichier}", flush=True)

    with barre:
        tache = barre.add_task("lot", total=None)
        rapport = run_batch(arguments.source, arguments.sortie, pdf=arguments.pdf, jobs=arguments.jobs,
                            force=arguments.force, library=library, on_planned=planifie, on_result=fini)
    resultats = sorted(rapport.resultats, key=lambda r: r.ok)  # failures first
    if sortie.is_terminal and arguments.niveau >= 1:
        tableau = Table(title=f"Lot → {arguments.sortie}")
        for colonne in ("élément", "statut", "fichiers ou problèmes"):
            tableau.add_column(colonne)
        for r in resultats:
            detail = "\n".join(f"[{p.code}] {p.endroit} : {p.message}" for p in r.problemes) or (
                f"{len(r.fichiers)} fichier(s) dans {r.dossier}/")
            tableau.add_row(escape(r.source), r.statut, escape(detail))  # « [cdc-cap] » is no rich markup
        sortie.print(tableau)
    elif echecs := [r for r in resultats if not r.ok]:
        print(f"\n{len(echecs)} élément(s) non produit(s) :")
        for r in echecs:
            print(f"{r.source} : {r.statut}")
            for p in r.problemes:
                print(f"  - [{p.code}] {p.endroit} : {p.message}")
    _dire(arguments, rapport.summary())
    _dire(arguments, f"rapport : {Path(arguments.sortie) / RAPPORT}")
    return OK if rapport.ok else INVALIDE


def _renouveler(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.inputs.renewal import renew

    if arguments.sortie.resolve() == arguments.ancien.resolve():
        raise CommandError("le nouveau fichier ne peut pas remplacer l'ancien : donnez un autre nom")
    try:
        texte, ligne = renew(arguments.ancien, arguments.date.date(), library.modeles())
    except InvalidInput as exc:
        print(exc.report.text(), file=sys.stderr)
        return INVALIDE
    write_atomic(arguments.sortie, texte.encode("utf-8"))
    _dire(arguments, f"écrit : {arguments.sortie}")
    _dire(arguments, f"Complétez premiers_resultats (ligne {ligne}), puis : alize-docs valider {arguments.sortie}")
    return OK


def _tableur(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.inputs.classeur import territory_workbook
    from alize_docs.inputs.dossier import load_territoire
    from alize_docs.inputs.workbook import write_template

    fichier = arguments.territoire or arguments.fichier
    if fichier is None or (arguments.territoire and arguments.fichier):
        raise CommandError("donnez un classeur à écrire : FICHIER.xlsx, ou --territoire FICHIER.xlsx")
    if fichier.suffix.lower() != ".xlsx":
        raise CommandError("le classeur doit avoir l'extension .xlsx")
    if arguments.territoire:
        from alize_docs.exemples import exemple

        write_atomic(fichier, territory_workbook(load_territoire(exemple("toulinois.yaml")), library.modeles()))
    else:
        write_template(fichier)
    _dire(arguments, f"écrit : {fichier}")
    return OK


def _classeur(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.inputs.classeur import territory_workbook
    from alize_docs.inputs.dossier import load_territoire

    if arguments.sortie.suffix.lower() != ".xlsx":
        raise CommandError("le classeur doit avoir l'extension .xlsx")
    try:
        donnees = territory_workbook(load_territoire(arguments.territoire), library.modeles(), str(arguments.sortie))
    except InvalidInput as exc:
        print(exc.report.text(), file=sys.stderr)
        print("Aucun classeur n'a été écrit.", file=sys.stderr)
        return INVALIDE
    write_atomic(arguments.sortie, donnees)
    _dire(arguments, f"écrit : {arguments.sortie}")
    _dire(arguments, f"Remplissez-le puis : alize-docs valider {arguments.sortie}")
    return OK


def _inspecter(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    if arguments.clause:
        if not arguments.chemin.is_dir():
            raise CommandError(f"{arguments.chemin} n'est pas un dossier (--clause cherche dans un dossier)")
        trouves = documents_using(arguments.chemin, arguments.clause)
        for chemin in trouves:
            print(chemin)
        if not trouves:
            print(f"Aucun document de {arguments.chemin} n'utilise {arguments.clause}.")
        return OK
    if not arguments.chemin.is_file():
        raise CommandError(f"{arguments.chemin} n'est pas un fichier")
    origine = inspect_file(arguments.chemin)
    if origine is None:
        print(f"{arguments.chemin} : aucune trace d'alize-docs (pas de provenance enregistrée).")
        return INVALIDE
    for cle, valeur in origine.properties().items():
        print(f"{cle.removeprefix('alize:')} : {valeur}")
    return OK


# --- controler: the check of a document edited by hand ------------------------------------------------------

def _controler_parser(commandes: argparse._SubParsersAction[_Parser]) -> None:
    controler = commandes.add_parser(
        "controler", epilog=_exemples("controler"),
        help="contrôle un document produit, modifié ou non à la main (montants, totaux, termes, blancs)",
        description="Pour chaque document .docx (convention, annexe, convention de coopération, dossier de "
                    "signature) ou PDF : les montants dont les lettres et les chiffres divergent, les totaux des "
                    "tableaux de l'annexe 1 et les chiffres qu'elle contredit, les termes obligatoires du modèle "
                    "absents ou altérés, les blancs, et les clauses modifiées à la main depuis la production (mot à "
                    "mot). Code de sortie : 0 sans erreur (une modification à la main n'est pas une erreur), 1 si "
                    "une erreur est trouvée, 2 ou 3 si un fichier ne peut pas être lu.")
    controler.add_argument("fichiers", nargs="+", metavar="FICHIER", type=Path, help="document .docx ou .pdf")
    controler.add_argument("--json", action="store_true", help="écrit le rapport en JSON (un seul document JSON)")
    _clauses_option(controler)


def _controler(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    from alize_docs.review.controle import check_document

    code = OK
    documents: list[dict[str, object]] = []
    for fichier in arguments.fichiers:
        try:
            rapport = check_document(fichier, library)
        except (CommandError, AlizeError) as exc:
            if isinstance(exc, ClauseError | ModelError):
                raise
            code = max(code, USAGE if isinstance(exc, CommandError) else INTERNE)
            print(f"alize-docs : erreur : {exc}", file=sys.stderr)
            documents.append({"fichier": fichier.name, "erreur": str(exc)})
            continue
        code = max(code, OK if rapport.ok else INVALIDE)
        documents.append(rapport.as_dict())
        if not arguments.json and (not rapport.propre or arguments.niveau >= 1):
            print(rapport.text())
    if arguments.json:
        print(json.dumps(documents[0] if len(documents) == 1 else documents, ensure_ascii=False, indent=2))
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
