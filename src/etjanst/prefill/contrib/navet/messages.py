"""The SOAP messages of Navet's `personpostXML` service: the request we send
(getData with Bestallning{OrgNr, BestallningsId} and PersonId) and reading
its answer (Folkbokforingspost/Personpost). Standard library XML only; a
document type declaration is refused, so no entity can be expanded."""

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from etjanst.prefill.base import Address, Guardian, PersonRecord, PrefillUnavailable, Relative

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
NAVET_NS = "http://xmls.skatteverket.se/se/skatteverket/folkbokforing/na/epersondata/V1"
MAX_ANSWER_BYTES = 1024 * 1024
# Relationstyp of a child in the custody of the person asked about.
CHILD_IN_CUSTODY = "VF"
# Relationstyp of a guardian (vårdnadshavare) of the person asked about.
GUARDIAN = "V"


def request_xml(*, org_nr: str, order_id: str, personnummer: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" xmlns:v1="{NAVET_NS}">'
        "<soapenv:Header/><soapenv:Body><v1:PersonpostRequest>"
        f"<v1:Bestallning><v1:OrgNr>{escape(org_nr)}</v1:OrgNr>"
        f"<v1:BestallningsId>{escape(order_id)}</v1:BestallningsId></v1:Bestallning>"
        f"<v1:PersonId>{escape(personnummer)}</v1:PersonId>"
        "</v1:PersonpostRequest></soapenv:Body></soapenv:Envelope>"
    ).encode()


def parse_xml(body: bytes) -> ET.Element:
    if len(body) > MAX_ANSWER_BYTES or b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body:
        raise PrefillUnavailable("refused XML")
    try:
        return ET.fromstring(body)  # noqa: S314  (no DOCTYPE: no entities)
    except ET.ParseError:
        raise PrefillUnavailable("malformed XML") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name] if element is not None else []


def _text(element: ET.Element | None, *path: str) -> str:
    for name in path:
        element = _child(element, name)
    return (element.text or "").strip() if element is not None else ""


def _find(element: ET.Element, name: str) -> ET.Element | None:
    for found in element.iter():
        if _local(found.tag) == name:
            return found
    return None


def _flag(personpost: ET.Element, name: str, *, required: bool) -> bool:
    value = _text(personpost, name)
    if value not in {"J", "N"} and (required or value):
        raise PrefillUnavailable(f"no {name}")
    return value == "J"


def _calling_name(given_names: str, marker: str) -> str:
    """Tilltalsnamnsmarkering "20" means the second given name is the one
    the person goes by."""
    names = given_names.replace("-", " - ").split()
    if re.fullmatch(r"\d{2}", marker) and 0 < int(marker[0]) <= len(names):
        return names[int(marker[0]) - 1]
    return given_names


def parse_person(body: bytes, *, personnummer: str) -> PersonRecord:
    """The record for `personnummer`, or PrefillUnavailable for a SOAP fault,
    an unknown person or an answer that is not what Navet sends. A person
    with protected identity gets no address: it is not even read."""
    root = parse_xml(body)
    if _find(root, "Fault") is not None:
        raise PrefillUnavailable("SOAP fault")
    personpost = _find(root, "Personpost")
    if personpost is None:
        raise PrefillUnavailable("no Personpost")
    if _text(personpost, "PersonId", "PersonNr") != personnummer:
        raise PrefillUnavailable("another person")
    protected = _flag(personpost, "Sekretessmarkering", required=True) | _flag(
        personpost, "SkyddadFolkbokforing", required=False
    )
    namn = _child(personpost, "Namn")
    given, surname = _text(namn, "Fornamn"), _text(namn, "Efternamn")
    if not given or not surname:
        raise PrefillUnavailable("no name")
    address = None
    if not protected:
        address = _address(_child(_child(personpost, "Adresser"), "Folkbokforingsadress"))
    children, guardians = [], []
    for relation in _children(_child(personpost, "Relationer"), "Relation"):
        number = _text(relation, "RelationId", "PersonNr")
        kind = _text(relation, "Relationstyp")
        if kind not in {CHILD_IN_CUSTODY, GUARDIAN} or not re.fullmatch(r"\d{12}", number):
            continue  # other relations (B barn, M make...) are not read
        names = {
            "personnummer": number,
            "given_name": _calling_name(
                _text(relation, "Fornamn"), _text(relation, "Tilltalsnamnsmarkering")
            ),
            "surname": _text(relation, "Efternamn"),
        }
        (children if kind == CHILD_IN_CUSTODY else guardians).append(names)
    municipality = _text(personpost, "Folkbokforing", "Kommunkod")
    return PersonRecord(
        personnummer=personnummer,
        given_name=_calling_name(given, _text(namn, "Tilltalsnamnsmarkering")),
        surname=surname,
        address=address,
        protected=protected,
        children=tuple(Relative(**names) for names in children),
        municipality=municipality if re.fullmatch(r"\d{4}", municipality) else "",
        guardians=tuple(Guardian(**names) for names in guardians),
    )


def _address(element: ET.Element | None) -> Address | None:
    if element is None:
        return None
    street = _text(element, "Utdelningsadress2") or _text(element, "Utdelningsadress1")
    postal = _text(element, "PostNr").replace(" ", "")
    city = _text(element, "Postort")
    if not street or not re.fullmatch(r"\d{5}", postal) or not city:
        return None
    return Address(
        street=street,
        postal_code=f"{postal[:3]} {postal[3:]}",
        city=city.title(),
        care_of=_text(element, "CareOf"),
    )
