"""``alize-docs controler``: the check of a document generated here, then perhaps edited by hand.

:func:`check_document` reads a .docx (through the safe reader) or a PDF's text layer and reports:

- every amount written in words and in figures whose two forms disagree, with where it is (the nearest heading,
  or the table, its row and its column). The words are read by ``text2num``, an independent parser, never by the
  function that wrote them (:mod:`alize_docs.formatting`);
- in Annexe 1 (alone or in the signing bundle), every total that is not the sum of its lines, and every figure the
  annex's text, its other tables or the convention cite that a table contradicts (the CDC's share, ASTREES's
  3 000 € a year and 9 000 € in all, the day rate, the budget total);
- each mandatory term of the document's model missing or altered, and any blank left;
- what was edited by hand since generation: the document records each clause's text and its SHA-256
  (:func:`alize_docs.render.provenance.add_clause_texts`); the clauses whose current text differs are listed with
  the words changed. A hand edit is information, not an error (a lawyer may edit): it is reported in its own
  section and does not make the check fail.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from alize_docs.assembly.textes import normalise_line, text_sha256
from alize_docs.clauses.library import ClauseLibrary, TermeObligatoire
from alize_docs.domain.budget import CATEGORIES
from alize_docs.domain.programme import CONTRIBUTION_ASTREES_ANNUELLE, DOCUMENTS, DUREE_ANNEES, VALORISATION_JOUR
from alize_docs.errors import AlizeError, CommandError, ModelError, raison_systeme
from alize_docs.formatting import format_montant
from alize_docs.office import FichierRefuse, ouvrir
from alize_docs.render.bundle import TITRE_CARTE
from alize_docs.render.provenance import Provenance, TexteClause, read_clause_texts, read_provenance_file
from alize_docs.render.text import paragraph_text
from alize_docs.review.diff import ParagraphDiff, diff_paragraphs, word_diff
from alize_docs.rules.blancs import find_blanks

__all__ = ["Constat", "ModificationManuelle", "RapportControle", "check_document"]

_PDF_MAX = 50_000_000
_NOMS: dict[str, str] = {str(k): v for k, v in DOCUMENTS.items()}


# --- The report ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Constat:
    """One error found: its code (``montant``, ``total``, ``incoherence``, ``terme``, ``blanc``), the document
    (« Annexe 1 — Budget prévisionnel »), where in it, and a French sentence."""

    code: str
    document: str
    lieu: str
    message: str

    def text(self) -> str:
        ou = " — ".join(x for x in (self.document, self.lieu) if x)
        return f"[{self.code}] {ou} : {self.message}" if ou else f"[{self.code}] {self.message}"


@dataclass(frozen=True)
class ModificationManuelle:
    """A clause whose text differs from the one generated: its version, where it is, the paragraphs changed."""

    clause: str
    document: str
    lieu: str
    changements: tuple[ParagraphDiff, ...]

    @property
    def supprime(self) -> list[str]:
        return [s.text.strip() for d in self.changements for s in d.segments if s.kind == "delete" and s.text.strip()]

    @property
    def ajoute(self) -> list[str]:
        return [s.text.strip() for d in self.changements for s in d.segments if s.kind == "insert" and s.text.strip()]

    def lignes_diff(self) -> list[str]:
        """Each changed paragraph, its words removed as ``[-…-]`` and added as ``{+…+}``, trimmed around them."""
        return [_montrer_diff(d) for d in self.changements]


@dataclass(frozen=True)
class RapportControle:
    """What ``controler`` found in one document: errors, hand edits (information), and notes."""

    fichier: str
    documents: tuple[str, ...] = ()
    modele: str = ""
    constats: tuple[Constat, ...] = ()
    modifications: tuple[ModificationManuelle, ...] = ()
    notes: tuple[str, ...] = ()
    modifications_recherchees: bool = True  # False: a PDF, or a .docx recording no clause texts

    @property
    def ok(self) -> bool:
        """True when no error was found (hand edits are not errors)."""
        return not self.constats

    @property
    def propre(self) -> bool:
        """True when nothing at all was found: no error and no hand edit."""
        return self.ok and not self.modifications

    def text(self) -> str:
        """Return the report as ``alize-docs controler`` prints it, in French."""
        n, m = len(self.constats), len(self.modifications)
        if not self.modifications_recherchees:
            entete = (f"{self.fichier} : {_compte(n, 'erreur', 'erreurs') if n else 'aucune erreur'} "
                      "(modifications à la main non recherchées : voir la note)")
        elif self.propre:
            entete = f"{self.fichier} : aucune erreur, aucune modification à la main."
        else:
            entete = (f"{self.fichier} : {_compte(n, 'erreur', 'erreurs') if n else 'aucune erreur'}, "
                      f"{_compte(m, 'clause modifiée', 'clauses modifiées') if m else 'aucune modification'} "
                      "à la main")
        lignes = [entete]
        if self.constats:
            lignes.append("  Erreurs :")
            lignes += [f"  - {c.text()}" for c in self.constats]
        if self.modifications:
            lignes.append("  Modifié à la main (information, pas une erreur : le texte s'écarte du modèle) :")
            for modification in self.modifications:
                ou = " — ".join(x for x in (modification.document, modification.lieu) if x)
                lignes.append(f"  - {modification.clause} ({ou}) :")
                lignes += [f"      {ligne}" for ligne in modification.lignes_diff()]
        lignes += [f"  Note : {note}" for note in self.notes]
        return "\n".join(lignes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fichier": self.fichier, "documents": list(self.documents), "modele": self.modele, "ok": self.ok,
            "erreurs": [{"code": c.code, "document": c.document, "lieu": c.lieu, "message": c.message}
                        for c in self.constats],
            "modifications_manuelles": [{"clause": m.clause, "document": m.document, "lieu": m.lieu,
                                         "supprime": m.supprime, "ajoute": m.ajoute, "diff": m.lignes_diff()}
                                        for m in self.modifications],
            "modifications_recherchees": self.modifications_recherchees, "notes": list(self.notes),
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


def _constat(code: str, ou: tuple[str, str], message: str) -> Constat:
    return Constat(code, ou[0], ou[1], message)


def _compte(n: int, un: str, plusieurs: str) -> str:
    return f"{n} {un if n == 1 else plusieurs}"


def _montrer_diff(changement: ParagraphDiff, contexte: int = 40) -> str:
    morceaux = []
    segments = changement.segments
    for i, segment in enumerate(segments):
        if segment.kind == "delete":
            morceaux.append(f"[-{segment.text}-]")
        elif segment.kind == "insert":
            morceaux.append(f"{{+{segment.text}+}}")
        elif changement.kind == "equal":
            morceaux.append(segment.text)
        else:  # unchanged words around a change: a few on each side
            texte = segment.text
            if len(texte) > contexte:
                debut = texte[:contexte // 2].rsplit(" ", 1)[0] if " " in texte[:contexte // 2] else ""
                fin = texte[-contexte:].split(" ", 1)[-1] if " " in texte[-contexte:] else ""
                if i == 0:
                    texte = "… " + fin
                elif i + 1 == len(segments):
                    texte = texte[:contexte].rsplit(" ", 1)[0] + " …"
                else:
                    texte = f"{debut} … {fin[-contexte // 2:].split(' ', 1)[-1]}"
            morceaux.append(texte)
    return "".join(morceaux)


# --- What is read from a file --------------------------------------------------------------------------------

@dataclass
class _Ligne:
    texte: str  # spaces normalised
    section: int
    titre: str  # the nearest heading before it (itself, for a heading)
    table: int | None = None
    case: tuple[int, int] = (0, 0)  # in a table: its row and column


@dataclass
class _Tableau:
    section: int
    titre: str
    rangees: list[list[str]]

    @property
    def nom(self) -> str:
        return self.rangees[0][0] if self.rangees and self.rangees[0] else ""

    def lieu(self, case: tuple[int, int] = (0, 0)) -> str:
        ou = f"tableau « {self.nom} »" + (f" ({self.titre})" if self.titre else "")
        i, j = case
        if 0 < i < len(self.rangees) and self.rangees[i] and j < len(self.rangees[0]):
            ou += f", ligne « {self.rangees[i][0]} », colonne « {self.rangees[0][j]} »"
        return ou


@dataclass
class _Lu:
    lignes: list[_Ligne] = field(default_factory=list)
    tableaux: list[_Tableau] = field(default_factory=list)
    sections: int = 1
    autres: list[str] = field(default_factory=list)  # headers and footers


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TITRES = ("title", "heading 1", "heading 2", "heading 3", "heading 4", "titre", "titre 1", "titre 2", "titre 3")


@dataclass
class _Etat:
    section: int = 0
    titre: str = ""


def _texte_paragraphe(p: etree._Element) -> str:
    return normalise_line(paragraph_text(p))


def _lire_docx(racine: etree._Element, styles: dict[str, str]) -> _Lu:
    lu = _Lu()
    etat = _Etat()

    def paragraphe(p: etree._Element) -> None:
        texte = _texte_paragraphe(p)
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        nom = styles.get(str(style.get(qn("w:val"))), "") if style is not None else ""
        if texte and nom.lower() in _TITRES:
            etat.titre = texte
        if texte:
            lu.lignes.append(_Ligne(texte, etat.section, etat.titre))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            etat.section += 1
            etat.titre = ""

    def tableau(t: etree._Element) -> None:
        numero = len(lu.tableaux)
        rangees = []
        for i, tr in enumerate(t.iter(qn("w:tr"))):
            cellules = []
            for j, tc in enumerate(tr.iter(qn("w:tc"))):
                textes = [_texte_paragraphe(p) for p in tc.iter(qn("w:p"))]
                for texte in textes:
                    if texte:
                        lu.lignes.append(_Ligne(texte, etat.section, etat.titre, numero, (i, j)))
                cellules.append(" ".join(x for x in textes if x))
            rangees.append(cellules)
        lu.tableaux.append(_Tableau(etat.section, etat.titre, rangees))

    def parcourir(element: etree._Element) -> None:
        for enfant in element:
            if enfant.tag == qn("w:p"):
                paragraphe(enfant)
            elif enfant.tag == qn("w:tbl"):
                tableau(enfant)
            elif enfant.tag != qn("w:sectPr"):
                parcourir(enfant)  # content controls, custom XML wrappers

    corps = racine.find(qn("w:body"))
    if corps is not None:
        parcourir(corps)
    lu.sections = etat.section + 1
    return lu


def _styles(paquet: Any) -> dict[str, str]:
    if "word/styles.xml" not in paquet:
        return {}
    return {str(s.get(qn("w:styleId"))): str(n.get(qn("w:val")))
            for s in paquet.xml("word/styles.xml").iter(qn("w:style"))
            if (n := s.find(qn("w:name"))) is not None}


def _lire_pdf(chemin: str, donnees: bytes) -> tuple[_Lu, dict[str, str]]:
    from pypdf import PdfReader

    from alize_docs.render.pdf import pdf_metadata

    if not donnees.startswith(b"%PDF"):
        raise FichierRefuse(chemin, "ce n'est pas un PDF (il ne commence pas par %PDF)")
    try:
        lecteur = PdfReader(io.BytesIO(donnees))
        pages = [page.extract_text() or "" for page in lecteur.pages]
        debuts = sorted({n for s in lecteur.outline if not isinstance(s, list)
                         if (n := lecteur.get_destination_page_number(s)) is not None})
        metadonnees = pdf_metadata(donnees)
        bundle = Provenance.from_properties(metadonnees)
        fin = len(pages)
        if bundle is not None and len(debuts) == len(bundle.documents) + 1 and bundle.documents:
            fin = debuts.pop()  # the map's bookmark, after the pieces': its pages are not checked
        if bundle is None or len(bundle.documents) != len(debuts):  # a bundle has a bookmark per document
            debuts = [0]
    except AlizeError:
        raise
    except Exception:  # pypdf on a broken PDF: any of its exceptions
        raise FichierRefuse(chemin, "ce n'est pas un PDF lisible : il est tronqué ou corrompu") from None
    if sum(len(p.strip()) for p in pages) < 20:
        raise FichierRefuse(chemin, "ce PDF n'a pas de couche texte (un document numérisé ?) : son texte ne peut pas "
                                    "être lu, contrôlez le .docx dont il est issu")
    lu = _Lu()
    brutes: list[tuple[int, str]] = []
    for numero, page in enumerate(pages):  # a page's lines joined: a PDF breaks sentences at each line
        if numero < debuts[0] or numero >= fin:  # a bundle's cover and map
            continue
        section = max(0, sum(1 for d in debuts if d <= numero) - 1)
        texte = normalise_line(page.replace("-\n", "-"))
        if texte:
            lu.lignes.append(_Ligne(texte, section, f"page {numero + 1}"))
        lignes = [normalise_line(x) for x in page.splitlines()]
        brutes += [(section, x) for x in lignes[1:] if x and not _PIED_PDF.fullmatch(x)]  # the header goes
    lu.tableaux = _tableaux_pdf(brutes)
    lu.sections = max(1, len(debuts))
    return lu, metadonnees


_PIED_PDF = re.compile(r"Page \d+ sur \d+|Paraphes.*")
_ANNEES = ["Année 1", "Année 2", "Année 3", "Total"]
_ENTETES_PDF = {
    "Apporteur": ["Apporteur", *_ANNEES], "Compte de fonctionnement": ["Compte de fonctionnement", *_ANNEES],
    "Entreprise (jours)": ["Entreprise (jours)", *_ANNEES], "Poste": ["Poste", *_ANNEES],
    "Catégorie": ["Catégorie", "Fonds d'avances", "Fonctionnement", "Compétences valorisées", "Total"],
}
"""Annexe 1's tables, by their first header cell, as a PDF's text layer gives them back (one row a line)."""
_VALEURS_PDF = re.compile(r"(?:\d{1,3}(?: \d{3})*(?:,\d{2})? €|—)(?: (?:\d{1,3}(?: \d{3})*(?:,\d{2})? €|—))*")
_JOURS_PDF = re.compile(r"(?:\d+|—)(?: (?:\d+|—))*")
_TITRE_PDF = re.compile(r"\d+\. [^a-z]+")
_GROUPES_PDF = frozenset({*CATEGORIES.values(), "Ressources", "Emplois"})
"""The group headings of Annexe 1's tables (a line alone in a PDF, before the rows of its group)."""


