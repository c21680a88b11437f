from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "etjanst.bookings"
    verbose_name = _("Bokningar")

    def ready(self) -> None:
        from . import (  # noqa: F401  (register the booking question type and extract section)
            personal_data,
            question,
        )
