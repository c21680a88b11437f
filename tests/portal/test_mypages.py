"""Mina sidor: the overview, Mina ärenden with its tabs, and the case page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from etjanst.cases.actions import TransitionNotAllowed, transition_case
from etjanst.cases.models import Status
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.login import ANNA, BERTIL, log_in
from tests.mypages import owned_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def eservice():
    return EServiceFactory(login="optional", committee__prefix="KS")


def status(code):
    return Status.objects.get(eservice=None, code=code)


def test_mina_sidor_needs_a_login(client):
    for name in (
        "portal:my_pages",
        "portal:my_cases",
        "portal:my_drafts",
        "portal:my_cases_closed",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


def test_a_case_sent_while_logged_in_shows_in_mina_arenden(client, eservice):
    log_in(client)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Trasig lampa"})
    receipt = client.get(submit(client, eservice)["Location"]).content.decode()
    assert "Mina sidor" in receipt
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert eservice.name in page
    assert "KS 2026/" in page or "KS 20" in page
    assert "Mottaget" in page  # the status's name for the resident


def test_cases_sent_without_login_never_show(client, eservice):
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Utan inloggning"})
    submit(client, eservice)
    log_in(client)
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert "Du har inga pågående ärenden." in page


def test_tabs_split_ongoing_and_closed(client, eservice):
    ongoing = owned_case(eservice)
    closed = owned_case(eservice)
    transition_case(case=closed, to=status("avslutat"))
    log_in(client)
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert ongoing.registration_number in page
    assert closed.registration_number not in page
    page = client.get(reverse("portal:my_cases_closed")).content.decode()
    assert closed.registration_number in page
    assert ongoing.registration_number not in page


def test_the_case_page_shows_answers_history_and_receipt(client, eservice):
    case = owned_case(eservice)
    transition_case(case=case, to=status("handlaggs"))
    log_in(client)
    response = client.get(reverse("portal:my_case", args=[case.pk]))
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "Trasig lampa" in page
    assert case.registration_number in page
    assert "Mottaget" in page and "Handläggs" in page  # the status history
    pdf = client.get(reverse("portal:my_case_pdf", args=[case.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_transitions_follow_the_rules():
    eservice = EServiceFactory()
    case = owned_case(eservice)
    with pytest.raises(TransitionNotAllowed):
        transition_case(case=case, to=status("komplettering"))  # must be handled first
    case = transition_case(case=case, to=status("handlaggs"))
    case = transition_case(case=case, to=status("komplettering"))
    assert case.status.kind == "waiting"
    assert case.events.count() == 3


def test_the_overview(client, eservice):
    owned_case(eservice)
    owned_case(eservice, person=BERTIL)
    log_in(client)
    page = client.get(reverse("portal:my_pages")).content.decode()
    assert "1 pågående ärende" in page
    assert "Anna Testsson" in page


@pytest.mark.parametrize(
    "name", ["portal:my_pages", "portal:my_cases", "portal:my_drafts", "portal:my_cases_closed"]
)
def test_mina_sidor_makes_as_many_queries_for_200_cases_as_for_1(client, eservice, name):
    owned_case(eservice)
    log_in(client)
    client.get(reverse(name))  # warm up the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(name)).status_code == 200
    for _ in range(199):
        owned_case(eservice)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many]


def test_the_case_page_makes_as_many_queries_for_many_messages(client, eservice):
    import uuid

    from etjanst.cases.messaging import send_message

    case = owned_case(eservice)
    send_message(case=case, body="Hej", from_staff=True, client_key=uuid.uuid4())
    log_in(client)
    url = reverse("portal:my_case", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(20):
        send_message(case=case, body=f"Hej {n}", from_staff=n % 2 == 0, client_key=uuid.uuid4())
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_unread_messages_are_counted(client, eservice):
    import uuid

    from etjanst.cases.messaging import send_message

    case = owned_case(eservice)
    send_message(case=case, body="Vi behöver ett foto.", from_staff=True, client_key=uuid.uuid4())
    log_in(client, ANNA)
    assert "1 oläst meddelande" in client.get(reverse("portal:my_pages")).content.decode()
    assert "1 nytt meddelande" in client.get(reverse("portal:my_cases")).content.decode()
    client.get(reverse("portal:my_case", args=[case.pk]))
    assert "0 olästa meddelanden" in client.get(reverse("portal:my_pages")).content.decode()


def test_unread_counts_only_unread_messages_from_staff_per_case(client, eservice):
    import uuid

    from etjanst.cases.messaging import mark_read, send_message

    with_news, without = owned_case(eservice), owned_case(eservice)
    send_message(case=with_news, body="Läst", from_staff=True, client_key=uuid.uuid4())
    mark_read(case=with_news, by_staff=False)
    for body in ("Ett", "Två"):
        send_message(case=with_news, body=body, from_staff=True, client_key=uuid.uuid4())
    send_message(case=with_news, body="Från mig", from_staff=False, client_key=uuid.uuid4())
    send_message(case=without, body="Från mig", from_staff=False, client_key=uuid.uuid4())
    log_in(client, ANNA)
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert page.count('class="badge"') == 1
    assert "2 nya meddelanden" in page
