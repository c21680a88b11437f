"""BankID's guidelines: on a phone or tablet "BankID på den här enheten"
comes first, on a computer "Mobilt BankID på en annan enhet"."""

import pytest
from django.urls import reverse

from tests.eid.test_devices import ANDROID_PHONE, IPAD, WINDOWS
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start
from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("agent", "first"),
    [
        (ANDROID_PHONE, "BankID på den här enheten"),
        (IPAD, "BankID på den här enheten"),
        (WINDOWS, "Mobilt BankID på en annan enhet"),
    ],
)
def test_the_first_bankid_choice_follows_the_device(client, settings, agent, first):
    settings.ETJANST_EID_METHODS = ["bankid"]
    html = client.get(reverse("portal:bankid"), HTTP_USER_AGENT=agent).content.decode()
    buttons = html[html.index('name="device"') :]
    first_at = buttons.index(first)
    other = ({"BankID på den här enheten", "Mobilt BankID på en annan enhet"} - {first}).pop()
    assert first_at < buttons.index(other)
    assert 'class="button button-primary">' + first in html


@pytest.mark.parametrize(
    ("agent", "first"),
    [
        (ANDROID_PHONE, "Skriv under med BankID på den här enheten"),
        (WINDOWS, "Skriv under med Mobilt BankID och skicka"),
    ],
)
def test_the_signing_choice_follows_the_device_too(client, agent, first):
    eservice = EServiceFactory(login="required", requires_signing=True)
    log_in(client)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Altan"})
    html = client.get(reverse("portal:review", args=[eservice.slug]), HTTP_USER_AGENT=agent)
    assert 'class="button button-primary" data-disable-on-submit>' + first in html.content.decode()
