"""Local development and the demo: SQLite, DEBUG on, mail to a local port."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
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
