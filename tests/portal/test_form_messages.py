"""Messages on a form say exactly what is wrong, and logging in from a form
comes back to it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.eservices.factories import EServiceFactory
from tests.filling import form_state, post_step, start
from tests.login import ANNA, log_in

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "ett",
            "title": "Ett",
            "questions": [
                {"id": "namnet", "type": "short_text", "label": "Vad heter hunden?"},
                {"id": "barn", "type": "yes_no", "label": "Har du barn?", "required": True},
                {
                    "id": "intyg",
                    "type": "file",
                    "label": "Läkarintyg",
                    "validation": {"file_types": ["png", "pdf"]},
                },
            ],
        },
        {
            "id": "tva",
            "title": "Två",
            "questions": [{"id": "x", "type": "short_text", "label": "X"}],
        },
    ]
}


def test_the_error_summary_names_each_question(client):
    eservice = EServiceFactory(form=FORM)
    start(client, eservice)
    response = post_step(client, eservice, 1, {"q_namnet": "Fido"})
    assert response.status_code == 400
    summary = response.content.decode().split('id="error-summary"')[1].split("</ul>")[0]
    assert "Har du barn?:</span>" in summary
    assert 'href="#id_q_barn_0"' in summary  # the first choice of the question


def test_a_file_whose_content_is_not_what_its_name_says_is_told_so(client):
    eservice = EServiceFactory(form=FORM)
    start(client, eservice)
    fake = SimpleUploadedFile("fake.png", b"this is plain text, not an image at all")
    response = post_step(client, eservice, 1, {"q_barn": "no", "q_intyg": fake})
    page = response.content.decode()
    assert response.status_code == 400
    assert "heter .png, men innehållet är inte en PNG-fil" in page


def test_spara_names_the_answers_it_left_out(client):
    eservice = EServiceFactory(form=FORM, login="optional")
    log_in(client, ANNA)
    start(client, eservice)
    fake = SimpleUploadedFile("fake.png", io.BytesIO(b"not a png").read())
    response = post_step(
        client, eservice, 1, {"q_namnet": "Fido", "q_intyg": fake, "action": "save"}, follow=True
    )
    page = response.content.decode()
    assert "sparades inte: «Har du barn?», «Läkarintyg»" in page
    assert form_state(client, eservice)["answers"]["namnet"] == "Fido"


def test_logging_in_from_a_form_comes_back_to_the_same_step(client):
    eservice = EServiceFactory(form=FORM, login="optional")
    start(client, eservice)
    post_step(client, eservice, 1, {"q_namnet": "Fido", "q_barn": "no"})
    step_two = reverse("portal:step", args=[eservice.slug, 2])
    page = client.get(step_two).content.decode()
    login_link = f"{reverse('portal:login')}?next={step_two}"
    assert login_link in page
    log_in(client, ANNA)  # what the e-ID login does; then it follows `next`
    response = client.get(login_link, follow=True)
    assert response.redirect_chain[-1][0] == step_two
    assert form_state(client, eservice)["answers"]["namnet"] == "Fido"


def test_elsewhere_the_login_link_goes_to_mina_sidor(client):
    page = client.get(reverse("portal:catalogue")).content.decode()
    assert f'?next={reverse("portal:my_pages")}"' in page
