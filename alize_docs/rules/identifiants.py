"""Identifiers checked by their checksums: IBAN, SIRET, SIREN.

The same check runs on a valid model (rules ``accounts`` and ``sme``) and on the raw data of a file that has other
problems, so that a wrong checksum is reported in the same report as a wrong date or amount, not in a second round
after those are fixed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from alize_docs.errors import Chemin, Probleme

__all__ = ["identifiants_bruts", "probleme_iban", "probleme_siren", "probleme_siret"]

_IBAN_ERREURS: dict[type[ValidationError], str] = {
    InvalidChecksum: "la clé de contrôle est fausse (une erreur de saisie ?)",
    InvalidLength: "la longueur ne correspond pas au pays",
    InvalidFormat: "le format n'est pas celui d'un IBAN",
    InvalidComponent: "le code pays ou le compte est invalide",
}


def probleme_iban(iban: str, chemin: Chemin) -> Probleme | None:
    """Return the problem of an IBAN that its checksum or format refutes, or None."""
    try:
        stdnum_iban.validate(iban)
    except ValidationError as exc:
        raison = next((m for t, m in _IBAN_ERREURS.items() if isinstance(exc, t)), "il est invalide")
        return Probleme("accounts", chemin, f"IBAN « {iban} » invalide : {raison}.")
    return None


def probleme_siret(siret: str, chemin: Chemin) -> Probleme | None:
    """Return the problem of a SIRET that its checksum refutes, or None."""
    if stdnum_siret.is_valid(siret):
        return None
    return Probleme("accounts", chemin, f"SIRET « {siret} » invalide : 14 chiffres attendus, avec une clé de "
                                        "contrôle juste.")


def probleme_siren(siren: str, chemin: Chemin) -> Probleme | None:
    """Return the problem of a SIREN that its checksum refutes, or None."""
    if stdnum_siren.is_valid(siren):
        return None
    return Probleme("sme", chemin, f"SIREN « {siren} » invalide : 9 chiffres attendus, avec une clé de contrôle "
                                   "juste.")


_CHEMINS = (
    (("operateur", "comptes", "avances", "iban"), probleme_iban),
    (("operateur", "comptes", "fonctionnement", "iban"), probleme_iban),
    (("operateur", "siret"), probleme_siret),
    (("beneficiaire", "siren"), probleme_siren),
)


def identifiants_bruts(donnees: Any) -> Iterator[Probleme]:
    """Yield the checksum problems of the identifiers found in a file's raw data (a file whose model could not be
    built: its other problems are reported with these)."""
    for chemin, verifier in _CHEMINS:
        valeur: Any = donnees
        for cle in chemin:
            valeur = valeur.get(cle) if isinstance(valeur, Mapping) else None
        if isinstance(valeur, str) and valeur.strip() and (probleme := verifier(valeur, chemin)) is not None:
            yield probleme
