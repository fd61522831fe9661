"""Every territory rule of DOMAIN.md: an input breaking it, and the error it gets (code and field)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import alize_docs

from .conftest import DELETE, TERRITOIRE, set_path

IBAN_VALIDE = "FR76 1470 7000 5008 0123 4567 869"

CAS: list[tuple[str, dict[str, Any], str, str]] = [
    ("duration", {"partenaires[0].apports.avances": ["40000", "30000"]}, "duration", "partenaires[0].apports.avances"),
    ("duration-explicit", {"dispositif.duree_annees": "4"}, "duration", "dispositif.duree_annees"),
    ("renewal-missing", {"dispositif.nature": "renouvellement"}, "renewal", "dispositif.premiers_resultats"),
    ("renewal-on-creation", {"dispositif.premiers_resultats": "Douze PME aidées."}, "renewal",
     "dispositif.premiers_resultats"),
    ("objectives-zero", {"dispositif.objectifs.projets": "0"}, "objectives", "dispositif.objectifs.projets"),
    ("objectives-negative", {"dispositif.objectifs.emplois": "-5"}, "objectives", "dispositif.objectifs.emplois"),
    ("day-rate", {"dispositif.valorisation_jour": "650"}, "day-rate", "dispositif.valorisation_jour"),
    ("cdc-cap", {"cdc.apports.avances": ["70000", "70000", "70000"]}, "cdc-cap", "cdc.apports.avances"),
    ("astrees", {"depenses_fonctionnement.contribution_astrees": ["3000", "3000", "2500"]}, "astrees",
     "depenses_fonctionnement.contribution_astrees[2]"),
    ("accounts-checksum", {"operateur.comptes.avances.iban": "FR76 1470 7000 5008 0123 4567 868"}, "accounts",
     "operateur.comptes.avances.iban"),
    ("accounts-same", {"operateur.comptes.fonctionnement.iban": IBAN_VALIDE}, "accounts",
     "operateur.comptes.fonctionnement.iban"),
    ("accounts-siret", {"operateur.siret": "39017425810009"}, "accounts", "operateur.siret"),
    ("balance", {"depenses_fonctionnement.communication": ["5000", "6000", "5000"]}, "balance",
     "depenses_fonctionnement"),
    ("committee-unknown", {"comite_agrement.president.partenaire": "inconnu"}, "committee",
     "comite_agrement.president.partenaire"),
    ("committee-not-company", {"comite_agrement.president.partenaire": "cc-toulinois"}, "committee",
     "comite_agrement.president.partenaire"),
    ("signatories-missing", {"partenaires[3].signataire": DELETE}, "signatories", "partenaires[3].signataire"),
    ("signatories-both", {"partenaires[0].represente_par": "etat"}, "signatories", "partenaires[0].represente_par"),
    ("signatories-duplicate-id", {"partenaires[1].id": "side"}, "signatories", "partenaires[1].id"),
    ("signatories-qualite", {"partenaires[1].signataire.qualite": DELETE}, "signatories",
     "partenaires[1].signataire.qualite"),
    ("blanks-dots", {"signature.lieu": "....."}, "blanks", "signature.lieu"),
    ("blanks-xxx", {"dispositif.zone_emploi": "XXX"}, "blanks", "dispositif.zone_emploi"),
    ("blanks-note", {"dispositif.contexte": "[à compléter par l'opérateur]"}, "blanks", "dispositif.contexte"),
    ("dates", {"operateur.autorisation_direction_budget": "2010-12-01"}, "dates",
     "operateur.autorisation_direction_budget"),
    ("territory", {"dispositif.territoire": []}, "territory", "dispositif.territoire"),
    ("model", {"modele": "1999"}, "model", "modele"),
]


@pytest.mark.parametrize(("changements", "code", "champ"), [c[1:] for c in CAS], ids=[c[0] for c in CAS])
def test_each_rule_refuses_an_input_that_breaks_it(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path],
        changements: dict[str, Any], code: str, champ: str) -> None:
    for chemin, valeur in changements.items():
        set_path(territoire_data, chemin, valeur)
    rapport = alize_docs.check_file(write_yaml(territoire_data))
    assert (code, champ) in [(p.code, p.champ) for p in rapport.problemes], rapport.text()
    probleme = next(p for p in rapport.problemes if (p.code, p.champ) == (code, champ))
    assert probleme.ligne is not None and probleme.message.endswith((".", "?"))


def test_the_example_breaks_no_rule() -> None:
    assert alize_docs.check_file(TERRITOIRE).ok


def test_cdc_cap_message_states_both_amounts(territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "cdc.apports.avances", ["70000", "70000", "70000"])
    [probleme] = alize_docs.check_file(write_yaml(territoire_data)).problemes
    assert probleme.message == (
        "La dotation de la CDC (210\u202f000\u00a0€) dépasse 20\u202f% du total des dotations privées et publiques "
        "des autres partenaires au fonds d'avances remboursables (150\u202f000\u00a0€, soit 20\u202f% de "
        "750\u202f000\u00a0€, article 4) : elle peut être au plus de 150\u202f000\u00a0€.")


def test_cdc_cap_is_inclusive(territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "cdc.apports.avances", ["50000", "50000", "50000"])  # exactly 20 % of 750 000
    assert alize_docs.check_file(write_yaml(territoire_data)).ok
    set_path(territoire_data, "cdc.apports.avances", ["50000", "50000", "50000.01"])
    assert [p.code for p in alize_docs.check_file(write_yaml(territoire_data)).problemes] == ["cdc-cap"]


def test_a_valid_renewal_passes(territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    set_path(territoire_data, "dispositif.nature", "renouvellement")
    set_path(territoire_data, "dispositif.premiers_resultats", "Vingt-deux PME accompagnées, 95 emplois créés.")
    assert alize_docs.check_file(write_yaml(territoire_data)).ok


def test_every_rule_breach_is_reported_at_once(
        territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    un_par_regle = ["duration", "renewal-missing", "objectives-zero", "day-rate", "cdc-cap", "astrees",
                    "accounts-checksum", "balance", "committee-not-company", "signatories-missing",
                    "blanks-dots", "dates"]
    for nom, changements, _, _ in CAS:
        if nom in un_par_regle:
            for chemin, valeur in changements.items():
                set_path(territoire_data, chemin, valeur)
    rapport = alize_docs.check_file(write_yaml(territoire_data))
    assert {c[2] for c in CAS if c[0] in un_par_regle} <= rapport.codes(), rapport.text()
    assert [p.ligne for p in rapport.problemes] == sorted(p.ligne or 0 for p in rapport.problemes)


def test_validate_works_on_models_built_in_python() -> None:
    territoire = alize_docs.load_territoire(TERRITOIRE)
    modifie = territoire.model_copy(update={"modele": "1999"})
    assert alize_docs.validate(territoire).ok
    assert [(p.code, p.champ) for p in alize_docs.validate(modifie).problemes] == [("model", "modele")]
