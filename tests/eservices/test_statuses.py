"""An e-service's own statuses, named and connected in the builder (the
action is cases.statuses; the staff case page then offers them)."""

import pytest
from django.urls import reverse

from etjanst.cases import statuses
from etjanst.cases.models import Status
from etjanst.eservices.models import EServiceChange

pytestmark = pytest.mark.django_db


def test_customising_copies_the_defaults_with_their_transitions(eservice, manager):
    own = statuses.customise_statuses(eservice=eservice, actor=manager)
    assert {s.code for s in own} == {"inkommet", "handlaggs", "komplettering", "avslutat"}
    submitted = next(s for s in own if s.code == "inkommet")
    assert {n.code for n in submitted.next_statuses.all()} == {"handlaggs", "avslutat"}
    assert all(n.eservice_id == eservice.pk for n in submitted.next_statuses.all())
    assert list(Status.objects.for_eservice(eservice)) == list(
        Status.objects.filter(eservice=eservice)
    )
    assert EServiceChange.objects.filter(summary="Gav e-tjänsten egna statusar.").exists()


def _rows(own, **changes):
    rows = {
        s.pk: {
            "name": s.name,
            "resident_name": s.resident_name,
            "next": [n.pk for n in s.next_statuses.all()],
        }
        for s in own
    }
    for code, change in changes.items():
        pk = next(s.pk for s in own if s.code == code)
        rows[pk].update(change)
    return rows


def test_rename_add_and_connect_statuses(eservice, manager):
    own = statuses.customise_statuses(eservice=eservice, actor=manager)
    rows = _rows(own, handlaggs={"name": "Utreds", "resident_name": "Vi utreder"})
    result = statuses.save_statuses(
        eservice=eservice,
        actor=manager,
        rows=rows,
        new={"name": "Beslut fattat", "resident_name": "Beslut", "kind": "in_progress"},
    )
    names = {s.name for s in result}
    assert "Utreds" in names and "Beslut fattat" in names
    assert Status.objects.get(eservice=eservice, code="beslut-fattat").resident_name == "Beslut"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"handlaggs": {"name": ""}}, "Skriv ett namn."),
        ({"handlaggs": {"name": "<b>x</b>"}}, "utan HTML-kod"),
        ({"handlaggs": {"name": "Avslutat"}}, "Två statusar heter"),
        ({"handlaggs": {"next": []}}, "fastnar"),
    ],
)
def test_bad_statuses_are_refused_and_nothing_changes(eservice, manager, change, message):
    own = statuses.customise_statuses(eservice=eservice, actor=manager)
    with pytest.raises(statuses.StatusError) as refused:
        statuses.save_statuses(eservice=eservice, actor=manager, rows=_rows(own, **change))
    assert any(message in m for m in refused.value.fields.values())
    assert Status.objects.get(eservice=eservice, code="handlaggs").name == "Under handläggning"


def test_the_statuses_page_works_without_javascript(manager_client, eservice):
    url = reverse("staff:builder_statuses", args=[eservice.pk])
    assert "Gör egna statusar" in manager_client.get(url).content.decode()
    manager_client.post(url, {"action": "customise"})
    handling = Status.objects.get(eservice=eservice, code="handlaggs")
    closed = Status.objects.get(eservice=eservice, code="avslutat")
    data = {}
    for s in Status.objects.filter(eservice=eservice):
        data[f"s{s.pk}-name"] = s.name
        data[f"s{s.pk}-resident_name"] = s.resident_name
        data[f"s{s.pk}-next"] = [str(n.pk) for n in s.next_statuses.all()]
    data[f"s{handling.pk}-name"] = "Utreds"
    data[f"s{handling.pk}-next"] = [str(closed.pk)]
    response = manager_client.post(url, data)
    assert response.status_code == 302
    handling.refresh_from_db()
    assert handling.name == "Utreds"
    assert list(handling.next_statuses.all()) == [closed]
    data[f"s{handling.pk}-name"] = ""
    response = manager_client.post(url, data)
    assert response.status_code == 400
    assert "Skriv ett namn." in response.content.decode()


def test_open_cases_move_to_the_own_statuses_and_the_case_page_offers_them(
    client, eservice, manager, committee
):
    from tests.mypages import owned_case
    from tests.staff_accounts import log_in_staff, staff_user

    case = owned_case(eservice)
    assert case.status.eservice_id is None
    own = statuses.customise_statuses(eservice=eservice, actor=manager)
    case.refresh_from_db()
    assert case.status.eservice_id == eservice.pk and case.status.code == "inkommet"
    rows = _rows(own, handlaggs={"name": "Utreds av bygglovsenheten"})
    statuses.save_statuses(eservice=eservice, actor=manager, rows=rows)
    officer = staff_user("hanna", role="case_officer", committee=committee)
    log_in_staff(client, officer)
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "Utreds av bygglovsenheten" in page
