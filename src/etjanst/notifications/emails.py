"""E-mails: `send` renders a template pair (subject and body, always in
Swedish) with the municipality's details; the functions here are the
e-mails about cases and drafts (bookings and the register have theirs in
their own apps). E-mails to residents never carry a personnummer or the
answers: only what the resident needs to find their case again."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from etjanst.content.look import municipality
from etjanst.eservices.presentation import confirmation_email


def send_case_confirmation(case) -> None:
    recipient = confirmation_email(case.version.definition, case.answers)
    if recipient:
        send("case_confirmation", recipient, {"case": case, "eservice": case.eservice})


def send_message_nudge(case) -> bool:
    """A message waits on Mina sidor. Only the registration number: no content,
    not even the e-service's name."""
    recipients = [confirmation_email(case.version.definition, case.answers)]
    # The case's other parties (a child's other guardian), where known.
    recipients += [party.email for party in case.parties.all()]
    recipients = list(dict.fromkeys(r for r in recipients if r))
    for recipient in recipients:  # one each: they do not see each other's addresses
        send(
            "message_nudge", recipient, {"case": case, "link": site_link("portal:my_case", case.pk)}
        )
    return bool(recipients)


def send_draft_reminder(draft) -> bool:
    """A saved draft will soon be deleted. Nothing about what it holds."""
    recipient = confirmation_email(draft.version.definition, draft.answers)
    if not recipient:
        return False
    send("draft_reminder", recipient, {"draft": draft, "link": site_link("portal:my_drafts")})
    return True


def send_new_case_notice(case, recipients: list[str]) -> None:
    """To officers: a new case. The registration number and the e-service,
    nothing from the answers."""
    context = {"case": case, "eservice": case.eservice, "link": site_link("staff:case", case.pk)}
    for recipient in recipients:  # one each: officers do not see each other's addresses
        send("new_case_notice", recipient, context)


def site_link(name: str, *args) -> str:
    """A full address on the resident's site (e-mails cannot use relative links)."""
    return settings.ETJANST_SITE_URL + reverse(name, args=args)


def send(template: str, recipient: str, context: dict, attachments: list | None = None) -> None:
    context = {**context, "municipality": municipality()}
    with translation.override("sv"):
        subject = render_to_string(f"notifications/{template}_subject.txt", context)
        body = render_to_string(f"notifications/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[recipient],
        headers={"Auto-Submitted": "auto-generated"},
    )
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()
