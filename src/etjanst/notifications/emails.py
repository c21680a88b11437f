"""E-mails to residents. They never carry a personnummer or the answers:
only what the resident needs to find their case again."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from etjanst.content.look import municipality
from etjanst.eservices.presentation import confirmation_email


def send_case_confirmation(case) -> None:
    recipient = confirmation_email(case.version.definition, case.answers)
    if not recipient:
        return
    context = {
        "case": case,
        "eservice": case.eservice,
        "municipality": municipality(),
    }
    with translation.override("sv"):
        subject = render_to_string("notifications/case_confirmation_subject.txt", context)
        body = render_to_string("notifications/case_confirmation.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[recipient],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
