"""The ERMS file of a SIP: each case as a CITS ERMS 2.1 (FGS Ärendehantering)
aggregation of type caseFile, with one record per document in the package.

Built with the standard library's ElementTree (writing XML needs nothing
more); the tests check every file against the CITS ERMS XSD kept in
`schemas/ERMS.xsd`. Element order follows that XSD's sequences."""

from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import translation

from etjanst.cases.models import Case, CaseEvent
from etjanst.diarium.models import SecrecyMarking
from etjanst.organisation.models import Clock

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
ERMS_VERSION = "2.1.2"
SYSTEM_NAME = "Etjänst"


@dataclass
class Document:
    """One file of a case in the package, as an ERMS record describes it."""

    key: str  # unique within the case: the record's systemIdentifier
    title: str
    path: str  # from the package root
    mimetype: str
    direction: str  # incoming, outgoing or internal_memo_without_follow-up
    at: datetime
    record_type: str
    question_id: str = ""
    signed: bool = False


@dataclass
class CaseDocuments:
    case: Case
    documents: list[Document] = field(default_factory=list)


def _e(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ERMS_NS}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _when(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def build_erms(*, package_id: str, created_at: datetime, cases: list[CaseDocuments]) -> bytes:
    ET.register_namespace("", ERMS_NS)
    root = ET.Element(f"{{{ERMS_NS}}}erms")
    _control(root, package_id=package_id, created_at=created_at, cases=cases)
    aggregations = _e(root, "aggregations")
    for entry in cases:
        _aggregation(aggregations, entry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _control(root, *, package_id, created_at, cases) -> None:
    municipality = settings.ETJANST_MUNICIPALITY["name"]
    control = _e(root, "control")
    _e(control, "identification", package_id, identificationType="packageId")
    _e(control, "identification", SYSTEM_NAME, identificationType="deliveringSystem")
    schema = _e(control, "classificationSchema")
    text = _e(schema, "textualDescriptionOfClassificationSchema")
    _e(
        text,
        "p",
        "Ärendena är klassificerade efter e-tjänst (classificationCode = e-tjänstens kod) "
        "inom den ansvariga nämnden.",
    )
    for committee in sorted({c.case.committee.name for c in cases}):
        _e(text, "p", committee)
    maintenance = _e(control, "maintenanceInformation")
    _e(maintenance, "maintenanceStatus", value="new")
    agency = _e(maintenance, "maintenanceAgency")
    _e(agency, "agencyName", municipality)
    history = _e(maintenance, "maintenanceHistory")
    event = _e(history, "maintenanceEvent")
    _e(event, "eventType", value="created")
    _e(event, "eventDateTime", _when(created_at))
    agent = _e(event, "agent", agentType="creator")
    _e(agent, "name", SYSTEM_NAME)


def _public_title(case: Case, whole_case_secret: bool) -> str:
    # The register hides the description of a case under secrecy; the public
    # title does the same (the e-service's name only).
    return case.eservice.name if whole_case_secret else (case.description or case.eservice.name)


def _closed_at(case: Case) -> datetime:
    return case.status_changed_at


def _aggregation(parent, entry: CaseDocuments) -> None:
    case = entry.case
    markings = list(SecrecyMarking.objects.filter(case=case).order_by("question_id"))
    whole = [m for m in markings if not m.question_id]
    by_question = {m.question_id: m for m in markings if m.question_id}
    aggregation = _e(
        parent, "aggregation", systemIdentifier=str(case.pk), aggregationType="caseFile"
    )
    _e(aggregation, "objectId", case.registration_number)
    _e(aggregation, "extraId", str(case.pk), extraIdType="deliveringSystemId")
    for delivery in case.deliveries.select_related("client"):
        _e(aggregation, "extraId", delivery.external_id, extraIdType=f"{delivery.client.name}")
    _e(
        aggregation,
        "classification",
        case.eservice.name,
        classificationCode=case.eservice.slug,
    )
    _e(aggregation, "title", case.description or case.eservice.name)
    _e(aggregation, "otherTitle", _public_title(case, bool(whole)), titleType="publicTitle")
    _e(aggregation, "status", value="closed")
    for marking in whole:
        _restriction(aggregation, marking, "Sekretessmarkering på hela ärendet.")
    _disposal(aggregation, case)
    agents = _e(aggregation, "agents")
    committee = _e(agents, "agent", agentType="creator")
    _e(committee, "name", case.committee.name)
    _e(committee, "organisation", settings.ETJANST_MUNICIPALITY["name"])
    _e(committee, "role", "Ansvarig nämnd")
    if case.assigned_to_id:
        officer = _e(agents, "agent", agentType="responsible_person")
        _e(officer, "name", case.assigned_to.get_full_name() or case.assigned_to.get_username())
        _e(officer, "role", "Handläggare")
    if not case.is_anonymous and (case.sender_name or case.sender_personnummer):
        counterpart = _e(agents, "agent", agentType="counterpart")
        _e(counterpart, "name", case.sender_name or "-")
        if case.sender_personnummer:
            _e(counterpart, "idNumber", case.sender_personnummer, idNumberType="personnummer")
        _e(counterpart, "role", "Sökande")
        if case.protected_identity:
            _e(counterpart, "protectedIdentity", "true")
    if case.is_anonymous:
        _e(aggregation, "description", "Ärendet skickades in anonymt: avsändaren är okänd.")
    dates = _e(aggregation, "dates")
    _e(dates, "date", _when(case.received_at), dateType="created")
    _e(dates, "date", _when(case.received_at), dateType="received")
    _e(dates, "date", _when(_closed_at(case)), dateType="closed")
    for event in case.events.filter(kind=CaseEvent.Kind.STATUS).select_related("status"):
        action = _e(aggregation, "action")
        _e(action, "actionText", f"Ny status: {event.status.name}")
        _e(action, "actionType", "status")
        action_dates = _e(action, "dates")
        _e(action_dates, "actionDate", _when(event.at), dateType="modified")
    for number, document in enumerate(entry.documents, start=1):
        _record(aggregation, case, number, document, by_question)


def _disposal(parent, case: Case) -> None:
    """The e-service's purge rule (the committee's gallringsbeslut), when it
    has one: the archive keeps what it needs to purge on time."""
    rule = case.eservice.retention_rule
    if rule is None:
        return
    disposal = _e(parent, "disposal", disposable="true")
    _e(disposal, "disposalScheduleId", rule.name)
    _e(disposal, "disposalAction", "gallras")
    _e(disposal, "disposalPeriod", f"P{rule.period_months}M")
    _e(disposal, "disposalMandate", rule.decision_reference)
    with translation.override("sv"):
        _e(disposal, "disposalDescription", str(rule.describe()))
    dates = _e(disposal, "dates")
    start = case.received_at if rule.clock == Clock.SUBMITTED else _closed_at(case)
    _e(dates, "disposalDate", _when(start), dateType="retention_period_start")


def _restriction(parent, marking: SecrecyMarking, text: str) -> None:
    restriction = _e(parent, "restriction", restrictionType="confidential")
    _e(restriction, "explanatoryText", text)
    _e(restriction, "regulation", marking.ground)
    dates = _e(restriction, "dates")
    _e(dates, "date", _when(marking.set_at), dateType="confidentiality_assessed")


def _record(parent, case: Case, number: int, document: Document, by_question: dict) -> None:
    record = _e(
        parent,
        "record",
        systemIdentifier=f"{case.pk}-{document.key}",
        recordType=document.record_type,
        recordPhysicalOrDigital="digitial",  # sic: the XSD's spelling
    )
    _e(record, "objectId", f"{case.registration_number}:{number}")
    _e(record, "title", document.title)
    _e(record, "runningNumber", str(number))
    if document.record_type == "answers":
        for question_id, marking in sorted(by_question.items()):
            _restriction(record, marking, f"Sekretessmarkering på svaret på frågan {question_id}.")
    elif document.question_id in by_question:
        _restriction(
            record,
            by_question[document.question_id],
            f"Sekretessmarkering på svaret på frågan {document.question_id}.",
        )
    _e(record, "direction", directionDefinition=document.direction)
    dates = _e(record, "dates")
    _e(dates, "date", _when(document.at), dateType="created")
    if document.signed and case.signed_at:
        signatures = _e(record, "eSignatures")
        _e(
            signatures,
            "eSignature",
            present="true",
            dateeSignatureIsVerified=_when(case.signed_at),
        )
    info = _e(record, "additionalInformation")
    _e(
        info,
        "appendix",
        name=document.path.rsplit("/", 1)[-1],
        path=document.path,
        fileFormat=document.mimetype,
    )
