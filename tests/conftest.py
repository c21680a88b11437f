import os
import re

import pytest
from django.core.management import call_command
from django.db import connection

from etjanst.simulators import mailbox as mailbox_simulator


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, with the one-time code /admin/ needs."""
    from django.test import Client

    from tests.staff_accounts import log_in_admin

    client = Client()
    log_in_admin(client, admin_user)
    return client


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on a free local port; settings point at it."""
    controller, handler = mailbox_simulator.start(port=0)
    # pytest-django swaps in the locmem backend; these tests use real SMTP.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    yield handler
    controller.stop()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits (etjanst.config.throttle) count in the cache, which
    outlives each test: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_content_snapshot():
    """The content snapshot lives in the cache, which outlives each test's
    database: never let one test see another's pages or messages."""
    from etjanst.content import current

    current.forget()
    yield
    current.forget()


@pytest.fixture(scope="session")
def bankid_simulator(tmp_path_factory):
    """The BankID simulator on free loopback ports, with its own fresh CA."""
    from etjanst.simulators.bankid import start

    simulator = start(tmp_path_factory.mktemp("bankid-certs"), user_sign_seconds=0.0, qr_max_skew=3)
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def saml_simulator(tmp_path_factory):
    """The local SAML identity providers (Freja eID+, Telia, eIDAS) on a free
    loopback port, with their own fresh keys and the SP's key pair."""
    from etjanst.simulators.saml import start

    simulator = start(tmp_path_factory.mktemp("saml-keys"))
    yield simulator
    simulator.stop()


@pytest.fixture
def run_tasks(transactional_db):
    """Drain the task queue with the real worker (django-tasks-db), as the
    `db_worker` process does in production."""

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    return run


@pytest.fixture
def on_postgresql():
    return connection.vendor == "postgresql"


def csrf_token_from(response) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert match, "the page has no CSRF token"
    return match.group(1).decode()


def pytest_collection_modifyitems(config, items):
    # Browser tests need Chromium; say so loudly instead of skipping silently.
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(
                    pytest.mark.skip(reason=f"Chromium not found at {chromium}: run `make test`")
                )
