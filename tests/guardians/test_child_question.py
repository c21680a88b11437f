"""The "Välj barn" question through our pages: BankID login (simulator),
the children from the Navet simulator over HTTPS with mutual TLS."""

import pytest
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.eservices.formschema import schema_problems
from etjanst.eservices.prefilled import PREFILL_KEY
from tests.filling import form_state, post_step, start, submit
from tests.guardians.conftest import child_form
from tests.guardians.families import (
    APART,
    APART_CHILDREN,
    CHILD_OF_PROTECTED,
    ELSEWHERE_GUARDIANS,
    NO_CUSTODY,
    NO_CUSTODY_CHILD,
    OTHER_OF_PROTECTED,
    PROTECTED_CHILD,
    PROTECTED_CHILD_GUARDIANS,
    SOLE,
    SOLE_CHILD,
    TOGETHER,
    TOGETHER_CHILDREN,
)
from tests.prefill.conftest import bankid_login

pytestmark = pytest.mark.django_db

NOT_YOURS = "Du kan bara välja ett av barnen i listan"


def step_html(client, eservice, number=1):
    page = client.get(reverse("portal:step", args=[eservice.slug, number]))
    assert page.status_code == 200
    return page.content.decode()


def begin(client, bankid, eservice, personnummer):
    bankid_login(client, bankid, personnummer)
    start(client, eservice)
    return step_html(client, eservice)


def test_the_children_in_custody_are_listed_with_the_other_guardian_by_name(
    client, navet, bankid, child_eservice
):
    html = begin(client, bankid, child_eservice, TOGETHER[0])
    assert html.count('type="radio" ') == 2
    for child in TOGETHER_CHILDREN:
        assert f'value="{child}"' in html and f"({child[:8]}-XXXX)" in html
    assert "Andra vårdnadshavare: Emma Berglund" in html
    assert TOGETHER[1] not in html and TOGETHER[1][:8] not in html  # name only

    assert post_step(client, child_eservice, 1, {"q_barn": TOGETHER_CHILDREN[1]}).status_code == 302
    answer = form_state(client, child_eservice)["answers"]["barn"]
    assert answer["personnummer"] == TOGETHER_CHILDREN[1]
    assert answer["name"] == "Erik Åberg"
    assert answer["address"]["street"] == "Granstigen 21"
    assert answer["protected"] is False
    assert [(g["name"], g["same_address"]) for g in answer["guardians"]] == [
        ("Emma Berglund", True)
    ]
    # The choice is shown again when the step is opened again.
    again = step_html(client, child_eservice)
    assert f'value="{TOGETHER_CHILDREN[1]}" aria-describedby="note-barn-1" checked' in again
    assert again.count(" checked") == 1

    post_step(client, child_eservice, 2, {"q_start": "I augusti"})
    review = client.get(reverse("portal:review", args=[child_eservice.slug])).content.decode()
    assert "Erik Åberg, 20200524-2397" in review
    assert "Granstigen 21" in review and "Andra vårdnadshavare: Emma Berglund" in review
    assert submit(client, child_eservice).status_code == 302
    case = Case.objects.get()
    assert case.answers["barn"]["personnummer"] == TOGETHER_CHILDREN[1]
    assert PREFILL_KEY not in case.answers
    assert case.protected_identity is False


@pytest.mark.parametrize(
    "posted",
    [NO_CUSTODY_CHILD, SOLE_CHILD, "20100219-2382", "hej", APART_CHILDREN[0]],
    ids=["not-in-custody", "another-familys", "bad-check-digit", "not-a-number", "elsewhere"],
)
def test_a_child_posted_by_hand_that_is_not_the_persons_is_refused(
    client, navet, bankid, child_eservice, posted
):
    begin(client, bankid, child_eservice, TOGETHER[0])
    response = post_step(client, child_eservice, 1, {"q_barn": posted})
    assert response.status_code == 400
    assert NOT_YOURS in response.content.decode()
    assert "barn" not in form_state(client, child_eservice)["answers"]


def test_a_parent_without_custody_has_no_child_to_choose(client, navet, bankid, child_eservice):
    html = begin(client, bankid, child_eservice, NO_CUSTODY)
    assert "inget barn som du är vårdnadshavare för" in html and 'type="radio"' not in html
    response = post_step(client, child_eservice, 1, {"q_barn": NO_CUSTODY_CHILD})
    assert response.status_code == 400 and NOT_YOURS in response.content.decode()


def test_sole_custody_says_so(client, navet, bankid, child_eservice):
    html = begin(client, bankid, child_eservice, SOLE)
    assert "Du har ensam vårdnad." in html
    post_step(client, child_eservice, 1, {"q_barn": SOLE_CHILD})
    assert form_state(client, child_eservice)["answers"]["barn"]["guardians"] == []


