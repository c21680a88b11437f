"""The submit pipeline: the case facts are computed once per Skicka, and
every later step reads them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from etjanst.cases.models import Case
from etjanst.submissions import facts
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start

FORM = {
    "steps": [
        {
            "id": "arende",
            "title": "Ditt ärende",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {"id": "barn", "type": "yes_no", "label": "Har du barn?"},
                {
                    "id": "antal",
                    "type": "number",
                    "label": "Hur många?",
                    "visible_if": {"question": "barn", "equals": "yes"},
                },
                {"id": "epost", "type": "email", "label": "E-postadress"},
            ],
        }
    ]
}


@pytest.fixture
def counted(monkeypatch):
    calls = []
    original = facts.CaseFacts.of.__func__

    def of(cls, **kwargs):
        calls.append(kwargs)
        return original(cls, **kwargs)

    monkeypatch.setattr(facts.CaseFacts, "of", classmethod(of))
    return calls


@pytest.mark.django_db
def test_skicka_computes_the_case_facts_once(client, counted, django_capture_on_commit_callbacks):
    eservice = EServiceFactory(form=FORM)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Gatlampa", "q_barn": "no", "q_antal": "3",
                                    "q_epost": "anna@example.se"})  # fmt: skip
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    assert counted == []  # showing the review computes no facts
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:review", args=[eservice.slug]),
            {"submission_key": review.context["submission_key"]},
        )
    assert response.status_code == 302
    assert len(counted) == 1
    case = Case.objects.get()
    # What the facts said is what every step used: the hidden answer is gone,
    # the address found once gives the e-mail task.
    assert case.answers == {"rubrik": "Gatlampa", "barn": "no", "epost": "anna@example.se"}
    queued = {
        path.rsplit(".", 1)[-1] for path in DBTaskResult.objects.values_list("task_path", flat=True)
    }
    # The PDF, the officers' notice, and the e-mail to the address found once.
    assert queued == {"render_receipt_pdf", "notify_officers", "send_confirmation_email"}


@pytest.mark.django_db
def test_skicka_costs_a_bounded_number_of_queries(client):
    eservice = EServiceFactory(form=FORM)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Gatlampa", "q_barn": "no"})
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    with CaptureQueriesContext(connection) as queries:
        client.post(
            reverse("portal:review", args=[eservice.slug]),
            {"submission_key": review.context["submission_key"]},
        )
    assert Case.objects.count() == 1
    # Session, e-service, version, the submission-key check, the number, the
    # case, its event, statuses and the session write; measured 2026-12-06.
    assert len(queries) <= 20, [q["sql"][:80] for q in queries.captured_queries]
