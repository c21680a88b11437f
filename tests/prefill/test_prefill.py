"""Prefill from Navet through our pages: the resident logs in with BankID
(simulator) and the platform asks the Navet simulator over HTTPS with
mutual TLS. The production client code is what runs."""

import pytest
from django.urls import reverse

from etjanst.eservices.prefilled import PREFILL_KEY
from etjanst.prefill.service import SESSION_KEY
from tests.filling import form_state, post_step, start, submit
from tests.prefill.conftest import ADULT, CHILDREN, GUARDIAN, bankid_login

pytestmark = pytest.mark.django_db

NOTICE = (
    "Vi kunde inte hämta dina uppgifter från folkbokföringen just nu, "
    "så du behöver fylla i dem själv."
)
# What the simulator's register says about GUARDIAN.
NAME = "Olof Åberg"
ADDRESS = {
    "care_of": "Familjen Åberg",
    "street": "Granstigen 21",
    "postal_code": "204 61",
    "city": "Norrby",
}
STEP_1 = {
    "q_namn": "Någon Annan",
    "q_adress__street": "Falsk gata 1",
    "q_adress__postal_code": "99999",
    "q_adress__city": "Annanstans",
    "q_kontakt__name": "Olle Åberg",
    "q_kontakt__email": "olle@example.se",
}


def step_html(client, eservice, number=1):
    page = client.get(reverse("portal:step", args=[eservice.slug, number]))
    assert page.status_code == 200
    return page.content.decode()


def test_name_and_address_are_prefilled_and_locked(client, navet, bankid, prefill_eservice):
    bankid_login(client, bankid, GUARDIAN)
    start(client, prefill_eservice)
    html = step_html(client, prefill_eservice)
    assert f'name="q_namn" value="{NAME}"' in html
    assert 'name="q_adress__street" value="Granstigen 21"' in html
    assert html.count("readonly") == 5  # the name and the four parts of the address
    assert "Hämtat från folkbokföringen" in html
    assert 'name="q_kontakt__name" value="Olof Åberg"' in html  # editable: not locked
    assert NOTICE not in html

    # A POST cannot change what is locked; what is not locked can be changed.
    assert post_step(client, prefill_eservice, 1, STEP_1).status_code == 302
    answers = form_state(client, prefill_eservice)["answers"]
    assert answers["namn"] == NAME
    assert answers["adress"] == ADDRESS
    assert answers["kontakt"] == {"name": "Olle Åberg", "email": "olle@example.se"}


def test_a_locked_answer_stays_when_its_fields_are_left_out(
    client, navet, bankid, prefill_eservice
):
    bankid_login(client, bankid, GUARDIAN)
    start(client, prefill_eservice)
    data = {"q_kontakt__name": "Olof Åberg", "q_kontakt__email": "olof@example.se"}
    response = post_step(client, prefill_eservice, 1, data, shown=["namn", "adress", "kontakt"])
    assert response.status_code == 302
    answers = form_state(client, prefill_eservice)["answers"]
    assert (answers["namn"], answers["adress"]) == (NAME, ADDRESS)


def test_the_guardians_children_are_the_choices(client, navet, bankid, prefill_eservice):
    bankid_login(client, bankid, GUARDIAN)
    start(client, prefill_eservice)
    post_step(client, prefill_eservice, 1, STEP_1)
    html = step_html(client, prefill_eservice, 2)
    assert html.count('type="radio" ') == 2
    for child in CHILDREN:
        assert f'value="{child}"' in html
        assert f"({child[:8]}-XXXX)" in html  # masked in the list
    assert "Kerstin Åberg" in html and "Erik Åberg" in html
    assert 'name="q_efternamn" value="Åberg"' in html  # prefilled, editable
    assert "readonly" not in html

    # Someone who is not one of the children is refused, even if the number is valid.
    refused = post_step(client, prefill_eservice, 2, {"q_barn": ADULT})
    assert refused.status_code == 400
    assert "Välj ett av alternativen i listan." in refused.content.decode()
    assert post_step(client, prefill_eservice, 2, {"q_barn": CHILDREN[1]}).status_code == 302
    response = submit(client, prefill_eservice)
    assert response.status_code == 302
    from etjanst.cases.models import Case

    case = Case.objects.get()
    assert case.answers["barn"] == CHILDREN[1]
    assert case.answers["adress"] == ADDRESS
    assert PREFILL_KEY not in case.answers
    assert case.protected_identity is False


def test_a_person_without_children_types_the_number(client, navet, bankid, prefill_eservice):
    bankid_login(client, bankid, ADULT)
    start(client, prefill_eservice)
    post_step(client, prefill_eservice, 1, STEP_1)
    html = step_html(client, prefill_eservice, 2)
    assert 'name="q_barn" value=""' in html and 'type="radio"' not in html
    assert post_step(client, prefill_eservice, 2, {"q_barn": "20100219-2381"}).status_code == 302


def test_the_register_is_asked_once_per_login_and_forgotten_at_logout(
    client, navet, bankid, prefill_eservice
):
    bankid_login(client, bankid, GUARDIAN)
    before = navet.requests
    start(client, prefill_eservice)
    # The person, each child and the other guardian: once.
    assert navet.requests == before + 4
    client.post(reverse("portal:start", args=[prefill_eservice.slug]), {"action": "restart"})
    assert navet.requests == before + 4
    assert client.session[SESSION_KEY]["navet"]["personnummer"] == GUARDIAN
    client.post(reverse("portal:logout"))
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("mode", ["down", "slow", "garbage", "fault", "unreachable"])
def test_the_form_goes_on_without_prefill_when_the_register_fails(
    client, navet, bankid, prefill_eservice, settings, mode, caplog
):
    if mode == "unreachable":
        settings.NAVET = {**settings.NAVET, "URL": "https://127.0.0.1:9/personpostXML"}
    else:
        navet.mode = mode
        navet.delay = 3.0  # the client waits 1 s
    bankid_login(client, bankid, GUARDIAN)
    start(client, prefill_eservice)
    html = step_html(client, prefill_eservice)
    assert NOTICE in html
    assert "readonly" not in html and "Granstigen" not in html
    data = {
        **STEP_1,
        "q_namn": "Olof Åberg",
        "q_adress__street": "Storgatan 1",
        "q_adress__postal_code": "12345",
        "q_adress__city": "Exempelby",
    }
    assert post_step(client, prefill_eservice, 1, data).status_code == 302
    assert NOTICE in step_html(client, prefill_eservice, 2)  # the step with the children
    assert post_step(client, prefill_eservice, 2, {"q_barn": CHILDREN[0]}).status_code == 302
    assert submit(client, prefill_eservice).status_code == 302
    assert GUARDIAN not in caplog.text


def test_a_register_value_the_question_refuses_is_not_locked(client, navet, bankid, db):
    from tests.eservices.factories import EServiceFactory

    form = {
        "steps": [
            {
                "id": "du",
                "title": "Du",
                "questions": [
                    {
                        "id": "namn",
                        "type": "short_text",
                        "label": "Namn",
                        "required": True,
                        "validation": {"max_length": 5},
                        "prefill": {"source": "navet", "attribute": "name", "locked": True},
                    }
                ],
            }
        ]
    }
    eservice = EServiceFactory(form=form, login="required")
    bankid_login(client, bankid, GUARDIAN)
    start(client, eservice)
    assert "namn" not in form_state(client, eservice)["answers"]
    assert post_step(client, eservice, 1, {"q_namn": "Olof"}).status_code == 302
