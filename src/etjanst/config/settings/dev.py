"""Local development and the demo: SQLite, DEBUG on, mail to a local port."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
# Text logs in a terminal (override with LOG_FORMAT=json).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
# runserver's own line per request would repeat etjanst.access's.
LOGGING["loggers"]["django.server"] = {"level": "WARNING"}  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "etjanst.demo"]  # noqa: F405
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 1025))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# The demo logs in through the local BankID simulator (make demo starts it).
_SIMULATOR_CERTS = VAR_DIR / "bankid"  # noqa: F405
BANKID = {
    **BANKID,  # noqa: F405
    "BASE_URL": os.environ.get("BANKID_BASE_URL", "https://127.0.0.1:8443/rp/v6.0"),
    "CLIENT_CERT": str(_SIMULATOR_CERTS / "client.pem"),
    "CLIENT_KEY": str(_SIMULATOR_CERTS / "client-key.pem"),
    "CA_CERT": str(_SIMULATOR_CERTS / "ca.pem"),
}

# Prefill from the local Navet simulator (make demo starts it; certificates in var/navet).
_NAVET_CERTS = VAR_DIR / "navet"  # noqa: F405
ETJANST_PREFILL_SOURCES = ["navet"]
NAVET = {
    **NAVET,  # noqa: F405
    "URL": os.environ.get("NAVET_URL", "https://127.0.0.1:8445/na/na_epersondata/V2/personpostXML"),
    "CLIENT_CERT": str(_NAVET_CERTS / "client.pem"),
    "CLIENT_KEY": str(_NAVET_CERTS / "client-key.pem"),
    "CA_CERT": str(_NAVET_CERTS / "ca.pem"),
    # Skatteverket's public test values.
    "ORG_NR": "162021004748",
    "ORDER_ID": "00000079-FO01-0001",
}
# The Navet simulator registers its people in the made-up kommunkod 9999.
ETJANST_MUNICIPALITY = {**ETJANST_MUNICIPALITY, "code": "9999"}  # noqa: F405
# Freja eID+, Telia and eIDAS through the local SAML identity providers
# (make demo starts them on port 8446; keys in var/saml).
ETJANST_EID_METHODS = env_list("ETJANST_EID_METHODS", "bankid,saml")
_SAML_SIMULATOR = os.environ.get("SAML_SIMULATOR_URL", "http://127.0.0.1:8446")
_SAML_KEYS = VAR_DIR / "saml"  # noqa: F405
SAML = {
    **SAML,  # noqa: F405
    "KEY": os.environ.get("SAML_KEY") or str(_SAML_KEYS / "sp-key.pem"),
    "CERT": os.environ.get("SAML_CERT") or str(_SAML_KEYS / "sp.pem"),
    "METADATA_CACHE_SECONDS": int(os.environ.get("SAML_METADATA_CACHE_SECONDS", 60)),
    "IDPS": os.environ.get("SAML_IDPS")
    or [
        {
            "id": idp,
            "name": name,
            "name_en": name_en,
            "entity_id": f"{_SAML_SIMULATOR}/{idp}",
            "metadata_url": f"{_SAML_SIMULATOR}/{idp}/metadata",
            "foreign": idp == "eidas",
        }
        for idp, name, name_en in (
            ("freja", "Freja eID+", "Freja eID+"),
            ("telia", "Telia", "Telia"),
            ("eidas", "Utländsk e-legitimation (eIDAS)", "Foreign eID (eIDAS)"),
        )
    ],
}
