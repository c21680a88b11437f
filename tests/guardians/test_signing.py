"""Both guardians sign: the case waits for the other guardian, who signs
with their own BankID (the simulator, over mutual TLS) or says no; the
deadline hands it over. Bad input, each with its Swedish message and no
change."""

import base64
import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from etjanst.cases.models import Case, CaseEvent
from etjanst.eid.person import Person
from etjanst.eservices.presentation import answers_digest
from etjanst.guardians import actions
from etjanst.guardians.models import GuardianSignature, SignatureState
from etjanst.people.models import Resident
from tests.filling import post_step, start
from tests.guardians.conftest import CHILD_ANSWER, send_directly
from tests.guardians.families import (
    APART,
    APART_CHILDREN,
    SOLE,
    SOLE_CHILD,
    STRANGER,
    TOGETHER,
    TOGETHER_CHILDREN,
)
from tests.prefill.conftest import bankid_login

pytestmark = pytest.mark.django_db

FIRST, OTHER = TOGETHER


def person(personnummer, name="Någon Testsson"):
    given, surname = name.split(" ", 1)
    return Person(personnummer=personnummer, given_name=given, surname=surname, method="bankid")


def poll(client):
    for _ in range(10):
        data = client.get(reverse("portal:bankid_status")).json()
        if data["status"] != "pending":
            return data
    raise AssertionError(data)


def send_as_guardian(client, bankid, eservice, guardian, child):
    """The first guardian fills in, signs with BankID and sends."""
    bankid_login(client, bankid, guardian)
    start(client, eservice)
    assert post_step(client, eservice, 1, {"q_barn": child}).status_code == 302
    assert post_step(client, eservice, 2, {"q_start": "1 augusti"}).status_code == 302
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    bankid.script(guardian, after_polls=1)
    client.post(
        reverse("portal:review", args=[eservice.slug]),
        {"submission_key": review.context["submission_key"], "device": "other"},
    )
    done = poll(client)
    assert done["status"] == "complete", done
    receipt = client.get(client.get(done["next"])["Location"]).content.decode()
    case = Case.objects.get()
    if case.awaiting_signatures:
        assert "Väntar på underskrift från den andra vårdnadshavaren." in receipt
    return case


def signed_for(signature, personnummer=None, **changes):
    return {
        "personnummer": personnummer or signature.personnummer,
        "submission_key": actions.submission_key(signature),
        "answers_digest": answers_digest(signature.case.answers),
        "name": signature.name,
        "signed_at": 1_790_000_000,
    } | changes


# -- the whole way, through the pages -------------------------------------------


def test_two_guardians_through_the_pages(client, navet, bankid, signing_eservice, mailoutbox):
    case = send_as_guardian(client, bankid, signing_eservice, FIRST, TOGETHER_CHILDREN[1])
    assert case.awaiting_signatures is True
    assert case.signature["personnummer"] == FIRST
    assert case not in Case.objects.new_unassigned()  # not handed to staff yet
    (request,) = GuardianSignature.objects.filter(case=case)
    assert (request.personnummer, request.name, request.state) == (
        OTHER,
        "Emma Berglund",
        "waiting",
    )
    assert case.parties.get().personnummer == OTHER
    mine = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "Väntar på underskrift från den andra vårdnadshavaren" in mine

    other = Client()
    bankid_login(other, bankid, OTHER)
    overview = other.get(reverse("portal:my_pages")).content.decode()
    assert "1 ärende om ditt barn väntar på din underskrift." in overview
    listed = other.get(reverse("portal:to_sign")).content.decode()
    assert case.registration_number in listed and "Att signera" in listed
    page = other.get(reverse("portal:guardian_sign", args=[request.pk])).content.decode()
    assert "Erik Åberg, 20200524-2397" in page and "1 augusti" in page  # the whole case
    # The other guardian sees the waiting case under Mina ärenden too.
    assert other.get(reverse("portal:my_case", args=[case.pk])).status_code == 200

    bankid.script(OTHER, after_polls=1, name="Emma Berglund")
    response = other.post(
        reverse("portal:guardian_sign", args=[request.pk]), {"action": "sign", "device": "other"}
    )
    assert response["Location"] == reverse("portal:bankid_wait")
    order = bankid.orders[other.session["etjanst_bankid_order"]["order_ref"]]
    shown = base64.b64decode(order.user_visible_data).decode()
    assert case.registration_number in shown and "vårdnadshavare" in shown
    done = poll(other)
    assert done["status"] == "complete"
    landed = other.get(done["next"])
    assert landed["Location"] == reverse("portal:my_case", args=[case.pk])

    request.refresh_from_db()
    case.refresh_from_db()
    assert request.state == SignatureState.SIGNED and request.decided_at
    assert request.signature["personnummer"] == OTHER
    assert base64.b64decode(request.signature["signature"])  # BankID's, as received
    assert case.awaiting_signatures is False
    assert case in Case.objects.new_unassigned()
    assert case.events.filter(kind=CaseEvent.Kind.GUARDIANS_SIGNED).exists()
    resident = Resident.objects.get(personnummer=OTHER)
    assert case in Case.objects.owned_by(resident)
    shown = other.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "Emma Berglund" in shown and "Underskriven" in shown
    assert "Det här skickade Olof Åberg" in shown
    assert "Underskrivet av alla vårdnadshavare</strong>" in shown  # in the history


