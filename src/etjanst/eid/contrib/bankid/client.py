"""A client for the BankID Relying Party API v6.0 (shared/reference/bankid.md).

Mutual TLS with the relying party's certificate; the BankID server CA is
pinned (only the configured CA is trusted, never the system roots). Every
failure becomes a BankIDError with the API's `errorCode`, or, for transport
failures: "requestTimeout" (timeouts), "unauthorized" (the server refused our
client certificate) or "internalError" (anything else, including bad JSON and
a server certificate we do not trust). `Maintenance` (503) is retried once.

Personal numbers are never logged.
"""

from __future__ import annotations

import base64
import json
import logging
import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderStart:
    order_ref: str
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str
    started_at: float  # time.time() when the response arrived


@dataclass(frozen=True)
class CollectResult:
    order_ref: str
    status: str  # "pending" | "failed" | "complete"
    hint_code: str | None
    completion_data: dict | None


class BankIDError(Exception):
    def __init__(self, error_code: str, details: str = "", http_status: int | None = None) -> None:
        super().__init__(f"{error_code}: {details}" if details else error_code)
        self.error_code = error_code
        self.details = details
        self.http_status = http_status


_CERT_REFUSED_MARKERS = (
    "CERTIFICATE_REQUIRED",
    "ALERT_BAD_CERTIFICATE",
    "ALERT_UNKNOWN_CA",
    "ALERT_CERTIFICATE_UNKNOWN",
    "SSLV3_ALERT_HANDSHAKE_FAILURE",
)


class BankIDClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_cert: str,
        client_key: str,
        ca_cert: str,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies host names
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_verify_locations(cafile=str(ca_cert))  # pinned: no system roots
        if client_cert:
            context.load_cert_chain(str(client_cert), str(client_key) if client_key else None)
        self._http = httpx.Client(
            verify=context,
            timeout=httpx.Timeout(timeout),
            trust_env=False,
            headers={"Accept": "application/json"},
        )

    @classmethod
    def from_settings(cls) -> BankIDClient:
        from django.conf import settings

        config = settings.BANKID
        return cls(
            base_url=config["BASE_URL"],
            client_cert=str(config["CLIENT_CERT"]),
            client_key=str(config["CLIENT_KEY"]),
            ca_cert=str(config["CA_CERT"]),
            timeout=float(config.get("TIMEOUT", 10.0)),
        )

    def close(self) -> None:
        self._http.close()

    # ---- the API -----------------------------------------------------------
    def auth(
        self,
        *,
        end_user_ip: str,
        user_visible_data: str | None = None,
        return_url: str | None = None,
    ) -> OrderStart:
        body: dict[str, Any] = {"endUserIp": end_user_ip}
        if user_visible_data is not None:
            body["userVisibleData"] = _b64(user_visible_data.encode("utf-8"))
            body["userVisibleDataFormat"] = "simpleMarkdownV1"
        if return_url:
            body["returnUrl"] = return_url
        return self._start("auth", body)

    def sign(
        self,
        *,
        end_user_ip: str,
        user_visible_data: str,
        user_non_visible_data: bytes | None = None,
        return_url: str | None = None,
    ) -> OrderStart:
        body: dict[str, Any] = {
            "endUserIp": end_user_ip,
            "userVisibleData": _b64(user_visible_data.encode("utf-8")),
            "userVisibleDataFormat": "simpleMarkdownV1",
        }
        if user_non_visible_data is not None:
            body["userNonVisibleData"] = _b64(user_non_visible_data)
        if return_url:
            body["returnUrl"] = return_url
        return self._start("sign", body)

    def collect(self, order_ref: str) -> CollectResult:
        data = self._call("collect", {"orderRef": order_ref})
        status = data.get("status")
        if not isinstance(status, str) or status not in ("pending", "failed", "complete"):
            raise BankIDError("internalError", "Unexpected collect status", 200)
        completion = data.get("completionData") if status == "complete" else None
        if status == "complete" and not isinstance(completion, dict):
            raise BankIDError("internalError", "Missing completionData", 200)
        hint = data.get("hintCode")
        result = CollectResult(
            order_ref=str(data.get("orderRef") or order_ref),
            status=status,
            hint_code=hint if isinstance(hint, str) else None,
            completion_data=completion,
        )
        logger.debug("BankID collect %s: %s/%s", order_ref, result.status, result.hint_code)
        return result

    def cancel(self, order_ref: str) -> None:
        self._call("cancel", {"orderRef": order_ref})

    # ---- plumbing ------------------------------------------------------------
    def _start(self, endpoint: str, body: dict[str, Any]) -> OrderStart:
        data = self._call(endpoint, body)
        arrived = time.time()
        try:
            start = OrderStart(
                order_ref=_str(data["orderRef"]),
                auto_start_token=_str(data["autoStartToken"]),
                qr_start_token=_str(data["qrStartToken"]),
                qr_start_secret=_str(data["qrStartSecret"]),
                started_at=arrived,
            )
        except (KeyError, TypeError) as error:
            raise BankIDError("internalError", f"Incomplete {endpoint} response", 200) from error
        logger.info("BankID %s order started: %s", endpoint, start.order_ref)
        return start

    def _call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._request("POST", endpoint, body)
        except BankIDError as error:
            if error.error_code != "Maintenance":
                raise
            logger.warning("BankID %s: Maintenance, retrying once", endpoint)
            time.sleep(min(1.0, self.timeout / 10))
            return self._request("POST", endpoint, body)

    def _request(
        self,
        method: str,
        endpoint: str,
        body: dict[str, Any] | None = None,
        *,
        content_type: str = "application/json",
    ) -> dict[str, Any]:
        url = f"{self.base_url}/{endpoint}"
        content = json.dumps(body if body is not None else {}).encode()
        try:
            response = self._http.request(
                method, url, content=content, headers={"Content-Type": content_type}
            )
        except httpx.TimeoutException as error:
            logger.warning("BankID %s: timeout", endpoint)
            raise BankIDError("requestTimeout", "No answer in time") from error
        except httpx.HTTPError as error:
            text = str(error)
            code = (
                "unauthorized"
                if any(marker in text.upper() for marker in _CERT_REFUSED_MARKERS)
                else "internalError"
            )
            logger.warning("BankID %s: transport error (%s): %s", endpoint, code, text)
            raise BankIDError(code, f"Transport error: {text}") from error

        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict):
            return data
        if isinstance(data, dict) and isinstance(data.get("errorCode"), str):
            code, details = data["errorCode"], str(data.get("details") or "")
        elif response.status_code == 200:
            code, details = "internalError", "Invalid JSON in the response"
        else:
            code, details = _code_for_status(response.status_code), "No error body"
        logger.warning("BankID %s: HTTP %s %s", endpoint, response.status_code, code)
        raise BankIDError(code, details, response.status_code)


def _code_for_status(status: int) -> str:
    return {
        400: "invalidParameters",
        401: "unauthorized",
        403: "unauthorized",
        404: "notFound",
        405: "methodNotAllowed",
        408: "requestTimeout",
        415: "unsupportedMediaType",
        429: "tooManyRequests",
        503: "Maintenance",
    }.get(status, "internalError")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("expected a non-empty string")
    return value