def _valeurs_pdf(texte: str, jours: bool) -> list[str] | None:
    """Split a line's values (« 40 000 € 30 000 € — », or days « 30 25 — ») into cells, or None."""
    if jours and _JOURS_PDF.fullmatch(texte):
        return texte.split(" ")
    if not _VALEURS_PDF.fullmatch(texte):  # amounts (in the skills table, its valuation row)
        return None
    return [v.strip() for v in re.findall(r"\d{1,3}(?: \d{3})*(?:,\d{2})? €|—", texte)]


def _tableaux_pdf(lignes: Sequence[tuple[int, str]]) -> list[_Tableau]:
    """Rebuild Annexe 1's tables from a PDF's lines: a known header, then rows « label values… », a label wrapped
    over lines before its values, a group's heading alone on its line. Anything else ends the table."""
    tableaux: list[_Tableau] = []
    courant: _Tableau | None = None
    attente: list[str] = []  # label lines waiting for their values
    titre = ""
    i = 0
    while i < len(lignes):
        section, ligne = lignes[i]
        i += 1
        entete = next((e for debut, e in _ENTETES_PDF.items() if ligne.startswith(debut + " ")), None)
        if entete is not None:
            texte, attendu = ligne, " ".join(entete)
            while texte != attendu and i < len(lignes) and attendu.startswith(texte + " " + lignes[i][1]):
                texte += " " + lignes[i][1]
                i += 1
            if texte == attendu:
                if courant is None or courant.rangees[0] != entete:  # a header repeated on a new page continues
                    courant = _Tableau(section, titre, [entete])
                    tableaux.append(courant)
                attente = []
                continue
        if _TITRE_PDF.fullmatch(ligne):
            titre = ligne
        if courant is None:
            continue
        jours = courant.nom == "Entreprise (jours)"
        colonnes = len(courant.rangees[0]) - 1
        seules = _valeurs_pdf(ligne, jours)
        if seules is not None and len(seules) == colonnes and attente:
            groupes = 0
            while groupes < len(attente) - 1 and attente[groupes] in _GROUPES_PDF:
                groupes += 1
            courant.rangees += [[g, *([""] * colonnes)] for g in attente[:groupes]]
            courant.rangees.append([" ".join(attente[groupes:]), *seules])
            attente = []
            continue
        decoupe = next(((ligne[:m.start()], v) for m in re.finditer(r" (?=\d|—)", ligne)
                        if (v := _valeurs_pdf(ligne[m.end():], jours)) is not None and len(v) == colonnes), None)
        if decoupe is not None:
            groupes = 0  # the lines before that are groups' headings, the others begin the row's label
            while groupes < len(attente) and attente[groupes] in _GROUPES_PDF:
                groupes += 1
            courant.rangees += [[g, *([""] * colonnes)] for g in attente[:groupes]]
            courant.rangees.append([" ".join([*attente[groupes:], decoupe[0]]), *decoupe[1]])
            attente = []
        elif len(attente) < 3 and not ligne.endswith((".", ":", ";")) and len(ligne) < 90:
            attente.append(ligne)
        else:
            courant, attente = None, []
    return tableaux


