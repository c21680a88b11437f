"""A local BankID simulator: the Relying Party API v6.0 over HTTPS with mutual
TLS, and a plain-HTTP page that plays the BankID app (plus a JSON script
endpoint for the tests). Standard library only, plus `cryptography` (certs).

    python -m etjanst.simulators.bankid --folder var/bankid --api-port 8443 --app-port 8444

Behaviour (shared/reference/bankid.md):

* `POST /rp/v6.0/auth|sign|collect|cancel`, JSON in and out. A connection
  without a client certificate signed by the simulator CA fails the TLS
  handshake (as real BankID does); a request that somehow has no peer
  certificate gets 401 unauthorized. Non-POST → 405 methodNotAllowed, unknown
  path → 404 notFound, wrong Content-Type → 415 unsupportedMediaType, bad
  JSON or parameters → 400 invalidParameters.
* An order is pending/outstandingTransaction until the app picks it up
  (pending/started), pending/userSign once a person is chosen, then complete.
  It fails with startFailed when no app picks it up within
  `start_failed_after` s (30), expiredTransaction when not finished within
  `expire_after` s (180) of its creation, userCancel when the user cancels in
  the app, cancelled when the RP calls /cancel or when a new order with the
  same `requirement.personalNumber` is started (that new order is refused
  with 400 alreadyInProgress and the old one is aborted, as real BankID does).
* A completed order can be collected for `keep_complete` s (180), a failed one
  for `keep_failed` s (300). Afterwards, and for an orderRef that never
  existed, collect and cancel answer what real BankID answers for an unknown
  order: 400 invalidParameters, details "No such order".
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import hmac
import html
import json
import re
import ssl
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape

from etjanst.simulators.bankid.certs import CertPaths, ensure_certificates

API_PREFIX = "/rp/v6.0"

# The first 20 of Skatteverket's test personnummer
# (shared/data/testpersonnummer.json): they belong to no real person.
TEST_PERSONNUMMER = [
    "194105199121",
    "194306134760",
    "194405307051",
    "194702143464",
    "194711052326",
    "194809132527",
    "194907121794",
    "195109261494",
    "195606172798",
    "195701292897",
    "195707102801",
    "195811123073",
    "196611252666",
    "196711302635",
    "197205169266",
    "197601212397",
    "197601262384",
    "197601272383",
    "197601292381",
    "197602112398",
]
_WOMEN = ["Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Elin"]
_MEN = ["Lars", "Erik", "Anders", "Johan", "Per", "Karl", "Nils", "Mikael", "Olof", "Gustav"]
_SURNAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Berglund",
    "Holm",
    "Sandberg",
    "Lundgren",
    "Ekström",
    "Åberg",
]


def person_for(personal_number: str, name: str | None = None) -> dict[str, str]:
    """A plausible, deterministic Swedish name for a (test) personnummer: the
    second-to-last digit is odd for men, even for women."""
    digits = re.sub(r"\D", "", personal_number)
    if name:
        given, _, surname = name.partition(" ")
        surname = surname or _SURNAMES[int(digits or 0) % len(_SURNAMES)]
    else:
        number = int(digits or 0)
        male = len(digits) >= 2 and int(digits[-2]) % 2 == 1
        given = (_MEN if male else _WOMEN)[(number // 7) % 10]
        surname = _SURNAMES[(number // 3) % len(_SURNAMES)]
    return {
        "personalNumber": digits,
        "name": f"{given} {surname}",
        "givenName": given,
        "surname": surname,
    }


@dataclass
class Script:
    """What the simulated user does with the next order(s) created."""

    personal_number: str | None = None
    after_polls: int = 0
    fail_hint: str | None = None
    error: dict[str, Any] | None = None
    delay: float | None = None
    name: str | None = None
    repeat: int = 1


@dataclass
class Order:
    order_ref: str
    kind: str  # "auth" | "sign"
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str
    created: float  # time.monotonic()
    end_user_ip: str
    user_visible_data: str | None = None  # base64, as received
    user_non_visible_data: str | None = None
    required_personal_number: str | None = None
    return_url: str | None = None
    status: str = "pending"
    hint_code: str | None = "outstandingTransaction"
    started_at: float | None = None
    approved_at: float | None = None
    finished_at: float | None = None
    person: dict[str, str] | None = None
    device_ip: str | None = None
    completion_data: dict[str, Any] | None = None
    polls: int = 0
    script: Script | None = None
    log: list[str] = field(default_factory=list)

    def as_collect(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"orderRef": self.order_ref, "status": self.status}
        if self.status != "complete" and self.hint_code:
            answer["hintCode"] = self.hint_code
        if self.status == "complete":
            answer["completionData"] = self.completion_data
        return answer


class ApiError(Exception):
    def __init__(self, http: int, error_code: str, details: str = "") -> None:
        super().__init__(error_code)
        self.http = http
        self.error_code = error_code
        self.details = details


def qr_auth_code(qr_start_secret: str, qr_time: int) -> str:
    return hmac.new(qr_start_secret.encode(), str(qr_time).encode(), hashlib.sha256).hexdigest()


def _b64_valid(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


class BankIDSimulator:
    """The orders and the rules. Timeouts (seconds) are plain attributes so the
    tests can shorten them."""

    def __init__(
        self,
        certs: CertPaths,
        *,
        start_failed_after: float = 30.0,
        expire_after: float = 180.0,
        keep_complete: float = 180.0,
        keep_failed: float = 300.0,
        user_sign_seconds: float = 2.0,
        qr_max_skew: int = 5,
    ) -> None:
        self.certs = certs
        self.start_failed_after = start_failed_after
        self.expire_after = expire_after
        self.keep_complete = keep_complete
        self.keep_failed = keep_failed
        self.user_sign_seconds = user_sign_seconds
        self.qr_max_skew = qr_max_skew
        self.orders: dict[str, Order] = {}
        self.scripts: deque[Script] = deque()
        self.lock = threading.RLock()
        self.api_url = ""
        self.app_url = ""
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    # ---- scripting -------------------------------------------------------
    def script(
        self,
        personal_number: str | None = None,
        *,
        after_polls: int = 0,
        fail_hint: str | None = None,
        error: dict[str, Any] | None = None,
        delay: float | None = None,
        name: str | None = None,
        repeat: int = 1,
    ) -> Script:
        """Queue what happens to the next order created (see README of the
        module and `_apply_script`)."""
        entry = Script(
            personal_number=re.sub(r"\D", "", personal_number) if personal_number else None,
            after_polls=max(0, int(after_polls)),
            fail_hint=fail_hint,
            error=dict(error) if error else None,
            delay=float(delay) if delay else None,
            name=name,
            repeat=max(1, int(repeat)),
        )
        with self.lock:
            self.scripts.append(entry)
        return entry

    def client_settings(self, *, timeout: float = 2.0) -> dict[str, Any]:
        """Etjänst's BANKID setting pointed at this simulator (demo, tests)."""
        return {
            "BASE_URL": self.api_url,
            "CLIENT_CERT": str(self.certs.client),
            "CLIENT_KEY": str(self.certs.client_key),
            "CA_CERT": str(self.certs.ca),
            "TIMEOUT": timeout,
        }

    def clear(self) -> None:
        """Forget all orders and queued scripts."""
        with self.lock:
            self.orders.clear()
            self.scripts.clear()

    # ---- the state machine ----------------------------------------------
    def _fail(self, order: Order, hint: str, now: float) -> None:
        order.status = "failed"
        order.hint_code = hint
        order.finished_at = now
        order.log.append(f"failed:{hint}")

    def _complete(self, order: Order, now: float) -> None:
        assert order.person is not None
        order.status = "complete"
        order.hint_code = None
        order.finished_at = now
        order.completion_data = self._completion_data(order)
        order.log.append("complete")

    def _refresh(self, order: Order, now: float) -> None:
        """Apply the clock to one order (under the lock)."""
        if order.status != "pending":
            return
        if order.approved_at is not None and now >= order.approved_at + self.user_sign_seconds:
            self._complete(order, now)
        elif order.started_at is None and now - order.created > self.start_failed_after:
            self._fail(order, "startFailed", now)
        elif now - order.created > self.expire_after:
            self._fail(order, "expiredTransaction", now)

    def _purge(self, now: float) -> None:
        for ref, order in list(self.orders.items()):
            self._refresh(order, now)
            if order.finished_at is None:
                continue
            keep = self.keep_complete if order.status == "complete" else self.keep_failed
            if now - order.finished_at > keep:
                del self.orders[ref]

    def _get(self, order_ref: Any, now: float) -> Order:
        self._purge(now)
        order = self.orders.get(order_ref) if isinstance(order_ref, str) else None
        if order is None:
            raise ApiError(400, "invalidParameters", "No such order")
        return order

    def _apply_script(self, order: Order, now: float) -> None:
        """Called on each collect of a scripted order (after counting it).

        With after_polls=K the first K collects answer pending: the last of
        them userSign and the one before it started when the script approves;
        the last one started when it fails (except startFailed/cancelled,
        which never get picked up); collect K+1 gives the outcome."""
        script = order.script
        if script is None or order.status != "pending" or script.error:
            return
        if script.personal_number is None and script.fail_hint is None:
            return
        k = script.after_polls
        if order.polls > k:
            if script.fail_hint:
                self._fail(order, script.fail_hint, now)
            else:
                order.person = person_for(script.personal_number or "", script.name)
                order.device_ip = order.end_user_ip
                self._complete(order, now)
            return
        picked_up = script.fail_hint not in ("startFailed", "cancelled")
        if script.fail_hint is None and order.polls == k:
            hint = "userSign"
        elif picked_up and order.polls == (k - 1 if script.fail_hint is None else k):
            hint = "started"
        elif order.started_at is not None:
            hint = order.hint_code or "started"
        else:
            hint = "outstandingTransaction"
        if hint != "outstandingTransaction" and order.started_at is None:
            order.started_at = now
        order.hint_code = hint

    def _completion_data(self, order: Order) -> dict[str, Any]:
        person = order.person or {}
        pnr = person.get("personalNumber", "")
        uhi = base64.b64encode(hashlib.sha256(f"uhi:{pnr}".encode()).digest()[:18]).decode()
        issue_year = 2018 + int(pnr[-4:] or 0) % 7 if pnr else 2020
        signature_xml = self._signature_xml(order, pnr)
        ocsp = b"SIMULATED-OCSP-RESPONSE good " + order.order_ref.encode() + b" " + uhi.encode()
        return {
            "user": dict(person),
            "device": {"ipAddress": order.device_ip or order.end_user_ip, "uhi": uhi},
            "bankIdIssueDate": f"{issue_year}-0{1 + int(pnr[-1:] or 0) % 9}-15",
            "stepUp": {"mrtd": False},
            "signature": base64.b64encode(signature_xml.encode()).decode(),
            "ocspResponse": base64.b64encode(ocsp).decode(),
        }

    def _signature_xml(self, order: Order, pnr: str) -> str:
        visible = (
            f'<usrVisibleData charset="UTF-8" visible="wysiwys">'
            f"{xml_escape(order.user_visible_data)}</usrVisibleData>"
            if order.user_visible_data
            else ""
        )
        non_visible = (
            f"<usrNonVisibleData>{xml_escape(order.user_non_visible_data)}</usrNonVisibleData>"
            if order.user_non_visible_data
            else ""
        )
        signed = (
            '<bankIdSignedData xmlns="http://www.bankid.com/signature/v1.0.0/types" '
            'Id="bidSignedData">'
            f"{visible}{non_visible}"
            f"<srvInfo><name>Etjänst BankID-simulator</name>"
            f"<nonce>{base64.b64encode(uuid.uuid4().bytes).decode()}</nonce></srvInfo>"
            f"<clientInfo><funcId>{'Identification' if order.kind == 'auth' else 'Signing'}"
            f"</funcId><orderRef>{xml_escape(order.order_ref)}</orderRef>"
            f"<personalNumber>{xml_escape(pnr)}</personalNumber></clientInfo>"
            "</bankIdSignedData>"
        )
        digest = base64.b64encode(hashlib.sha256(signed.encode()).digest()).decode()
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
            '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">'
            "<SignedInfo>"
            '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>'
            '<Reference URI="#bidSignedData"><DigestValue>'
            f"{digest}</DigestValue></Reference></SignedInfo>"
            f"<SignatureValue>SIMULATED-{digest}</SignatureValue>"
            f"<Object>{signed}</Object></Signature>"
        )

    # ---- the RP API ------------------------------------------------------
    def _erring(self, order_ref: str, script: Script) -> bool:
        """An error script with after_polls=K lets the first K collects
        through; every later call of the order answers the error."""
        with self.lock:
            order = self.orders[order_ref]
            if order.polls < script.after_polls:
                return False
            order.polls += 1
            return True

    def _script_for_ref(self, order_ref: Any) -> Script | None:
        with self.lock:
            order = self.orders.get(order_ref) if isinstance(order_ref, str) else None
            return order.script if order else None

    def api_call(self, endpoint: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """Handle one RP API call; returns (http status, JSON, delay seconds)."""
        try:
            if endpoint in ("auth", "sign"):
                return self._start_order(endpoint, body)
            script = self._script_for_ref(body.get("orderRef"))
            delay = (script.delay or 0.0) if script else 0.0
            if script and script.error and self._erring(body.get("orderRef"), script):
                raise ApiError(
                    int(script.error.get("http", 500)),
                    script.error.get("errorCode", "internalError"),
                    script.error.get("details", "Simulated error"),
                )
            if endpoint == "collect":
                return 200, self._collect(body), delay
            return 200, self._cancel(body), delay
        except ApiError as error:
            script = self._script_for_ref(body.get("orderRef"))
            delay = (script.delay or 0.0) if script else 0.0
            return error.http, {"errorCode": error.error_code, "details": error.details}, delay

    def _start_order(self, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        ip = body.get("endUserIp")
        if not isinstance(ip, str) or not ip:
            raise ApiError(400, "invalidParameters", "Missing endUserIp")
        visible = body.get("userVisibleData")
        if kind == "sign" and visible is None:
            raise ApiError(400, "invalidParameters", "Missing userVisibleData")
        if visible is not None and not _b64_valid(visible):
            raise ApiError(400, "invalidParameters", "Invalid userVisibleData")
        if len(visible or "") > 40_000:
            raise ApiError(400, "invalidParameters", "Invalid userVisibleData")
        fmt = body.get("userVisibleDataFormat")
        if fmt is not None and fmt != "simpleMarkdownV1":
            raise ApiError(400, "invalidParameters", "Invalid userVisibleDataFormat")
        non_visible = body.get("userNonVisibleData")
        if non_visible is not None and not _b64_valid(non_visible):
            raise ApiError(400, "invalidParameters", "Invalid userNonVisibleData")
        requirement = body.get("requirement") or {}
        if not isinstance(requirement, dict):
            raise ApiError(400, "invalidParameters", "Invalid requirement")
        required_pnr = requirement.get("personalNumber")
        if required_pnr is not None and (
            not isinstance(required_pnr, str) or not re.fullmatch(r"\d{12}", required_pnr)
        ):
            raise ApiError(400, "invalidParameters", "Invalid personalNumber")
        return_url = body.get("returnUrl")
        if return_url is not None and not isinstance(return_url, str):
            raise ApiError(400, "invalidParameters", "Invalid returnUrl")

        now = time.monotonic()
        with self.lock:
            script = None
            if self.scripts:
                script = self.scripts[0]
                script.repeat -= 1
                if script.repeat <= 0:
                    self.scripts.popleft()
            delay = (script.delay or 0.0) if script else 0.0
            if script and script.error and not script.after_polls:
                error = script.error
                return (
                    int(error.get("http", 500)),
                    {
                        "errorCode": error.get("errorCode", "internalError"),
                        "details": error.get("details", "Simulated error"),
                    },
                    delay,
                )
            self._purge(now)
            if required_pnr:
                for other in self.orders.values():
                    if other.status == "pending" and required_pnr in (
                        other.required_personal_number,
                        (other.person or {}).get("personalNumber"),
                    ):
                        self._fail(other, "cancelled", now)
                        return (
                            400,
                            {
                                "errorCode": "alreadyInProgress",
                                "details": "Order already in progress",
                            },
                            delay,
                        )
            order = Order(
                order_ref=str(uuid.uuid4()),
                kind=kind,
                auto_start_token=str(uuid.uuid4()),
                qr_start_token=str(uuid.uuid4()),
                qr_start_secret=str(uuid.uuid4()),
                created=now,
                end_user_ip=ip,
                user_visible_data=visible,
                user_non_visible_data=non_visible,
                required_personal_number=required_pnr,
                return_url=return_url,
                script=script,
            )
            self.orders[order.order_ref] = order
        return (
            200,
            {
                "orderRef": order.order_ref,
                "autoStartToken": order.auto_start_token,
                "qrStartToken": order.qr_start_token,
                "qrStartSecret": order.qr_start_secret,
            },
            delay,
        )

    def _collect(self, body: dict[str, Any]) -> dict[str, Any]:
        now = time.monotonic()
        with self.lock:
            order = self._get(body.get("orderRef"), now)
            order.polls += 1
            self._apply_script(order, now)
            self._refresh(order, now)
            return order.as_collect()

    def _cancel(self, body: dict[str, Any]) -> dict[str, Any]:
        now = time.monotonic()
        with self.lock:
            order = self._get(body.get("orderRef"), now)
            if order.status == "pending":
                self._fail(order, "cancelled", now)
        return {}

    # ---- the simulated app ----------------------------------------------
    def find_by_content(self, content: str) -> Order:
        """Verify QR content (or an autostart token/URL) like the BankID app;
        raises ValueError with a Swedish message when refused."""
        content = content.strip()
        now = time.monotonic()
        with self.lock:
            self._purge(now)
            if content.startswith("bankid."):
                parts = content.split(".")
                if len(parts) != 4 or not parts[2].isdigit():
                    raise ValueError("QR-koden kunde inte läsas.")
                _, token, qr_time, code = parts
                order = next((o for o in self.orders.values() if o.qr_start_token == token), None)
                if order is None:
                    raise ValueError("QR-koden hör inte till någon pågående beställning.")
                expected = qr_auth_code(order.qr_start_secret, int(qr_time))
                if not hmac.compare_digest(expected, code.lower()):
                    raise ValueError("QR-koden är inte äkta. Läs av QR-koden igen.")
                if abs((now - order.created) - int(qr_time)) > self.qr_max_skew:
                    raise ValueError("QR-koden är för gammal. Läs av den nya QR-koden.")
            else:
                match = re.search(r"autostarttoken=([0-9a-fA-F-]+)", content)
                token = match.group(1) if match else content
                order = next((o for o in self.orders.values() if o.auto_start_token == token), None)
                if order is None:
                    raise ValueError("Hittade ingen pågående beställning för den koden.")
            if order.status != "pending":
                raise ValueError("Beställningen är redan avslutad. Försök igen.")
            if order.started_at is None:
                order.started_at = now
            order.hint_code = "started"
            order.log.append("started")
            return order

    def approve(self, order_ref: str, personal_number: str, device_ip: str = "127.0.0.1") -> Order:
        now = time.monotonic()
        with self.lock:
            order = self.orders.get(order_ref)
            if order is None or order.status != "pending" or order.started_at is None:
                raise ValueError("Beställningen är inte längre aktiv.")
            pnr = re.sub(r"\D", "", personal_number)
            if not re.fullmatch(r"\d{12}", pnr):
                raise ValueError("Välj ett BankID.")
            if order.required_personal_number and order.required_personal_number != pnr:
                raise ValueError("Den här beställningen är för ett annat personnummer.")
            order.person = person_for(pnr)
            order.device_ip = device_ip
            order.hint_code = "userSign"
            order.approved_at = now
            order.log.append("userSign")
            self._refresh(order, now)
            return order

    def user_cancel(self, order_ref: str) -> Order:
        now = time.monotonic()
        with self.lock:
            order = self.orders.get(order_ref)
            if order is None or order.status != "pending":
                raise ValueError("Beställningen är inte längre aktiv.")
            self._fail(order, "userCancel", now)
            return order

    # ---- lifecycle -------------------------------------------------------
    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()


# ---- the HTTPS API listener --------------------------------------------------


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, handler, context: ssl.SSLContext, simulator) -> None:
        super().__init__(address, handler)
        self.context = context
        self.simulator = simulator

    def finish_request(self, request, client_address) -> None:
        # The TLS handshake runs in the request's own thread, so a slow or
        # certificate-less client cannot block the listener.
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


class _ApiHandler(BaseHTTPRequestHandler):
    server_version = "BankID-simulator"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # The head and the body go out as two writes: without this each answer
    # waits ~40 ms for the client's delayed ACK (Nagle).
    disable_nagle_algorithm = True

    def log_message(self, format, *args) -> None:  # no access log (keeps noise down)
        pass

    def _send(self, status: int, payload: dict[str, Any], delay: float = 0.0) -> None:
        if delay:
            time.sleep(delay)
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: str, details: str) -> None:
        self._drain()
        self._send(status, {"errorCode": code, "details": details})

    def _drain(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _not_post(self) -> None:
        self._error(405, "methodNotAllowed", "Method not allowed")

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_post

    def do_POST(self) -> None:
        simulator: BankIDSimulator = self.server.simulator  # type: ignore[attr-defined]
        if not self.connection.getpeercert():
            return self._error(401, "unauthorized", "No client certificate")
        path = urlsplit(self.path).path
        endpoints = ("auth", "sign", "collect", "cancel")
        if not path.startswith(API_PREFIX + "/") or path[len(API_PREFIX) + 1 :] not in endpoints:
            return self._error(404, "notFound", "No such endpoint")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return self._error(415, "unsupportedMediaType", "Content-Type must be application/json")
        raw = self._drain()
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._send(400, {"errorCode": "invalidParameters", "details": "Invalid JSON"})
        if not isinstance(body, dict):
            return self._send(400, {"errorCode": "invalidParameters", "details": "Invalid JSON"})
        status, payload, delay = simulator.api_call(path[len(API_PREFIX) + 1 :], body)
        self._send(status, payload, delay)


# ---- the plain-HTTP app listener ----------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}
h1{font-size:1.6rem}label{display:block;font-weight:600;margin-top:1rem}
textarea,input[type=text]{width:100%;font-size:1rem;padding:.5rem;box-sizing:border-box}
button{font-size:1rem;padding:.6rem 1.2rem;margin:1rem .5rem 0 0;cursor:pointer}
.primary{background:#183e4f;color:#fff;border:2px solid #183e4f}
.secondary{background:#fff;color:#183e4f;border:2px solid #183e4f}
.error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fdecee}
.ok{border-left:4px solid #1b5e20;padding:.5rem 1rem;background:#e8f5e9}
fieldset{border:1px solid #767676;padding:.5rem 1rem}
.person{display:block;font-weight:400;margin:.25rem 0}
.visible{white-space:pre-wrap;border:1px solid #767676;padding:.5rem 1rem}
:focus-visible{outline:3px solid #005fcc;outline-offset:2px}
"""


def _page(title: str, body: str) -> bytes:
    return (
        "<!doctype html>\n"
        '<html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} – BankID-simulator</title>"
        '<link rel="stylesheet" href="/app.css"></head>'
        f'<body><main id="innehall">{body}</main></body></html>'
    ).encode()


def _scan_form(message: str = "") -> str:
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    return (
        "<h1>BankID-simulator</h1>"
        "<p>Det här är en låtsas-BankID-app för demo och test. Klistra in innehållet i "
        "QR-koden (<code>bankid.…</code>) eller en autostarttoken (eller hela "
        "<code>bankid:///?autostarttoken=…</code>-länken).</p>"
        f"{error}"
        '<form method="post" action="/scan">'
        '<label for="content">QR-kod eller autostarttoken</label>'
        '<textarea id="content" name="content" rows="3" required '
        'aria-describedby="content-hint"></textarea>'
        '<p id="content-hint">QR-koden byts varje sekund; klistra in den inom några '
        "sekunder.</p>"
        '<button class="primary" type="submit">Läs av</button></form>'
    )


def _picker(order: Order, message: str = "") -> str:
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    what = "Identifiera dig" if order.kind == "auth" else "Skriv under"
    visible = ""
    if order.user_visible_data:
        text = base64.b64decode(order.user_visible_data).decode("utf-8", "replace")
        visible = f'<h2>Det här godkänner du</h2><div class="visible">{html.escape(text)}</div>'
    persons = "".join(
        f'<label class="person"><input type="radio" name="personalNumber" '
        f'value="{pnr}"{" checked" if i == 0 else ""}> '
        f"{html.escape(person_for(pnr)['name'])}, {pnr[:8]}-{pnr[8:]}</label>"
        for i, pnr in enumerate(
            [order.required_personal_number]
            if order.required_personal_number
            else TEST_PERSONNUMMER
        )
    )
    ref = html.escape(order.order_ref)
    return (
        f"<h1>{what}</h1>{error}{visible}"
        '<form method="post" action="/approve">'
        f'<input type="hidden" name="orderRef" value="{ref}">'
        "<fieldset><legend>Välj BankID (testperson)</legend>"
        f"{persons}</fieldset>"
        '<button class="primary" type="submit">Godkänn</button></form>'
        '<form method="post" action="/cancel">'
        f'<input type="hidden" name="orderRef" value="{ref}">'
        '<button class="secondary" type="submit">Avbryt</button></form>'
    )


class _AppHandler(BaseHTTPRequestHandler):
    server_version = "BankID-simulator-app"
    sys_version = ""

    def log_message(self, format, *args) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, status: int, title: str, body: str) -> None:
        self._send(status, _page(title, body), "text/html; charset=utf-8")

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            return self._html(200, "Läs av", _scan_form())
        if path == "/app.css":
            return self._send(200, _CSS.encode(), "text/css; charset=utf-8")
        self._html(
            404, "Hittades inte", "<h1>Sidan hittades inte</h1><p><a href='/'>Börja om</a></p>"
        )

    do_HEAD = do_GET

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 100_000)) if length > 0 else b""

    def do_POST(self) -> None:
        simulator: BankIDSimulator = self.server.simulator  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        raw = self._body()
        if path == "/script":
            try:
                data = json.loads(raw or b"{}")
                if not isinstance(data, dict):
                    raise ValueError("expected an object")
                simulator.script(
                    data.get("personalNumber"),
                    after_polls=data.get("after_polls") or 0,
                    fail_hint=data.get("fail_hint"),
                    error=data.get("error"),
                    delay=data.get("delay"),
                    name=data.get("name"),
                    repeat=data.get("repeat") or 1,
                )
            except (ValueError, TypeError) as error:
                return self._json(400, {"error": str(error)})
            return self._json(200, {"queued": len(simulator.scripts)})
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if path == "/scan":
            try:
                order = simulator.find_by_content(form.get("content", ""))
            except ValueError as error:
                return self._html(400, "Läs av", _scan_form(str(error)))
            return self._html(200, "Välj BankID", _picker(order))
        if path == "/approve":
            try:
                simulator.approve(
                    form.get("orderRef", ""), form.get("personalNumber", ""), self.client_address[0]
                )
            except ValueError as error:
                order = simulator.orders.get(form.get("orderRef", ""))
                if order is not None and order.status == "pending":
                    return self._html(400, "Välj BankID", _picker(order, str(error)))
                return self._html(400, "Läs av", _scan_form(str(error)))
            return self._html(
                200,
                "Godkänt",
                '<h1>Godkänt</h1><p class="ok" role="status">Du har godkänt. Gå tillbaka till '
                "e-tjänsten.</p><p><a href='/'>Läs av en ny kod</a></p>",
            )
        if path == "/cancel":
            try:
                simulator.user_cancel(form.get("orderRef", ""))
            except ValueError as error:
                return self._html(400, "Läs av", _scan_form(str(error)))
            return self._html(
                200,
                "Avbrutet",
                '<h1>Avbrutet</h1><p class="ok" role="status">Du avbröt. Gå tillbaka till '
                "e-tjänsten.</p><p><a href='/'>Läs av en ny kod</a></p>",
            )
        self._html(404, "Hittades inte", "<h1>Sidan hittades inte</h1>")


class _AppServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, handler, simulator) -> None:
        super().__init__(address, handler)
        self.simulator = simulator

    def handle_error(self, request, client_address) -> None:
        pass


def server_context(certs: CertPaths) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certs.server, certs.server_key)
    context.load_verify_locations(cafile=certs.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def start(
    cert_folder: Path,
    host: str = "127.0.0.1",
    api_port: int = 0,
    app_port: int = 0,
    **timeouts: Any,
) -> BankIDSimulator:
    """Generate missing certificates in `cert_folder`, start both listeners in
    daemon threads and return the simulator. `timeouts` are the keyword
    arguments of BankIDSimulator (start_failed_after=0.5 and so on)."""
    certs = ensure_certificates(Path(cert_folder))
    simulator = BankIDSimulator(certs, **timeouts)
    api = _TLSServer((host, api_port), _ApiHandler, server_context(certs), simulator)
    app = _AppServer((host, app_port), _AppHandler, simulator)
    simulator.api_url = f"https://{host}:{api.server_address[1]}{API_PREFIX}"
    simulator.app_url = f"http://{host}:{app.server_address[1]}"
    for server, name in ((api, "bankid-sim-api"), (app, "bankid-sim-app")):
        thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
        thread.start()
        simulator._servers.append(server)
        simulator._threads.append(thread)
    return simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local BankID RP API v6.0 simulator")
    parser.add_argument("--folder", type=Path, default=Path("var/bankid"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=8443)
    parser.add_argument("--app-port", type=int, default=8444)
    args = parser.parse_args(argv)
    simulator = start(args.folder, host=args.host, api_port=args.api_port, app_port=args.app_port)
    print(f"BankID RP API (mTLS): {simulator.api_url}", flush=True)
    print(f"BankID-appen (simulerad): {simulator.app_url}/", flush=True)
    print(f"Certifikat: {simulator.certs.folder}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
