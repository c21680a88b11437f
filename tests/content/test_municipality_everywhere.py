"""The name and contact details set in admin reach the e-mail and the PDF
receipt too, not only the pages."""

import pytest
from django.core import mail

from etjanst.cases.models import Case
from etjanst.cases.receipts import receipt_html
from etjanst.content.models import SiteSettings
from etjanst.notifications.emails import send_case_confirmation
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(client) -> Case:
    eservice = EServiceFactory()
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Trasig lampa", "q_epost": "anna@example.se"})
    submit(client, eservice)
    return Case.objects.get()


def test_confirmation_and_receipt_use_the_name_from_admin(case):
    SiteSettings.objects.create(
        municipality_name="Norrby kommun", email="kontakt@norrby.se", phone="0999-1 23 45"
    )
    send_case_confirmation(case)
    (message,) = mail.outbox
    assert message.subject.endswith("har kommit in till Norrby kommun")
    assert "Norrby kommun\nkontakt@norrby.se · 0999-1 23 45" in message.body
    assert "Norrby kommun" in receipt_html(case)
    assert "Exempelby kommun" not in receipt_html(case)


def test_without_site_settings_the_environment_names_the_municipality(case):
    send_case_confirmation(case)
    assert mail.outbox[0].subject.endswith("har kommit in till Exempelby kommun")
