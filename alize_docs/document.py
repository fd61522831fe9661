"""The assembled document, independent of Word: styled paragraphs, signature tables, provenance.

:mod:`alize_docs.render` is the only stage that turns this into a .docx; everything upstream
(clauses, assembly, checks on the final text) works on these plain objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Alignement",
    "AssembledDocument",
    "Block",
    "Cell",
    "ClauseUse",
    "DocumentKind",
    "GenreLigne",
    "Paragraph",
    "Row",
    "Run",
    "SignatureBlock",
    "SignatureTable",
    "Table",
    "TableRef",
]

DocumentKind = Literal["convention-partenariat", "annexe-1-budget", "annexe-2-cahier-des-charges",
                       "annexe-3-operateur-local", "cooperation", "dossier-signature", "avenant"]
"""Every document the library writes (``dossier-signature``: the signing bundle of a territory's four;
``avenant``: an amendment to a signed convention)."""

Alignement = Literal["left", "right", "center"]
GenreLigne = Literal["normal", "group", "subtotal", "total"]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False


@dataclass(frozen=True)
class Paragraph:
    style: str
    runs: tuple[Run, ...] = ()

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Renvoi(Paragraph):
    """Where a clause asks assembly for one entry per party of a group: ``@parties groupe`` (a line of the
    parties), ``@signatures groupe`` (a signature block). *style* is the directive, *runs* the optional role
    written after ``|``; assembly replaces it before rendering, so it never reaches a file."""

    groupe: str = ""

    @property
    def text(self) -> str:
        return ""


@dataclass(frozen=True)
class SignatureBlock:
    """One party's block: its lines (the first names the party), then room to sign."""

    lines: tuple[tuple[Run, ...], ...]

    @property
    def text(self) -> str:
        return "\n".join("".join(r.text for r in line) for line in self.lines)


@dataclass(frozen=True)
class SignatureTable:
    blocks: tuple[SignatureBlock, ...]

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class Cell:
    text: str
    align: Alignement = "left"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: GenreLigne = "normal"


@dataclass(frozen=True)
class Table:
    """A computed table (a budget, a schedule): a header row, then rows; amounts are right-aligned."""

    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    widths: tuple[float, ...] = ()  # in centimetres; empty for even columns

    @property
    def text(self) -> str:
        lignes = [self.header, *(r.cells for r in self.rows)]
        return "\n".join("\t".join(c.text for c in ligne) for ligne in lignes)


@dataclass(frozen=True)
class TableRef:
    """Where a clause places a computed table (``@tableau nom``); assembly puts the table there."""

    name: str

    @property
    def text(self) -> str:
        return ""


Block = Paragraph | SignatureTable | Table | TableRef


@dataclass(frozen=True)
class ClauseUse:
    """A clause version a document was built from, as its provenance records it."""

    id: str
    version: str
    sha256: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class AssembledDocument:
    """A document ready to render: its blocks, its properties and the clauses it was built from."""

    kind: DocumentKind
    title: str
    short_title: str
    subject: str
    header: str
    author: str
    date: dt.date
    modele: str
    blocks: tuple[Block, ...]
    clauses: tuple[ClauseUse, ...] = field(default_factory=tuple)
    input_sha256: str = ""
    avenant: tuple[tuple[str, str], ...] = ()
    """For an avenant and the documents it replaces: what provenance records of it (number, date, the amended
    convention's input digest), as (key, value) pairs."""
    clause_texts: tuple[str, ...] = ()  # each clause's text as a reader sees it (controler: hand edits)

    @property
    def text(self) -> str:
        """Return every word a reader sees in the body, one paragraph a line."""
        return "\n".join(b.text for b in self.blocks)
