"""Provenance: what a document records of its making, written and read by this module alone.

A generated .docx keeps it in its custom properties (``alize:document``, ``alize:clause-01``…), a PDF in
its metadata (``/Alize_document``…). Everything else handles a :class:`Provenance`, never those strings.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document as WordDocument
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from alize_docs._version import __version__
from alize_docs.document import AssembledDocument, ClauseUse
from alize_docs.office import PaquetOffice, ouvrir
from alize_docs.render.package import SAFE_XML

__all__ = ["PDF_PREFIX", "TEXTES_NS", "Provenance", "TexteClause", "add_clause_texts", "add_custom_properties",
           "clause_text_entries", "clause_texts_parts", "custom_properties_xml", "provenance", "read_clause_texts",
           "read_provenance", "read_provenance_file"]

PDF_PREFIX = "/Alize_"
"""PDF metadata keys of the provenance: ``/Alize_modele``, ``/Alize_clause-01``… (``alize:…`` in a .docx)."""

_DOCX_PREFIX = "alize:"


@dataclass(frozen=True)
class Provenance:
    """The model, tool, input digest and clause versions (with their hashes) a document was built from."""

    document: str
    modele: str
    outil: str
    donnees_sha256: str
    clauses: tuple[ClauseUse, ...] = ()
    documents: tuple[str, ...] = ()  # the pieces of a signing bundle, in order
    # --- avenant (issue 16): the amendment's number, date, the amended convention's input digest, its inputs
    avenant: tuple[tuple[str, str], ...] = ()  # recorded as ``alize:avenant-<key>``
    # --- end avenant

    def properties(self) -> dict[str, str]:
        """Return the provenance as the .docx records it (``alize:…`` keys, in a fixed order)."""
        valeurs = {"alize:document": self.document, "alize:modele": self.modele, "alize:outil": self.outil,
                   "alize:donnees-sha256": self.donnees_sha256}
        for i, clause in enumerate(self.clauses, start=1):
            valeurs[f"alize:clause-{i:02d}"] = f"{clause.ref} sha256:{clause.sha256}"
        if self.documents:
            valeurs["alize:documents"] = ", ".join(self.documents)
        valeurs |= {f"alize:avenant-{cle}": valeur for cle, valeur in self.avenant}  # avenant block
        return valeurs

    def pdf_metadata(self) -> dict[str, str]:
        """Return the provenance as PDF metadata keys (``/Alize_…``)."""
        return {PDF_PREFIX + cle.removeprefix(_DOCX_PREFIX): valeur for cle, valeur in self.properties().items()}

    def uses(self, reference: str) -> bool:
        """Tell whether the document was built from the clause version *reference* (``id@version``)."""
        return any(c.ref == reference for c in self.clauses)

    @classmethod
    def from_properties(cls, valeurs: Mapping[str, str]) -> Provenance | None:
        """Return the provenance recorded under ``alize:…`` or ``/Alize_…`` keys, or None if there is none."""
        propres = {cle.replace(PDF_PREFIX, _DOCX_PREFIX, 1): v for cle, v in valeurs.items()}
        if "alize:document" not in propres:
            return None
        clauses = []
        for cle in sorted(k for k in propres if k.startswith("alize:clause-")):
            ref, _, empreinte = propres[cle].partition(" sha256:")
            ident, _, version = ref.partition("@")
            clauses.append(ClauseUse(ident, version, empreinte))
        documents = tuple(d for d in propres.get("alize:documents", "").split(", ") if d)
        avenant = tuple((k.removeprefix("alize:avenant-"), v) for k, v in propres.items()  # avenant block
                        if k.startswith("alize:avenant-"))
        return cls(propres["alize:document"], propres.get("alize:modele", ""), propres.get("alize:outil", ""),
                   propres.get("alize:donnees-sha256", ""), tuple(clauses), documents, avenant=avenant)


def provenance(document: AssembledDocument, documents: tuple[str, ...] = ()) -> Provenance:
    """Return the provenance of *document* (*documents*: the pieces, for a signing bundle)."""
    return Provenance(document.kind, document.modele, f"alize-docs {__version__}", document.input_sha256,
                      document.clauses, documents, avenant=document.avenant)


_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties_xml(origine: Provenance) -> bytes:
    """Return *origine* as a custom properties part (``docProps/custom.xml``)."""
    racine = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for pid, (nom, valeur) in enumerate(origine.properties().items(), start=2):
        propriete = etree.SubElement(racine, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid), name=nom)
        etree.SubElement(propriete, f"{{{_VT_NS}}}lpwstr").text = valeur
    return bytes(etree.tostring(racine, xml_declaration=True, encoding="UTF-8", standalone=True))


def add_custom_properties(word: WordDocument, origine: Provenance) -> None:
    """Add *origine* to the package as its custom properties part."""
    blob = custom_properties_xml(origine)
    paquet = word.part.package
    part = Part(PackURI("/docProps/custom.xml"), _CUSTOM_CT, blob, paquet)
    paquet.relate_to(part, _CUSTOM_RT)


def custom_properties(donnees: bytes) -> dict[str, str]:
    """Return the custom properties a .docx records (empty if it has none)."""
    paquet = zipfile.ZipFile(io.BytesIO(donnees))
    if "docProps/custom.xml" not in paquet.namelist():
        return {}
    racine = etree.fromstring(paquet.read("docProps/custom.xml"), SAFE_XML)
    return {p.get("name"): "".join(p.itertext()) for p in racine.iter(f"{{{_CUSTOM_NS}}}property")}


def read_provenance(donnees: bytes) -> Provenance | None:
    """Return the provenance a .docx this package wrote records, or None if it is not one of ours."""
    return Provenance.from_properties(custom_properties(donnees))


def read_provenance_file(chemin: Path, donnees: bytes | None = None) -> Provenance | None:
    """Return the provenance a user-given .docx records, read through the safe reader (a hostile file is a
    :class:`alize_docs.office.FichierRefuse`), or None if it records none."""
    with ouvrir(chemin, donnees, genre="docx") as paquet:
        if "docProps/custom.xml" not in paquet:
            return None
        racine = paquet.xml("docProps/custom.xml")
    valeurs = {str(p.get("name")): "".join(p.itertext()) for p in racine.iter(f"{{{_CUSTOM_NS}}}property")}
    return Provenance.from_properties(valeurs)


# --- Clause texts (alize-docs controler) -----------------------------------------------------------------------
# What each clause said when the document was generated, with its SHA-256, in a custom XML part of its own
# (Word keeps custom XML parts; a custom property holds 255 characters at most). ``controler`` reads the same
# lines back from the current text and reports the clauses edited by hand, word by word.

TEXTES_NS = "urn:alize-docs:textes-clauses:1"
"""The namespace of the custom XML part recording each clause's text (found by it, whatever the part's name)."""

_CUSTOM_XML_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_CUSTOM_XML_PROPS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
_CUSTOM_XML_PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


@dataclass(frozen=True)
class TexteClause:
    """One clause's text as generated: its version (``id@version``), its document, the SHA-256 of its text."""

    ref: str
    document: str
    sha256: str
    texte: str

    @property
    def lignes(self) -> list[str]:
        return self.texte.split("\n") if self.texte else []


