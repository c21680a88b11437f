import datetime

import pytest
from django.core.management import call_command
from icalendar import Calendar

from etjanst.bookings import actions
from etjanst.people.actions import resident_for
from tests.bookings.factories import ResourceFactory
from tests.login import ANNA

UTC = datetime.UTC
NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday 08:00 local
TUESDAY_9 = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)


@pytest.fixture
def booking(time_machine, transactional_db):
    # The clock ticks: the local mail server needs time to pass.
    time_machine.move_to(NOW)
    resource = ResourceFactory(name="Budget- och skuldrådgivning", place="Stadshuset")
    return actions.book_slot(
        resource=resource,
        starts_at=TUESDAY_9,
        resident=resident_for(person=ANNA),
        name="Anna Testsson",
        email="anna@example.se",
    )


def _calendar(message) -> Calendar:
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def _text(message) -> str:
    return message["Subject"] + message.get_body(("plain",)).get_content()


def test_the_confirmation_has_a_calendar_file_and_no_personnummer(booking, mailbox, run_tasks):
    run_tasks()
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "anna@example.se"
    text = _text(message)
    assert "Budget- och skuldrådgivning" in text
    assert "tisdag 5 maj 2026 kl. 09:00–09:30" in text  # local time
    for secret in ("198105082393", "19810508-2393", "810508-2393"):
        assert secret not in text
    event = _calendar(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == TUESDAY_9
    assert event.decoded("dtend") == TUESDAY_9 + datetime.timedelta(minutes=30)
    assert str(event["location"]) == "Stadshuset"


def test_a_cancellation_by_staff_sends_the_message_and_a_cancelled_event(
    booking, mailbox, run_tasks, django_user_model
):
    run_tasks()
    mailbox.wait_for(1)
    officer = django_user_model.objects.create_user("hanna")
    actions.cancel_booking(booking=booking, staff_user=officer, message="Rådgivaren är sjuk.")
    run_tasks()
    message = mailbox.wait_for(2)[1]
    assert "Avbokad" in message["Subject"]
    assert "Rådgivaren är sjuk." in _text(message)
    assert str(_calendar(message).walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_the_reminder_goes_the_day_before_and_only_once(booking, mailbox, run_tasks, time_machine):
    run_tasks()
    mailbox.wait_for(1)
    call_command("send_booking_reminders", verbosity=0)  # Monday: tomorrow is Tuesday
    call_command("send_booking_reminders", verbosity=0)
    run_tasks()
    messages = mailbox.wait_for(2)
    assert "Påminnelse" in messages[1]["Subject"]
    call_command("send_booking_reminders", verbosity=0)
    run_tasks()
    assert len(mailbox.messages) == 2
