"""Local SAML 2.0 identity providers that stand in for the Swedish eID
Framework federation in the demo and the tests: "Freja eID+", "Telia"
(encrypts its assertions) and a foreign eID through "eIDAS". Each is a real
pysaml2 IdP with its own key, its own metadata and a plain, accessible HTML
page where a test person is picked and logs in.

    python -m etjanst.simulators.saml --folder var/saml --port 8445 \\
        --sp-metadata http://127.0.0.1:8000/logga-in/saml/metadata/

Per identity provider `<id>` (freja, telia, eidas), on http://127.0.0.1:<port>:

* `GET /<id>/metadata` – the IdP's metadata (entityID `http://…/<id>`).
* `GET /<id>/sso?SAMLRequest=…` – HTTP-Redirect binding; the AuthnRequest's
  signature is checked against the SP's metadata. Shows the person picker.
* `POST /<id>/login`, `POST /<id>/cancel` – the resident's choice. Answers
  a page with a form that posts the signed Response to the SP's ACS.
* `GET /<id>/slo?SAMLRequest=…` – Single Logout: answers a signed
  LogoutResponse to the SP over HTTP-Redirect.

Tests build responses with deliberate defects through `respond()` (see
DEFECTS): the same pysaml2 IdP signs them, so the service provider must find
the defect by its own checks.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import html
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml, samlp
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary, security_context
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

from etjanst.simulators.bankid.server import TEST_PERSONNUMMER, person_for
from etjanst.simulators.saml.certs import ensure_certificates
from etjanst.simulators.saml.framework import (
    EIDAS_HIGH,
    EIDAS_LOW,
    EIDAS_SUBSTANTIAL,
    LOA2,
    LOA3,
    LOA4,
    attribute_converters,
)

CANCEL_STATUS = "http://id.elegnamnden.se/status/1.0/cancel"
WEAK_DIGESTS = {"sha1_signature", "sha1_digest"}

#: What respond() can break on purpose (the tests of the service provider).
DEFECTS = {
    "bad_signature",  # the signed assertion is changed after signing
    "other_idp",  # signed (validly) by another of the simulator's IdPs
    "wrong_audience",  # AudienceRestriction names another service provider
    "wrong_recipient",  # SubjectConfirmationData Recipient is another address
    "expired",  # NotOnOrAfter in the past (beyond any clock skew)
    "not_yet_valid",  # NotBefore in the future
    "wrong_in_response_to",  # InResponseTo names a request the SP never sent
    "unsolicited",  # no InResponseTo at all
    "no_personnummer",  # the pnr-01 attribute set without personalIdentityNumber
    "sha1_signature",  # signed with rsa-sha1 and sha1 digests (not allowed by the framework)
    "sha1_digest",  # rsa-sha256 signature over sha1 digests
    "low_loa",  # a lower level of assurance than the SP asked for
    "replay",  # reuses the assertion ID given as `replay_id`
}


@dataclass(frozen=True)
class SimulatedIdP:
    id: str
    name: str
    name_en: str
    levels: tuple[str, ...]  # the AuthnContextClassRefs it can give, lowest first
    foreign: bool = False
    encrypt: bool = False


IDPS = [
    SimulatedIdP("freja", "Freja eID+", "Freja eID+", (LOA2, LOA3)),
    SimulatedIdP("telia", "Telia", "Telia", (LOA2, LOA3, LOA4), encrypt=True),
    SimulatedIdP(
        "eidas",
        "Utländsk e-legitimation (eIDAS)",
        "Foreign eID (eIDAS)",
        (EIDAS_LOW, EIDAS_SUBSTANTIAL, EIDAS_HIGH),
        foreign=True,
    ),
]

#: Foreign test persons (invented; no Swedish personnummer).
FOREIGN_PERSONS = [
    {
        "key": "DE:4f1c9a2b7e",
        "givenName": "Lena",
        "sn": "Müller",
        "dateOfBirth": "1985-04-12",
        "c": "DE",
    },
    {
        "key": "DK:08a7c3d5e1",
        "givenName": "Mads",
        "sn": "Jørgensen",
        "dateOfBirth": "1979-11-03",
        "c": "DK",
    },
    {
        "key": "FI:7b2e6f9c0d",
        "givenName": "Aino",
        "sn": "Virtanen",
        "dateOfBirth": "1992-06-21",
        "c": "FI",
    },
]
SWEDISH_PERSONS = TEST_PERSONNUMMER[:10]


def identity_for(idp: SimulatedIdP, person_key: str) -> dict[str, list[str]] | None:
    """The attributes the IdP releases for a test person (friendly names)."""
    if idp.foreign:
        person = next((p for p in FOREIGN_PERSONS if p["key"] == person_key), None)
        if person is None:
            return None
        country, _, _ = person["key"].partition(":")
        return {
            "prid": [person["key"]],
            "pridPersistence": ["B"],
            "eidasPersonIdentifier": [f"{country}/SE/{person['key'].split(':')[1]}"],
            "givenName": [person["givenName"]],
            "sn": [person["sn"]],
            "displayName": [f"{person['givenName']} {person['sn']}"],
            "dateOfBirth": [person["dateOfBirth"]],
            "c": [person["c"]],
        }
    if person_key not in SWEDISH_PERSONS:
        return None
    person = person_for(person_key)
    return {
        "personalIdentityNumber": [person_key],
        "givenName": [person["givenName"]],
        "sn": [person["surname"]],
        "displayName": [person["name"]],
        "dateOfBirth": [f"{person_key[:4]}-{person_key[4:6]}-{person_key[6:8]}"],
    }


def person_choices(idp: SimulatedIdP) -> list[tuple[str, str]]:
    """(key, label) of the test persons the picker offers."""
    if idp.foreign:
        return [
            (p["key"], f"{p['givenName']} {p['sn']} ({p['c']}), född {p['dateOfBirth']}")
            for p in FOREIGN_PERSONS
        ]
    return [(pnr, f"{person_for(pnr)['name']}, {pnr[:8]}-{pnr[8:]}") for pnr in SWEDISH_PERSONS]


@dataclass
class Pending:
    """An AuthnRequest received and not yet answered."""

    idp: str
    request_id: str
    acs_url: str
    sp_entity_id: str
    relay_state: str
    requested_loa: list[str]
    created: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Answer:
    """A Response ready to be posted to the SP's ACS."""

    acs_url: str
    saml_response: str  # base64, as posted
    relay_state: str
    assertion_id: str = ""

    def form(self) -> dict[str, str]:
        return {"SAMLResponse": self.saml_response, "RelayState": self.relay_state}


