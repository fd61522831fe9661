"""Comparisons for legal reviewers: a clause at two versions, two models, or two generated documents.

The comparison is a plain structure (sections of paragraphs, each a list of equal / deleted /
inserted segments): :func:`terminal_text` prints it as a word-level diff, and
:func:`alize_docs.review.redline.render_redline` writes it as a Word document with real tracked changes.
Paragraphs are aligned first; inside a changed paragraph, the diff is word by word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from alize_docs.clauses.library import Clause, ClauseLibrary
from alize_docs.errors import CommandError
from alize_docs.render.text import docx_text
from alize_docs.review.diff import ParagraphDiff, diff_paragraphs

__all__ = ["Comparison", "Section", "compare", "terminal_text"]

@dataclass(frozen=True)
class Section:
    """One clause (or one document) compared: its label, the versions on each side, its paragraphs."""

    title: str
    version_a: str
    version_b: str
    paragraphs: tuple[ParagraphDiff, ...]

    @property
    def changed(self) -> bool:
        return any(p.kind != "equal" for p in self.paragraphs)

    def words(self, kind: str) -> int:
        return sum(len(re.findall(r"\w+", s.text)) for p in self.paragraphs for s in p.segments if s.kind == kind)


@dataclass(frozen=True)
class Comparison:
    title: str
    label_a: str
    label_b: str
    sections: tuple[Section, ...]

    def summary(self) -> list[str]:
        """Return one French line per changed section, then how many did not change."""
        lignes = []
        inchangees = [s for s in self.sections if not s.changed and s.version_a == s.version_b]
        for s in self.sections:
            if s in inchangees and len(self.sections) > 1:
                continue
            if s.version_a == "—":
                etat = f"absente de {self.label_a}, ajoutée ({s.version_b})"
            elif s.version_b == "—":
                etat = f"absente de {self.label_b}, retirée ({s.version_a})"
            elif not s.changed:
                etat = "inchangée" if s.version_a == s.version_b else f"{s.version_a} → {s.version_b}, texte identique"
            else:
                etat = (f"{s.version_a} → {s.version_b} : {s.words('delete')} mot(s) supprimé(s), "
                        f"{s.words('insert')} ajouté(s)")
            lignes.append(f"{s.title} : {etat}")
        if inchangees and len(self.sections) > 1:
            n = len(inchangees)
            lignes.append(f"{n} clause{'s' if n > 1 else ''} inchangée{'s' if n > 1 else ''}")
        return lignes


def clause_paragraphs(clause: Clause | None) -> list[str]:
    """Return a clause's text as a reviewer reads it: a paragraph, list item, heading or directive each."""
    paragraphes: list[str] = []
    courant: list[str] = []
    for ligne in [] if clause is None else clause.texte.splitlines():
        propre = ligne.strip()
        if propre and not propre.startswith(("- ", "#", "@", "{%")):
            courant.append(propre)
            continue
        if courant:
            paragraphes.append(" ".join(courant))
            courant = []
        if propre:
            paragraphes.append(propre)
    if courant:
        paragraphes.append(" ".join(courant))
    return paragraphes


def compare(a: str, b: str, library: ClauseLibrary) -> Comparison:
    """Compare what *a* and *b* name: two .docx files, a clause at two versions (``id@v1`` and ``id@v2`` or
    ``@v2``), or two models (``2008`` and ``2011``)."""
    if a.endswith(".docx") and b.endswith(".docx"):
        return _compare_files(Path(a), Path(b))
    if "@" in a:
        ident, version_a = a.split("@", 1)
        ident_b, version_b = b.split("@", 1) if "@" in b else ("", b)
        ident_b = ident_b or ident
        section = Section(ident if ident == ident_b else f"{ident} / {ident_b}", version_a, version_b,
                          diff_paragraphs(clause_paragraphs(library.clause(ident, version_a)),
                                          clause_paragraphs(library.clause(ident_b, version_b))))
        return Comparison(f"Comparaison de la clause {ident}", f"{ident}@{version_a}", f"{ident_b}@{version_b}",
                          (section,))
    modeles = library.modeles()
    if a in modeles and b in modeles:
        return _compare_models(a, b, library)
    raise CommandError(f"je ne sais pas comparer « {a} » et « {b} » : donnez deux fichiers .docx, une clause "
                     f"id@version et une version, ou deux modèles ({', '.join(sorted(modeles))})")


def _compare_models(a: str, b: str, library: ClauseLibrary) -> Comparison:
    versions_a = {i: v for refs in library.modele(a).documents.values() for i, v in refs}
    versions_b = {i: v for refs in library.modele(b).documents.values() for i, v in refs}
    ordre = list(dict.fromkeys([*versions_b, *versions_a]))
    sections = []
    for ident in ordre:
        va, vb = versions_a.get(ident), versions_b.get(ident)
        texte_a = clause_paragraphs(library.clause(ident, va)) if va else []
        texte_b = clause_paragraphs(library.clause(ident, vb)) if vb else []
        sections.append(Section(ident, va or "—", vb or "—", diff_paragraphs(texte_a, texte_b)))
    return Comparison(f"Comparaison des modèles {a} et {b}", f"modèle {a}", f"modèle {b}", tuple(sections))


def _compare_files(a: Path, b: Path) -> Comparison:
    textes = []
    for chemin in (a, b):  # the safe reader: a hostile or broken file is refused with its name (FichierRefuse)
        textes.append([ligne for ligne in docx_text(chemin=chemin).split("\n") if ligne.strip()])
    section = Section("document", a.name, b.name, diff_paragraphs(textes[0], textes[1]))
    return Comparison(f"Comparaison de {a.name} et {b.name}", a.name, b.name, (section,))


_COULEURS = {"delete": ("\x1b[31;9m", "\x1b[0m"), "insert": ("\x1b[32;4m", "\x1b[0m")}
_MARQUES = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}


def terminal_text(comparison: Comparison, couleur: bool) -> str:
    """Return the comparison for a terminal: changed paragraphs with their word diff, then the summary."""
    marques = _COULEURS if couleur else _MARQUES
    lignes = [comparison.title, f"A : {comparison.label_a}    B : {comparison.label_b}", ""]
    for section in comparison.sections:
        if not section.changed:
            continue
        lignes.append(f"== {section.title} ({section.version_a} → {section.version_b})")
        for paragraphe in section.paragraphs:
            if paragraphe.kind == "equal":
                continue
            lignes.append("".join(s.text if s.kind == "equal" else f"{marques[s.kind][0]}{s.text}{marques[s.kind][1]}"
                                  for s in paragraphe.segments))
        lignes.append("")
    lignes.append("Résumé :")
    lignes += [f"  {ligne}" for ligne in comparison.summary()]
    return "\n".join(lignes)
