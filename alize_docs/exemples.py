"""The bundled examples: a complete territory and one SME's cooperation agreement, installed with the package.

>>> exemple("toulinois.yaml").name
'toulinois.yaml'
"""

from __future__ import annotations

from pathlib import Path

from alize_docs.clauses.library import bundled_path

__all__ = ["exemple", "exemples"]


def exemples() -> list[Path]:
    """Return the paths of the bundled example files."""
    return sorted(bundled_path("fixtures").glob("*.yaml"))


def exemple(nom: str) -> Path:
    """Return the path of the bundled example *nom* (``toulinois.yaml``,
    ``cooperation-menuiseries-du-toulois.yaml``), installed or in a checkout."""
    chemin = bundled_path("fixtures") / nom
    if not chemin.is_file():
        raise FileNotFoundError(f"exemple « {nom} » introuvable ; exemples : "
                                f"{', '.join(p.name for p in exemples())}")
    return chemin
