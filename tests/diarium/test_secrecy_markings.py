"""Staff set and lift secrecy markings of a case; the public register follows."""

import pytest
from django.urls import reverse

from etjanst.diarium.models import SecrecyMarking
from tests.diarium.world import make_world
from tests.staff_accounts import log_in_staff

pytestmark = pytest.mark.django_db


def markings(case) -> dict:
    return dict(SecrecyMarking.objects.filter(case=case).values_list("question_id", "ground"))


def test_a_registrar_marks_the_whole_case_and_lifts_a_preset_marking(client):
    world = make_world()
    case = world["case"]
    log_in_staff(client, world["registrar"])
    url = reverse("staff:case_secrecy", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Anna" not in page.content.decode()  # questions only, no answers
    response = client.post(url, {"s-": "OSL 26:1", "s-halsa": "", "s-gata": "OSL 21:3"})
    assert response.status_code == 302
    assert markings(case) == {"": "OSL 26:1", "gata": "OSL 21:3"}
    assert SecrecyMarking.objects.get(case=case, question_id="").set_by == world["registrar"]


def test_lifting_every_marking_shows_the_sender_again(client):
    world = make_world()
    case = world["case"]
    log_in_staff(client, world["officer"])
    client.post(reverse("staff:case_secrecy", args=[case.pk]), {"s-halsa": ""})
    assert markings(case) == {}
    client.logout()
    entry = client.get(reverse("portal:register")).context["entries"][0]
    assert entry.registration_number == case.registration_number
    assert entry.sender == "Privatperson"  # a private person is never named on the web


def test_a_bad_ground_changes_nothing(client):
    world = make_world()
    case = world["case"]
    log_in_staff(client, world["registrar"])
    response = client.post(
        reverse("staff:case_secrecy", args=[case.pk]), {"s-": "Hemligt", "s-halsa": ""}
    )
    assert response.status_code == 400
    assert markings(case) == {"halsa": "OSL 21:1"}


def test_staff_of_another_committee_get_404(client):
    world = make_world()
    log_in_staff(client, world["other_registrar"])
    url = reverse("staff:case_secrecy", args=[world["case"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"s-halsa": ""}).status_code == 404
    assert markings(world["case"]) == {"halsa": "OSL 21:1"}
