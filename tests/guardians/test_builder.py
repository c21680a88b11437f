"""The builder offers "Välj barn" and the guardians' signature setting, as
plain form POSTs."""

import pytest
from django.urls import reverse

from etjanst.eservices import builder
from tests.eservices.builder_forms import token
from tests.eservices.conftest import committee, eservice, manager, manager_client  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_builder_adds_a_child_question(manager_client, eservice):  # noqa: F811
    url = reverse("staff:builder_add_question", args=[eservice.pk, "arende"])
    assert "Välj barn (från folkbokföringen)" in manager_client.get(url).content.decode()
    page = manager_client.get(url + "?typ=child").content.decode()
    assert "Lägsta ålder (år)" in page and "Barnet måste vara folkbokfört i kommunen" in page

    bad = manager_client.post(
        url,
        {
            "type": "child",
            "label": "Barnet",
            "min_age": "6",
            "max_age": "3",
            "token": token(eservice),
        },
    )
    assert bad.status_code == 400 and "lägsta åldern" in bad.content.decode()
    too_old = manager_client.post(
        url, {"type": "child", "label": "Barnet", "max_age": "18", "token": token(eservice)}
    )
    assert too_old.status_code == 400 and "mellan 0 och 17" in too_old.content.decode()
    assert builder.draft_of(eservice) is None

    response = manager_client.post(
        url,
        {
            "type": "child",
            "label": "Vilket barn gäller ansökan?",
            "required": "on",
            "min_age": "1",
            "max_age": "5",
            "in_municipality": "on",
            "token": token(eservice),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = builder.draft_of(eservice)
    (question,) = [q for s in draft.form["steps"] for q in s["questions"] if q["type"] == "child"]
    assert question["min_age"] == 1 and question["max_age"] == 5
    assert question["in_municipality"] is True and question["required"] is True


def test_the_settings_offer_the_guardians_signature(manager_client, eservice):  # noqa: F811
    url = reverse("staff:builder_settings", args=[eservice.pk])
    page = manager_client.get(url).content.decode()
    assert "Underskrift av vårdnadshavare" in page
    assert "Alla vårdnadshavare, utom när de bor på samma adress" in page


def test_the_guardians_signature_needs_a_signature(eservice):  # noqa: F811
    from django.core.exceptions import ValidationError

    eservice.guardian_signing = "all"
    with pytest.raises(ValidationError) as caught:
        eservice.full_clean()
    assert "kräver att e-tjänsten kräver underskrift" in str(caught.value)
