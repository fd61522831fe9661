"""alize_docs: the legal agreements of the ALIZÉ® program, assembled from versioned clauses.

>>> import alize_docs
>>> territoire = alize_docs.load_territoire("fixtures/toulinois.yaml")  # doctest: +SKIP
>>> donnees = alize_docs.render_convention(territoire)                  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from .api import (
    Dossier,
    check_file,
    generate,
    load_cooperation,
    load_territoire,
    render_convention,
    render_documents,
    validate,
    validate_cooperation,
    write_atomic,
    write_convention,
)
from .assembly import assemble_convention, assemble_cooperation, assemble_dossier
from .budget import Budget, budget_territoire
from .clauses import Clause, ClauseLibrary, Modele
from .document import AssembledDocument
from .errors import AlizeError, ClauseError, InvalidInput, Probleme, RenderError, UsageError, ValidationReport
from .formatting import (
    format_date,
    format_montant,
    format_nombre,
    format_pourcentage,
    montant_en_chiffres_et_lettres,
    montant_en_lettres,
    parse_montant,
    typographie,
)
from .models import Cooperation, Territoire

try:
    __version__ = version("alize-docs")
except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
    __version__ = "0+checkout"

__all__ = [
    "AlizeError",
    "AssembledDocument",
    "Budget",
    "Clause",
    "ClauseError",
    "ClauseLibrary",
    "Cooperation",
    "Dossier",
    "InvalidInput",
    "Modele",
    "Probleme",
    "RenderError",
    "Territoire",
    "UsageError",
    "ValidationReport",
    "__version__",
    "assemble_convention",
    "assemble_cooperation",
    "assemble_dossier",
    "budget_territoire",
    "check_file",
    "format_date",
    "format_montant",
    "format_nombre",
    "format_pourcentage",
    "generate",
    "load_cooperation",
    "load_territoire",
    "montant_en_chiffres_et_lettres",
    "montant_en_lettres",
    "parse_montant",
    "render_convention",
    "render_documents",
    "typographie",
    "validate",
    "validate_cooperation",
    "write_atomic",
    "write_convention",
]
