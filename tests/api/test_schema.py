"""The API against its own OpenAPI schema, with Schemathesis: generated
valid and invalid input on every operation, run in-process through the WSGI
application. No answer is a 5xx, every answer is as the schema says."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db


# Fetching the schema needs no database: it is made from the code.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def in_test_transaction():
    """As Django's test client does: the request must not close the test's
    database connection (and with it the transaction the test runs in)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, world, in_test_transaction):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['platina_token']}"},
        # This check takes any schema-valid request to be accepted; but a
        # well-formed status code the e-service lacks is rightly refused (422).
        excluded_checks=[positive_data_acceptance],
    )


def test_the_schema_is_openapi_3_1_with_problem_details(client):
    document = client.get("/api/v1/schema/").json()
    assert document["openapi"].startswith("3.1")
    responses = document["paths"]["/api/v1/cases/{case_id}"]["get"]["responses"]
    assert "application/problem+json" in responses["404"]["content"]
    assert (
        "bearerAuth" in str(document["components"]["securitySchemes"])
        or document["components"]["securitySchemes"]
    )


def test_the_docs_page_loads_nothing_from_outside(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), "an outside address"
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert '"validatorUrl": null' in html
