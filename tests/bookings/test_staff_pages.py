import datetime

import pytest
from django.urls import reverse

from etjanst.bookings import actions
from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking, Slot
from tests.bookings.factories import ResourceFactory
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

UTC = datetime.UTC
NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday 08:00 local
TUESDAY_9 = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def resource():
    return ResourceFactory(name="Budget- och skuldrådgivning")


@pytest.fixture
def manager(client, resource):
    user = staff_user("hanna", committee=resource.committee)
    resource.managers.add(user)
    log_in_staff(client, user)
    return user


def test_the_week_view_shows_bookings_and_staff_block_a_time(client, manager, resource):
    actions.book_slot(resource=resource, starts_at=TUESDAY_9, name="Anna Testsson")
    url = reverse("staff:booking_schedule", args=[resource.pk])
    page = client.get(url, {"vecka": "2026-05-06"})
    assert page.status_code == 200
    assert b"Anna Testsson" in page.content
    assert b"tisdag 5 maj" in page.content
    day = client.get(url, {"dag": "2026-05-05"})
    assert day.status_code == 200 and b"Anna Testsson" in day.content
    response = client.post(
        reverse("staff:booking_block", args=[resource.pk]),
        {"tid": "2026-05-05T07:30Z", "action": "block"},
    )
    assert response.status_code == 302
    assert Slot.objects.get(starts_at=TUESDAY_9 + datetime.timedelta(minutes=30)).blocked
    with pytest.raises(actions.SlotTaken):
        actions.book_slot(resource=resource, starts_at=TUESDAY_9 + datetime.timedelta(minutes=30))


def test_staff_cancel_with_a_message(client, manager, resource):
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    url = reverse("staff:booking_cancel", args=[booking.pk])
    assert client.post(url, {"meddelande": ""}).status_code == 400
    assert client.post(url, {"meddelande": "Rådgivaren är sjuk."}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by_staff == manager


def test_staff_who_do_not_manage_the_resource_get_404(client, resource):
    other = staff_user("olle", committee=resource.committee)
    log_in_staff(client, other)
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    assert client.get(reverse("staff:booking_schedule", args=[resource.pk])).status_code == 404
    assert (
        client.post(
            reverse("staff:booking_cancel", args=[booking.pk]), {"meddelande": "x"}
        ).status_code
        == 404
    )
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    assert resource.name.encode() not in client.get(reverse("staff:booking_resources")).content


def test_staff_pages_need_the_staff_login(client, resource):
    response = client.get(reverse("staff:booking_schedule", args=[resource.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_the_week_view_reads_a_bounded_number_of_queries(
    client, manager, resource, django_assert_max_num_queries
):
    url = reverse("staff:booking_schedule", args=[resource.pk])
    times = [TUESDAY_9 + datetime.timedelta(minutes=30 * i) for i in range(6)]
    actions.book_slot(resource=resource, starts_at=times[0], name="Första")
    client.get(url, {"vecka": "2026-05-04"})  # warm the session and the user's roles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url, {"vecka": "2026-05-04"})
    for start in times[1:]:
        actions.book_slot(resource=resource, starts_at=start, name="Fler")
    with django_assert_max_num_queries(len(one)):
        page = client.get(url, {"vecka": "2026-05-04"})
    assert page.content.count(b"Fler") == 2 * 5  # the name, and in the cancel link's label


@pytest.mark.parametrize("role", ["case_officer", "registrar", "eservice_manager"])
def test_blocking_a_time_needs_a_manager_of_the_resource(client, resource, role):
    """Staff of another committee, or of the same committee in any role but
    not managing the resource, cannot block its times: 404 (or the login
    page for a role without staff pages) and no slot changes."""
    other_committee = CommitteeFactory(name="Byggnadsnämnden", prefix="BN")
    for user in (
        staff_user(f"{role}-bn", role=role, committee=other_committee),
        staff_user(f"{role}-ks", role=role, committee=resource.committee),
    ):
        # They manage a resource of their own, just not this one.
        ResourceFactory(committee=other_committee).managers.add(user)
        log_in_staff(client, user)
        response = client.post(
            reverse("staff:booking_block", args=[resource.pk]),
            {"tid": "2026-05-05T07:30Z", "action": "block"},
        )
        if role == "eservice_manager":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("staff:login"))
        else:
            assert response.status_code == 404
        assert not Slot.objects.filter(blocked=True).exists()
    # The time can still be booked.
    actions.book_slot(resource=resource, starts_at=TUESDAY_9 + datetime.timedelta(minutes=30))
