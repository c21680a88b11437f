"""What an integrator's client gets for a wrong address or bad parameters:
problem details (RFC 9457) in Swedish, never an HTML page or English."""

import json

import pytest

from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/finns-inte", "/api/v2/cases"])
def test_an_unknown_address_is_a_problem_not_a_page(world, path):
    response = Api(world["platina_token"]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 404 and "Adressen finns inte" in body["detail"]


def test_bad_parameters_are_named_in_swedish(world):
    response = Api(world["platina_token"]).get("/api/v1/deliveries/report?since=2026-13-01")
    assert response.status_code == 400
    errors = {e["field"]: e for e in json.loads(response.content)["errors"]}
    assert errors["query.since"]["message"] == "Ange en tidpunkt enligt ISO 8601."
    assert errors["query.until"]["message"] == "Uppgiften saknas."
    assert errors["query.until"]["type"] == "missing"
