"""A foreign person (eIDAS, no Swedish personnummer) cannot sign with
BankID: an e-service that requires signing tells them so before they start,
and no way past the intro starts a signing order or sends a case."""

import pytest
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.eid.person import Person
from tests.eservices.factories import EServiceFactory
from tests.login import log_in

pytestmark = pytest.mark.django_db

LENA = Person(
    personnummer=None,
    given_name="Lena",
    surname="Müller",
    method="saml:eidas",
    identifier="DE:4f1c9a2b7e",
    loa="http://id.elegnamnden.se/loa/1.0/eidas-sub",
)


def test_a_foreign_person_is_told_and_never_reaches_signing(client, bankid):
    eservice = EServiceFactory(name="Ansökan om bygglov", login="required", requires_signing=True)
    log_in(client, LENA)
    orders_before = set(bankid.orders)  # the simulator outlives each test
    intro = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    assert "E-tjänsten kräver ett svenskt personnummer" in intro
    assert "utan svenskt personnummer och kan därför inte använda e-tjänsten" in intro
    assert "Starta</button>" not in intro
    for name in ("portal:start", "portal:review", "portal:submit_signed"):
        response = client.post(
            reverse(name, args=[eservice.slug]), {"submission_key": "x", "device": "other"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:intro", args=[eservice.slug])
    assert set(bankid.orders) == orders_before  # no signing order was started
    assert Case.objects.count() == 0
