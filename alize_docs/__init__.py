"""alize_docs: the legal agreements of the ALIZÉ® program, assembled from versioned clauses.

The stages, in the order the inputs flow: ``inputs`` (file → typed model), ``rules`` (→ validated dossier),
``clauses`` and ``assembly`` (→ assembled document), ``render`` (→ .docx, PDF), ``review`` (comparisons and
checks for legal reviewers); ``api`` and ``batch`` drive them. Names are imported on first use, so that
``import alize_docs`` stays cheap (no Word, XML or spreadsheet library is loaded before it is needed).

>>> import alize_docs
>>> territoire = alize_docs.load_territoire(alize_docs.exemple("toulinois.yaml"))
>>> territoire.dispositif.nom
'Toulinois'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from alize_docs._version import __version__

if TYPE_CHECKING:
    from alize_docs.api import (
        DossierValide,
        check_file,
        generate,
        generate_avenant,
        inspect_file,
        render_avenant,
        render_convention,
        render_documents,
        validate,
        validate_cooperation,
        validate_dossier,
        write_convention,
    )
    from alize_docs.assembly.assemble import assemble_convention, assemble_cooperation, assemble_dossier
    from alize_docs.batch import BatchReport, run_batch
    from alize_docs.clauses.library import Clause, ClauseLibrary, Modele
    from alize_docs.document import AssembledDocument
    from alize_docs.domain.budget import Budget, budget_territoire
    from alize_docs.domain.models import (
        Apports,
        ApportsCdc,
        AppuiCompetences,
        Astrees,
        AutreFinancement,
        AvanceRemboursable,
        Beneficiaire,
        Cdc,
        ComiteAgrement,
        Compte,
        Comptes,
        Cooperation,
        DecisionComite,
        DepenseAutre,
        DepensesFonctionnement,
        Dispositif,
        Etat,
        Objectifs,
        Operateur,
        Partenaire,
        Personne,
        PresidentComite,
        PretBonifie,
        Projet,
        Signature,
        Territoire,
    )
    from alize_docs.errors import (
        AlizeError,
        ClauseError,
        CommandError,
        InvalidInput,
        ModelError,
        Probleme,
        RenderError,
        UsageError,
        ValidationReport,
    )
    from alize_docs.exemples import exemple, exemples
    from alize_docs.formatting import (
        format_date,
        format_montant,
        format_nombre,
        format_pourcentage,
        montant_en_chiffres_et_lettres,
        montant_en_lettres,
        parse_montant,
        typographie,
    )
    from alize_docs.inputs.dossier import Dossier, load_cooperation, load_territoire
    from alize_docs.output import write_atomic
    from alize_docs.render.provenance import Provenance
    from alize_docs.review.controle import RapportControle, check_document

_MODELES = [
    "Personne", "PresidentComite", "Objectifs", "Dispositif", "Signature", "Etat", "ApportsCdc", "Cdc", "Astrees",
    "Compte", "Comptes", "Operateur", "ComiteAgrement", "Apports", "Partenaire", "DepenseAutre",
    "DepensesFonctionnement", "Territoire", "DecisionComite", "Beneficiaire", "AutreFinancement", "Projet",
    "AppuiCompetences", "AvanceRemboursable", "PretBonifie", "Cooperation",
]

_OU: dict[str, str] = {
    **dict.fromkeys(["DossierValide", "check_file", "generate", "inspect_file", "render_convention",
                     "render_documents", "validate", "validate_cooperation", "validate_dossier", "write_convention"],
                    "alize_docs.api"),
    **dict.fromkeys(["generate_avenant", "render_avenant"], "alize_docs.api"),  # avenant
    **dict.fromkeys(["assemble_convention", "assemble_cooperation", "assemble_dossier"],
                    "alize_docs.assembly.assemble"),
    **dict.fromkeys(["BatchReport", "run_batch"], "alize_docs.batch"),
    **dict.fromkeys(["Clause", "ClauseLibrary", "Modele"], "alize_docs.clauses.library"),
    "AssembledDocument": "alize_docs.document",
    **dict.fromkeys(["Budget", "budget_territoire"], "alize_docs.domain.budget"),
    **dict.fromkeys(_MODELES, "alize_docs.domain.models"),
    **dict.fromkeys(["AlizeError", "ClauseError", "CommandError", "InvalidInput", "ModelError", "Probleme",
                     "RenderError", "UsageError", "ValidationReport"], "alize_docs.errors"),
    **dict.fromkeys(["format_date", "format_montant", "format_nombre", "format_pourcentage",
                     "montant_en_chiffres_et_lettres", "montant_en_lettres", "parse_montant", "typographie"],
                    "alize_docs.formatting"),
    **dict.fromkeys(["Dossier", "load_cooperation", "load_territoire"], "alize_docs.inputs.dossier"),
    "write_atomic": "alize_docs.output",
    "Provenance": "alize_docs.render.provenance",
    **dict.fromkeys(["exemple", "exemples"], "alize_docs.exemples"),
    **dict.fromkeys(["RapportControle", "check_document"], "alize_docs.review.controle"),  # controler
}

__all__ = [
    "AlizeError",
    "Apports",
    "ApportsCdc",
    "AppuiCompetences",
    "AssembledDocument",
    "Astrees",
    "AutreFinancement",
    "AvanceRemboursable",
    "BatchReport",
    "Beneficiaire",
    "Budget",
    "Cdc",
    "Clause",
    "ClauseError",
    "ClauseLibrary",
    "ComiteAgrement",
    "CommandError",
    "Compte",
    "Comptes",
    "Cooperation",
    "DecisionComite",
    "DepenseAutre",
    "DepensesFonctionnement",
    "Dispositif",
    "Dossier",
    "DossierValide",
    "Etat",
    "InvalidInput",
    "ModelError",
    "Modele",
    "Objectifs",
    "Operateur",
    "Partenaire",
    "Personne",
    "PresidentComite",
    "PretBonifie",
    "Probleme",
    "Projet",
    "Provenance",
    "RapportControle",
    "RenderError",
    "Signature",
    "Territoire",
    "UsageError",
    "ValidationReport",
    "__version__",
    "assemble_convention",
    "assemble_cooperation",
    "assemble_dossier",
    "budget_territoire",
    "check_document",
    "check_file",
    "exemple",
    "exemples",
    "format_date",
    "format_montant",
    "format_nombre",
    "format_pourcentage",
    "generate",
    "generate_avenant",
    "inspect_file",
    "load_cooperation",
    "load_territoire",
    "montant_en_chiffres_et_lettres",
    "montant_en_lettres",
    "parse_montant",
    "render_avenant",
    "render_convention",
    "render_documents",
    "run_batch",
    "typographie",
    "validate",
    "validate_cooperation",
    "validate_dossier",
    "write_atomic",
    "write_convention",
]
assert set(__all__) == {*_OU, "__version__"}


def __getattr__(nom: str) -> Any:
    """Import a public name from its stage on first use (PEP 562)."""
    if nom not in _OU:
        raise AttributeError(f"module 'alize_docs' has no attribute {nom!r}")
    valeur = getattr(importlib.import_module(_OU[nom]), nom)
    globals()[nom] = valeur
    return valeur


def __dir__() -> list[str]:
    return __all__
