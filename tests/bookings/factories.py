"""Bookable resources for the tests."""

import datetime

import factory

from etjanst.bookings.models import OpeningRule, Resource, ScheduleException
from tests.organisation.factories import CommitteeFactory


class ResourceFactory(factory.django.DjangoModelFactory):
    """Open weekdays 09:00–12:00 (local time), 30-minute slots, one place each."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"resurs-{n}")
    name = factory.Sequence(lambda n: f"Rådgivning {n}")
    place = "Stadshuset, Storgatan 1"
    committee = factory.SubFactory(CommitteeFactory)
    slot_minutes = 30
    capacity = 1
    book_ahead_days = 60
    min_notice_hours = 1
    change_deadline_hours = 24

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if not create:
            return
        opens, closes = extracted or (datetime.time(9), datetime.time(12))
        for weekday in range(5):
            OpeningRule.objects.create(resource=self, weekday=weekday, opens=opens, closes=closes)


def closed_on(resource, day: datetime.date, note: str = "Helgdag") -> ScheduleException:
    return ScheduleException.objects.create(resource=resource, date=day, note=note)


BOOKING_FORM = {
    "steps": [
        {
            "id": "tid",
            "title": "Välj tid",
            "questions": [
                {"id": "tid", "type": "booking", "label": "Välj en tid", "required": True},
            ],
        },
        {
            "id": "kontakt",
            "title": "Kontakt",
            "questions": [
                {"id": "epost", "type": "email", "label": "E-postadress", "required": True},
            ],
        },
    ]
}


def booking_form(resource) -> dict:
    import copy

    form = copy.deepcopy(BOOKING_FORM)
    form["steps"][0]["questions"][0]["resource"] = resource.slug
    return form
