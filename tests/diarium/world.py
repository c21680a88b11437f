"""A small municipality for the register and request tests: two committees,
an e-service with a secret question and a secret file question, a case with
a file and a message, and staff in different roles. Personnummer from
Skatteverket's test numbers (no real person)."""

import uuid

from django.core.files.base import ContentFile

from etjanst.cases import messaging
from etjanst.cases.models import Attachment
from etjanst.people.actions import resident_for
from etjanst.submissions.actions import submit_form
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.login import ANNA
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import staff_user

SECRET_HEALTH = "Anna har diabetes typ 1 och kan inte gå långt"
FORM = {
    "steps": [
        {
            "id": "ansokan",
            "title": "Ansökan",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
                {
                    "id": "halsa",
                    "type": "long_text",
                    "label": "Hälsotillstånd",
                    "secret": {"ground": "OSL 21:1"},
                },
                {"id": "gata", "type": "short_text", "label": "Gata"},
                {"id": "personnummer", "type": "personnummer", "label": "Personnummer"},
                {"id": "intyg", "type": "file", "label": "Läkarintyg"},
            ],
        }
    ]
}


def pending_file(owner: str, name: str = "intyg.png") -> dict:
    attachment = Attachment(
        upload_owner=owner, original_name=name, content_type="image/png", size=len(PNG_BYTES)
    )
    attachment.file.save("upload", ContentFile(PNG_BYTES), save=False)
    attachment.save()
    return attachment.as_answer()


def secret_case(eservice, *, owner=ANNA, with_file=True):
    owner_token = uuid.uuid4().hex
    answers = {
        "rubrik": "Parkeringstillstånd vid Storgatan",
        "halsa": SECRET_HEALTH,
        "gata": "Storgatan 1",
        "personnummer": owner.personnummer,
    }
    if with_file:
        answers["intyg"] = [pending_file(owner_token)]
    case = submit_form(
        version=eservice.current_version,
        answers=answers,
        upload_owner=owner_token,
        submission_key=uuid.uuid4(),
        owner=resident_for(person=owner) if owner else None,
    )
    messaging.send_message(
        case=case,
        body="Tack, vi har fått din ansökan.",
        from_staff=True,
        client_key=uuid.uuid4(),
    )
    return case


def make_world():
    tn = CommitteeFactory(name="Tekniska nämnden", prefix="TN")
    ks = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    bn = CommitteeFactory(name="Byggnadsnämnden", prefix="BN")
    permits = EServiceFactory(name="Parkeringstillstånd", committee=tn, login="optional", form=FORM)
    return {
        "tn": tn,
        "ks": ks,
        "bn": bn,
        "eservice": permits,
        "case": secret_case(permits),
        "registrar": staff_user("rut", role="registrar", committee=tn),
        "officer": staff_user("tore", committee=tn),
        "other_officer": staff_user("bengt", committee=bn),
        "other_registrar": staff_user("berit", role="registrar", committee=bn),
    }