def _soon(minutes: float) -> str:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _IdPServer(Server):
    """pysaml2's IdP with a hook that breaks the assertion before signing."""

    defect: str | None = None
    replay_id: str | None = None
    last_assertion_id: str = ""

    def setup_assertion(self, *args, **kwargs):
        assertion = super().setup_assertion(*args, **kwargs)
        if not isinstance(assertion, saml.Assertion):
            return assertion
        defect = self.defect
        data = [
            confirmation.subject_confirmation_data
            for confirmation in assertion.subject.subject_confirmation
        ]
        if defect == "expired":
            assertion.conditions.not_before = _soon(-30)
            assertion.conditions.not_on_or_after = _soon(-20)
            for item in data:
                item.not_on_or_after = _soon(-20)
        elif defect == "not_yet_valid":
            assertion.conditions.not_before = _soon(20)
        elif defect == "wrong_audience":
            assertion.conditions.audience_restriction = [
                saml.AudienceRestriction(
                    audience=[saml.Audience(text="https://annan-tjanst.example.se/sp")]
                )
            ]
        elif defect == "wrong_recipient":
            for item in data:
                item.recipient = "https://annan-tjanst.example.se/acs"
        elif defect == "replay" and self.replay_id:
            assertion.id = self.replay_id
        self.last_assertion_id = assertion.id
        return assertion


