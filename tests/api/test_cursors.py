"""Cursor pagination of the case list and the event feed: every row once,
in order, also while cases and events are being written."""

import threading
import uuid

import pytest
from django.db import connection, transaction

from etjanst.cases.actions import transition_case
from etjanst.cases.models import Case, Status
from etjanst.integrations.actions import create_client
from etjanst.retention.actions import _tombstone
from etjanst.submissions.actions import submit_form
from tests.api.conftest import Api
from tests.api.test_access import assert_problem
from tests.integrations.factories import ALL


def new_case(eservice, title="Ärende"):
    return submit_form(
        version=eservice.current_version,
        answers={"rubrik": title},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )


@pytest.mark.django_db
def test_the_list_pages_through_every_case_once_with_new_ones_at_the_end(world, platina):
    for i in range(4):
        new_case(world["lampa"], f"Ärende {i}")
    path = "/api/v1/eservices/felanmalan/cases"
    first = platina.get(path, data={"limit": 2}).json()
    assert len(first["items"]) == 2
    later = [new_case(world["lampa"], "Nytt").pk for _ in range(3)]
    rest, _ = pages_from(platina, path, first["next_cursor"], 2)
    ids = [i["id"] for i in first["items"]] + rest
    expected = list(
        Case.objects.filter(eservice=world["lampa"]).order_by("pk").values_list("pk", flat=True)
    )
    assert ids == expected
    assert ids[-3:] == later


def pages_from(api, path, cursor, limit):
    seen = []
    while cursor:
        body = api.get(path, data={"limit": limit, "cursor": cursor}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    return seen, cursor


@pytest.mark.django_db
def test_filters_by_status_and_received_since(world, platina):
    other = new_case(world["lampa"])
    transition_case(case=other, to=Status.objects.get(eservice=None, code="handlaggs"))
    path = "/api/v1/eservices/felanmalan/cases"
    ongoing = platina.get(path, data={"status": "handlaggs"}).json()["items"]
    assert [i["id"] for i in ongoing] == [other.pk]
    assert_problem(platina.get(path, data={"status": "nej"}), 400)
    since = Case.objects.get(pk=other.pk).received_at.isoformat()
    assert [i["id"] for i in platina.get(path, data={"received_since": since}).json()["items"]] == [
        other.pk
    ]
    assert [i["id"] for i in platina.get(path, data={"updated_since": since}).json()["items"]] == [
        other.pk
    ]


@pytest.mark.django_db
def test_a_cursor_from_another_eservice_or_tampered_is_refused(world):
    _c, token = create_client(
        name="Båda", permissions=ALL, eservices=[world["lampa"], world["bygg"]]
    )
    api = Api(token)
    new_case(world["lampa"])
    cursor = api.get("/api/v1/eservices/felanmalan/cases", data={"limit": 1}).json()["next_cursor"]
    response = api.get("/api/v1/eservices/bygglov/cases", data={"cursor": cursor})
    assert_problem(response, 400)
    assert response.json()["type"].endswith("cursor-from-another-eservice")
    assert_problem(
        api.get("/api/v1/eservices/felanmalan/cases", data={"cursor": cursor + "x"}), 400
    )
    events_cursor = api.get("/api/v1/eservices/felanmalan/events").json()["next_cursor"]
    assert_problem(api.get("/api/v1/eservices/bygglov/events", data={"cursor": events_cursor}), 400)
    # A case-list cursor is not an event cursor.
    assert_problem(api.get("/api/v1/eservices/felanmalan/events", data={"cursor": cursor}), 400)
    assert_problem(api.get("/api/v1/eservices/felanmalan/cases", data={"limit": 0}), 400)


@pytest.mark.django_db
def test_the_event_feed_tells_submitted_status_message_and_purged(world, platina):
    from etjanst.cases.messaging import send_message

    case = world["ks_case"]
    path = "/api/v1/eservices/felanmalan/events"
    first = platina.get(path).json()
    assert [e["type"] for e in first["items"]] == ["case.submitted"]
    cursor = first["next_cursor"]
    transition_case(case=case, to=Status.objects.get(eservice=None, code="handlaggs"))
    send_message(case=case, body="Fråga", from_staff=False, client_key=uuid.uuid4())
    _tombstone([case.pk])
    body = platina.get(path, data={"cursor": cursor}).json()
    assert [(e["type"], e["status"]) for e in body["items"]] == [
        ("case.status_changed", "handlaggs"),
        ("case.message_received", None),
        ("case.purged", None),
    ]
    assert {e["case_id"] for e in body["items"]} == {case.pk}
    # Nothing new: an empty page that keeps the cursor.
    empty = platina.get(path, data={"cursor": body["next_cursor"]}).json()
    assert empty["items"] == [] and empty["next_cursor"] == body["next_cursor"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_an_event_committed_late_is_not_skipped(world):
    """Transaction A writes an event (a smaller id) and commits after B's
    event (a greater id) is committed. A reader in between must not hand out
    a cursor past A's event: it waits for A instead."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: ids always commit in order")
    token = world["platina_token"]
    handlaggs = Status.objects.get(eservice=None, code="handlaggs")
    avslutat = Status.objects.get(eservice=None, code="avslutat")
    slow_case, fast_case = world["ks_case"], new_case(world["lampa"])
    # In another status than slow_case: transition_case locks the case's
    # status row too (select_related + FOR UPDATE), which would serialise them.
    transition_case(case=fast_case, to=handlaggs)
    path = "/api/v1/eservices/felanmalan/events"
    cursor = Api(token).get(path).json()["next_cursor"]
    a_written, a_may_commit, results = threading.Event(), threading.Event(), {}

    def slow_writer():
        try:
            with transaction.atomic():
                transition_case(case=slow_case, to=handlaggs)
                a_written.set()
                a_may_commit.wait(10)
        finally:
            connection.close()

    def reader():
        try:
            results["body"] = Api(token).get(path, data={"cursor": cursor}).json()
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert a_written.wait(10)
    transition_case(case=fast_case, to=avslutat)  # committed, greater id
    reading = threading.Thread(target=reader)
    reading.start()
    reading.join(0.5)
    assert reading.is_alive(), "the reader must wait for the transaction still writing"
    a_may_commit.set()
    writer.join(10)
    reading.join(10)
    got = [(e["case_id"], e["type"]) for e in results["body"]["items"]]
    assert got == [(slow_case.pk, "case.status_changed"), (fast_case.pk, "case.status_changed")]
    assert [e["status"] for e in results["body"]["items"]] == ["handlaggs", "avslutat"]
