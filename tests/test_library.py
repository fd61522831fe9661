"""The library as a developer embeds it: typed models built in code, French errors, every model exported."""

from __future__ import annotations

from decimal import Decimal

import pytest

import alize_docs


def test_a_float_given_in_code_is_a_french_invalid_input_with_its_value() -> None:
    territoire = alize_docs.load_territoire(alize_docs.exemple("toulinois.yaml"))
    champs = territoire.model_dump()
    champs["cdc"]["apports"]["avances"] = [40000.5, 1, 2]
    with pytest.raises(alize_docs.InvalidInput) as exc:
        alize_docs.Territoire(**champs)
    [probleme] = exc.value.problemes
    assert (probleme.code, probleme.champ) == ("amount", "cdc.apports.avances[0]")
    assert "nombre à virgule flottante (40000.5)" in probleme.message and "{" not in probleme.message


def test_a_model_built_from_its_fields_alone_is_the_model_a_file_gives() -> None:
    apports = alize_docs.ApportsCdc(avances=[Decimal(40000), "40 000", 40000])
    assert apports.avances == [Decimal(40000)] * 3
    with pytest.raises(alize_docs.InvalidInput, match="Clé inconnue « avance »"):
        alize_docs.ApportsCdc(avance=[1, 2, 3])


def test_every_input_model_is_exported() -> None:
    from pydantic import BaseModel

    from alize_docs.domain import models

    publics = {n for n, v in vars(models).items() if isinstance(v, type) and issubclass(v, BaseModel)
               and not n.startswith("_") and v.__module__ == models.__name__}
    assert publics <= set(alize_docs.__all__), sorted(publics - set(alize_docs.__all__))
