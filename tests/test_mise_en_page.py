"""Page layout: a signature page never stands alone."""

from __future__ import annotations

from pathlib import Path

import docx

import alize_docs

from .conftest import FIXTURES, TERRITOIRE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _garde(paragraphe: docx.text.paragraph.Paragraph) -> bool:
    """Whether Word and LibreOffice keep the paragraph with the next one (its own property or its style's)."""
    propre = paragraphe._p.find(f"{W}pPr/{W}keepNext")
    return propre is not None or bool(paragraphe.style.paragraph_format.keep_with_next)


def test_fait_a_and_the_heading_are_kept_with_the_first_signature_block(tmp_path: Path) -> None:
    for fichier in (TERRITOIRE, FIXTURES / "cooperation-menuiseries-du-toulois.yaml"):
        document = docx.Document(str(alize_docs.generate(fichier, tmp_path)[0]))
        paragraphes = document.paragraphs
        fait = next(i for i, p in enumerate(paragraphes) if p.text.startswith("Fait "))
        assert _garde(paragraphes[fait]), paragraphes[fait].text
        suivants = [p for p in paragraphes[fait + 1:fait + 3] if p.text.strip()]
        assert all(_garde(p) for p in suivants[:1]), [p.text for p in suivants]
