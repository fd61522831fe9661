"""French formatting: amounts in figures and in words, numbers, dates, percentages, typography.

The doctests pin the exact strings a contract prints, no-break spaces included: ``\\u202f`` is the
narrow no-break space (thousands, before ``;`` ``!`` ``?`` ``%``), ``\\xa0`` the no-break space
(before ``€`` and ``:``, inside « »).

One rounding rule serves the whole library: :func:`arrondir` rounds to the cent, half away from
zero. Figures and words both call it, so they always state the same value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_decimal
from num2words import num2words

from alize_docs import noms
from alize_docs.noms import NomPropre

__all__ = [
    "NBSP",
    "NNBSP",
    "AmountSyntaxError",
    "a",
    "arrondir",
    "de",
    "entier_en_lettres",
    "format_date",
    "format_iban",
    "format_montant",
    "format_nombre",
    "format_pourcentage",
    "format_siren",
    "format_siret",
    "glyphes",
    "insecables_nombres",
    "montant_en_chiffres_et_lettres",
    "montant_en_lettres",
    "nombre_en_lettres_et_chiffres",
    "ordinal_en_lettres",
    "parse_date",
    "parse_montant",
    "typographie",
    "typographie_redaction",
]

NBSP = "\u00a0"
NNBSP = "\u202f"
APOSTROPHE = "\u2019"
TRAIT_INSECABLE = "\u2011"
_CENT = Decimal("0.01")
_FR = Locale.parse("fr_FR")
_MOIS = _FR.months["format"]["wide"]


class AmountSyntaxError(ValueError):
    """An amount written in a way that cannot be read, or read only by guessing."""


def arrondir(montant: Decimal) -> Decimal:
    """Return *montant* rounded to the cent, half away from zero.

    >>> arrondir(Decimal("33333.335"))
    Decimal('33333.34')
    >>> arrondir(Decimal("0.125")), arrondir(Decimal("0.135"))
    (Decimal('0.13'), Decimal('0.14'))
    """
    if not isinstance(montant, Decimal):
        raise TypeError(f"un montant doit être un Decimal, pas {type(montant).__name__}")
    return montant.quantize(_CENT, rounding=ROUND_HALF_UP)


def format_nombre(nombre: int | Decimal) -> str:
    """Return a whole number with its thousands grouped by narrow no-break spaces.

    >>> format_nombre(1057), format_nombre(7160), format_nombre(30)
    ('1\\u202f057', '7\\u202f160', '30')
    """
    return format_decimal(nombre, format="#,##0", locale=_FR)


def format_montant(montant: Decimal) -> str:
    """Return an amount in figures: whole amounts without decimals, others with two.

    >>> format_montant(Decimal("9000"))
    '9\\u202f000\\xa0€'
    >>> format_montant(Decimal("33333.33"))
    '33\\u202f333,33\\xa0€'
    >>> format_montant(Decimal("0.5"))
    '0,50\\xa0€'
    >>> format_montant(Decimal("1200000.00"))
    '1\\u202f200\\u202f000\\xa0€'
    >>> format_montant(Decimal("0.005"))
    '0,01\\xa0€'
    """
    valeur = arrondir(montant)
    motif = "#,##0" if valeur == valeur.to_integral_value() else "#,##0.00"
    return format_decimal(valeur, format=motif, locale=_FR) + NBSP + "€"


def entier_en_lettres(nombre: int, *, feminin: bool = False) -> str:
    """Return a whole number in French words, traditional spelling as in contracts; *feminin* before a feminine
    noun (« vingt et une échéances »).

    >>> entier_en_lettres(80), entier_en_lettres(81), entier_en_lettres(200000)
    ('quatre-vingts', 'quatre-vingt-un', 'deux cent mille')
    >>> entier_en_lettres(21), entier_en_lettres(0)
    ('vingt et un', 'zéro')
    >>> entier_en_lettres(21, feminin=True), entier_en_lettres(1, feminin=True), entier_en_lettres(30, feminin=True)
    ('vingt et une', 'une', 'trente')
    """
    if isinstance(nombre, bool) or not isinstance(nombre, int) or nombre < 0:
        raise ValueError(f"un entier positif ou nul est attendu, pas {nombre!r}")
    mots = str(num2words(nombre, lang="fr"))
    return mots[:-2] + "une" if feminin and re.search(r"(^|[ -])un$", mots) else mots


def ordinal_en_lettres(nombre: int, *, feminin: bool = False) -> str:
    """Return the ordinal of a whole number in French words (« la trentième échéance »).

    >>> ordinal_en_lettres(30), ordinal_en_lettres(21), ordinal_en_lettres(1, feminin=True)
    ('trentième', 'vingt et unième', 'première')
    """
    if isinstance(nombre, bool) or not isinstance(nombre, int) or nombre < 1:
        raise ValueError(f"un entier positif est attendu, pas {nombre!r}")
    if nombre == 1:
        return "première" if feminin else "premier"
    return str(num2words(nombre, lang="fr", to="ordinal"))


def montant_en_lettres(montant: Decimal) -> str:
    """Return an amount in French words, as a contract writes it.

    >>> montant_en_lettres(Decimal("9000"))
    'neuf mille euros'
    >>> montant_en_lettres(Decimal("80")), montant_en_lettres(Decimal("81"))
    ('quatre-vingts euros', 'quatre-vingt-un euros')
    >>> montant_en_lettres(Decimal("200000"))
    'deux cent mille euros'
    >>> montant_en_lettres(Decimal("1000000")), montant_en_lettres(Decimal("2000000"))
    ("un million d'euros", "deux millions d'euros")
    >>> montant_en_lettres(Decimal("1200000"))
    'un million deux cent mille euros'
    >>> montant_en_lettres(Decimal("33333.33"))
    'trente-trois mille trois cent trente-trois euros et trente-trois centimes'
    >>> montant_en_lettres(Decimal("1")), montant_en_lettres(Decimal("0.50"))
    ('un euro', 'cinquante centimes')
    >>> montant_en_lettres(Decimal("1.01")), montant_en_lettres(Decimal("0"))
    ('un euro et un centime', 'zéro euro')
    """
    valeur = arrondir(montant)
    if valeur < 0:
        raise ValueError(f"un montant négatif ne s'écrit pas en lettres : {montant}")
    euros = int(valeur)
    centimes = int((valeur - euros) * 100)
    morceaux = []
    if euros:
        if euros == 1:
            unite = "euro"
        elif euros % 1_000_000 == 0:
            unite = "d'euros"
        else:
            unite = "euros"
        morceaux.append(f"{entier_en_lettres(euros)} {unite}")
    if centimes:
        morceaux.append(f"{entier_en_lettres(centimes)} centime{'s' if centimes > 1 else ''}")
    return " et ".join(morceaux) if morceaux else "zéro euro"


def montant_en_chiffres_et_lettres(montant: Decimal) -> str:
    """Return the legal form: words, then figures in brackets, both from one rounded value.

    >>> montant_en_chiffres_et_lettres(Decimal("9000"))
    'neuf mille euros (9\\u202f000\\xa0€)'
    """
    return f"{montant_en_lettres(montant)} ({format_montant(montant)})"


def nombre_en_lettres_et_chiffres(nombre: int) -> str:
    """Return a count in words, then in figures.

    >>> nombre_en_lettres_et_chiffres(30), nombre_en_lettres_et_chiffres(150)
    ('trente (30)', 'cent cinquante (150)')
    """
    return f"{entier_en_lettres(nombre)} ({format_nombre(nombre)})"


def format_pourcentage(valeur: int | Decimal) -> str:
    """Return a percentage, the ``%`` sign behind a narrow no-break space.

    >>> format_pourcentage(20), format_pourcentage(Decimal("33.5"))
    ('20\\u202f%', '33,5\\u202f%')
    """
    return format_decimal(valeur, format="#,##0.##", locale=_FR) + NNBSP + "%"


def format_date(date: dt.date) -> str:
    """Return a date as a contract writes it; the first of the month is ``1er``.

    >>> format_date(dt.date(2010, 11, 26)), format_date(dt.date(2011, 4, 1))
    ('26 novembre 2010', '1er avril 2011')
    """
    jour = "1er" if date.day == 1 else str(date.day)
    return f"{jour} {_MOIS[date.month]} {date.year}"




def de(nom: str | NomPropre) -> str:
    """Return *nom* preceded by « de », elided or contracted as the COG or the name requires (:mod:`alize_docs.noms`).

    A :class:`~alize_docs.noms.NomPropre` (an organisation, a département) gives its own form; a plain text is read
    as a place (:func:`alize_docs.noms.lieu`): a commune of the COG takes its article, any other name the generic rules.

    >>> de("Toul"), de("Épinal"), de("Le Havre"), de("Les Mureaux"), de("ALIZÉ® Toulinois"), de("Haguenau")
    ('de Toul', "d'Épinal", 'du Havre', 'des Mureaux', "d'ALIZÉ® Toulinois", 'de Haguenau')
    """
    return nom.de if isinstance(nom, NomPropre) else _lieu(nom).de


def a(nom: str | NomPropre) -> str:
    """Return *nom* preceded by « à », contracted as the COG or the name requires.

    >>> a("Nancy"), a("Le Havre"), a("Les Sables-d'Olonne"), a(noms.organisation("Chambre de commerce"))
    ('à Nancy', 'au Havre', "aux Sables-d'Olonne", 'à la Chambre de commerce')
    """
    return nom.a if isinstance(nom, NomPropre) else _lieu(nom).a


def avec_article(nom: str | NomPropre) -> str:
    """Return *nom* with its article inside a sentence: a commune of the COG takes its own (« Toul », « Le Havre »),
    any other name is read as an organisation (« la Communauté de communes du Toulinois », « le Pays… »).

    >>> avec_article("Toul"), avec_article("Communauté de communes du Toulinois"), avec_article("Le Havre")
    ('Toul', 'la Communauté de communes du Toulinois', 'Le Havre')
    """
    if isinstance(nom, NomPropre):
        return nom.avec_article
    trouvees = noms.communes(nom)
    return trouvees[0].avec_article if trouvees else noms.organisation(nom).avec_article


def _lieu(nom: str) -> NomPropre:
    """The place *nom*; outside the COG the name keeps its own spaces (« ALIZÉ®\u00a0Toulinois » stays unbroken)."""
    lieu = noms.lieu(nom)
    return lieu if isinstance(lieu, noms.Commune) else NomPropre(nom.strip(), lieu.tncc)


def format_iban(iban: str) -> str:
    """Return an IBAN in groups of four joined by no-break spaces, so it never breaks across lines.

    >>> format_iban("FR76-1470-7000-5008-0123-4567-869")
    'FR76\xa01470\xa07000\xa05008\xa00123\xa04567\xa0869'
    """
    return noms.format_iban(iban)


def format_siren(siren: str) -> str:
    """Return a SIREN in three groups of three, joined by no-break spaces.

    >>> format_siren("802645135")
    '802\xa0645\xa0135'
    """
    return noms.format_siren(siren)


def format_siret(siret: str) -> str:
    """Return a SIRET as SIREN (3 groups of 3) then NIC, joined by no-break spaces.

    >>> format_siret("39017425810008")
    '390\xa0174\xa0258\xa010008'
    """
    return noms.format_siret(siret)


_ESPACES = "[ \u00a0\u202f\u2009]"
_TYPO = (  # (trigger, pattern, replacement): the pattern runs only on texts holding one of its triggers
    (":", re.compile(_ESPACES + r"+:"), NBSP + ":"),
    (";!?", re.compile(_ESPACES + r"+([;!?])"), NNBSP + r"\1"),
    ("%", re.compile(r"(?<=\d)" + _ESPACES + r"+%"), NNBSP + "%"),
    ("«", re.compile("«" + _ESPACES + "*"), "«" + NBSP),
    ("»", re.compile(_ESPACES + "*»"), NBSP + "»"),
    ("°", re.compile(r"\bn°" + _ESPACES + r"+(?=\d)"), "n°" + NBSP),
)


# --- numbers, € and %: never broken across lines ------------------------------------------------------------

_MARQUES = "[\ue000\ue001]*"  # the markers around a user's value in a clause text (alize_docs.clauses.markup)
_GROUPES = re.compile(r"(?<![\d,.\u00a0\u202f])(\d{1,3})((?: \d{3})+)(?![\d\u00a0\u202f])")
_AVANT_EURO = re.compile(r"(?<=\d)(" + _MARQUES + r")[ \u202f]+(" + _MARQUES + "€)")
_AVANT_POURCENT = re.compile(r"(?<=\d)(" + _MARQUES + r")[ \u00a0]+(" + _MARQUES + "%)")


def insecables_nombres(texte: str) -> str:
    """Return *texte* with its numbers unbreakable: digit groups joined by narrow no-break spaces, a no-break
    space before ``€`` and a narrow one before ``%`` — the spaces :func:`format_montant`, :func:`format_nombre` and
    :func:`format_pourcentage` print, given to numbers typed with ordinary spaces (the model's « 1 057 projets »,
    a user's « 240 000 € »). A group starts with one to three digits: « en 2009 250 emplois » keeps its space;
    identifiers already grouped by no-break spaces (SIREN, SIRET, IBAN) are left as they are.

    >>> insecables_nombres("1 057 projets, 240 000 € à 0 %, en 2009 250 emplois")
    '1\\u202f057 projets, 240\\u202f000\\xa0€ à 0\\u202f%, en 2009 250 emplois'
    >>> insecables_nombres("1\\u202f200\\u202f000\\xa0€, SIREN 802\\xa0645\\xa0135")
    '1\\u202f200\\u202f000\\xa0€, SIREN 802\\xa0645\\xa0135'
    """
    if _CHIFFRE.search(texte) is not None:
        texte = _GROUPES.sub(lambda m: m[1] + m[2].replace(" ", NNBSP), texte)
        if "€" in texte:
            texte = _AVANT_EURO.sub(r"\1" + NBSP + r"\2", texte)
        if "%" in texte:
            texte = _AVANT_POURCENT.sub(r"\1" + NNBSP + r"\2", texte)
    return texte


def typographie(texte: str) -> str:
    """Return *texte* with French no-break spaces: before ``:`` ``;`` ``!`` ``?``, ``%`` after a number, inside « ».

    Only spaces already typed are made unbreakable (``http://`` or ``1:30`` stay as they are);
    guillemets always get theirs.

    >>> typographie("Entre : les partenaires ; « le Territoire » ?")
    'Entre\\xa0: les partenaires\\u202f; «\\xa0le Territoire\\xa0»\\u202f?'
    >>> typographie("«ALIZÉ®» à 20 %, voir http://x.fr")
    '«\\xa0ALIZÉ®\\xa0» à 20\\u202f%, voir http://x.fr'
    """
    texte = insecables_nombres(texte)
    for declencheurs, motif, remplacement in _TYPO:
        if any(c in texte for c in declencheurs):
            texte = motif.sub(remplacement, texte)
    return texte


_MANQUANTES = (  # a space the drafter left out: « …nationale); » → « …nationale) ; »
    (re.compile(r"(?<=[\w)\]»%…])(?=[;!?](?:\s|$|[)»]))"), NNBSP),
)


def typographie_redaction(texte: str) -> str:
    """Return a drafter's text with the no-break space French wants before ``;`` ``!`` ``?`` where none was typed.

    Run on the clauses' own words, never on a value a user typed (which keeps its characters):

    >>> typographie_redaction("(site Internet, réunion nationale); la suite")
    '(site Internet, réunion nationale)\\u202f; la suite'
    >>> typographie_redaction("http://x.fr/?q=1 et 1;2")
    'http://x.fr/?q=1 et 1;2'
    """
    if not any(c in texte for c in ";!?"):
        return texte
    for motif, espace in _MANQUANTES:
        texte = motif.sub(espace, texte)
    return texte


_CHIFFRE = re.compile(r"\d")  # one C-level scan, where a generator over the characters is the pass's main cost
_MAJUSCULE = "A-ZÀ-ÖØ-ÞŒ"
_COMPOSE = re.compile(f"(?<![\\w'’-])[{_MAJUSCULE}][\\w'’®]*(?:-[\\w'’®]+)+")
_MILLIERS = re.compile(r"(?<![\d,.\u202f\u00a0])(\d{1,3})((?: \d{3})+)(?!\d)")
_GLYPHES = (  # (trigger, pattern, replacement), each replacement as long as what it replaces
    ("'", re.compile("'"), APOSTROPHE),
    (";!?", re.compile(r" (?=[;!?])"), NNBSP),
    (":", re.compile(r" (?=:(?:\s|$))"), NBSP),
    ("«", re.compile("« "), "«" + NBSP),
    ("»", re.compile(" »"), NBSP + "»"),
    # a date never breaks between its day and its month (« 26 novembre 2010 », « 1er avril 2011 »)
    ("0123456789", re.compile(r"(?<![\w,.])(\d{1,2}|1er) (?=(?:janvier|février|mars|avril|mai|juin|juillet|"
                               r"août|septembre|octobre|novembre|décembre)\b)"), r"\1" + NBSP),
)


def glyphes(texte: str, traits: bool = True) -> str:
    """Return *texte* as it is printed: typographic apostrophes (’), no-break spaces in numbers (« 1 057 projets »),
    between a date's day and its month (« 26 novembre 2010 ») and before ``;`` ``:`` ``?`` ``!``, and, if
    *traits*, no-break hyphens (U+2011) in compound names that start with a capital (« Saint-Amand-les-Eaux »,
    « Meurthe-et-Moselle », « Jean-Marc »), so that a line never ends on « Saint-Amand- ».

    Every character keeps its place and only its glyph may change: the letters of a name a user typed are kept,
    and the result is exactly as long as *texte* (a paragraph's runs are cut again at the same places).

    >>> glyphes("l'opérateur de Saint-Amand-les-Eaux : 1 057 projets ; 7 160 emplois")
    'l’opérateur de Saint‑Amand‑les‑Eaux\\xa0: 1\\u202f057 projets\\u202f; 7\\u202f160 emplois'
    >>> glyphes("gestion-finance, 2007-2009, 26 novembre 2010, 20 000,50 €")
    'gestion-finance, 2007-2009, 26\\xa0novembre 2010, 20\\u202f000,50 €'
    """
    for declencheurs, motif, remplacement in _GLYPHES:
        if any(c in texte for c in declencheurs):
            texte = motif.sub(remplacement, texte)
    if " " in texte and _CHIFFRE.search(texte) is not None:
        texte = _MILLIERS.sub(lambda m: m[1] + m[2].replace(" ", NNBSP), texte)
    if traits and "-" in texte:
        texte = _COMPOSE.sub(lambda m: m[0].replace("-", TRAIT_INSECABLE), texte)
    return texte


_SPACES_IN_AMOUNT = re.compile("[ \u00a0\u202f\u2009]")
_AMOUNT = re.compile(r"(?P<entier>\d+)(?:(?P<sep>[.,])(?P<decimales>\d+))?")


_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(texte: str) -> dt.date:
    """Return the date *texte* writes, as ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``; raise ``ValueError`` otherwise.

    >>> parse_date("26/11/2013"), parse_date("2013-11-26")
    (datetime.date(2013, 11, 26), datetime.date(2013, 11, 26))
    >>> parse_date("30/02/2013")
    Traceback (most recent call last):
    ValueError: day is out of range for month
    """
    texte = texte.strip()
    if jma := _DATE_FR.fullmatch(texte):
        return dt.date(int(jma[3]), int(jma[2]), int(jma[1]))
    return dt.date.fromisoformat(texte)


def parse_montant(texte: str) -> Decimal:
    """Read an amount typed by a person or a French spreadsheet, without guessing.

    Spaces (any kind) group thousands; a comma or a point marks the cents; ``€`` may follow.
    A separator followed by exactly three digits (``15.000``, ``15,000``) could be either, so it
    is refused; so are more than two decimals, signs and exponents.

    >>> parse_montant("15 000,50"), parse_montant("15\u202f000 €"), parse_montant("33333.33")
    (Decimal('15000.50'), Decimal('15000'), Decimal('33333.33'))
    >>> parse_montant("15.000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    alize_docs.formatting.AmountSyntaxError: « 15.000 » est ambigu : séparez les milliers par une espace (15 000)...
    """
    brut = texte.strip()
    compact = _SPACES_IN_AMOUNT.sub("", brut.removesuffix("€").removesuffix("EUR").strip())
    if compact.startswith("-"):
        raise AmountSyntaxError(f"« {brut} » : un montant ne peut pas être négatif.")
    correspondance = _AMOUNT.fullmatch(compact)
    if correspondance is None:
        raise AmountSyntaxError(
            f"« {brut} » n'est pas un montant lisible : écrivez par exemple 15 000 ou 15 000,50."
        )
    entier, decimales = correspondance["entier"], correspondance["decimales"]
    if decimales is not None and len(decimales) == 3:
        raise AmountSyntaxError(
            f"« {brut} » est ambigu : séparez les milliers par une espace (15 000) "
            "et les centimes par une virgule (15,50)."
        )
    if decimales is not None and len(decimales) > 2:
        raise AmountSyntaxError(f"« {brut} » : un montant a au plus deux décimales (les centimes).")
    return Decimal(f"{entier}.{decimales}" if decimales else entier)  # digits only: the pattern saw to it
