"""The docxtpl baseline's template: a partnership convention written as a docxtpl user would write it.

Not our output with fields pasted in: a template of the same volume as our convention (about 45 kB of
``document.xml``, ~150 paragraphs, tables) whose text comes from the bundled clauses, with what such a
template holds — fields in most paragraphs, ``{%p if %}`` conditions around optional articles, ``{%p for %}``
loops over the partners and the signatories, and tables whose rows are ``{%tr for %}`` loops (the budget over
three years, the partners' contributions). :func:`contexte` gives it the values of the bundled example.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx

RACINE = Path(__file__).resolve().parent.parent


def _phrases() -> list[str]:
    """Sentences of the bundled clauses, markup and Jinja removed: the template's body text."""
    phrases = []
    for chemin in sorted((RACINE / "clauses" / "partenariat").rglob("*.txt")):
        texte = chemin.read_text(encoding="utf-8").split("---", 1)[-1]
        for ligne in texte.splitlines():
            ligne = re.sub(r"\{[{%#].*?[}%#]\}|^[#@-]\S*\s*", "", ligne).strip()
            if len(ligne) > 40:
                phrases.append(ligne)
    return phrases


def build(chemin: Path) -> Path:
    """Write the template to *chemin* and return it."""
    document = docx.Document()
    document.add_heading("CONVENTION DE PARTENARIAT", 0)
    document.add_paragraph("RELATIVE À L'ACTION LOCALE INTERENTREPRISES DANS LA ZONE D'EMPLOI {{ zone_emploi }}")
    document.add_paragraph("ALIZÉ® {{ nom }} — {{ departement }}")
    document.add_paragraph("{%p for p in partenaires %}")
    document.add_paragraph("{{ p.nom }}, représenté par {{ p.signataire }}, {{ p.qualite }} ;")
    document.add_paragraph("{%p endfor %}")
    phrases = _phrases()
    article = 0
    for i, phrase in enumerate(phrases):
        if i % 9 == 0:
            article += 1
            document.add_heading(f"Article {article} — {{{{ articles[{article % 12}] }}}}", 1)
        if i % 13 == 5:
            document.add_paragraph(f"{{%p if options[{i % 7}] %}}")
            document.add_paragraph(phrase + " {{ nom }}")
            document.add_paragraph("{%p endif %}")
        elif i % 4 == 0:
            document.add_paragraph(f"{phrase} Le montant est de {{{{ montants[{i % 12}] }}}} ({{{{ lettres }}}}).")
        else:
            document.add_paragraph(phrase)
        if i % 30 == 10:
            tableau = document.add_table(rows=3, cols=4)
            for j, titre in enumerate(("Poste", "Année 1", "Année 2", "Année 3")):
                tableau.cell(0, j).text = titre
            tableau.cell(1, 0).text = "{%tr for l in budget %}"
            for j, champ in enumerate(("l.poste", "l.a1", "l.a2", "l.a3")):
                tableau.cell(2, j).text = "{{ " + champ + " }}"
            tableau.add_row().cells[0].text = "{%tr endfor %}"
    document.add_paragraph("Fait à {{ lieu }}, le {{ date }}, en {{ partenaires|length }} exemplaires.")
    signatures = document.add_table(rows=3, cols=2)
    signatures.cell(0, 0).text = "{%tr for p in partenaires %}"
    signatures.cell(1, 0).text = "Pour {{ p.nom }}"
    signatures.cell(1, 1).text = "{{ p.signataire }}, {{ p.qualite }}"
    signatures.cell(2, 0).text = "{%tr endfor %}"
    document.save(str(chemin))
    return chemin


def contexte() -> dict[str, Any]:
    """The values of the bundled example, as a docxtpl user would pass them (already formatted)."""
    import alize_docs

    territoire = alize_docs.load_territoire(alize_docs.exemple("toulinois.yaml"))
    partenaires = [{"nom": p.nom, "signataire": p.signataire.nom_complet if p.signataire else "le préfet",
                    "qualite": (p.signataire.qualite if p.signataire else None) or "représentant"}
                   for p in territoire.partenaires]
    montants = [alize_docs.format_montant(Decimal(1000 * (i + 1) * 37)) for i in range(12)]
    budget = [{"poste": f"Poste {i}", "a1": montants[i % 12], "a2": montants[(i + 1) % 12],
               "a3": montants[(i + 2) % 12]} for i in range(12)]
    return {"zone_emploi": territoire.dispositif.zone_emploi, "nom": territoire.dispositif.nom,
            "departement": territoire.dispositif.departement, "partenaires": partenaires,
            "articles": [f"Titre {i}" for i in range(12)], "options": [i % 2 == 0 for i in range(7)],
            "montants": montants, "lettres": alize_docs.montant_en_lettres(Decimal(120000)),
            "budget": budget, "lieu": territoire.signature.lieu,
            "date": alize_docs.format_date(territoire.signature.date)}