# --- Amounts in words and figures --------------------------------------------------------------------------

_NOMBRES = frozenset({
    "zéro", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante", "cinquante", "soixante", "cent",
    "cents", "mille", "million", "millions", "milliard", "milliards"})
_UNITES = frozenset({"euro", "euros", "d'euros", "d’euros", "centime", "centimes"})
_CHIFFRES = re.compile(r"\d{1,3}(?: \d{3})*(?:,\d{1,2})?|\d+(?:,\d{1,2})?")
_EN_CHIFFRES = re.compile(rf"(?:{_CHIFFRES.pattern})(?: ?(?:€|euros?))?")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_MOTS_MONTANT = re.compile(r"(?:(?P<euros>.+?) (?:euros?|d['’]euros))?(?: et )?(?:(?P<centimes>.+?) centimes?)?")


def _est_mot_nombre(mot: str) -> bool:
    mot = mot.lower()
    return mot in _NOMBRES or mot in _UNITES or mot == "et" or (
        "-" in mot and all(m in _NOMBRES or m == "et" for m in mot.split("-")))


def _lire_mots(mots: str) -> Decimal:
    """Read French number words (« six mille trois cents euros ») with text2num; ValueError if they are not."""
    from text_to_num import text2num

    morceaux = _MOTS_MONTANT.fullmatch(mots)
    if morceaux is None or not (morceaux["euros"] or morceaux["centimes"]):
        return Decimal(text2num(mots, "fr"))
    euros = text2num(morceaux["euros"], "fr") if morceaux["euros"] else 0
    centimes = text2num(morceaux["centimes"], "fr") if morceaux["centimes"] else 0
    return Decimal(euros) + Decimal(centimes) / 100


