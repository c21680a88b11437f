"""A local Navet simulator: Skatteverket's `personpostXML` (SOAP 1.1) over
HTTPS with mutual TLS. Standard library only, plus `cryptography` (certs).

    python -m etjanst.simulators.navet --folder var/navet --port 8445

Test persons are Skatteverket's test personnummer (testpersonnummer.json, a
copy of shared/data/testpersonnummer.json), with deterministic names (the
same as the BankID simulator gives), addresses, protected identities and
guardianships:

* SEKRETESSMARKERING and SKYDDAD_FOLKBOKFORING: adults with protected
  identity (their children are protected too); the answer holds no address.
* FAMILIES: guardians and the children in their custody (Relationstyp VF
  in a guardian's record until the child is 18, then B; V for each guardian
  in a minor's record), parents without custody (B), a kommunkod
  (`Folkbokforing/Kommunkod`). `today` moves the simulator's clock.

Behaviour: a connection without a client certificate from the simulator CA
fails the TLS handshake. Only POST to PATH with text/xml; a request whose
OrgNr/BestallningsId are not the agreement's, or an unknown person, gets a
SOAP fault (HTTP 500). `mode` lets the tests break it: "down" (503),
"slow" (answers after `delay` s), "garbage" (not XML), "fault".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import re
import ssl
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from etjanst.simulators.bankid.certs import CertPaths, ensure_certificates
from etjanst.simulators.bankid.server import person_for

PATH = "/na/na_epersondata/V2/personpostXML"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
NAVET_NS = "http://xmls.skatteverket.se/se/skatteverket/folkbokforing/na/epersondata/V1"
# Skatteverket's public test values for the agreement.
ORG_NR = "162021004748"
ORDER_ID = "00000079-FO01-0001"

DATA_FILE = Path(__file__).with_name("testpersonnummer.json")
# Among the first 20 test numbers, so they can be chosen in the BankID simulator's app.
SEKRETESSMARKERING = {"196611252666", "197601262384"}
SKYDDAD_FOLKBOKFORING = {"196711302635", "201012022396"}
# Kommunkod of the folkbokföring: everyone lives in Exempelby kommun except
# the people in ELSEWHERE (Grannby kommun). Both codes are made up.
MUNICIPALITY = "9999"
OTHER_MUNICIPALITY = "9998"
ELSEWHERE = {"194809132527", "201101132395"}


@dataclass(frozen=True)
class Family:
    """Guardians and the children in their custody. The children live with
    the first guardian; `together` says whether the guardians share the
    address. `parents` are parents without custody (Relationstyp B only)."""

    guardians: tuple[str, ...]
    children: tuple[str, ...]
    together: bool = True
    parents: tuple[str, ...] = ()


FAMILIES = (
    # Joint custody at the same address (the demo family: Skatteverket's
    # youngest test personnummer, six years old in 2026).
    Family(("197601212397", "197601272383"), ("202003302383", "202005242397")),
    # Joint custody at different addresses (the first child turns 18 on
    # 2028-08-20: the tests move the clock).
    Family(
        ("197602112398", "197601292381"),
        ("201008202382", "201009082395", "201009152388"),
        together=False,
    ),
    # Sole custody.
    Family(("197205169266",), ("201007172388",)),
    # A guardian with protected identity (the child lives with her, protected
    # too); the other guardian lives elsewhere.
    Family(("196611252666", "195811123073"), ("201007202383",), together=False),
    # A child with protected identity of its own (skyddad folkbokföring).
    Family(("195707102801", "195701292897"), ("201012022396",)),
    # A child not in the custody of one parent: 195606172798 is a parent
    # (Relationstyp B) without custody; 195109261494 has sole custody.
    Family(("195109261494",), ("201012142392",), parents=("195606172798",)),
    # A child registered in another municipality, with the guardian there.
    Family(("194809132527", "194907121794"), ("201101132395",), together=False),
)
# Who is guardian of whom (kept for the demo and the tests).
GUARDIANS = {g: f.children for f in FAMILIES for g in f.guardians}

_STREETS = [
    "Storgatan",
    "Kyrkvägen",
    "Skolgatan",
    "Björkvägen",
    "Ringvägen",
    "Åkervägen",
    "Sjögatan",
    "Granstigen",
    "Lärkvägen",
    "Östra Långgatan",
]
_CITIES = ["EXEMPELBY", "NORRBY", "SJÖVIK", "ÅSEN"]
_SECOND_NAMES = ["Maria", "Johan", "Linnea", "Erik", "Sofia", "Karl"]


@dataclass
class SimPerson:
    personnummer: str
    given_names: str
    calling_name_marker: str  # Tilltalsnamnsmarkering, "" when none
    surname: str
    street: str
    postal_code: str
    city: str
    care_of: str = ""
    sekretessmarkering: bool = False
    skyddad_folkbokforing: bool = False
    municipality: str = MUNICIPALITY
    children: list[str] = field(default_factory=list)  # in the person's custody
    other_children: list[str] = field(default_factory=list)  # a parent without custody
    guardians: list[str] = field(default_factory=list)  # of a child

    @property
    def protected(self) -> bool:
        return self.sekretessmarkering or self.skyddad_folkbokforing


def test_personnummer() -> list[str]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return list(data["personnummer"])


def _address(number: str) -> tuple[str, str, str]:
    value = int(number)
    street = f"{_STREETS[value % len(_STREETS)]} {value // 7 % 48 + 1}"
    postal = f"{123 + value // 11 % 700:03d}{value // 13 % 100:02d}"
    return street, postal, _CITIES[value // 17 % len(_CITIES)]


def build_people(numbers: list[str] | None = None) -> dict[str, SimPerson]:
    """Deterministic test persons for the numbers (all of testpersonnummer.json)."""
    people: dict[str, SimPerson] = {}
    for number in numbers or test_personnummer():
        name = person_for(number)
        given, marker = name["givenName"], ""
        if int(number[-3]) % 3 == 0:  # some have two given names and a calling name
            given, marker = f"{given} {_SECOND_NAMES[int(number) % len(_SECOND_NAMES)]}", "10"
        street, postal, city = _address(number)
        people[number] = SimPerson(
            personnummer=number,
            given_names=given,
            calling_name_marker=marker,
            surname=name["surname"],
            street=street,
            postal_code=postal,
            city=city,
            care_of=f"Familjen {name['surname']}" if number.endswith("7") else "",
            sekretessmarkering=number in SEKRETESSMARKERING,
            skyddad_folkbokforing=number in SKYDDAD_FOLKBOKFORING,
        )
    for family in FAMILIES:
        if any(n not in people for n in family.guardians + family.children + family.parents):
            continue
        home = people[family.guardians[0]]
        for number in family.guardians[1:]:
            if family.together:
                _move(people[number], home)
        for number in family.parents:
            people[number].other_children.extend(family.children)
        for number in family.children:
            child = people[number]
            # A child lives with the first guardian and shares their protection.
            child.surname = home.surname
            _move(child, home)
            child.sekretessmarkering |= home.sekretessmarkering
            child.skyddad_folkbokforing |= home.skyddad_folkbokforing
            child.guardians = list(family.guardians)
            for guardian in family.guardians:
                people[guardian].children.append(number)
    for number in ELSEWHERE:
        if number in people:
            people[number].municipality = OTHER_MUNICIPALITY
            people[number].city = "GRANNBY"
    return people


def _move(person: SimPerson, home: SimPerson) -> None:
    person.street, person.postal_code, person.city, person.care_of = (
        home.street,
        home.postal_code,
        home.city,
        home.care_of,
    )


def age(personnummer: str, today: datetime.date) -> int:
    born = datetime.date(int(personnummer[:4]), int(personnummer[4:6]), int(personnummer[6:8]))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _element(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>" if value else f"<{name}/>"


def _relation(other: SimPerson, kind: str) -> str:
    return (
        "<Relation>"
        f"<RelationId>{_element('PersonNr', other.personnummer)}</RelationId>"
        f"<Relationstyp>{kind}</Relationstyp>"
        f"{_element('Fornamn', other.given_names)}"
        f"{_element('Tilltalsnamnsmarkering', other.calling_name_marker)}"
        f"{_element('Efternamn', other.surname)}"
        "</Relation>"
    )


def personpost_xml(
    person: SimPerson, people: dict[str, SimPerson], today: datetime.date | None = None
) -> str:
    """Relations as (we believe) Navet gives them: VF for a child in the
    person's custody, B for a child not (or no longer, from 18) in it, V for
    a minor's guardians."""
    today = today or datetime.date.today()
    relations = "".join(
        _relation(people[child], "VF" if age(child, today) < 18 else "B")
        for child in person.children
    )
    relations += "".join(_relation(people[child], "B") for child in person.other_children)
    if age(person.personnummer, today) < 18:
        relations += "".join(_relation(people[g], "V") for g in person.guardians)
    address = ""
    if not person.protected:  # as Navet does: no address for protected persons
        address = (
            "<Adresser><Folkbokforingsadress>"
            f"{_element('CareOf', person.care_of)}"
            "<Utdelningsadress1/>"
            f"{_element('Utdelningsadress2', person.street)}"
            f"{_element('PostNr', person.postal_code)}"
            f"{_element('Postort', person.city)}"
            "</Folkbokforingsadress></Adresser>"
        )
    return (
        "<Personpost>"
        f"<PersonId>{_element('PersonNr', person.personnummer)}</PersonId>"
        f"<Sekretessmarkering>{'J' if person.sekretessmarkering else 'N'}</Sekretessmarkering>"
        f"<SkyddadFolkbokforing>{'J' if person.skyddad_folkbokforing else 'N'}"
        "</SkyddadFolkbokforing>"
        "<Namn>"
        f"{_element('Fornamn', person.given_names)}"
        f"{_element('Tilltalsnamnsmarkering', person.calling_name_marker)}"
        f"{_element('Efternamn', person.surname)}"
        "</Namn>"
        f"{address}"
        f"<Folkbokforing>{_element('Kommunkod', person.municipality)}</Folkbokforing>"
        f"<Relationer>{relations}</Relationer>"
        "</Personpost>"
    )


