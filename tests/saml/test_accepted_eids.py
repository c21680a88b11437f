"""An e-service that needs a Swedish personnummer names on its intro the
e-IDs that give one, and leaves out the foreign one (eIDAS)."""

import pytest
from django.urls import reverse

from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.django_db


def test_the_intro_names_the_eids_that_give_a_personnummer(client, saml):
    eservice = EServiceFactory(login="required", requires_signing=True)
    intro = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    said = intro[intro.index("E-tjänsten kräver ett svenskt personnummer") :].split("</p>")[0]
    assert "Du kan logga in med BankID, Freja eID+, Telia." in said
    assert "eIDAS" not in said and "Utländsk" not in said


def test_an_eservice_without_that_need_does_not_list_them(client, saml):
    eservice = EServiceFactory(login="required")
    intro = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    assert "Du kan logga in med" not in intro
