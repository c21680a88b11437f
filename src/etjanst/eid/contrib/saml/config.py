"""The service provider's configuration: the identity providers from
settings.SAML, their metadata (a file, or a URL fetched and cached on disk,
its signature checked when a certificate is given) and the pysaml2 SPConfig
built from them. Nothing here is per request except the base URL."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.attribute_converter import AttributeConverter
from saml2.config import SPConfig
from saml2.saml import NAME_FORMAT_URI
from saml2.sigver import CryptoBackendXmlSec1, get_xmlsec_binary
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from .constants import (
    ATTRIBUTES,
    ENTITY_CATEGORY_EIDAS_NATURAL_PERSON,
    ENTITY_CATEGORY_LOA3_PNR,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdentityProvider:
    """One identity provider (or broker) residents can choose on /logga-in/."""

    id: str  # in our URLs: /logga-in/saml/<id>/
    name: str  # shown on /logga-in/, e.g. "Freja eID+"
    entity_id: str
    metadata_url: str = ""
    metadata_file: str = ""
    metadata_cert: str = ""  # PEM that signed the metadata (a federation's signing cert)
    foreign: bool = False  # eIDAS: persons may have no Swedish personnummer
    name_en: str = ""
    description: str = ""
    description_en: str = ""

    @property
    def method(self) -> str:
        """The e-ID method id a person logged in through this IdP carries."""
        return f"saml:{self.id}"


def identity_providers() -> list[IdentityProvider]:
    """settings.SAML["IDPS"]: a list of dicts, JSON text, or a path to a JSON file."""
    raw = settings.SAML.get("IDPS") or []
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return []
        if not text.startswith("["):
            text = Path(text).read_text(encoding="utf-8")
        raw = json.loads(text)
    idps = []
    for entry in raw:
        try:
            idp = IdentityProvider(**entry)
        except TypeError as exc:
            raise ImproperlyConfigured(f"SAML_IDPS: {exc}") from exc
        if not idp.id or not idp.entity_id or not (idp.metadata_url or idp.metadata_file):
            raise ImproperlyConfigured(
                "SAML_IDPS: every identity provider needs id, entity_id and metadata_url or "
                "metadata_file."
            )
        idps.append(idp)
    return idps


def identity_provider(idp_id: str) -> IdentityProvider | None:
    return next((idp for idp in identity_providers() if idp.id == idp_id), None)


# ---- metadata ---------------------------------------------------------------

_metadata_lock = threading.Lock()


def _cache_dir() -> Path:
    folder = Path(settings.SAML.get("METADATA_CACHE_DIR") or settings.VAR_DIR / "saml-metadata")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def xmlsec_binary() -> str:
    return settings.SAML.get("XMLSEC_BINARY") or get_xmlsec_binary()


def _verify_metadata(xml: str, cert_file: str) -> None:
    root = "EntitiesDescriptor" if "EntitiesDescriptor" in xml[:2000] else "EntityDescriptor"
    backend = CryptoBackendXmlSec1(xmlsec_binary())
    backend.validate_signature(
        xml,
        cert_file=cert_file,
        cert_type="pem",
        node_name=f"urn:oasis:names:tc:SAML:2.0:metadata:{root}",
        node_id=None,
    )


def metadata_file(idp: IdentityProvider) -> Path | None:
    """A local file with the IdP's metadata: its own file, or the URL's
    content cached for METADATA_CACHE_SECONDS. A failed refresh keeps the
    cached copy; with none, the IdP is unavailable (None)."""
    if idp.metadata_file:
        path = Path(idp.metadata_file)
        if not path.is_file():  # `check --deploy` says so too (eid/checks.py)
            logger.error("SAML metadata file for %s is missing: %s", idp.id, path)
            return None
        return path
    # Named after the address and the certificate it was verified with.
    source = f"{idp.metadata_url}|{idp.metadata_cert}"
    cached = _cache_dir() / (hashlib.sha256(source.encode()).hexdigest()[:32] + ".xml")
    max_age = float(settings.SAML.get("METADATA_CACHE_SECONDS", 6 * 3600))
    with _metadata_lock:
        if cached.exists() and time.time() - cached.stat().st_mtime < max_age:
            return cached
        try:
            answer = httpx.get(idp.metadata_url, timeout=10, follow_redirects=True)
            answer.raise_for_status()
            xml = answer.text
            if idp.metadata_cert:
                _verify_metadata(xml, idp.metadata_cert)
        except Exception as exc:  # network, HTTP or signature: keep what we had
            logger.warning(
                "SAML metadata for %s could not be fetched (%s)", idp.id, type(exc).__name__
            )
            return cached if cached.exists() else None
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(xml)
        os.replace(tmp, cached)
        return cached


def forget_metadata() -> None:
    """Drop cached metadata and configurations (tests, a changed IdP)."""
    with _metadata_lock:
        for path in _cache_dir().glob("*.xml"):
            path.unlink(missing_ok=True)
    _configs.clear()


# ---- the pysaml2 configuration -------------------------------------------------


def attribute_converters() -> list[AttributeConverter]:
    converter = AttributeConverter(NAME_FORMAT_URI)
    converter.from_dict(
        {
            "identifier": NAME_FORMAT_URI,
            "fro": {uri: name for name, uri in ATTRIBUTES.items()},
            "to": dict(ATTRIBUTES),
        }
    )
    return [converter]


def base_url(request) -> str:
    """SAML_BASE_URL, or this request's scheme and host (development, tests)."""
    return (settings.SAML.get("BASE_URL") or request.build_absolute_uri("/")).rstrip("/")


