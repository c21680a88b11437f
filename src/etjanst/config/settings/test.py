"""The test suite: SQLite unless DATABASE_URL points at PostgreSQL; tasks run
at once in-process (tests that exercise the real worker switch backend)."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "etjanst.demo"]  # noqa: F405
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
if not os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "test.sqlite3"),  # noqa: F405
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # One file per run, so parallel runs never share a database.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},  # noqa: F405
        }
    }
# Each poll reads its order's row, so a test sees a change at once
# (tests/bankid/test_poll_snapshot.py turns the snapshot on).
ETJANST_BANKID_POLL_SNAPSHOT = 0.0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker subprocess of a fault test shares the test's media folder.
MEDIA_ROOT = os.environ.get("ETJANST_TEST_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="etjanst-test-media-"
)
STATIC_ROOT = tempfile.mkdtemp(prefix="etjanst-test-static-")
atexit.register(shutil.rmtree, STATIC_ROOT, ignore_errors=True)
if "ETJANST_TEST_MEDIA_ROOT" not in os.environ:  # the test that made it removes it
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The real database backend: tests drain the queue with the real worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 1))  # tests start their own SMTP server
EMAIL_TIMEOUT = 5

# The Navet simulator registers its people in the made-up kommunkod 9999
# (the demo's "Välj barn" questions filter on it).
ETJANST_MUNICIPALITY = {**ETJANST_MUNICIPALITY, "code": "9999"}  # noqa: F405
