"""Typed input models: what a territory file may contain, field by field.

Models check the shape and the type of each value (unknown keys are errors, money is ``Decimal``);
the program's rules (cap, balance, signatories…) live in :mod:`alize_docs.rules`, which reports on
a whole model at once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from alize_docs import noms
from alize_docs.errors import InvalidInput, ValidationReport
from alize_docs.formatting import AmountSyntaxError, parse_date, parse_montant

__all__ = [
    "Apports",
    "AppuiCompetences",
    "Astrees",
    "AutreFinancement",
    "AvanceRemboursable",
    "Beneficiaire",
    "Cdc",
    "ComiteAgrement",
    "Compte",
    "Comptes",
    "Cooperation",
    "DecisionComite",
    "DepenseAutre",
    "DepensesFonctionnement",
    "Dispositif",
    "Etat",
    "Objectifs",
    "Operateur",
    "Partenaire",
    "Personne",
    "PresidentComite",
    "PretBonifie",
    "Projet",
    "Signature",
    "Territoire",
]

_INTERDITS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\ue000-\uf8ff]")


def _texte(valeur: str) -> str:
    valeur = valeur.replace("\r\n", "\n")
    if (mauvais := _INTERDITS.search(valeur)) is not None:
        car = mauvais.group()
        nom = unicodedata.name(car, "caractère de contrôle")
        raise PydanticCustomError(
            "characters",
            "Caractère interdit {code} ({nom}) en position {position} : il ne peut pas figurer "
            "dans un document Word. Retirez-le (il vient souvent d'un copier-coller).",
            {"code": f"U+{ord(car):04X}", "nom": nom.lower(), "position": mauvais.start() + 1},
        )
    if not valeur.strip():
        raise PydanticCustomError("empty", "Ce champ ne peut pas être vide.")
    return valeur.strip()


def _montant(valeur: Any) -> Any:
    if isinstance(valeur, bool | float):
        raise PydanticCustomError(
            "amount",
            "Montant reçu comme nombre à virgule flottante ({valeur}) : passez un Decimal ou une chaîne "
            "(un float ne tient pas un montant au centime près).",
            {"valeur": repr(valeur)},
        )
    if isinstance(valeur, int):
        valeur = Decimal(valeur)
    if isinstance(valeur, str):
        try:
            valeur = parse_montant(valeur)
        except AmountSyntaxError as exc:
            raise PydanticCustomError("amount", str(exc)) from None
    if isinstance(valeur, Decimal):
        if not valeur.is_finite():
            raise PydanticCustomError("amount", "Montant invalide : {valeur}.", {"valeur": str(valeur)})
        if valeur < 0:
            raise PydanticCustomError("amount", "Un montant ne peut pas être négatif ({valeur}).",
                                      {"valeur": str(valeur)})
        if valeur != valeur.quantize(Decimal("0.01")):
            raise PydanticCustomError("amount", "Un montant a au plus deux décimales (reçu {valeur}).",
                                      {"valeur": str(valeur)})
    return valeur




def _date(valeur: Any) -> Any:
    if isinstance(valeur, str):
        try:
            return parse_date(valeur)
        except ValueError:
            raise PydanticCustomError(
                "date",
                "« {valeur} » n'est pas une date valide : écrivez AAAA-MM-JJ ou JJ/MM/AAAA, avec un jour "
                "qui existe.",
                {"valeur": valeur},
            ) from None
    return valeur


def _oui_non(valeur: Any) -> Any:
    if isinstance(valeur, str) and valeur.strip().lower() in {"oui", "non"}:
        return valeur.strip().lower() == "oui"
    return valeur


def _departement(valeur: str) -> str:
    """The COG's name of the département typed by name or code; an unknown one stays as typed (rule territory)."""
    try:
        return noms.departement(valeur).nom
    except noms.NomInconnu:
        return valeur