def entity_id(base: str) -> str:
    return settings.SAML.get("ENTITY_ID") or base + reverse("portal:saml_metadata")


def acs_url(base: str) -> str:
    return base + reverse("portal:saml_acs")


def slo_url(base: str) -> str:
    return base + reverse("portal:saml_slo")


_configs: dict[tuple, tuple[float, SPConfig]] = {}


def sp_config(base: str) -> SPConfig:
    """The SP configuration for this base URL, rebuilt when metadata may
    have changed (every METADATA_CACHE_SECONDS) or the settings did."""
    saml = settings.SAML
    key = (base, json.dumps(saml, sort_keys=True, default=str))
    max_age = float(saml.get("METADATA_CACHE_SECONDS", 6 * 3600))
    cached = _configs.get(key)
    if cached and time.time() < cached[0]:
        return cached[1]
    paths = [metadata_file(idp) for idp in identity_providers()]
    files = sorted({str(path) for path in paths if path})
    if None in paths:  # an IdP without metadata: try again in a minute, not in hours
        max_age = min(max_age, 60)
    municipality = settings.ETJANST_MUNICIPALITY
    key_file, cert_file = saml.get("KEY", ""), saml.get("CERT", "")
    if not key_file or not cert_file:
        raise ImproperlyConfigured("SAML_KEY and SAML_CERT must name the SP's key and certificate.")
    config: dict[str, Any] = {
        "entityid": entity_id(base),
        "xmlsec_binary": xmlsec_binary(),
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [
            {
                "key_file": saml.get("ENCRYPTION_KEY") or key_file,
                "cert_file": saml.get("ENCRYPTION_CERT") or cert_file,
            }
        ],
        "metadata": {"local": files},
        "accepted_time_diff": int(saml.get("CLOCK_SKEW", 60)),
        "allow_unknown_attributes": True,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "entity_category": [ENTITY_CATEGORY_LOA3_PNR, ENTITY_CATEGORY_EIDAS_NATURAL_PERSON],
        "service": {
            "sp": {
                "name": municipality["name"],
                "ui_info": {
                    "display_name": [{"text": municipality["name"], "lang": "sv"}],
                    "description": [{"text": "E-tjänster", "lang": "sv"}],
                },
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(base), BINDING_HTTP_POST)],
                    "single_logout_service": [(slo_url(base), BINDING_HTTP_REDIRECT)],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": bool(saml.get("WANT_RESPONSE_SIGNED", True)),
                "allow_unsolicited": False,
                "name_id_format_allow_create": True,
            }
        },
        "contact_person": [
            {"contact_type": "technical", "email_address": [municipality["email"]]},
            {"contact_type": "support", "email_address": [municipality["email"]]},
        ],
        "organization": {
            "name": [(municipality["name"], "sv")],
            "display_name": [(municipality["name"], "sv")],
            "url": [(municipality["website"], "sv")],
        },
    }
    conf = SPConfig()
    conf.load(config)
    conf.attribute_converters = attribute_converters()
    _configs[key] = (time.time() + max_age, conf)
    return conf
