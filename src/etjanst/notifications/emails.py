"""E-mails to residents. They never carry a personnummer or the answers:
only what the resident needs to find their case again."""

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
        _send("case_confirmation", recipient, {"case": case, "eservice": case.eservice})


def send_message_nudge(case) -> bool:
    """A message waits on Mina sidor. Only the registration number: no content,
    not even the e-service's name."""
    recipient = confirmation_email(case.version.definition, case.answers)
    if not recipient:
        return False
    _send("message_nudge", recipient, {"case": case, "link": _link("portal:my_case", case.pk)})
    return True


def send_draft_reminder(draft) -> bool:
    """A saved draft will soon be deleted. Nothing about what it holds."""
    recipient = confirmation_email(draft.version.definition, draft.answers)
    if not recipient:
        return False
    _send("draft_reminder", recipient, {"draft": draft, "link": _link("portal:my_drafts")})
    return True


def send_new_case_notice(case, recipients: list[str]) -> None:
    """To officers: a new case. The registration number and the e-service,
    nothing from the answers."""
    context = {"case": case, "eservice": case.eservice, "link": _link("staff:case", case.pk)}
    for recipient in recipients:  # one each: officers do not see each other's addresses
        _send("new_case_notice", recipient, context)


def send_release(release, recipient: str) -> None:
    """The answer to a request for public documents: only the masked copy,
    the files released and, when something was withheld, the decision."""
    files = [("kopia-maskerad.pdf", release.masked_pdf.read(), "application/pdf")]
    if release.decision_pdf:
        files.append(("beslut.pdf", release.decision_pdf.read(), "application/pdf"))
    from etjanst.cases.models import Attachment

    released = {f["id"] for f in release.released_files}
    for attachment in Attachment.objects.filter(case_id=release.case_id, pk__in=released):
        with attachment.file.open("rb") as handle:
            files.append((attachment.original_name, handle.read(), attachment.content_type))
    _send("release", recipient, {"release": release}, attachments=files)


def send_booking_confirmation(booking) -> bool:
    """A booked time, with a calendar file. The resource, the time and the
    place: no personnummer, nothing from a form."""
    from etjanst.bookings.calendar import booking_ics

    if not booking.email:
        return False
    _send(
        "booking_confirmation",
        booking.email,
        {"booking": booking, "link": _link("portal:my_booking", booking.pk)},
        attachments=[("bokning.ics", booking_ics(booking), "text/calendar")],
    )
    return True


def send_booking_reminder(booking) -> bool:
    if not booking.email:
        return False
    _send(
        "booking_reminder",
        booking.email,
        {"booking": booking, "link": _link("portal:my_booking", booking.pk)},
    )
    return True


def send_booking_cancelled(booking) -> bool:
    """The booking was cancelled, by the resident or by staff (then with
    the staff member's message)."""
    from etjanst.bookings.calendar import booking_ics

    if not booking.email:
        return False
    _send(
        "booking_cancelled",
        booking.email,
        {"booking": booking, "link": _link("portal:my_bookings")},
        attachments=[("bokning.ics", booking_ics(booking, cancelled=True), "text/calendar")],
    )
    return True


def _link(name: str, *args) -> str:
    return settings.ETJANST_SITE_URL + reverse(name, args=args)


def _send(template: str, recipient: str, context: dict, attachments: list | None = None) -> None:
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
