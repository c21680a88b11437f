"""Browser tests: Playwright (sync API) drives the Debian Chromium against
pytest-django's live server, and axe-core checks every page a test visits.

Every page is scanned: use `site.visit(path)` to open a page and
`with site.navigation(): ...` around whatever makes the browser load a new
page (a click, a key press). Both run axe on the page that loaded. A test that
lets the browser reach a page without scanning it fails at teardown.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

import etjanst
from tests.browser.a11y import axe_violations, format_violations
from tests.browser.bankid_fixtures import bankid  # noqa: F401

# Playwright's sync API runs an event loop in this thread; Django's ORM (the
# demo loader, assertions on the database) must still be allowed here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

STATIC_DIR = Path(etjanst.__file__).resolve().parent / "static"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def static_files() -> None:
    """The site's CSS and JavaScript must be served, or every page would be
    tested unstyled and without site.js."""
    assert finders.find("etjanst/site.css"), "the site's CSS cannot be served"


@pytest.fixture
def context(browser: Browser, live_server, static_files) -> Iterator[BrowserContext]:
    # The site's strict CSP stays on: page.evaluate (used to inject axe) is
    # not subject to it, and a template that broke the CSP would show up as
    # a console error below.
    context = browser.new_context(
        accept_downloads=True,
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": 1024, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("load_demo", verbosity=0)


class Site:
    """The resident's browser tab, with an axe scan on every page."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.navigations = 0  # documents loaded in the tab so far
        self.scanned: set[int] = set()
        self.console_errors: list[str] = []
        # Fires once per new document, not for in-page (#fragment) links.
        page.on("domcontentloaded", self._loaded)
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.console_errors.append(f"JS error: {error}"))

    def _loaded(self, page) -> None:
        self.navigations += 1

    def _console(self, message) -> None:
        # CSP violations and script errors. Failed loads are reported with
        # their address by _response (a page may answer 400 or 404 on purpose).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.console_errors.append(f"{response.status} for {response.url}")

    def scan(self) -> None:
        """Check the page as it is now with axe-core (also after live changes)."""
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page)
        if violations:
            pytest.fail(format_violations(self.page.url, violations), pytrace=False)
        self.scanned.add(self.navigations)

    def visit(self, path: str):
        response = self.page.goto(path)
        self.scan()
        return response

    @contextmanager
    def navigation(self) -> Iterator[None]:
        """Wrap whatever makes the browser load a new page; scans it."""
        with self.page.expect_navigation():
            yield
        self.scan()

    def url_path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def check_all_scanned(self) -> None:
        missing = set(range(1, self.navigations + 1)) - self.scanned
        assert not missing, (
            f"{len(missing)} page(s) were loaded but never scanned with axe: "
            "use site.visit() or `with site.navigation():`"
        )
        assert not self.console_errors, "Errors in the browser:\n" + "\n".join(self.console_errors)


@pytest.fixture
def site(context: BrowserContext, live_server) -> Iterator[Site]:
    page = context.new_page()
    site = Site(page, live_server.url)
    yield site
    site.check_all_scanned()
    page.close()


@pytest.fixture
def page(site: Site) -> Page:
    return site.page
