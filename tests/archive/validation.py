"""Checking packages with the E-ARK project's own validator (eark-validator)
and the ERMS file with the CITS ERMS XSD: none of our code decides.

eark-validator 1.1.3 downloads the four CSIP vocabularies from
earkcsip.dilcis.eu when it is imported. Nothing may be fetched here, so the
downloads are answered with the copies of the same vocabularies that ship
inside the eark-validator package; any other address is refused."""

import io
import os
import shutil
import tempfile
import urllib.request
import zipfile
from email.message import Message
from pathlib import Path
from urllib.error import URLError
from urllib.response import addinfourl

from importlib_resources import files
from lxml import etree
from lxml.isoschematron import Schematron

VOCABULARY_HOST = "https://earkcsip.dilcis.eu/schema/"
SCHEMAS = Path(__file__).parents[2] / "src/etjanst/archive/schemas"
ERMS_XSD = SCHEMAS / "ERMS.xsd"
ERMS_SCH = SCHEMAS / "erms.sch"


class _PackagedVocabularies(urllib.request.BaseHandler):
    handler_order = 100  # before the ordinary https handler

    def https_open(self, request):
        url = request.full_url
        if not url.startswith(VOCABULARY_HOST):
            raise URLError(f"no network in tests: {url}")
        from eark_validator.ipxml.resources import vocabs

        data = files(vocabs).joinpath(url.removeprefix(VOCABULARY_HOST)).read_bytes()
        response = addinfourl(io.BytesIO(data), Message(), url, 200)
        response.msg = "OK"
        return response

    http_open = https_open


# Only while eark-validator is imported (it reads the vocabularies then):
# every other test keeps urllib as it was.
_previous_opener = urllib.request._opener
urllib.request.install_opener(urllib.request.build_opener(_PackagedVocabularies()))
try:
    from eark_validator.infopacks.manifest import Checksummer, Manifests
    from eark_validator.infopacks.package_handler import PackageHandler
    from eark_validator.ipxml.schema import IP_SCHEMA
    from eark_validator.model.validation_report import Severity
    from eark_validator.packages import PackageValidator
finally:
    urllib.request.install_opener(_previous_opener)

# Two rules of eark-validator 1.1.3's Schematron that no package valid by the
# specifications can pass (see docs/archive.md, "Avvikelser"):
# - SIP14 asks every note of an agent with ROLE="CREATOR" for an unqualified
#   NOTETYPE="IDENTIFICATIONCODE", but CSIP12-16 require such an agent (the
#   software) whose one note has csip:NOTETYPE="SOFTWARE VERSION", and the
#   METS schema allows no unqualified attribute on a note;
# - CSIP63's test is false for every fileGrp that does not say "OTHER"
#   (`@X != 'OTHER' and not(@X)` can never hold), although CSIP63 is a MAY
#   for fileGrps of type OTHER only.
# The package is accepted when these are the only errors, and at most once
# for SIP14 (one software agent) and once per file group for CSIP63.
VALIDATOR_DEFECTS = {"SIP14": 1, "CSIP63": 3}


def accepted(errors: list[str]) -> bool:
    counts: dict[str, int] = {}
    for error in errors:
        rule = error.split(":", 1)[0]
        if rule not in VALIDATOR_DEFECTS:
            return False
        counts[rule] = counts.get(rule, 0) + 1
    return all(counts[rule] <= VALIDATOR_DEFECTS[rule] for rule in counts)


def validate_package(path: Path) -> list[str]:
    """Every error eark-validator finds in the package (structure, METS
    schema, CSIP and SIP Schematron), and every file whose size or SHA-256
    differs from METS.xml. Empty: the package is accepted."""
    unpack_root = Path(tempfile.mkdtemp(prefix="eark-"))
    try:
        report = PackageValidator(path).validation_report
        errors = [
            f"{m.rule_id}: {m.message}"
            for m in report.structure.messages
            if m.severity == Severity.ERROR
        ]
        if report.metadata is not None:
            for results in (report.metadata.schema_results, report.metadata.schematron_results):
                errors += [
                    f"{m.rule_id}: {m.message}"
                    for m in results.messages
                    if m.severity == Severity.ERROR
                ]
        root = PackageHandler(unpack_root).prepare_package(path)
        errors += _manifest_errors(root / "METS.xml")
        # eark-validator 1.1.3 reads the representations' METS files but
        # checks neither their schema nor their files: done here with its
        # own schema set and manifest code.
        for mets in sorted(root.glob("representations/*/METS.xml")):
            errors += [f"XML-1: {mets}: {e}" for e in mets_schema_errors(mets.read_bytes())]
            errors += _manifest_errors(mets)
        return errors
    finally:
        shutil.rmtree(unpack_root, ignore_errors=True)
        _remove_validator_copy(path)


def _manifest_errors(mets: Path) -> list[str]:
    manifest = Manifests.from_mets_file(mets)
    _valid, issues = Manifests.validate_manifest(manifest, alt_root=mets.parent)
    # validate_manifest in 1.1.3 drops checksum mismatches (it extends the
    # list only when there are none), so the sums are compared here too,
    # with the validator's own Checksummer.
    for entry in manifest.entries:
        target = mets.parent / entry.path
        for checksum in entry.checksums:
            if target.is_file() and Checksummer(checksum.algorithm).hash_file(target) != checksum:
                issues.append(f"{entry.path}: SHA-256 stämmer inte med METS.xml")
    return issues


def _remove_validator_copy(path: Path) -> None:
    """PackageValidator unpacks archives into the temp folder, named by the
    archive's SHA-1; leave nothing behind."""
    if path.is_file():
        sha1 = Checksummer("SHA-1").hash_file(path).value
        shutil.rmtree(os.path.join(tempfile.gettempdir(), sha1), ignore_errors=True)


def erms_errors(erms: bytes) -> list[str]:
    """The CITS ERMS XSD, then the CITS ERMS Schematron rules (co-occurrence
    of the "other" attributes). The rules are declared for XSLT 2 but use only
    XPath 1.0, which lxml runs; they are read with queryBinding xslt1."""
    schema = etree.XMLSchema(etree.parse(str(ERMS_XSD)))
    document = etree.fromstring(erms)
    if not schema.validate(document):
        return [f"{e.line}: {e.message}" for e in schema.error_log]
    rules = ERMS_SCH.read_bytes().replace(b'queryBinding="xslt2"', b'queryBinding="xslt"')
    schematron = Schematron(etree.fromstring(rules), store_report=True)
    if schematron.validate(document):
        return []
    svrl = "{http://purl.oclc.org/dsdl/svrl}"
    return [
        "".join(failed.itertext()).strip()
        for failed in schematron.validation_report.iter(f"{svrl}failed-assert")
    ]


def mets_schema_errors(mets: bytes) -> list[str]:
    schema = IP_SCHEMA["csip"]
    if schema.validate(etree.fromstring(mets)):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def read_member(package: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(package) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(suffix)]
        return archive.read(name)


def root_mets(package: Path) -> bytes:
    with zipfile.ZipFile(package) as archive:
        [name] = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith("/METS.xml")]
        return archive.read(name)
