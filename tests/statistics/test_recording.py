"""Filling in and handling count in the statistics: anonymous counters per
e-service, version and day, written when the action commits."""

import pytest
from django.urls import reverse

from etjanst.cases.actions import transition_case
from etjanst.cases.messaging import send_message
from etjanst.cases.models import Case, Status
from etjanst.statistics import recording
from etjanst.statistics.constants import NOT_LOGGED_IN, Measure, Metric
from etjanst.statistics.models import DailyCount, DailyDuration
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit

FORM = {
    "steps": [
        {
            "id": "arende",
            "title": "Ditt ärende",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {"id": "epost", "type": "email", "label": "E-postadress"},
            ],
        },
        {
            "id": "mer",
            "title": "Mer",
            "questions": [{"id": "antal", "type": "number", "label": "Hur många?"}],
        },
    ]
}


def counts(eservice, metric) -> dict[str, int]:
    rows = DailyCount.objects.filter(eservice=eservice, metric=metric)
    return {r.key: r.count for r in rows}


@pytest.fixture
def eservice(db):
    return EServiceFactory(form=FORM)


def fill_and_send(client, eservice):
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Gatlampa", "q_epost": "anna@example.se"})
    post_step(client, eservice, 2, {"q_antal": "3"})
    response = submit(client, eservice)
    assert "/kvitto/" in response["Location"]


def test_a_sent_form_counts_start_steps_send_and_fill_in_time(
    client, eservice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fill_and_send(client, eservice)
    assert counts(eservice, Metric.STARTED) == {NOT_LOGGED_IN: 1}
    assert counts(eservice, Metric.STEP_DONE) == {"arende": 1, "mer": 1}
    assert counts(eservice, Metric.SENT) == {NOT_LOGGED_IN: 1}
    row = DailyCount.objects.get(eservice=eservice, metric=Metric.SENT)
    assert row.version == 1
    assert DailyDuration.objects.get(eservice=eservice, measure=Measure.FILL_IN).count == 1


def test_a_step_done_again_counts_once(client, eservice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(client, eservice)
        post_step(client, eservice, 1, {"q_rubrik": "Gatlampa"})
        post_step(client, eservice, 1, {"q_rubrik": "Gatlampa trasig"})
    assert counts(eservice, Metric.STEP_DONE) == {"arende": 1}


def test_a_validation_error_counts_with_its_message_but_not_what_was_typed(
    client, eservice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(client, eservice)
        post_step(client, eservice, 1, {"q_rubrik": ""})
        post_step(client, eservice, 1, {"q_rubrik": "x", "q_epost": "inte-en-adress"})
    rows = DailyCount.objects.filter(eservice=eservice, metric=Metric.INVALID)
    by_question = {r.key: r for r in rows}
    assert set(by_question) == {"rubrik", "epost"}
    assert by_question["rubrik"].detail  # "Fyll i …"
    assert "inte-en-adress" not in by_question["epost"].detail
    assert not DailyCount.objects.filter(metric=Metric.STEP_DONE).exists()


def test_avbryt_counts_as_discarded(client, eservice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(client, eservice)
        client.post(reverse("portal:cancel", args=[eservice.slug]))
    assert counts(eservice, Metric.DISCARDED) == {"": 1}


def test_status_change_decision_and_first_reply_are_counted(
    client, eservice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fill_and_send(client, eservice)
    case = Case.objects.get()
    started = Status.objects.for_eservice(eservice).get(code="handlaggs")
    with django_capture_on_commit_callbacks(execute=True):
        send_message(case=case, body="Hej", from_staff=True, client_key=_key())
        send_message(case=case, body="Hej igen", from_staff=True, client_key=_key())
        case = transition_case(case=case, to=started)
        closed = case.status.next_statuses.filter(kind="closed").first()
        transition_case(case=case, to=closed)
    assert counts(eservice, Metric.FIRST_REPLY) == {"": 1}
    assert counts(eservice, Metric.STATUS) == {started.code: 1, closed.code: 1}
    assert counts(eservice, Metric.DECIDED) == {"": 1}
    measures = set(DailyDuration.objects.values_list("measure", flat=True))
    assert measures == {Measure.FILL_IN, Measure.FIRST_REPLY, Measure.DECISION}


def test_nothing_is_counted_when_the_action_rolls_back(
    eservice, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                recording.on_commit(
                    lambda: recording.count(eservice_id=eservice.pk, version=1, metric="started")
                )
                raise RuntimeError
        except RuntimeError:
            pass
    assert not DailyCount.objects.exists()


def test_a_broken_counter_never_fails_skicka(
    client, eservice, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(**kwargs):
        raise RuntimeError("the counters are broken")

    monkeypatch.setattr(recording, "count", broken)
    with django_capture_on_commit_callbacks(execute=True):
        fill_and_send(client, eservice)
    assert Case.objects.count() == 1
    assert "Statistics could not be recorded" in caplog.text


def test_counts_add_up_in_one_row_per_day(eservice):
    for _ in range(3):
        recording.count(eservice_id=eservice.pk, version=1, metric=Metric.SENT, key="bankid")
    assert DailyCount.objects.get().count == 3


def _key():
    import uuid

    return uuid.uuid4()


def test_drafts_saved_resumed_and_expired_are_counted(
    client, db, django_capture_on_commit_callbacks, time_machine
):
    import datetime

    from django.utils import timezone

    from etjanst.submissions import drafts
    from etjanst.submissions.models import Draft
    from tests.login import log_in

    eservice = EServiceFactory(form=FORM, login="optional")
    with django_capture_on_commit_callbacks(execute=True):
        log_in(client)
        start(client, eservice)
        post_step(client, eservice, 1, {"q_rubrik": "Gatlampa", "action": "save"})
        draft = Draft.objects.get()
        client.post(reverse("portal:draft_continue", args=[draft.pk]))
    assert counts(eservice, Metric.DRAFT_SAVED) == {"": 1}
    assert counts(eservice, Metric.DRAFT_RESUMED) == {"": 1}
    time_machine.move_to(timezone.now() + datetime.timedelta(days=400))
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts.expire_drafts() == 1
    assert counts(eservice, Metric.DRAFT_EXPIRED) == {"": 1}
    started = DailyCount.objects.get(eservice=eservice, metric=Metric.STARTED)
    assert started.key == "bankid"  # how the person came, never who
