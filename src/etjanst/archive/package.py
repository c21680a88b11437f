"""A SIP for the e-archive: Riksarkivet's FGS Paketstruktur 2.0, i.e. an
E-ARK CSIP/SIP 2.1 package, with the cases described in CITS ERMS (FGS
Ärendehantering) in `metadata/descriptive/ERMS.xml`. Written as one ZIP with
a single root folder named after the package id (CSIP's OBJID).

    <id>/METS.xml                              files, sizes and SHA-256 sums
    <id>/metadata/descriptive/ERMS.xml         the cases (aggregations) and documents
    <id>/representations/rep1/METS.xml         the case files, sizes and SHA-256 sums
    <id>/representations/rep1/data/<diarienummer>/…   the case's files
    <id>/documentation/…                       the form versions, a README
    <id>/schemas/…                             ERMS, METS, xlink and the DILCIS extensions

Each file is hashed while it is written into the ZIP, so a file is read once
and nothing but the XML is held in memory. The METS is written last, with the
sums of what was written. Hand-written with the standard library because no
maintained Python library writes E-ARK 2.1 packages; the tests check the result
with the E-ARK project's own validator (eark-validator)."""

import hashlib
import json
import mimetypes
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from etjanst.cases.models import Case, CaseEvent
from etjanst.cases.receipts import receipt_html
from etjanst.eservices.presentation import summarise
from etjanst.operations.pdf import html_to_pdf

from .erms import ERMS_VERSION, SYSTEM_NAME, CaseDocuments, Document, build_erms

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_FILES = [
    "ERMS.xsd",
    "mets.xsd",
    "xlink.xsd",
    "DILCISExtensionMETS.xsd",
    "DILCISExtensionSIPMETS.xsd",
]
METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "citserms_v2_1"
CHUNK = 1024 * 1024
REP = "representations/rep1/"
REP_DATA = f"{REP}data/"


@dataclass
class PackedFile:
    path: str  # from the package root
    size: int
    sha256: str
    mimetype: str
    created: datetime


@dataclass
class Package:
    package_id: str
    size: int
    sha256: str
    case_ids: list[int]


def _safe(name: str) -> str:
    """A file or folder name that every unpacker accepts: no path, no control
    characters, nothing the archive's file system might refuse."""
    name = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "_", name).strip(" .")
    return name[:120] or "fil"


def case_folder(case: Case) -> str:
    return _safe(case.registration_number.replace(" ", "-").replace("/", "-"))


class _Writer:
    """Writes files into the ZIP under the root folder, hashing as it goes."""

    def __init__(self, out: IO[bytes], root: str) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.root = root
        self.files: list[PackedFile] = []
        self.now = timezone.now()

    def add_bytes(self, path: str, data: bytes, mimetype: str) -> PackedFile:
        with self.zip.open(f"{self.root}/{path}", "w") as target:
            target.write(data)
        packed = PackedFile(path, len(data), hashlib.sha256(data).hexdigest(), mimetype, self.now)
        self.files.append(packed)
        return packed

    def add_stream(self, path: str, source: IO[bytes], mimetype: str) -> PackedFile:
        digest, size = hashlib.sha256(), 0
        with self.zip.open(f"{self.root}/{path}", "w", force_zip64=True) as target:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        packed = PackedFile(path, size, digest.hexdigest(), mimetype, self.now)
        self.files.append(packed)
        return packed

    def close(self) -> None:
        self.zip.close()


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()


def _answers(case: Case) -> dict:
    rows = []
    for section in summarise(case.version.definition, case.answers):
        for row in section.rows:
            rows.append(
                {
                    "question_id": row.question.id,
                    "label": row.question.label,
                    "type": row.question.type,
                    "step": section.step.title,
                    "value": row.value,
                    "text": str(row.text),
                }
            )
    history = [
        {"status": e.status.name, "code": e.status.code, "at": e.at}
        for e in case.events.filter(
            kind__in=[CaseEvent.Kind.RECEIVED, CaseEvent.Kind.STATUS], status__isnull=False
        ).select_related("status")
    ]
    return {
        "registration_number": case.registration_number,
        "eservice": {"slug": case.eservice.slug, "name": case.eservice.name},
        "form_version": case.version.number,
        "committee": case.committee.name,
        "received_at": case.received_at,
        "status": case.status.name,
        "status_history": history,
        "anonymous": case.is_anonymous,
        "protected_identity": case.protected_identity,
        "applicant": None
        if case.is_anonymous
        else {"name": case.sender_name, "personnummer": case.sender_personnummer or None},
        "answers": rows,
        "signature": case.signature,
    }


