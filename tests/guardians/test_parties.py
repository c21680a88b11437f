"""Both guardians are parties: Mina ärenden, messages, the staff pages, the
receipt PDF and the register extract show who has signed and when."""

import json
import uuid

import pytest
from django.urls import reverse

from etjanst.cases.messaging import send_message
from etjanst.cases.models import Case
from etjanst.cases.receipts import receipt_html
from etjanst.eid.person import Person
from etjanst.eservices.presentation import answers_digest
from etjanst.guardians import actions
from etjanst.people.extract import gather
from etjanst.people.models import Resident
from tests.guardians.conftest import send_directly
from tests.guardians.families import STRANGER, TOGETHER
from tests.login import log_in
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db

FIRST, OTHER = TOGETHER
EMMA = Person(personnummer=OTHER, given_name="Emma", surname="Berglund", method="bankid")
OLOF = Person(personnummer=FIRST, given_name="Olof", surname="Åberg", method="bankid")


def sign_as_emma(case):
    request = case.guardian_signatures.get()
    return actions.sign(
        signature_id=request.pk,
        person=EMMA,
        signed={
            "personnummer": OTHER,
            "submission_key": actions.submission_key(request),
            "answers_digest": answers_digest(case.answers),
            "name": "Emma Berglund",
            "signed_at": 1_790_000_000,
        },
    )


def test_both_guardians_see_the_case_and_nobody_else(client, signing_eservice):
    case = send_directly(signing_eservice)
    log_in(client, EMMA)
    Resident.objects.create(personnummer=OTHER, given_name="Emma", surname="Berglund")
    listed = client.get(reverse("portal:my_cases")).content.decode()
    assert case.registration_number in listed
    assert "Väntar på underskrift</span>" in listed
    assert client.get(reverse("portal:my_case", args=[case.pk])).status_code == 200
    log_in(client, OLOF)
    assert client.get(reverse("portal:my_case", args=[case.pk])).status_code == 200
    log_in(client, Person(personnummer=STRANGER, given_name="A", surname="B", method="bankid"))
    Resident.objects.create(personnummer=STRANGER, given_name="A", surname="B")
    assert client.get(reverse("portal:my_case", args=[case.pk])).status_code == 404


def test_a_draft_is_the_senders_alone(client, signing_eservice):
    from etjanst.submissions.models import Draft

    olof = Resident.objects.create(personnummer=FIRST, given_name="Olof", surname="Åberg")
    emma = Resident.objects.create(personnummer=OTHER, given_name="Emma", surname="Berglund")
    Draft.objects.create(
        owner=olof,
        eservice=signing_eservice,
        version=signing_eservice.current_version,
        answers={"start": "Utkast"},
    )
    assert Draft.objects.owned_by(emma).count() == 0
    log_in(client, EMMA)
    assert "Utkast" not in client.get(reverse("portal:my_drafts")).content.decode()


def test_messages_reach_both_guardians(signing_eservice, run_tasks, mailoutbox):
    case = send_directly(signing_eservice)
    case.parties.update(email="emma@example.se")
    case.answers = {**case.answers}
    mailoutbox.clear()
    send_message(case=case, body="Hej båda", from_staff=True, client_key=uuid.uuid4())
    run_tasks()
    assert "emma@example.se" in [m.to[0] for m in mailoutbox]


def test_staff_see_the_waiting_case_apart_and_who_signed(client, signing_eservice):
    case = send_directly(signing_eservice)
    officer = staff_user("siv", committee=signing_eservice.committee)
    log_in_staff(client, officer)
    new = client.get(reverse("staff:inbox")).content.decode()
    assert case.registration_number not in new
    waiting = client.get(reverse("staff:inbox_waiting")).content.decode()
    assert case.registration_number in waiting
    assert (
        "Väntar på underskrift</span>" in client.get(reverse("staff:inbox_open")).content.decode()
    )
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "Väntar på underskrift från den andra vårdnadshavaren." in page
    assert "Väntar på underskrift av Emma Berglund" in page

    sign_as_emma(case)
    assert case.registration_number in client.get(reverse("staff:inbox")).content.decode()
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "Signerad med BankID av Olof Åberg" in page
    assert "Signerad med BankID av Emma Berglund" in page


def test_staff_see_a_no_and_its_message(client, signing_eservice):
    case = send_directly(signing_eservice)
    actions.reject(
        signature_id=case.guardian_signatures.get().pk, person=EMMA, message="Vi är inte överens"
    )
    log_in_staff(client, staff_user("siv", committee=signing_eservice.committee))
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "Alla vårdnadshavare har inte skrivit under." in page
    assert "Emma Berglund sa nej till att skriva under" in page
    assert "Vi är inte överens" in page


def test_the_receipt_and_the_register_extract_show_the_signatures(signing_eservice):
    case = send_directly(signing_eservice)
    assert "Väntar på underskrift från Emma Berglund" in receipt_html(case)
    sign_as_emma(case)
    case = Case.objects.get(pk=case.pk)
    html = receipt_html(case)
    assert "Signerad med BankID av Olof Åberg" in html
    assert "Signerad med BankID av Emma Berglund" in html

    olof = Resident.objects.get(personnummer=FIRST)
    olofs = gather(olof)
    # Emma's personnummer is her personal data: masked in Olof's extract.
    assert OTHER not in json.dumps(olofs)
    assert f"{OTHER[:8]}-XXXX" in json.dumps(olofs)
    (row,) = olofs["guardian_signatures"]
    assert (row["guardian"], row["state"], row["email"]) == ("Emma Berglund", "Underskriven", "")
    emma = Resident.objects.create(personnummer=OTHER, given_name="Emma", surname="Berglund")
    data = gather(emma)
    assert data["guardian_signatures"][0]["case"] == case.registration_number
    assert case.registration_number in [c["registration_number"] for c in data["cases"]]


def test_each_guardian_sees_who_wrote_each_message(client, signing_eservice):
    """One thread for both guardians: each reads their own messages as
    "Från dig" and the other's under the other's name; staff see both names."""
    case = send_directly(signing_eservice)
    sign_as_emma(case)
    Resident.objects.create(personnummer=OTHER, given_name="Emma", surname="Berglund")
    meta = '<p class="meta">'

    def write(person, body):
        log_in(client, person)
        page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
        key = page.split('name="client_key" value="')[1].split('"')[0]
        response = client.post(
            reverse("portal:my_case", args=[case.pk]), {"body": body, "client_key": key}
        )
        assert response.status_code == 302

    def metas(page):
        return [chunk.split(" ·")[0] for chunk in page.split(meta)[1:]]

    write(OLOF, "Från pappa")
    write(EMMA, "Från mamma")
    assert [m.from_party_id is not None for m in case.messages.order_by("pk")] == [False, True]
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert metas(page) == ["Från Olof Åberg", "Från dig"]
    log_in(client, OLOF)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert metas(page) == ["Från dig", "Från Emma Berglund"]
    log_in_staff(client, staff_user("siv", committee=signing_eservice.committee))
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert metas(page) == ["Från Olof Åberg", "Från Emma Berglund"]