def _envelope(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>{body}</soap:Body></soap:Envelope>'
    ).encode()


def response_xml(post: str) -> bytes:
    return _envelope(
        f'<ns:PersonpostResponse xmlns:ns="{NAVET_NS}">'
        f'<Folkbokforingsposter xmlns=""><Folkbokforingspost>{post}</Folkbokforingspost>'
        "</Folkbokforingsposter></ns:PersonpostResponse>"
    )


def fault_xml(code: str, message: str) -> bytes:
    return _envelope(
        f"<soap:Fault><faultcode>soap:{code}</faultcode>"
        f"<faultstring>{escape(message)}</faultstring></soap:Fault>"
    )


class NavetSimulator:
    """The register and the rules. `mode` and `delay` are plain attributes
    the tests change."""

    def __init__(self, certs: CertPaths, people: dict[str, SimPerson] | None = None) -> None:
        self.certs = certs
        self.people = people if people is not None else build_people()
        self.mode = "normal"
        self.delay = 0.0
        self.requests = 0
        self.today: datetime.date | None = None  # None: the real date
        self.url = ""
        self.lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    def client_settings(self, *, timeout: float = 2.0) -> dict[str, Any]:
        """Etjänst's NAVET setting pointed at this simulator (demo, tests)."""
        return {
            "URL": self.url,
            "CLIENT_CERT": str(self.certs.client),
            "CLIENT_KEY": str(self.certs.client_key),
            "CA_CERT": str(self.certs.ca),
            "ORG_NR": ORG_NR,
            "ORDER_ID": ORDER_ID,
            "TIMEOUT": timeout,
        }

    def reset(self) -> None:
        self.mode, self.delay, self.today = "normal", 0.0, None

    # ---- finding people, for the tests and the demo ----------------------
    def protected_people(self) -> list[SimPerson]:
        return [p for p in self.people.values() if p.protected]

    def guardians(self) -> list[SimPerson]:
        return [p for p in self.people.values() if p.children and not p.protected]

    def answer(self, body: bytes) -> tuple[int, bytes]:
        with self.lock:
            self.requests += 1
        if self.mode == "down":
            return 503, b"<html><body>Service Unavailable</body></html>"
        if self.mode == "garbage":
            return 200, b"<soap:Envelope><Personpost><PersonId>"
        if self.mode == "fault":
            return 500, fault_xml("Server", "Tekniskt fel")
        if self.mode == "slow":
            time.sleep(self.delay)
        try:
            root = ET.fromstring(body)  # noqa: S314  (only the platform's own client calls it)
        except ET.ParseError:
            return 500, fault_xml("Client", "Felaktigt anrop")
        values = {el.tag.rsplit("}", 1)[-1]: (el.text or "").strip() for el in root.iter()}
        if values.get("OrgNr") != ORG_NR or values.get("BestallningsId") != ORDER_ID:
            return 500, fault_xml("Client", "Beställningen saknas eller är inte giltig")
        person = self.people.get(values.get("PersonId", ""))
        if person is None or not re.fullmatch(r"\d{12}", person.personnummer):
            return 500, fault_xml("Client", "Personen finns inte i folkbokföringen")
        return 200, response_xml(personpost_xml(person, self.people, self.today))

    # ---- lifecycle -------------------------------------------------------
    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, handler, context: ssl.SSLContext, simulator) -> None:
        super().__init__(address, handler)
        self.context = context
        self.simulator = simulator

    def finish_request(self, request, client_address) -> None:
        # The TLS handshake runs in the request's own thread.
        request.settimeout(10)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            request.close()
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request, client_address) -> None:  # quiet
        pass