class SAMLSimulator:
    def __init__(self, folder: Path, base_url: str, *, sp_metadata_url: str = "") -> None:
        self.folder = Path(folder)
        self.keys = ensure_certificates(self.folder)
        self.base_url = base_url.rstrip("/")
        self.sp_metadata_url = sp_metadata_url
        self._sp_metadata = ""
        self._servers: dict[str, _IdPServer] = {}
        self.pending: dict[str, Pending] = {}
        self.lock = threading.RLock()
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- configuration ----------------------------------------------------
    def idp(self, idp_id: str) -> SimulatedIdP | None:
        return next((idp for idp in IDPS if idp.id == idp_id), None)

    def entity_id(self, idp_id: str) -> str:
        return f"{self.base_url}/{idp_id}"

    def metadata_url(self, idp_id: str) -> str:
        return f"{self.base_url}/{idp_id}/metadata"

    def idp_settings(self) -> list[dict[str, Any]]:
        """Etjänst's SAML["IDPS"] pointed at this simulator (demo, tests)."""
        return [
            {
                "id": idp.id,
                "name": idp.name,
                "name_en": idp.name_en,
                "entity_id": self.entity_id(idp.id),
                "metadata_url": self.metadata_url(idp.id),
                "foreign": idp.foreign,
            }
            for idp in IDPS
        ]

    def sp_settings(self) -> dict[str, str]:
        """The demo SP's own key and certificate (SAML["KEY"], SAML["CERT"])."""
        key, cert = self.keys["sp"]
        return {"KEY": str(key), "CERT": str(cert)}

    def set_sp_metadata(self, xml: str) -> None:
        """Trust this service provider (its ACS, SLO and certificates)."""
        with self.lock:
            self._sp_metadata = xml
            self._servers.clear()

    def _config(self, idp: SimulatedIdP, *, with_sp: bool) -> IdPConfig:
        key, cert = self.keys[idp.id]
        entity = self.entity_id(idp.id)
        config = {
            "entityid": entity,
            "xmlsec_binary": get_xmlsec_binary(),
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {"inline": [self._sp_metadata]} if with_sp else {},
            "accepted_time_diff": 60,
            "signing_algorithm": SIG_RSA_SHA256,
            "digest_algorithm": DIGEST_SHA256,
            "service": {
                "idp": {
                    "name": idp.name,
                    "endpoints": {
                        "single_sign_on_service": [(f"{entity}/sso", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{entity}/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "want_authn_requests_signed": True,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
        }
        conf = IdPConfig()
        conf.load(config)
        conf.attribute_converters = attribute_converters()
        return conf

    def server(self, idp_id: str) -> _IdPServer:
        with self.lock:
            if idp_id not in self._servers:
                if not self._sp_metadata and self.sp_metadata_url:
                    answer = httpx.get(self.sp_metadata_url, timeout=10)
                    answer.raise_for_status()
                    self._sp_metadata = answer.text
                if not self._sp_metadata:
                    raise ValueError("Simulatorn känner inte till tjänsten (SP-metadata saknas).")
                idp = self.idp(idp_id)
                assert idp is not None
                server = _IdPServer(config=self._config(idp, with_sp=True))
                self._servers[idp_id] = server
            return self._servers[idp_id]

    def idp_metadata(self, idp_id: str) -> str:
        """The IdP's metadata, signed with its own key (as a federation signs
        its metadata: SAML["IDPS"] may name the certificate to check it with)."""
        idp = self.idp(idp_id)
        assert idp is not None
        conf = self._config(idp, with_sp=False)
        _, signed = sign_entity_descriptor(
            entity_descriptor(conf), None, security_context(conf), SIG_RSA_SHA256, DIGEST_SHA256
        )
        return str(signed)

    # ---- the protocol -----------------------------------------------------
    def receive(self, idp_id: str, query: dict[str, str]) -> str:
        """Check an AuthnRequest (HTTP-Redirect, signed); returns a token for it."""
        server = self.server(idp_id)
        try:
            parsed = server.parse_authn_request(
                query.get("SAMLRequest", ""),
                BINDING_HTTP_REDIRECT,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            )
        except Exception as exc:
            raise ValueError(f"Begäran kunde inte läsas ({type(exc).__name__}).") from exc
        if parsed is None:
            raise ValueError("Begäran kunde inte kontrolleras.")
        request = parsed.message
        if not query.get("Signature"):
            raise ValueError("Begäran är inte signerad.")
        binding_info = server.response_args(request, [BINDING_HTTP_POST])
        requested = []
        if request.requested_authn_context is not None:
            requested = [
                ref.text.strip() for ref in request.requested_authn_context.authn_context_class_ref
            ]
        token = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[token] = Pending(
                idp=idp_id,
                request_id=request.id,
                acs_url=binding_info["destination"],
                sp_entity_id=request.issuer.text,
                relay_state=query.get("RelayState", ""),
                requested_loa=requested,
            )
        return token

    def respond(
        self,
        token: str,
        person_key: str,
        *,
        defect: str | None = None,
        replay_id: str | None = None,
        keep_pending: bool = False,
    ) -> Answer:
        """A signed Response to a pending request for a test person, broken
        on purpose when `defect` is one of DEFECTS."""
        if defect is not None and defect not in DEFECTS:
            raise ValueError(f"unknown defect {defect!r}")
        with self.lock:
            pending = self.pending.get(token) if keep_pending else self.pending.pop(token, None)
            if pending is None:
                raise ValueError("Inloggningen är inte längre aktiv. Börja om från e-tjänsten.")
            idp = self.idp(pending.idp)
            assert idp is not None
            identity = identity_for(idp, person_key)
            if identity is None:
                raise ValueError("Välj en testperson.")
            loa = self._level(idp, pending.requested_loa)
            if loa is None:
                return self._error(pending, samlp.STATUS_NO_AUTHN_CONTEXT, "no matching LoA")
            if defect == "low_loa":
                loa = LOA2 if not idp.foreign else EIDAS_LOW
            if defect == "no_personnummer":
                identity.pop("personalIdentityNumber", None)
            signer = self.server("telia" if defect == "other_idp" and idp.id != "telia" else idp.id)
            in_response_to: str | None = pending.request_id
            if defect == "wrong_in_response_to":
                in_response_to = "_" + secrets.token_hex(16)
            elif defect == "unsolicited":
                in_response_to = None
            name_id = self.name_id(idp.id, person_key, pending.sp_entity_id)
            signer.defect, signer.replay_id = defect, replay_id
            try:
                response = signer.create_authn_response(
                    identity,
                    in_response_to,
                    pending.acs_url,
                    pending.sp_entity_id,
                    name_id=name_id,
                    authn={"class_ref": loa, "authn_auth": self.entity_id(idp.id)},
                    sign_response=True,
                    sign_assertion=True,
                    encrypt_assertion=idp.encrypt and defect != "bad_signature",
                    # pysaml2 signs with SHA-1 unless told: a real IdP of the
                    # Swedish eID Framework uses SHA-256.
                    sign_alg=SIG_RSA_SHA1 if defect == "sha1_signature" else SIG_RSA_SHA256,
                    digest_alg=DIGEST_SHA1 if defect in WEAK_DIGESTS else DIGEST_SHA256,
                )
            finally:
                signer.defect, signer.replay_id = None, None
            xml = str(response)
            if defect == "bad_signature":
                given = identity["givenName"][0]
                assert given in xml
                xml = xml.replace(f">{given}<", ">Mallory<")
            return Answer(
                acs_url=pending.acs_url,
                saml_response=base64.b64encode(xml.encode()).decode(),
                relay_state=pending.relay_state,
                assertion_id=signer.last_assertion_id,
            )

    def cancel(self, token: str) -> Answer:
        """The resident pressed Avbryt: an error Response with the Swedish
        eID Framework's cancel status."""
        with self.lock:
            pending = self.pending.pop(token, None)
            if pending is None:
                raise ValueError("Inloggningen är inte längre aktiv. Börja om från e-tjänsten.")
            return self._error(pending, samlp.STATUS_AUTHN_FAILED, CANCEL_STATUS)

    def _error(self, pending: Pending, status: str, message: str) -> Answer:
        server = self.server(pending.idp)
        response = server.create_error_response(
            pending.request_id,
            pending.acs_url,
            (status, message),
            sign=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        return Answer(
            acs_url=pending.acs_url,
            saml_response=base64.b64encode(str(response).encode()).decode(),
            relay_state=pending.relay_state,
        )

    @staticmethod
    def _level(idp: SimulatedIdP, requested: list[str]) -> str | None:
        """The lowest level the IdP can give among those requested (all of
        them when the request names none)."""
        if not requested:
            return idp.levels[-1]
        return next((level for level in idp.levels if level in requested), None)

    def logout(self, idp_id: str, query: dict[str, str]) -> str:
        """Answer a LogoutRequest (HTTP-Redirect): the SP's SLO address with
        a signed LogoutResponse."""
        server = self.server(idp_id)
        request = server.parse_logout_request(
            query.get("SAMLRequest", ""),
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        if request is None:
            raise ValueError("Utloggningsbegäran kunde inte kontrolleras.")
        response = server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
        binding, destination = server.pick_binding(
            "single_logout_service", [BINDING_HTTP_REDIRECT], "spsso", request.message
        )
        info = server.apply_binding(
            binding,
            str(response),
            destination,
            query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]

    def name_id(self, idp_id: str, person_key: str, sp_entity_id: str) -> saml.NameID:
        """The persistent NameID the IdP gives a test person at a service provider."""
        return saml.NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            sp_name_qualifier=sp_entity_id,
            name_qualifier=self.entity_id(idp_id),
            text=hashlib.sha256(f"{idp_id}:{person_key}".encode()).hexdigest()[:32],
        )

    def idp_initiated_logout(self, idp_id: str, person_key: str) -> str:
        """The SP's SLO address with a signed LogoutRequest from the IdP for a
        test person (the IdP's session ended elsewhere)."""
        server = self.server(idp_id)
        sp_entity_id = re.search(r'entityID="([^"]+)"', self._sp_metadata).group(1)
        destination = server.metadata.single_logout_service(
            sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        _request_id, request = server.create_logout_request(
            destination,
            sp_entity_id,
            name_id=self.name_id(idp_id, person_key, sp_entity_id),
            reason="urn:oasis:names:tc:SAML:2.0:logout:user",
            sign=False,
        )
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIG_RSA_SHA256
        )
        return dict(info["headers"])["Location"]

    # ---- lifecycle --------------------------------------------------------
    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._http = self._thread = None


# ---- the HTTP listener --------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}
h1{font-size:1.6rem}
button{font-size:1rem;padding:.6rem 1.2rem;margin:1rem .5rem 0 0;cursor:pointer}
.primary{background:#183e4f;color:#fff;border:2px solid #183e4f}
.secondary{background:#fff;color:#183e4f;border:2px solid #183e4f}
.error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fdecee}
.note{border-left:4px solid #183e4f;padding:.5rem 1rem;background:#eef4f7}
fieldset{border:1px solid #767676;padding:.5rem 1rem}
.person{display:block;margin:.35rem 0}
:focus-visible{outline:3px solid #005fcc;outline-offset:2px}
"""


def _page(title: str, body: str) -> bytes:
    return (
        "<!doctype html>\n"
        '<html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} – e-legitimationssimulator</title>"
        '<link rel="stylesheet" href="/app.css"></head>'
        f'<body><main id="innehall">{body}</main></body></html>'
    ).encode()


def _picker(idp: SimulatedIdP, token: str, message: str = "") -> str:
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    persons = "".join(
        f'<label class="person"><input type="radio" name="person" value="{html.escape(key)}"'
        f"{' checked' if i == 0 else ''}> {html.escape(label)}</label>"
        for i, (key, label) in enumerate(person_choices(idp))
    )
    token = html.escape(token)
    return (
        f"<h1>Logga in med {html.escape(idp.name)}</h1>"
        '<p class="note">Det här är en simulerad e-legitimation för demo och test. '
        "Välj en testperson och logga in.</p>"
        f"{error}"
        f'<form method="post" action="/{idp.id}/login">'
        f'<input type="hidden" name="token" value="{token}">'
        f"<fieldset><legend>Testperson</legend>{persons}</fieldset>"
        '<button class="primary" type="submit">Logga in</button></form>'
        f'<form method="post" action="/{idp.id}/cancel">'
        f'<input type="hidden" name="token" value="{token}">'
        '<button class="secondary" type="submit">Avbryt</button></form>'
    )


def _post_form(answer: Answer, heading: str, text: str) -> str:
    fields = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in answer.form().items()
    )
    return (
        f"<h1>{html.escape(heading)}</h1><p>{html.escape(text)}</p>"
        f'<form method="post" action="{html.escape(answer.acs_url)}">{fields}'
        '<button class="primary" type="submit">Fortsätt till e-tjänsten</button></form>'
    )


class _Handler(BaseHTTPRequestHandler):
    server_version = "SAML-IdP-simulator"
    sys_version = ""

    def log_message(self, format, *args) -> None:
        pass

    @property
    def simulator(self) -> SAMLSimulator:
        return self.server.simulator  # type: ignore[attr-defined]

    def _send(self, status: int, body: bytes, content_type: str, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # form-action: the SP's ACS is on another origin.
        self.send_header(
            "Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'"
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, status: int, title: str, body: str) -> None:
        self._send(status, _page(title, body), "text/html; charset=utf-8")

    def _not_found(self) -> None:
        self._html(404, "Hittades inte", "<h1>Sidan hittades inte</h1>")

    def _route(self) -> tuple[SimulatedIdP | None, str]:
        parts = urlsplit(self.path).path.strip("/").split("/")
        if len(parts) != 2:
            return None, ""
        return self.simulator.idp(parts[0]), parts[1]

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/app.css":
            return self._send(200, _CSS.encode(), "text/css; charset=utf-8")
        if path == "/":
            links = "".join(
                f'<li><a href="/{idp.id}/metadata">{html.escape(idp.name)}</a></li>' for idp in IDPS
            )
            return self._html(
                200,
                "Simulerade e-legitimationer",
                f"<h1>Simulerade e-legitimationer</h1><p>Metadata:</p><ul>{links}</ul>",
            )
        idp, action = self._route()
        if idp is None:
            return self._not_found()
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if action == "metadata":
            return self._send(
                200, self.simulator.idp_metadata(idp.id).encode(), "application/samlmetadata+xml"
            )
        if action == "sso":
            try:
                token = self.simulator.receive(idp.id, query)
            except ValueError as error:
                return self._html(
                    400,
                    "Fel",
                    f'<h1>Inloggningen kan inte göras</h1><p class="error" role="alert">'
                    f"{html.escape(str(error))}</p>",
                )
            return self._html(200, f"Logga in med {idp.name}", _picker(idp, token))
        if action == "slo" and "SAMLResponse" in query:
            return self._html(
                200, "Utloggad", '<h1>Utloggad</h1><p role="status">Du är utloggad.</p>'
            )
        if action == "slo":
            try:
                location = self.simulator.logout(idp.id, query)
            except Exception as error:
                return self._html(
                    400,
                    "Fel",
                    '<h1>Utloggningen kan inte göras</h1><p class="error" role="alert">'
                    f"{html.escape(str(error))}</p>",
                )
            return self._send(302, b"", "text/plain", headers=[("Location", location)])
        return self._not_found()

    do_HEAD = do_GET

    def do_POST(self) -> None:
        idp, action = self._route()
        if idp is None or action not in ("login", "cancel"):
            return self._not_found()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 100_000)) if length > 0 else b""
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        token = form.get("token", "")
        try:
            if action == "cancel":
                answer = self.simulator.cancel(token)
                return self._html(
                    200,
                    "Avbrutet",
                    _post_form(answer, "Avbrutet", "Du avbröt inloggningen."),
                )
            answer = self.simulator.respond(token, form.get("person", ""), keep_pending=True)
            with self.simulator.lock:
                self.simulator.pending.pop(token, None)
        except ValueError as error:
            pending = self.simulator.pending.get(token)
            if pending is not None:
                return self._html(400, f"Logga in med {idp.name}", _picker(idp, token, str(error)))
            return self._html(
                400,
                "Fel",
                f'<h1>Inloggningen kan inte göras</h1><p class="error" role="alert">'
                f"{html.escape(str(error))}</p>",
            )
        self._html(
            200,
            "Inloggad",
            _post_form(answer, "Du är identifierad", "Gå tillbaka till e-tjänsten."),
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, handler, simulator) -> None:
        super().__init__(address, handler)
        self.simulator = simulator

    def handle_error(self, request, client_address) -> None:
        pass


def start(
    folder: Path, host: str = "127.0.0.1", port: int = 0, *, sp_metadata_url: str = ""
) -> SAMLSimulator:
    """Generate missing keys in `folder`, start the IdPs' HTTP listener in a
    daemon thread and return the simulator."""
    http = _Server((host, port), _Handler, None)
    simulator = SAMLSimulator(
        folder, f"http://{host}:{http.server_address[1]}", sp_metadata_url=sp_metadata_url
    )
    http.simulator = simulator
    thread = threading.Thread(target=http.serve_forever, name="saml-idp-sim", daemon=True)
    thread.start()
    simulator._http, simulator._thread = http, thread
    return simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local SAML identity providers (Swedish eID)")
    parser.add_argument("--folder", type=Path, default=Path("var/saml"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8445)
    parser.add_argument(
        "--sp-metadata",
        default="http://127.0.0.1:8000/logga-in/saml/metadata/",
        help="the service provider's metadata address (fetched at the first login)",
    )
    args = parser.parse_args(argv)
    simulator = start(args.folder, host=args.host, port=args.port, sp_metadata_url=args.sp_metadata)
    for idp in IDPS:
        print(f"{idp.name}: {simulator.metadata_url(idp.id)}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
