"""The content app's admin pages open and save as an administrator uses them."""

import datetime as dt

import pytest
from django.urls import reverse

from etjanst.content.constants import Level, Scope
from etjanst.content.models import OperatingMessage
from tests.content.factories import InformationPageFactory, OperatingMessageFactory
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:content_informationpage_changelist",
        "admin:content_informationpage_add",
        "admin:content_operatingmessage_changelist",
        "admin:content_operatingmessage_add",
    ],
)
def test_admin_pages_open(admin_client, name):
    InformationPageFactory()
    OperatingMessageFactory()
    assert admin_client.get(reverse(name)).status_code == 200


def test_closing_an_eservice_in_admin_shows_at_once(admin_client, client):
    eservice = EServiceFactory(slug="bygglov")
    client.get(reverse("portal:intro", args=["bygglov"]))  # fills the cache
    response = admin_client.post(
        reverse("admin:content_operatingmessage_add"),
        {
            "level": Level.WARNING,
            "text": "Stängt för underhåll.",
            "text_en": "",
            "starts_at_0": "2020-01-01",
            "starts_at_1": "08:00:00",
            "ends_at_0": "",
            "ends_at_1": "",
            "scope": Scope.ESERVICE,
            "eservice": eservice.pk,
            "eid_method": "",
            "closes_eservice": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    message = OperatingMessage.objects.get()
    # Entered in Swedish time, stored in UTC.
    assert message.starts_at == dt.datetime(2020, 1, 1, 7, 0, tzinfo=dt.UTC)
    html = client.get(reverse("portal:intro", args=["bygglov"])).content.decode()
    assert "Stängt för underhåll." in html and ">Starta<" not in html


def test_a_closure_for_the_whole_site_is_refused_in_admin(admin_client):
    response = admin_client.post(
        reverse("admin:content_operatingmessage_add"),
        {
            "level": Level.WARNING,
            "text": "Allt stängt",
            "starts_at_0": "2020-01-01",
            "starts_at_1": "08:00:00",
            "scope": Scope.SITE,
            "closes_eservice": "on",
        },
    )
    assert response.status_code == 200
    assert "Bara ett meddelande om en e-tjänst kan stänga den." in response.content.decode()
    assert not OperatingMessage.objects.exists()