class _Handler(BaseHTTPRequestHandler):
    server_version = "Navet-simulator"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args) -> None:  # no access log: it would hold personnummer
        pass

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def _drain(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1024 * 1024)) if length > 0 else b""

    def _not_post(self) -> None:
        self._drain()
        self._send(405, fault_xml("Client", "Endast POST"))

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_post

    def do_POST(self) -> None:
        simulator: NavetSimulator = self.server.simulator  # type: ignore[attr-defined]
        body = self._drain()
        if not self.connection.getpeercert():
            return self._send(401, fault_xml("Client", "Klientcertifikat saknas"))
        if self.path.split("?")[0] != PATH:
            return self._send(404, fault_xml("Client", "Tjänsten finns inte"))
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "text/xml":
            return self._send(415, fault_xml("Client", "Content-Type ska vara text/xml"))
        status, answer = simulator.answer(body)
        self._send(status, answer)


def server_context(certs: CertPaths) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certs.server, certs.server_key)
    context.load_verify_locations(cafile=certs.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def ensure_navet_certificates(folder: Path) -> CertPaths:
    return ensure_certificates(
        Path(folder), ca_name="Etjänst Navet-simulator CA", client_name="Exempelby kommun (Navet)"
    )


def start(cert_folder: Path, host: str = "127.0.0.1", port: int = 0) -> NavetSimulator:
    """Generate missing certificates in `cert_folder`, start the listener in a
    daemon thread and return the simulator."""
    certs = ensure_navet_certificates(Path(cert_folder))
    simulator = NavetSimulator(certs)
    server = _TLSServer((host, port), _Handler, server_context(certs), simulator)
    simulator.url = f"https://{host}:{server.server_address[1]}{PATH}"
    thread = threading.Thread(target=server.serve_forever, name="navet-sim", daemon=True)
    thread.start()
    simulator._servers.append(server)
    simulator._threads.append(thread)
    return simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local Navet personpostXML simulator")
    parser.add_argument("--folder", type=Path, default=Path("var/navet"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8445)
    args = parser.parse_args(argv)
    simulator = start(args.folder, host=args.host, port=args.port)
    print(f"Navet personpostXML (mTLS): {simulator.url}", flush=True)
    print(f"Certifikat: {simulator.certs.folder}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
