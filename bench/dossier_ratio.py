"""A territory's dossier (4 documents and the signing bundle, .docx) against one convention, in CPU time.

Issue 14's target: the dossier costs at most 2.5 times one convention (read, validate, assemble, render). Both
are timed 60 times, interleaved, and the medians printed; a measurement, not a test.
"""

from __future__ import annotations

import statistics
import time

import alize_docs
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.domain.models import Territoire
from alize_docs.inputs.yaml import load_model, read_yaml

TERRITOIRE = alize_docs.exemple("toulinois.yaml")
LIBRARY = ClauseLibrary()


def convention() -> None:
    alize_docs.render_convention(load_model(Territoire, read_yaml(TERRITOIRE)), LIBRARY)


def dossier() -> None:
    alize_docs.render_documents(alize_docs.Dossier(TERRITOIRE, load_model(Territoire, read_yaml(TERRITOIRE))),
                                LIBRARY)


def main() -> None:
    for fonction in (convention, dossier, convention, dossier):  # warm: compiled clauses and template parts
        fonction()
    mesures: dict[str, list[float]] = {"convention": [], "dossier": []}
    for _ in range(60):
        for nom, fonction in (("convention", convention), ("dossier", dossier)):
            debut = time.process_time()
            fonction()
            mesures[nom].append(time.process_time() - debut)
    une, toutes = (statistics.median(mesures[n]) * 1000 for n in ("convention", "dossier"))
    print(f"convention {une:.1f} ms CPU, dossier (4 documents + dossier de signature) {toutes:.1f} ms CPU, "
          f"rapport {toutes / une:.2f} (objectif ≤ 2,5)")


if __name__ == "__main__":
    main()
