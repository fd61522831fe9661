"""Every XML part of every generated .docx is valid against the ECMA-376 schemas (Word compatibility).

The schemas are in ``tests/data/ecma-376/`` (origin and licence in its README). They are loaded offline: a small
rewrite step copies them to a temporary folder and points every import at a local file (the Dublin Core schemas
name URLs, the ``xml`` namespace is imported without a location, and libxml2 honours only the first import of
a namespace, so the 28 files of the DrawingML main namespace are gathered behind one local ``dml-main.xsd``).

Markup Compatibility (ECMA-376 Part 3) is processed as a consumer that knows only the ECMA-376 namespaces does
before validating: the namespaces an element lists in ``mc:Ignorable`` (``w14``, Word 2010's extensions) are
ignored, so their elements and attributes are removed; ``mc:AlternateContent`` is replaced by its
``mc:Fallback``; the ``mc:`` attributes themselves are removed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

import alize_docs
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.review.compare import compare
from alize_docs.review.redline import render_redline

from .conftest import FIXTURES

SCHEMAS = Path(__file__).parent / "data" / "ecma-376"
TEMPLATES = Path(alize_docs.__file__).resolve().parent.parent / "templates"

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DML_MAIN = "http://schemas.openxmlformats.org/drawingml/2006/main"

# root namespace of a part -> the schema file that declares its root element
SCHEMA_OF = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "wml.xsd",
    DML_MAIN: "dml-main.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/bibliography": "shared-bibliography.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml": "shared-customXmlDataProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": "shared-documentPropertiesCustom.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "urn:alize-docs:textes-clauses:1": "alize-textes-clauses.xsd",  # our custom XML part (controler)
}

# The custom XML part each generated document records its clauses' texts in (render/provenance.py): custom XML
# data is the producer's own, so its schema is ours, not ECMA-376's.
_TEXTES_CLAUSES_XSD = (
    '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:alize-docs:textes-clauses:1" '
    'xmlns="urn:alize-docs:textes-clauses:1" elementFormDefault="qualified">'
    '<xsd:element name="textes"><xsd:complexType><xsd:sequence>'
    '<xsd:element name="clause" minOccurs="0" maxOccurs="unbounded"><xsd:complexType><xsd:simpleContent>'
    '<xsd:extension base="xsd:string"><xsd:attribute name="ref" type="xsd:string" use="required"/>'
    '<xsd:attribute name="document" type="xsd:string" use="required"/>'
    '<xsd:attribute name="sha256" use="required"><xsd:simpleType><xsd:restriction base="xsd:string">'
    '<xsd:pattern value="[0-9a-f]{64}"/></xsd:restriction></xsd:simpleType></xsd:attribute>'
    "</xsd:extension></xsd:simpleContent></xsd:complexType></xsd:element>"
    "</xsd:sequence></xsd:complexType></xsd:element></xsd:schema>"
)

# Word 2010's compatibility settings (w:compat/w:compatSetting, ISO/IEC 29500-1 §17.15.3.4) came with the
# Transitional schema of ISO/IEC 29500; the ECMA-376 1st-edition wml.xsd shipped here predates them. This adds
# CT_CompatSetting as ISO/IEC 29500-4's Transitional wml.xsd declares it (three optional string attributes) at
# the end of CT_Compat, and nothing else.
_COMPAT_SETTING = (
    '<xsd:element name="compatSetting" type="CT_CompatSetting" minOccurs="0" maxOccurs="unbounded"/>'
    "</xsd:sequence></xsd:complexType>"
    '<xsd:complexType name="CT_CompatSetting">'
    '<xsd:attribute name="name" type="ST_String"/><xsd:attribute name="uri" type="ST_String"/>'
    '<xsd:attribute name="val" type="ST_String"/></xsd:complexType>'
)


def _rewrite(texte: str, nom: str, dml_main: set[str]) -> str:
    """Point the imports of schema *nom* at local files (never the network)."""
    texte = texte.replace("http://dublincore.org/schemas/xmls/qdc/2003/04/02/", "")
    texte = re.sub(r'schemaLocation="http://www\.w3\.org/2001/03/xml\.xsd"', 'schemaLocation="xml.xsd"', texte)
    texte = re.sub(r'<xsd:import id="xml" namespace="http://www.w3.org/XML/1998/namespace"\s*/>',
                   '<xsd:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>', texte)
    if nom not in dml_main:
        texte = re.sub(r'<xsd:import schemaLocation="dml-[A-Za-z0-9]+\.xsd" namespace="' + re.escape(DML_MAIN)
                       + r'"\s*/>', f'<xsd:import namespace="{DML_MAIN}" schemaLocation="dml-main.xsd"/>', texte)
    else:
        # within the main namespace an import of the same namespace is an include of a file dml-main.xsd has
        texte = re.sub(r'<xsd:import schemaLocation="dml-[A-Za-z0-9]+\.xsd" namespace="' + re.escape(DML_MAIN)
                       + r'"\s*/>', "", texte)
        texte = re.sub(r'<xsd:include schemaLocation="dml-[A-Za-z0-9]+\.xsd"\s*/>', "", texte)
    if nom == "wml.xsd":
        debut = texte.index('<xsd:complexType name="CT_Compat">')
        fin = texte.index("</xsd:sequence>", debut)
        assert "compatSetting" not in texte
        texte = texte[:fin] + _COMPAT_SETTING + texte[texte.index("</xsd:complexType>", fin) + len(
            "</xsd:complexType>"):]
    return texte


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, etree.XMLSchema]:
    dossier = tmp_path_factory.mktemp("ecma-376")
    dml_main = {f.name for f in SCHEMAS.glob("dml-*.xsd")
                if f'targetNamespace="{DML_MAIN}"' in f.read_text("utf-8-sig")}
    for source in SCHEMAS.glob("*.xsd"):
        texte = _rewrite(source.read_text("utf-8-sig"), source.name, dml_main)
        distant = re.search(r'<xsd?:(?:import|include)[^>]*schemaLocation="[a-z]+:', texte)
        assert distant is None, f"{source.name} still imports from the network"
        (dossier / source.name).write_text(texte, "utf-8")
    inclusions = "".join(f'<xsd:include schemaLocation="{nom}"/>' for nom in sorted(dml_main))
    (dossier / "dml-main.xsd").write_text(
        f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{DML_MAIN}" '
        f'elementFormDefault="qualified">{inclusions}</xsd:schema>', "utf-8")
    (dossier / "alize-textes-clauses.xsd").write_text(_TEXTES_CLAUSES_XSD, "utf-8")
    sans_reseau = etree.XMLParser(no_network=True, resolve_entities=False)
    return {ns: etree.XMLSchema(etree.parse(str(dossier / nom), sans_reseau)) for ns, nom in SCHEMA_OF.items()}


def process_markup_compatibility(racine: etree._Element) -> etree._Element:
    """Apply ECMA-376 Part 3 as a consumer that understands no namespace beyond the schemas: drop what the
    ``mc:Ignorable`` namespaces mark, take the ``mc:Fallback`` of each ``mc:AlternateContent``."""
    for alternative in list(racine.iter(f"{{{MC}}}AlternateContent")):
        parent = alternative.getparent()
        position = parent.index(alternative)
        repli = alternative.find(f"{{{MC}}}Fallback")
        for enfant in reversed(list(repli) if repli is not None else []):
            parent.insert(position, enfant)
        parent.remove(alternative)
    ignores: set[str] = set()
    for element in racine.iter():
        prefixes = element.get(f"{{{MC}}}Ignorable")
        if prefixes:
            ignores |= {element.nsmap[p] for p in prefixes.split()}
    for element in list(racine.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).namespace in ignores:
            element.getparent().remove(element)
            continue
        for attribut in list(element.attrib):
            if etree.QName(attribut).namespace in ignores | {MC}:
                del element.attrib[attribut]
    return racine


def errors(donnees: bytes, schemas: dict[str, etree.XMLSchema]) -> dict[str, list[str]]:
    """Map each XML part of the package *donnees* to its validation errors (an empty list when valid)."""
    paquet = zipfile.ZipFile(io.BytesIO(donnees))
    resultat: dict[str, list[str]] = {}
    for nom in paquet.namelist():
        if not (nom.endswith(".xml") or nom.endswith(".rels")):
            continue
        racine = process_markup_compatibility(etree.fromstring(paquet.read(nom)))
        espace = etree.QName(racine).namespace
        assert espace in SCHEMA_OF, f"{nom}: no schema for its root namespace {espace}"
        schema = schemas[espace]
        resultat[nom] = [] if schema.validate(racine) else [
            f"l.{e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]
    return resultat


def _generated(dossier: Path) -> Iterator[tuple[str, bytes]]:
    for fixture in ("toulinois.yaml", "cooperation-menuiseries-du-toulois.yaml"):
        for chemin in alize_docs.generate(FIXTURES / fixture, dossier / fixture):
            if chemin.suffix == ".docx":
                yield chemin.name, chemin.read_bytes()


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    dossier = tmp_path_factory.mktemp("wordxml")
    produits = dict(_generated(dossier))
    for nom in ("convention.docx", "cooperation.docx"):
        produits[f"templates/{nom}"] = (TEMPLATES / nom).read_bytes()
    produits["redline.docx"] = _redline()
    return produits


def _redline() -> bytes:
    """The tracked changes between the 2008 and 2011 models (w:ins, w:del, w:rPr/w:ins of whole paragraphs)."""
    comparaison = compare("2008", "2011", ClauseLibrary())
    return render_redline(comparaison, TEMPLATES / "convention.docx", "alize-docs", dt.datetime(2011, 1, 1))


def test_every_document_is_generated(documents: dict[str, bytes]) -> None:
    noms = sorted(documents)
    assert len([n for n in noms if n.startswith("annexe-")]) == 3
    assert any(n.startswith("convention-partenariat") for n in noms)
    assert any(n.startswith("dossier-signature") for n in noms)
    assert any(n.startswith("cooperation-") for n in noms)


def test_every_xml_part_is_valid(documents: dict[str, bytes], schemas: dict[str, etree.XMLSchema]) -> None:
    invalides = {f"{document}:{partie}": erreurs for document, donnees in documents.items()
                 for partie, erreurs in errors(donnees, schemas).items() if erreurs}
    assert not invalides, "\n".join(f"{k}: {e[:3]}" for k, e in invalides.items())


def test_the_named_parts_are_all_checked(documents: dict[str, bytes], schemas: dict[str, etree.XMLSchema]) -> None:
    attendues = {"word/settings.xml", "word/styles.xml", "word/document.xml", "docProps/app.xml",
                 "docProps/core.xml", "docProps/custom.xml", "[Content_Types].xml", "_rels/.rels",
                 "word/_rels/document.xml.rels"}
    for nom, donnees in documents.items():
        if nom.startswith("templates/"):
            continue
        # a redline carries no provenance (docProps/custom.xml): it is no generated agreement
        attendu = attendues - {"docProps/custom.xml"} if nom == "redline.docx" else attendues
        assert attendu <= set(errors(donnees, schemas)), nom


def test_a_broken_part_is_caught(documents: dict[str, bytes], schemas: dict[str, etree.XMLSchema]) -> None:
    """The check is not vacuous: the zoom without its required percent, as the templates had it, fails."""
    donnees = documents["templates/convention.docx"]
    paquet = zipfile.ZipFile(io.BytesIO(donnees))
    reglages = etree.fromstring(paquet.read("word/settings.xml"))
    zoom = reglages.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}zoom")
    del zoom.attrib["{http://schemas.openxmlformats.org/wordprocessingml/2006/main}percent"]
    assert not schemas[etree.QName(reglages).namespace].validate(process_markup_compatibility(reglages))


def test_french_everywhere(documents: dict[str, bytes]) -> None:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for nom, donnees in documents.items():
        paquet = zipfile.ZipFile(io.BytesIO(donnees))
        reglages = etree.fromstring(paquet.read("word/settings.xml"))
        assert reglages.find(f"{w}themeFontLang").get(f"{w}val") == "fr-FR", nom
        for langue in etree.fromstring(paquet.read("word/styles.xml")).iter(f"{w}lang"):
            assert set(langue.attrib.values()) == {"fr-FR"}, nom
        coeur = etree.fromstring(paquet.read("docProps/core.xml"))
        assert coeur.findtext("{http://purl.org/dc/elements/1.1/}language") == "fr-FR", nom
        application = etree.fromstring(paquet.read("docProps/app.xml"))
        ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        assert application.findtext(f"{ep}Application") == "alize-docs", nom
        assert application.find(f"{ep}Pages") is None and application.find(f"{ep}Words") is None, nom
