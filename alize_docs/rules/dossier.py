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
from alize_docs.inputs.carte import Carte, CarteRefusee, lire_carte
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
    carte: Carte | None = None
    """The map of the Territoire read from ``dispositif.carte`` (the signing bundle's last piece), if given."""

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
    carte, problemes_carte = _carte(dossier)
    problemes += problemes_carte
    bloquants = any(p.bloquant for p in problemes)
    return problemes, None if bloquants else DossierValide(dossier, _JETON, carte)


_CHEMIN_CARTE = ("dispositif", "carte")


def _carte(dossier: Dossier) -> tuple[Carte | None, list[Probleme]]:
    """Return the territory's map, read and checked, and its problems: a map announced by the convention
    (``carte_annexee: true``) and not given is a warning naming the missing piece (the documents are written,
    the operator attaches the paper map); a map given and not announced, or refused, is an error."""
    if dossier.cooperation is not None:
        return None, []
    dispositif = dossier.territoire.dispositif
    if dispositif.carte is None:
        if not dispositif.carte_annexee:
            return None, []
        return None, [Probleme("map", ("dispositif", "carte_annexee"), (
            "La convention annonce « Une carte du Territoire est annexée » (carte_annexee : oui) mais aucune "
            "carte n'est donnée (clé « carte ») : le dossier de signature est écrit sans la carte du Territoire ; "
            "joignez-la sur papier, ou donnez son fichier (PDF, PNG ou JPEG)."), gravite="avertissement")]
    if not dispositif.carte_annexee:
        return None, [Probleme("map", _CHEMIN_CARTE, (
            f"Une carte est donnée (« {dispositif.carte} ») mais la convention ne l'annonce pas : mettez "
            "carte_annexee à oui, ou retirez la clé « carte »."))]
    source = dossier.source if dossier.source.is_dir() else dossier.source.parent
    try:
        return lire_carte(source, dispositif.carte), []
    except CarteRefusee as exc:
        return None, [Probleme("map", _CHEMIN_CARTE, str(exc)[:1].upper() + str(exc)[1:])]


def exiger_valide(dossier: Dossier, modeles: frozenset[str], majorite: Callable[[str], Majorite],
                  periodes: Mapping[str, PeriodeSignature | None] | None = None) -> DossierValide:
    """Return *dossier* validated, or raise :class:`InvalidInput` with every problem."""
    problemes, valide = valider_dossier(dossier, modeles, majorite, periodes)
    if valide is None:
        source = dossier.cooperation.numero if dossier.cooperation else "territoire"
        raise InvalidInput(ValidationReport(source, sort_problems(problemes)))
    return valide
