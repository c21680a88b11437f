"""The archive export over the API: the archive_export permission, the
client's scope, and Swedish problem details for what cannot be exported."""

import base64
import hashlib

import pytest

from etjanst.archive.models import ArchiveExport
from etjanst.audit.models import AccessLogEntry
from tests.api.conftest import Api
from tests.integrations.factories import api_client

from .validation import accepted, validate_package


@pytest.fixture
def archive(world):
    _client, token = api_client(
        "E-arkivet", permissions=["archive_export"], eservices=[world["lampa"]]
    )
    return Api(token)


def test_a_closed_case_comes_as_a_valid_package_with_its_digest(world, archive, tmp_path):
    response = archive.get(f"/api/v1/cases/{world['closed'].pk}/archive.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    path = tmp_path / "sip.zip"
    path.write_bytes(body)
    errors = validate_package(path)
    assert accepted(errors), errors
    export = ArchiveExport.objects.get()
    assert export.client.name == "E-arkivet"
    assert export.sha256 == hashlib.sha256(body).hexdigest()
    [entry] = AccessLogEntry.objects.filter(case_id=world["closed"].pk)
    assert entry.user_name == "E-arkivet" and entry.kind == "export"


def test_a_client_without_the_permission_is_refused(world):
    _client, token = api_client("Platina", permissions=["read_cases"], eservices=[world["lampa"]])
    response = Api(token).get(f"/api/v1/cases/{world['closed'].pk}/archive.zip")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "Exportera till e-arkiv" in response.json()["detail"]
    assert not ArchiveExport.objects.exists()


def test_a_case_outside_the_clients_scope_is_not_found(world, archive):
    response = archive.get(f"/api/v1/cases/{world['other'].pk}/archive.zip")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:etjanst:problem:not-found"
    response = archive.get("/api/v1/eservices/bygglov/archive.zip?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 404
    assert not ArchiveExport.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_case_is_not_found(world, archive):
    response = archive.get("/api/v1/cases/999999/archive.zip")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Det finns inget sådant ärende")


def test_an_open_case_is_a_conflict_and_nothing_is_recorded(world, archive):
    response = archive.get(f"/api/v1/cases/{world['open'].pk}/archive.zip")
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "urn:etjanst:problem:case-not-closed"
    assert "inte avslutat" in problem["detail"]
    assert not ArchiveExport.objects.exists()


def test_a_period_gives_the_closed_cases_of_the_eservice(world, archive, tmp_path):
    day = world["closed"].status_changed_at.date().isoformat()
    response = archive.get(f"/api/v1/eservices/felanmalan/archive.zip?from={day}&to={day}")
    assert response.status_code == 200
    path = tmp_path / "period.zip"
    path.write_bytes(b"".join(response.streaming_content))
    assert accepted(validate_package(path))
    assert list(ArchiveExport.objects.get().cases.all()) == [world["closed"]]


def test_a_bad_or_empty_period_is_a_clear_problem(world, archive):
    response = archive.get("/api/v1/eservices/felanmalan/archive.zip?from=2026-02-01&to=2026-01-01")
    assert response.status_code == 400
    assert response.json()["type"] == "urn:etjanst:problem:bad-period"
    response = archive.get("/api/v1/eservices/felanmalan/archive.zip?from=2020-01-01&to=2020-12-31")
    assert response.status_code == 422
    assert response.json()["detail"] == "Det finns inga avslutade ärenden att arkivera."
    response = archive.get("/api/v1/eservices/felanmalan/archive.zip?from=igår&to=2020-12-31")
    assert response.status_code == 400
    assert not ArchiveExport.objects.exists()


def test_a_period_with_too_many_cases_asks_to_split_it(world, archive, monkeypatch):
    from etjanst.api import archive as archive_api

    monkeypatch.setattr(archive_api, "MAX_CASES", 0)
    day = world["closed"].status_changed_at.date().isoformat()
    response = archive.get(f"/api/v1/eservices/felanmalan/archive.zip?from={day}&to={day}")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:etjanst:problem:too-many-cases"
    assert "Dela upp perioden" in response.json()["detail"]
    assert not ArchiveExport.objects.exists()
