"""Names in legal French: départements, communes, organisations, civilité agreement, identifiers.

Articles come from INSEE's Code officiel géographique (COG), shipped in ``alize_docs/cog/`` (built by
``tools/build_cog.py`` from the npm package ``@etalab/decoupage-administratif``, see ``cog/SOURCE.md``). The TNCC
(« type de nom en clair ») of a name says its article and how prepositions contract with it:

====  ========  ===========  ==========
TNCC  article   « de »       « à »
====  ========  ===========  ==========
0     (none)    de X         à X
1     (none)    d'X          à X
2     le        du X         au X
3     la        de la X      à la X
4     les       des X        aux X
5     l'        de l'X       à l'X
6     aux       des X        aux X
7     las       de las X     à las X
8     los       de los X     à los X
====  ========  ===========  ==========

A commune's name holds its own article, capitalised (« Le Havre », « La Rochelle »): « le » and « les » contract
with the preposition and disappear (« au Havre », « des Andelys »), « la » and « l' » stay capitalised (« à La
Rochelle », « de L'Haÿ-les-Roses »). A département's name holds no article (« Nord »): it is written lower case
(« du Nord », « le Nord »). Organisations (:func:`organisation`) use the same codes, their article taken from a
lexicon of the common nouns that head institution names; plain places (:func:`lieu`) infer it from the name.

Where the COG gives a TNCC it prevails over the generic elision rule of :func:`elide` (« de Haguenau », TNCC 0).
The data is read on first use only, and cached.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Literal

__all__ = [
    "Civilite",
    "Commune",
    "Departement",
    "IdentifiantInvalide",
    "Lieu",
    "NomAmbigu",
    "NomInconnu",
    "NomPropre",
    "accord",
    "commune",
    "communes",
    "departement",
    "departements",
    "directeur_regional",
    "dirigeant",
    "elide",
    "format_iban",
    "format_siren",
    "format_siret",
    "il_elle",
    "le_la",
    "lieu",
    "normalise_iban",
    "organisation",
    "prefet_de",
    "president",
    "representant",
    "represente",
    "represente_par",
    "seul",
    "titre_prefet",
]

Civilite = Literal["Madame", "Monsieur"]
NBSP = "\u00a0"


class NomInconnu(ValueError):
    """A département, a commune or an article that is not known; the message (French) suggests the closest names."""


class NomAmbigu(ValueError):
    """Several communes share the name and nothing tells them apart; the message lists their départements."""


class IdentifiantInvalide(ValueError):
    """An IBAN, SIREN or SIRET that fails its check; the message is in French."""


# --------------------------------------------------------------------------------------------------- elision

def _mots(texte: str) -> list[str]:
    return texte.split()


# Words whose h is aspirated (no elision, no liaison), accents removed, lower case. Only the first word of a name is
# looked up. For communes and départements the COG's TNCC says it already; this list serves organisations and places
# outside the COG.
_H_ASPIRE = frozenset(_mots("""
    hache haie haine hall halle halte hamac hameau hamburger hanche handball handicap hangar hardi hareng haricot
    harcelement harnais harpe hasard hate hausse haut haute hautes hauts havre heros herisson hernie hetre hibou
    hierarchie hockey holding homard honte hors houille houle housse hublot huit huitieme hurlement hutte
    haguenau hainaut hambourg hanovre hollande hongrie honduras