def test_another_persons_bankid_cannot_sign_for_the_guardian(navet, bankid, signing_eservice):
    case = send_directly(signing_eservice)
    request = case.guardian_signatures.get()
    other = Client()
    bankid_login(other, bankid, OTHER)
    bankid.script(STRANGER, after_polls=0)  # someone with the link and the phone
    other.post(
        reverse("portal:guardian_sign", args=[request.pk]), {"action": "sign", "device": "other"}
    )
    done = poll(other)
    assert done["status"] == "failed" and "ett annat BankID" in done["message"]
    # "Försök igen" leads back to the signing page, not to a form's review.
    retry = other.session["etjanst_bankid_failed"]["retry"]
    assert retry == reverse("portal:guardian_sign", args=[request.pk])
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING


def test_someone_with_the_link_who_is_not_the_guardian_gets_nothing(bankid, signing_eservice):
    case = send_directly(signing_eservice)
    request = case.guardian_signatures.get()
    stranger = Client()
    bankid_login(stranger, bankid, STRANGER)
    for name in ("portal:guardian_sign", "portal:guardian_signed"):
        assert stranger.get(reverse(name, args=[request.pk])).status_code == 404
    response = stranger.post(
        reverse("portal:guardian_sign", args=[request.pk]), {"action": "reject"}
    )
    assert response.status_code == 404
    assert stranger.get(reverse("portal:my_case", args=[case.pk])).status_code == 404
    assert case.registration_number not in stranger.get(reverse("portal:to_sign")).content.decode()
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING


def test_the_other_guardian_says_no_with_a_message(bankid, signing_eservice):
    case = send_directly(signing_eservice)
    request = case.guardian_signatures.get()
    other = Client()
    bankid_login(other, bankid, OTHER)
    too_long = other.post(
        reverse("portal:guardian_sign", args=[request.pk]),
        {"action": "reject", "message": "x" * 2001},
    )
    assert too_long.status_code == 400 and "högst 2000 tecken" in too_long.content.decode()
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING
    other.post(
        reverse("portal:guardian_sign", args=[request.pk]),
        {"action": "reject", "message": "Vi har inte bestämt oss."},
    )
    request.refresh_from_db()
    case.refresh_from_db()
    assert (
        request.state == SignatureState.REJECTED and request.message == "Vi har inte bestämt oss."
    )
    assert case.awaiting_signatures is False and case in Case.objects.new_unassigned()
    assert case.events.filter(kind=CaseEvent.Kind.GUARDIAN_REJECTED).exists()


# -- who must sign --------------------------------------------------------------


