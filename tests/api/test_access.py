"""The access matrix: every endpoint × no token, a wrong, revoked or expired
token, a token without the permission, another e-service's token. Each gets
401, 403 or 404 as a problem document, never data, and nothing changes."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from etjanst.audit.models import AccessLogEntry
from etjanst.cases.messaging import send_message
from etjanst.cases.models import CaseEvent, CaseNote, Message
from etjanst.integrations.actions import create_client, revoke_client, rotate_token
from etjanst.integrations.constants import Permission
from etjanst.integrations.models import Delivery
from tests.api.conftest import Api
from tests.files import PNG_BYTES

pytestmark = pytest.mark.django_db


def endpoints(case, attachment_id):
    """(method, path, body, the permission it needs)."""
    c = f"/api/v1/cases/{case.pk}"
    return [
        ("get", "/api/v1/eservices/felanmalan/cases", None, Permission.READ_CASES),
        ("get", "/api/v1/eservices/felanmalan/events", None, Permission.READ_CASES),
        ("get", c, None, Permission.READ_CASES),
        ("get", f"{c}/receipt.pdf", None, Permission.READ_CASES),
        ("get", f"{c}/attachments/{attachment_id}", None, Permission.READ_CASES),
        ("post", f"{c}/status", {"status": "handlaggs"}, Permission.WRITE_STATUS),
        ("put", f"{c}/assignee", {"username": None}, Permission.WRITE_STATUS),
        ("post", f"{c}/notes", {"body": "Anteckning"}, Permission.WRITE_MESSAGES),
        ("post", f"{c}/messages", "multipart", Permission.WRITE_MESSAGES),
        ("put", f"{c}/delivery", {"external_id": "P-1"}, Permission.DELIVERIES),
        ("get", f"{c}/delivery", None, Permission.DELIVERIES),
        ("get", f"{c}/archive.zip", None, Permission.ARCHIVE_EXPORT),
        (
            "get",
            "/api/v1/eservices/felanmalan/archive.zip?from=2020-01-01&to=2030-12-31",
            None,
            Permission.ARCHIVE_EXPORT,
        ),
    ]


def call(api, method, path, body):
    if body == "multipart":
        return api.client.post(path, {"body": "Hej"}, headers=api.headers)
    if method == "get":
        return api.get(path)
    return getattr(api, method)(path, body)


def snapshot(case):
    case.refresh_from_db()
    return (
        case.status_id,
        case.assigned_to_id,
        case.lock_version,
        CaseEvent.objects.count(),
        Message.objects.count(),
        CaseNote.objects.count(),
        Delivery.objects.count(),
        AccessLogEntry.objects.count(),
    )


@pytest.fixture
def matrix(world):
    case = world["ks_case"]
    send_message(
        case=case,
        body="Bild",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile("b.png", PNG_BYTES, content_type="image/png")],
    )
    attachment = case.attachments.get()
    lampa = [world["lampa"]]
    _c, revoked = create_client(name="Spärrad", permissions=list(Permission), eservices=lampa)
    revoke_client(client=_c)
    _c, expired = create_client(
        name="Utgången",
        permissions=list(Permission),
        eservices=lampa,
        token_expires_at=timezone.now() - timedelta(seconds=1),
    )
    return case, attachment.pk, revoked, expired


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "registration_number" not in response.content.decode()


@pytest.mark.parametrize(
    "who", ["no token", "wrong token", "revoked", "expired", "other e-service", "no permission"]
)
def test_every_endpoint_refuses_and_changes_nothing(world, matrix, who):
    case, attachment_id, revoked, expired = matrix
    for method, path, body, permission in endpoints(case, attachment_id):
        if who == "no permission":
            others = [p for p in Permission if p != permission]
            _c, token = create_client(
                name=f"Utan {permission}", permissions=others, eservices=[world["lampa"]]
            )
            expected = 403
        else:
            token, expected = {
                "no token": (None, 401),
                "wrong token": ("etj_abcdefgh_" + "x" * 43, 401),
                "revoked": (revoked, 401),
                "expired": (expired, 401),
                "other e-service": (world["byggr_token"], 404),
            }[who]
        before = snapshot(case)
        response = call(Api(token), method, path, body)
        assert_problem(response, expected)
        if expected == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")
        assert snapshot(case) == before, (method, path)
        if who == "no permission":
            _c.delete()


def test_another_eservices_list_and_feed_are_404(world):
    byggr = Api(world["byggr_token"])
    for path in ("/api/v1/eservices/felanmalan/cases", "/api/v1/eservices/felanmalan/events"):
        assert_problem(byggr.get(path), 404)
    assert byggr.get("/api/v1/eservices/bygglov/cases").status_code == 200


def test_after_rotation_the_old_token_works_until_the_overlap_ends(world):
    client = world["platina"]
    old = world["platina_token"]
    new = rotate_token(client=client, overlap=timedelta(hours=1))
    path = f"/api/v1/cases/{world['ks_case'].pk}"
    assert Api(old).get(path).status_code == 200
    assert Api(new).get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=5)):
        assert_problem(Api(old).get(path), 401)
        assert Api(new).get(path).status_code == 200


def test_tokens_are_stored_only_as_a_hash(world):
    token = world["platina_token"]
    stored = world["platina"].tokens.get()
    assert token not in (stored.prefix, stored.hash)
    assert token.split("_")[1] == stored.prefix
    assert stored.hash != token and len(stored.hash) == 64


def test_tokens_never_reach_the_log(world, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    Api(world["platina_token"]).get(f"/api/v1/cases/{world['ks_case'].pk}")
    Api(world["platina_token"] + "x").get(f"/api/v1/cases/{world['ks_case'].pk}")
    assert "API GET" in caplog.text
    secret = world["platina_token"].split("_", 2)[2]
    assert secret not in caplog.text


def test_rate_limit_per_client_gives_429_with_retry_after(world, settings):
    settings.ETJANST_API_RATE_LIMIT = 3
    platina, byggr = Api(world["platina_token"]), Api(world["byggr_token"])
    path = "/api/v1/eservices/felanmalan/cases"
    assert [platina.get(path).status_code for _ in range(3)] == [200, 200, 200]
    response = platina.get(path)
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another client has its own allowance.
    assert byggr.get("/api/v1/eservices/bygglov/cases").status_code == 200
