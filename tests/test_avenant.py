"""Avenants (issue 16): a signed convention, a modified input, and the amendment the parties sign.

Each test builds the convention from the bundled example, then an avenant, and reads the Word files back with
python-docx: the articles, the parties, the signature blocks, the replaced annex, the tracked changes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

import alize_docs
from alize_docs.api import MANIFESTE_AVENANTS, generate_avenant, render_avenant
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.cli import main
from alize_docs.errors import CommandError, InvalidInput
from tests.conftest import TERRITOIRE, lisible, set_path

DATE = dt.date(2011, 6, 1)

NOUVELLE_ENTREPRISE = {
    "id": "lorraine-logistique", "nom": "Lorraine Logistique SAS", "categorie": "entreprise",
    "signataire": {"civilite": "Madame", "prenom": "Claire", "nom": "Muller", "qualite": "Présidente"},
    "apports": {"avances": ["0", "10000", "10000"], "jours": ["0", "15", "15"]}}

NOUVEL_OPERATEUR = {
    "nom": "Initiative Toul Développement", "forme": "association régie par la loi du 1er juillet 1901",
    "siret": "73282932000074", "adresse": "12 rue Gambetta, 54200 Toul",
    "representant": {"civilite": "Madame", "prenom": "Nadia", "nom": "Keller", "qualite": "Présidente"},
    "autorisation_direction_budget": "2011-05-15",
    "comptes": {"avances": {"banque": "Crédit Mutuel", "iban": "FR7630006000011234567890189"},
                "fonctionnement": {"banque": "Crédit Mutuel", "iban": "FR7630004000031234567890143"}}}


def _lisible(texte: str) -> str:
    return " ".join(lisible(texte).replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def convention(tmp_path: Path) -> Path:
    """The signed convention, built from the bundled example; its folder is where avenants go."""
    sortie = tmp_path / "sortie"
    alize_docs.generate(TERRITOIRE, sortie)
    return sortie


@pytest.fixture
def modifiee(territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> Callable[..., Path]:
    """Write the example with *changements* applied (a path → a value) as the modified input."""
    def ecrire(changements: Callable[[dict[str, Any]], None], nom: str = "modifiee.yaml") -> Path:
        changements(territoire_data)
        return write_yaml(territoire_data, nom)
    return ecrire


def _ajouter_entreprise(data: dict[str, Any]) -> None:
    data["partenaires"].insert(3, NOUVELLE_ENTREPRISE)


def _relever_apport(data: dict[str, Any]) -> None:
    set_path(data, "partenaires[2].apports.avances", ["10000", "15000", "15000"])  # Mécanique de l'Est SA


def _changer_operateur(data: dict[str, Any]) -> None:
    data["operateur"] = NOUVEL_OPERATEUR


class Lu:
    """A .docx read back with python-docx: body paragraphs, table cells, and its revision marks."""

    def __init__(self, donnees: bytes) -> None:
        self.document = docx.Document(io.BytesIO(donnees))
        self.paragraphes = [_lisible(p.text) for p in self.document.paragraphs if p.text.strip()]
        self.cellules = [_lisible(c.text) for t in self.document.tables for r in t.rows for c in r.cells]
        corps = self.document.element.body
        self.inseres = [_lisible("".join(t.text or "" for t in e.iter(qn("w:t")))) for e in corps.iter(qn("w:ins"))]
        self.supprimes = [_lisible("".join(t.text or "" for t in e.iter(qn("w:delText"))))
                          for e in corps.iter(qn("w:del"))]

    @property
    def texte(self) -> str:
        return "\n".join(self.paragraphes)

    def apres(self, debut: str) -> str:
        """The paragraph that follows the one starting with *debut*."""
        i = next(i for i, p in enumerate(self.paragraphes) if p.startswith(debut))
        return self.paragraphes[i + 1]

    def signatures(self) -> list[str]:
        """The first line of each signature block (« Pour … »)."""
        return [c.split(" Madame ")[0].split(" Monsieur ")[0] for c in self.cellules if c.startswith("Pour ")]


def _lire(sortie: Path, nom: str) -> Lu:
    return Lu((sortie / nom).read_bytes())


SIGNATAIRES_CONVENTION = [
    "Pour l'entreprise SIDE", "Pour l'entreprise Fonderie de la Moselle SAS", "Pour l'entreprise Mécanique de l'Est SA",
    "Pour la Communauté de communes du Toulinois", "Pour le Pays Terres de Lorraine",
    "Pour la Chambre de commerce et d'industrie de Meurthe-et-Moselle", "Pour l'État",
    "Pour la Caisse des dépôts et consignations", "Pour l'Association Travail Emploi Europe Société (ASTREES)"]


def test_a_new_partner_company_joins(convention: Path, modifiee: Callable[..., Path]) -> None:
    ecrits = generate_avenant(TERRITOIRE, modifiee(_ajouter_entreprise), convention, date=DATE)
    assert [c.name for c in ecrits] == ["avenant-1-toulinois.docx", "annexe-1-budget-avenant-1-toulinois.docx",
                                        "convention-consolidee-1-toulinois.docx"]
    avenant = _lire(convention, "avenant-1-toulinois.docx")
    assert avenant.paragraphes[:3] == ["AVENANT N° 1 À LA CONVENTION DE PARTENARIAT",
                                       "RELATIVE À L'ACTION LOCALE INTERENTREPRISES DANS LA ZONE D'EMPLOI DE TOUL",
                                       "ALIZÉ® Toulinois"]
    assert avenant.paragraphes[3] == ("Vu la convention de partenariat ALIZÉ® Toulinois signée à Nancy le 26 "
                                      "novembre 2010, ci-après dénommée « la convention »,")
    # the parties: every signatory of the convention, and the company that joins
    for partie in ("L'entreprise SIDE, représentée par Monsieur Bernard Weiss, Directeur régional ;",
                   "Le Pays Terres de Lorraine, représenté par Madame Sylvie Marchal, Présidente ;",
                   "L'entreprise Lorraine Logistique SAS, représentée par Madame Claire Muller, Présidente ;"):
        assert partie in avenant.paragraphes
    assert avenant.apres("ARTICLE 1 : ADHÉSION D'UN NOUVEAU PARTENAIRE") == (
        "La société Lorraine Logistique SAS adhère à la convention en qualité d'entreprise partenaire, à compter "
        "de la date du présent avenant. Ses apports figurent à l'annexe 1 jointe au présent avenant.")
    assert "L'annexe 1 de la convention (« Budget prévisionnel ») est remplacée par l'annexe 1 jointe au présent " \
           "avenant." in avenant.paragraphes
    assert "Les autres dispositions de la convention demeurent inchangées." in avenant.paragraphes
    # the parties as the convention names them (its corrections apply to the avenant too)
    texte = avenant.texte
    assert "La Caisse des dépôts et consignations, représentée par Madame Hélène Ravier, Directrice régionale " \
           "Lorraine," in texte
    assert "Direction régionale Lorraine :" not in texte and "Collectivités territoriales partenaires" not in texte
    assert ", dont le siège est 1 place du Marché, 54200 Toul, représentée par Monsieur Luc Bertin, Président." \
        in texte
    assert ("Fait à Nancy, le 1er juin 2011, en onze (11) exemplaires originaux, un pour chaque partie "
            "signataire.") in avenant.paragraphes
    signatures = avenant.signatures()
    assert [s for s in signatures if s in SIGNATAIRES_CONVENTION] == SIGNATAIRES_CONVENTION
    assert "Pour l'entreprise Lorraine Logistique SAS" in signatures
    assert "Pour l'opérateur local, Parole d'entreprises" in signatures
    assert len(signatures) == 11
    # the new Annexe 1 lists the company with its contributions
    annexe = _lire(convention, "annexe-1-budget-avenant-1-toulinois.docx")
    assert "Lorraine Logistique SAS" in annexe.cellules
    # the consolidated convention: the company's line of the parties is a tracked insertion
    consolidee = _lire(convention, "convention-consolidee-1-toulinois.docx")
    assert "L'entreprise Lorraine Logistique SAS, représentée par Madame Claire Muller, Présidente ;" \
        in consolidee.inseres
    assert any("Lorraine Logistique SAS" in s for s in consolidee.inseres)


def test_a_public_partner_joins_with_its_article(convention: Path, modifiee: Callable[..., Path]) -> None:
    def ajouter(data: dict[str, Any]) -> None:
        data["partenaires"].insert(5, {
            "id": "cc-moselle-madon", "nom": "Communauté de communes Moselle et Madon", "categorie": "collectivite",
            "signataire": {"civilite": "Madame", "prenom": "Rose", "nom": "Lang", "qualite": "Présidente"},
            "apports": {"avances": ["0", "20000", "20000"]}})
    fichiers = render_avenant(TERRITOIRE, modifiee(ajouter), date=DATE)
    avenant = Lu(fichiers["avenant-1-toulinois.docx"])
    assert avenant.apres("ARTICLE 1 : ADHÉSION").startswith(
        "La Communauté de communes Moselle et Madon adhère à la convention en qualité de partenaire public")
    assert "Pour la Communauté de communes Moselle et Madon" in avenant.signatures()


def test_a_raised_contribution_replaces_annex_1(convention: Path, modifiee: Callable[..., Path],
                                                library: ClauseLibrary) -> None:
    chemin = modifiee(_relever_apport)
    generate_avenant(TERRITOIRE, chemin, convention, date=DATE)
    avenant = _lire(convention, "avenant-1-toulinois.docx")
    assert avenant.apres("ARTICLE 1 : MODIFICATION DE L'ARTICLE 4") == (
        "L'article 4 de la convention est remplacé par les dispositions suivantes :")
    # the quoted text is the convention's article 4 rendered with the modified input, word for word
    nouvelle = alize_docs.assemble_convention(alize_docs.load_territoire(chemin), library)
    textes = [_lisible(b.text) for b in nouvelle.blocks]
    article_4 = textes[textes.index("ARTICLE 4 : LES MOYENS") + 1:textes.index("ARTICLE 5 : LE FONCTIONNEMENT")]
    i = avenant.paragraphes.index("L'article 4 de la convention est remplacé par les dispositions suivantes :")
    cite = avenant.paragraphes[i + 1:i + 1 + len(article_4)]
    assert cite[0] == "« " + article_4[0] and cite[-1] == article_4[-1] + " »"
    assert cite[1:-1] == article_4[1:-1]
    assert ("du total des dotations privées et publiques des autres partenaires au fonds d'avances remboursables, qui "
            "s'élève à sept cent soixante-dix mille euros (770 000 €)") in cite[-1]
    assert avenant.apres("ARTICLE 2 : MODIFICATION DE L'ANNEXE 1") == (
        "L'annexe 1 de la convention (« Budget prévisionnel ») est remplacée par l'annexe 1 jointe au présent "
        "avenant.")
    assert "en dix (10) exemplaires originaux" in avenant.texte  # the same parties sign
    annexe = _lire(convention, "annexe-1-budget-avenant-1-toulinois.docx")
    assert annexe.paragraphes[0].startswith("ANNEXE 1")
    assert "15 000,00 €" in annexe.cellules or "15 000 €" in annexe.cellules
    consolidee = _lire(convention, "convention-consolidee-1-toulinois.docx")
    assert "cinquante" in consolidee.supprimes and "soixante-dix" in consolidee.inseres
    assert "750" in consolidee.supprimes and "770" in consolidee.inseres


def _texte_rejete(donnees: bytes) -> list[str]:
    """Every paragraph as Word shows it after « reject all changes »."""
    corps = docx.Document(io.BytesIO(donnees)).element.body
    textes = []
    for p in corps.iterchildren(qn("w:p")):  # the body's paragraphs, as python-docx's document.paragraphs
        marque = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}")
        if marque is not None:
            continue
        morceaux = [("-" if e.tag == qn("w:noBreakHyphen") else e.text or "")
                    for e in p.iter(qn("w:t"), qn("w:delText"), qn("w:noBreakHyphen"))
                    if not any(a.tag == qn("w:ins") for a in e.iterancestors())]
        textes.append("".join(morceaux))
    return textes


def test_a_new_operator(convention: Path, modifiee: Callable[..., Path]) -> None:
    generate_avenant(TERRITOIRE, modifiee(_changer_operateur), convention, date=DATE)
    avenant = _lire(convention, "avenant-1-toulinois.docx")
    assert ("Vu la lettre d'autorisation du nouvel opérateur local par la Direction du budget du 15 mai 2011,"
            in avenant.paragraphes)
    assert avenant.apres("ARTICLE 1 : CHANGEMENT D'OPÉRATEUR LOCAL") == (
        "Initiative Toul Développement, association régie par la loi du 1er juillet 1901, SIRET 732 829 320 00074, "
        "12 rue Gambetta, 54200 Toul, est désignée opérateur local d'ALIZÉ® Toulinois à compter de la date du "
        "présent avenant, en remplacement de Parole d'entreprises.")
    assert avenant.apres("L'article 5.3 de la convention est remplacé par les dispositions suivantes :").startswith(
        "« Les partenaires confient à Initiative Toul Développement la fonction d'« opérateur local »")
    assert "L'article 4 de la convention est remplacé par les dispositions suivantes :" in avenant.paragraphes
    assert ("L'annexe 3 de la convention (« Convention d'opérateur local ») est remplacée par l'annexe 3 jointe au "
            "présent avenant.") in avenant.paragraphes
    assert "Le nouvel opérateur local :" in avenant.paragraphes
    signatures = avenant.signatures()
    assert signatures[-2:] == ["Pour l'opérateur local sortant, Parole d'entreprises",
                               "Pour le nouvel opérateur local, Initiative Toul Développement"]
    assert "en onze (11) exemplaires originaux" in avenant.texte
    assert (convention / "annexe-3-operateur-local-avenant-1-toulinois.docx").is_file()
    consolidee = (convention / "convention-consolidee-1-toulinois.docx").read_bytes()
    lue = Lu(consolidee)
    assert "Parole d'entreprises" in " ".join(lue.supprimes)
    assert "Initiative Toul Développement" in " ".join(lue.inseres)
    # rejecting every change gives back the signed convention's text
    signee = Lu((convention / "convention-partenariat-toulinois.docx").read_bytes())
    assert [_lisible(t) for t in _texte_rejete(consolidee) if t.strip()] == signee.paragraphes


def test_a_withdrawal_keeps_the_contributions_to_date(convention: Path, modifiee: Callable[..., Path]) -> None:
    def retirer(data: dict[str, Any]) -> None:
        del data["partenaires"][4]  # Pays Terres de Lorraine
    generate_avenant(TERRITOIRE, modifiee(retirer), convention, date=dt.date(2011, 12, 1))
    avenant = _lire(convention, "avenant-1-toulinois.docx")
    assert avenant.apres("ARTICLE 1 : RETRAIT D'UN PARTENAIRE") == (
        "Le Pays Terres de Lorraine se retire de la convention à compter de la date du présent avenant ; les "
        "contributions versées à la date du présent avenant demeurent acquises à ALIZÉ® Toulinois et ne lui sont "
        "pas restituées. Ses apports prévus pour la troisième année de la convention sont annulés, comme le montre "
        "l'annexe 1 jointe au présent avenant.")
    assert "Pour le Pays Terres de Lorraine" in avenant.signatures()  # it signs its withdrawal
    annexe = _lire(convention, "annexe-1-budget-avenant-1-toulinois.docx")
    for tableau in annexe.document.tables:
        for ligne in tableau.rows:
            cellules = [_lisible(c.text) for c in ligne.cells]
            if cellules[0] == "Pays Terres de Lorraine":
                assert cellules[1:3] == ["30 000 €", "30 000 €"] and cellules[3] in ("0 €", "—", "")
                break
        else:
            continue
        break
    else:
        pytest.fail("le partenaire qui se retire n'est plus dans l'annexe 1")


def test_a_new_representative_is_an_article(convention: Path, modifiee: Callable[..., Path]) -> None:
    def prefet(data: dict[str, Any]) -> None:
        data["etat"]["prefet"] = {"civilite": "Madame", "prenom": "Anne", "nom": "Morel"}
    avenant = Lu(render_avenant(TERRITOIRE, modifiee(prefet), date=DATE)["avenant-1-toulinois.docx"])
    assert avenant.apres("ARTICLE 1 : REPRÉSENTATION D'UNE PARTIE") == (
        "L'État a désormais pour représentante Madame Anne Morel, qui signe le présent avenant en son nom.")
    assert "Pour l'État Madame Anne Morel Préfète de Meurthe-et-Moselle" in avenant.cellules


REFUS = [
    ("dispositif.valorisation_jour", "800", "amendment-term", "dispositif.valorisation_jour",
     "La valorisation d'une journée de compétences (700 € par jour) ne peut pas être modifiée par avenant"),
    ("depenses_fonctionnement.contribution_astrees", ["4000", "4000", "4000"], "amendment-term",
     "depenses_fonctionnement.contribution_astrees", "La contribution d'ASTREES (3 000 € par année) ne peut pas"),
    ("dispositif.duree_annees", "4", "amendment-term", "dispositif.duree_annees",
     "La durée de la convention (3 ans) ne peut pas être modifiée par avenant"),
    ("dispositif.nature", "renouvellement", "amendment-term", "dispositif.nature",
     "La nature de la convention (création ou renouvellement) ne peut pas être modifiée par avenant"),
    ("modele", "2011", "amendment-term", "modele", "Le modèle de la convention ne peut pas être modifié par avenant "
                                                    "(convention signée : 2008 ; fichier modifié : 2011)"),
    ("cdc.apports.avances", ["200000", "0", "0"], "cdc-cap", "cdc.apports.avances", "La dotation de la CDC"),
]


@pytest.mark.parametrize(("champ", "valeur", "code", "chemin", "message"), REFUS,
                         ids=[r[2] + ":" + r[0] for r in REFUS])
def test_refusals_write_nothing(tmp_path: Path, modifiee: Callable[..., Path], champ: str, valeur: Any, code: str,
                                chemin: str, message: str) -> None:
    sortie = tmp_path / "avenants"
    with pytest.raises(InvalidInput) as refus:
        generate_avenant(TERRITOIRE, modifiee(lambda d: set_path(d, champ, valeur)), sortie, date=DATE)
    probleme = next(p for p in refus.value.problemes if p.code == code)
    assert probleme.champ == chemin and _lisible(probleme.message).startswith(message), probleme.message
    assert probleme.ligne is not None
    assert not sortie.exists()


@pytest.mark.parametrize(("date", "message"), [
    (dt.date(2010, 11, 1), "L'avenant est daté du 1er novembre 2010, avant la signature de la convention le 26 "
                           "novembre 2010 : un avenant modifie une convention déjà signée."),
    (dt.date(2013, 11, 26), "L'avenant est daté du 26 novembre 2013, hors des trois ans de la convention (du 26 "
                            "novembre 2010 au 25 novembre 2013) : la convention a pris fin, il faut la renouveler "
                            "(alize-docs renouveler)."),
])
def test_an_avenant_dated_outside_the_convention_is_refused(tmp_path: Path, modifiee: Callable[..., Path],
                                                            date: dt.date, message: str) -> None:
    with pytest.raises(InvalidInput) as refus:
        generate_avenant(TERRITOIRE, modifiee(_relever_apport), tmp_path / "x", date=date)
    assert [(p.code, p.champ, p.message) for p in refus.value.problemes] == [("amendment-date", "avenant.date",
                                                                             message)]
    assert not (tmp_path / "x").exists()


def test_no_change_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refus:
        render_avenant(TERRITOIRE, TERRITOIRE, date=DATE)
    assert [(p.code, p.message) for p in refus.value.problemes] == [(
        "amendment-empty", "Le fichier modifié ne change rien à la convention signée ni à ses annexes : il n'y a "
                           "pas d'avenant à écrire.")]


def test_numbering_follows_the_manifest(convention: Path, modifiee: Callable[..., Path]) -> None:
    premier = modifiee(_ajouter_entreprise, "premier.yaml")
    generate_avenant(TERRITOIRE, premier, convention, date=DATE)
    second = modifiee(_relever_apport, "second.yaml")  # the convention as amended by n° 1, and a raised contribution
    ecrits = generate_avenant(premier, second, convention, date=dt.date(2011, 9, 1))
    assert ecrits[0].name == "avenant-2-toulinois.docx"
    avenant = _lire(convention, "avenant-2-toulinois.docx")
    assert avenant.paragraphes[0] == "AVENANT N° 2 À LA CONVENTION DE PARTENARIAT"
    assert "Vu l'avenant n° 1 à la convention, signé le 1er juin 2011," in avenant.paragraphes
    manifeste = json.loads((convention / MANIFESTE_AVENANTS).read_text(encoding="utf-8"))
    assert [a["numero"] for a in manifeste["avenants"]] == [1, 2]
    # the same inputs again keep their number; a number taken by other inputs is refused
    assert generate_avenant(premier, second, convention, date=dt.date(2011, 9, 1))[0].name == ecrits[0].name
    with pytest.raises(CommandError, match="l'avenant n° 1 à cette convention existe déjà"):
        generate_avenant(premier, second, convention, numero=1, date=dt.date(2011, 9, 1))
    # the same inputs under another number would be a second, identical avenant
    with pytest.raises(CommandError, match="ces données ont déjà fait l'avenant n° 2"):
        generate_avenant(premier, second, convention, numero=5, date=dt.date(2011, 9, 1))
    # an avenant may not be dated before the one it follows
    with pytest.raises(InvalidInput, match="avant l'avenant n° 1 qui le précède"):
        generate_avenant(premier, second, convention, numero=3, date=dt.date(2011, 5, 1))


def test_provenance_records_the_amended_convention(convention: Path, modifiee: Callable[..., Path]) -> None:
    generate_avenant(TERRITOIRE, modifiee(_relever_apport), convention, numero=4, date=DATE)
    signee = alize_docs.inspect_file(convention / "convention-partenariat-toulinois.docx")
    origine = alize_docs.inspect_file(convention / "avenant-4-toulinois.docx")
    assert signee is not None and origine is not None
    champs = dict(origine.avenant)
    assert origine.document == "avenant"
    assert champs["numero"] == "4" and champs["date"] == "2011-06-01"
    assert champs["convention-sha256"] == signee.donnees_sha256
    assert origine.uses("avenant/article-remplacement@2008") and origine.uses("avenant/article-annexe@2008")
    consolidee = alize_docs.inspect_file(convention / "convention-consolidee-4-toulinois.docx")
    assert consolidee is not None and dict(consolidee.avenant)["numero"] == "4"


def test_the_2011_model(territoire_data: dict[str, Any], write_yaml: Callable[..., Path]) -> None:
    territoire_data["modele"] = "2011"
    territoire_data["signature"]["date"] = "2011-03-01"
    signee = write_yaml(territoire_data, "signee-2011.yaml")
    territoire_data["dispositif"]["objectifs"]["projets"] = "40"
    fichiers = render_avenant(signee, write_yaml(territoire_data, "modifiee-2011.yaml"), date=DATE)
    avenant = Lu(fichiers["avenant-1-toulinois.docx"])
    assert "Vu la convention de partenariat ALIZÉ® Toulinois signée à Nancy le 1er mars 2011" in avenant.texte
    cite = avenant.apres("L'article 3 de la convention est remplacé par les dispositions suivantes :")
    assert cite.startswith("« ALIZÉ® contribue au développement économique local")
    assert "fixé par les partenaires à quarante (40) sur la durée de la présente convention" in avenant.texte
    consolidee = Lu(fichiers["convention-consolidee-1-toulinois.docx"])
    assert "quarante" in consolidee.inseres and "trente" in consolidee.supprimes
    props = zipfile.ZipFile(io.BytesIO(fichiers["avenant-1-toulinois.docx"])).read("docProps/custom.xml").decode()
    assert "<vt:lpwstr>2011</vt:lpwstr>" in props


def test_command_line(convention: Path, modifiee: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    chemin = modifiee(_ajouter_entreprise)
    assert main(["avenant", str(TERRITOIRE), str(chemin), "-o", str(convention), "--date", "2011-06-01"]) == 0
    sortie = capsys.readouterr().out
    assert f"écrit : {convention / 'avenant-1-toulinois.docx'}" in sortie
    assert f"écrit : {convention / 'convention-consolidee-1-toulinois.docx'}" in sortie
    assert main(["avenant", str(TERRITOIRE), str(TERRITOIRE), "-o", str(convention), "--date", "2011-06-01"]) == 1
    erreurs = capsys.readouterr().err
    assert "[amendment-empty]" in erreurs and "Aucun document n'a été écrit." in erreurs
    with pytest.raises(SystemExit) as usage:
        main(["avenant", str(TERRITOIRE), str(chemin), "-o", str(convention), "--numero", "zéro"])
    assert usage.value.code == 2
    assert "numéro d'avenant invalide « zéro »" in capsys.readouterr().err


def test_the_avenant_as_pdf(convention: Path, modifiee: Callable[..., Path], libreoffice: str) -> None:
    ecrits = generate_avenant(TERRITOIRE, modifiee(_changer_operateur), convention, date=DATE, pdf=True)
    pdf = convention / "avenant-1-toulinois.pdf"
    assert pdf in ecrits and pdf.read_bytes().startswith(b"%PDF")
    origine = alize_docs.inspect_file(pdf)
    assert origine is not None and origine.document == "avenant"


def test_the_command_explains_itself_and_lists_its_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as aide:
        main(["avenant", "--help"])
    texte = capsys.readouterr().out
    assert aide.value.code == 0 and "utilisation : alize-docs avenant" in texte
    assert "alize-docs avenant toulinois.yaml toulinois-modifie.yaml -o sortie/" in texte.split("Exemples", 1)[1]
    assert main(["clauses"]) == 0
    assert "avenant/article-adhesion  —  Article d'avenant — adhésion d'un partenaire\n    @2008  (2008, 2011)" in (
        capsys.readouterr().out)


def test_a_withdrawal_in_the_last_year_cancels_nothing(convention: Path, modifiee: Callable[..., Path]) -> None:
    def retirer(data: dict[str, Any]) -> None:
        del data["partenaires"][4]  # Pays Terres de Lorraine
    avenant = Lu(render_avenant(TERRITOIRE, modifiee(retirer), date=dt.date(2013, 1, 10))[
        "avenant-1-toulinois.docx"])
    assert avenant.apres("ARTICLE 1 : RETRAIT D'UN PARTENAIRE").endswith(
        "ne lui sont pas restituées. Toutes les années de la convention étant commencées, ses apports demeurent "
        "tels que l'annexe 1 les prévoit.")
    assert "ARTICLE 2 : AUTRES DISPOSITIONS" in avenant.paragraphes  # nothing else changes: no annex replaced


def test_a_budget_change_that_keeps_every_total_still_replaces_annex_1(
        convention: Path, modifiee: Callable[..., Path]) -> None:
    """Two partners swap 5 000 € of advances: the totals the annex's text cites stay, its table does not."""
    def echanger(data: dict[str, Any]) -> None:
        set_path(data, "partenaires[1].apports.avances", ["15000", "10000", "10000"])  # Fonderie +5 000
        set_path(data, "partenaires[2].apports.avances", ["5000", "5000", "5000"])     # Mécanique -5 000
    ecrits = generate_avenant(TERRITOIRE, modifiee(echanger), convention, date=DATE)
    avenant = _lire(convention, "avenant-1-toulinois.docx")
    assert "L'annexe 1 de la convention (« Budget prévisionnel ») est remplacée par l'annexe 1 jointe au présent " \
           "avenant." in avenant.paragraphes
    assert any(c.name.startswith("annexe-1-budget-avenant-1") for c in ecrits)
