"""Production settings are safe by default; every page carries a strict CSP."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from etjanst.config.settings.base import refuse_development_tools

ROOT = Path(__file__).parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "etjanst.config.settings.production",
    "SECRET_KEY": "k3J9x!2mQz8vR4tY7wP1sL6nB0cF5hG3jD8aE2uI9oK4lM7-test-only-not-secret",
    "ALLOWED_HOSTS": "e-tjanster.exempelby.se",
    "DATABASE_URL": "sqlite:////tmp/etjanst-check.sqlite3",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # Not the test process's own switches (the browser tests set one).
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_warnings(tmp_path):
    # A municipality's own values and BankID certificates (checked to exist).
    certs = {}
    for variable in ("BANKID_CLIENT_CERT", "BANKID_CLIENT_KEY", "BANKID_CA_CERT"):
        certs[variable] = str(tmp_path / f"{variable.lower()}.pem")
        Path(certs[variable]).write_text("PEM")
    env = {
        **PRODUCTION_ENV,
        **certs,
        "ETJANST_MUNICIPALITY_NAME": "Storsjö kommun",
        "ETJANST_MUNICIPALITY_EMAIL": "kontakt@storsjo.se",
        "ETJANST_MUNICIPALITY_PHONE": "063-14 30 00",
        "ETJANST_MUNICIPALITY_WEBSITE": "https://www.storsjo.se",
        "DEFAULT_FROM_EMAIL": "Storsjö kommun <e-tjanster@storsjo.se>",
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_weak_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_cannot_enable_debug():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SECURE_HSTS_SECONDS > 0)",
        env={**PRODUCTION_ENV, "DEBUG": "true"},
    )
    assert result.stdout.split()[-5:] == ["False", "True", "True", "True", "True"], result.stderr


@pytest.mark.parametrize(
    "name", ["etjanst.simulators", "etjanst.simulators.bankid", "etjanst.demo", "debug_toolbar"]
)
def test_simulators_demo_and_debug_tools_are_refused_in_production(name):
    with pytest.raises(ImproperlyConfigured):
        refuse_development_tools(["django.contrib.admin", name])


@pytest.mark.django_db
def test_pages_have_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_style():
    pages = [
        p
        for p in (ROOT / "src" / "etjanst").rglob("*.html")
        if not p.name.endswith("_pdf.html")  # rendered to PDF by WeasyPrint, never served
    ]
    assert pages
    for page in pages:
        html = page.read_text()
        # A JSON data block (type="application/json") is data, never run.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', html), (
            page
        )
        assert not re.search(r"\sstyle=|<style", html), page
        assert not re.search(r"\son[a-z]+=", html), page


def test_collectstatic_with_the_production_storage_finds_the_site_files(tmp_path):
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    result = manage("collectstatic", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "etjanst/site.css" in manifest and "etjanst/site.js" in manifest


def test_production_refuses_a_bankid_simulator():
    result = manage(
        "check", env={**PRODUCTION_ENV, "BANKID_BASE_URL": "https://127.0.0.1:8443/rp/v6.0"}
    )
    assert result.returncode != 0
    assert "BANKID_BASE_URL" in result.stderr
    ok = manage(
        "check",
        env={**PRODUCTION_ENV, "BANKID_BASE_URL": "https://appapi2.test.bankid.com/rp/v6.0"},
    )
    assert ok.returncode == 0, ok.stderr


def test_production_refuses_the_local_saml_identity_providers():
    local = '[{"id": "freja", "name": "Freja eID+", "entity_id": "http://127.0.0.1:8445/freja", "metadata_url": "http://127.0.0.1:8445/freja/metadata"}]'
    real = '[{"id": "freja", "name": "Freja eID+", "entity_id": "https://idp.example.se/freja", "metadata_url": "https://md.swedenconnect.se/role/idp.xml"}]'
    env = {
        **PRODUCTION_ENV,
        "ETJANST_EID_METHODS": "bankid,saml",
        "SAML_KEY": "/etc/etjanst/sp-key.pem",
        "SAML_CERT": "/etc/etjanst/sp.pem",
    }
    result = manage("check", env={**env, "SAML_IDPS": local, "SAML_BASE_URL": "https://e.se"})
    assert result.returncode != 0
    assert "never the local simulator" in result.stderr
    result = manage("check", env={**env, "SAML_IDPS": real})
    assert result.returncode != 0
    assert "SAML_BASE_URL" in result.stderr
    result = manage(
        "check", env={**env, "SAML_IDPS": real, "SAML_BASE_URL": "https://e.se", "SAML_KEY": ""}
    )
    assert result.returncode != 0
    assert "SAML_KEY" in result.stderr
    ok = manage("check", env={**env, "SAML_IDPS": real, "SAML_BASE_URL": "https://e.se"})
    assert ok.returncode == 0, ok.stderr


def test_a_shared_database_cache_can_be_chosen():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        env={**PRODUCTION_ENV, "ETJANST_CACHE": "database"},
    )
    assert result.stdout.strip().endswith("DatabaseCache"), result.stderr
