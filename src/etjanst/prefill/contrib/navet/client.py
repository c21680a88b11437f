"""A client for Navet's personpostXML over HTTPS with mutual TLS: plain SOAP
XML over httpx (see docs/navet.md for why not zeep). Every failure becomes
PrefillUnavailable. Neither the personnummer nor the answer is logged."""

import logging
import ssl

import httpx

from etjanst.prefill.base import PersonRecord, PrefillUnavailable

from .messages import parse_person, request_xml

logger = logging.getLogger(__name__)


class NavetClient:
    def __init__(
        self,
        *,
        url: str,
        client_cert: str,
        client_key: str,
        ca_cert: str,
        org_nr: str,
        order_id: str,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.org_nr = org_nr
        self.order_id = order_id
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies host names
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if ca_cert:
            context.load_verify_locations(cafile=str(ca_cert))  # pinned
        else:
            context.load_default_certs()
        if client_cert:
            context.load_cert_chain(str(client_cert), str(client_key) if client_key else None)
        self._http = httpx.Client(
            verify=context,
            timeout=httpx.Timeout(timeout),
            trust_env=False,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        )

    @classmethod
    def from_settings(cls) -> "NavetClient":
        from django.conf import settings

        config = settings.NAVET
        return cls(
            url=config["URL"],
            client_cert=str(config.get("CLIENT_CERT", "")),
            client_key=str(config.get("CLIENT_KEY", "")),
            ca_cert=str(config.get("CA_CERT", "")),
            org_nr=config["ORG_NR"],
            order_id=config["ORDER_ID"],
            timeout=float(config.get("TIMEOUT", 5.0)),
        )

    def close(self) -> None:
        self._http.close()

    def person(self, personnummer: str) -> PersonRecord:
        body = request_xml(org_nr=self.org_nr, order_id=self.order_id, personnummer=personnummer)
        try:
            response = self._http.post(self.url, content=body)
        except httpx.TimeoutException:
            logger.warning("Navet did not answer in time")
            raise PrefillUnavailable("timeout") from None
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            logger.warning("Navet could not be reached: %s", exc.__class__.__name__)
            raise PrefillUnavailable("unreachable") from None
        # A SOAP fault comes with 500: read it as any other answer.
        if response.status_code not in (200, 500):
            logger.warning("Navet answered HTTP %s", response.status_code)
            raise PrefillUnavailable(f"HTTP {response.status_code}")
        try:
            return parse_person(response.content, personnummer=personnummer)
        except PrefillUnavailable as exc:
            logger.warning("Navet's answer was not usable (%s)", exc)
            raise
