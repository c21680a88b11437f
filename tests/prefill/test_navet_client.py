"""The Navet client against the simulator over HTTPS with mutual TLS, and
reading answers that are not what Navet sends."""

import pytest

from etjanst.prefill.base import PrefillUnavailable
from etjanst.prefill.contrib.navet.client import NavetClient
from etjanst.prefill.contrib.navet.messages import parse_person
from etjanst.simulators.navet.server import personpost_xml, response_xml
from tests.prefill.conftest import CHILDREN, GUARDIAN, SKYDDAD


def client_for(simulator, **changes) -> NavetClient:
    config = {**simulator.client_settings(timeout=1.0), **changes}
    return NavetClient(
        url=config["URL"],
        client_cert=config["CLIENT_CERT"],
        client_key=config["CLIENT_KEY"],
        ca_cert=config["CA_CERT"],
        org_nr=config["ORG_NR"],
        order_id=config["ORDER_ID"],
        timeout=config["TIMEOUT"],
    )


def test_a_person_with_address_and_children(navet_simulator):
    record = client_for(navet_simulator).person(GUARDIAN)
    assert record.name == "Olof Åberg"
    assert record.address.street == "Granstigen 21"
    assert record.address.postal_code == "204 61"
    assert [c.personnummer for c in record.children] == list(CHILDREN)
    assert record.protected is False


def test_skyddad_folkbokforing_gives_no_address(navet_simulator):
    record = client_for(navet_simulator).person(SKYDDAD)
    assert record.protected is True and record.address is None


def test_without_our_client_certificate_the_register_is_unavailable(navet_simulator):
    with pytest.raises(PrefillUnavailable):
        client_for(navet_simulator, CLIENT_CERT="", CLIENT_KEY="").person(GUARDIAN)


def test_a_wrong_order_id_or_unknown_person_is_a_soap_fault(navet_simulator):
    with pytest.raises(PrefillUnavailable):
        client_for(navet_simulator, ORDER_ID="fel").person(GUARDIAN)
    with pytest.raises(PrefillUnavailable):
        client_for(navet_simulator).person("191503882399")  # a samordningsnummer: not in it


def person_xml(simulator, number=GUARDIAN) -> bytes:
    return response_xml(personpost_xml(simulator.people[number], simulator.people))


def test_the_calling_name_is_the_marked_given_name(navet_simulator):
    body = person_xml(navet_simulator).replace(b"<Fornamn>Olof</Fornamn>", b"")
    body = body.replace(
        b"<Tilltalsnamnsmarkering/><Efternamn>\xc3\x85berg</Efternamn></Namn>",
        b"<Fornamn>Per Olof</Fornamn><Tilltalsnamnsmarkering>20</Tilltalsnamnsmarkering>"
        b"<Efternamn>\xc3\x85berg</Efternamn></Namn>",
    )
    assert parse_person(body, personnummer=GUARDIAN).given_name == "Olof"


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.replace(b"<Sekretessmarkering>N</Sekretessmarkering>", b""),
        lambda b: b.replace(b"<Sekretessmarkering>N", b"<Sekretessmarkering>kanske"),
        lambda b: b.replace(GUARDIAN.encode(), b"194105199121", 1),
        lambda b: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + b,
        lambda b: b[: len(b) // 2],
        lambda b: b"",
    ],
)
def test_answers_navet_would_not_send_are_refused(navet_simulator, change):
    with pytest.raises(PrefillUnavailable):
        parse_person(change(person_xml(navet_simulator)), personnummer=GUARDIAN)


def test_sekretessmarkering_drops_the_address_even_if_one_is_sent(navet_simulator):
    body = person_xml(navet_simulator).replace(b"<Sekretessmarkering>N", b"<Sekretessmarkering>J")
    assert b"Granstigen 21" in body
    record = parse_person(body, personnummer=GUARDIAN)
    assert record.protected and record.address is None