def _archival_receipt(case: Case) -> bytes:
    """The receipt drawn again as PDF/A-2b, the format the e-archive keeps
    (the resident's receipt is an ordinary PDF)."""
    return html_to_pdf(receipt_html(case), pdf_variant="pdf/a-2b")


def _mimetype(attachment) -> str:
    return (
        attachment.content_type
        or mimetypes.guess_type(attachment.original_name)[0]
        or ("application/octet-stream")
    )


def _pack_case(writer: _Writer, case: Case) -> CaseDocuments:
    base = f"{REP_DATA}{case_folder(case)}"
    entry = CaseDocuments(case=case)
    writer.add_bytes(f"{base}/kvitto.pdf", _archival_receipt(case), "application/pdf")
    entry.documents.append(
        Document(
            "receipt",
            "Kvitto",
            f"{base}/kvitto.pdf",
            "application/pdf",
            "incoming",
            case.received_at,
            "receipt",
            signed=bool(case.signature),
        )
    )
    writer.add_bytes(f"{base}/svar.json", _json(_answers(case)), "application/json")
    entry.documents.append(
        Document(
            "answers",
            "Svar i e-tjänsten",
            f"{base}/svar.json",
            "application/json",
            "incoming",
            case.received_at,
            "answers",
            signed=bool(case.signature),
        )
    )
    form_attachments = case.attachments.filter(message__isnull=True).order_by("created_at", "pk")
    for number, attachment in enumerate(form_attachments, start=1):
        path = f"{base}/bilagor/{number:03d}-{_safe(attachment.original_name)}"
        with attachment.file.open("rb") as source:
            writer.add_stream(path, source, _mimetype(attachment))
        entry.documents.append(
            Document(
                f"attachment-{attachment.pk}",
                f"Bilaga: {attachment.original_name}",
                path,
                _mimetype(attachment),
                "incoming",
                case.received_at,
                "attachment",
                question_id=attachment.question_id,
            )
        )
    messages = case.messages.prefetch_related("attachments").order_by("created_at", "pk")
    for number, message in enumerate(messages, start=1):
        direction = "outgoing" if message.from_staff else "incoming"
        path = f"{base}/meddelanden/{number:03d}.txt"
        writer.add_bytes(path, message.body.encode(), "text/plain")
        sender = "till invånaren" if message.from_staff else "från invånaren"
        entry.documents.append(
            Document(
                f"message-{message.pk}",
                f"Meddelande {sender}",
                path,
                "text/plain",
                direction,
                message.created_at,
                "message",
            )
        )
        for index, attachment in enumerate(message.attachments.all(), start=1):
            file_path = (
                f"{base}/meddelanden/{number:03d}-{index:02d}-{_safe(attachment.original_name)}"
            )
            with attachment.file.open("rb") as source:
                writer.add_stream(file_path, source, _mimetype(attachment))
            entry.documents.append(
                Document(
                    f"attachment-{attachment.pk}",
                    f"Bilaga till meddelande: {attachment.original_name}",
                    file_path,
                    _mimetype(attachment),
                    direction,
                    message.created_at,
                    "attachment",
                )
            )
    return entry


README = """Arkivpaket (SIP) från {system} {version}

Paketet följer Riksarkivets FGS Paketstruktur 2.0 (E-ARK CSIP 2.1 och
E-ARK SIP 2.1). Ärendena beskrivs i metadata/descriptive/ERMS.xml enligt FGS
Ärendehantering (CITS ERMS {erms}), ett aggregation av typen caseFile per
ärende med diarienumret som objectId och en record per handling.

Varje ärende ligger i representations/rep1/data/<diarienummer>/:
  kvitto.pdf         kvittot (PDF/A-2b) med alla svar
  svar.json          svaren med frågornas text, statushistorik, sökande
  bilagor/           filer som skickades med e-tjänsten
  meddelanden/       meddelanden (text) och deras filer

documentation/ har e-tjänsternas formulär (JSON) i de versioner ärendena
skickades in med. Storlek och SHA-256 för varje fil står i METS.xml.
Skapat {created} av {municipality}.
"""


def _documentation(writer: _Writer, cases: list[Case], created_at: datetime) -> None:
    readme = README.format(
        system=SYSTEM_NAME,
        version=_software_version(),
        erms=ERMS_VERSION,
        created=created_at.isoformat(timespec="seconds"),
        municipality=settings.ETJANST_MUNICIPALITY["name"],
    )
    writer.add_bytes("documentation/LASMIG.txt", readme.encode(), "text/plain")
    versions = {(c.eservice.slug, c.version.number): c.version for c in cases}
    for (slug, number), form_version in sorted(versions.items(), key=lambda item: item[0]):
        writer.add_bytes(
            f"documentation/formular-{_safe(slug)}-v{number}.json",
            _json(form_version.form),
            "application/json",
        )


