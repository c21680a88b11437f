"""Production: everything from the environment, safe by default.

`manage.py check --deploy` passes without warnings. The simulators and debug
tools cannot be switched on here: see the checks at the bottom."""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, env_bool, refuse_development_tools

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env_bool("SECURE_PROXY_SSL_HEADER", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload directive only takes effect once the domain is submitted to
# the browsers' preload list; a municipality on its own domain should.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Never in production, whatever the environment says.
refuse_development_tools(INSTALLED_APPS + MIDDLEWARE)

# BankID must be the real service (test or production), never a simulator.
if urlsplit(BANKID["BASE_URL"]).hostname not in {"appapi2.bankid.com", "appapi2.test.bankid.com"}:  # noqa: F405
    raise ImproperlyConfigured("BANKID_BASE_URL must point at BankID's test or production service.")

# Navet must be Skatteverket's service, never the simulator.
if "navet" in ETJANST_PREFILL_SOURCES:  # noqa: F405
    _navet_host = urlsplit(NAVET["URL"]).hostname or ""  # noqa: F405
    if _navet_host != "skatteverket.se" and not _navet_host.endswith(".skatteverket.se"):
        raise ImproperlyConfigured("NAVET_URL must point at Skatteverket's Navet service.")
# The SAML identity providers must be real ones (metadata over HTTPS or from a
# file), never the local simulator; and the SP needs a stable address.
_saml_idps = SAML["IDPS"].strip()  # noqa: F405
if _saml_idps and not _saml_idps.startswith("["):
    _saml_idps = Path(_saml_idps).read_text(encoding="utf-8")
for _idp in json.loads(_saml_idps or "[]"):
    for _address in (_idp.get("metadata_url", ""), _idp.get("entity_id", "")):
        if urlsplit(_address).hostname in {"localhost", "127.0.0.1", "::1"}:
            raise ImproperlyConfigured(
                "SAML_IDPS must name real identity providers, never the local simulator."
            )
    if _idp.get("metadata_url", "").startswith("http://"):
        raise ImproperlyConfigured("SAML_IDPS: fetch metadata over HTTPS (metadata_url).")
if "saml" in ETJANST_EID_METHODS:  # noqa: F405
    if not SAML["BASE_URL"].startswith("https://"):  # noqa: F405
        raise ImproperlyConfigured("SAML_BASE_URL must be the site's https:// address.")
    if not (SAML["KEY"] and SAML["CERT"]):  # noqa: F405
        raise ImproperlyConfigured("SAML_KEY and SAML_CERT must name the SP's key and certificate.")
