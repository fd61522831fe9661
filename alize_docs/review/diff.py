"""Word-level diffs of paragraphs, as reviewers read them: equal, deleted and inserted segments."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ParagraphDiff", "Segment", "diff_paragraphs", "word_diff"]

_MOTS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    kind: str  # equal | insert | delete
    text: str


@dataclass(frozen=True)
class ParagraphDiff:
    kind: str  # equal | insert | delete | change
    segments: tuple[Segment, ...]


def word_diff(a: str, b: str) -> tuple[Segment, ...]:
    """Return the word-level diff of two paragraphs.

    Changes separated only by spaces read as one: a deletion, then an insertion.

    >>> [(s.kind, s.text) for s in word_diff("à la majorité des 2/3", "à la majorité simple")]
    [('equal', 'à la majorité '), ('delete', 'des 2/3'), ('insert', 'simple')]
    >>> [(s.kind, s.text) for s in word_diff("la DIACT au 1er janvier", "la Délégation de l'État")]
    [('equal', 'la '), ('delete', 'DIACT au 1er janvier'), ('insert', "Délégation de l'État")]
    """
    mots_a, mots_b = _MOTS.findall(a), _MOTS.findall(b)
    segments: list[Segment] = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mots_a, mots_b, autojunk=False).get_opcodes():
        if operation == "equal":
            segments.append(Segment("equal", "".join(mots_a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(mots_a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(mots_b[j1:j2])))
    return tuple(_fold(segments))


def _fold(segments: list[Segment]) -> list[Segment]:
    """Join the changes that only spaces separate, deletions first, so a reviewer reads phrases."""
    resultat: list[Segment] = []
    supprime = ajoute = ""
    for i, segment in enumerate(segments):
        entre_deux = (segment.kind == "equal" and not segment.text.strip() and (supprime or ajoute)
                      and i + 1 < len(segments) and segments[i + 1].kind != "equal")
        if segment.kind == "delete" or entre_deux:
            supprime += segment.text
        if segment.kind == "insert" or entre_deux:
            ajoute += segment.text
        if segment.kind == "equal" and not entre_deux:
            resultat += [s for s in (Segment("delete", supprime), Segment("insert", ajoute)) if s.text]
            supprime = ajoute = ""
            resultat.append(segment)
    resultat += [s for s in (Segment("delete", supprime), Segment("insert", ajoute)) if s.text]
    return resultat


def diff_paragraphs(a: Sequence[str], b: Sequence[str]) -> tuple[ParagraphDiff, ...]:
    """Return the paragraphs of A and B aligned: equal, inserted, deleted, or changed word by word."""
    resultat: list[ParagraphDiff] = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if operation == "equal":
            resultat += [ParagraphDiff("equal", (Segment("equal", p),)) for p in a[i1:i2]]
            continue
        anciens, nouveaux = list(a[i1:i2]), list(b[j1:j2])
        for ancien, nouveau in zip(anciens, nouveaux, strict=False):
            resultat.append(ParagraphDiff("change", word_diff(ancien, nouveau)))
        resultat += [ParagraphDiff("delete", (Segment("delete", p),)) for p in anciens[len(nouveaux):]]
        resultat += [ParagraphDiff("insert", (Segment("insert", p),)) for p in nouveaux[len(anciens):]]
    return tuple(resultat)


