"""E-mails: `send` renders a template pair (subject and body, always in
Swedish) with the municipality's details; the functions here are the
e-mails about cases and drafts (bookings and the register have theirs in
their own apps). E-mails to residents never carry a personnummer or the
answers: only what the resident needs to find their case again."""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from etjanst.content.look import municipality
from etjanst.eservices.presentation import confirmation_email

from .models import SentEmail


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
    """A saved draft will soon be deleted. Nothing about what it holds.
    Once per save of the draft (its `reminder_sent_at`), however often the
    task runs."""
    recipient = confirmation_email(draft.version.definition, draft.answers)
    if not recipient:
        return False
    once = effect_key("draft_reminder", draft.pk, draft.reminder_sent_at, recipient)
    send(
        "draft_reminder",
        recipient,
        {"draft": draft, "link": site_link("portal:my_drafts")},
        once=once,
    )
    return True


def send_new_case_notice(case, recipients: list[str]) -> None:
    """To officers: a new case. The registration number and the e-service,
    nothing from the answers. Once per officer and case, however often the
    task runs (a rerun after the second of three sends only the third)."""
    context = {"case": case, "eservice": case.eservice, "link": site_link("staff:case", case.pk)}
    for recipient in recipients:  # one each: officers do not see each other's addresses
        send(
            "new_case_notice",
            recipient,
            context,
            once=effect_key("new_case_notice", case.pk, recipient),
        )


def site_link(name: str, *args) -> str:
    """A full address on the resident's site (e-mails cannot use relative links)."""
    return settings.ETJANST_SITE_URL + reverse(name, args=args)


def effect_key(kind: str, *parts) -> str:
    """A key naming one e-mail (kind, then what makes it that one), for
    `send(once=...)`. Hashed: addresses and personal data never in the key."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def send(
    template: str,
    recipient: str,
    context: dict,
    attachments: list | None = None,
    *,
    once: str | None = None,
) -> bool:
    """Send one e-mail. With `once` (an `effect_key`), an e-mail already
    sent under that key is not sent again (returns False), and the key is
    recorded when the mail server has taken it. The one gap SMTP leaves: a
    process killed between the server's "250 OK" and that record sends it
    again when the task is rerun; the repeat carries the same Message-ID, so
    mail programs that deduplicate show it once."""
    if once and SentEmail.objects.filter(key=once).exists():
        return False
    context = {**context, "municipality": municipality()}
    with translation.override("sv"):
        subject = render_to_string(f"notifications/{template}_subject.txt", context)
        body = render_to_string(f"notifications/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[recipient],
        headers={"Auto-Submitted": "auto-generated"} | _message_id(once),
    )
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()
    if once:
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=once, sent_at=timezone.now())
        except IntegrityError:  # another run sent it at the same moment: recorded already
            pass
    return True


def _message_id(once: str | None) -> dict:
    """The same Message-ID every time an e-mail with this key is sent."""
    if not once:
        return {}
    host = urlsplit(settings.ETJANST_SITE_URL).hostname or "etjanst.invalid"
    return {"Message-ID": f"<{hashlib.sha256(once.encode()).hexdigest()[:32]}@{host}>"}
