"""The resident's page shows repeated opens by one officer within half an
hour as one visit with a count; the protected log keeps every raw row."""

import datetime

import pytest
from django.urls import reverse

from etjanst.audit.actions import verify_chain
from etjanst.audit.models import AccessLogEntry
from tests.eservices.factories import EServiceFactory
from tests.login import ANNA, log_in
from tests.mypages import owned_case
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)  # 10:00 local


def test_repeated_opens_are_one_visit_for_the_resident(client, time_machine):
    eservice = EServiceFactory(login="optional")
    case = owned_case(eservice)
    siv = staff_user("siv", committee=eservice.committee, first_name="Siv", last_name="Svensson")
    olle = staff_user("olle", committee=eservice.committee, first_name="Olle", last_name="Ek")
    time_machine.move_to(START, tick=False)
    log_in_staff(client, siv)
    for minute in (0, 2, 5, 9, 12):  # one visit: the page reloaded, opened again
        time_machine.move_to(START + datetime.timedelta(minutes=minute), tick=False)
        client.get(reverse("staff:case", args=[case.pk]))
    time_machine.move_to(START + datetime.timedelta(hours=2), tick=False)  # a new visit
    client.get(reverse("staff:case", args=[case.pk]))
    client.logout()
    time_machine.move_to(START + datetime.timedelta(minutes=3), tick=False)
    log_in_staff(client, olle)
    client.get(reverse("staff:case", args=[case.pk]))
    client.logout()

    assert AccessLogEntry.objects.filter(case_id=case.pk, kind="view").count() == 7
    assert verify_chain() == []
    time_machine.move_to(START + datetime.timedelta(hours=3), tick=False)
    log_in(client, ANNA)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    rows = page[page.index('id="vem-har-tittat"') :].split("</ol>")[0].split("<li>")[1:]
    assert len(rows) == 3, rows
    newest, olles, first = rows
    assert "12:00" in newest and "Siv Svensson" in newest and "gång" not in newest
    assert "Olle Ek" in olles and "gång" not in olles
    assert "10:00–10:12" in first and "Siv Svensson" in first and "(5 gånger)" in first
