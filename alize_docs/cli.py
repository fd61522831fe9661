"""The ``alize-docs`` command: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 success, 1 invalid input (the report says why), 2 usage error, 3 internal error
(a clause or template problem, reported in French without a traceback).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .api import check_file, generate
from .clauses import ClauseLibrary
from .errors import AlizeError, ClauseError, InvalidInput

OK, INVALIDE, USAGE, INTERNE = 0, 1, 2, 3

_TRADUCTIONS = (
    (r"the following arguments are required: (.*)", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"unrecognized arguments: (.*)", r"argument(s) non reconnu(s) : \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : choix invalide \2 (au choix : \3)"),
    (r"argument (.*?): expected one argument", r"l'option \1 attend une valeur"),
    (r"ambiguous option: (.*?) could match (.*)", r"option ambiguë : \1 (\2)"),
)


class _Parser(argparse.ArgumentParser):
    """argparse speaking French to the user."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--aide", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str) -> NoReturn:
        for anglais, francais in _TRADUCTIONS:
            message = re.sub(anglais, francais, message)
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog} : erreur : {message}\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: object, groups: object, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)  # type: ignore[arg-type]


def _parser() -> _Parser:
    parser = _Parser(
        prog="alize-docs",
        description="Rédige les conventions du programme ALIZÉ® à partir d'un fichier de saisie YAML.",
        epilog="Exemples :\n  alize-docs valider toulinois.yaml\n  alize-docs generer toulinois.yaml -o dossier/",
    )
    parser.add_argument("--version", action="version", version=f"alize-docs {__version__}",
                        help="affiche la version et quitte")
    commandes = parser.add_subparsers(dest="commande", title="commandes", metavar="COMMANDE",
                                      parser_class=_Parser)
    commandes.required = True

    valider = commandes.add_parser("valider", help="vérifie des fichiers de saisie sans rien écrire",
                                   description="Vérifie chaque fichier et liste tous ses problèmes : "
                                               "la règle, le champ, la ligne, ce qui ne va pas.")
    valider.add_argument("fichiers", nargs="+", metavar="FICHIER", help="fichier de saisie YAML")
    valider.add_argument("--json", action="store_true", help="écrit le rapport en JSON")
    _clauses_option(valider)

    generer = commandes.add_parser("generer", help="produit les documents Word d'un fichier de saisie",
                                   description="Vérifie le fichier puis écrit ses documents : pour un dispositif, "
                                               "la convention de partenariat, ses trois annexes et le dossier de "
                                               "signature qui les réunit ; pour une convention de coopération, "
                                               "celle-ci. Rien n'est écrit si le fichier a un problème.")
    generer.add_argument("fichier", metavar="FICHIER", help="fichier de saisie YAML")
    generer.add_argument("-o", "--sortie", metavar="DOSSIER", required=True, type=Path,
                         help="dossier où écrire les documents (créé au besoin)")
    generer.add_argument("--pdf", action="store_true",
                         help="écrit aussi chaque document en PDF (LibreOffice requis), et le dossier de "
                              "signature en un seul PDF avec un signet par document")
    _clauses_option(generer)
    return parser


def _clauses_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clauses", metavar="DOSSIER", type=Path, action="append", default=[],
                        help="dossier de clauses prioritaire sur les clauses fournies (répétable)")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        library = ClauseLibrary(arguments.clauses)
        if arguments.commande == "valider":
            return _valider(arguments, library)
        return _generer(arguments, library)
    except ClauseError as exc:
        print(f"alize-docs : erreur dans les clauses : {exc}", file=sys.stderr)
        return INTERNE
    except AlizeError as exc:
        print(f"alize-docs : erreur : {exc}", file=sys.stderr)
        return INTERNE
    except OSError as exc:
        print(f"alize-docs : erreur d'écriture : {exc.strerror} ({exc.filename})", file=sys.stderr)
        return INTERNE
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for whoever debugs it
        if os.environ.get("ALIZE_DOCS_DEBUG"):
            raise
        print(f"alize-docs : erreur interne inattendue ({type(exc).__name__} : {exc}). Rien n'a été écrit. "
              "Relancez avec ALIZE_DOCS_DEBUG=1 pour le détail et signalez-la.", file=sys.stderr)
        return INTERNE


def _valider(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    rapports = [check_file(f, library) for f in arguments.fichiers]
    for rapport in rapports:
        if arguments.json:
            print(rapport.as_json())
        else:
            print(rapport.text() if not rapport.ok else f"{rapport.source} : valide.")
    return OK if all(r.ok for r in rapports) else INVALIDE


def _generer(arguments: argparse.Namespace, library: ClauseLibrary) -> int:
    try:
        chemins = generate(arguments.fichier, arguments.sortie, library, pdf=arguments.pdf)
    except InvalidInput as exc:
        print(exc.report.text(), file=sys.stderr)
        print("Aucun document n'a été écrit.", file=sys.stderr)
        return INVALIDE
    for chemin in chemins:
        print(f"écrit : {chemin}")
    return OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