def test_different_addresses_are_not_the_same_address(client, navet, bankid, child_eservice):
    begin(client, bankid, child_eservice, APART[0])
    post_step(client, child_eservice, 1, {"q_barn": APART_CHILDREN[2]})
    answer = form_state(client, child_eservice)["answers"]["barn"]
    assert [g["same_address"] for g in answer["guardians"]] == [False]


@pytest.mark.parametrize(
    ("guardian", "child"),
    [(PROTECTED_CHILD_GUARDIANS[1], PROTECTED_CHILD), (OTHER_OF_PROTECTED, CHILD_OF_PROTECTED)],
    ids=["protected-child", "protected-other-guardian"],
)
def test_protection_no_address_shown_or_kept_and_staff_see_the_marker(
    client, navet, bankid, child_eservice, guardian, child
):
    html = begin(client, bankid, child_eservice, guardian)
    assert "Skyddade personuppgifter: ingen adress visas eller skickas med." in html
    assert "Ring oss på" in html  # what to do instead
    post_step(client, child_eservice, 1, {"q_barn": child})
    answer = form_state(client, child_eservice)["answers"]["barn"]
    assert answer["protected"] is True and "address" not in answer
    post_step(client, child_eservice, 2, {"q_start": "Snart"})
    review = client.get(reverse("portal:review", args=[child_eservice.slug])).content.decode()
    assert "Skyddade personuppgifter: adressen visas inte" in review
    assert submit(client, child_eservice).status_code == 302
    case = Case.objects.get()
    assert case.protected_identity is True
    assert "address" not in case.answers["barn"]


def test_the_age_range_and_municipality_filters(client, navet, bankid, make_child_eservice):
    eservice = make_child_eservice(min_age=1, max_age=5, in_municipality=True)
    # TOGETHER's children are 6 (born 2020): both outside 1–5.
    html = begin(client, bankid, eservice, TOGETHER[0])
    assert 'type="radio"' not in html
    assert "E-tjänsten gäller barn som är 1–5 år. Kerstin är 6 år." in html
    response = post_step(client, eservice, 1, {"q_barn": TOGETHER_CHILDREN[0]})
    assert response.status_code == 400 and NOT_YOURS in response.content.decode()
    client.post(reverse("portal:logout"))

    eservice = make_child_eservice(in_municipality=True)
    html = begin(client, bankid, eservice, ELSEWHERE_GUARDIANS[1])
    assert "är inte folkbokförd i Exempelby kommun." in html and 'type="radio"' not in html


def test_the_register_down_takes_no_child(client, navet, bankid, child_eservice):
    navet.mode = "down"
    html = begin(client, bankid, child_eservice, TOGETHER[0])
    assert "Vi kunde inte hämta dina barn från folkbokföringen just nu." in html
    response = post_step(client, child_eservice, 1, {"q_barn": TOGETHER_CHILDREN[0]})
    assert response.status_code == 400 and NOT_YOURS in response.content.decode()


def test_definition_checks(settings):
    settings.ETJANST_MUNICIPALITY = {**settings.ETJANST_MUNICIPALITY, "code": ""}
    problems = " ".join(schema_problems(child_form(min_age=6, max_age=3, in_municipality=True)))
    assert "den lägsta åldern är högre än den högsta" in problems
    assert "kommunkoden saknas" in problems
    assert schema_problems(child_form(max_age=18))  # custody ends at 18


def test_a_child_eservice_must_require_login_and_never_be_anonymous(make_child_eservice):
    from etjanst.eservices.lint import ERROR, lint

    eservice = make_child_eservice()
    form = child_form()
    assert not [f for f in lint(eservice, form) if "folkbokföringen om den som är" in f.message]
    eservice.offers_anonymity = True
    found = [f for f in lint(eservice, form) if "kan inte vara anonym" in f.message]
    assert found and found[0].level == ERROR
    eservice.offers_anonymity, eservice.login = False, "optional"
    assert [f for f in lint(eservice, form) if "måste kräva inloggning" in f.message]


def test_anonymity_is_never_offered_for_a_child_eservice(
    client, navet, bankid, make_child_eservice
):
    eservice = make_child_eservice()
    eservice.offers_anonymity = True  # misconfigured: the check says so, the pages refuse it
    eservice.save()
    bankid_login(client, bankid, TOGETHER[0])
    intro = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    assert "anonym" not in intro.lower()
    client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "yes"})
    post_step(client, eservice, 1, {"q_barn": TOGETHER_CHILDREN[0]})
    post_step(client, eservice, 2, {"q_start": "Snart"})
    assert submit(client, eservice).status_code == 302
    case = Case.objects.get()
    assert case.is_anonymous is False and case.owner is not None
