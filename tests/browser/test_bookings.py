"""Bookings in Chromium, with axe on every page: book a time inside an
e-service, find it under Mina bokningar, rebook it, cancel it; the e-mails
(with a calendar file) arrive at the local mail server."""

import pytest
from playwright.sync_api import expect

from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking
from tests.bookings.factories import ResourceFactory, booking_form
from tests.browser.test_mypages import log_in_with_bankid
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def eservice(transactional_db):
    resource = ResourceFactory(
        name="Budget- och skuldrådgivning", slug="budget-browser", change_deadline_hours=1
    )
    return EServiceFactory(
        name="Boka budget- och skuldrådgivning", login="optional", form=booking_form(resource)
    )


def test_book_in_an_e_service_then_rebook_and_cancel_in_mina_bokningar(
    site, context, bankid, eservice, mailbox, run_tasks
):
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    log_in_with_bankid(site, context, bankid, "Logga in först", f"/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    expect(page.get_by_role("group", name="Välj en tid")).to_be_visible()
    page.locator('input[name="q_tid"]').first.check()
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    assert Booking.objects.get().status == BookingStatus.HELD
    page.get_by_label("E-postadress").fill("invanare@example.se")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt ärende är nu inskickat")
    first = Booking.objects.get()
    assert first.status == BookingStatus.CONFIRMED and first.case is not None
    run_tasks()
    mailbox.wait_for(2)  # the case's confirmation and the booking's

    site.visit("/mina-sidor/")
    expect(page.get_by_text("1 kommande bokning")).to_be_visible()
    with site.navigation():
        page.get_by_role("link", name="Mina bokningar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina bokningar")
    with site.navigation():
        page.get_by_role("link", name="Budget- och skuldrådgivning").click()
    with site.navigation():
        page.get_by_role("link", name="Boka om").click()
    page.locator('input[name="tid"]').nth(1).check()
    with site.navigation():
        page.get_by_role("button", name="Boka den nya tiden").click()
    expect(page.get_by_text("Din tid är ombokad.")).to_be_visible()
    second = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert second.pk != first.pk and second.slot.starts_at != first.slot.starts_at
    run_tasks()
    mailbox.wait_for(3)

    with site.navigation():
        page.get_by_role("link", name="Avboka").click()
    with site.navigation():
        page.get_by_role("button", name="Ja, avboka").click()
    expect(page.get_by_text("Din tid är avbokad.")).to_be_visible()
    assert not Booking.objects.filter(status=BookingStatus.CONFIRMED).exists()

    run_tasks()
    messages = mailbox.wait_for(4)
    booking_mails = [m for m in messages if "Budget- och skuldrådgivning" in m["Subject"]]
    assert len(booking_mails) == 3
    calendars = [
        part
        for message in booking_mails
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    assert len(calendars) == 3
    assert b"BEGIN:VEVENT" in calendars[0].get_payload(decode=True)
    assert b"STATUS:CANCELLED" in calendars[2].get_payload(decode=True)
    site.check_all_scanned()


def test_staff_see_the_week_block_a_time_and_cancel_with_a_message(
    site, eservice, mailbox, run_tasks
):
    from etjanst.bookings import actions
    from etjanst.bookings.models import Resource
    from etjanst.bookings.schedule import free_slots
    from tests.staff_accounts import PASSWORD, current_code, staff_user

    resource = Resource.objects.get()
    officer = staff_user("hanna", committee=resource.committee)
    resource.managers.add(officer)
    slots = [s for s in free_slots(resource, *_two_weeks()) if s.free]
    booking = actions.book_slot(
        resource=resource, starts_at=slots[0].starts_at, name="Anna Testsson", email="a@example.se"
    )
    page = site.page
    site.visit("/handlaggning/")
    page.get_by_label("Användarnamn").fill("hanna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    with site.navigation():
        page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Kod (sex siffror)").fill(current_code(officer))
    with site.navigation():
        page.get_by_role("button", name="Logga in").click()
    with site.navigation():
        page.get_by_role("link", name="Bokningar").first.click()
    with site.navigation():
        page.get_by_role("link", name="Budget- och skuldrådgivning").click()
    day = slots[0].local_start.date()
    site.visit(f"/handlaggning/bokningar/{resource.pk}/?vecka={day.isoformat()}")
    expect(page.get_by_text("Anna Testsson").first).to_be_visible()
    with site.navigation():
        page.get_by_role("button", name="Spärra").nth(1).click()
    expect(page.get_by_text("Tiden är spärrad.")).to_be_visible()
    with site.navigation():
        page.get_by_role("link", name="Avboka").first.click()
    with site.navigation():
        page.get_by_role("button", name="Avboka och skicka meddelandet").click()
    expect(page.get_by_text("Skriv ett meddelande till den som har bokat.")).to_be_visible()
    page.get_by_label("Meddelande till den som har bokat").fill("Rådgivaren är sjuk.")
    with site.navigation():
        page.get_by_role("button", name="Avboka och skicka meddelandet").click()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    run_tasks()
    cancellation = [m for m in mailbox.wait_for(2) if "Avbokad" in m["Subject"]]
    assert "Rådgivaren är sjuk." in cancellation[0].get_body(("plain",)).get_content()
    site.check_all_scanned()


def _two_weeks():
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    return today, today + datetime.timedelta(days=13)