"""))
# Words starting with a consonant y (no elision): « le yaourt », « du Yémen ».
_Y_CONSONNE = frozenset(_mots("yacht yack yankee yaourt yeti yemen yoga yogourt yougoslavie yoyo"))


def _sans_accents(texte: str) -> str:
    if texte.isascii():
        return texte
    decompose = unicodedata.normalize("NFKD", texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    if decompose.isascii():
        return decompose
    return _COMBINANTS.sub("", decompose)


_COMBINANTS = re.compile(r"[\u0300-\u036f]")  # the combining diacritics NFKD leaves after Latin letters


def elide(mot_suivant: str) -> bool:
    """Whether « de », « le », « la » elide before *mot_suivant* (vowel, y, mute h; not an aspirated h).

    >>> elide("Amiens"), elide("État"), elide("hôpital"), elide("EDF"), elide("Yonne")
    (True, True, True, True, True)
    >>> elide("Hauts-de-France"), elide("hameau"), elide("Vallourec"), elide("yaourt"), elide("")
    (False, False, False, False, False)
    """
    base = _sans_accents(mot_suivant.strip()).lower()
    if not base:
        return False
    premier_mot = re.split(r"[\s\-'’]", base, maxsplit=1)[0]
    if base[0] in "aeiou":
        return True
    if base[0] == "y":
        return premier_mot not in _Y_CONSONNE
    if base[0] == "h":
        return premier_mot not in _H_ASPIRE
    return False


# --------------------------------------------------------------------------------------------------- names

_ARTICLE = {2: "le", 3: "la", 4: "les", 5: "l'", 6: "aux", 7: "las", 8: "los"}
_ARTICLES_DU_NOM = (("le ", 2), ("la ", 3), ("les ", 4), ("l'", 5), ("l’", 5), ("aux ", 6), ("las ", 7), ("los ", 8))


def _tncc_du_nom(nom: str) -> int:
    """The TNCC a name implies by itself: its own leading article, else 1 before an elision, else 0."""
    minuscule = nom.lower()
    for article, tncc in _ARTICLES_DU_NOM:
        if minuscule.startswith(article) and len(nom) > len(article):
            return tncc
    return 1 if elide(nom) else 0


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


@dataclass(frozen=True)
class NomPropre:
    """A name and its article code (INSEE's TNCC, see the module's table), with its forms after « de », « à ».

    The name keeps its own capitals; an article outside the name is written lower case.

    >>> n = NomPropre("Fonds national d'aménagement et de développement du territoire", 2)
    >>> n.de
    "du Fonds national d'aménagement et de développement du territoire"
    >>> NomPropre("Agence nationale de la cohésion des territoires", 5).a
    "à l'Agence nationale de la cohésion des territoires"
    """

    nom: str
    tncc: int

    def __post_init__(self) -> None:
        if self.tncc not in range(9):
            raise NomInconnu(f"Type de nom (TNCC) « {self.tncc} » inconnu pour « {self.nom} » : attendu de 0 à 8.")

    @property
    def article(self) -> str:
        """The article, lower case (« le », « la », « les », « l' »…), "" for TNCC 0 and 1."""
        return _ARTICLE.get(self.tncc, "")

    @property
    def article_dans_nom(self) -> bool:
        """Whether the name itself starts with its article (« Le Havre »), as commune names do."""
        article = self.article
        if not article:
            return False
        minuscule = self.nom.lower()
        if self.tncc == 5:
            return minuscule.startswith(("l'", "l’"))
        return minuscule.startswith(article + " ")

    @property
    def sans_article(self) -> str:
        """The name without its article: « Havre » for « Le Havre », « Nord » for « Nord »."""
        if not self.article_dans_nom:
            return self.nom
        return self.nom[len(self.article) + (0 if self.tncc == 5 else 1):]

    @property
    def avec_article(self) -> str:
        """The name with its article, as inside a sentence: « le Nord », « Le Havre », « l'Ain », « Mayotte »."""
        if self.article_dans_nom or not self.article:
            return self.nom
        return self.article + ("" if self.tncc == 5 else " ") + self.nom

    @property
    def avec_article_majuscule(self) -> str:
        """The name with its article at the start of a sentence: « La Chambre… », « L'entreprise SIDE »."""
        return _majuscule(self.avec_article)

    @property
    def de(self) -> str:
        """The name after « de »: « du Nord », « de la Manche », « des Hauts-de-Seine », « d'Amiens »."""
        if self.tncc == 0:
            return "de " + self.nom
        if self.tncc == 1:
            return "d'" + self.nom
        if self.tncc == 2:
            return "du " + self.sans_article
        if self.tncc in (4, 6):
            return "des " + self.sans_article
        return "de " + self.avec_article

    @property
    def a(self) -> str:
        """The name after « à »: « au Havre », « aux Sables-d'Olonne », « à La Rochelle », « à l'Agence… »."""
        if self.tncc == 2:
            return "au " + self.sans_article
        if self.tncc in (4, 6):
            return "aux " + self.sans_article
        return "à " + self.avec_article

    @property
    def pour(self) -> str:
        """The heading of a signature block: « Pour la Communauté… », « Pour Vallourec »."""
        return "Pour " + self.avec_article

    @property
    def en_presence_de(self) -> str:
        """« en présence de la Chambre… », « en présence du Fonds… »."""
        return "en présence " + self.de

    def __str__(self) -> str:
        return self.nom


@dataclass(frozen=True)
class Lieu(NomPropre):
    """A place; :func:`lieu` builds one for a name outside the COG, its article inferred from the name.

    >>> Lieu("Bruxelles", 0).a, Lieu("Anvers", 1).de
    ('à Bruxelles', "d'Anvers")
    """


@dataclass(frozen=True)
class Departement(Lieu):
    """A département (or an overseas collectivity) of the COG: ``code``, ``nom`` as INSEE writes it, ``tncc``.

    >>> d = departement("Nord")
    >>> d.code, d.nom, d.de, d.a, d.avec_article
    ('59', 'Nord', 'du Nord', 'au Nord', 'le Nord')
    >>> departement("Ain").de, departement("Manche").avec_article, departement("92").de
    ("de l'Ain", 'la Manche', 'des Hauts-de-Seine')
    """

    code: str
    region: str | None = None


@dataclass(frozen=True)
class Commune(Lieu):
    """A current commune of the COG: ``code`` INSEE, ``nom`` with its own article, ``departement`` (code).

    >>> c = commune("Le Havre")
    >>> c.code, c.departement, c.de, c.a, c.avec_article, c.sans_article
    ('76351', '76', 'du Havre', 'au Havre', 'Le Havre', 'Havre')
    """

    code: str
    departement: str
    population: int | None = None


# --------------------------------------------------------------------------------------------------- lookups

_ABREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def _cle(texte: str) -> str:
    """Lookup key: no accents, lower case, hyphens and apostrophes as spaces, « St » as « saint »."""
    mots = re.sub(r"[\s\-'’‘`_.,/]+", " ", _sans_accents(texte).lower()).split()
    return " ".join(_ABREVIATIONS.get(m, m) for m in mots)


def _fichier(nom: str) -> str:
    return resources.files("alize_docs").joinpath("cog", nom).read_text(encoding="utf-8")


@functools.cache
def _index_departements() -> tuple[dict[str, Departement], dict[str, Departement]]:
    par_code: dict[str, Departement] = {}
    par_cle: dict[str, Departement] = {}
    for entree in json.loads(_fichier("departements.json")):
        dep = Departement(entree["nom"], entree["tncc"], entree["code"], entree.get("region"))
        par_code[dep.code] = dep
        for forme in (dep.nom, dep.avec_article, dep.sans_article):
            cle = _cle(forme)
            par_cle.setdefault(cle, dep)
            par_cle.setdefault(re.sub(r"^(le|la|les|l) ", "", cle), dep)  # « Réunion » for « La Réunion »
    return par_code, par_cle


def departements() -> tuple[Departement, ...]:
    """Every département and overseas collectivity of the shipped COG, in INSEE's order.

    >>> len(departements()) >= 101
    True
    """
    return tuple(_index_departements()[0].values())


def _suggestions(texte: str, noms: dict[str, str], n: int = 3, poids: dict[str, int] | None = None) -> list[str]:
    """The names closest to *texte* (difflib), the heavier first among equally close ones."""
    import difflib

    cible = _cle(texte)
    proches = difflib.get_close_matches(cible, list(noms), n=n * 4, cutoff=0.7)
    proches.sort(key=lambda cle: (-round(difflib.SequenceMatcher(None, cible, cle).ratio(), 3),
                                  -(poids or {}).get(cle, 0)))
    vus: list[str] = []
    for cle in proches:
        if noms[cle] not in vus:
            vus.append(noms[cle])
    return vus[:n]


def _conseil(proches: list[str]) -> str:
    if not proches:
        return "."
    noms = [f"« {p} »" for p in proches]
    liste = noms[0] if len(noms) == 1 else ", ".join(noms[:-1]) + " ou " + noms[-1]
    return f" ; vouliez-vous dire {liste} ?"


def departement(texte: str | Departement) -> Departement:
    """The département named or numbered *texte*; case, accents, hyphens, apostrophes and article are forgiven.

    >>> departement("val d'oise").nom, departement("HAUTS DE SEINE").code, departement("Réunion").de
    ("Val-d'Oise", '92', 'de La Réunion')
    >>> departement("2a").nom, departement("1").nom, departement("974").nom
    ('Corse-du-Sud', 'Ain', 'La Réunion')
    >>> departement("Nrod")
    Traceback (most recent call last):
    ...
    alize_docs.noms.NomInconnu: Département « Nrod » inconnu ; vouliez-vous dire « Nord » ?
    """
    if isinstance(texte, Departement):
        return texte
    par_code, par_cle = _index_departements()
    code = texte.strip().upper()
    if re.fullmatch(r"\d", code):
        code = "0" + code
    if code in par_code:
        return par_code[code]
    trouve = par_cle.get(_cle(texte))
    if trouve is not None:
        return trouve
    noms = {cle: dep.nom for cle, dep in par_cle.items()}
    raise NomInconnu(f"Département « {texte.strip()} » inconnu" + _conseil(_suggestions(texte, noms)))


_departement = departement  # for the functions whose parameter is called « departement »


@functools.cache
def _index_communes() -> tuple[dict[str, Commune], dict[str, list[Commune]], dict[str, list[Commune]]]:
    par_code: dict[str, Commune] = {}
    par_nom: dict[str, list[Commune]] = {}
    sans_article: dict[str, list[Commune]] = {}
    lignes = [ligne.split("\t") for ligne in _fichier("communes.tsv").splitlines()[1:]]
    cles = _cles([nom for _, nom, _, _, _ in lignes])  # 35 000 keys at once: a tenth of a second saved per run
    for (code, nom, tncc, dep, population), cle in zip(lignes, cles, strict=True):
        c = Commune(nom, int(tncc), code, dep, int(population) if population else None)
        par_code[code] = c
        par_nom.setdefault(cle, []).append(c)
        if c.article_dans_nom:
            sans_article.setdefault(_cle(c.sans_article), []).append(c)
    return par_code, par_nom, sans_article


def _cles(noms: list[str]) -> list[str]:
    """:func:`_cle` of each of *noms*, computed on their joined text (one accent removal and one substitution).

    >>> noms = ["L'Abergement-Clémenciat", "Saint-Étienne", "Le Havre"]
    >>> _cles(noms) == [_cle(n) for n in noms]
    True
    """
    bloc = re.sub(r"[ \t\-'’‘`_.,/]+", " ", _sans_accents("\n".join(noms)).lower())
    return [" ".join(_ABREVIATIONS.get(m, m) for m in ligne.split()) for ligne in bloc.split("\n")]


def communes(texte: str) -> tuple[Commune, ...]:
    """Every current commune called *texte* (homonyms included), most populous first; () if none.

    >>> [(c.code, c.population) for c in communes("La Rochelle")]
    [('17300', 79851), ('70450', 40)]
    """
    par_code, par_nom, sans_article = _index_communes()
    code = texte.strip().upper()
    if code in par_code:
        return (par_code[code],)
    cle = _cle(texte)
    trouvees = par_nom.get(cle) or sans_article.get(cle) or []
    return tuple(sorted(trouvees, key=lambda c: -(c.population or 0)))


def _liste_departements(trouvees: tuple[Commune, ...]) -> str:
    par_code = _index_departements()[0]
    return ", ".join(f"{par_code[c.departement].nom} ({c.departement})" if c.departement in par_code
                     else c.departement for c in trouvees)


def commune(texte: str, departement: str | Departement | None = None) -> Commune:
    """The current commune named *texte* (or of INSEE code *texte*), in *departement* if given.

    Several communes may share a name: the one in *departement* is taken, else the most populous; without
    population figures the error lists their départements.

    >>> commune("les sables d'olonne").a, commune("Haguenau").de, commune("Amiens").de, commune("Nancy").a
    ("aux Sables-d'Olonne", 'de Haguenau', "d'Amiens", 'à Nancy')
    >>> commune("La Rochelle").code, commune("La Rochelle", "70").code, commune("la rochelle").a
    ('17300', '70450', 'à La Rochelle')
    >>> commune("Nacy")
    Traceback (most recent call last):
    ...
    alize_docs.noms.NomInconnu: Commune « Nacy » inconnue ; vouliez-vous dire « Nancy », « Narcy » ou « Nay » ?
    """
    texte_net = texte.strip()
    trouvees = communes(texte_net)
    if not trouvees:
        _, par_nom, _ = _index_communes()
        noms = {cle: liste[0].nom for cle, liste in par_nom.items()}
        poids = {cle: max(c.population or 0 for c in liste) for cle, liste in par_nom.items()}
        raise NomInconnu(f"Commune « {texte_net} » inconnue" + _conseil(_suggestions(texte_net, noms, poids=poids)))
    if departement is not None:
        dep = _departement(departement)
        dans = tuple(c for c in trouvees if c.departement == dep.code)
        if not dans:
            raise NomInconnu(f"Aucune commune « {texte_net} » dans le département {dep.de} ({dep.code}) ; "
                             f"il en existe dans : {_liste_departements(trouvees)}.")
        trouvees = dans
    if len(trouvees) > 1 and (trouvees[0].population or 0) == (trouvees[1].population or 0):
        raise NomAmbigu(f"Plusieurs communes s'appellent « {trouvees[0].nom} » ({_liste_departements(trouvees)}) ; "
                        "précisez le département.")
    return trouvees[0]


def lieu(texte: str) -> Lieu:
    """The commune called *texte* if the COG has one, else a plain :class:`Lieu` following the generic rules.

    Outside the COG the article is read from the name itself (« Le Caire » → « au Caire ») and « de » elides
    before a vowel or a mute h (:func:`elide`). A foreign city that shares a French commune's name gets the
    commune (its forms are the same); homonyms are not an error here.

    >>> lieu("Toul").a, lieu("Bruxelles").de, lieu("Anvers").de, lieu("Le Caire").a, lieu("Hambourg").de
    ('à Toul', 'de Bruxelles', "d'Anvers", 'au Caire', 'de Hambourg')
    >>> type(lieu("Nancy")).__name__, type(lieu("Anvers")).__name__
    ('Commune', 'Lieu')
    """
    trouvees = communes(texte)
    if trouvees:
        return trouvees[0]
    nom = " ".join(texte.split())
    if not nom:
        raise NomInconnu("Lieu vide : indiquez un nom de lieu.")
    return Lieu(nom, _tncc_du_nom(nom))


# --------------------------------------------------------------------------------------------------- organisations

# Common nouns that head institution names, accents removed, lower case: m/f singular, mp/fp plural. A name whose
# first word is not here takes no article (« Vallourec », « SIDE », « Parole d'entreprises »). Kept to institution
# heads: a common noun that merely starts a brand or an association's name is not an institution head.
_TETES: dict[str, str] = {
    **dict.fromkeys(
        _mots("agence agglomeration association autorite banque caisse chambre cite collectivite commune communaute "
        "compagnie conference confederation cooperative cour delegation direction ecole entreprise federation "
        "fondation haute maison mairie metropole mission mutuelle plateforme prefecture region societe "
        "sous-prefecture technopole union universite ville"), "f"),
    **dict.fromkeys(
        _mots("bureau campus centre cercle club cluster college collectif comite commissariat conseil conservatoire "
        "consortium departement etablissement etat fonds groupe groupement haut hopital incubateur institut "
        "laboratoire lycee ministere observatoire office parc pays pole reseau service syndicat tribunal"),
        "m"),
    **dict.fromkeys(_mots("amis ateliers chantiers compagnons etablissements laboratoires restaurants transports"),
                    "mp"),
    **dict.fromkeys(_mots("editions forges papeteries"), "fp"),
    # Acronyms said with an article.
    **dict.fromkeys(_mots("ademe anct bpi cci cma ddets ddt dreal dreets"), "f"),
    **dict.fromkeys(_mots("cerema epci feder fse sgar"), "m"),
}
_ARTICLE_TNCC = {"": 0, "le": 2, "la": 3, "les": 4, "l'": 5, "l’": 5}


def _tete(nom: str) -> str:
    return _sans_accents(re.split(r"[\s'’]", nom.strip(), maxsplit=1)[0]).lower()


def represente_organisation(nom: str, article: str | None = None) -> str:
    """« représenté » agreeing with an organisation: the gender and number of its head noun (lexicon), or of the
    article the input sets; a name without an institution head (« SIDE ») is a company, « la société », feminine.

    >>> represente_organisation("Pays Terres de Lorraine"), represente_organisation("SIDE")
    ('représenté', 'représentée')
    >>> represente_organisation("Amis du Toulinois"), represente_organisation("Forges de Basse-Indre")
    ('représentés', 'représentées')
    >>> represente_organisation("Communauté de communes du Toulinois"), represente_organisation("Parole", "l'")
    ('représentée', 'représentée')
    """
    cle = (article or "").strip().lower()
    genre = {"le": "m", "la": "f"}.get(cle) or _TETES.get(_tete(nom.removeprefix("l'").removeprefix("le ")
                                                                   .removeprefix("la ").removeprefix("les ")))
    if genre is None:
        genre = "mp" if cle == "les" else "f"
    return {"m": "représenté", "f": "représentée", "mp": "représentés", "fp": "représentées"}[genre]


def organisation(nom: str, article: str | None = None) -> NomPropre:
    """An organisation's name with the article its head noun takes; *article* ("", "le", "la", "les", "l'") overrides.

    A lower-case article typed at the start of *nom* counts as *article*; a capitalised one belongs to the name
    (« La Poste » → « de La Poste »).

    >>> organisation("Communauté d'agglomération Valenciennes Métropole").pour
    "Pour la Communauté d'agglomération Valenciennes Métropole"
    >>> organisation("Chambre de commerce et d'industrie du Valenciennois").a
    "à la Chambre de commerce et d'industrie du Valenciennois"
    >>> organisation("Pays Terres de Lorraine").a, organisation("Vallourec").pour, organisation("Orano La Hague").de
    ('au Pays Terres de Lorraine', 'Pour Vallourec', "d'Orano La Hague")
    >>> organisation("entreprise SIDE").pour, organisation("État").de, organisation("SIDE").de
    ("Pour l'entreprise SIDE", "de l'État", 'de SIDE')
    >>> organisation("Amis du Toulinois").de, organisation("Haute Autorité de santé").avec_article_majuscule
    ('des Amis du Toulinois', 'La Haute Autorité de santé')
    >>> organisation("Parole d'entreprises").de, organisation("Parole d'entreprises", "la").de
    ("de Parole d'entreprises", "de la Parole d'entreprises")
    """
    nom = " ".join(nom.split())
    if not nom:
        raise NomInconnu("Nom d'organisation vide.")
    if article is None:
        for prefixe in ("les ", "le ", "la ", "l'", "l’"):
            if nom.startswith(prefixe) and len(nom) > len(prefixe):
                article, nom = prefixe.strip(), nom[len(prefixe):]
                break
    if article is None:
        if nom[:1].isupper() and _tncc_du_nom(nom) >= 2:  # « La Poste », « Le Bon Coin »: the article is the name's
            return NomPropre(nom, _tncc_du_nom(nom))
        genre = _TETES.get(_tete(nom))
        if genre is None:
            article = ""
        elif genre in ("mp", "fp"):
            article = "les"
        else:
            article = "le" if genre == "m" else "la"
    cle = article.strip().lower()
    if cle not in _ARTICLE_TNCC:
        raise NomInconnu(f"Article « {article} » inconnu pour « {nom} » : "
                         "attendu « », « le », « la », « les » ou « l' ».")
    tncc = _ARTICLE_TNCC[cle]
    if tncc in (0, 2, 3, 5) and elide(nom):
        tncc = 1 if tncc == 0 else 5
    elif tncc == 5 and not elide(nom):
        tncc = 2  # « l' » asked before a consonant: the masculine is the safer guess; pass « la » for a feminine
    return NomPropre(nom, tncc)


# --------------------------------------------------------------------------------------------------- civilité

def _feminin(civilite: str) -> bool:
    if civilite == "Madame":
        return True
    if civilite == "Monsieur":
        return False
    raise ValueError(f"Civilité « {civilite} » inconnue : attendu « Madame » ou « Monsieur ».")


def accord(civilite: Civilite, masculin: str, feminin: str) -> str:
    """*masculin* or *feminin* according to *civilite*.

    >>> accord("Madame", "signataire désigné", "signataire désignée")
    'signataire désignée'
    >>> accord("Mlle", "a", "b")  # type: ignore[arg-type]
    Traceback (most recent call last):
    ...
    ValueError: Civilité « Mlle » inconnue : attendu « Madame » ou « Monsieur ».
    """
    return feminin if _feminin(civilite) else masculin


def titre_prefet(civilite: Civilite) -> str:
    """The Préfet's title.

    >>> titre_prefet("Monsieur"), titre_prefet("Madame")
    ('Préfet', 'Préfète')
    """
    return accord(civilite, "Préfet", "Préfète")


def directeur_regional(civilite: Civilite) -> str:
    """The regional director's title.

    >>> directeur_regional("Madame")
    'Directrice régionale'
    """
    return accord(civilite, "Directeur régional", "Directrice régionale")


def president(civilite: Civilite) -> str:
    """« président » agreeing with the person.

    >>> president("Madame"), president("Monsieur")
    ('présidente', 'président')
    """
    return accord(civilite, "président", "présidente")


def represente(civilite: Civilite) -> str:
    """The participle agreeing with a person: « Madame X, représentée par… ».

    >>> represente("Madame"), represente("Monsieur")
    ('représentée', 'représenté')
    """
    return accord(civilite, "représenté", "représentée")


def representant(civilite: Civilite) -> str:
    """« représentant » agreeing with the person.

    >>> representant("Madame")
    'représentante'
    """
    return accord(civilite, "représentant", "représentante")


def dirigeant(civilite: Civilite) -> str:
    """« dirigeant » agreeing with the person.

    >>> dirigeant("Madame")
    'dirigeante'
    """
    return accord(civilite, "dirigeant", "dirigeante")


def seul(civilite: Civilite) -> str:
    """« seul » agreeing with the person.

    >>> seul("Madame"), seul("Monsieur")
    ('seule', 'seul')
    """
    return accord(civilite, "seul", "seule")


def le_la(civilite: Civilite) -> str:
    """The article standing for the person.

    >>> le_la("Madame"), le_la("Monsieur")
    ('la', 'le')
    """
    return accord(civilite, "le", "la")


def il_elle(civilite: Civilite) -> str:
    """The pronoun standing for the person.

    >>> il_elle("Madame"), il_elle("Monsieur")
    ('elle', 'il')
    """
    return accord(civilite, "il", "elle")


def represente_par(entite_feminine: bool, civilite: Civilite, fonction_masculin: str, fonction_feminin: str) -> str:
    """« représenté(e) par son/sa <fonction> »: the participle agrees with the entity, the function with the person.

    The possessive agrees with the function noun: « sa » before a feminine one, « son » before a masculine one or a
    feminine one that elides (« son adjointe »).

    >>> represente_par(True, "Madame", "directeur régional", "directrice régionale")
    'représentée par sa directrice régionale'
    >>> represente_par(False, "Monsieur", "président", "présidente")
    'représenté par son président'
    >>> represente_par(True, "Monsieur", "président", "présidente")
    'représentée par son président'
    >>> represente_par(False, "Madame", "adjoint au maire", "adjointe au maire")
    'représenté par son adjointe au maire'
    """
    participe = "représentée" if entite_feminine else "représenté"
    fonction = accord(civilite, fonction_masculin, fonction_feminin)
    possessif = "sa" if _feminin(civilite) and not elide(fonction) else "son"
    return f"{participe} par {possessif} {fonction}"


def prefet_de(departement: str | Departement, civilite: Civilite) -> str:
    """« Préfet du Nord », « Préfète de la Manche »: the title agreeing with *civilite*, the COG's article.

    Paris (75, TNCC 0) gives « Préfet de Paris »; the official title is « préfet de la région d'Île-de-France,
    préfet de Paris », which callers write themselves.

    >>> prefet_de("Nord", "Monsieur"), prefet_de("50", "Madame"), prefet_de("Ain", "Madame")
    ('Préfet du Nord', 'Préfète de la Manche', "Préfète de l'Ain")
    >>> prefet_de("Hauts-de-Seine", "Monsieur"), prefet_de("90", "Monsieur"), prefet_de("Mayotte", "Monsieur")
    ('Préfet des Hauts-de-Seine', 'Préfet du Territoire de Belfort', 'Préfet de Mayotte')
    """
    return f"{titre_prefet(civilite)} {_departement(departement).de}"


# --------------------------------------------------------------------------------------------------- identifiers

_MOTIFS = {
    "InvalidChecksum": "clé de contrôle incorrecte",
    "InvalidLength": "longueur incorrecte",
    "InvalidFormat": "format incorrect",
    "InvalidComponent": "code pays ou composant incorrect",
}


def _invalide(genre: str, texte: str, erreur: Exception) -> IdentifiantInvalide:
    motif = _MOTIFS.get(type(erreur).__name__, "numéro invalide")
    return IdentifiantInvalide(f"{genre} « {texte.strip()} » invalide : {motif}.")


def normalise_iban(texte: str) -> str:
    """The IBAN without spaces (of any kind), hyphens or dots, upper case; not checked.

    >>> normalise_iban("fr76-3000-4008-2300.0101 2345 669")
    'FR7630004008230001012345669'
    """
    return re.sub(r"[\s\-.]", "", texte).upper()


def format_iban(texte: str, separateur: str = NBSP) -> str:
    """The IBAN checked and printed in groups of four.

    The groups are joined by a no-break space (U+00A0) by default, since these strings go into documents where an
    IBAN must not break across lines; pass ``separateur=" "`` for plain text.

    >>> format_iban("FR76-3000-4008-2300-0101-2345-669", " ")
    'FR76 3000 4008 2300 0101 2345 669'
    >>> format_iban("FR7630004008230001012345669").split("\\u00a0")
    ['FR76', '3000', '4008', '2300', '0101', '2345', '669']
    >>> format_iban("FR7630004008230001012345660")
    Traceback (most recent call last):
    ...
    alize_docs.noms.IdentifiantInvalide: IBAN « FR7630004008230001012345660 » invalide : clé de contrôle incorrecte.
    """
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        compact = iban.validate(normalise_iban(texte))
    except ValidationError as erreur:
        raise _invalide("IBAN", texte, erreur) from None
    return iban.format(compact, separator=separateur)


def format_siren(texte: str, separateur: str = NBSP) -> str:
    """The SIREN checked and printed « 390 174 258 » (no-break spaces by default).

    >>> format_siren("390174258", " ")
    '390 174 258'
    """
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siren

    try:
        compact = siren.validate(texte)
    except ValidationError as erreur:
        raise _invalide("SIREN", texte, erreur) from None
    return siren.format(compact, separator=separateur)


def format_siret(texte: str, separateur: str = NBSP) -> str:
    """The SIRET checked and printed « 390 174 258 10008 » (no-break spaces by default).

    >>> format_siret("390 174 258 10008", " ")
    '390 174 258 10008'
    >>> format_siret("39017425810009")
    Traceback (most recent call last):
    ...
    alize_docs.noms.IdentifiantInvalide: SIRET « 39017425810009 » invalide : clé de contrôle incorrecte.
    """
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siret

    try:
        compact = siret.validate(texte)
    except ValidationError as erreur:
        raise _invalide("SIRET", texte, erreur) from None
    return siret.format(compact, separator=separateur)