def clause_text_entries(document: AssembledDocument) -> list[TexteClause]:
    """Return what :func:`add_clause_texts` records of *document* (empty for a document assembled without
    its clauses' texts)."""
    if len(document.clause_texts) != len(document.clauses):
        return []
    return [TexteClause(c.ref, document.kind, hashlib.sha256(t.encode("utf-8")).hexdigest(), t)
            for c, t in zip(document.clauses, document.clause_texts, strict=True)]


def clause_texts_parts(entrees: Sequence[TexteClause]) -> tuple[bytes, bytes]:
    """Return the custom XML part recording each clause's text and hash, and its item properties part."""
    racine = etree.Element(f"{{{TEXTES_NS}}}textes", nsmap={None: TEXTES_NS})
    for entree in entrees:
        etree.SubElement(racine, f"{{{TEXTES_NS}}}clause", ref=entree.ref, document=entree.document,
                         sha256=entree.sha256).text = entree.texte
    blob = etree.tostring(racine, xml_declaration=True, encoding="UTF-8", standalone=True)
    guid = hashlib.sha256(blob).hexdigest()[:32].upper()
    proprietes = etree.Element(f"{{{_DS_NS}}}datastoreItem", nsmap={"ds": _DS_NS})
    proprietes.set(f"{{{_DS_NS}}}itemID", f"{{{guid[:8]}-{guid[8:12]}-{guid[12:16]}-{guid[16:20]}-{guid[20:]}}}")
    etree.SubElement(etree.SubElement(proprietes, f"{{{_DS_NS}}}schemaRefs"), f"{{{_DS_NS}}}schemaRef").set(
        f"{{{_DS_NS}}}uri", TEXTES_NS)
    return blob, etree.tostring(proprietes, xml_declaration=True, encoding="UTF-8", standalone=True)


def add_clause_texts(word: WordDocument, entrees: Sequence[TexteClause]) -> None:
    """Add each clause's text and its hash to the package, as a custom XML part (deterministic bytes)."""
    if not entrees:
        return
    blob, proprietes = clause_texts_parts(entrees)
    paquet = word.part.package
    noms = {str(p.partname) for p in paquet.iter_parts() if str(p.partname).startswith("/customXml/")}
    n = next(i for i in range(1, len(noms) + 2) if f"/customXml/item{i}.xml" not in noms
             and f"/customXml/itemProps{i}.xml" not in noms)  # the first free number (a template may have some)
    item = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", blob, paquet)
    props = Part(PackURI(f"/customXml/itemProps{n}.xml"), _CUSTOM_XML_PROPS_CT, proprietes, paquet)
    item.relate_to(props, _CUSTOM_XML_PROPS_RT)
    word.part.relate_to(item, _CUSTOM_XML_RT)


def read_clause_texts(paquet: PaquetOffice) -> tuple[TexteClause, ...] | None:
    """Return the clause texts a .docx read by the safe reader records, or None if it records none."""
    for nom in sorted(paquet.noms()):
        if not (nom.startswith("customXml/") and nom.endswith(".xml") and "/_rels/" not in nom):
            continue
        racine = paquet.xml(nom)
        if racine.tag == f"{{{TEXTES_NS}}}textes":
            return tuple(TexteClause(str(c.get("ref", "")), str(c.get("document", "")), str(c.get("sha256", "")),
                                     c.text or "") for c in racine.iter(f"{{{TEXTES_NS}}}clause"))
    return None