def _software_version() -> str:
    try:
        return metadata.version("etjanst")
    except metadata.PackageNotFoundError:  # a source checkout without an install
        return "0"


def build_package(*, cases: list[Case], out: IO[bytes]) -> Package:
    """Write one SIP with these cases into `out` (a binary file opened for
    writing); return its id, size and SHA-256. The caller checks that the
    cases may be exported (actions.export_cases)."""
    package_id = str(uuid.uuid4())
    created_at = timezone.now()
    hashing = _HashingFile(out)
    writer = _Writer(hashing, package_id)
    documents = [_pack_case(writer, case) for case in cases]
    _documentation(writer, cases, created_at)
    for name in SCHEMA_FILES:
        writer.add_bytes(f"schemas/{name}", (SCHEMAS / name).read_bytes(), "text/xml")
    erms = writer.add_bytes(
        "metadata/descriptive/ERMS.xml",
        build_erms(package_id=package_id, created_at=created_at, cases=documents),
        "text/xml",
    )
    writer.add_bytes(
        f"{REP}METS.xml",
        _representation_mets(package_id=package_id, created_at=created_at, files=writer.files),
        "text/xml",
    )
    mets = _mets(
        package_id=package_id,
        created_at=created_at,
        files=writer.files,
        erms=erms,
        label=_label(cases),
    )
    with writer.zip.open(f"{package_id}/METS.xml", "w") as target:
        target.write(mets)
    writer.close()
    return Package(package_id, hashing.size, hashing.digest.hexdigest(), [c.pk for c in cases])


def _label(cases: list[Case]) -> str:
    if len(cases) == 1:
        return f"Ärende {cases[0].registration_number}"
    return f"{len(cases)} ärenden"