Texte = Annotated[str, AfterValidator(_texte)]
NomDepartement = Annotated[str, AfterValidator(_texte), AfterValidator(_departement)]
Iban = Annotated[str, AfterValidator(_texte), AfterValidator(noms.normalise_iban)]
Article = Literal["", "le", "la", "les", "l'"]
Montant = Annotated[Decimal, BeforeValidator(_montant)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Booleen = Annotated[bool, BeforeValidator(_oui_non)]
Jours = Annotated[int, Field(ge=0)]
ParAnnee = list[Montant]


if TYPE_CHECKING:
    from pydantic._internal._model_construction import ModelMetaclass
else:
    ModelMetaclass = type(BaseModel)  # pydantic's metaclass, without importing its private module at run time


class _EnFrancais(ModelMetaclass):
    """The models' metaclass: a model built in code with a wrong value raises :class:`InvalidInput` with every
    problem in French (as a file would), not pydantic's ``ValidationError``. Only a call of the class goes through
    here; pydantic's own validation of nested models does not."""

    def __call__(cls, *args: Any, **champs: Any) -> Any:
        try:
            return super().__call__(*args, **champs)
        except ValidationError as exc:
            from alize_docs.domain.traduction import translate_validation_error

            problemes = tuple(translate_validation_error(exc, cast("type[BaseModel]", cls)))
            raise InvalidInput(ValidationReport(cls.__name__, problemes)) from None


class _Modele(BaseModel, metaclass=_EnFrancais):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Personne(_Modele):
    civilite: Literal["Madame", "Monsieur"]
    prenom: Texte
    nom: Texte
    qualite: Texte | None = None

    @property
    def nom_complet(self) -> str:
        return f"{self.civilite} {self.prenom} {self.nom}"


class PresidentComite(Personne):
    partenaire: Texte


class Objectifs(_Modele):
    projets: int
    emplois: int
    specifiques: list[Texte] = []


class Dispositif(_Modele):
    nom: Texte
    nature: Literal["creation", "renouvellement"]
    zone_emploi: Texte
    departement: NomDepartement
    territoire: list[Texte]
    carte_annexee: Booleen = False
    carte: Texte | None = None
    """The map's file (PDF, PNG or JPEG), relative to the territory file: the signing bundle's last piece."""
    contexte: Texte
    premiers_resultats: Texte | None = None
    objectifs: Objectifs
    valorisation_jour: Montant | None = None
    duree_annees: int | None = None

    @model_serializer(mode="wrap")
    def sans_carte_absente(self, suite: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave out ``carte`` when none is given: a file without a map keeps its data fingerprint (the
        documents' provenance, a batch's « unchanged ») from before the key existed."""
        donnees: dict[str, Any] = suite(self)
        if self.carte is None:
            donnees.pop("carte", None)
        return donnees


class Signature(_Modele):
    lieu: Texte
    date: Date


class Etat(_Modele):
    prefet: Personne


class ApportsCdc(_Modele):
    avances: ParAnnee


class Cdc(_Modele):
    direction_regionale: Texte
    directeur: Personne
    apports: ApportsCdc


class Astrees(_Modele):
    representant: Personne


class Compte(_Modele):
    banque: Texte
    iban: Iban


class Comptes(_Modele):
    avances: Compte
    fonctionnement: Compte


class Operateur(_Modele):
    nom: Texte
    forme: Texte
    siret: Texte
    adresse: Texte
    representant: Personne
    autorisation_direction_budget: Date
    comptes: Comptes
    article: Article | None = None
    partenaire: Texte | None = None
    """The id of the partner the operator also is (a CCI usually): it then signs once, as the operator."""

    @property
    def denomination(self) -> noms.NomPropre:
        """The name with its article (« la Chambre… », « Parole d'entreprises »): ``article`` or the lexicon's."""
        return noms.organisation(self.nom, self.article)


class ComiteAgrement(_Modele):
    president: PresidentComite
    plafond_avance: Montant | None = None


class Apports(_Modele):
    avances: ParAnnee | None = None
    fonctionnement: ParAnnee | None = None
    jours: list[Jours] | None = None


class Partenaire(_Modele):
    id: Texte
    nom: Texte
    categorie: Literal["entreprise", "collectivite", "organisme"]
    signataire: Personne | None = None
    represente_par: Literal["etat"] | None = None
    apports: Apports = Apports()
    article: Article | None = None
    identification: Texte | None = None  # « SAS au capital de 40 000 €, RCS Nancy 390 174 258 » after the name
    habilitation: Texte | None = None  # « agissant en vertu d'une délibération du conseil communautaire du … »

    @property
    def denomination(self) -> noms.NomPropre:
        """The name with its article (« la Communauté de communes… », « SIDE »): ``article`` or the lexicon's."""
        return noms.organisation(self.nom, self.article)


class DepenseAutre(_Modele):
    libelle: Texte
    montants: ParAnnee


class DepensesFonctionnement(_Modele):
    communication: ParAnnee | None = None
    contribution_astrees: ParAnnee
    autres: list[DepenseAutre] = []


class Territoire(_Modele):
    """A territory's file: everything its partnership convention and annexes say."""

    modele: Texte
    modele_impose: Booleen = False
    """The model is asked for on purpose: a signature outside its period is then a warning, not an error."""
    dispositif: Dispositif
    signature: Signature
    etat: Etat
    cdc: Cdc
    astrees: Astrees
    operateur: Operateur
    comite_agrement: ComiteAgrement
    partenaires: list[Partenaire]
    depenses_fonctionnement: DepensesFonctionnement

    def partenaire(self, ident: str) -> Partenaire | None:
        """Return the partner with this id, or None."""
        return next((p for p in self.partenaires if p.id == ident), None)

    @property
    def partenaire_operateur(self) -> Partenaire | None:
        """The partner that is also the local operator (``operateur.partenaire``), or None."""
        return self.partenaire(self.operateur.partenaire) if self.operateur.partenaire else None


# --- convention de coopération et développement ---------------------------------------------------

Pourcentage = Annotated[Decimal, BeforeValidator(_montant)]


class DecisionComite(_Modele):
    """The comité d'agrément's vote on the project."""

    date: Date
    membres_presents: int
    voix_pour: int
    representants_entreprises_presents: int | None = None
    voix_pour_entreprises: int | None = None


class Beneficiaire(_Modele):
    raison_sociale: Texte
    forme: Texte
    capital: Montant
    siren: Texte
    immatriculation: Texte
    adresse: Texte
    dirigeant: Personne
    effectif: int
    chiffre_affaires: Montant
    total_bilan: Montant
    capital_detenu_par_une_entreprise: Pourcentage
    aides_de_minimis: Montant | None = None
    """Optional: the de minimis aid the beneficiary declares it received over the period the regulation in force
    counts (its fiscal year and the two before, for Regulation (CE) 1998/2006); without it the beneficiary declares
    that its aid stays within the ceiling, the advance's included."""


class AutreFinancement(_Modele):
    financeur: Texte
    nature: Texte
    montant: Montant


class Projet(_Modele):
    intitule: Texte
    description: Texte
    cout_total: Montant
    emplois_prevus: int
    autres_financements: list[AutreFinancement] = []


class AppuiCompetences(_Modele):
    partenaire: Texte
    intervenant: Personne
    domaine: Texte
    jours: int


class AvanceRemboursable(_Modele):
    montant: Montant
    duree_mois: int
    differe_mois: int
    periodicite: Literal["mensuelle", "trimestrielle"]
    date_versement: Date
    taux: Pourcentage | None = None
    garantie: Texte | None = None


class PretBonifie(_Modele):
    partenaire: Texte
    montant: Montant
    description: Texte


class Cooperation(_Modele):
    """A cooperation agreement's file: the comité's decision for one SME, pointing at its territory."""

    modele: Texte
    dispositif: Texte
    numero: Texte
    comite: DecisionComite
    beneficiaire: Beneficiaire
    projet: Projet
    appui_competences: list[AppuiCompetences]
    mandataire: Texte
    avance_remboursable: AvanceRemboursable | None = None
    pret_bonifie: PretBonifie | None = None
    signature: Signature