def test_sole_custody_signs_alone(client, navet, bankid, signing_eservice):
    case = send_as_guardian(client, bankid, signing_eservice, SOLE, SOLE_CHILD)
    assert case.awaiting_signatures is False and not case.guardian_signatures.exists()
    assert case in Case.objects.new_unassigned()


def test_the_same_address_option(client, navet, bankid, signing_eservice):
    signing_eservice.guardian_signing = "unless_together"
    signing_eservice.save()
    together = send_directly(signing_eservice)
    assert together.awaiting_signatures is False
    apart_child = {
        **CHILD_ANSWER,
        "guardians": [{**CHILD_ANSWER["guardians"][0], "same_address": False}],
    }
    apart = send_directly(signing_eservice, child=apart_child)
    assert apart.awaiting_signatures is True


def test_different_addresses_through_the_register(client, navet, bankid, signing_eservice):
    signing_eservice.guardian_signing = "unless_together"
    signing_eservice.save()
    case = send_as_guardian(client, bankid, signing_eservice, APART[0], APART_CHILDREN[0])
    assert case.awaiting_signatures is True
    assert case.guardian_signatures.get().personnummer == APART[1]


# -- bad input: a clear message, nothing changed ----------------------------------


def refused(call, expected):
    with pytest.raises(actions.SigningRefused) as caught:
        call()
    assert expected in caught.value.message
    return caught.value


def test_the_first_guardian_cannot_sign_again_as_the_other(signing_eservice):
    request = send_directly(signing_eservice).guardian_signatures.get()
    refused(
        lambda: actions.sign(
            signature_id=request.pk, person=person(FIRST), signed=signed_for(request, FIRST)
        ),
        "Du har redan skrivit under ärendet när du skickade in det.",
    )
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING


def test_a_non_guardian_cannot_sign(signing_eservice):
    request = send_directly(signing_eservice).guardian_signatures.get()
    refused(
        lambda: actions.sign(
            signature_id=request.pk, person=person(STRANGER), signed=signed_for(request, STRANGER)
        ),
        "Bara den vårdnadshavare som folkbokföringen anger kan skriva under.",
    )
    refused(
        lambda: actions.reject(signature_id=request.pk, person=person(STRANGER)),
        "väntar inte på din underskrift",
    )
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING


def test_a_second_signature_by_the_same_guardian(signing_eservice):
    request = send_directly(signing_eservice).guardian_signatures.get()
    actions.sign(signature_id=request.pk, person=person(OTHER), signed=signed_for(request))
    request.refresh_from_db()
    decided_at = request.decided_at
    refused(
        lambda: actions.sign(
            signature_id=request.pk, person=person(OTHER), signed=signed_for(request)
        ),
        "Du har redan skrivit under ärendet.",
    )
    refused(
        lambda: actions.reject(signature_id=request.pk, person=person(OTHER)),
        "Du har redan skrivit under ärendet.",
    )
    request.refresh_from_db()
    assert request.decided_at == decided_at and request.state == SignatureState.SIGNED
    assert request.case.events.filter(kind=CaseEvent.Kind.GUARDIANS_SIGNED).count() == 1


def test_a_signature_that_is_not_of_this_case(signing_eservice):
    request = send_directly(signing_eservice).guardian_signatures.get()
    for wrong in (
        signed_for(request, answers_digest="0" * 64),
        signed_for(request, submission_key="guardian-999999"),
        signed_for(request, personnummer=STRANGER),
    ):
        refused(
            lambda wrong=wrong: actions.sign(
                signature_id=request.pk, person=person(OTHER), signed=wrong
            ),
            "Underskriften gäller inte det här ärendet.",
        )
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING


def test_after_a_no_nothing_more(signing_eservice):
    request = send_directly(signing_eservice).guardian_signatures.get()
    actions.reject(signature_id=request.pk, person=person(OTHER), message="Nej")
    refused(
        lambda: actions.sign(
            signature_id=request.pk, person=person(OTHER), signed=signed_for(request)
        ),
        "Du har redan sagt nej",
    )
    request.refresh_from_db()
    assert request.state == SignatureState.REJECTED and request.signature is None