class _HashingFile:
    """A write-only file that hashes what passes through it, so the package's
    own SHA-256 is known when the ZIP is closed without reading it again."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()

    # zipfile asks whether it may seek: a stream that only goes forward
    # makes it write data descriptors instead of going back to patch headers.
    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self.size


def _m(parent: ET.Element, tag: str, **attrs) -> ET.Element:
    return ET.SubElement(parent, f"{{{METS_NS}}}{tag}", attrs)


def _when(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _file(group: ET.Element, packed: PackedFile, file_id: str, href: str = "") -> None:
    element = _m(
        group,
        "file",
        ID=file_id,
        MIMETYPE=packed.mimetype,
        SIZE=str(packed.size),
        CREATED=_when(packed.created),
        CHECKSUM=packed.sha256,
        CHECKSUMTYPE="SHA-256",
    )
    _m(
        element,
        "FLocat",
        LOCTYPE="URL",
        **{f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": href or packed.path},
    )


def _mets_document(*, objid: str, label: str, created_at: datetime, schemas: str) -> ET.Element:
    """A METS root with the CSIP/SIP attributes and header, for the package
    and for the representation (`schemas`: the path to schemas/ from it)."""
    for prefix, uri in (
        ("mets", METS_NS),
        ("xlink", XLINK_NS),
        ("csip", CSIP_NS),
        ("sip", SIP_NS),
        ("xsi", XSI_NS),
    ):
        ET.register_namespace(prefix, uri)
    root = ET.Element(
        f"{{{METS_NS}}}mets",
        {
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Mixed",
            f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": CONTENT_TYPE,
            "PROFILE": SIP_PROFILE,
            f"{{{XSI_NS}}}schemaLocation": (
                f"{METS_NS} {schemas}mets.xsd {XLINK_NS} {schemas}xlink.xsd "
                f"{CSIP_NS} {schemas}DILCISExtensionMETS.xsd "
                f"{SIP_NS} {schemas}DILCISExtensionSIPMETS.xsd"
            ),
        },
    )
    header = _m(
        root,
        "metsHdr",
        CREATEDATE=_when(created_at),
        LASTMODDATE=_when(created_at),
        RECORDSTATUS="NEW",
        **{f"{{{CSIP_NS}}}OAISPACKAGETYPE": "SIP"},
    )
    software = _m(header, "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    ET.SubElement(software, f"{{{METS_NS}}}name").text = SYSTEM_NAME
    note = ET.SubElement(
        software, f"{{{METS_NS}}}note", {f"{{{CSIP_NS}}}NOTETYPE": "SOFTWARE VERSION"}
    )
    note.text = _software_version()
    archivist = _m(header, "agent", ROLE="ARCHIVIST", TYPE="ORGANIZATION")
    ET.SubElement(archivist, f"{{{METS_NS}}}name").text = settings.ETJANST_MUNICIPALITY["name"]
    if settings.ETJANST_ARCHIVE_CREATOR_ID:
        code = ET.SubElement(
            archivist, f"{{{METS_NS}}}note", {f"{{{CSIP_NS}}}NOTETYPE": "IDENTIFICATIONCODE"}
        )
        code.text = settings.ETJANST_ARCHIVE_CREATOR_ID
    if settings.ETJANST_ARCHIVE_SUBMISSION_AGREEMENT:
        agreement = _m(header, "altRecordID", TYPE="SUBMISSIONAGREEMENT")
        agreement.text = settings.ETJANST_ARCHIVE_SUBMISSION_AGREEMENT
    return root


def _representation_mets(*, package_id: str, created_at: datetime, files) -> bytes:
    """representations/rep1/METS.xml: the case files, with paths from the
    representation's folder (CSIP's representation-level METS)."""
    root = _mets_document(
        objid=f"{package_id}/rep1", label="rep1", created_at=created_at, schemas="../../schemas/"
    )
    file_sec = _m(root, "fileSec", ID="filesec-rep1")
    group = _m(
        file_sec,
        "fileGrp",
        ID="grp-rep1-data",
        USE="Representations/rep1/data",
        **{f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": CONTENT_TYPE},
    )
    data = [packed for packed in files if packed.path.startswith(REP_DATA)]
    for number, packed in enumerate(data, start=1):
        _file(group, packed, f"rep1-file-{number:05d}", href=packed.path.removeprefix(REP))
    struct = _m(root, "structMap", ID="structmap-rep1", TYPE="PHYSICAL", LABEL="CSIP")
    top = _m(struct, "div", ID="div-rep1", LABEL="rep1")
    _m(top, "div", ID="div-rep1-metadata", LABEL="Metadata")
    content = _m(top, "div", ID="div-rep1-data", LABEL="Data")
    _m(content, "fptr", FILEID="grp-rep1-data")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _mets(*, package_id, created_at, files, erms: PackedFile, label: str) -> bytes:
    root = _mets_document(objid=package_id, label=label, created_at=created_at, schemas="schemas/")

    dmd = _m(root, "dmdSec", ID="dmd-erms", CREATED=_when(created_at), STATUS="CURRENT")
    _m(
        dmd,
        "mdRef",
        LOCTYPE="URL",
        MDTYPE="OTHER",
        OTHERMDTYPE="ERMS",
        MDTYPEVERSION=ERMS_VERSION,
        MIMETYPE="text/xml",
        SIZE=str(erms.size),
        CREATED=_when(erms.created),
        CHECKSUM=erms.sha256,
        CHECKSUMTYPE="SHA-256",
        **{f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": erms.path},
    )

    file_sec = _m(root, "fileSec", ID="filesec")
    groups = {
        "documentation/": _m(file_sec, "fileGrp", ID="grp-documentation", USE="Documentation"),
        "schemas/": _m(file_sec, "fileGrp", ID="grp-schemas", USE="Schemas"),
        "representations/rep1/": _m(
            file_sec,
            "fileGrp",
            ID="grp-rep1",
            USE="Representations/rep1",
            **{f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": CONTENT_TYPE},
        ),
    }
    number = 0
    for packed in files:
        if packed.path.startswith(REP_DATA):
            continue  # in the representation's own METS
        for prefix, group in groups.items():
            if packed.path.startswith(prefix):
                number += 1
                _file(group, packed, f"file-{number:05d}")

    struct = _m(root, "structMap", ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    top = _m(struct, "div", ID="div-package", LABEL=package_id)
    _m(top, "div", ID="div-metadata", LABEL="Metadata", DMDID="dmd-erms")
    documentation = _m(top, "div", ID="div-documentation", LABEL="Documentation")
    _m(documentation, "fptr", FILEID="grp-documentation")
    schemas = _m(top, "div", ID="div-schemas", LABEL="Schemas")
    _m(schemas, "fptr", FILEID="grp-schemas")
    representations = _m(top, "div", ID="div-representations", LABEL="Representations")
    _m(representations, "fptr", FILEID="grp-rep1")
    rep1 = _m(representations, "div", ID="div-rep1", LABEL="Representations/rep1")
    _m(
        rep1,
        "mptr",
        LOCTYPE="URL",
        **{
            f"{{{XLINK_NS}}}type": "simple",
            f"{{{XLINK_NS}}}href": f"{REP}METS.xml",
            f"{{{XLINK_NS}}}title": "grp-rep1",
        },
    )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
