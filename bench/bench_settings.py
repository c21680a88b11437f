"""Production settings for benchmark B4 (bench/bankid_poll.py), with BankID
pointed at the LOCAL simulator. Used by the benchmark only, never deployed.

`etjanst.config.settings.production` refuses any BankID base URL that is not
BankID's own (it raises ImproperlyConfigured at import), so it cannot be
imported here. Instead this module builds on `base` and repeats
production.py's lines one by one; the only difference is the last check,
which here accepts the loopback simulator and nothing else.
bench/bankid_poll.py verifies, before it starts, that every setting of this
module equals production's (loaded with a real BankID URL) except BANKID; if
production.py changes, the benchmark stops and says which setting differs.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from etjanst.config.settings.base import *  # noqa: F403
from etjanst.config.settings.base import (
    BANKID,
    INSTALLED_APPS,
    MIDDLEWARE,
    env_bool,
    refuse_development_tools,
)

# ---- copied from etjanst/config/settings/production.py --------------------
DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

refuse_development_tools(INSTALLED_APPS + MIDDLEWARE)
# ---- end of the copy -------------------------------------------------------

# Production refuses everything but BankID here; the benchmark accepts only
# the simulator on loopback.
if urlsplit(BANKID["BASE_URL"]).hostname not in {"127.0.0.1", "localhost"}:
    raise ImproperlyConfigured("bench_settings: BANKID_BASE_URL must be the local simulator.")