def _lire_chiffres(texte: str) -> Decimal | None:
    nombre = _CHIFFRES.search(texte)
    if nombre is None:
        return None
    try:
        return Decimal(nombre[0].replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


def _mots_avant(avant: str) -> str:
    """Return the number words right before a bracket (« … s'élève à cent vingt mille euros »)."""
    pris: list[str] = []
    for jeton in reversed(avant.rstrip().split(" ")):
        nu = jeton.removeprefix("(")
        if not nu or not _est_mot_nombre(nu):
            break
        pris.insert(0, nu.lower())
        if nu != jeton:
            break
    while pris and pris[0] in ("et", *_UNITES):
        pris.pop(0)
    return " ".join(pris)


def _paires(texte: str) -> Iterator[tuple[str, str, str]]:
    """Yield (words, figures, what the text says) for each amount written both ways in *texte*."""
    for parenthese in _PARENTHESES.finditer(texte):
        dedans = parenthese[1].strip()
        if _EN_CHIFFRES.fullmatch(dedans):
            mots = _mots_avant(texte[:parenthese.start()])
            if any(m in _NOMBRES or "-" in m for m in mots.split()):
                yield mots, dedans, f"{mots} ({dedans})"
        elif dedans and all(_est_mot_nombre(m) for m in dedans.split()) and any(
                m.lower() in _NOMBRES or "-" in m for m in dedans.split()):
            chiffres = re.search(rf"({_EN_CHIFFRES.pattern}) ?$", texte[:parenthese.start()])
            if chiffres is not None:
                yield dedans, chiffres[1], f"{chiffres[1]} ({dedans})"


def _verifier_montants(lignes: Iterable[_Ligne], lieu: Any) -> Iterator[Constat]:
    for ligne in lignes:
        if "(" not in ligne.texte:
            continue
        for mots, chiffres, extrait in _paires(ligne.texte):
            valeur = _lire_chiffres(chiffres)
            try:
                lue = _lire_mots(mots)
            except (ValueError, TypeError, OverflowError):
                yield _constat("montant", lieu(ligne), f"« {extrait} » : « {mots} » ne se lit pas comme un nombre.")
                continue
            if valeur is not None and lue != valeur:
                yield _constat("montant", lieu(ligne),
                               f"« {extrait} » : les lettres disent {_afficher(lue, chiffres)}, les chiffres "
                               f"{_afficher(valeur, chiffres)}.")


def _afficher(valeur: Decimal, modele: str) -> str:
    if "€" in modele or "euro" in modele:
        return format_montant(valeur).replace("\u202f", " ").replace("\u00a0", " ")
    return f"{valeur:,}".replace(",", " ")


# --- Tables: totals, and the figures Annexe 1 and the convention cite --------------------------------------

_MONTANT_CELLULE = re.compile(rf"(?:{_CHIFFRES.pattern})(?: ?€)?|[—–-]")


def _valeur(cellule: str) -> Decimal | None:
    if not _MONTANT_CELLULE.fullmatch(cellule):
        return None
    return Decimal(0) if cellule in ("—", "–", "-") else _lire_chiffres(cellule)


def _euros(valeur: Decimal, jours: bool = False) -> str:
    if jours:
        return f"{valeur:,}".replace(",", " ")
    return format_montant(valeur).replace("\u202f", " ").replace("\u00a0", " ")


def _verifier_tableau(tableau: _Tableau, document: str) -> Iterator[Constat]:
    """Each row's « Total » column is the sum of the row; each « Sous-total » the sum of its group's lines; each
    « Total » row the sum of the lines since the previous total; « Valorisation à N € par jour » the days × N."""
    if len(tableau.rangees) < 2:
        return
    entete = tableau.rangees[0]
    jours = "jours" in tableau.nom.lower()
    derniere_totale = entete[-1].lower().startswith("total") and len(entete) > 2
    groupe: list[list[Decimal | None]] = []
    bloc: list[list[Decimal | None]] = []
    precedent_total: list[Decimal | None] | None = None
    for rangee in tableau.rangees[1:]:
        if len(rangee) != len(entete) or not rangee:
            continue
        libelle = rangee[0]
        if all(not c for c in rangee[1:]):  # a group's heading
            groupe = []
            continue
        valeurs: list[Decimal | None] = [None, *(_valeur(c) for c in rangee[1:])]

        def lieu(colonne: int, libelle: str = libelle) -> str:
            return f"{tableau.lieu()}, ligne « {libelle} », colonne « {entete[colonne]} »"

        if derniere_totale and all(v is not None for v in valeurs[1:]):
            somme = sum((v for v in valeurs[1:-1] if v is not None), Decimal(0))
            ecrit = valeurs[-1]
            if ecrit is not None and ecrit != somme:
                yield Constat("total", document, lieu(len(entete) - 1),
                              f"{_euros(ecrit, jours)} écrit, la somme de la ligne donne {_euros(somme, jours)}.")
        minuscule = libelle.lower()
        taux = re.fullmatch(rf"valorisation à ({_CHIFFRES.pattern}) ?€ par jour", minuscule)
        if taux and precedent_total is not None:
            tarif = _lire_chiffres(taux[1]) or Decimal(0)
            for j in range(1, len(entete)):
                attendu = precedent_total[j]
                if attendu is not None and valeurs[j] is not None and valeurs[j] != attendu * tarif:
                    yield Constat("total", document, lieu(j),
                                  f"{_euros(valeurs[j] or Decimal(0))} écrit ; {_euros(attendu, True)} jours à "
                                  f"{_euros(tarif)} donnent {_euros(attendu * tarif)}.")
            continue
        if minuscule.startswith(("sous-total", "total")):
            lignes = groupe if minuscule.startswith("sous-total") else bloc
            for j in range(1, len(entete)):
                if valeurs[j] is None or not lignes or any(r[j] is None for r in lignes):
                    continue
                somme = sum((r[j] or Decimal(0) for r in lignes), Decimal(0))
                if valeurs[j] != somme:
                    yield Constat("total", document, lieu(j),
                                  f"{_euros(valeurs[j] or Decimal(0), jours)} écrit, la somme des lignes donne "
                                  f"{_euros(somme, jours)}.")
            if minuscule.startswith("total"):
                bloc, groupe, precedent_total = [], [], valeurs
            continue
        groupe.append(valeurs)
        bloc.append(valeurs)


def _rangee(tableau: _Tableau | None, debut: str) -> list[Decimal | None] | None:
    if tableau is None:
        return None
    for rangee in tableau.rangees[1:]:
        if (len(rangee) == len(tableau.rangees[0]) and rangee[0].lower().startswith(debut.lower())
                and any(rangee[1:])):  # not a group's heading
            return [None, *(_valeur(c) for c in rangee[1:])]
    return None


def _colonne(tableau: _Tableau | None, nom: str) -> int | None:
    if tableau is None:
        return None
    return next((j for j, c in enumerate(tableau.rangees[0]) if c.lower().startswith(nom.lower())), None)


def _paragraphe(lignes: Sequence[_Ligne], motif: str) -> tuple[_Ligne, re.Match[str]] | None:
    expression = re.compile(motif)
    for ligne in lignes:
        if (trouve := expression.search(ligne.texte)) is not None:
            return ligne, trouve
    return None


_F = rf"({_CHIFFRES.pattern}) ?€"  # a figure in euros, captured


def _verifier_annexe_1(annexe: Sequence[_Ligne], tableaux: Sequence[_Tableau], convention: Sequence[_Ligne],
                       document: str, lieu_ligne: Any) -> Iterator[Constat]:
    """The figures Annexe 1's text and the convention cite, against Annexe 1's tables."""
    par_nom = {t.nom.lower(): t for t in tableaux}
    avances, fonctionnement = par_nom.get("apporteur"), par_nom.get("compte de fonctionnement")
    competences, synthese, annuel = par_nom.get("entreprise (jours)"), par_nom.get("catégorie"), par_nom.get("poste")

    def total(tableau: _Tableau | None, debut: str, colonne: int = -1) -> Decimal | None:
        rangee = _rangee(tableau, debut)
        return None if rangee is None else rangee[colonne]

    def comparer(cite: Decimal | None, tableau: Decimal | None, ou: str, quoi: str, ligne: _Ligne | None = None,
                 source: str = "le texte") -> Iterator[Constat]:
        if cite is not None and tableau is not None and cite != tableau:
            doc, lieu = lieu_ligne(ligne) if ligne is not None else (document, ou)
            yield Constat("incoherence", doc, lieu, f"{quoi} : {source} dit {_euros(cite)}, {ou} "
                                                    f"{_euros(tableau)}.")

    cdc = total(avances, "caisse des dépôts")
    fonds = total(avances, "total")
    autres = None if cdc is None or fonds is None else fonds - cdc
    lieu_cdc = f"le {avances.lieu()} (ligne « Caisse des dépôts et consignations »)" if avances else ""
    for lignes, motif, source in (
            (annexe, rf"dotation prévisionnelle de la Caisse des dépôts et consignations \(CDC\) s'élève à "
                     rf".*?\({_F}\), soit .*? des autres partenaires au fonds d'avances remboursables, qui s'élève "
                     rf"à .*?\({_F}\)",
             "l'annexe 1"),
            (convention, rf"dotation prévisionnelle de la CDC s'élève à .*?\({_F}\), soit .*? des autres "
                         rf"partenaires au fonds d'avances remboursables, qui s'élève à .*?\({_F}\)",
             "la convention")):
        if (trouve := _paragraphe(lignes, motif)) is not None:
            ligne, m = trouve
            yield from comparer(_lire_chiffres(m[1]), cdc, lieu_cdc, "Dotation de la CDC", ligne, source)
            yield from comparer(_lire_chiffres(m[2]), autres, f"le {avances.lieu() if avances else 'tableau'} (total "
                                "moins la CDC)", "Dotations des autres partenaires", ligne, source)

    astrees = _rangee(fonctionnement, "contribution à astrees")
    annuelle, totale = CONTRIBUTION_ASTREES_ANNUELLE, CONTRIBUTION_ASTREES_ANNUELLE * DUREE_ANNEES
    source = "le programme"
    if (cite := _paragraphe(convention, r"reçoit ([\d ]+) euros .*?, soit ([\d ]+) euros pour la période totale")):
        annuelle, totale = _lire_chiffres(cite[1][1]) or annuelle, _lire_chiffres(cite[1][2]) or totale
        source = "la convention (article 7)"
    if astrees is not None and fonctionnement is not None:
        ou = f"{fonctionnement.lieu()}, ligne « Contribution à ASTREES »"
        for j, valeur in enumerate(astrees[1:-1], start=1):
            if valeur is not None and valeur != annuelle:
                yield Constat("incoherence", document, f"{ou}, colonne « {fonctionnement.rangees[0][j]} »",
                              f"Contribution à ASTREES : {source} dit {_euros(annuelle)} par année, le tableau "
                              f"{_euros(valeur)}.")
        if astrees[-1] is not None and astrees[-1] != totale:
            yield Constat("incoherence", document, f"{ou}, colonne « Total »",
                          f"Contribution à ASTREES : {source} dit {_euros(totale)} pour la convention, le tableau "
                          f"{_euros(astrees[-1])}.")

    tarif, source = VALORISATION_JOUR, "le programme"
    if (jour := _paragraphe(convention, r"valorisés à hauteur de ([\d ]+) euros par jour")) is not None:
        tarif, source = _lire_chiffres(jour[1][1]) or tarif, "la convention (article 4)"
    if competences is not None:
        for rangee in competences.rangees[1:]:
            if (taux := re.fullmatch(rf"Valorisation à {_F} par jour", rangee[0] if rangee else "")) is not None:
                ecrit = _lire_chiffres(taux[1])
                if ecrit != tarif:
                    yield Constat("incoherence", document, f"{competences.lieu()}, ligne « {rangee[0]} »",
                                  f"Valorisation d'une journée : {source} dit {_euros(tarif)}, le tableau "
                                  f"{_euros(ecrit or Decimal(0))}.")

    valorisation = total(competences, "valorisation")
    general = total(synthese, "total") if synthese is not None else total(annuel, "total")
    if (budget := _paragraphe(annexe, rf"budget prévisionnel total .*?\({_F}\).*?dont .*?\({_F}\) d'apport")):
        ligne, m = budget
        ou = f"le {synthese.lieu()} (ligne « Total »)" if synthese else "la synthèse"
        yield from comparer(_lire_chiffres(m[1]), general, ou, "Budget total", ligne, "l'annexe 1")
        yield from comparer(_lire_chiffres(m[2]), valorisation, f"le {competences.lieu() if competences else ''}",
                            "Apport en compétences valorisé", ligne, "l'annexe 1")
    if annuel is not None and synthese is not None:
        yield from comparer(total(annuel, "total"), total(synthese, "total"), f"le {synthese.lieu()} (ligne « Total »)",
                            "Budget total", None, f"le {annuel.lieu()}")
    # the summaries against the detailed tables
    for poste, tableau, debut, colonne in (("Fonds d'avances", avances, "total", "fonds d'avances"),
                                           ("Fonctionnement", fonctionnement, "total des ressources", "fonctionnement"),
                                           ("Compétences valorisées", competences, "valorisation", "compétences")):
        k = _colonne(synthese, colonne)
        if synthese is not None and tableau is not None and k is not None:
            yield from comparer(total(synthese, "total", k), total(tableau, debut),
                                f"le {tableau.lieu()}", f"{poste}, total", None, f"le {synthese.lieu()}")
        rangee_annuelle = _rangee(annuel, {"Fonds d'avances": "fonds d'avances", "Fonctionnement": "compte de "
                                           "fonctionnement", "Compétences valorisées": "compétences"}[poste])
        detail = _rangee(tableau, debut)
        if annuel is not None and tableau is not None and rangee_annuelle is not None and detail is not None:
            for j in range(1, min(len(rangee_annuelle), len(detail))):
                yield from comparer(rangee_annuelle[j], detail[j], f"le {tableau.lieu()}",
                                    f"{poste}, {annuel.rangees[0][j]}", None, f"le {annuel.lieu()}")


def _verifier_echeancier(tableau: _Tableau, lignes: Sequence[_Ligne], document: str) -> Iterator[Constat]:
    """A cooperation agreement's schedule: each capital remaining is the one before less the instalment, the
    last is nothing, and the instalments add up to the advance its Article 4 grants."""
    avance = _paragraphe(lignes, rf"accorde au bénéficiaire une avance remboursable de .*?\({_F}\)")
    capital = _lire_chiffres(avance[1][1]) if avance is not None else None
    total = Decimal(0)
    for rangee in tableau.rangees[1:]:
        if len(rangee) != 4 or (montant := _valeur(rangee[2])) is None or (reste := _valeur(rangee[3])) is None:
            continue
        total += montant
        if capital is not None and capital - montant != reste:
            yield Constat("total", document, tableau.lieu((tableau.rangees.index(rangee), 3)),
                          f"{_euros(reste)} écrit ; {_euros(capital)} moins l'échéance de {_euros(montant)} donnent "
                          f"{_euros(capital - montant)}.")
        capital = reste
    if avance is not None and (accordee := _lire_chiffres(avance[1][1])) is not None and total != accordee:
        yield Constat("incoherence", document, tableau.lieu(),
                      f"Échéancier : les échéances font {_euros(total)}, l'article 4 accorde une avance de "
                      f"{_euros(accordee)}.")


# --- Mandatory terms and blanks ------------------------------------------------------------------------------

_MOT = re.compile(r"\w+|[^\w\s]")


def _verifier_termes(termes: Sequence[TermeObligatoire], lignes: Sequence[_Ligne], document: str,
                     lieu: Any, textes: Sequence[TexteClause] = ()) -> Iterator[Constat]:
    texte = " ".join(ligne.texte for ligne in lignes)
    for terme in termes:
        attendu = normalise_line(terme.texte)
        if attendu in texte:
            continue
        mots = _MOT.findall(attendu)
        meilleur, score = None, 0.0
        distincts = {m.lower() for m in mots}
        for ligne in lignes:
            if len(distincts & set(ligne.texte.lower().split(" "))) < 0.3 * len(distincts):
                continue  # shares too few words to be the term altered (and spares the matcher)
            jetons = list(_MOT.finditer(ligne.texte))
            blocs = difflib.SequenceMatcher(None, mots, [j[0] for j in jetons], autojunk=False).get_matching_blocks()
            commun = sum(b.size for b in blocs)
            if commun / len(mots) > score:
                score, meilleur = commun / len(mots), (ligne, blocs, jetons)
        if meilleur is not None and score >= 0.6:
            ligne, blocs, jetons = meilleur
            utiles = [b for b in blocs if b.size]
            trouve = ligne.texte[jetons[utiles[0].b].start():jetons[utiles[-1].b + utiles[-1].size - 1].end()]
            ecart = "".join(f"[-{s.text}-]" if s.kind == "delete" else f"{{+{s.text}+}}" if s.kind == "insert"
                            else s.text for s in word_diff(attendu, trouve))
            yield _constat("terme", lieu(ligne), f"terme obligatoire altéré (règle {terme.regle}) : « {ecart} ».")
        else:
            clause = next((t for t in textes if attendu in " ".join(t.lignes)), None)  # where it was generated
            ou = "" if clause is None else (f"{clause.lignes[0]} ({clause.ref})" if len(clause.lignes[0]) < 90
                                            else clause.ref)
            yield Constat("terme", document, ou, f"terme obligatoire absent (règle {terme.regle}) : « {attendu} ».")


def _verifier_blancs(lignes: Iterable[_Ligne], lieu: Any) -> Iterator[Constat]:
    for ligne in lignes:
        if (trouve := find_blanks(ligne.texte)) is not None:
            extrait = ligne.texte if len(ligne.texte) <= 90 else ligne.texte[:89] + "…"
            yield _constat("blanc", lieu(ligne), f"le texte contient {trouve} : « {extrait} ».")


# --- Hand edits ---------------------------------------------------------------------------------------------

def _modifications(textes: Sequence[TexteClause], lignes: Sequence[_Ligne], nom_document: Any, lieu: Any
                   ) -> Iterator[ModificationManuelle]:
    """Align the generated lines (each tagged with its clause) with the current ones, then compare each clause's
    current lines with its recorded text and hash."""
    origine: list[tuple[int, str]] = [(i, ligne) for i, t in enumerate(textes) for ligne in t.lignes]
    actuelles = [ligne.texte for ligne in lignes]
    attribuees: list[list[int]] = [[] for _ in textes]
    changees: dict[int, int] = {}  # each clause's first current line that changed, or the one before a deletion
    operations = difflib.SequenceMatcher(None, [t for _, t in origine], actuelles, autojunk=False).get_opcodes()
    for operation, i1, i2, j1, j2 in operations:
        for k, j in enumerate(range(j1, j2)):
            if operation in ("equal", "replace") and i2 > i1:
                clause = origine[min(i1 + k, i2 - 1)][0]
            else:  # an insertion belongs to the clause before it
                clause = origine[i1 - 1][0] if i1 else (origine[0][0] if origine else 0)
            if textes:
                attribuees[clause].append(j)
                if operation != "equal":
                    changees.setdefault(clause, j)
        if operation == "delete" and i1 < len(origine):
            changees.setdefault(origine[i1][0], max(j1 - 1, 0))
    for i, texte in enumerate(textes):
        maintenant = [actuelles[j] for j in attribuees[i]]
        if text_sha256(maintenant) == texte.sha256 and maintenant == texte.lignes:
            continue
        changements = tuple(d for d in diff_paragraphs(texte.lignes, maintenant) if d.kind != "equal")
        if not changements:
            continue
        premiere = changees.get(i, attribuees[i][0] if attribuees[i] else None)
        ou = (lieu(lignes[premiere])[1] if premiere is not None and premiere < len(lignes)
              else texte.lignes[0] if texte.lignes else "")
        yield ModificationManuelle(texte.ref, nom_document(texte.document), ou, changements)


# --- The check ----------------------------------------------------------------------------------------------

_TITRES_DOCUMENTS = (("ANNEXE 1", "annexe-1-budget"), ("ANNEXE 2", "annexe-2-cahier-des-charges"),
                     ("ANNEXE 3", "annexe-3-operateur-local"), ("CONVENTION DE COOPÉRATION", "cooperation"),
                     ("CONVENTION DE PARTENARIAT", "convention-partenariat"))


def _deviner(lignes: Sequence[_Ligne]) -> str:
    debut = " ".join(ligne.texte for ligne in lignes[:3]).upper()[:400]
    trouves = sorted((debut.find(titre), kind) for titre, kind in _TITRES_DOCUMENTS if titre in debut)
    return trouves[0][1] if trouves else ""


def check_document(source: str | Path | bytes, library: ClauseLibrary | None = None, *,
                   nom: str | None = None) -> RapportControle:
    """Check a generated document, perhaps edited by hand since: a .docx (convention, annex, cooperation
    agreement, signing bundle) or a PDF with a text layer, given by its path or as bytes (*nom* names it then).

    Returns a :class:`RapportControle`: its errors (``ok`` when there are none), the clauses edited by hand (never
    errors) and notes. A file that is not a .docx or a PDF is a :class:`CommandError`; a hostile, broken or
    text-less one a :class:`alize_docs.office.FichierRefuse`, each with a French sentence.
    """
    library = library if library is not None else ClauseLibrary()
    if isinstance(source, bytes):
        donnees, chemin = source, nom or "document"
        genre = "pdf" if donnees.startswith(b"%PDF") else "docx" if donnees.startswith(b"PK") else ""
    else:
        chemin = str(source)
        suffixe = Path(source).suffix.lower()
        genre = {".docx": "docx", ".pdf": "pdf"}.get(suffixe, "")
        if genre and not Path(source).is_file():
            raise CommandError(f"{chemin} n'est pas un fichier")
        donnees = b""
    if not genre:
        raise CommandError(f"{Path(chemin).name} : controler attend un document Word (.docx) ou un PDF produit "
                           "par alize-docs (pour un fichier de saisie, utilisez « alize-docs valider »)")
    notes: list[str] = []
    textes: tuple[TexteClause, ...] | None = None
    if genre == "docx":
        with ouvrir(chemin, donnees or None, genre="docx") as paquet:
            corps = paquet.xml("word/document.xml")
            lu = _lire_docx(corps, _styles(paquet))
            revisions = sum(1 for _ in corps.iter(qn("w:ins"), qn("w:del")))
            if revisions:
                suivies = _compte(revisions, "modification suivie", "modifications suivies")
                notes.append(f"le document contient {suivies} (révisions) non acceptée(s) : il est contrôlé comme si "
                             "elles l'étaient (texte inséré compris, texte supprimé exclu).")
            for partie in sorted(paquet.noms()):
                if re.fullmatch(r"word/(header|footer)\d*\.xml", partie):
                    lu.autres += [_texte_paragraphe(p) for p in paquet.xml(partie).iter(qn("w:p"))]
            textes = read_clause_texts(paquet)
            contenu = paquet.octets_surs()
        origine = read_provenance_file(Path(chemin), contenu)
    else:
        if not donnees:
            try:
                with open(chemin, "rb") as fichier:
                    donnees = fichier.read(_PDF_MAX + 1)
            except OSError as exc:
                raise FichierRefuse(chemin, f"le fichier est illisible ({raison_systeme(exc)})"
                                    ) from None
        if len(donnees) > _PDF_MAX:
            raise FichierRefuse(chemin, f"le fichier pèse plus de {_PDF_MAX // 1_000_000} Mo, la limite admise")
        lu, metadonnees = _lire_pdf(chemin, donnees)
        origine = Provenance.from_properties(metadonnees)
        notes.append("PDF : contrôlés sur sa couche texte (montants, tableaux de l'annexe 1, termes obligatoires, "
                     "blancs) ; les modifications à la main ne se recherchent que sur le .docx.")
    kinds = _kinds(origine, lu)
    if len(kinds) > 1:
        _sans_garde_ni_carte(lu, len(kinds))
    if len(kinds) > 1 and lu.sections != len(kinds):  # a section break added or removed in a bundle by hand
        _resectionner(lu, kinds, textes or ())
    modele = origine.modele if origine is not None else ""

    def nom_document(kind: str) -> str:
        return _NOMS.get(kind, kind)

    nom_seul = _NOMS.get(kinds[0], "") if len(kinds) == 1 else ""

    def document_de(section: int) -> str:
        return _NOMS.get(kinds[section], "") if len(kinds) > 1 and section < len(kinds) else nom_seul

    def lieu(ligne: _Ligne) -> tuple[str, str]:
        if ligne.table is not None:
            return document_de(ligne.section), lu.tableaux[ligne.table].lieu(ligne.case)
        return document_de(ligne.section), ligne.titre

    constats: list[Constat] = list(_verifier_montants(lu.lignes, lieu))  # paragraphs and table cells
    par_section: dict[int, list[_Ligne]] = {}
    for ligne in lu.lignes:
        par_section.setdefault(ligne.section, []).append(ligne)
    convention = next((par_section.get(s, []) for s, k in enumerate(kinds) if k == "convention-partenariat"), [])
    for section, kind in enumerate(kinds):
        if kind != "annexe-1-budget":
            continue
        tableaux = [t for t in lu.tableaux if t.section == section or len(kinds) == 1]
        for tableau in tableaux:
            constats += _verifier_tableau(tableau, document_de(section))
        constats += _verifier_annexe_1(par_section.get(section, []) if len(kinds) > 1 else lu.lignes, tableaux,
                                       convention, document_de(section), lieu)
    if genre == "docx":  # other documents' tables (a cooperation agreement's skills, financing and schedule)
        for tableau in lu.tableaux:
            if (kinds[tableau.section] if tableau.section < len(kinds) else "") != "annexe-1-budget":
                constats += _verifier_tableau(tableau, document_de(tableau.section))
            if tableau.nom == "N°" and len(tableau.rangees[0]) == 4:
                constats += _verifier_echeancier(tableau, lu.lignes, document_de(tableau.section))
    if "cooperation" in kinds and not _avec_avance(origine, lu):
        kinds_termes = [k if k != "cooperation" else "" for k in kinds]
        notes.append("convention de coopération sans avance remboursable : les termes obligatoires de l'avance "
                     "(0 %, sans garantie, versement après signature) ne s'appliquent pas.")
    else:
        kinds_termes = kinds
    constats += _termes(library, modele, kinds_termes, par_section, lu, document_de, lieu, notes, textes or ())
    constats += _verifier_blancs(lu.lignes, lieu)
    constats += (Constat("blanc", nom_seul, "en-tête ou pied de page", f"le texte contient {t} : « {texte} ».")
                 for texte in lu.autres if texte and (t := find_blanks(texte)) is not None)
    modifications: list[ModificationManuelle] = []
    if genre == "docx":
        if textes is None:
            notes.append("le document n'enregistre pas le texte de ses clauses (produit par une version antérieure "
                         "d'alize-docs, d'un genre qui ne l'enregistre pas, ou pas par alize-docs) : les modifications "
                         "à la main ne peuvent pas être recherchées.")
        else:
            modifications = list(_modifications(textes, lu.lignes, nom_document, lieu))
    if origine is None:
        notes.append("aucune provenance alize-docs : modèle et document déduits du texte.")
    return RapportControle(Path(chemin).name, tuple(kinds), modele, tuple(_uniques(constats)), tuple(modifications),
                           tuple(notes), modifications_recherchees=textes is not None)


def _sans_garde_ni_carte(lu: _Lu, pieces: int) -> None:
    """Set aside a signing bundle's cover page (its first section, « DOSSIER DE SIGNATURE ») and its map (the
    section after the pieces, « Carte du Territoire »): neither is a clause's text nor a figure to check."""
    def premiere(section: int) -> str:
        return next((ligne.texte for ligne in lu.lignes if ligne.section == section), "")

    garde = premiere(0).upper() == "DOSSIER DE SIGNATURE"
    carte = lu.sections - int(garde) > pieces and premiere(lu.sections - 1) == TITRE_CARTE
    if not garde and not carte:
        return
    ecartees = {0} if garde else set()
    if carte:
        ecartees.add(lu.sections - 1)
    decalage = int(garde)
    renumeros: dict[int, int] = {}
    tableaux: list[_Tableau] = []
    for i, tableau in enumerate(lu.tableaux):
        if tableau.section not in ecartees:
            renumeros[i] = len(tableaux)
            tableau.section -= decalage
            tableaux.append(tableau)
    lignes = []
    for ligne in lu.lignes:
        if ligne.section in ecartees or (ligne.table is not None and ligne.table not in renumeros):
            continue
        ligne.section -= decalage
        ligne.table = None if ligne.table is None else renumeros[ligne.table]
        lignes.append(ligne)
    lu.lignes, lu.tableaux, lu.sections = lignes, tableaux, lu.sections - len(ecartees)


def _resectionner(lu: _Lu, kinds: Sequence[str], textes: Sequence[TexteClause]) -> None:
    """Give each line and table of a bundle its document again, found by the first line each document begins with
    (recorded with its clauses, or its title), when its section breaks no longer tell them apart."""
    debuts: dict[str, str] = {}
    for texte in textes:
        if texte.lignes:
            debuts.setdefault(texte.document, texte.lignes[0].upper())
    titres = dict((kind, titre) for titre, kind in _TITRES_DOCUMENTS)
    section, k = 0, 1
    for ligne in lu.lignes:
        if k < len(kinds) and ligne.table is None and ligne.titre == ligne.texte and ligne.texte.upper().startswith(
                debuts.get(kinds[k], titres.get(kinds[k], "\0"))):  # a heading that begins the next document
            section, k = k, k + 1
        ligne.section = section
    for numero, tableau in enumerate(lu.tableaux):
        tableau.section = next((ligne.section for ligne in lu.lignes if ligne.table == numero), tableau.section)
    lu.sections = len(kinds)


def _avec_avance(origine: Provenance | None, lu: _Lu) -> bool:
    """Tell whether a cooperation agreement grants an advance (its schedule clause is there): the library check
    applies the model's cooperation terms, all about the advance, only then."""
    if origine is not None and origine.clauses:
        return any(c.id == "cooperation/article-5-echeancier" for c in origine.clauses)
    return any("une avance remboursable de" in ligne.texte for ligne in lu.lignes)


def _uniques(constats: Iterable[Constat]) -> Iterator[Constat]:
    vus = set()
    for constat in constats:
        if constat not in vus:
            vus.add(constat)
            yield constat


def _kinds(origine: Provenance | None, lu: _Lu) -> list[str]:
    if origine is not None and origine.documents:
        return list(origine.documents)
    if origine is not None and origine.document != "dossier-signature":
        return [origine.document]
    par_section: dict[int, list[_Ligne]] = {}
    for ligne in lu.lignes:
        par_section.setdefault(ligne.section, []).append(ligne)
    return [_deviner(par_section.get(s, [])) for s in range(lu.sections)]


def _termes(library: ClauseLibrary, modele: str, kinds: Sequence[str], par_section: dict[int, list[_Ligne]],
            lu: _Lu, document_de: Any, lieu: Any, notes: list[str], textes: Sequence[TexteClause]
            ) -> Iterator[Constat]:
    noms = [modele] if modele else []
    if not noms or modele not in library.modeles():
        if modele:
            notes.append(f"le modèle « {modele} » n'est pas dans la bibliothèque de clauses : termes obligatoires "
                         "vérifiés contre le modèle le plus proche.")
        texte = " ".join(ligne.texte for ligne in lu.lignes)
        noms = sorted(library.modeles(), key=lambda n: -sum(
            normalise_line(t.texte) in texte for ts in library.modele(n).termes_obligatoires.values() for t in ts))[:1]
    if not noms:
        return
    try:
        termes = library.modele(noms[0]).termes_obligatoires
    except ModelError:
        return
    for section, kind in enumerate(kinds):
        lignes = par_section.get(section, []) if len(kinds) > 1 else lu.lignes
        yield from _verifier_termes(termes.get(kind, ()), lignes, document_de(section), lieu, textes)
