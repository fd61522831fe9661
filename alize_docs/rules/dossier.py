"""The validated dossier: the only way to the rendering stage is through :func:`valider_dossier`.

A :class:`DossierValide` can be made by this module alone (its constructor checks a private token), so a
function that takes one knows every rule was checked and passed: it checks nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from alize_docs.domain.models import Cooperation, Territoire
from alize_docs.domain.programme import Majorite, PeriodeSignature
from alize_docs.errors import InvalidInput, Probleme, UsageError, ValidationReport, sort_problems
from alize_docs.inputs.dossier import Dossier
from alize_docs.rules.cooperation import validate_cooperation
from alize_docs.rules.territoire import validate_territoire

__all__ = ["DossierValide", "exiger_valide", "regles_cooperation", "valider_dossier"]

_JETON = object()


@dataclass(frozen=True)
class DossierValide:
    """A :class:`Dossier` that passed every rule of its model."""

    dossier: Dossier
    _jeton: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._jeton is not _JETON:
            raise UsageError("un DossierValide ne se construit que par valider_dossier() (ou alize_docs.validate)")

    @property
    def territoire(self) -> Territoire:
        return self.dossier.territoire

    @property
    def cooperation(self) -> Cooperation | None:
        return self.dossier.cooperation


def regles_cooperation(cooperation: Cooperation, territoire: Territoire, modeles: frozenset[str],
                       majorite: Callable[[str], Majorite]) -> list[Probleme]:
    """Return every breach of the program's rules by a cooperation agreement, given its territory."""
    if territoire.modele not in modeles:
        return [Probleme("model", ("modele",), f"Modèle « {territoire.modele} » inconnu.")]
    return validate_cooperation(cooperation, territoire, majorite(territoire.modele))


def valider_dossier(dossier: Dossier, modeles: frozenset[str], majorite: Callable[[str], Majorite],
                    periodes: Mapping[str, PeriodeSignature | None] | None = None,
                    ) -> tuple[list[Probleme], DossierValide | None]:
    """Return the problems of *dossier* (the models known, each one's decision rule and signing period), and the
    validated dossier when none is an error (warnings do not block)."""
    if dossier.cooperation is not None:
        problemes = regles_cooperation(dossier.cooperation, dossier.territoire, modeles, majorite)
    else:
        problemes = validate_territoire(dossier.territoire, modeles, periodes)
    bloquants = any(p.bloquant for p in problemes)
    return problemes, None if bloquants else DossierValide(dossier, _JETON)


def exiger_valide(dossier: Dossier, modeles: frozenset[str], majorite: Callable[[str], Majorite],
                  periodes: Mapping[str, PeriodeSignature | None] | None = None) -> DossierValide:
    """Return *dossier* validated, or raise :class:`InvalidInput` with every problem."""
    problemes, valide = valider_dossier(dossier, modeles, majorite, periodes)
    if valide is None:
        source = dossier.cooperation.numero if dossier.cooperation else "territoire"
        raise InvalidInput(ValidationReport(source, sort_problems(problemes)))
    return valide