def test_after_the_deadline(signing_eservice, time_machine):
    case = send_directly(signing_eservice)
    request = case.guardian_signatures.get()
    assert request.deadline == case.received_at + datetime.timedelta(days=14)
    time_machine.move_to(request.deadline + datetime.timedelta(minutes=1), tick=False)
    # Before the scheduled task has run, too.
    refused(
        lambda: actions.sign(
            signature_id=request.pk, person=person(OTHER), signed=signed_for(request)
        ),
        "Tiden för att skriva under gick ut",
    )
    request.refresh_from_db()
    assert request.state == SignatureState.WAITING
    assert actions.expire_and_remind() == (1, 0)
    request.refresh_from_db()
    case.refresh_from_db()
    assert request.state == SignatureState.EXPIRED
    assert case.awaiting_signatures is False and case in Case.objects.new_unassigned()
    assert case.events.filter(kind=CaseEvent.Kind.GUARDIAN_DEADLINE).exists()
    refused(
        lambda: actions.sign(
            signature_id=request.pk, person=person(OTHER), signed=signed_for(request)
        ),
        "Tiden för att skriva under gick ut",
    )
    assert actions.expire_and_remind() == (0, 0)  # once


def test_the_other_guardian_is_told_and_reminded_by_email(
    run_tasks, signing_eservice, mailoutbox, time_machine
):
    # An e-mail the other guardian gave in a case of their own.
    from tests.eservices.factories import EServiceFactory

    with_email = EServiceFactory(
        form={
            "steps": [
                {
                    "id": "k",
                    "title": "Kontakt",
                    "questions": [{"id": "e", "type": "email", "label": "E-post"}],
                }
            ]
        }
    )
    import uuid

    from etjanst.submissions.actions import submit_form

    submit_form(
        version=with_email.current_version,
        answers={"e": "emma@example.se"},
        upload_owner="",
        submission_key=uuid.uuid4(),
        owner=Resident.objects.create(personnummer=OTHER, given_name="Emma", surname="Berglund"),
    )
    mailoutbox.clear()
    case = send_directly(signing_eservice)
    run_tasks()
    request = case.guardian_signatures.get()
    assert request.email == "emma@example.se"
    told = [m for m in mailoutbox if m.to == ["emma@example.se"] and "underskrift" in m.subject]
    assert len(told) == 1 and case.registration_number in told[0].subject
    assert OTHER not in told[0].body and "Erik" not in told[0].body  # nothing about the child
    assert reverse("portal:guardian_sign", args=[request.pk]) in told[0].body
    time_machine.move_to(request.deadline - datetime.timedelta(days=2), tick=False)
    assert actions.expire_and_remind() == (0, 1)
    assert actions.expire_and_remind() == (0, 0)  # one reminder
    run_tasks()
    assert "Påminnelse" in mailoutbox[-1].subject


# -- twice at once ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_two_signatures_at_once_count_once(signing_eservice):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (the SQLite run serialises writes)")
    request = send_directly(signing_eservice).guardian_signatures.get()
    threads, results = 6, []
    barrier = threading.Barrier(threads)

    def go(i: int) -> None:
        try:
            barrier.wait()
            if i % 2:
                actions.reject(signature_id=request.pk, person=person(OTHER))
            else:
                actions.sign(
                    signature_id=request.pk, person=person(OTHER), signed=signed_for(request)
                )
            results.append("ok")
        except actions.SigningRefused as exc:
            results.append(exc.message)
        finally:
            connection.close()

    workers = [threading.Thread(target=go, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert results.count("ok") == 1, results
    assert all("redan" in r for r in results if r != "ok")
    case = Case.objects.get(pk=request.case_id)
    assert case.awaiting_signatures is False
    handed = case.events.filter(
        kind__in=[CaseEvent.Kind.GUARDIANS_SIGNED, CaseEvent.Kind.GUARDIAN_REJECTED]
    )
    assert handed.count() == 1
