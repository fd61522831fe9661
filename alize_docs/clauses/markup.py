"""The clause markup: the few plain-text conventions a legal reviewer writes clauses in.

After a clause's variables are filled in, its text is parsed here into paragraphs:

- a blank line separates paragraphs; consecutive lines join into one paragraph;
- ``#`` title, ``##`` article heading, ``###`` sub-article heading, ``####`` sub-heading;
- ``- item`` is a bullet, ``  - item`` (two spaces more) a bullet of the second level;
- ``@centre texte`` a centred paragraph, ``@sous-titre texte`` a subtitle, ``@saut-de-page``
  a page break, ``@signature Pour X | ligne 2 | ligne 3`` one cell of a signature table,
  ``@tableau nom`` the place of a computed table (a budget, a schedule), ``@parties groupe`` and
  ``@signatures groupe`` one line of the parties or one signature block per party of a group (:data:`GROUPES`;
  after ``|``, a role for ``@parties``, a title « l'entreprise » for ``@signatures``),
  filled in by assembly (``@parties groupe | rôle`` writes each party as « Nom, rôle, représentée par… »);
- ``**gras**`` and ``*italique*`` inside a paragraph; ``1er`` gets its superscript by itself;
- ``| a | b |`` lines: a table written in the clause, its first line the header row (cells are plain text);
  ``@largeurs 3,6 5 7,4`` right before it gives its columns' widths in centimetres.

Values typed by users reach this parser wrapped by :func:`protect`, so nothing in them is ever
read as markup: ``**``, ``#``, ``- `` or ``@`` in a user's text stay as typed. In a multi-line
value, a blank line starts a new paragraph and a single line break is a space.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from alize_docs.document import (
    Block,
    Cell,
    Paragraph,
    Renvoi,
    Row,
    Run,
    SignatureBlock,
    SignatureTable,
    Table,
    TableRef,
)

__all__ = ["GROUPES", "MarkupError", "outside_values", "parse_blocks", "protect"]

GROUPES = ("entreprises", "collectivites", "organismes", "partenaires_etat", "entreprises_competences")
"""The groups of parties ``@parties`` and ``@signatures`` may name (the lists of the documents' contexts)."""

_OUVRE, _FERME, _PARA = "\ue000", "\ue001", "\ue002"
_BLANC = re.compile(r"\n[ \t]*\n\s*")
_TITRES = {1: "title", 2: "heading1", 3: "heading2", 4: "heading3"}
_PUCE = re.compile(r"( *)- (.*)")
_DIRECTIVE = re.compile(r"@([\w-]+)[ \t]*(.*)")
_EXPOSANT = re.compile(r"(?<![\w])(1)(er|re)(?![\w])")


class MarkupError(ValueError):
    """A clause's text does not follow the markup; ``ligne`` is the line of the filled-in text."""

    def __init__(self, message: str, ligne: int) -> None:
        super().__init__(message)
        self.ligne = ligne


def protect(valeur: str) -> str:
    """Return a user's value wrapped so the parser reads it as literal text.

    >>> parse_blocks(protect("**pas gras** & <b>"))[0].runs
    (Run(text='**pas gras** & <b>', bold=False, italic=False, superscript=False),)
    """
    paragraphes = [p.replace("\n", " ") for p in _BLANC.split(valeur)]
    return _OUVRE + _PARA.join(paragraphes) + _FERME


_VALEUR = re.compile(f"({_OUVRE}[^{_FERME}]*{_FERME})")


def outside_values(texte: str, fonction: Callable[[str], str]) -> str:
    """Return *texte* with *fonction* applied to the drafter's words only, never inside a user's value.

    >>> outside_values("a" + protect("a") + "a", str.upper) == "A" + protect("a") + "A"
    True
    """
    if _OUVRE not in texte:
        return fonction(texte)
    return "".join(m if m.startswith(_OUVRE) else fonction(m) for m in _VALEUR.split(texte))


@dataclass
class _Brut:
    style: str
    texte: str
    ligne: int


def parse_blocks(texte: str) -> list[Block]:
    """Return the paragraphs and signature tables of a filled-in clause text.

    >>> [(b.style, b.text) for b in parse_blocks("## ARTICLE 1\\n\\nLe texte\\nsuivi.\\n- un\\n  - deux")]
    [('heading1', 'ARTICLE 1'), ('body', 'Le texte suivi.'), ('bullet1', 'un'), ('bullet2', 'deux')]
    """
    bruts: list[_Brut | list[_Brut]] = []
    courant: _Brut | None = None
    largeurs: dict[int, str] = {}  # a table's position in *bruts* → its « @largeurs »
    for numero, ligne in enumerate(texte.split("\n"), start=1):
        if not ligne.strip():
            courant = None
            continue
        if courant is not None and courant.style in ("body", "bullet1", "bullet2") and ligne.startswith(" ") \
                and not _PUCE.fullmatch(ligne):
            courant.texte += " " + ligne.strip()
            continue
        if courant is not None and courant.style == "body" and not _starts_block(ligne):
            courant.texte += " " + ligne.strip()
            continue
        courant = _line_block(ligne, numero)
        if courant.style == "widths":
            largeurs[len(bruts)] = courant.texte
            courant = None
            continue
        if courant.style in ("signature", "row"):
            if bruts and isinstance(bruts[-1], list) and bruts[-1][0].style == courant.style:
                bruts[-1].append(courant)
            else:
                bruts.append([courant])
            courant = None
        else:
            bruts.append(courant)
    blocs: list[Block] = []
    for position, brut in enumerate(bruts):
        if isinstance(brut, list) and brut[0].style == "row":
            blocs.append(_table(brut, largeurs.get(position, "")))
        elif isinstance(brut, list):
            blocs.append(SignatureTable(tuple(_signature(b) for b in brut)))
        elif brut.style == "pagebreak":
            blocs.append(Paragraph("pagebreak"))
        elif brut.style == "table":
            blocs.append(TableRef(brut.texte.replace(_OUVRE, "").replace(_FERME, "").strip()))
        elif brut.style in ("parties", "signatures"):
            blocs.append(_renvoi(brut))
        else:
            blocs.extend(Paragraph(brut.style, _runs(p)) for p in _split_paragraphs(brut.texte))
    return blocs


def _starts_block(ligne: str) -> bool:
    return ligne.startswith(("#", "@", "|")) or _PUCE.fullmatch(ligne) is not None


def _line_block(ligne: str, numero: int) -> _Brut:
    if ligne.startswith("#"):
        niveau = len(ligne) - len(ligne.lstrip("#"))
        if niveau not in _TITRES or ligne[niveau:niveau + 1] != " ":
            raise MarkupError(f"titre mal formé : « {ligne[:40]} » (# à #### suivis d'une espace)", numero)
        return _Brut(_TITRES[niveau], ligne[niveau + 1:].strip(), numero)
    if puce := _PUCE.fullmatch(ligne):
        niveau = 1 + len(puce[1]) // 2
        if niveau > 2:
            raise MarkupError("une puce a au plus deux niveaux (0 ou 2 espaces avant « - »)", numero)
        return _Brut(f"bullet{niveau}", puce[2].strip(), numero)
    if ligne.startswith("|"):
        return _Brut("row", ligne.strip(), numero)
    if directive := _DIRECTIVE.fullmatch(ligne.strip()):
        nom, reste = directive[1], directive[2].strip()
        styles = {"centre": "center", "sous-titre": "subtitle", "signature": "signature",
                  "saut-de-page": "pagebreak", "tableau": "table", "parties": "parties",
                  "signatures": "signatures", "largeurs": "widths"}
        if nom not in styles:
            raise MarkupError(f"directive inconnue « @{nom} » (admises : {', '.join(styles)})", numero)
        return _Brut(styles[nom], reste, numero)
    return _Brut("body", ligne.strip(), numero)


def _renvoi(brut: _Brut) -> Renvoi:
    groupe, _, role = brut.texte.partition("|")
    groupe = groupe.replace(_OUVRE, "").replace(_FERME, "").strip()
    if groupe not in GROUPES:
        raise MarkupError(f"« @{brut.style} » attend un groupe de parties ({', '.join(GROUPES)}), "
                          f"reçu « {groupe} »", brut.ligne)
    return Renvoi(brut.style, _runs(role.replace(_PARA, " ").strip()), groupe)


def _split_paragraphs(texte: str) -> list[str]:
    """Split where a user's value asked for a new paragraph, keeping each part's literal markers."""
    if _PARA not in texte:
        return [texte]
    morceaux, ouvert = [], False
    courant = ""
    for car in texte:
        if car == _PARA:
            morceaux.append(courant + (_FERME if ouvert else ""))
            courant = _OUVRE if ouvert else ""
            continue
        if car in (_OUVRE, _FERME):
            ouvert = car == _OUVRE
        courant += car
    morceaux.append(courant)
    return [m for m in morceaux if m.replace(_OUVRE, "").replace(_FERME, "").strip()]


def _table(bruts: list[_Brut], largeurs: str = "") -> Table:
    """A table written in the clause: ``| a | b |`` lines, the first one the header row; *largeurs* the widths of
    its columns in centimetres (« 3,6 5 7,4 »), or even columns."""
    try:
        colonnes = tuple(float(x.replace(",", ".")) for x in largeurs.split())
    except ValueError:
        raise MarkupError(f"« @largeurs {largeurs} » : des largeurs en centimètres sont attendues (3,6 5 7,4)",
                          bruts[0].ligne) from None
    lignes: list[tuple[Cell, ...]] = []
    for brut in bruts:
        cellules = _cells(brut.texte.strip().removeprefix("|").removesuffix("|"))
        if lignes and len(cellules) != len(lignes[0]):
            raise MarkupError(f"ligne de tableau de {len(cellules)} cellules, l'en-tête en a {len(lignes[0])}",
                              brut.ligne)
        lignes.append(tuple(Cell("".join(r.text for r in _runs(c.replace(_PARA, " ").strip()))) for c in cellules))
    if colonnes and len(colonnes) != len(lignes[0]):
        raise MarkupError(f"« @largeurs » donne {len(colonnes)} largeurs pour {len(lignes[0])} colonnes",
                          bruts[0].ligne)
    return Table(lignes[0], tuple(Row(cellules) for cellules in lignes[1:]), widths=colonnes)


def _cells(texte: str) -> list[str]:
    """Split a line at each ``|`` that is not inside a user's value."""
    morceaux, courant, litteral = [], "", False
    for car in texte:
        if car in (_OUVRE, _FERME):
            litteral = car == _OUVRE
        if car == "|" and not litteral:
            morceaux.append(courant)
            courant = ""
            continue
        courant += car
    morceaux.append(courant)
    return morceaux


def _signature(brut: _Brut) -> SignatureBlock:
    lignes = _cells(brut.texte)
    return SignatureBlock(tuple(_runs(ligne.replace(_PARA, " ").strip()) for ligne in lignes if ligne.strip()))


_JETONS = re.compile(f"({_OUVRE}|{_FERME}|\\*\\*|\\*)")


def _runs(texte: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    gras = italique = litteral = False
    for jeton in _JETONS.split(texte):
        if jeton in (_OUVRE, _FERME):
            litteral = jeton == _OUVRE
        elif jeton == "**" and not litteral:
            gras = not gras
        elif jeton == "*" and not litteral:
            italique = not italique
        elif jeton:
            runs.extend(_superscripts(Run(jeton, gras, italique)))
    return tuple(_merge(runs))


def _superscripts(run: Run) -> list[Run]:
    if "1" not in run.text:
        return [run]
    morceaux: list[Run] = []
    debut = 0
    for m in _EXPOSANT.finditer(run.text):
        morceaux.append(Run(run.text[debut:m.end(1)], run.bold, run.italic))
        morceaux.append(Run(m[2], run.bold, run.italic, superscript=True))
        debut = m.end()
    morceaux.append(Run(run.text[debut:], run.bold, run.italic))
    return [r for r in morceaux if r.text]


def _merge(runs: list[Run]) -> list[Run]:
    fusion: list[Run] = []
    for run in runs:
        if fusion and (fusion[-1].bold, fusion[-1].italic, fusion[-1].superscript) == \
                (run.bold, run.italic, run.superscript):
            fusion[-1] = Run(fusion[-1].text + run.text, run.bold, run.italic, run.superscript)
        else:
            fusion.append(run)
    return fusion
